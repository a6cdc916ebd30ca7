// Every call goes through the gateway's DC/OS paths: /mesos/, /marathon/, /agent/<id>/, /package/.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The message of an error body: Marathon ({message, details}), the gateway ({code, message}), Cosmos ({type, message}). */
function messageOf(status, body, text) {
  if (body && typeof body === 'object') {
    let m = body.message || body.error || `HTTP ${status}`;
    if (Array.isArray(body.details) && body.details.length) {
      m += ': ' + body.details.map((d) => `${d.path || ''} ${(d.errors || []).join(', ')}`.trim()).join('; ');
    }
    return m;
  }
  return text ? text.slice(0, 300) : `HTTP ${status}`;
}

export async function request(method, path, {body, headers = {}, signal} = {}) {
  const init = {method, headers: {Accept: 'application/json', ...headers}, signal};
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `The gateway cannot be reached (${e.message})`, null);
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, json, text), json);
  return json;
}

export const get = (path, opts) => request('GET', path, opts);

const enc = (id) => id.split('/').filter(Boolean).map(encodeURIComponent).join('/');

export const marathon = {
  apps: () => get('/marathon/v2/apps?embed=apps.counts&embed=apps.deployments&embed=apps.lastTaskFailure'
    + '&embed=apps.taskStats'),
  app: (id) => get(`/marathon/v2/apps/${enc(id)}?embed=app.tasks&embed=app.counts&embed=app.deployments`
    + '&embed=app.lastTaskFailure&embed=app.taskStats&embed=app.readiness'),
  groups: () => get('/marathon/v2/groups'),
  deployments: () => get('/marathon/v2/deployments'),
  queue: () => get('/marathon/v2/queue'),
  versions: (id) => get(`/marathon/v2/apps/${enc(id)}/versions`),
  version: (id, v) => get(`/marathon/v2/apps/${enc(id)}/versions/${encodeURIComponent(v)}`),
  create: (app) => request('POST', '/marathon/v2/apps', {body: app}),
  update: (id, patch, force = false) => request('PUT', `/marathon/v2/apps/${enc(id)}${force ? '?force=true' : ''}`, {body: patch}),
  restart: (id) => request('POST', `/marathon/v2/apps/${enc(id)}/restart`, {body: {}}),
  destroy: (id) => request('DELETE', `/marathon/v2/apps/${enc(id)}`),
  killTask: (id, taskId) => request('DELETE', `/marathon/v2/apps/${enc(id)}/tasks/${encodeURIComponent(taskId)}`),
  resetDelay: (id) => request('DELETE', `/marathon/v2/queue/${enc(id)}/delay`),
};

export const mesos = {
  state: () => get('/mesos/master/state'),
};

export const agent = {
  state: (agentId) => get(`/agent/${encodeURIComponent(agentId)}/state`),
  /** Reads a sandbox file: {data, offset}. offset -1 answers the size as offset. */
  read: (agentId, path, offset, length) => get(`/agent/${encodeURIComponent(agentId)}/files/read?path=`
    + `${encodeURIComponent(path)}&offset=${offset}${length !== undefined ? `&length=${length}` : ''}`),
  downloadUrl: (agentId, path) => `/agent/${encodeURIComponent(agentId)}/files/download?path=${encodeURIComponent(path)}`,
};

// Cosmos' media types (the same the dcos CLI sends).
const vnd = (kind, version) => `application/vnd.dcos.package.${kind}+json;charset=utf-8;version=${version}`;

function cosmos(path, kind, reqVersion, resKind, resVersion, body) {
  return request('POST', path, {
    body,
    headers: {'Content-Type': vnd(`${kind}-request`, reqVersion), Accept: vnd(`${resKind}-response`, resVersion)},
  });
}

export const packages = {
  search: (query) => cosmos('/package/search', 'search', 'v1', 'search', 'v1', {query}),
  /** Answers {package: {...}} (v3); the definition's config is its options' JSON schema. */
  describe: (name, version) => cosmos('/package/describe', 'describe', 'v1', 'describe', 'v3',
    version ? {packageName: name, packageVersion: version} : {packageName: name}),
  install: (name, version, options, appId) => cosmos('/package/install', 'install', 'v1', 'install', 'v2',
    Object.assign({packageName: name, options}, version ? {packageVersion: version} : {}, appId ? {appId} : {})),
  /** Installed packages: {packages: [{appId, packageInformation: {packageDefinition: {name, version, ...}}}]}. */
  list: (name) => cosmos('/package/list', 'list', 'v1', 'list', 'v1', name ? {packageName: name} : {}),
  uninstall: (name, appId) => cosmos('/package/uninstall', 'uninstall', 'v1', 'uninstall', 'v1', {packageName: name, appId}),
};
