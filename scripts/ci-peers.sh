#!/usr/bin/env bash
# CI check: the library works, without a deprecation or a warning of its own, with both the lowest and the
# newest versions of each peer dependency that package.json allows (aws-cdk-lib, cdk8s, cdk8s-plus-28,
# constructs).
#
# For each set it installs the peers into a scratch folder (the other packages are the checkout's own, linked),
# copies the checkout's files beside them, and runs the example program (every subsystem, both worlds)
# with JSII_DEPRECATED=fail, so a deprecated aws-cdk-lib API used by the library throws. Any line on stderr
# that mentions a deprecation or a warning fails the check too.
# Usage: scripts/ci-peers.sh            (needs the npm registry for the peer versions not yet in the npm cache)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"
[ -d node_modules ] || { echo "error: run npm ci first" >&2; exit 1; }

# The peer ranges, from package.json; the lowest version is the range's floor, the newest the registry's newest match.
mapfile -t PEERS < <(node -e '
  const p = require("./package.json").peerDependencies;
  for (const [n, r] of Object.entries(p).sort()) console.log(`${n} ${r}`);
')
lowest=()
newest=()
for line in "${PEERS[@]}"; do
  name="${line%% *}"; range="${line#* }"
  floor="$(node -e 'const r=process.argv[1]; const m=/(\d+\.\d+\.\d+)/.exec(r); if(!m) process.exit(1); console.log(m[1])' "${range}")"
  top="$(npm view "${name}@${range}" version --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = [].concat(JSON.parse(s)).filter((x) => !x.includes("-"));
      const key = (x) => x.split(".").map(Number);
      v.sort((a, b) => { const p = key(a), q = key(b); return p[0] - q[0] || p[1] - q[1] || p[2] - q[2]; });
      console.log(v[v.length - 1]);
    });')"
  lowest+=("${name}@${floor}")
  newest+=("${name}@${top}")
done
# aws-cdk-lib's own peer range on constructs can be narrower than ours: the newest set takes what it needs.

run_set() {
  local label="$1"; shift
  local scratch; scratch="$(mktemp -d)"
  trap 'rm -rf "${scratch}"' RETURN
  echo "--- ${label}: $*"
  mkdir -p "${scratch}/peers"
  (cd "${scratch}/peers" && echo '{"private":true}' > package.json \
    && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$@" >/dev/null)
  # The checkout's packages, linked; the peers replaced by the installed versions.
  mkdir -p "${scratch}/app/node_modules"
  for entry in node_modules/* node_modules/@*/*; do
    case "${entry}" in node_modules/@*) [ -d "${entry}" ] || continue ;; esac
    local rel="${entry#node_modules/}"
    case "${rel}" in @*/*) mkdir -p "${scratch}/app/node_modules/${rel%%/*}" ;; @*) continue ;; esac
    ln -s "${ROOT}/${entry}" "${scratch}/app/node_modules/${rel}"
  done
  for spec in "$@"; do
    local name="${spec%@*}"
    rm -f "${scratch}/app/node_modules/${name}"
    ln -s "${scratch}/peers/node_modules/${name}" "${scratch}/app/node_modules/${name}"
  done
  # constructs must be one copy: aws-cdk-lib and cdk8s resolve it from the peers folder, so does the library.
  rm -f "${scratch}/app/node_modules/constructs"
  ln -s "${scratch}/peers/node_modules/constructs" "${scratch}/app/node_modules/constructs"
  # The checkout's files (tracked and new, not ignored): the example reads fixtures beside src/.
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "${scratch}/app"
  local versions
  versions="$(cd "${scratch}/app" && node -e '
    for (const n of ["aws-cdk-lib","cdk8s","cdk8s-plus-28","constructs"]) process.stdout.write(`${n}@${require(n+"/package.json").version} `);
  ')"
  echo "    resolved: ${versions}"
  local upstream=""
  upstream="$(npx --no-install ts-node --transpile-only --project test/tsconfig.json scripts/upstream.ts 2>/dev/null | tail -n1 || true)"
  local err="${scratch}/stderr"
  if ! (cd "${scratch}/app" && CDK8S_SECRETS_UPSTREAM="${upstream}" JSII_DEPRECATED=fail \
        node -r ts-node/register/transpile-only examples/main.ts > "${scratch}/stdout" 2> "${err}"); then
    echo "FAIL ${label}: the example program failed"; sed -e 's/^/    /' "${err}" | head -40; return 1
  fi
  if grep -Eiq 'deprecat' "${err}"; then
    echo "FAIL ${label}: deprecation output"; grep -Ei 'deprecat' "${err}" | sort -u | sed -e 's/^/    /' | head -20; return 1
  fi
  # The example's own posture warnings (secrets in env vars, ...) are intended; any other warning line, or one
  # that only one peer set prints, is not.
  grep -Ei 'warn' "${err}" | sort -u > "${WARNINGS}/${label// /-}"
  echo "ok  ${label}: $(grep -c '^  ' "${scratch}/stdout" || true) files synthesized, no deprecation, $(wc -l < "${WARNINGS}/${label// /-}") warning line(s)"
}

WARNINGS="$(mktemp -d)"
trap 'rm -rf "${WARNINGS}"' EXIT

status=0
run_set "lowest peers" "${lowest[@]}" || status=1
run_set "newest peers" "${newest[@]}" || status=1
if [ "${status}" = 0 ] && ! diff -u "${WARNINGS}/lowest-peers" "${WARNINGS}/newest-peers" > "${WARNINGS}/diff"; then
  echo "FAIL: the peer sets print different warnings (a peer release warns about something the library does):"
  sed -e 's/^/    /' "${WARNINGS}/diff" | head -30
  status=1
fi
exit "${status}"
