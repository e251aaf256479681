#!/usr/bin/env bash
# The packed library in a user's repo: `npm pack`, install the tarball into a scratch app outside the repo, and run
# the real CLIs on one program:
#   - `cdk8s synth` (cdk8s.yaml) writes the manifests into dist/ and no cloud assembly;
#   - `cdk synth` (cdk.json) writes the cloud assembly into cdk.out/, leaves dist/ as it was, and does not read the
#     sealing input (the variable is unset for that run);
#   - a second `cdk8s synth` leaves cdk.out/ as it was;
#   - a program with a CDK token in a plain cdk8s-plus annotation fails `cdk8s synth` and leaves dist/ as it was.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f lib/index.js ] || npx projen compile >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/cdk8s-secrets-*.tgz)"

ver() { node -p "require('$root/node_modules/$1/package.json').version"; }
app="$work/app"
mkdir -p "$app"
cd "$app"
cat > package.json <<'EOF'
{ "name": "scratch-secrets-app", "private": true, "version": "0.0.0" }
EOF
npm install --silent --no-audit --no-fund --prefer-offline "$tarball" \
  "aws-cdk-lib@$(ver aws-cdk-lib)" "cdk8s@$(ver cdk8s)" "cdk8s-plus-28@$(ver cdk8s-plus-28)" "constructs@$(ver constructs)" \
  "aws-cdk@$(ver aws-cdk)" "cdk8s-cli@$(ver cdk8s-cli)" "ts-node@$(ver ts-node)" "typescript@$(ver typescript)" "@types/node@$(ver @types/node)"

openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -out cert.pem -days 30 -subj '/CN=sealed-secret' 2>/dev/null
cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "target": "ES2020", "module": "commonjs", "strict": true, "esModuleInterop": true, "skipLibCheck": true } }
EOF
cat > main.ts <<'EOF'
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsAuth, ClusterTarget, ExternalSecret, SealedSecret, SealedValue, SealingCertificate, SecretsApp, SecretsManagerEntry,
  SecretStore, StoreProvider, WorkloadIdentity,
} from 'cdk8s-secrets';

const app = new SecretsApp();
const cluster = ClusterTarget.fromIssuerUrl(app, 'prod', { account: '111122223333', region: 'eu-west-1' },
  'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', { outdir: '.' });
const chart = cluster.addChart('shop', { namespace: 'shop' });
const entry = new SecretsManagerEntry(cluster.stack, 'Db', { secretName: 'shop/db', generateKey: 'password' });
const identity = new WorkloadIdentity(chart, 'Eso', { serviceAccountName: 'shop-eso' });
const store = new SecretStore(chart, 'Store', {
  name: 'aws', provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.serviceAccount(identity) }),
});
new ExternalSecret(chart, 'Db', { name: 'db', store, refreshInterval: cdk8s.Duration.hours(1), data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }] });
new SealedSecret(chart, 'Token', {
  name: 'token', certificate: SealingCertificate.fromPemFile('cert.pem'), values: { token: SealedValue.fromEnvironmentVariable('SHOP_TOKEN') },
});
if (process.env.WITH_TOKEN === '1') {
  const cm = new kplus.ConfigMap(chart, 'Leak', { metadata: { name: 'leak' } });
  cm.metadata.addAnnotation('stack', cluster.stack.stackId);
}
void cdk8s;
app.synth();
EOF
cat > cdk.json <<'EOF'
{ "app": "npx ts-node --transpile-only main.ts" }
EOF
cat > cdk8s.yaml <<'EOF'
language: typescript
app: npx ts-node --transpile-only main.ts
EOF

digest() { [ -d "$1" ] && (cd "$1" && find . -type f ! -name '*.lock' -print0 | sort -z | xargs -0 sha256sum | sha256sum) || echo absent; }
fail() { echo "ci-pack: $*"; exit 1; }
export CDK_DISABLE_CLI_TELEMETRY=true

echo "--- cdk8s synth"
SHOP_TOKEN=demo-token npx cdk8s synth >"$work/cdk8s.log" 2>&1 || { cat "$work/cdk8s.log"; fail "cdk8s synth failed"; }
[ -f dist/shop.k8s.yaml ] || { ls -R dist || true; fail "cdk8s synth wrote no dist/shop.k8s.yaml"; }
grep -q 'kind: ExternalSecret' dist/shop.k8s.yaml || fail "dist/shop.k8s.yaml has no ExternalSecret"
grep -q 'kind: SealedSecret' dist/shop.k8s.yaml || fail "dist/shop.k8s.yaml has no SealedSecret"
grep -q 'demo-token' -r dist && fail "the sealing input reached dist/"
[ -e cdk.out ] && fail "cdk8s synth wrote cdk.out/"
dist1="$(digest dist)"

echo "--- cdk synth (SHOP_TOKEN unset)"
env -u SHOP_TOKEN npx cdk synth --no-notices --quiet >"$work/cdk.log" 2>&1 || { cat "$work/cdk.log"; fail "cdk synth failed"; }
[ -f cdk.out/prod.template.json ] || { ls cdk.out || true; fail "cdk synth wrote no cdk.out/prod.template.json"; }
grep -q '"AWS::IAM::Role"' cdk.out/prod.template.json || fail "the template has no IAM role"
[ "$(digest dist)" = "$dist1" ] || fail "cdk synth changed dist/"
out1="$(digest cdk.out)"

echo "--- cdk8s synth again"
SHOP_TOKEN=demo-token npx cdk8s synth >"$work/cdk8s2.log" 2>&1 || { cat "$work/cdk8s2.log"; fail "second cdk8s synth failed"; }
[ "$(digest cdk.out)" = "$out1" ] || fail "cdk8s synth changed cdk.out/"

echo "--- a CDK token in a plain cdk8s-plus object"

if WITH_TOKEN=1 SHOP_TOKEN=demo-token npx cdk8s synth >"$work/token.log" 2>&1; then
  cat "$work/token.log"; fail "cdk8s synth accepted a token in a ConfigMap annotation"
fi
grep -q 'unresolved CDK token' "$work/token.log" || { cat "$work/token.log"; fail "the token error is not reported"; }
# The cdk8s CLI empties its output folder before it runs the program; the program itself must add nothing.
[ -z "$(ls -A dist 2>/dev/null)" ] || fail "a failed synth left files in dist/"

echo "--- the EKS Blueprints entry point (Blueprints is not installed in this app)"
node -e '
  const main = require("cdk8s-secrets");
  if ("SecretsPlatformAddOn" in main) throw new Error("the main entry point exports the add-on");
  if (Object.keys(require.cache).some((k) => k.includes("eks-blueprints"))) throw new Error("the main entry point loaded EKS Blueprints");
  if (typeof require("cdk8s-secrets/lib/blueprints").SecretsPlatformAddOn !== "function") throw new Error("lib/blueprints has no SecretsPlatformAddOn");
  const pkg = require("cdk8s-secrets/package.json");
  if (!pkg.peerDependencies["@aws-quickstart/eks-blueprints"] || pkg.peerDependenciesMeta["@aws-quickstart/eks-blueprints"].optional !== true) {
    throw new Error("the packed package.json does not declare EKS Blueprints as an optional peer");
  }
' || fail "the Blueprints entry point"

echo "ci-pack: the packed library works under the real cdk8s and CDK CLIs"
