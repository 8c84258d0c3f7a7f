// The record view: find a record, see its fields and its links now (a
// table grouped by type and a graph), and drag the time slider across the
// commits that touched it to see its links as of each one, with what
// differs from now marked.

import { h, show, when, pairs, report, clearReport } from './dom.js';
import { get, parseRecord, recordPath, relationships, catalog, typeKey } from './api.js';
import { recordHref, timelineHref, linkHref, recordLink } from './events.js';
import { drawGraph, NEIGHBOURS_DRAWN_MAX } from './graph.js';
import { States } from './states.js';
import { MATCH } from './start.js';

/** Pages of 1000 links read per state; a record with more says so. */
const RELATIONSHIP_PAGES_MAX = 5;
/** Table rows drawn at first (those that differ from now first); a button draws the rest. */
const TABLE_ROWS_MAX = 100;
/** History entries the slider spans (the newest). */
const SLIDER_ENTRIES_MAX = 1000;

function searchForm(text) {
  const input = h('input', { id: 'find', name: 'find', type: 'search', value: text || '', required: true, maxlength: 600,
    placeholder: 'person:user_123 or person[email=ada@example.com]', 'aria-describedby': 'find-help', autocomplete: 'off' });
  return h('form', { class: 'find', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    location.hash = recordHref(input.value.trim());
  } },
  h('label', { for: 'find' }, 'Record'), input, h('button', { type: 'submit' }, 'Open'),
  h('p', { id: 'find-help', class: 'small muted' }, 'TYPE:ID, or TYPE[FIELD=VALUE] to look a record up by one of its identifiers.'));
}

export async function recordView(main, route) {
  const text = route.parts[0];
  if (!text) {
    show(main, h('h1', {}, 'Find a record'), searchForm(''));
    main.querySelector('#find').focus();
    return;
  }
  const match = MATCH.exec(text);
  if (match) return findByIdentifier(main, text, match);
  const record = parseRecord(text);
  if (!record) {
    show(main, h('h1', {}, 'Find a record'), searchForm(text), h('p', { class: 'problem' }, `“${text}” is not TYPE:ID or TYPE[FIELD=VALUE].`));
    return;
  }
  show(main, searchForm(text), h('p', { class: 'muted loading' }, `Loading ${record.ref}…`));
  const [types, now, fields] = await Promise.all([
    catalog(),
    relationships(record, undefined, RELATIONSHIP_PAGES_MAX),
    get(recordPath(record)).catch((error) => {
      if (error.code === 'record_not_found') return null;
      throw error;
    }),
  ]);
  const view = new RecordPage(main, record, types, now);
  view.draw(text, fields);
  // The slider's positions come from the history, asked for once the first view is drawn (not beside it: on a
  // busy ledger the two would share the server's time).
  view.arm(get(`${recordPath(record)}/history`, { limit: SLIDER_ENTRIES_MAX }));
  return () => view.stop();
}

async function findByIdentifier(main, text, [, type, field, wanted]) {
  show(main, searchForm(text), h('p', { class: 'muted loading' }, 'Looking it up…'));
  const answer = await get(`/v1/records/${encodeURIComponent(type)}`, { field, value: wanted });
  if (answer.records.length === 1) {
    location.replace(recordHref(answer.records[0].record));
    return;
  }
  show(main, searchForm(text), h('h1', {}, `${type} where ${field} = ${wanted}`),
    answer.records.length === 0 ? h('p', {}, 'No record holds that value.')
      : h('ul', {}, answer.records.map((found) => h('li', {}, recordLink(found.record), ' ', h('span', { class: 'small' }, pairs(found.fields))))),
    answer.more ? h('p', { class: 'small' }, 'More records hold it; only the first are listed.') : null);
}

/** A link's identity across states: type, from, to. */
const linkKey = (link) => `${link.relationshipTypeId}|${link.from}|${link.to}`;

/** Whether two links' attributes are equal: the same names, each with an equal JSON value. */
function sameAttributes(a, b) {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && (a[name] === b[name] || JSON.stringify(a[name]) === JSON.stringify(b[name])));
}

/**
 * The links of `then` and `now` together, each marked: `same`, `changed`
 * (attributes differ), `removed` (then, not now), `added` (now, not then).
 */
