// Applications (Marathon): group folders and apps with status, health, resources and instances.

import {h, patch} from '../dom.js';
import {store, subscribe} from '../store.js';
import {appHealth, appStatus, baseName, cpus, mib} from '../format.js';
import {healthBar, statusBadge} from '../components.js';
import {openCreateApp} from './create-app.js';
import {errorBox} from './services.js';

export function mount(main, route) {
  const group = normaliseGroup(route.query.get('group') || '/');
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
  const filter = h('input', {type: 'search', class: 'input', id: 'apps-filter', placeholder: 'Filter applications',
    'aria-label': 'Filter applications by ID'});
  const create = h('button', {type: 'button', class: 'btn btn-primary', id: 'create-app'}, 'Create app');
  create.addEventListener('click', () => openCreateApp(group));
  main.append(
    h('header', {class: 'page-head'}, h('h1', {}, 'Applications'), h('div', {class: 'toolbar'}, filter, create)),
    breadcrumbs(group),
    summary, region);

  const render = () => {
    if (store.apps === null) {
      patch(region, store.errors.marathon ? errorBox(store.errors.marathon) : h('p', {class: 'muted'}, 'Loading…'));
      return;
    }
    region.setAttribute('aria-busy', 'false');
    const q = filter.value.trim().toLowerCase();
    const queue = new Map(store.queue.map((e) => [e.app && e.app.id, e]));
    const prefix = group === '/' ? '/' : `${group}/`;
    const inGroup = store.apps.filter((a) => a.id.startsWith(prefix));
    const folders = new Map();
    const rows = [];
    for (const app of inGroup) {
      const rest = app.id.slice(prefix.length);
      if (q) {
        if (app.id.toLowerCase().includes(q)) rows.push(app); // a filter searches the whole subtree
        continue;
      }
      const slash = rest.indexOf('/');
      if (slash < 0) rows.push(app);
      else {
        const folder = prefix + rest.slice(0, slash);
        if (!folders.has(folder)) folders.set(folder, []);
        folders.get(folder).push(app);
      }
    }
    const running = inGroup.filter((a) => appStatus(a, queue.get(a.id)) === 'Running').length;
    summary.textContent = `${inGroup.length} application${inGroup.length === 1 ? '' : 's'}, ${running} running`;
    if (!rows.length && !folders.size) {
      patch(region, h('div', {class: 'empty'},
        h('p', {}, q ? 'No application matches the filter.' : 'No applications here yet.'),
        q ? null : h('p', {class: 'muted'}, 'Create one with “Create app”, or install a package.')));
      return;
    }
    patch(region, h('table', {class: 'table', 'aria-label': 'Applications', id: 'apps-table'},
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, 'ID'), h('th', {scope: 'col'}, 'Status'), h('th', {scope: 'col'}, 'Health'),
        h('th', {scope: 'col', class: 'num'}, 'CPUs'), h('th', {scope: 'col', class: 'num'}, 'Memory'),
        h('th', {scope: 'col', class: 'num'}, 'Instances'))),
      h('tbody', {},
        [...folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, list]) => folderRow(id, list)),
        rows.sort((a, b) => a.id.localeCompare(b.id)).map((a) => appRow(a, queue.get(a.id), q ? prefix : null)))));
  };

  filter.addEventListener('input', render);
  const off = subscribe((what) => {
    if (what === 'marathon') render();
  });
  render();
  return {unmount: off};
}

function normaliseGroup(g) {
  const parts = g.split('/').filter(Boolean);
  return parts.length ? `/${parts.join('/')}` : '/';
}

function breadcrumbs(group) {
  const parts = group.split('/').filter(Boolean);
  const items = [h('li', {}, group === '/' ? h('span', {'aria-current': 'page'}, 'All') : h('a', {href: '#/apps'}, 'All'))];
  parts.forEach((p, i) => {
    const id = `/${parts.slice(0, i + 1).join('/')}`;
    items.push(h('li', {}, i === parts.length - 1 ? h('span', {'aria-current': 'page'}, p)
      : h('a', {href: `#/apps?group=${encodeURIComponent(id)}`}, p)));
  });
  return h('nav', {class: 'crumbs', 'aria-label': 'Group'}, h('ol', {}, items));
}

function folderRow(id, apps) {
  const sum = (f) => apps.reduce((a, app) => a + f(app), 0);
  const health = apps.map(appHealth).reduce((a, x) => ({checks: a.checks || x.checks, healthy: a.healthy + x.healthy,
    unhealthy: a.unhealthy + x.unhealthy, unknown: a.unknown + (x.checks ? x.unknown : 0), running: a.running + x.running}),
  {checks: false, healthy: 0, unhealthy: 0, unknown: 0, running: 0});
  return h('tr', {class: 'folder', dataset: {group: id}},
    h('th', {scope: 'row'}, h('a', {href: `#/apps?group=${encodeURIComponent(id)}`, 'data-focus-key': `group-${id}`},
      h('span', {class: 'folder-icon', 'aria-hidden': 'true'}), baseName(id),
      h('span', {class: 'sr-only'}, ` (group, ${apps.length} applications)`))),
    h('td', {}, h('span', {class: 'muted'}, `${apps.length} app${apps.length === 1 ? '' : 's'}`)),
    h('td', {}, healthBar(health)),
    h('td', {class: 'num'}, cpus(sum((a) => a.cpus * a.instances))),
    h('td', {class: 'num'}, mib(sum((a) => a.mem * a.instances))),
    h('td', {class: 'num'}, `${sum((a) => a.tasksRunning || 0)}/${sum((a) => a.instances)}`));
}

function appRow(app, queueEntry, prefix) {
  const status = appStatus(app, queueEntry);
  const label = prefix ? app.id.slice(prefix.length) : baseName(app.id);
  return h('tr', {dataset: {appId: app.id, status}},
    h('th', {scope: 'row'}, h('a', {href: `#/apps/${encodeURIComponent(app.id)}`, 'data-focus-key': `app-${app.id}`,
      class: 'app-link'}, label),
    app.lastTaskFailure && status !== 'Running' ? h('div', {class: 'muted small'}, `Last failure: ${app.lastTaskFailure.message || app.lastTaskFailure.state}`) : null),
    h('td', {}, statusBadge(status)),
    h('td', {}, healthBar(appHealth(app))),
    h('td', {class: 'num'}, cpus(app.cpus)),
    h('td', {class: 'num'}, mib(app.mem)),
    h('td', {class: 'num instances'}, `${app.tasksRunning || 0}/${app.instances}`));
}
