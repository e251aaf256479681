#!/usr/bin/env bash
# CI check for the ESO / IRSA part of the example output (run after `npm run example`):
# every ServiceAccount role annotation in dist/*.k8s.yaml (ServiceAccount objects and the serviceAccount
# values of Argo CD / Flux installs) names a role that a template in dist/ creates, and that role's trust
# admits exactly that ServiceAccount (IRSA `:sub`). Catches trust/chart ServiceAccount mismatches.
set -euo pipefail
cd "$(dirname "$0")/.."
node - <<'EOF'
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const dist = 'dist';
const files = fs.readdirSync(dist);
const roles = new Map(); // role name -> trusted subs
for (const f of files.filter((f) => f.endsWith('.template.json'))) {
  const t = JSON.parse(fs.readFileSync(path.join(dist, f), 'utf8'));
  for (const r of Object.values(t.Resources || {})) {
    if (r.Type !== 'AWS::IAM::Role' || typeof r.Properties.RoleName !== 'string') continue;
    const subs = [];
    for (const s of r.Properties.AssumeRolePolicyDocument.Statement) {
      for (const [k, v] of Object.entries((s.Condition || {}).StringEquals || {})) if (k.endsWith(':sub')) subs.push(v);
    }
    roles.set(r.Properties.RoleName, subs);
  }
}
const problems = [];
const warnings = [];
let checked = 0;
let current = '';
function report(msg) {
  // Fail for the ESO part's files; report others' as warnings (their owners decide).
  (current.startsWith('eso-') ? problems : warnings).push(msg);
}
function check(where, ns, name, annotations) {
  const arn = (annotations || {})['eks.amazonaws.com/role-arn'];
  if (!arn) return;
  checked++;
  const roleName = arn.split(':role/')[1];
  if (!roles.has(roleName)) { report(`${where}: role ${arn} is not created by any template in dist/`); return; }
  const want = `system:serviceaccount:${ns}:${name}`;
  const subs = roles.get(roleName);
  if (!(subs.length === 1 && subs[0] === want)) report(`${where}: role ${roleName} trusts ${JSON.stringify(subs)}, expected exactly ${want}`);
}
for (const f of files.filter((f) => f.endsWith('.k8s.yaml'))) {
  current = f;
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8'))) {
    const o = doc.toJSON();
    if (!o) continue;
    if (o.kind === 'ServiceAccount') check(`${f} ServiceAccount ${o.metadata.namespace}/${o.metadata.name}`, o.metadata.namespace, o.metadata.name, o.metadata.annotations);
    const values = o.kind === 'Application' ? (o.spec.source.helm || {}).valuesObject : o.kind === 'HelmRelease' ? o.spec.values : undefined;
    const ns = o.kind === 'Application' ? o.spec.destination.namespace : o.kind === 'HelmRelease' ? (o.spec.targetNamespace || o.metadata.namespace) : undefined;
    const sa = values && values.serviceAccount;
    if (sa && sa.name) check(`${f} ${o.kind} ${o.metadata.name} values.serviceAccount`, ns, sa.name, sa.annotations);
  }
}
if (warnings.length > 0) console.warn(`ci-eso warnings:\n${warnings.join('\n')}`);
if (problems.length > 0) { console.error(problems.join('\n')); process.exit(1); }
console.log(`ci-eso: ${checked} IRSA ServiceAccount annotation(s) match the role trusts in dist/`);
EOF
