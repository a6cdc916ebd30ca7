// Create an app from a form or from JSON (Marathon's app definition), or edit an app's JSON.

import {h, field, uid} from '../dom.js';
import {marathon} from '../api.js';
import {announce, formError, openDialog, toast} from '../components.js';
import {marathonChanged} from '../store.js';

/** Fields Marathon computes; an edited definition must not send them back. */
const READ_ONLY = ['version', 'versionInfo', 'tasks', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy',
  'deployments', 'lastTaskFailure', 'taskStats', 'readinessCheckResults', 'counts'];

export function definitionOf(app) {
  const copy = JSON.parse(JSON.stringify(app));
  for (const k of READ_ONLY) delete copy[k];
  return copy;
}

function lines(map) {
  return Object.entries(map || {}).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n');
}

function parseLines(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`"${t}" is not KEY=VALUE`);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1);
  }
  return out;
}

/** The form's controls, and how they map to and from an app definition. */
function appForm(group) {
  const c = {
    id: h('input', {class: 'input', name: 'id', required: true, placeholder: `${group === '/' ? '' : group}/my-app`,
      autocomplete: 'off', spellcheck: 'false'}),
    cmd: h('textarea', {class: 'input mono', name: 'cmd', rows: 3, spellcheck: 'false',
      placeholder: 'python3 -m http.server $PORT0'}),
    image: h('input', {class: 'input', name: 'image', placeholder: 'nginx:1.27 (optional)', spellcheck: 'false'}),
    cpus: h('input', {class: 'input', name: 'cpus', type: 'number', min: '0.01', step: '0.01', value: '0.1'}),
    mem: h('input', {class: 'input', name: 'mem', type: 'number', min: '1', step: '1', value: '128'}),
    disk: h('input', {class: 'input', name: 'disk', type: 'number', min: '0', step: '1', value: '0'}),
    instances: h('input', {class: 'input', name: 'instances', type: 'number', min: '0', step: '1', value: '1'}),
    ports: h('input', {class: 'input', name: 'ports', type: 'number', min: '0', max: '10', step: '1', value: '1'}),
    hcProtocol: h('select', {class: 'input', name: 'hcProtocol'},
      ['none', 'MESOS_HTTP', 'HTTP', 'TCP', 'MESOS_TCP', 'COMMAND'].map((p) => h('option', {value: p}, p === 'none' ? 'No health check' : p))),
    hcPath: h('input', {class: 'input', name: 'hcPath', value: '/', spellcheck: 'false'}),
    hcCommand: h('input', {class: 'input mono', name: 'hcCommand', spellcheck: 'false', placeholder: 'test -f ready'}),
    hcGrace: h('input', {class: 'input', name: 'hcGrace', type: 'number', min: '0', value: '300'}),
    hcInterval: h('input', {class: 'input', name: 'hcInterval', type: 'number', min: '1', value: '60'}),
    env: h('textarea', {class: 'input mono', name: 'env', rows: 2, spellcheck: 'false', placeholder: 'KEY=value'}),
    labels: h('textarea', {class: 'input mono', name: 'labels', rows: 2, spellcheck: 'false', placeholder: 'HAPROXY_GROUP=external'}),
  };
  const hcPathField = field('Health check path', c.hcPath);
  const hcCommandField = field('Health check command', c.hcCommand);
  const syncHc = () => {
    const p = c.hcProtocol.value;
    hcPathField.hidden = !(p === 'HTTP' || p === 'MESOS_HTTP');
    hcCommandField.hidden = p !== 'COMMAND';
  };
  c.hcProtocol.addEventListener('change', syncHc);
  syncHc();

  const el = h('div', {class: 'form-grid'},
    field('ID', c.id, 'A path such as /web or /team/web: lowercase letters, digits, hyphens and dots.'),
    h('div', {class: 'span-2'}, field('Command', c.cmd, 'Run by /bin/sh in the task\'s sandbox; $PORT0.. are its ports.')),
    field('Container image', c.image, 'A Docker image; leave empty to run the command on the agent directly.'),
    field('Instances', c.instances),
    field('CPUs', c.cpus), field('Memory (MiB)', c.mem), field('Disk (MiB)', c.disk),
    field('Ports', c.ports, 'How many host ports to assign ($PORT0, $PORT1, ...).'),
    h('fieldset', {class: 'span-2 fieldset'}, h('legend', {}, 'Health check'),
      h('div', {class: 'form-grid'}, field('Protocol', c.hcProtocol), hcPathField, hcCommandField,
        field('Grace period (s)', c.hcGrace), field('Interval (s)', c.hcInterval))),
    h('div', {class: 'span-2'}, field('Environment variables', c.env, 'One KEY=value per line.')),
    h('div', {class: 'span-2'}, field('Labels', c.labels, 'One KEY=value per line.')));

  /** The definition the form describes, on top of whatever else the JSON held. */
  const toApp = (base) => {
    const app = {...base};
    const id = c.id.value.trim();
    app.id = id && !id.startsWith('/') && group !== '/' ? `${group}/${id}` : id;
    if (c.cmd.value.trim()) app.cmd = c.cmd.value; else delete app.cmd;
    app.cpus = Number(c.cpus.value);
    app.mem = Number(c.mem.value);
    app.disk = Number(c.disk.value);
    app.instances = Number(c.instances.value);
    if (c.image.value.trim()) {
      app.container = {type: 'DOCKER', docker: {...((base.container || {}).docker || {}), image: c.image.value.trim()}};
    } else if (base.container && base.container.type === 'DOCKER') delete app.container;
    const ports = Number(c.ports.value) || 0;
    app.portDefinitions = Array.from({length: ports}, (_, i) => (base.portDefinitions || [])[i] || {port: 0});
    const p = c.hcProtocol.value;
    if (p === 'none') delete app.healthChecks;
    else {
      const hc = {protocol: p, gracePeriodSeconds: Number(c.hcGrace.value), intervalSeconds: Number(c.hcInterval.value),
        timeoutSeconds: 20, maxConsecutiveFailures: 3};
      if (p === 'HTTP' || p === 'MESOS_HTTP') Object.assign(hc, {path: c.hcPath.value || '/', portIndex: 0});
      if (p === 'TCP' || p === 'MESOS_TCP') hc.portIndex = 0;
      if (p === 'COMMAND') hc.command = {value: c.hcCommand.value};
      app.healthChecks = [hc];
    }
    const env = parseLines(c.env.value);
    if (Object.keys(env).length) app.env = env; else delete app.env;
    const labels = parseLines(c.labels.value);
    if (Object.keys(labels).length) app.labels = labels; else delete app.labels;
    return app;
  };
  const fromApp = (app) => {
    c.id.value = app.id || '';
    c.cmd.value = app.cmd || '';
    c.image.value = (app.container && app.container.docker && app.container.docker.image) || '';
    c.cpus.value = app.cpus ?? 0.1;
    c.mem.value = app.mem ?? 128;
    c.disk.value = app.disk ?? 0;
    c.instances.value = app.instances ?? 1;
    c.ports.value = (app.portDefinitions || app.ports || []).length;
    const hc = (app.healthChecks || [])[0];
    c.hcProtocol.value = hc ? hc.protocol || 'HTTP' : 'none';
    if (hc) {
      c.hcPath.value = hc.path || '/';
      c.hcCommand.value = (hc.command && hc.command.value) || '';
      c.hcGrace.value = hc.gracePeriodSeconds ?? 300;
      c.hcInterval.value = hc.intervalSeconds ?? 60;
    }
    c.env.value = lines(app.env);
    c.labels.value = lines(app.labels);
    syncHc();
  };
  return {el, toApp, fromApp, first: c.id};
}

