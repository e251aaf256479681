#!/usr/bin/env bash
# CI check: no breaking change to the public API. jsii-diff compares the compiled assembly (.jsii) with the committed
# baseline (compat/baseline.jsii.gz, written by `npx projen compat:baseline`); a removed or incompatibly changed stable API
# fails. Intentional breaks: move the baseline on purpose, or list the key jsii-diff printed in .compatignore with a
# reason (docs/compatibility.md). Also `npx projen compat`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')"
[ -f compat/baseline.jsii.gz ] || { echo "ci-compat: FAIL: compat/baseline.jsii.gz is missing (npx projen compat:baseline)"; exit 1; }
[ -f .jsii ] || npx projen compile >/dev/null

# jsii-diff loads an assembly with its dependencies from a package folder: give the baseline one (a .jsii that
# redirects to the gzipped assembly), beside this checkout's node_modules (the dependencies' assemblies).
base="$(mktemp -d)"
trap 'rm -rf "$base"' EXIT
cp compat/baseline.jsii.gz "$base/.jsii.gz"
echo '{ "schema": "jsii/file-redirect", "compression": "gzip", "filename": ".jsii.gz" }' > "$base/.jsii"
ln -s "$root/node_modules" "$base/node_modules"
node -e '
  const pkg = require("./package.json");
  require("fs").writeFileSync(process.argv[1] + "/package.json",
    JSON.stringify({ name: pkg.name, version: pkg.version, jsii: pkg.jsii, peerDependencies: pkg.peerDependencies }));' "$base"

rc=0
npx jsii-diff "$base" . --keys --ignore-file .compatignore >"$base/diff.log" 2>&1 || rc=$?
grep -v '^!!' "$base/diff.log" || true
if [ "$rc" -ne 0 ]; then
  echo "ci-compat: FAIL: breaking API changes against compat/baseline.jsii.gz (above). If intended: docs/compatibility.md"
  exit 1
fi
echo "ci-compat: the public API is compatible with compat/baseline.jsii.gz"
