// Nodes: the agents, their allocation (cpus, mem, disk), attributes, public or private.

import {h, patch} from '../dom.js';
import {store, subscribe} from '../store.js';
import {ago, cpus, isPublicAgent, mib, scalar} from '../format.js';
import {allocationBar} from '../components.js';
import {mesosLoaded} from './services.js';

export function mount(main) {
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
  const filter = h('input', {type: 'search', class: 'input', id: 'nodes-filter', placeholder: 'Filter nodes',
    'aria-label': 'Filter nodes by host name, id or attribute'});
  const kind = h('select', {class: 'input', id: 'nodes-kind', 'aria-label': 'Show public or private nodes'},
    h('option', {value: 'all'}, 'All nodes'), h('option', {value: 'private'}, 'Private'), h('option', {value: 'public'}, 'Public'));
  main.append(h('header', {class: 'page-head'}, h('h1', {}, 'Nodes'), h('div', {class: 'toolbar'}, filter, kind)),
    summary, region);

  const render = () => {
    if (!mesosLoaded(region)) return;
    const all = store.mesos.slaves || [];
    const q = filter.value.trim().toLowerCase();
    const agents = all.filter((a) => {
      const pub = isPublicAgent(a);
      if (kind.value === 'public' && !pub) return false;
      if (kind.value === 'private' && pub) return false;
      if (!q) return true;
      const attrs = Object.entries(a.attributes || {}).map(([k, v]) => `${k}:${v}`).join(' ');
      return `${a.hostname} ${a.id} ${attrs}`.toLowerCase().includes(q);
    }).sort((a, b) => (a.hostname || '').localeCompare(b.hostname || '') || (a.port || 0) - (b.port || 0));
    const total = (k) => all.reduce((s, a) => s + scalar(a.resources, k), 0);
    const used = (k) => all.reduce((s, a) => s + scalar(a.used_resources, k), 0);
    const active = all.filter((a) => a.active !== false).length;
    summary.textContent = `${all.length} node${all.length === 1 ? '' : 's'}, ${active} active`;
    patch(region,
      h('section', {class: 'cards', 'aria-label': 'Cluster allocation'},
        h('div', {class: 'card'}, allocationBar('CPU', used('cpus'), total('cpus'), cpus)),
        h('div', {class: 'card'}, allocationBar('Memory', used('mem'), total('mem'), mib)),
        h('div', {class: 'card'}, allocationBar('Disk', used('disk'), total('disk'), mib))),
      agents.length ? h('div', {class: 'node-list'}, agents.map(nodeCard)) : h('div', {class: 'empty'}, 'No node matches.'));
  };

  function nodeCard(a) {
    const pub = isPublicAgent(a);
    const tasks = (store.mesos.frameworks || []).flatMap((f) => f.tasks || []).filter((t) => t.slave_id === a.id);
    const attrs = Object.entries(a.attributes || {});
    const headingId = `node-${a.id}`;
    return h('article', {class: 'node', 'aria-labelledby': headingId, dataset: {agentId: a.id}},
      h('header', {class: 'node-head'},
        h('h2', {id: headingId}, `${a.hostname}${a.port ? `:${a.port}` : ''}`),
        h('span', {class: `badge ${pub ? 'badge-public' : 'badge-private'}`}, pub ? 'Public' : 'Private'),
        h('span', {class: `badge ${a.active === false ? 'status-delayed' : 'status-running'}`}, a.active === false ? 'Inactive' : 'Active')),
      h('p', {class: 'mono muted small'}, a.id),
      h('div', {class: 'node-bars'},
        allocationBar('CPU', scalar(a.used_resources, 'cpus'), scalar(a.resources, 'cpus'), cpus),
        allocationBar('Memory', scalar(a.used_resources, 'mem'), scalar(a.resources, 'mem'), mib),
        allocationBar('Disk', scalar(a.used_resources, 'disk'), scalar(a.resources, 'disk'), mib)),
      h('dl', {class: 'kv'},
        h('dt', {}, 'Tasks'), h('dd', {}, h('a', {href: `#/tasks?agent=${encodeURIComponent(a.id)}`}, `${tasks.length} running`)),
        h('dt', {}, 'Ports'), h('dd', {class: 'mono'}, portsOf(a.resources) || '—'),
        h('dt', {}, 'Attributes'), h('dd', {}, attrs.length ? attrs.map(([k, v]) => h('span', {class: 'chip'}, `${k}: ${v}`)) : '—'),
        h('dt', {}, 'Registered'), h('dd', {}, ago(a.registered_time))));
  }

  filter.addEventListener('input', render);
  kind.addEventListener('change', render);
  const off = subscribe((what) => {
    if (what === 'mesos') render();
  });
  render();
  return {unmount: off};
}

function portsOf(resources) {
  if (!resources) return '';
  if (typeof resources.ports === 'string') return resources.ports;
  return '';
}
