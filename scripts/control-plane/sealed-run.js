#!/usr/bin/env node
// The real Sealed Secrets controller acting on the example's SealedSecrets, in a real API server (cluster.sh env).
//
//   sealed-run.js <controller binary> <dist dir> <sealing key PEM> <sealing cert PEM> <demo inputs dir>
//
// The controller runs out of cluster (no kubelet): a ServiceAccount token from the TokenRequest API and the
// cluster CA are mounted where client-go's in-cluster config reads them, in a private mount namespace
// (unshare), so nothing on the machine changes. The test sealing key (the one the example seals with) is
// installed as the controller's active key before it starts (the example's DEMO-ONLY key pair); key rotation is off.
// Then every SealedSecret of dist/ is applied for real and must produce a Secret with exactly the sealed keys;
// for the example's known demo inputs every value must equal the input (compared, never printed). Variants
// the controller must refuse: a strict SealedSecret renamed, a namespace-wide one moved to another namespace,
// and one whose ciphertext was altered; a cluster-wide one renamed and moved must still be accepted.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');
const { Kube, message } = require('./kube');
const { load } = require('./apply-check');

const [BIN, DIST, KEY, CERT, DEMO] = process.argv.slice(2);
if (!DEMO) { console.error('usage: sealed-run.js <controller> <dist> <key.pem> <cert.pem> <demo dir>'); process.exit(2); }
const NS = 'kube-system';
const SA = 'sealed-secrets-controller';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const b64 = (s) => Buffer.from(s).toString('base64');
const file = (f) => fs.readFileSync(path.join(DEMO, f));
const text = (s) => Buffer.from(s, 'utf8');

// The example's demo inputs (examples/sealed.ts; the same table as scripts/ci-sealed.sh).
const expected = {
  'secrets-demo/ss-postgres-secret': { username: text('admin'), password: text('S3cr3tPassw0rd') },
  'production/app-secrets-sealed': { password: text('supersecret') },
  'production/app-secrets': { password: text('supersecret') },
  'production/app-secrets-namespace-wide': { password: text('supersecret') },
  'production/app-secrets-cluster-wide': { password: text('supersecret') },
  'default/mysecret': { dbuser: file('dbuser.txt'), dbkey: file('dbkey.txt') },
};

async function must(r, what) {
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: HTTP ${r.status}: ${message(r.body)}`);
  return r.body;
}

function scope(o) {
  const a = (o.metadata && o.metadata.annotations) || {};
  if (a['sealedsecrets.bitnami.com/cluster-wide'] === 'true') return 'cluster-wide';
  if (a['sealedsecrets.bitnami.com/namespace-wide'] === 'true') return 'namespace-wide';
  return 'strict';
}

function variant(o, { name, namespace }) {
  const v = JSON.parse(JSON.stringify(o));
  if (name) v.metadata.name = name;
  if (namespace) v.metadata.namespace = namespace;
  if (v.spec.template && v.spec.template.metadata) {
    if (name) v.spec.template.metadata.name = name;
    if (namespace) v.spec.template.metadata.namespace = namespace;
  }
  return v;
}

async function main() {
  const kube = new Kube();
  await kube.discover();
  const ssa = (o, fm) => kube.apply(o, { fieldManager: fm || 'conformance' });

  // The controller's identity: a ServiceAccount bound to cluster-admin (the chart's own RBAC is not rendered here).
  await must(await ssa({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: NS } }), 'ServiceAccount');
  await must(await ssa({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: SA },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NS }] }), 'ClusterRoleBinding');
  await must(await ssa({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
    metadata: { name: 'sealed-secrets-key-conformance', namespace: NS, labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
    data: { 'tls.crt': fs.readFileSync(CERT).toString('base64'), 'tls.key': fs.readFileSync(KEY).toString('base64') } }), 'sealing key Secret');
  const tr = await must(await kube.request('POST', `/api/v1/namespaces/${NS}/serviceaccounts/${SA}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }), 'TokenRequest');

  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-sa-'));
  fs.writeFileSync(path.join(mount, 'token'), tr.status.token, { mode: 0o600 });
  fs.copyFileSync(process.env.KUBE_CA, path.join(mount, 'ca.crt'));
  fs.writeFileSync(path.join(mount, 'namespace'), NS);
  const server = new URL(process.env.KUBE_SERVER);
  const [p1, p2] = [await freePort(), await freePort()];
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const script = `set -e; mount -t tmpfs tmpfs /var/run; mkdir -p ${sa}; cp ${mount}/token ${mount}/ca.crt ${mount}/namespace ${sa}/; `
    + `exec "$0" --key-renew-period=0 --listen-addr=127.0.0.1:${p1} --listen-metrics-addr=127.0.0.1:${p2} --update-status=true`;
  const log = fs.openSync(path.join(path.dirname(process.env.KUBECONFIG), 'sealed-secrets-controller.log'), 'w');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, BIN], {
    env: { PATH: process.env.PATH, POD_NAMESPACE: NS, KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
    stdio: ['ignore', log, log],
  });
  let exited = false;
  child.on('exit', () => { exited = true; });
  try {
    return await check(kube, ssa, () => exited);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(mount, { recursive: true, force: true });
  }
}

