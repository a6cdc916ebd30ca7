// Services: the Mesos frameworks (Marathon, a team's Marathon, ...) with their state, tasks and resources.

import {h, patch} from '../dom.js';
import {store, subscribe} from '../store.js';
import {cpus, mib, scalar} from '../format.js';

export function mount(main) {
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
  const filter = h('input', {type: 'search', class: 'input', id: 'services-filter', placeholder: 'Filter services',
    'aria-label': 'Filter services by name'});
  main.append(
    h('header', {class: 'page-head'}, h('h1', {}, 'Services'),
      h('div', {class: 'toolbar'}, filter)),
    h('p', {class: 'lead'}, 'Frameworks registered with the Mesos master. Open a service\'s web UI through the gateway.'),
    summary, region);

  const render = () => {
    if (!mesosLoaded(region)) return;
    const q = filter.value.trim().toLowerCase();
    const frameworks = [...(store.mesos.frameworks || [])]
      .filter((f) => !q || (f.name || '').toLowerCase().includes(q))
      .sort((a, b) => (a.name || '').localeCompare(b.name || ''));
    const active = frameworks.filter((f) => f.active !== false).length;
    summary.textContent = `${frameworks.length} service${frameworks.length === 1 ? '' : 's'}, ${active} active`;
    if (!frameworks.length) {
      patch(region, h('div', {class: 'empty'}, q ? 'No service matches the filter.' : 'No framework is registered.'));
      return;
    }
    patch(region, h('table', {class: 'table', 'aria-label': 'Services'},
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'State'), h('th', {scope: 'col', class: 'num'}, 'Tasks'),
        h('th', {scope: 'col', class: 'num'}, 'CPUs'), h('th', {scope: 'col', class: 'num'}, 'Memory'),
        h('th', {scope: 'col', class: 'num'}, 'Disk'), h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, frameworks.map(row))));
  };

  function row(f) {
    const running = (f.tasks || []).filter((t) => t.state === 'TASK_RUNNING').length;
    const used = f.used_resources || f.resources || {};
    const name = f.name || f.id;
    const isMarathon = name === 'marathon';
    return h('tr', {dataset: {framework: name}},
      h('th', {scope: 'row'},
        isMarathon ? h('a', {href: '#/apps', 'data-focus-key': `fw-${f.id}`}, name) : name,
        h('div', {class: 'muted small mono'}, f.id)),
      h('td', {}, h('span', {class: `badge ${f.active === false ? 'status-suspended' : 'status-running'}`},
        f.active === false ? 'Inactive' : 'Active')),
      h('td', {class: 'num'}, String(running)),
      h('td', {class: 'num'}, cpus(scalar(used, 'cpus'))),
      h('td', {class: 'num'}, mib(scalar(used, 'mem'))),
      h('td', {class: 'num'}, mib(scalar(used, 'disk'))),
      h('td', {class: 'actions'}, h('a', {class: 'btn btn-small', href: `/service/${encodeURIComponent(name)}/`,
        target: '_blank', rel: 'noopener', 'aria-label': `Open ${name}`, 'data-focus-key': `open-${f.id}`}, 'Open')));
  }

  filter.addEventListener('input', render);
  const off = subscribe((what) => {
    if (what === 'mesos') render();
  });
  render();
  return {unmount: off};
}

export function errorBox(message) {
  return h('div', {class: 'error-box', role: 'alert'}, h('strong', {}, 'Cannot load: '), message);
}

/** Until the master's state is in, shows "Loading…" (or why it cannot load) in region and is false. */
export function mesosLoaded(region) {
  if (!store.mesos) {
    patch(region, store.errors.mesos ? errorBox(store.errors.mesos) : h('p', {class: 'muted'}, 'Loading…'));
    return false;
  }
  region.setAttribute('aria-busy', 'false');
  return true;
}
