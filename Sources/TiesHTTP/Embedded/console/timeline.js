// A record's timeline: its events newest first, a page at a time, filtered
// by relationship type and actor (GET /v1/audit?record=…), each with what
// it changed, before → after.

import { h, show } from './dom.js';
import { get, parseRecord, recordPath, catalog, typeKey } from './api.js';
import { recordHref, timelineHref, describe, byline, attributesBefore } from './events.js';

/** Entries a page. */
const PAGE_SIZE = 20;
/** Filter text bounds, as the API's (an actor is 1–255 characters). */
const ACTOR_CHARS_MAX = 255;

export async function timelineView(main, route) {
  const record = parseRecord(route.parts[0] || '');
  if (!record) {
    show(main, h('h1', {}, 'Timeline'), h('p', { class: 'problem' }, 'Open a record first: the timeline is a record’s.'), h('a', { href: '#/record' }, 'Find a record'));
    return;
  }
  const filters = { actor: route.query.get('actor') || '', relationshipType: route.query.get('type') || '', after: route.query.get('after') || '' };
  const trail = (route.query.get('trail') || '').split(',').filter(Boolean);
  const types = await catalog();
  const relevant = types.relationshipTypes.filter((type) => [type.customObjectType, type.parentCustomObjectType, type.childCustomObjectType].includes(record.type) || record.type === 'person');
  const page = await get('/v1/audit', { record: record.ref, actor: filters.actor, relationshipType: filters.relationshipType, after: filters.after, limit: PAGE_SIZE });
  const befores = await beforeValues(record, page.entries);

  const href = (extra) => {
    const query = new URLSearchParams();
    if (filters.actor) query.set('actor', filters.actor);
    if (filters.relationshipType) query.set('type', filters.relationshipType);
    for (const [name, v] of Object.entries(extra)) if (v) query.set(name, v);
    const text = query.toString();
    return `${timelineHref(record.ref)}${text ? `?${text}` : ''}`;
  };
  const actor = h('input', { id: 'actor', name: 'actor', value: filters.actor, maxlength: ACTOR_CHARS_MAX, autocomplete: 'off' });
  const typeSelect = h('select', { id: 'type', name: 'type' }, h('option', { value: '' }, 'every type'),
    relevant.map((type) => h('option', { value: type.relationshipTypeId, selected: type.relationshipTypeId === filters.relationshipType }, typeKey(type))));
  const form = h('form', { class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    filters.actor = actor.value.trim();
    filters.relationshipType = typeSelect.value;
    location.hash = href({});
  } },
  h('label', { for: 'type' }, 'Type'), typeSelect, h('label', { for: 'actor' }, 'Actor'), actor, h('button', { type: 'submit' }, 'Filter'));

  // The cursors of the pages before this one, newest last ('-': the first page).
  const previous = trail[trail.length - 1];
  const newer = previous ? h('a', { href: href({ after: previous === '-' ? '' : previous, trail: trail.slice(0, -1).join(',') }), id: 'newer' }, '← Newer') : null;
  const older = page.next ? h('a', { href: href({ after: page.next, trail: [...trail, filters.after || '-'].join(',') }), id: 'older' }, 'Older →') : null;
  show(main,
    h('h1', {}, 'Timeline of ', h('a', { href: recordHref(record.ref) }, record.ref)),
    form,
    page.entries.length === 0 ? h('p', { class: 'muted' }, 'No events match.') : h('ol', { class: 'timeline', id: 'timeline' },
      page.entries.map((entry) => h('li', { class: 'card', 'data-seq': entry.seq }, byline(entry),
        describe(entry.event, { record: record.ref, before: befores.get(entry.seq), types: types.byId })))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, newer, ' ', older));
}

/**
 * What the attributes or fields were before each event of the page that
 * changes or ends something: each link's history is read once and
 * replayed; a record's fields are read as of the seq before the commit.
 */
async function beforeValues(record, entries) {
  const befores = new Map();
  const links = new Map();
  const fieldReads = [];
  for (const entry of entries) {
    const { event } = entry;
    if (event.type === 'relationship.attributesChanged' || event.type === 'relationship.unlinked') {
      links.set(`${event.relationshipTypeId}|${event.from}|${event.to}`, event);
    } else if (event.type === 'record.upserted' && event.record === record.ref) {
      fieldReads.push(get(recordPath(record), { asOf: entry.commitSeq - 1 })
        .then((answer) => befores.set(entry.seq, answer.fields))
        .catch((error) => {
          if (error.code === 'record_not_found' || entry.commitSeq <= 1) befores.set(entry.seq, {});
          else throw error;
        }));
    }
  }
  const linkReads = [...links.values()].map((event) => get('/v1/relationships/history', { relationshipType: event.relationshipTypeId, from: event.from, to: event.to })
    .then((story) => {
      for (const [seq, attributes] of attributesBefore(story.versions.flatMap((version) => version.events))) befores.set(seq, attributes);
    }));
  await Promise.all([...linkReads, ...fieldReads]);
  return befores;
}

