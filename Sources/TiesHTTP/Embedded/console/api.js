// The HTTP API as the console calls it: the key from sessionStorage as a
// bearer token, JSON answers, and every failure as the problem's `detail`.

import { session, REQUEST_TIMEOUT_MS, recordPath, relationshipsQuery, requestTarget, send, takeEarly } from './start.js';

export { session, REQUEST_TIMEOUT_MS, parseRecord, recordPath } from './start.js';

/** A failed request: `detail` is what the user is shown. */
class Problem extends Error {
  constructor(status, detail, code) {
    super(detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Listeners told when the server refuses the key (401): the sign-in page. */
const unauthorizedListeners = [];
export function onUnauthorized(listener) { unauthorizedListeners.push(listener); }

/**
 * GET `path` (with `query`, skipping empty values) and answer its JSON.
 * Throws Problem: the problem+json `detail`, or a sentence of our own when
 * the server sent none or could not be reached.
 */
export async function get(path, query, { signal, key, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const target = requestTarget(path, query);
  const bearer = key ?? session.key ?? '';
  let answer;
  try {
    answer = await (takeEarly(target, bearer)
      ?? send(target, bearer, signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs)));
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    if (error.name === 'TimeoutError') throw new Problem(0, `The server did not answer within ${timeoutMs / 1000} s.`, 'timeout');
    throw new Problem(0, `The server did not answer (${error.message}). Is ties serve still running?`, 'network');
  }
  const { response, body } = answer;
  if (!response.ok) {
    const detail = body && typeof body.detail === 'string' ? body.detail : `${response.status} ${response.statusText}`;
    const problem = new Problem(response.status, detail, body && body.code);
    // Health's 503 is not a problem+json but the damage found (TiesHTTP.docc/Endpoints.md).
    if (body && body.status === 'damaged') problem.damage = body;
    if (response.status === 401 && key === undefined) unauthorizedListeners.forEach((listener) => listener(problem));
    throw problem;
  }
  return body;
}

/** Every relationship page of a record as of `asOf` (both directions), up to `pagesMax` pages. */
export async function relationships(record, asOf, pagesMax, options) {
  const links = [];
  let after;
  let answer;
  for (let page = 0; page < pagesMax; page += 1) {
    answer = await get(`${recordPath(record)}/relationships`, relationshipsQuery(asOf, after), options);
    links.push(...answer.relationships);
    after = answer.next;
    if (!after) break;
  }
  return { asOfSeq: answer.asOfSeq, asOfTime: answer.asOfTime, links, truncated: Boolean(after) };
}

/** The types, fetched once a sign-in: labels and filters need them. */
let catalogPromise = null;
export function catalog() {
  catalogPromise ??= Promise.all([get('/v1/object-types'), get('/v1/relationship-types')]).then(([objects, relations]) => {
    const types = [...relations.personToCo, ...relations.coToCo];
    return { objectTypes: objects.objectTypes, relationshipTypes: types, byId: new Map(types.map((t) => [t.relationshipTypeId, t])) };
  }).catch((error) => { catalogPromise = null; throw error; });
  return catalogPromise;
}
export function forgetCatalog() { catalogPromise = null; }

/** A type's key as the API spells it: role/objecttype or role/parent/child. */
export function typeKey(type) {
  if (!type) return '?';
  return type.kind === 'co_to_co' ? `${type.role}/${type.parentCustomObjectType}/${type.childCustomObjectType}` : `${type.role}/${type.customObjectType}`;
}
