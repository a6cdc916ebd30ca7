// One Marathon app: tasks, health, versions, configuration, the last failure, task logs, and its actions.

import {h, patch, field} from '../dom.js';
import {marathon} from '../api.js';
import {store, subscribe, marathonChanged} from '../store.js';
import {ago, appHealth, appStatus, baseName, cpus, mib, parentGroup, taskHealth, taskState} from '../format.js';
import {announce, confirmDialog, formError, healthBar, openDialog, openLogs, statusBadge, toast} from '../components.js';
import {definitionOf, openEditApp} from './create-app.js';
import {errorBox} from './services.js';

export function mount(main, route) {
  const id = decodeURIComponent(route.rest);
  let app = null;
  let error = null;
  let tab = route.query.get('tab') || 'tasks';
  let versions = null;
  let gone = false;

  const head = h('div');
  const body = h('div');
  main.append(head, body);

  const load = async () => {
    try {
      app = (await marathon.app(id)).app;
      error = null;
    } catch (e) {
      error = e;
      if (e.status === 404) app = null; // destroyed meanwhile (here or elsewhere)
    }
    if (!gone) render();
  };

  function render() {
    if (error && !app) {
      patch(head, crumbs(id), h('h1', {tabindex: '-1', 'data-focus-key': 'page-title'}, baseName(id)));
      patch(body, errorBox(error.status === 404 ? `Application ${id} does not exist.` : error.message),
        h('p', {}, h('a', {href: '#/apps'}, 'Back to applications')));
      return;
    }
    if (!app) {
      patch(head, crumbs(id), h('h1', {tabindex: '-1', 'data-focus-key': 'page-title'}, baseName(id)));
      patch(body, h('p', {class: 'muted'}, 'Loading…'));
      return;
    }
    const queueEntry = store.queue.find((e) => e.app && e.app.id === app.id);
    const status = appStatus(app, queueEntry);
    patch(head,
      crumbs(id),
      h('header', {class: 'page-head'},
        h('div', {class: 'title-line'}, h('h1', {tabindex: '-1', 'data-focus-key': 'page-title'}, baseName(app.id)), h('span', {id: 'app-status', 'aria-live': 'polite'}, statusBadge(status))),
        h('div', {class: 'toolbar', role: 'toolbar', 'aria-label': 'Application actions'}, actionButtons(status))),
      h('p', {class: 'mono muted'}, app.id));
    patch(body,
      cards(status, queueEntry),
      deploymentBanner(),
      failureBox(),
      tabs());
  }

  function crumbs(appId) {
    const group = parentGroup(appId);
    const parts = group.split('/').filter(Boolean);
    return h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('ol', {},
      h('li', {}, h('a', {href: '#/apps'}, 'Applications')),
      parts.map((p, i) => h('li', {}, h('a', {href: `#/apps?group=${encodeURIComponent(`/${parts.slice(0, i + 1).join('/')}`)}`}, p))),
      h('li', {}, h('span', {'aria-current': 'page'}, baseName(appId)))));
  }

  function actionButtons(status) {
    const btn = (label, onClick, cls = '', key = label) => {
      const b = h('button', {type: 'button', class: `btn ${cls}`, 'data-focus-key': `action-${key}`, dataset: {action: key.toLowerCase().replace(/\s+/g, '-')}}, label);
      b.addEventListener('click', onClick);
      return b;
    };
    const list = [
      btn('Scale', () => scaleDialog('Scale', app.instances || 1)),
      btn('Restart', restart),
      status === 'Suspended' ? btn('Resume', () => scaleDialog('Resume', 1)) : btn('Suspend', suspend),
      btn('Edit', () => openEditApp(app, load)),
    ];
    if (status === 'Delayed') list.push(btn('Reset delay', resetDelay));
    list.push(btn('Destroy', destroy, 'btn-danger'));
    return list;
  }

  function cards(status, queueEntry) {
    const delay = queueEntry && queueEntry.delay;
    const statusNote = status === 'Delayed' && delay
      ? `Next launch in ${Math.max(0, Math.round(delay.timeLeftSeconds || 0))} s (backing off after failures)`
      : status === 'Waiting' && queueEntry ? `Waiting for offers that fit since ${ago(queueEntry.since)}`
        : `Version ${ago(app.version)}`;
    const health = appHealth(app);
    const card = (label, value, extra) => h('div', {class: 'card'}, h('div', {class: 'card-label'}, label),
      h('div', {class: 'card-value'}, value), extra || null);
    return h('section', {class: 'cards', 'aria-label': 'Summary'},
      card('Instances', h('span', {id: 'app-instances'}, `${app.tasksRunning || 0} of ${app.instances} running`),
        (app.tasksStaged || 0) > 0 ? h('div', {class: 'muted small'}, `${app.tasksStaged} staged`) : null),
      card('Health', healthBar(health)),
      card('Resources', `${cpus(app.cpus)} CPU · ${mib(app.mem)} · ${mib(app.disk || 0)} disk`),
      card('Status', statusBadge(status), h('div', {class: 'muted small', id: 'app-status-note'}, statusNote)));
  }

  function deploymentBanner() {
    const deps = (app.deployments || []).map((d) => store.deployments.find((x) => x.id === d.id) || d);
    if (!deps.length) return null;
    return h('div', {class: 'banner', role: 'status'}, deps.map((d) => h('div', {},
      h('strong', {}, 'Deployment in progress'),
      d.currentStep ? ` — step ${d.currentStep} of ${d.totalSteps}` : '',
      d.currentActions ? `: ${d.currentActions.map((a) => a.action).join(', ')}` : '',
      h('span', {class: 'muted mono small'}, ` ${d.id}`))));
  }

  function failureBox() {
    const f = app.lastTaskFailure;
    if (!f) return null;
    return h('section', {class: 'failure', 'aria-labelledby': 'last-failure'},
      h('h2', {id: 'last-failure'}, 'Last task failure'),
      h('dl', {class: 'kv'},
        h('dt', {}, 'State'), h('dd', {}, taskState(f.state)),
        h('dt', {}, 'Message'), h('dd', {}, f.message || '—'),
        h('dt', {}, 'Task'), h('dd', {class: 'mono'}, f.taskId || '—'),
        h('dt', {}, 'Host'), h('dd', {}, f.host || '—'),
        h('dt', {}, 'When'), h('dd', {}, `${ago(f.timestamp)} (${f.timestamp || ''})`)),
      f.taskId && f.slaveId ? h('button', {type: 'button', class: 'btn btn-small', onclick: () => openLogs(f.taskId, f.slaveId, 'stderr')},
        'Open its stderr') : null);
  }

  function tabs() {
    const names = [['tasks', `Tasks (${(app.tasks || []).length})`], ['configuration', 'Configuration'], ['versions', 'Versions']];
    const buttons = names.map(([key, label]) => {
      const b = h('button', {type: 'button', role: 'tab', class: 'tab', id: `tab-${key}`, 'aria-controls': `panel-${key}`,
        'aria-selected': String(tab === key), tabindex: tab === key ? '0' : '-1', 'data-focus-key': `tab-${key}`}, label);
      b.addEventListener('click', () => {
        tab = key;
        render();
      });
      b.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        const i = names.findIndex(([k]) => k === key);
        tab = names[(i + (e.key === 'ArrowRight' ? 1 : names.length - 1)) % names.length][0];
        render();
        document.getElementById(`tab-${tab}`).focus();
      });
      return b;
    });
    let panel;
    if (tab === 'configuration') panel = h('pre', {class: 'code', tabindex: '0', 'aria-label': 'App definition'}, JSON.stringify(definitionOf(app), null, 2));
    else if (tab === 'versions') panel = versionsPanel();
    else panel = tasksPanel();
    return h('section', {class: 'tab-section'},
      h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Application details'}, buttons),
      h('div', {role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}`}, panel));
  }

  function tasksPanel() {
    const tasks = [...(app.tasks || [])].sort((a, b) => (a.stagedAt || '').localeCompare(b.stagedAt || ''));
    if (!tasks.length) return h('div', {class: 'empty'}, 'No tasks are running.');
    return h('table', {class: 'table', 'aria-label': 'Tasks', id: 'app-tasks'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Task'), h('th', {scope: 'col'}, 'Host'),
        h('th', {scope: 'col'}, 'Ports'), h('th', {scope: 'col'}, 'State'), h('th', {scope: 'col'}, 'Health'),
        h('th', {scope: 'col'}, 'Started'), h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, tasks.map((t) => {
        const health = taskHealth(t, app);
        return h('tr', {dataset: {taskId: t.id, state: t.state}},
          h('th', {scope: 'row', class: 'mono small'}, t.id),
          h('td', {}, t.host || '—'),
          h('td', {class: 'mono'}, (t.ports || []).join(', ') || '—'),
          h('td', {}, taskState(t.state)),
          h('td', {}, h('span', {class: `dot dot-${health.replace(' ', '-')}`}, health)),
          h('td', {}, ago(t.startedAt || t.stagedAt)),
          h('td', {class: 'actions'},
            h('button', {type: 'button', class: 'btn btn-small', 'data-focus-key': `logs-${t.id}`, dataset: {logs: t.id},
              'aria-label': `Logs of task ${t.id}`, onclick: () => openLogs(t.id, t.slaveId || t.agentId, 'stdout')}, 'Logs'),
            h('button', {type: 'button', class: 'btn btn-small', 'data-focus-key': `kill-${t.id}`,
              'aria-label': `Kill task ${t.id}`, onclick: () => killTask(t.id)}, 'Kill')));
      })));
  }

  function versionsPanel() {
    if (versions === null) {
      marathon.versions(id).then((v) => {
        versions = v.versions || [];
        if (tab === 'versions') render();
      }).catch((e) => {
        versions = [];
        toast(`Cannot list versions: ${e.message}`, 'error');
      });
      return h('p', {class: 'muted'}, 'Loading versions…');
    }
    return h('table', {class: 'table', 'aria-label': 'Versions'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Version'), h('th', {scope: 'col'}, 'Age'),
        h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, versions.map((v) => h('tr', {},
        h('th', {scope: 'row', class: 'mono'}, v),
        h('td', {}, v === app.version ? h('span', {class: 'badge status-running'}, 'Current') : ago(v)),
        h('td', {class: 'actions'},
          h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `View version ${v}`, onclick: () => viewVersion(v)}, 'View'),
          v === app.version ? null : h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Roll back to version ${v}`,
            onclick: () => rollBack(v)}, 'Roll back'))))));
  }

  async function viewVersion(v) {
    try {
      const def = await marathon.version(id, v);
      openDialog(`Version ${v}`, h('pre', {class: 'code', tabindex: '0'}, JSON.stringify(definitionOf(def), null, 2)), null, {wide: true});
    } catch (e) {
      toast(`Cannot read version ${v}: ${e.message}`, 'error');
    }
  }

  async function act(what, fn, done) {
    try {
      await fn();
      toast(done);
      announce(done);
      versions = null;
      marathonChanged();
      load();
    } catch (e) {
      toast(`${what} failed: ${e.message}`, 'error');
    }
  }

  function scaleDialog(title, initial) {
    const input = h('input', {class: 'input', type: 'number', min: '0', step: '1', value: String(initial), id: 'scale-instances', required: true});
    const force = h('input', {type: 'checkbox', id: 'scale-force'});
    const errors = h('div', {class: 'form-errors'});
    const cancel = h('button', {type: 'button', class: 'btn'}, 'Cancel');
    const ok = h('button', {type: 'submit', class: 'btn btn-primary', form: 'scale-form', id: 'scale-submit'}, title === 'Resume' ? 'Resume' : 'Scale');
    const form = h('form', {id: 'scale-form', novalidate: true},
      field('Instances', input, `How many instances of ${app.id} should run.`),
      h('div', {class: 'check'}, force, h('label', {for: 'scale-force'}, 'Override a deployment in progress')),
      errors);
    const {close} = openDialog(`${title} ${baseName(app.id)}`, form, [cancel, ok]);
    cancel.addEventListener('click', close);
    input.focus();
    input.select();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const n = Number(input.value);
      if (!Number.isInteger(n) || n < 0) {
        formError(errors, 'Instances must be a whole number, 0 or more.');
        return;
      }
      ok.disabled = true;
      try {
        await marathon.update(app.id, {instances: n}, force.checked);
        close();
        const msg = `Scaling ${app.id} to ${n} instance${n === 1 ? '' : 's'}`;
        toast(msg);
        announce(msg);
        marathonChanged();
        load();
      } catch (err) {
        formError(errors, err.status === 409 ? `${err.message}. Tick “Override” to replace the running deployment.` : err.message);
      } finally {
        ok.disabled = false;
      }
    });
  }

  async function restart() {
    if (await confirmDialog(`Restart ${baseName(app.id)}?`, `Every task of ${app.id} is replaced, a few at a time, within its upgrade strategy.`, 'Restart', false)) {
      act('Restart', () => marathon.restart(app.id), `Restarting ${app.id}`);
    }
  }

  async function suspend() {
    if (await confirmDialog(`Suspend ${baseName(app.id)}?`, `All tasks of ${app.id} are stopped (scaled to 0); its definition is kept.`, 'Suspend')) {
      act('Suspend', () => marathon.update(app.id, {instances: 0}), `Suspending ${app.id}`);
    }
  }

  async function destroy() {
    if (await confirmDialog(`Destroy ${baseName(app.id)}?`, `${app.id} and all its tasks are removed. This cannot be undone.`, 'Destroy')) {
      try {
        await marathon.destroy(app.id);
        const msg = `Destroying ${app.id}`;
        toast(msg);
        announce(msg);
        marathonChanged();
        const group = parentGroup(app.id);
        location.hash = group === '/' ? '#/apps' : `#/apps?group=${encodeURIComponent(group)}`;
      } catch (e) {
        toast(`Destroy failed: ${e.message}`, 'error');
      }
    }
  }

  async function rollBack(v) {
    if (await confirmDialog(`Roll back ${baseName(app.id)}?`, `${app.id} is deployed again as it was at ${v}.`, 'Roll back', false)) {
      act('Roll back', () => marathon.update(app.id, {version: v}), `Rolling ${app.id} back to ${v}`);
    }
  }

  async function killTask(taskId) {
    if (await confirmDialog('Kill task?', `Task ${taskId} is killed; Marathon starts a replacement.`, 'Kill')) {
      act('Kill', () => marathon.killTask(app.id, taskId), `Killing task ${taskId}`);
    }
  }

  async function resetDelay() {
    act('Reset delay', () => marathon.resetDelay(app.id), `Launch delay of ${app.id} reset`);
  }

  const off = subscribe((what) => {
    if (what === 'marathon') load();
  });
  render();
  load();
  return {
    unmount() {
      gone = true;
      off();
    },
  };
}