/**
 * The create dialog: a form and a JSON editor, in step (switching tabs carries the definition across). Submits
 * POST /v2/apps; Marathon's validation messages show in the dialog.
 */
export function openCreateApp(group = '/') {
  const form = appForm(group);
  const json = h('textarea', {class: 'input mono json-editor', rows: 18, spellcheck: 'false', id: uid('json'),
    'aria-label': 'App definition (JSON)'});
  let base = {};
  let mode = 'form';
  const formPanel = h('div', {role: 'tabpanel', id: 'create-form-panel'}, form.el);
  const jsonPanel = h('div', {role: 'tabpanel', id: 'create-json-panel', hidden: true},
    h('p', {class: 'help'}, 'A Marathon app definition, as POST /v2/apps takes it.'), json);
  const tabForm = h('button', {type: 'button', role: 'tab', class: 'tab', 'aria-selected': 'true', 'aria-controls': 'create-form-panel', id: 'tab-form'}, 'Form');
  const tabJson = h('button', {type: 'button', role: 'tab', class: 'tab', 'aria-selected': 'false', 'aria-controls': 'create-json-panel', id: 'tab-json'}, 'JSON');
  formPanel.setAttribute('aria-labelledby', 'tab-form');
  jsonPanel.setAttribute('aria-labelledby', 'tab-json');
  const errors = h('div', {class: 'form-errors'});

  const show = (next) => {
    try {
      if (next === 'json' && mode === 'form') json.value = JSON.stringify(form.toApp(base), null, 2);
      if (next === 'form' && mode === 'json') {
        base = json.value.trim() ? JSON.parse(json.value) : {};
        form.fromApp(base);
      }
    } catch (e) {
      formError(errors, `Cannot switch: ${e.message}`);
      return false;
    }
    formError(errors, null);
    mode = next;
    tabForm.setAttribute('aria-selected', String(next === 'form'));
    tabJson.setAttribute('aria-selected', String(next === 'json'));
    tabForm.tabIndex = next === 'form' ? 0 : -1;
    tabJson.tabIndex = next === 'json' ? 0 : -1;
    formPanel.hidden = next !== 'form';
    jsonPanel.hidden = next !== 'json';
    return true;
  };
  tabForm.addEventListener('click', () => show('form'));
  tabJson.addEventListener('click', () => show('json'));
  for (const t of [tabForm, tabJson]) {
    t.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const other = t === tabForm ? tabJson : tabForm;
        if (show(other === tabForm ? 'form' : 'json')) other.focus();
      }
    });
  }
  tabJson.tabIndex = -1;

  const cancel = h('button', {type: 'button', class: 'btn'}, 'Cancel');
  const submit = h('button', {type: 'submit', class: 'btn btn-primary', form: 'create-app-form', id: 'create-app-submit'}, 'Create');
  const formEl = h('form', {id: 'create-app-form', novalidate: true},
    h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Define the app with'}, tabForm, tabJson),
    formPanel, jsonPanel, errors);
  const {close} = openDialog('Create app', formEl, [cancel, submit], {wide: true});
  cancel.addEventListener('click', close);
  form.first.focus();

  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    let app;
    try {
      app = mode === 'json' ? JSON.parse(json.value) : form.toApp(base);
    } catch (err) {
      formError(errors, mode === 'json' ? `The JSON is not valid: ${err.message}` : err.message);
      return;
    }
    if (!app.id) {
      formError(errors, 'The app needs an ID, such as /web.');
      return;
    }
    submit.disabled = true;
    try {
      const created = await marathon.create(app);
      close();
      toast(`Created ${created.id || app.id}`);
      announce(`Application ${created.id || app.id} created; deploying`);
      marathonChanged();
      location.hash = `#/apps/${encodeURIComponent(created.id || app.id)}`;
    } catch (err) {
      formError(errors, `Marathon refused the app: ${err.message}`);
    } finally {
      submit.disabled = false;
    }
  });
}

