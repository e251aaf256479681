#!/usr/bin/env bash
# CI check: the Vault files that `npm run example` writes are what the vault CLI and server accept.
#
# For every vault/ folder in dist/ (written by VaultConfiguration):
#   - each policies/*.hcl is parsed with HCL v1 (github.com/hashicorp/hcl v1.0.0, the parser Vault's own
#     policy loader uses) and checked the way Vault's parsePaths does: only `path` blocks, only known keys,
#     known capabilities, a glob only at the end; the parsed paths and capabilities are printed;
#   - each roles/**/*.json is a JSON object with only Kubernetes-auth role parameters, non-empty bound names
#     and namespaces, and policies that exist as files beside it (or are imported by name);
#   - vault-config.sh is executable and valid POSIX sh (`sh -n`), and writes every policy and role file.
# The unit tests parse the same policies with HashiCorp's HCL2 parser (@cdktf/hcl2json); this is the
# independent, Vault-faithful second opinion.
# Usage: scripts/ci-vault.sh [dist-dir]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${1:-${ROOT}/dist}"
[ -d "${DIST}" ] || { echo "error: ${DIST} not found: run 'npm run example' first" >&2; exit 1; }

mapfile -t DIRS < <(find "${DIST}" -type f -name vault-config.sh -printf '%h\n' | sort)
[ "${#DIRS[@]}" -gt 0 ] || { echo "error: no vault-config.sh under ${DIST}" >&2; exit 1; }

TOOL="$(mktemp -d)"
trap 'rm -rf "${TOOL}"' EXIT
cat > "${TOOL}/go.mod" <<'EOF'
module vaultpolicycheck

go 1.21

require github.com/hashicorp/hcl v1.0.0
EOF
cat > "${TOOL}/main.go" <<'EOF'
// Checks Vault ACL policies the way vault/policy.go (parsePaths) does, with the same HCL v1 parser.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl"
	"github.com/hashicorp/hcl/hcl/ast"
)

var validKeys = map[string]bool{
	"policy": true, "capabilities": true, "allowed_parameters": true, "denied_parameters": true,
	"required_parameters": true, "min_wrapping_ttl": true, "max_wrapping_ttl": true, "mfa_methods": true,
	"control_group": true, "subscribe_event_types": true,
}
var validCaps = map[string]bool{
	"create": true, "read": true, "update": true, "patch": true, "delete": true, "list": true,
	"sudo": true, "deny": true, "subscribe": true, "recover": true,
}

func check(file string) (map[string][]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	root, err := hcl.Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("parse: %v", err)
	}
	list, ok := root.Node.(*ast.ObjectList)
	if !ok {
		return nil, fmt.Errorf("not an object list")
	}
	for _, item := range list.Items {
		if k := item.Keys[0].Token.Value().(string); k != "path" && k != "name" {
			return nil, fmt.Errorf("unknown top-level key %q", k)
		}
	}
	out := map[string][]string{}
	for _, item := range list.Filter("path").Items {
		if len(item.Keys) == 0 {
			return nil, fmt.Errorf("path block without a path")
		}
		path := item.Keys[0].Token.Value().(string)
		if i := strings.Index(path, "*"); i != -1 && i != len(path)-1 {
			return nil, fmt.Errorf("path %q: '*' is only allowed at the end", path)
		}
		obj, ok := item.Val.(*ast.ObjectType)
		if !ok {
			return nil, fmt.Errorf("path %q: not a block", path)
		}
		for _, f := range obj.List.Items {
			if k := f.Keys[0].Token.Value().(string); !validKeys[k] {
				return nil, fmt.Errorf("path %q: invalid key %q", path, k)
			}
		}
		var rules struct {
			Capabilities []string `hcl:"capabilities"`
		}
		if err := hcl.DecodeObject(&rules, item.Val); err != nil {
			return nil, fmt.Errorf("path %q: %v", path, err)
		}
		if len(rules.Capabilities) == 0 {
			return nil, fmt.Errorf("path %q: no capabilities", path)
		}
		for _, c := range rules.Capabilities {
			if !validCaps[c] {
				return nil, fmt.Errorf("path %q: invalid capability %q", path, c)
			}
		}
		if _, dup := out[path]; dup {
			return nil, fmt.Errorf("path %q: written twice", path)
		}
		out[path] = rules.Capabilities
	}
	return out, nil
}

