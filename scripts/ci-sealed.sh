#!/usr/bin/env bash
# CI check: the real kubeseal unseals the example's SealedSecrets.
#
# For every SealedSecret in dist/ (written by `npm run example`):
#   - `kubeseal --recovery-unseal --recovery-private-key sealing-key.DEMO-ONLY.pem` must unseal it, and for the ones the
#     example makes, every value must equal the example's known demo input (compared here, never printed);
#   - the scope must bind as declared: a strict SealedSecret must fail to unseal once renamed; a namespace-wide
#     one must unseal renamed but fail once moved to another namespace; a cluster-wide one must unseal renamed
#     and moved.
# Usage: scripts/ci-sealed.sh [dist-dir]     (installs kubeseal into .tools/bin first if needed)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${1:-${ROOT}/dist}"
cd "${ROOT}"

KUBESEAL="$(bash scripts/install-kubeseal.sh | tail -n1)"
# The example seals with the demo certificate of examples/sealed-demo/, whose private key sits next to it (DEMO ONLY).
KEY="${ROOT}/examples/sealed-demo/sealing-key.DEMO-ONLY.pem"
[ -f "${KEY}" ] || { echo "error: ${KEY} not found" >&2; exit 1; }
[ -d "${DIST}" ] || { echo "error: ${DIST} not found: run 'npm run example' first" >&2; exit 1; }

KUBESEAL="${KUBESEAL}" KEY="${KEY}" DIST="${DIST}" DEMO="${ROOT}/examples/sealed-demo" SEALED_PARTIAL="${SEALED_PARTIAL:-0}" node - <<'EOF'
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const YAML = require('yaml');

const { KUBESEAL, KEY, DIST, DEMO } = process.env;
const file = (f) => fs.readFileSync(path.join(DEMO, f));
const text = (s) => Buffer.from(s, 'utf8');

// The example's demo inputs (examples/sealed.ts). Compared as bytes; never printed.
const expected = {
  'secrets-demo/ss-postgres-secret': { username: text('admin'), password: text('S3cr3tPassw0rd') },
  'production/app-secrets-sealed': { password: text('supersecret') },
  'production/app-secrets-namespace-wide': { password: text('supersecret') },
  'production/app-secrets-cluster-wide': { password: text('supersecret') },
  'default/mysecret': { dbuser: file('dbuser.txt'), dbkey: file('dbkey.txt') },
};

function yamlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : (/\.ya?ml$/.test(e.name) ? [p] : []);
  });
}

// Runs kubeseal --recovery-unseal on one object; returns the Secret, or undefined when kubeseal refuses.
// kubeseal's own messages can only contain ciphertext and names, never plaintext, but are not echoed anyway.
function unseal(obj) {
  const r = spawnSync(KUBESEAL, ['--recovery-unseal', '--recovery-private-key', KEY, '-o', 'json'], {
    input: JSON.stringify(obj), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout);
}

const failures = [];
const seen = new Set();
let count = 0;
for (const f of yamlFiles(DIST)) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
    const obj = doc.toJSON();
    if (!obj || obj.apiVersion !== 'bitnami.com/v1alpha1' || obj.kind !== 'SealedSecret') continue;
    count++;
    const id = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const where = `${path.relative(DIST, f)}: SealedSecret ${id}`;
    seen.add(id);
    const before = failures.length;
    const secret = unseal(obj);
    if (!secret) { failures.push(`${where}: kubeseal --recovery-unseal failed`); console.log(`FAIL ${where}`); continue; }
    if (secret.metadata?.name !== obj.metadata.name || secret.metadata?.namespace !== obj.metadata.namespace) {
      failures.push(`${where}: unsealed into ${secret.metadata?.namespace}/${secret.metadata?.name}`);
    }
    const want = expected[id];
    const keys = Object.keys(obj.spec.encryptedData).sort();
    if (want) {
      if (JSON.stringify(keys) !== JSON.stringify(Object.keys(want).sort())) {
        failures.push(`${where}: keys ${keys.join(',')} differ from the example's ${Object.keys(want).sort().join(',')}`);
      }
      for (const k of Object.keys(want)) {
        const got = Buffer.from(secret.data?.[k] ?? '', 'base64');
        if (!got.equals(want[k])) failures.push(`${where}: key ${k} did not unseal to the example's input`);
      }
    }
    // The scope must bind as declared.
    const ann = obj.metadata.annotations ?? {};
    const scope = ann['sealedsecrets.bitnami.com/cluster-wide'] === 'true' ? 'cluster-wide'
      : ann['sealedsecrets.bitnami.com/namespace-wide'] === 'true' ? 'namespace-wide' : 'strict';
    const variant = (name, namespace) => ({ ...obj, metadata: { ...obj.metadata, name, namespace } });
    const renamed = unseal(variant(`${obj.metadata.name}-renamed`, obj.metadata.namespace)) !== undefined;
    const moved = unseal(variant(obj.metadata.name, `${obj.metadata.namespace}-moved`)) !== undefined;
    const expectRenamed = scope !== 'strict';
    const expectMoved = scope === 'cluster-wide';
    if (renamed !== expectRenamed) failures.push(`${where}: ${scope} scope, but a renamed copy ${renamed ? 'unsealed' : 'did not unseal'}`);
    if (moved !== expectMoved) failures.push(`${where}: ${scope} scope, but a copy in another namespace ${moved ? 'unsealed' : 'did not unseal'}`);
    const ok = failures.length === before;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${where} (${scope}; ${keys.length} value(s)${want ? (ok ? ', plaintexts match' : ', problems below') : ', no known plaintext'})`);
  }
}
// SEALED_PARTIAL=1: a folder that holds only some of the example's SealedSecrets (the platform examples).
for (const id of Object.keys(expected)) {
  if (!seen.has(id) && process.env.SEALED_PARTIAL !== '1') failures.push(`SealedSecret ${id} of examples/sealed.ts is not in ${DIST}`);
}
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`kubeseal unsealed all ${count} SealedSecret(s) in ${DIST}; scopes bind as declared`);
EOF
