#!/usr/bin/env bash
# CI check: the library works from Python, as the docs show it.
#   1. jsii-rosetta compiles every code example of the assembly (the README and the API docs) against the
#      assembly (--strict: one that does not compile fails) and translates them into .jsii.tabl.json;
#   2. jsii-pacmak builds the Python wheel (its docstrings carry those translations);
#   3. a venv under ~/.cache gets the wheel plus cdk8s, cdk8s-plus-28, constructs and aws-cdk-lib from PyPI, at the
#      versions this checkout's TypeScript runs with, each checked against package.json's peer range;
#   4. scripts/python-docs.ts runs the README's examples marked `run=<name>` in TypeScript and, as jsii-rosetta
#      translated them, in Python, and compares their outputs byte for byte (SealedSecrets sealed afresh: once
#      unsealed with the demo key).
# Usage: scripts/ci-python.sh            (CDK8S_SECRETS_PYTHON picks the interpreter; default python3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start )) s"; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

python="${CDK8S_SECRETS_PYTHON:-python3}"
"$python" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
  || { echo "ci-python: FAIL: $python is older than 3.9 (jsii's Python runtime needs 3.9+)"; exit 1; }
"$python" -m venv --help >/dev/null 2>&1 || { echo "ci-python: FAIL: $python has no venv module (apt-get install python3-venv)"; exit 1; }

[ -f .jsii ] || npx projen compile >/dev/null

echo "--- jsii-rosetta: compile and translate every example of the assembly (strict)"
t0=$(date +%s)
rm -f .jsii.tabl.json
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-secrets/python"
mkdir -p "$cache"
# The cache reuses a translation only while the example, its fixture and every type it references are unchanged.
npx projen rosetta:extract --cache "$cache/rosetta-cache.json" --trim-cache
node -e '
  const t = require("./.jsii.tabl.json");
  const s = Object.values(t.snippets);
  const bad = s.filter((x) => !x.didCompile);
  console.log(`jsii-rosetta: ${s.length} examples compiled and translated`);
  if (s.length === 0 || bad.length) { console.log("not compiled:", bad.map((x) => JSON.stringify(x.location))); process.exit(1); }'
echo "rosetta: $(( $(date +%s) - t0 )) s"

echo "--- jsii-pacmak: the Python wheel"
t0=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npx jsii-pacmak --target python -o "$work/packages" >"$work/pacmak.log" 2>&1 || { cat "$work/pacmak.log"; echo "ci-python: FAIL: jsii-pacmak"; exit 1; }
wheel="$(ls "$work"/packages/python/*.whl)"
echo "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB), built in $(( $(date +%s) - t0 )) s"
# Its docstrings: every example in Python, no raw TSDoc link.
"$python" - "$wheel" <<'PY'
import re, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    src = z.read("cdk8s_secrets/__init__.py").decode("utf-8")
problems = []
if "{@link" in src:
    problems.append(f"{src.count('{@link')} raw {{@link}} tags")
ts = re.findall(r"^\s*(?:const|let|new) [A-Za-z]", src, re.M)
if ts:
    problems.append(f"{len(ts)} TypeScript lines in docstrings (an example jsii-rosetta did not translate)")
if "from_issuer_url(" not in src:
    problems.append("the README's example is not in the docstrings in Python")
if problems:
    sys.exit("ci-python: FAIL: the wheel's docstrings: " + "; ".join(problems))
print("wheel docstrings: examples in Python, no {@link}")
PY

echo "--- venv: the wheel and its PyPI peers"
t0=$(date +%s)
# The peers at the versions the TypeScript side runs with (node_modules), each inside package.json's peer range.
peers="$(node -e '
  const semver = require("semver");
  const pkg = require("./package.json");
  const out = [];
  for (const [name, range] of Object.entries(pkg.peerDependencies)) {
    const v = require(`./node_modules/${name}/package.json`).version;
    if (!semver.satisfies(v, range)) { console.error(`${name}@${v} is outside the peer range ${range}`); process.exit(1); }
    out.push(`${name}==${v}`);
  }
  console.log(out.sort().join(" "));')"
echo "peers: $peers"
key="$(printf '%s %s' "$("$python" -c 'import sys; print(sys.version)')" "$peers" | sha256sum | cut -c1-16)"
venv="$cache/venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $peers
  touch "$venv/.complete"
  echo "venv: created $venv"
fi
# The wheel's own requirements (jsii runtime, typeguard, publication) come with the peers; anything missing is fetched.
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
"$venv/bin/pip" check
echo "venv ready in $(( $(date +%s) - t0 )) s"

echo "--- README examples: TypeScript vs Python"
npx ts-node --transpile-only --project scripts/tsconfig.json scripts/python-docs.ts "$work/runs" "$venv/bin/python"
echo "ci-python: the Python package runs the README's examples with output identical to TypeScript ($(elapsed))"
