// The cluster as the UI knows it, kept current by Marathon's event stream and the Mesos operator API's SUBSCRIBE
// stream (both through the gateway). Views subscribe and re-render when their part changes.

import {marathon, mesos} from './api.js';

const listeners = new Set();

export const store = {
  apps: null, // Marathon apps with counts, deployments, lastTaskFailure, taskStats
  queue: [],
  deployments: [],
  mesos: null, // /mesos/master/state
  errors: {marathon: null, mesos: null},
  live: {marathon: 'connecting', mesos: 'connecting'},
  events: {marathon: 0, mesos: 0}, // events received from each stream (shown nowhere; tests and debugging read them)
  version: 0,
};

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(what) {
  store.version += 1;
  for (const fn of [...listeners]) {
    try {
      fn(what);
    } catch (e) {
      console.error('view update failed', e);
    }
  }
}

export async function refreshMarathon() {
  try {
    const [apps, queue, deployments] = await Promise.all([marathon.apps(), marathon.queue(), marathon.deployments()]);
    store.apps = apps.apps || [];
    store.queue = queue.queue || [];
    store.deployments = deployments || [];
    store.errors.marathon = null;
  } catch (e) {
    store.errors.marathon = e.message;
  }
  changed('marathon');
}

export async function refreshMesos() {
  try {
    store.mesos = await mesos.state();
    store.errors.mesos = null;
  } catch (e) {
    store.errors.mesos = e.message;
  }
  changed('mesos');
}

/** Coalesces bursts of events (a deployment sends many) into one fetch. */
function debounced(fn, ms) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(run, ms);
  };
  return schedule;
}

export const marathonChanged = debounced(refreshMarathon, 250);
export const mesosChanged = debounced(refreshMesos, 250);

/** Marathon's /v2/events (Server-Sent Events); the browser's EventSource reconnects by itself. */
function marathonEvents() {
  const source = new EventSource('/marathon/v2/events');
  source.onopen = () => {
    store.live.marathon = 'live';
    marathonChanged();
  };
  source.onerror = () => {
    store.live.marathon = 'reconnecting';
    changed('live');
  };
  const onEvent = () => {
    store.events.marathon += 1;
    marathonChanged();
  };
  for (const type of ['api_post_event', 'status_update_event', 'deployment_info', 'deployment_success',
    'deployment_failed', 'deployment_step_success', 'deployment_step_failure', 'health_status_changed_event',
    'instance_health_changed_event', 'instance_changed_event', 'failed_health_check_event',
    'unhealthy_instance_kill_event', 'app_terminated_event', 'group_change_success']) {
    source.addEventListener(type, onEvent);
  }
  source.onmessage = onEvent;
  return source;
}

/**
 * The Mesos operator API's SUBSCRIBE: a RecordIO stream of JSON events ("<length>\n<json>..."), read with a
 * streaming fetch. Every task, agent and framework event refreshes the master's state; the stream is re-opened with
 * back-off when it ends.
 */
async function mesosEvents() {
  let backoff = 1000;
  for (;;) {
    try {
      const res = await fetch('/mesos/api/v1', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', Accept: 'application/json'},
        body: JSON.stringify({type: 'SUBSCRIBE'}),
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      store.live.mesos = 'live';
      backoff = 1000;
      await readRecordIo(res.body, (event) => {
        if (event.type === 'HEARTBEAT') return;
        store.events.mesos += 1;
        mesosChanged();
      });
    } catch (e) {
      // fall through: reconnect
    }
    store.live.mesos = 'reconnecting';
    changed('live');
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 15000);
    mesosChanged();
  }
}

/** Splits a RecordIO byte stream into records and hands each parsed JSON record to onRecord. */
export async function readRecordIo(body, onRecord) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = new Uint8Array(0);
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    for (;;) {
      const nl = buffer.indexOf(10);
      if (nl < 0) break;
      const length = parseInt(decoder.decode(buffer.subarray(0, nl)), 10);
      if (Number.isNaN(length)) throw new Error('bad RecordIO length');
      if (buffer.length < nl + 1 + length) break;
      const record = decoder.decode(buffer.subarray(nl + 1, nl + 1 + length));
      buffer = buffer.slice(nl + 1 + length);
      try {
        onRecord(JSON.parse(record));
      } catch {
        // a record that is not JSON: ignore
      }
    }
  }
}

let started = false;

export function startLive() {
  if (started) return;
  started = true;
  refreshMarathon();
  refreshMesos();
  marathonEvents();
  mesosEvents();
  // A slow safety net: counts such as "x s ago" and anything an event did not cover.
  setInterval(() => {
    if (document.visibilityState === 'visible') {
      marathonChanged();
      mesosChanged();
    }
  }, 30000);
}
