// Events as sentences: who linked what to what, and what each change did
// to the attributes or fields (before → after), shared by the timeline,
// the link view and the live feed.

import { h, value, pairs, when } from './dom.js';
import { typeKey } from './api.js';

export const recordHref = (ref) => `#/record/${encodeURIComponent(ref)}`;
export const timelineHref = (ref) => `#/timeline/${encodeURIComponent(ref)}`;
export const linkHref = (typeId, from, to) => `#/link/${[typeId, from, to].map(encodeURIComponent).join('/')}`;

export function recordLink(ref) {
  return h('a', { href: recordHref(ref), class: 'ref' }, ref);
}

/** The name of a link from `record`'s side: the role, or the inverse role on the `to` side. */
export function label(type, event, record) {
  if (!type) return event.relationshipTypeId;
  if (record && event.to === record && event.from !== record) return type.inverseRole || `${type.role} (inverse)`;
  return type.role;
}

/** Attributes or fields after `event`, from those before it. */
function applied(before, event) {
  switch (event.type) {
    case 'relationship.linked': return { ...event.attributes };
    case 'relationship.unlinked': return {};
    case 'relationship.attributesChanged':
    case 'record.upserted': {
      const after = { ...before, ...event.set };
      for (const key of event.unset || []) delete after[key];
      return after;
    }
    case 'record.erased': return Object.fromEntries(Object.keys(before).map((key) => [key, { erased: true }]));
    default: return before;
  }
}

/** seq → the attributes before that event, from one link's events oldest first. */
export function attributesBefore(entries) {
  const before = new Map();
  let attributes = {};
  for (const entry of entries) {
    before.set(entry.seq, attributes);
    attributes = applied(attributes, entry.event);
  }
  return before;
}

/** "k: a → b" for each key `event` sets or unsets, against `before` ("k → b" when `before` is not known). */
function changes(before, event) {
  const change = (key, after) => h('li', {}, h('code', {}, key), before ? [': ', h('del', {}, value(before[key]))] : '', ' → ', h('ins', {}, after));
  const items = [
    ...Object.keys(event.set || {}).sort().map((key) => change(key, value(event.set[key]))),
    ...(event.unset || []).map((key) => change(key, '(removed)')),
  ];
  return items.length ? h('ul', { class: 'changes' }, items) : null;
}

/**
 * What an event did, as elements. `record`: the record whose page this
 * is (its side names the link); `before`: attributes or fields before the
 * event, when known; `types`: relationship types by ID; `onLinkPage`:
 * the page is the link's own history, so no link to it.
 */
export function describe(event, { record, before, types, onLinkPage = false }) {
  const type = types && types.get(event.relationshipTypeId);
  const name = h('strong', {}, label(type, event, record));
  const history = event.relationshipTypeId && event.from && !onLinkPage
    ? h('a', { href: linkHref(event.relationshipTypeId, event.from, event.to), class: 'small' }, 'link history') : null;
  const ends = () => {
    if (record === event.from) return [name, ' → ', recordLink(event.to)];
    if (record === event.to) return [name, ' ← ', recordLink(event.from)];
    return [recordLink(event.from), ' —', name, '→ ', recordLink(event.to)];
  };
  switch (event.type) {
    case 'relationship.linked':
      return [h('p', {}, 'Linked ', ends(), ' ', history), h('p', { class: 'small' }, 'attributes: ', pairs(event.attributes))];
    case 'relationship.unlinked':
      return [h('p', {}, 'Unlinked ', ends(), ' ', history), before ? h('p', { class: 'small' }, 'attributes were: ', pairs(before)) : null];
    case 'relationship.attributesChanged':
      return [h('p', {}, 'Changed ', ends(), ' ', history), changes(before, event)];
    case 'record.upserted':
      return [h('p', {}, 'Fields of ', recordLink(event.record)), changes(before, event)];
    case 'record.erased':
      return [h('p', {}, 'Erased the field values of ', recordLink(event.record))];
    case 'objectType.defined':
      return [h('p', {}, 'Defined object type ', h('strong', {}, event.name))];
    case 'relationshipType.registered':
      return [h('p', {}, 'Registered relationship type ', h('strong', {}, typeKey(event)), ' ', h('code', {}, event.relationshipTypeId))];
    case 'relationshipType.updated':
      return [h('p', {}, 'Updated relationship type ', h('code', {}, event.relationshipTypeId))];
    default:
      return [h('p', {}, event.type)];
  }
}

/** When, who (and via which key), why: the line above an event. */
export function byline(entry) {
  return h('p', { class: 'byline' },
    h('span', { class: 'seq' }, `seq ${entry.seq}`), ' · ', h('time', { datetime: entry.at }, when(entry.at)), ' · ',
    h('span', { class: 'actor' }, entry.actor || '—'),
    entry.principal && entry.principal !== entry.actor ? ` (via ${entry.principal})` : '',
    entry.reason ? [' · ', h('q', {}, entry.reason)] : '');
}
