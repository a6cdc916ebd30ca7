// The Strata web UI: hash routes (#/services, #/apps, #/apps/<id>, #/nodes, #/tasks, #/packages), one view at a
// time in <main>, live data from the store.

import {store, subscribe, startLive} from './store.js';
import * as services from './views/services.js';
import * as apps from './views/apps.js';
import * as appDetail from './views/app-detail.js';
import * as nodes from './views/nodes.js';
import * as tasks from './views/tasks.js';
import * as packages from './views/packages.js';

const main = document.getElementById('main');
let current = null;

/** '#/apps/%2Fweb?x=1' → {view: 'apps', rest: '%2Fweb', query: URLSearchParams}. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const slash = path.indexOf('/');
  return {view: slash < 0 ? path : path.slice(0, slash), rest: slash < 0 ? '' : path.slice(slash + 1), query};
}

function viewFor(route) {
  switch (route.view) {
    case 'services': return services;
    case 'apps': return route.rest ? appDetail : apps;
    case 'nodes': return nodes;
    case 'tasks': return tasks;
    case 'packages': return packages;
    default: return null;
  }
}

/** After a route change the page's heading takes the focus, so screen readers announce the new page. */
function focusHeading() {
  const heading = main.querySelector('h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({preventScroll: true});
}

function navigate(initial) {
  const route = parseHash(location.hash);
  const view = viewFor(route);
  if (!view) {
    location.replace('#/services');
    return;
  }
  if (current && current.unmount) current.unmount();
  main.replaceChildren();
  current = view.mount(main, route) || null;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === route.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} · Strata` : 'Strata';
  if (initial !== true && !document.querySelector('dialog[open]')) focusHeading();
}

function renderLive() {
  const el = document.getElementById('live-status');
  const states = Object.values(store.live);
  const live = states.every((s) => s === 'live');
  const text = live ? 'Live' : states.some((s) => s === 'reconnecting') ? 'Reconnecting…' : 'Connecting…';
  if (el.dataset.state !== text) {
    el.dataset.state = text;
    el.className = `live ${live ? 'is-live' : 'is-down'}`;
    el.textContent = text;
  }
  const info = document.getElementById('cluster-info');
  if (store.mesos) {
    const name = store.mesos.cluster || 'Strata cluster';
    const agents = (store.mesos.slaves || []).filter((s) => s.active !== false).length;
    info.textContent = `${name} · ${agents} agent${agents === 1 ? '' : 's'} · Mesos ${store.mesos.version || ''}`;
  }
}

document.getElementById('skip-link').addEventListener('click', () => main.focus());
window.addEventListener('hashchange', () => navigate(false));
subscribe(renderLive);
startLive();
navigate(true);