async function check(kube, ssa, exited) {
  const sealed = load(fs.readdirSync(DIST).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(DIST, f)))
    .map((x) => x.obj).filter((o) => o.apiVersion === 'bitnami.com/v1alpha1' && o.kind === 'SealedSecret');
  const cases = []; // { obj, accept, label, source }
  for (const o of sealed) cases.push({ obj: o, accept: true, label: `${scope(o)} as synthesized`, source: o });
  const pick = (s) => sealed.find((o) => scope(o) === s);
  const strict = pick('strict');
  const nsWide = pick('namespace-wide');
  const cluster = pick('cluster-wide');
  if (!strict || !nsWide || !cluster) throw new Error('dist/ must hold a SealedSecret of every scope');
  cases.push({ obj: variant(strict, { name: `${strict.metadata.name}-renamed` }), accept: false, label: 'strict, renamed' });
  cases.push({ obj: variant(nsWide, { namespace: 'conformance-moved' }), accept: false, label: 'namespace-wide, moved' });
  cases.push({ obj: variant(cluster, { name: `${cluster.metadata.name}-renamed`, namespace: 'conformance-moved' }), accept: true, label: 'cluster-wide, renamed and moved', source: cluster });
  // A cluster-wide value accepts any name, so under a new name only the altered bit can make it fail.
  const tampered = variant(cluster, { name: `${cluster.metadata.name}-tampered` });
  const k0 = Object.keys(tampered.spec.encryptedData)[0];
  const ct = Buffer.from(tampered.spec.encryptedData[k0], 'base64');
  ct[ct.length - 1] ^= 0x01; // one bit of the AES-GCM payload
  tampered.spec.encryptedData[k0] = ct.toString('base64');
  cases.push({ obj: tampered, accept: false, label: 'cluster-wide, one ciphertext bit altered' });

  for (const c of cases) await kube.ensureNamespace(c.obj.metadata.namespace || 'default');
  for (const c of cases) {
    const r = await ssa(c.obj, 'argocd-controller');
    if (r.status !== 200 && r.status !== 201) throw new Error(`apply ${c.obj.metadata.namespace}/${c.obj.metadata.name}: HTTP ${r.status}: ${message(r.body)}`);
  }

  const failures = [];
  const deadline = Date.now() + 90000;
  const pending = new Set(cases);
  while (pending.size && Date.now() < deadline) {
    if (exited()) throw new Error('the Sealed Secrets controller exited; see sealed-secrets-controller.log');
    for (const c of [...pending]) {
      const { name, namespace } = c.obj.metadata;
      const ss = await kube.request('GET', `/apis/bitnami.com/v1alpha1/namespaces/${namespace}/sealedsecrets/${name}`);
      const conds = (ss.body.status && ss.body.status.conditions) || [];
      const synced = conds.find((x) => x.type === 'Synced');
      const sec = await kube.request('GET', `/api/v1/namespaces/${namespace}/secrets/${name}`);
      const id = `SealedSecret ${namespace}/${name} (${c.label})`;
      if (c.accept) {
        if (sec.status !== 200) { if (synced && synced.status === 'False') { failures.push(`${id}: refused by the controller: ${synced.message}`); pending.delete(c); } continue; }
        const data = sec.body.data || {};
        const want = Object.keys(c.obj.spec.encryptedData).sort();
        if (JSON.stringify(Object.keys(data).sort()) !== JSON.stringify(want)) failures.push(`${id}: the Secret's keys ${Object.keys(data).sort().join(',')} differ from the sealed keys ${want.join(',')}`);
        const src = c.source;
        const exp = expected[`${src.metadata.namespace}/${src.metadata.name}`];
        let compared = 0;
        if (exp) {
          for (const [k, v] of Object.entries(exp)) {
            compared++;
            if (!data[k] || !Buffer.from(data[k], 'base64').equals(v)) failures.push(`${id}: the Secret's value of ${k} is not the sealed input`);
          }
        }
        const owner = (sec.body.metadata.ownerReferences || []).find((o) => o.kind === 'SealedSecret');
        if (!owner || owner.name !== name) failures.push(`${id}: the Secret is not owned by its SealedSecret`);
        console.log(`${failures.some((f) => f.startsWith(id)) ? 'FAIL' : 'OK'} ${id}: Secret created, ${want.length} keys${exp ? `, ${compared} values equal the example's inputs` : ''}`);
        pending.delete(c);
      } else {
        if (sec.status === 200) { failures.push(`${id}: the controller unsealed it, it must refuse`); console.log(`FAIL ${id}: unsealed`); pending.delete(c); continue; }
        if (synced && synced.status === 'False') {
          console.log(`OK ${id}: refused by the controller (${String(synced.message).split('\n')[0].slice(0, 120)})`);
          pending.delete(c);
        }
      }
    }
    if (pending.size) await sleep(500);
  }
  for (const c of pending) failures.push(`SealedSecret ${c.obj.metadata.namespace}/${c.obj.metadata.name} (${c.label}): no outcome after 90s`);
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`${cases.length - failures.length} of ${cases.length} SealedSecret cases behaved as required`);
  return failures.length;
}

main().then((n) => process.exit(n ? 1 : 0), (e) => { console.error(e.stack || String(e)); process.exit(2); });
