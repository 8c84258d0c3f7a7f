// One link's story (GET /v1/relationships/history): each version from its
// link to its unlink, and every event that made, changed or ended it, with
// who, via which key, why, and the attributes before → after.

import { h, show, when, pairs } from './dom.js';
import { get, catalog, typeKey } from './api.js';
import { recordLink, describe, byline, attributesBefore } from './events.js';

export async function linkView(main, route) {
  const [typeId, from, to] = route.parts;
  if (!typeId || !from || !to) {
    show(main, h('h1', {}, 'Link history'), h('p', { class: 'problem' }, 'Open a link from a record’s table or timeline.'));
    return;
  }
  const [types, story] = await Promise.all([catalog(), get('/v1/relationships/history', { relationshipType: typeId, from, to })]);
  const type = types.byId.get(story.relationshipTypeId);
  const befores = attributesBefore(story.versions.flatMap((version) => version.events));
  show(main,
    h('h1', {}, 'Link history'),
    h('p', { class: 'lead' }, recordLink(story.from), ' —', h('strong', {}, type ? type.role : story.relationshipTypeId), '→ ', recordLink(story.to)),
    h('p', { class: 'small muted' }, type ? typeKey(type) : '', ' ', h('code', {}, story.relationshipTypeId),
      type && type.inverseRole ? ` · from ${story.to}: ${type.inverseRole}` : ''),
    h('ol', { class: 'versions', id: 'versions' }, [...story.versions].reverse().map((version, index) => h('li', { class: 'card', 'data-from-seq': version.fromSeq },
      h('h2', {}, `Version ${story.versions.length - index}: `, version.toSeq === null ? 'current' : 'ended'),
      h('p', { class: 'small' }, `linked at seq ${version.fromSeq} (${when(version.fromAt)})`,
        version.toSeq === null ? '' : ` · unlinked at seq ${version.toSeq} (${when(version.toAt)})`),
      h('p', {}, version.toSeq === null ? 'Attributes now: ' : 'Attributes at its end: ', pairs(version.attributes)),
      h('ol', { class: 'events' }, version.events.map((entry) => h('li', { 'data-seq': entry.seq }, byline(entry),
        describe(entry.event, { record: null, before: befores.get(entry.seq), types: types.byId, onLinkPage: true }))))))));
}
