// A minimal Kubernetes API client for the control-plane checks: client-certificate auth from the environment
// written by cluster.sh (KUBE_SERVER, KUBE_CA, KUBE_CLIENT_CERT, KUBE_CLIENT_KEY), discovery, server-side apply.
// No dependency beyond Node itself.
'use strict';
const fs = require('fs');
const https = require('https');

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: source the env file written by scripts/control-plane/cluster.sh`);
  return v;
}

class Kube {
  constructor() {
    const server = new URL(env('KUBE_SERVER'));
    this.host = server.hostname;
    this.port = Number(server.port);
    this.agent = new https.Agent({
      ca: fs.readFileSync(env('KUBE_CA')),
      cert: fs.readFileSync(env('KUBE_CLIENT_CERT')),
      key: fs.readFileSync(env('KUBE_CLIENT_KEY')),
      keepAlive: true,
    });
    this.resources = new Map(); // "group/version|Kind" -> { plural, namespaced }
  }

  /** One request. Resolves { status, body (parsed JSON or text), warnings: string[] }; never rejects on HTTP status. */
  request(method, path, body, contentType, token) {
    return new Promise((resolve, reject) => {
      const headers = { Accept: 'application/json' };
      let payload;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['Content-Type'] = contentType || 'application/json';
        headers['Content-Length'] = Buffer.byteLength(payload);
      }
      if (token) headers.Authorization = `Bearer ${token}`;
      const req = https.request({ host: this.host, port: this.port, method, path, headers, agent: token ? undefined : this.agent,
        ca: token ? fs.readFileSync(env('KUBE_CA')) : undefined }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, body: parsed, warnings: parseWarnings(res.headers.warning) });
        });
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async get(path) {
    const r = await this.request('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${message(r.body)}`);
    return r.body;
  }

  /** Reads discovery: every served group/version/kind with its plural and scope. */
  async discover() {
    this.resources.clear();
    const add = (gv, list) => {
      for (const r of list.resources || []) {
        if (r.name.includes('/')) continue;
        this.resources.set(`${gv}|${r.kind}`, { plural: r.name, namespaced: r.namespaced });
      }
    };
    add('v1', await this.get('/api/v1'));
    const groups = await this.get('/apis');
    for (const g of groups.groups) {
      for (const v of g.versions) add(v.groupVersion, await this.get(`/apis/${v.groupVersion}`));
    }
  }

  resource(apiVersion, kind) {
    return this.resources.get(`${apiVersion}|${kind}`);
  }

  /** The REST path of an object (collection path when name is omitted). */
  path(obj, query) {
    const r = this.resource(obj.apiVersion, obj.kind);
    if (!r) return undefined;
    const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(obj.metadata.namespace || 'default')}` : '';
    const name = obj.metadata && obj.metadata.name ? `/${encodeURIComponent(obj.metadata.name)}` : '';
    return `${base}${ns}/${r.plural}${name}${query ? `?${query}` : ''}`;
  }

  /** Server-side apply, as Argo CD does with ServerSideApply=true (force: it takes over conflicting fields). */
  apply(obj, { dryRun = false, fieldManager = 'argocd-controller', strict = true } = {}) {
    const q = new URLSearchParams({ fieldManager, force: 'true' });
    if (strict) q.set('fieldValidation', 'Strict');
    if (dryRun) q.set('dryRun', 'All');
    const p = this.path(obj, q.toString());
    if (!p) return Promise.resolve({ status: 0, body: `${obj.apiVersion} ${obj.kind} is not served by this API server`, warnings: [] });
    return this.request('PATCH', p, obj, 'application/apply-patch+yaml');
  }

  /** Creates a namespace if it does not exist. */
  async ensureNamespace(name) {
    const r = await this.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status}: ${message(r.body)}`);
  }
}

function parseWarnings(h) {
  if (!h) return [];
  const all = Array.isArray(h) ? h : [h];
  const out = [];
  for (const line of all) {
    // 299 - "text", 299 - "text2"
    const re = /\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"/g;
    let m;
    let found = false;
    while ((m = re.exec(line))) { out.push(m[1].replace(/\\(.)/g, '$1')); found = true; }
    if (!found) out.push(line);
  }
  return out;
}

function message(body) {
  if (body && typeof body === 'object') return body.message || JSON.stringify(body);
  return String(body).slice(0, 500);
}

module.exports = { Kube, message };