func main() {
	failed := false
	files := os.Args[1:]
	sort.Strings(files)
	for _, f := range files {
		paths, err := check(f)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", f, err)
			failed = true
			continue
		}
		b, _ := json.Marshal(paths)
		fmt.Printf("ok   %s %s\n", f, b)
	}
	if failed {
		os.Exit(1)
	}
}
EOF
echo "building the HCL v1 policy checker (github.com/hashicorp/hcl v1.0.0 from the Go module proxy)"
( cd "${TOOL}" && GOFLAGS=-mod=mod go mod tidy >/dev/null && GOFLAGS=-mod=mod go build -o check . )

status=0
for dir in "${DIRS[@]}"; do
  echo "== ${dir#"${DIST}/"}"
  mapfile -t POLICIES < <(find "${dir}/policies" -type f -name '*.hcl' 2>/dev/null | sort)
  if [ "${#POLICIES[@]}" -gt 0 ]; then
    "${TOOL}/check" "${POLICIES[@]}" || status=1
  fi

  [ -x "${dir}/vault-config.sh" ] || { echo "FAIL ${dir}/vault-config.sh is not executable"; status=1; }
  sh -n "${dir}/vault-config.sh" || { echo "FAIL ${dir}/vault-config.sh: sh -n"; status=1; }

  DIR="${dir}" node - <<'EOF' || status=1
const fs = require('fs');
const path = require('path');
const dir = process.env.DIR;
const script = fs.readFileSync(path.join(dir, 'vault-config.sh'), 'utf8');
const allowed = new Set([
  'bound_service_account_names', 'bound_service_account_namespaces', 'bound_service_account_namespace_selector',
  'audience', 'alias_name_source', 'token_ttl', 'token_max_ttl', 'token_policies', 'policies', 'token_bound_cidrs',
  'token_explicit_max_ttl', 'token_no_default_policy', 'token_num_uses', 'token_period', 'token_type', 'ttl', 'max_ttl',
]);
const walk = (d) => fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]) : [];
const policyFiles = new Set(walk(path.join(dir, 'policies')).map((f) => path.basename(f, '.hcl')));
let failed = false;
const fail = (m) => { console.log(`FAIL ${m}`); failed = true; };
for (const p of policyFiles) {
  if (!script.includes(`vault policy write ${p} - <<`)) fail(`vault-config.sh does not write policy ${p}`);
}
for (const f of walk(path.join(dir, 'roles')).filter((f) => f.endsWith('.json')).sort()) {
  const rel = path.relative(path.join(dir, 'roles'), f);
  const authPath = path.dirname(rel);
  const name = path.basename(rel, '.json');
  let role;
  try { role = JSON.parse(fs.readFileSync(f, 'utf8')); } catch (e) { fail(`${rel}: not JSON (${e.message})`); continue; }
  for (const k of Object.keys(role)) if (!allowed.has(k)) fail(`${rel}: unknown Kubernetes-auth role parameter ${k}`);
  for (const k of ['bound_service_account_names', 'bound_service_account_namespaces']) {
    if (!Array.isArray(role[k]) || role[k].length === 0) fail(`${rel}: ${k} must be a non-empty list`);
  }
  for (const p of role.token_policies ?? []) {
    if (!policyFiles.has(p)) console.log(`note ${rel}: policy ${p} is not written here (imported by name)`);
  }
  if (!script.includes(`vault write auth/${authPath}/role/${name} - <<`)) fail(`vault-config.sh does not write role ${authPath}/${name}`);
  console.log(`ok   ${rel} ${JSON.stringify(role)}`);
}
process.exit(failed ? 1 : 0);
EOF
done
exit "${status}"