/** Edits an app's whole definition as JSON (PUT /v2/apps/<id>). */
export function openEditApp(app, onDone) {
  const json = h('textarea', {class: 'input mono json-editor', rows: 22, spellcheck: 'false',
    'aria-label': 'App definition (JSON)'});
  json.value = JSON.stringify(definitionOf(app), null, 2);
  const errors = h('div', {class: 'form-errors'});
  const cancel = h('button', {type: 'button', class: 'btn'}, 'Cancel');
  const save = h('button', {type: 'button', class: 'btn btn-primary'}, 'Deploy changes');
  const {close} = openDialog(`Edit ${app.id}`, [json, errors], [cancel, save], {wide: true});
  cancel.addEventListener('click', close);
  json.focus();
  save.addEventListener('click', async () => {
    let def;
    try {
      def = JSON.parse(json.value);
    } catch (err) {
      formError(errors, `The JSON is not valid: ${err.message}`);
      return;
    }
    save.disabled = true;
    try {
      await marathon.update(app.id, def);
      close();
      toast(`Deploying the new version of ${app.id}`);
      announce(`Deploying the new version of ${app.id}`);
      if (onDone) onDone();
    } catch (err) {
      formError(errors, `Marathon refused the change: ${err.message}`);
    } finally {
      save.disabled = false;
    }
  });
}
