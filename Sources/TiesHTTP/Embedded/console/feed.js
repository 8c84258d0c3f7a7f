// The live feed: the latest commits, and each new one as it is appended,
// by long-polling the change feed (GET /v1/events?after=…&wait=…).

import { h, show, report, clearReport } from './dom.js';
import { get, catalog, REQUEST_TIMEOUT_MS } from './api.js';
import { describe, byline } from './events.js';

/** Events shown when the feed opens, and kept on screen at most. */
const RECENT_EVENTS = 30;
const SHOWN_EVENTS_MAX = 300;
/** Seconds a poll waits for a commit (the API allows up to 60). */
const WAIT_SECONDS = 25;
/** After a failed poll, wait this long before the next. */
const RETRY_MS = 3000;

export async function feedView(main) {
  const types = await catalog();
  const health = await get('/v1/health');
  const list = h('ol', { class: 'feed', id: 'feed' });
  const status = h('p', { class: 'small muted', id: 'feed-status', 'aria-live': 'polite' }, 'Connecting…');
  show(main, h('h1', {}, 'Live feed'), h('p', {}, 'Commits appear here as they are appended, newest first.'), status, list);
  const controller = new AbortController();
  let next = Math.max(0, health.headSeq - RECENT_EVENTS);
  let stopped = false;

  const add = (entries) => {
    for (const entry of entries) {
      list.prepend(h('li', { class: 'card', 'data-seq': entry.seq }, byline(entry), describe(entry.event, { record: null, types: types.byId })));
    }
    while (list.children.length > SHOWN_EVENTS_MAX) list.lastChild.remove();
  };
  (async () => {
    let wait = 0;
    while (!stopped) {
      try {
        const page = await get('/v1/events', { after: next, limit: 100, wait }, { signal: controller.signal, timeoutMs: REQUEST_TIMEOUT_MS + wait * 1000 });
        add(page.events);
        next = Number(page.next);
        wait = page.events.length ? 0 : WAIT_SECONDS;
        status.textContent = `Following the log: head seq ${page.headSeq}; waiting for the next commit.`;
        status.dataset.next = String(next);
        clearReport();
      } catch (error) {
        if (stopped || error.name === 'AbortError') return;
        report(error);
        status.textContent = 'Reconnecting shortly…';
        await new Promise((resolve) => { setTimeout(resolve, RETRY_MS); });
      }
    }
  })();
  return () => {
    stopped = true;
    controller.abort();
  };
}