function compare(then, now) {
  if (then === now) return now.map((link) => ({ link, current: link, state: 'same' }));
  const nowByKey = new Map(now.map((link) => [linkKey(link), link]));
  const rows = [];
  for (const link of then) {
    const current = nowByKey.get(linkKey(link));
    nowByKey.delete(linkKey(link));
    if (!current) rows.push({ link, state: 'removed' });
    else rows.push({ link, current, state: sameAttributes(link.attributes, current.attributes) ? 'same' : 'changed' });
  }
  for (const current of nowByKey.values()) rows.push({ link: current, current, state: 'added' });
  return rows;
}

const STATE_TEXT = { same: '', changed: 'changed since', removed: 'removed since', added: 'added since' };

class RecordPage {
  constructor(main, record, types, now) {
    this.main = main;
    this.record = record;
    this.types = types;
    this.now = now;
    this.states = new States((asOf, signal) => relationships(record, asOf, RELATIONSHIP_PAGES_MAX, { signal }));
    this.rows = new RowCache(types);
    this.graphDrawn = null;
    this.ticket = 0;
    this.index = 0;
    this.positions = [{ asOf: undefined, text: 'loading the commits that touched it…' }];
  }

  /** Gives the slider its positions once the history has come (`data-ready` on it then). */
  async arm(history) {
    try {
      this.positions = slider(await history);
    } catch (error) {
      if (this.range.isConnected) report(error);
      return;
    }
    if (!this.range.isConnected) return;
    this.range.max = String(this.positions.length - 1);
    this.range.value = this.range.max;
    this.range.disabled = false;
    this.range.dataset.ready = 'true';
    this.render(this.positions.length - 1, this.now, null);
    this.guessFrom(this.positions.length - 1, -1);
  }

  /** The view is left: the slider asks for nothing more. */
  stop() {
    this.states.stop();
  }

  draw(text, fields) {
    const { record } = this;
    this.table = h('div', { id: 'links' });
    this.graph = h('div', { id: 'graph', class: 'graph-box' });
    this.status = h('p', { id: 'slider-status', class: 'slider-status', 'aria-live': 'polite' });
    this.range = h('input', { id: 'slider', type: 'range', min: 0, max: 0, value: 0, step: 1, disabled: true,
      'aria-describedby': 'slider-status', oninput: () => this.step(Number(this.range.value)) });
    show(this.main, searchForm(text),
      h('h1', { id: 'record-title' }, record.ref),
      h('p', { class: 'actions' }, h('a', { href: timelineHref(record.ref) }, 'Timeline'), ' · ',
        h('span', { class: 'small' }, `state as of seq ${this.now.asOfSeq}`)),
      fieldsSection(fields),
      h('section', { class: 'card slider-box', 'aria-labelledby': 'slider-label' },
        h('label', { id: 'slider-label', for: 'slider' }, 'Time: drag (or use the arrow keys) across the commits that touched this record'),
        this.range, this.status,
        h('p', { class: 'legend small' }, h('span', { class: 'badge state-added' }, 'added since'), ' not linked yet at that point · ',
          h('span', { class: 'badge state-removed' }, 'removed since'), ' linked then, not now · ',
          h('span', { class: 'badge state-changed' }, 'changed since'), ' other attributes now')),
      h('div', { class: 'split' }, this.graph, this.table));
    this.render(this.positions.length - 1, this.now, null);
  }

  /** One slider step: the state as of that point, kept or asked for (the slider may move on meanwhile). */
  async step(index) {
    const started = performance.now();
    const ticket = ++this.ticket;
    const direction = Math.sign(index - this.index) || -1;
    this.index = index;
    const position = this.positions[index];
    try {
      const then = position.asOf === undefined ? this.now : await this.states.get(position.asOf);
      if (ticket !== this.ticket || then === null) return;
      clearReport();
      this.render(index, then, started);
      this.guessFrom(index, direction);
    } catch (error) {
      if (ticket === this.ticket) report(error);
    }
  }

  /** Asks ahead for the positions either side of `index`, first the next one in the slider's `direction`. */
  guessFrom(index, direction) {
    const at = (offset) => this.positions[index + offset * direction]?.asOf;
    this.states.guess([at(1), at(-1)]);
  }

