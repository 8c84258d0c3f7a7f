// What the page starts at once, before the rest of its code has come: this
// module imports nothing and is loaded `async`, so it runs as soon as it is
// here. It asks for the first view's data when the address is a record,
// so the answers travel while the other modules load. api.js takes each
// early answer once, for the same request with the same key; an answer
// nobody takes is dropped with the page.

const KEY_ITEM = 'ties.apiKey';

/** The key, kept in this tab's sessionStorage. */
export const session = {
  get key() { return sessionStorage.getItem(KEY_ITEM); },
  set key(key) {
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    else sessionStorage.removeItem(KEY_ITEM);
  },
};

/** How long a request may take before the console gives up on it (a long poll adds its wait). */
export const REQUEST_TIMEOUT_MS = 30000;
/** Links a page of a record's relationships: the API's most. */
export const RELATIONSHIPS_PAGE_LINKS = 1000;
/** `type[field=value]`: a record found by an identifier. */
export const MATCH = /^([^[\]:]+)\[([^=\]]+)=(.*)\]$/;

/** The route of the hash: #/record/person:ada?x=1 → {name, parts, query}. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || 'record', parts: parts.slice(1), query: new URLSearchParams(search || '') };
}

/** `TYPE:ID` split at its first colon, or null. */
export function parseRecord(text) {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return null;
  return { type: text.slice(0, at), id: text.slice(at + 1), ref: text };
}

/** The path of a record, each part percent-encoded. */
export function recordPath(record) {
  return `/v1/records/${encodeURIComponent(record.type)}/${encodeURIComponent(record.id)}`;
}

/** The query of a page of a record's links, both directions. */
export function relationshipsQuery(asOf, after) {
  return { direction: 'both', limit: RELATIONSHIPS_PAGE_LINKS, asOf, after };
}

/** `path` with `query`, empty values left out. */
export function requestTarget(path, query) {
  const params = new URLSearchParams();
  for (const [name, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(name, String(v));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** GET `target` with `key`: {response, body}, the body parsed as JSON (null when it is not). */
export async function send(target, key, signal) {
  const response = await fetch(target, {
    headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
    signal,
    cache: 'no-store',
  });
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') throw error;
    body = null;
  }
  return { response, body };
}

/** Early answers not taken yet, by target and key. */
const early = new Map();

/** The early answer to `target` with `key`, once; undefined when none was asked for. */
export function takeEarly(target, key) {
  const id = `${key}\n${target}`;
  const answer = early.get(id);
  early.delete(id);
  return answer;
}

function askEarly(path, query, key) {
  const target = requestTarget(path, query);
  const answer = send(target, key, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  answer.catch(() => {});  // its taker sees the failure; an answer nobody takes fails quietly
  early.set(`${key}\n${target}`, answer);
}

/** The requests the record view makes first (record.js, api.js's catalog), when the address is a record. */
function startFirstView() {
  const key = session.key;
  const route = currentRoute();
  if (!key || route.name !== 'record' || !route.parts[0] || MATCH.test(route.parts[0])) return;
  const record = parseRecord(route.parts[0]);
  if (!record) return;
  askEarly('/v1/object-types', {}, key);
  askEarly('/v1/relationship-types', {}, key);
  askEarly(`${recordPath(record)}/relationships`, relationshipsQuery(), key);
  askEarly(recordPath(record), {}, key);
}

startFirstView();
