// Tasks: every task the master knows, filterable by text, state, framework and agent; logs from the sandbox.

import {h, patch} from '../dom.js';
import {store, subscribe} from '../store.js';
import {ACTIVE_STATES, cpus, mib, scalar, taskState} from '../format.js';
import {openLogs} from '../components.js';
import {mesosLoaded} from './services.js';

export function mount(main, route) {
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
  const filter = h('input', {type: 'search', class: 'input', id: 'tasks-filter', placeholder: 'Filter tasks',
    'aria-label': 'Filter tasks by name, id or host', value: route.query.get('q') || ''});
  const state = h('select', {class: 'input', id: 'tasks-state', 'aria-label': 'Task state'},
    h('option', {value: 'active'}, 'Active'), h('option', {value: 'completed'}, 'Completed'), h('option', {value: 'all'}, 'All'));
  const framework = h('select', {class: 'input', id: 'tasks-framework', 'aria-label': 'Framework'});
  const agentFilter = route.query.get('agent');
  main.append(h('header', {class: 'page-head'}, h('h1', {}, 'Tasks'), h('div', {class: 'toolbar'}, filter, state, framework)),
    ...(agentFilter ? [h('p', {class: 'muted'}, `On agent ${agentFilter} · `, h('a', {href: '#/tasks'}, 'all agents'))] : []),
    summary, region);

  const render = () => {
    if (!mesosLoaded(region)) return;
    const fws = store.mesos.frameworks || [];
    const chosen = framework.value;
    framework.replaceChildren(h('option', {value: ''}, 'All frameworks'),
      fws.map((f) => h('option', {value: f.id}, f.name || f.id)));
    framework.value = fws.some((f) => f.id === chosen) ? chosen : '';
    const hosts = new Map((store.mesos.slaves || []).map((s) => [s.id, s.hostname]));
    const q = filter.value.trim().toLowerCase();
    const rows = [];
    for (const f of fws) {
      if (framework.value && f.id !== framework.value) continue;
      const lists = state.value === 'active' ? [f.tasks] : state.value === 'completed' ? [f.completed_tasks] : [f.tasks, f.completed_tasks];
      for (const t of lists.flatMap((l) => l || [])) {
        if (agentFilter && t.slave_id !== agentFilter) continue;
        if (state.value === 'active' && !ACTIVE_STATES.has(t.state)) continue;
        const host = hosts.get(t.slave_id) || '';
        if (q && !`${t.name} ${t.id} ${host}`.toLowerCase().includes(q)) continue;
        rows.push({t, f, host});
      }
    }
    rows.sort((a, b) => (a.t.name || '').localeCompare(b.t.name || '') || a.t.id.localeCompare(b.t.id));
    summary.textContent = `${rows.length} task${rows.length === 1 ? '' : 's'} shown`;
    if (!rows.length) {
      patch(region, h('div', {class: 'empty'}, 'No task matches.'));
      return;
    }
    patch(region, h('table', {class: 'table', 'aria-label': 'Tasks', id: 'tasks-table'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Framework'),
        h('th', {scope: 'col'}, 'Host'), h('th', {scope: 'col'}, 'State'), h('th', {scope: 'col', class: 'num'}, 'CPUs'),
        h('th', {scope: 'col', class: 'num'}, 'Memory'), h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, rows.slice(0, 500).map(({t, f, host}) => h('tr', {dataset: {taskId: t.id}},
        h('th', {scope: 'row'}, t.name || t.id, h('div', {class: 'mono muted small'}, t.id)),
        h('td', {}, f.name),
        h('td', {}, host),
        h('td', {}, h('span', {class: `badge task-${String(t.state).toLowerCase()}`}, taskState(t.state))),
        h('td', {class: 'num'}, cpus(scalar(t.resources, 'cpus'))),
        h('td', {class: 'num'}, mib(scalar(t.resources, 'mem'))),
        h('td', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-small', 'data-focus-key': `logs-${t.id}`,
          'aria-label': `Logs of task ${t.id}`, onclick: () => openLogs(t.id, t.slave_id, 'stdout')}, 'Logs')))))),
    rows.length > 500 ? h('p', {class: 'muted'}, `Showing the first 500 of ${rows.length}; filter to narrow.`) : null);
  };

  filter.addEventListener('input', render);
  state.addEventListener('change', render);
  framework.addEventListener('change', render);
  const off = subscribe((what) => {
    if (what === 'mesos') render();
  });
  render();
  return {unmount: off};
}