  render(index, then, started) {
    const position = this.positions[index];
    const compared = compare(then.links, this.now.links);
    const rows = [...compared.filter((row) => row.state !== 'same'), ...compared.filter((row) => row.state === 'same')];
    const shown = this.showAll ? rows : rows.slice(0, TABLE_ROWS_MAX);
    const atNow = index === this.positions.length - 1;
    show(this.status, atNow ? `Now (seq ${this.now.asOfSeq}).` : `As of seq ${then.asOfSeq}`,
      atNow ? '' : ` (${when(then.asOfTime)})`, ' — ', position.text,
      then.truncated ? ' Only the first links are shown.' : '');
    this.rows.draw(this.table, shown, rows.length > shown.length ? h('p', { class: 'small' }, `Showing ${shown.length} of ${rows.length} links, those that differ from now first. `,
      h('button', { type: 'button', onclick: () => { this.showAll = true; this.step(Number(this.range.value)); } }, `Show all ${rows.length}`)) : null);
    this.drawGraph(neighbours(rows));
    const box = this.status;
    box.dataset.index = String(index);
    box.dataset.asOfSeq = String(then.asOfSeq);
    // Reading a size lays the page out now, so a step's time includes its layout, not only its DOM.
    if (started !== null && this.main.offsetHeight >= 0) box.dataset.stepMs = (performance.now() - started).toFixed(1);
  }

  /** The graph, drawn again only when its neighbours or their states differ from those drawn. */
  drawGraph(around) {
    const drawn = JSON.stringify([around.length, around.slice(0, NEIGHBOURS_DRAWN_MAX)]);
    if (drawn === this.graphDrawn) return;
    this.graphDrawn = drawn;
    show(this.graph, drawGraph(this.record.ref, around));
  }
}

/**
 * The table's rows by what they show, kept from one drawing to the next:
 * a slider step makes only the rows whose link, state or attributes
 * differ from the last drawing's, and moves no row that stays, so the
 * browser lays out only what changed.
 */
class RowCache {
  constructor(types) {
    this.types = types;
    this.rows = new Map();
    this.groups = new Map();
  }

  /** Draws `shown` into `box` (grouped by type, `note` above them), reusing the rows and groups drawn before. */
  draw(box, shown, note) {
    if (!shown.length) {
      this.rows.clear();
      this.groups.clear();
      show(box, note, h('p', { class: 'muted' }, 'No relationships at this point.'));
      return;
    }
    const members = new Map();
    for (const row of shown) {
      const title = groupTitle(row, this.types);
      if (!members.has(title)) members.set(title, []);
      members.get(title).push(row);
    }
    const rows = new Map();
    const groups = new Map();
    for (const [title, group] of members) {
      const drawn = this.groups.get(title) || linkGroup(title);
      groups.set(title, drawn);
      place(drawn.body, group.map((row) => {
        const key = rowKey(row);
        const tr = this.rows.get(key) || linkRow(row);
        rows.set(key, tr);
        return tr;
      }));
    }
    this.rows = rows;
    this.groups = groups;
    place(box, [note, ...[...groups.values()].map((group) => group.section)].filter(Boolean));
  }
}

/** Makes `parent`'s children `nodes`, in order, leaving in place each node already where it belongs. */
function place(parent, nodes) {
  const wanted = new Set(nodes);
  for (const child of [...parent.children]) if (!wanted.has(child)) child.remove();
  let cursor = parent.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(node, cursor);
  }
}

/**
 * The slider's positions, oldest first: before the first commit shown,
 * then one after each commit that touched the record. A position's state
 * is asked as of the seq just before the next such commit — the end of a
 * whole commit, and the same links, as nothing else touched the record in
 * between — and the last one is now.
 */
