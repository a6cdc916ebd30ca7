// Shared pieces: status badges, health and allocation bars, dialogs, notifications, the sandbox log viewer.

import {h, uid} from './dom.js';
import {agent} from './api.js';

/** Tells screen-reader users what just happened (an action's result). */
export function announce(text) {
  const el = document.getElementById('announcer');
  el.textContent = '';
  setTimeout(() => {
    el.textContent = text;
  }, 30);
}

/** A short notification in the corner; errors stay until dismissed. */
export function toast(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const close = h('button', {type: 'button', class: 'icon-btn', 'aria-label': 'Dismiss notification'}, '×');
  const t = h('div', {class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, h('span', {}, text), close);
  close.addEventListener('click', () => t.remove());
  box.appendChild(t);
  while (box.children.length > 3) box.firstElementChild.remove(); // the newest three are enough
  if (kind !== 'error') setTimeout(() => t.remove(), 5000);
}

export function statusBadge(status) {
  return h('span', {class: `badge status-${status.toLowerCase()}`, dataset: {status}}, status);
}

/** A bar of healthy / unhealthy / unknown tasks, with the same numbers in its accessible name. */
export function healthBar(health) {
  if (!health.checks) {
    return h('span', {class: 'health-none'}, health.running ? 'No health checks' : '—');
  }
  const total = Math.max(1, health.healthy + health.unhealthy + health.unknown);
  const label = `${health.healthy} healthy, ${health.unhealthy} unhealthy, ${health.unknown} unknown`;
  const seg = (n, cls) => (n > 0 ? h('span', {class: `seg ${cls}`, style: {width: `${(100 * n) / total}%`}}) : null);
  return h('span', {class: 'health', dataset: {healthy: health.healthy, unhealthy: health.unhealthy, unknown: health.unknown}},
    h('span', {class: 'health-bar', role: 'img', 'aria-label': label, title: label},
      seg(health.healthy, 'healthy'), seg(health.unhealthy, 'unhealthy'), seg(health.unknown, 'unknown')),
    h('span', {class: 'health-text', 'aria-hidden': 'true'},
      health.unhealthy > 0 ? `${health.unhealthy} unhealthy`
        : health.healthy > 0 && health.unknown === 0 ? 'Healthy'
          : health.healthy + health.unhealthy + health.unknown === 0 ? '—' : `${health.unknown} unknown`));
}

/** used of total, as a labelled bar: "CPU 1.5 of 4 (38 %)". */
export function allocationBar(label, used, total, fmt = (x) => String(x)) {
  const pct = total > 0 ? Math.min(100, Math.round((100 * used) / total)) : 0;
  const text = `${fmt(used)} of ${fmt(total)}`;
  return h('div', {class: 'alloc'},
    h('div', {class: 'alloc-label'}, h('span', {}, label), h('span', {class: 'muted'}, `${text} (${pct} %)`)),
    h('div', {class: 'meter', role: 'meter', 'aria-label': `${label} allocated`, 'aria-valuemin': 0,
      'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-valuetext': `${text}, ${pct} percent`},
    h('span', {class: `meter-fill${pct >= 90 ? ' hot' : ''}`, style: {width: `${pct}%`}})));
}

/** A modal dialog (native <dialog>: focus stays inside, Escape closes). Returns {dialog, close}. */
export function openDialog(title, body, actions, {wide = false, onClose} = {}) {
  const titleId = uid('dlg');
  const closeBtn = h('button', {type: 'button', class: 'icon-btn', 'aria-label': 'Close dialog'}, '×');
  const dialog = h('dialog', {class: `dialog${wide ? ' wide' : ''}`, 'aria-labelledby': titleId},
    h('div', {class: 'dialog-head'}, h('h2', {id: titleId}, title), closeBtn),
    h('div', {class: 'dialog-body'}, body),
    actions ? h('div', {class: 'dialog-actions'}, actions) : null);
  const close = () => {
    if (dialog.open) dialog.close();
  };
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return {dialog, close};
}

/** Asks before something that cannot be undone; resolves true when confirmed. */
export function confirmDialog(title, message, confirmLabel, danger = true) {
  return new Promise((resolve) => {
    let answered = false;
    const cancel = h('button', {type: 'button', class: 'btn'}, 'Cancel');
    const ok = h('button', {type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`}, confirmLabel);
    const {close} = openDialog(title, h('p', {}, message), [cancel, ok], {
      onClose: () => {
        if (!answered) resolve(false);
      },
    });
    cancel.addEventListener('click', close);
    ok.addEventListener('click', () => {
      answered = true;
      resolve(true);
      close();
    });
    cancel.focus();
  });
}

/** Shows an error inside a form: role=alert, so it is read at once. */
export function formError(box, message) {
  box.replaceChildren();
  if (message) box.appendChild(h('div', {class: 'form-error', role: 'alert'}, message));
}

/**
 * Finds a task's sandbox on its agent (the agent's /state, through /agent/<id>/) and shows its stdout or stderr,
 * following new output every two seconds while the viewer is open.
 */
export function openLogs(taskId, agentId, initialFile = 'stdout') {
  const out = h('pre', {class: 'log', role: 'log', tabindex: '0', 'aria-label': `Output of task ${taskId}`}, 'Loading…');
  const status = h('p', {class: 'muted log-status', role: 'status'});
  const tabs = ['stdout', 'stderr'].map((name) => h('button', {type: 'button', class: 'tab', role: 'tab',
    'aria-selected': String(name === initialFile), dataset: {file: name}}, name));
  const download = h('a', {class: 'btn', href: '#', download: true}, 'Download');
  const tablist = h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Log file'}, tabs);
  let file = initialFile;
  let offset = 0;
  let dir = null;
  let timer = null;
  let closed = false;

  const {close} = openDialog(`Logs of ${taskId}`, [tablist, out, status], [download], {
    wide: true,
    onClose: () => {
      closed = true;
      clearTimeout(timer);
    },
  });

  const select = (name) => {
    file = name;
    offset = 0;
    out.textContent = '';
    for (const t of tabs) t.setAttribute('aria-selected', String(t.dataset.file === name));
    clearTimeout(timer);
    poll(true);
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t.dataset.file));
    t.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        next.focus();
        select(next.dataset.file);
      }
    });
  });

  async function poll(first) {
    if (closed) return;
    try {
      if (!dir) dir = await sandboxOf(agentId, taskId);
      const path = `${dir}/${file}`;
      download.href = agent.downloadUrl(agentId, path);
      if (first) {
        // start at most 64 KiB before the end
        const size = await agent.read(agentId, path, -1);
        offset = Math.max(0, (size.offset || 0) - 65536);
        out.textContent = '';
      }
      for (let i = 0; i < 16; i++) {
        const chunk = await agent.read(agentId, path, offset, 65536);
        if (!chunk.data) break;
        const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
        out.append(chunk.data);
        offset = chunk.offset + new TextEncoder().encode(chunk.data).length;
        if (atBottom) out.scrollTop = out.scrollHeight;
      }
      if (!out.textContent) out.textContent = `(${file} is empty)`;
      status.textContent = `Following ${file} on agent ${agentId}`;
    } catch (e) {
      if (!out.textContent || out.textContent === 'Loading…') out.textContent = '';
      status.textContent = `Cannot read ${file}: ${e.message}`;
    }
    if (!closed) timer = setTimeout(() => poll(false), 2000);
  }
  poll(true);
  return close;
}

/** The sandbox directory of a task: the executor on the agent that runs it (or ran it). */
async function sandboxOf(agentId, taskId) {
  const state = await agent.state(agentId);
  for (const fw of [...(state.frameworks || []), ...(state.completed_frameworks || [])]) {
    for (const ex of [...(fw.executors || []), ...(fw.completed_executors || [])]) {
      const tasks = [...(ex.tasks || []), ...(ex.queued_tasks || []), ...(ex.completed_tasks || [])];
      if (ex.id === taskId || tasks.some((t) => t.id === taskId)) return ex.directory;
    }
  }
  throw new Error(`agent ${agentId} has no sandbox for task ${taskId}`);
}
