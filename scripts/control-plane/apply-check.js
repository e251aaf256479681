#!/usr/bin/env node
// Server-side conformance against a real kube-apiserver (started by cluster.sh; its env file sourced).
//
//   apply-check.js install-crds <yaml files...>
//       Installs every CustomResourceDefinition in the files by server-side apply (as Argo CD does with
//       ServerSideApply=true) and waits until each is Established. Any rejection fails.
//   apply-check.js dry-run <yaml files...>
//       Sends every object as a server-side apply with dryRun=All&fieldValidation=Strict and fails on
//       - a rejection (HTTP error, unknown or duplicate field, schema, CEL, admission),
//       - any warning the server returns (deprecations, unknown-field warnings, pod spec warnings),
//       - drift: a value the object sets that the server stores differently (a quantity rewritten to its
//         canonical form, a zero value dropped, a field pruned). A GitOps tool would report that drift forever.
//   Prints one line per object: "OK <kind> <ns>/<name>" or "FAIL <kind> <ns>/<name>: <reason>".
//   Values are printed only for quantities and other non-secret kinds; a Secret's data is never printed.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { Kube, message } = require('./kube');

function load(files) {
  const objs = [];
  for (const f of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${f}: ${doc.errors[0].message}`);
      const o = doc.toJS();
      if (o && typeof o === 'object' && o.kind) objs.push({ file: f, obj: o });
    }
  }
  return objs;
}

function id(o) {
  const ns = o.metadata && o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion} ${o.kind} ${ns}${o.metadata && o.metadata.name}`;
}

const SECRET_PATHS = [/^\.data\b/, /^\.stringData\b/, /^\.spec\.encryptedData\b/, /^\.spec\.template\.data\b/];
function show(kind, p, v) {
  if ((kind === 'Secret' || kind === 'SealedSecret') && SECRET_PATHS.some((re) => re.test(p))) return '<redacted>';
  return JSON.stringify(v);
}

/** Every value the sent object sets that the server's answer does not hold unchanged. */
function drift(kind, sent, got, p = '', out = []) {
  if (sent !== null && typeof sent === 'object' && !Array.isArray(sent)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push(`${p || '.'}: sent ${show(kind, p, sent)}, the server holds ${show(kind, p, got)}`);
      return out;
    }
    for (const k of Object.keys(sent)) {
      const q = `${p}.${k}`;
      if (!(k in got)) out.push(`${q}: sent ${show(kind, q, sent[k])}, the server dropped it`);
      else drift(kind, sent[k], got[k], q, out);
    }
  } else if (Array.isArray(sent)) {
    if (!Array.isArray(got) || got.length !== sent.length) {
      out.push(`${p}: sent ${sent.length} items, the server holds ${Array.isArray(got) ? got.length : show(kind, p, got)}`);
      return out;
    }
    sent.forEach((s, i) => drift(kind, s, got[i], `${p}[${i}]`, out));
  } else if (sent !== got) {
    out.push(`${p}: sent ${show(kind, p, sent)}, the server holds ${show(kind, p, got)}`);
  }
  return out;
}

async function installCrds(kube, files) {
  const crds = load(files).filter((x) => x.obj.kind === 'CustomResourceDefinition');
  let failed = 0;
  const t0 = Date.now();
  await kube.discover();
  for (const { file, obj } of crds) {
    const r = await kube.apply(obj, { fieldManager: 'argocd-controller' });
    const where = path.relative(process.cwd(), file);
    if (r.status !== 200 && r.status !== 201) {
      failed++;
      console.log(`FAIL CRD ${obj.metadata.name} (${where}): HTTP ${r.status}: ${message(r.body)}`);
      continue;
    }
    for (const w of r.warnings) console.log(`WARN CRD ${obj.metadata.name}: ${w}`);
  }
  // Established and NamesAccepted, as a GitOps tool waits for before it syncs the custom resources.
  const pending = new Set(crds.map((x) => x.obj.metadata.name));
  const deadline = Date.now() + 120000;
  while (pending.size && Date.now() < deadline) {
    for (const name of [...pending]) {
      const r = await kube.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conds = (r.body && r.body.status && r.body.status.conditions) || [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(name);
    }
    if (pending.size) await new Promise((res) => setTimeout(res, 250));
  }
  for (const name of pending) { failed++; console.log(`FAIL CRD ${name}: not Established after 120s`); }
  // Discovery lists the new kinds shortly after Established.
  const kinds = crds.flatMap((x) => (x.obj.spec.versions || []).filter((v) => v.served).map((v) => `${x.obj.spec.group}/${v.name}|${x.obj.spec.names.kind}`));
  for (let i = 0; i < 240; i++) {
    await kube.discover();
    if (kinds.every((k) => kube.resources.has(k))) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const names = new Set(crds.map((x) => x.obj.metadata.name));
  console.log(`${names.size - failed} of ${names.size} CRDs installed by server-side apply and Established in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return failed;
}

async function dryRun(kube, files) {
  const objs = load(files);
  await kube.discover();
  // Namespaces the objects live in must exist for a namespaced dry-run; they are created for real first.
  const namespaces = new Set();
  for (const { obj } of objs) {
    const r = kube.resource(obj.apiVersion, obj.kind);
    if (r && r.namespaced) namespaces.add((obj.metadata && obj.metadata.namespace) || 'default');
    if (obj.apiVersion === 'v1' && obj.kind === 'Namespace') namespaces.add(obj.metadata.name);
  }
  for (const ns of namespaces) await kube.ensureNamespace(ns);
  let failed = 0;
  for (const { file, obj } of objs) {
    const r = await kube.apply(obj, { dryRun: true });
    const problems = [];
    if (r.status !== 200 && r.status !== 201) problems.push(r.status ? `rejected (HTTP ${r.status}): ${message(r.body)}` : message(r.body));
    for (const w of r.warnings) problems.push(`warning: ${w}`);
    if (!problems.length) problems.push(...drift(obj.kind, obj, r.body).map((d) => `drift ${d}`));
    const label = `${id(obj)} (${path.basename(file)})`;
    if (problems.length) {
      failed++;
      for (const p of problems) console.log(`FAIL ${label}: ${p}`);
    } else {
      console.log(`OK ${label}`);
    }
  }
  console.log(`${objs.length - failed} of ${objs.length} objects accepted by server-side apply (dryRun=All, fieldValidation=Strict) with no warning and no drift`);
  return failed;
}

async function main() {
  const [cmd, ...files] = process.argv.slice(2);
  const kube = new Kube();
  let failed;
  if (cmd === 'install-crds') failed = await installCrds(kube, files);
  else if (cmd === 'dry-run') failed = await dryRun(kube, files);
  else { console.error('usage: apply-check.js install-crds|dry-run <yaml files...>'); process.exit(2); }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main().catch((e) => { console.error(e.stack || String(e)); process.exit(2); });
module.exports = { drift, load };
