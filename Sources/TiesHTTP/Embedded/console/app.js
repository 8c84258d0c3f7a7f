// The console's entry point: the hash router, sign-in, the error banner.
// Every view is a function (main, route) → Promise that draws into `main`
// and may return a function that stops it (the live feed's long poll).

import { h, show, report, clearReport } from './dom.js';
import { get, session, onUnauthorized, forgetCatalog } from './api.js';
import { currentRoute } from './start.js';
import { recordView } from './record.js';
import { timelineView } from './timeline.js';
import { linkView } from './link.js';
import { feedView } from './feed.js';
import { ledgerView } from './ledger.js';

const main = document.getElementById('view');
const signOut = document.getElementById('sign-out');
let stopView = null;
let firstViewMarked = false;
/** Views drawn so far: `data-rendered` tells a test that a new one is on screen. */
let renders = 0;
let signInMessage = null;

const views = { record: recordView, timeline: timelineView, link: linkView, feed: feedView, ledger: ledgerView };

async function render() {
  if (stopView) stopView();
  stopView = null;
  clearReport();
  const route = currentRoute();
  signOut.hidden = !session.key;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === route.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!session.key || route.name === 'signin') {
    signInView(route);
    return;
  }
  const view = views[route.name];
  if (!view) {
    show(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no view at ', h('code', {}, location.hash), '. ', h('a', { href: '#/record' }, 'Find a record')));
    return markRendered();
  }
  try {
    stopView = (await view(main, route)) || null;
  } catch (error) {
    const detail = report(error);
    main.querySelector('.loading')?.remove();
    if (detail !== null) main.append(h('p', { class: 'problem' }, detail));
  }
  markRendered();
}

/** Marks the first view drawn (`ties-first-view`, read by the browser test) and says which view is on screen. */
function markRendered(view = currentRoute().name) {
  main.dataset.view = view;
  renders += 1;
  main.dataset.rendered = String(renders);
  if (!firstViewMarked) {
    firstViewMarked = true;
    performance.mark('ties-first-view');
  }
}

function signInView(route) {
  const input = h('input', { id: 'key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: 200, placeholder: 'tk_…' });
  const message = h('p', { id: 'sign-in-message', class: 'problem', role: 'status' }, signInMessage || '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', onsubmit: async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    button.disabled = true;
    message.textContent = 'Checking the key…';
    try {
      await get('/v1/object-types', {}, { key });
      session.key = key;
      signInMessage = null;
      forgetCatalog();
      const target = route.name === 'signin' ? route.query.get('next') || '#/record' : location.hash;
      if (location.hash === target) render();
      else location.hash = target;
    } catch (error) {
      message.textContent = error.status === 401
        ? `That key was refused: ${error.detail}. Check it for typos, or create a new one with ties keys create (a revoked key never works again).`
        : error.detail || String(error);
    } finally {
      button.disabled = false;
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Paste an API key (any role). It is kept in this tab only (sessionStorage) and sent as the Authorization header.'),
  h('label', { for: 'key' }, 'API key'), input, button, message);
  show(main, form);
  input.focus();
  markRendered('signin');
}

onUnauthorized((problem) => {
  session.key = null;
  signInMessage = `Signed out: ${problem.detail}. Sign in again with a valid key.`;
  if (currentRoute().name !== 'signin') render();
});

signOut.addEventListener('click', () => {
  session.key = null;
  signInMessage = null;
  forgetCatalog();
  render();
});

window.addEventListener('hashchange', render);
render();
