#!/usr/bin/env bash
# CI check of the command line as users get it: pack the library, install the tarball in a scratch folder outside
# the repo, then run `npx cdk8s-secrets` there:
#   - `doctor` on the test corpus (exit 1, the expected counts) and on the example's dist/ (must be clean: exit 0
#     with --fail-on warning), and SARIF output;
#   - `import` of the corpus's operator objects into a program that tsc compiles against the installed package and
#     that synthesizes back to the input objects (modulo the documented upgrades).
# Needs `npx projen compile` (lib/) and `npm run example` (dist/); runs them when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
start=$(date +%s)
[ -f lib/cli/main.js ] || npx projen compile
# The example's output (CLI_DIST overrides it, to check another synthesized folder).
dist="${CLI_DIST:-$repo/dist}"
[ -d "$dist" ] || npm run example

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" > "$work/packed.txt"
tarball="$work/$(tail -1 "$work/packed.txt")"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB) in $(( $(date +%s) - start ))s"

mkdir -p "$work/user" && cd "$work/user"
printf '{ "name": "cli-user", "version": "1.0.0", "private": true }\n' > package.json
ver() { node -p "require('$repo/package.json').devDependencies['$1']"; }
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" \
  "cdk8s@$(ver cdk8s)" "constructs@$(ver constructs)" "cdk8s-plus-28@$(ver cdk8s-plus-28)" "aws-cdk-lib@$(ver aws-cdk-lib)" \
  "typescript@$(ver typescript)" "@types/node@$(ver @types/node)"
echo "installed in $(( $(date +%s) - start ))s"

# The installed package's command, by path: npx inside the repo would find the repo's own (uninstalled) bin.
cli="$work/user/node_modules/.bin/cdk8s-secrets"
[ -x "$cli" ] || { echo "the installed package has no executable cdk8s-secrets bin"; exit 1; }
corpus="$repo/test/cli/corpus"
# 1. doctor on the corpus: findings, so exit code 1.
set +e
(cd "$corpus" && "$cli" doctor .) > doctor-corpus.txt
code=$?
set -e
tail -1 doctor-corpus.txt
[ "$code" = 1 ] || { echo "doctor on the corpus: expected exit 1, got $code"; exit 1; }
grep -q '^18 error(s), 15 warning(s), 2 suppressed; 45 object(s) and 2 template(s) in 39 file(s)' doctor-corpus.txt \
  || { echo "doctor on the corpus: unexpected summary"; exit 1; }
(cd "$corpus" && "$cli" doctor --format sarif --fail-on none .) > corpus.sarif
node -e "const l=JSON.parse(require('fs').readFileSync('corpus.sarif','utf8')); if (l.version!=='2.1.0'||l.runs[0].results.length!==35) { console.error('bad SARIF'); process.exit(1); }"

# 2. doctor on the example's own output: no error (warnings are listed).
"$cli" doctor "$dist" | tee doctor-dist.txt

# 3. import: generate, compile with tsc against the installed package, synthesize, compare.
inputs=(eso sealed-secrets vso csi reloader vault-injector plain/28-secret-committed.yaml kustomize-output)
(cd "$corpus" && "$cli" import "${inputs[@]}") > main.ts 2> import-report.txt
tail -1 import-report.txt
grep -q "^imported 34 object(s): 24 as the library's constructs (9 of them with an escape hatch), 9 as ApiObject, 1 sealed from a Secret$" import-report.txt \
  || { echo "import of the corpus: unexpected summary"; exit 1; }
if grep -E 't0p-Secret|YWRtaW4=' main.ts; then echo "import copied a Secret value into the program"; exit 1; fi
npx --no-install tsc --strict --target ES2020 --module commonjs --esModuleInterop --skipLibCheck main.ts
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ci-cli -keyout /dev/null -out sealed-secrets-cert.pem 2>/dev/null
mkdir -p secrets/default/mysecret
printf 'admin' > secrets/default/mysecret/username
printf 'from-a-file' > secrets/default/mysecret/password
node main.js
CORPUS="$corpus" INPUTS="${inputs[*]}" node - <<'JS'
const fs = require('fs');
const path = require('path');
const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s-secrets'))] }));
const walk = (p) => fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().flatMap((e) => walk(path.join(p, e))) : [p];
const read = (p) => walk(p).filter((f) => /\.ya?ml$/.test(f)).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'), { version: '1.1' }).map((d) => d.toJS()))
  .filter((o) => o && o.apiVersion && o.kind && !String(o.apiVersion).startsWith('kustomize.config.k8s.io/'));
const input = process.env.INPUTS.split(' ').flatMap((p) => read(path.join(process.env.CORPUS, p)));
const output = read('dist');
const key = (o) => `${o.kind} ${o.metadata.namespace || ''}/${o.metadata.name}`;
const out = new Map(output.map((o) => [key(o), o]));
// The installed package's own comparison: equal apart from the documented upgrades (docs/cli.md).
const { compareWithInput } = require(path.join(path.dirname(require.resolve('cdk8s-secrets')), 'cli', 'import'));
const bad = [];
for (const o of input) {
  if (o.apiVersion === 'v1' && o.kind === 'Secret' && (o.data || o.stringData)) {
    const s = out.get(`SealedSecret ${o.metadata.namespace}/${o.metadata.name}`);
    if (!s || Object.keys(s.spec.encryptedData).sort().join() !== 'password,username' || /from-a-file|admin/.test(JSON.stringify(s))) bad.push(key(o));
    continue;
  }
  const left = compareWithInput(out.get(key(o)), o);
  if (left.length > 0) bad.push(`${key(o)}: ${JSON.stringify(left)}`);
}
if (output.length !== input.length || bad.length > 0) { console.error(`round trip: ${output.length} objects out of ${input.length}; differ: ${bad.join(', ')}`); process.exit(1); }
console.log(`import round trip: ${input.length} objects synthesized back: the plain Secret sealed, the other ${input.length - 1} equivalent (documented upgrades aside)`);
JS
echo "ci-cli passed in $(( $(date +%s) - start ))s"
