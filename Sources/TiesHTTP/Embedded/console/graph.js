// The record's neighbourhood as a small SVG: the record in the middle, its
// neighbours on an ellipse around it, each a link to walk to (click, or
// Tab then Enter). States are written out, not only coloured.

import { s } from './dom.js';
import { recordHref } from './events.js';

/** Neighbours drawn at most; the table lists them all. */
export const NEIGHBOURS_DRAWN_MAX = 12;
/** Past this many neighbours the edges' labels would overlap: the table has them. */
const EDGE_LABELS_MAX = 8;

const WIDTH = 480;
const HEIGHT = 400;
const LABEL_CHARS_MAX = 20;

const short = (text) => (text.length > LABEL_CHARS_MAX ? `${text.slice(0, LABEL_CHARS_MAX - 1)}…` : text);

/**
 * `neighbours`: [{ref, labels: [..], state: 'same'|'added'|'removed'|'changed'}].
 * Answers the <svg> element.
 */
export function drawGraph(center, neighbours) {
  const drawn = neighbours.slice(0, NEIGHBOURS_DRAWN_MAX);
  const cx = WIDTH / 2;
  const cy = HEIGHT / 2;
  const edges = s('g', { class: 'edges' });
  const nodes = s('g', { class: 'nodes' });
  drawn.forEach((neighbour, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / drawn.length;
    const x = cx + Math.cos(angle) * (WIDTH / 2 - 80);
    const y = cy + Math.sin(angle) * (HEIGHT / 2 - 50);
    const state = `state-${neighbour.state}`;
    edges.append(
      s('line', { x1: cx, y1: cy, x2: x, y2: y, class: `edge ${state}` }),
      drawn.length > EDGE_LABELS_MAX ? null
        : s('text', { x: (cx + x) / 2, y: (cy + y) / 2 - 4, class: 'edge-label', 'text-anchor': 'middle' }, short(neighbour.labels.join(', '))));
    nodes.append(s('a', { href: recordHref(neighbour.ref), class: `node ${state}`, 'data-record': neighbour.ref, 'aria-label': `${neighbour.ref}, ${neighbour.labels.join(', ')}${neighbour.state === 'same' ? '' : `, ${neighbour.state}`}` },
      s('circle', { cx: x, cy: y, r: 9 }),
      s('text', { x, y: y + 24, 'text-anchor': 'middle' }, short(neighbour.ref)),
      neighbour.state === 'same' ? null : s('text', { x, y: y + 38, 'text-anchor': 'middle', class: 'state-text' }, neighbour.state)));
  });
  const middle = s('g', { class: 'node center' },
    s('circle', { cx, cy, r: 14 }),
    s('text', { x: cx, y: cy + 32, 'text-anchor': 'middle' }, short(center)));
  const more = neighbours.length > drawn.length
    ? s('text', { x: 8, y: HEIGHT - 8, class: 'edge-label' }, `+${neighbours.length - drawn.length} more in the table`) : null;
  return s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'graph', role: 'group', 'aria-label': `${center} and its neighbours` },
    s('title', {}, `${center} and its neighbours`), edges, middle, nodes, more);
}