function slider(history) {
  const commits = [];
  for (const entry of [...history.entries].reverse()) {
    const last = commits[commits.length - 1];
    if (last && last.commitSeq === entry.commitSeq) last.entries.push(entry);
    else commits.push({ commitSeq: entry.commitSeq, entries: [entry] });
  }
  const positions = [];
  if (commits.length) {
    positions.push({ asOf: commits[0].commitSeq - 1, text: history.next ? `before seq ${commits[0].commitSeq} (older changes are not on the slider)` : 'before its first change' });
  }
  commits.forEach((commit, index) => {
    const next = commits[index + 1];
    const first = commit.entries[0];
    const more = commit.entries.length > 1 ? ` and ${commit.entries.length - 1} more` : '';
    positions.push({ asOf: next ? next.commitSeq - 1 : undefined,
      text: `after seq ${commit.commitSeq}: ${summary(first.event)}${more} by ${first.actor}${first.reason ? ` (“${first.reason}”)` : ''}` });
  });
  if (!positions.length || positions[positions.length - 1].asOf !== undefined) positions.push({ asOf: undefined, text: 'now' });
  if (positions.length === 1) positions[0].text = 'now (nothing has touched this record)';
  return positions;
}

function summary(event) {
  switch (event.type) {
    case 'relationship.linked': return `linked ${event.from} → ${event.to}`;
    case 'relationship.unlinked': return `unlinked ${event.from} → ${event.to}`;
    case 'relationship.attributesChanged': return `changed ${event.from} → ${event.to}`;
    case 'record.upserted': return 'fields changed';
    case 'record.erased': return 'erased';
    default: return event.type;
  }
}

function fieldsSection(fields) {
  if (!fields) return h('p', { class: 'small muted', id: 'fields' }, 'No fields recorded (the record exists through its links only).');
  const names = Object.keys(fields.fields).sort();
  return h('section', { id: 'fields', class: 'card' }, h('h2', {}, 'Fields'),
    names.length === 0 ? h('p', { class: 'small' }, 'none') : h('dl', { class: 'pairs' }, names.map((name) => [h('dt', {}, name), h('dd', {}, JSON.stringify(fields.fields[name]))])),
    h('p', { class: 'small muted' }, `since seq ${fields.since}${fields.erased ? ' · erased' : ''}`));
}

/** The other record of a link, from `ref`'s side. */
const other = (link) => (link.direction === 'inverse' ? link.from : link.to);

function groupTitle(row, types) {
  const type = types.byId.get(row.link.relationshipTypeId);
  return `${row.link.label}${row.link.direction === 'inverse' ? ' (inverse)' : ''} · ${type ? typeKey(type) : row.link.relationshipTypeId}`;
}

/** A group of the table (one type, one side), its rows to come: {section, body}. */
function linkGroup(title) {
  const body = h('tbody');
  const section = h('section', { class: 'group' },
    h('h2', {}, title),
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Record'), h('th', { scope: 'col' }, 'Attributes'), h('th', { scope: 'col' }, 'Linked'), h('th', { scope: 'col' }, 'State'))),
      body)));
  return { section, body };
}

/** What a row shows, as one string: rows with the same key look the same. */
function rowKey({ link, current, state }) {
  return JSON.stringify([linkKey(link), state, link.linkedSeq, link.linkedAt, pairs(link.attributes), state === 'changed' ? pairs(current.attributes) : '']);
}

function linkRow(row) {
  const { link, current, state } = row;
  const attributes = state === 'changed'
    ? [h('del', {}, pairs(link.attributes)), ' → ', h('ins', {}, pairs(current.attributes))]
    : pairs(link.attributes);
  return h('tr', { class: `state-${state}`, 'data-link': linkKey(link), 'data-state': state },
    h('td', {}, recordLink(other(link)), h('br'), h('a', { href: linkHref(link.relationshipTypeId, link.from, link.to), class: 'small' }, 'link history')),
    h('td', {}, attributes),
    h('td', { class: 'small' }, `seq ${link.linkedSeq}`, h('br'), when(link.linkedAt)),
    h('td', {}, state === 'same' ? '' : h('span', { class: `badge state-${state}` }, STATE_TEXT[state])));
}

function neighbours(rows) {
  const byRecord = new Map();
  for (const row of rows) {
    const key = other(row.link);
    const entry = byRecord.get(key) || { ref: key, labels: [], states: new Set() };
    entry.labels.push(row.link.label);
    entry.states.add(row.state);
    byRecord.set(key, entry);
  }
  return [...byRecord.values()].map((entry) => ({
    ref: entry.ref, labels: [...new Set(entry.labels)],
    state: entry.states.size === 1 ? [...entry.states][0] : 'changed',
  }));
}
