// Pure formatting and status rules, shared by the views.

/** Mebibytes as DC/OS shows them: 64 MiB, 1.5 GiB, 2 TiB. */
export function mib(value) {
  const v = Number(value) || 0;
  if (v >= 1024 * 1024) return `${trim(v / (1024 * 1024))} TiB`;
  if (v >= 1024) return `${trim(v / 1024)} GiB`;
  return `${trim(v)} MiB`;
}

export function cpus(value) {
  return trim(Number(value) || 0);
}

function trim(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 2 : 1).replace(/\.?0+$/, '');
}

/** "3 minutes ago" style, for timestamps in ISO 8601 or seconds since the epoch. */
export function ago(ts) {
  if (ts === undefined || ts === null || ts === '') return '—';
  const t = typeof ts === 'number' ? ts * 1000 : Date.parse(ts);
  if (Number.isNaN(t)) return String(ts);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** Scalar resource from Mesos JSON resources ({cpus: 1, mem: 128} or [{name, scalar:{value}}]). */
export function scalar(resources, name) {
  if (!resources) return 0;
  if (Array.isArray(resources)) {
    return resources.filter((r) => r.name === name).reduce((a, r) => a + (r.scalar ? r.scalar.value : 0), 0);
  }
  return Number(resources[name]) || 0;
}

/**
 * A Marathon app's status, with the DC/OS UI's rules: the launch queue says Delayed (back-off) or Waiting (the
 * launch is overdue: no matching offers); else Deploying while a deployment runs; Suspended at 0 instances and no
 * tasks; Running otherwise.
 */
export function appStatus(app, queueEntry) {
  const delay = queueEntry && queueEntry.delay;
  if (delay && delay.overdue === false && (delay.timeLeftSeconds || 0) > 0) return 'Delayed';
  if (queueEntry && delay && delay.overdue === true && waitingLong(queueEntry)) return 'Waiting';
  if ((app.deployments || []).length > 0) return 'Deploying';
  const tasks = (app.tasksRunning || 0) + (app.tasksStaged || 0);
  if ((app.instances || 0) === 0 && tasks === 0) return 'Suspended';
  if ((app.tasksStaged || 0) > 0 && (app.tasksRunning || 0) < (app.instances || 0)) return 'Waiting';
  return 'Running';
}

/** A launch still not done 10 s after it could have been: no offer fits. */
function waitingLong(entry) {
  const since = Date.parse(entry.since || '');
  return Number.isNaN(since) ? true : Date.now() - since > 10_000;
}

/** Healthy / unhealthy / unknown counts of an app's running tasks; none when it has no health checks. */
export function appHealth(app) {
  const checks = (app.healthChecks || []).length;
  const running = app.tasksRunning || 0;
  if (checks === 0) return {checks: false, healthy: 0, unhealthy: 0, unknown: running, running};
  const healthy = app.tasksHealthy || 0;
  const unhealthy = app.tasksUnhealthy || 0;
  return {checks: true, healthy, unhealthy, unknown: Math.max(0, running - healthy - unhealthy), running};
}

/** A task's health from Marathon's healthCheckResults: healthy, unhealthy or unknown. */
export function taskHealth(task, app) {
  if (!app || !(app.healthChecks || []).length) return 'no checks';
  const results = task.healthCheckResults || [];
  if (!results.length) return 'unknown';
  return results.every((r) => r.alive) ? 'healthy' : 'unhealthy';
}

/** Mesos task state without the TASK_ prefix, in words: Running, Staging, Finished... */
export function taskState(state) {
  const s = String(state || '').replace(/^TASK_/, '').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const ACTIVE_STATES = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING',
  'TASK_UNREACHABLE']);

/** The parent group of an app or group id: /a/b/c → /a/b; /c → /. */
export function parentGroup(id) {
  const i = id.lastIndexOf('/');
  return i <= 0 ? '/' : id.slice(0, i);
}

/** The last segment of an id. */
export function baseName(id) {
  return id.slice(id.lastIndexOf('/') + 1) || '/';
}

/** Whether an agent is public: public_ip attribute or resources reserved for slave_public, as DC/OS tells. */
export function isPublicAgent(agent) {
  const attrs = agent.attributes || {};
  if (String(attrs.public_ip) === 'true') return true;
  const reserved = agent.reserved_resources || {};
  return Object.prototype.hasOwnProperty.call(reserved, 'slave_public');
}
