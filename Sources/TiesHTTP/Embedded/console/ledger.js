// The ledger at a glance: counts and sizes (GET /v1/stats), health and the
// background scrub (GET /v1/health), snapshots, and every type — object
// types, and relationship types grouped by kind with their cardinality and
// the label each side sees.

import { h, show, when, bytes } from './dom.js';
import { get, catalog, forgetCatalog, typeKey } from './api.js';

export async function ledgerView(main) {
  forgetCatalog();
  const [stats, health, types] = await Promise.all([get('/v1/stats'), healthAnswer(), catalog()]);
  const counts = [
    ['head seq', stats.headSeq], ['last commit', when(stats.lastCommitAt)], ['commits', stats.commits],
    ['object types', stats.objectTypes], ['relationship types', stats.relationshipTypes], ['current links', stats.currentLinks],
    ['link versions', stats.linkVersions], ['log', bytes(stats.logBytes)], ['projection', bytes(stats.projectionBytes)],
  ];
  show(main,
    h('h1', {}, 'Ledger'),
    h('div', { class: 'split' },
      h('section', { class: 'card', id: 'counts' }, h('h2', {}, 'Counts'), h('dl', { class: 'pairs' }, counts.map(([name, v]) => [h('dt', {}, name), h('dd', {}, String(v))])),
        h('p', { class: 'small muted' }, 'head hash ', h('code', { class: 'hash' }, stats.headHash))),
      h('section', { class: 'card', id: 'health' }, h('h2', {}, 'Health'), healthSection(health))),
    h('section', { class: 'card', id: 'snapshots' }, h('h2', {}, 'Snapshots'), snapshotsSection(stats.snapshots)),
    h('section', { class: 'card', id: 'object-types' }, h('h2', {}, 'Object types'), objectTypesTable(types.objectTypes)),
    relationshipTypesSection('Person → object types', types.relationshipTypes.filter((type) => type.kind === 'person_to_co'), 'person-types'),
    relationshipTypesSection('Object → object types', types.relationshipTypes.filter((type) => type.kind === 'co_to_co'), 'object-types-links'));
}

/** Health answers 503 with the damage while the log is known damaged: that answer is the point. */
async function healthAnswer() {
  try {
    return await get('/v1/health');
  } catch (error) {
    if (error.status === 503 && error.damage) return error.damage;
    throw error;
  }
}

function healthSection(health) {
  if (health.status !== 'ok') {
    return [h('p', { class: 'problem' }, h('strong', {}, 'Damaged: '), health.detail || health.status),
      h('p', { class: 'small' }, `seq ${health.seq ?? '?'} at byte ${health.offset ?? '?'}, found by ${health.foundBy} at ${when(health.foundAt)}. Writes are refused; reads go on.`)];
  }
  const scrub = health.scrub;
  const rows = [['status', 'ok'], ['head seq', health.headSeq]];
  if (scrub) {
    const percent = scrub.bytesTotal ? Math.floor((100 * scrub.bytesDone) / scrub.bytesTotal) : 100;
    rows.push(['scrub', scrub.running ? `running: ${percent}% (${bytes(scrub.bytesDone)} of ${bytes(scrub.bytesTotal)})` : 'idle'],
      ['scrub passes completed', scrub.passesCompleted], ['last pass ended', when(scrub.lastPassEndedAt)]);
  }
  return h('dl', { class: 'pairs' }, rows.map(([name, v]) => [h('dt', {}, name), h('dd', {}, String(v))]));
}

function snapshotsSection(snapshots) {
  if (!snapshots.length) return h('p', { class: 'muted' }, 'No snapshots yet.');
  return [h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'seq'), h('th', { scope: 'col' }, 'size'))),
    h('tbody', {}, snapshots.map((snapshot) => h('tr', {}, h('td', {}, String(snapshot.seq)), h('td', {}, bytes(snapshot.bytes))))))),
  h('p', { class: 'small muted' }, 'Listed, not checked: ties snapshots checks each one.')];
}

function objectTypesTable(objectTypes) {
  if (!objectTypes.length) return h('p', { class: 'muted' }, 'None defined yet (person is built in).');
  return h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['name', 'description', 'identifiers'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, objectTypes.map((type) => h('tr', {}, h('td', {}, type.name), h('td', {}, type.description || '—'),
      h('td', {}, (type.identifiers || []).map((id) => `${id.field}${id.unique ? ' (unique)' : ''}`).join(', ') || '—'))))));
}

function relationshipTypesSection(title, types, id) {
  return h('section', { class: 'card', id }, h('h2', {}, title),
    types.length === 0 ? h('p', { class: 'muted' }, 'None.') : h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['type', 'from → to', 'cardinality', 'label from each side', 'ID'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, types.map((type) => {
        const [fromType, toType] = type.kind === 'co_to_co' ? [type.parentCustomObjectType, type.childCustomObjectType] : ['person', type.customObjectType];
        return h('tr', {}, h('td', {}, h('strong', {}, typeKey(type)), type.description ? [h('br'), h('span', { class: 'small' }, type.description)] : ''),
          h('td', {}, `${fromType} → ${toType}`),
          h('td', {}, type.cardinality || 'any'),
          h('td', {}, `${fromType}: ${type.role}`, h('br'), `${toType}: ${type.inverseRole || `${type.role} (inverse)`}`, type.bidirectional ? '' : h('span', { class: 'small' }, ' · one-way')),
          h('td', {}, h('code', {}, type.relationshipTypeId)));
      })))));
}
