// Building the page from data: elements are made with textContent and
// attributes, never from HTML strings, so nothing a ledger holds can run.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  appendAll(node, children);
  return node;
}

/** Appends children, arrays of them flattened, leaving out null, undefined and false; anything else not a node is text. */
function appendAll(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendAll(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** An HTML element: h('a', {href: '#/x', class: 'y'}, 'text', otherNode). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, as h. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the children of `node`. */
export function show(node, ...children) {
  node.replaceChildren();
  return build(node, {}, children);
}

const two = (n) => String(n).padStart(2, '0');

/**
 * An RFC 3339 time as the reader's local date and time, to the second:
 * 2026-12-07 14:05:09. Written out by hand, not with Intl.DateTimeFormat,
 * whose first use loads ICU's locale data: tens of ms on the first view.
 */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A JSON value as short text: strings bare, everything else as JSON. */
export function value(v) {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Attributes or fields as "k: v, k: v" ("none" when empty). */
export function pairs(object) {
  const keys = Object.keys(object || {}).sort();
  return keys.length === 0 ? 'none' : keys.map((k) => `${k}: ${value(object[k])}`).join(', ');
}

/** A byte count as kB/MB. */
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Shows a failure's detail in the page's alert banner and answers it (null for an abort). */
export function report(error) {
  if (error && error.name === 'AbortError') return null;
  const detail = (error && error.detail) || String(error);
  const banner = document.getElementById('error');
  show(banner, h('strong', {}, 'Error: '), detail);
  banner.hidden = false;
  return detail;
}

export function clearReport() {
  const banner = document.getElementById('error');
  banner.hidden = true;
  banner.replaceChildren();
}
