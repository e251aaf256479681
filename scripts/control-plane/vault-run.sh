#!/usr/bin/env bash
# A real Vault dev server configured by the example's generated vault-config.sh scripts, with Kubernetes auth
# validating real ServiceAccount tokens through the real API server's TokenReview (cluster.sh env sourced).
#
#   vault-run.sh <vault binary> <dist dir>
#
# 1. Every dist/**/vault-config.sh runs twice (idempotent) against the dev server. The scripts point Kubernetes
#    auth at the in-cluster address; Vault runs outside the cluster here, so each Kubernetes auth mount is then
#    re-pointed at this API server with its CA and a reviewer token of a `vault` ServiceAccount bound to
#    system:auth-delegator (what the Vault chart sets up in a cluster).
# 2. For every generated role (dist/**/vault/roles/<mount>/<role>.json) and every bound namespace x name, a
#    ServiceAccount token from the TokenRequest API (with the role's audience) logs in; the Vault token must carry
#    exactly the role's policies. A ServiceAccount the role does not bind, and a token for the wrong audience,
#    must be refused.
# 3. With that token, every path of each policy file must allow exactly its listed capabilities, and a neighbour
#    path (a sibling and the parent) must be denied.
# Self-test: one policy is rewritten without its first path; the check must then fail; it is restored after.
set -euo pipefail
VAULT_BIN="${1:?vault binary}"
DIST="${2:?dist dir}"
: "${KUBE_SERVER:?source the cluster env}"
state="$(dirname "$KUBECONFIG")"
# jq-like: evaluates a JavaScript expression on the JSON read from stdin (x); arrays print one item a line.
jqn() { node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{const x=JSON.parse(s);const r=(0,eval)("(x)=>("+process.argv[1]+")")(x);if(r===undefined||r===null)process.exit(1);console.log(Array.isArray(r)?r.join("\n"):String(r))})' "$1"; }
kcurl() { curl -sS --cacert "$KUBE_CA" --cert "$KUBE_CLIENT_CERT" --key "$KUBE_CLIENT_KEY" -H 'Content-Type: application/json' "$@"; }
kapply() { # <path> <json>
  kcurl -X PATCH "$KUBE_SERVER$1?fieldManager=conformance&force=true" -H 'Content-Type: application/apply-patch+yaml' -d "$2" >/dev/null
}
ensure_ns() { kcurl -X POST "$KUBE_SERVER/api/v1/namespaces" -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$1\"}}" >/dev/null; }
ensure_sa() { ensure_ns "$1"; kapply "/api/v1/namespaces/$1/serviceaccounts/$2" "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"$2\",\"namespace\":\"$1\"}}"; }
sa_token() { # <ns> <name> [audience]
  local spec='{"expirationSeconds":3600}'
  [ -n "${3:-}" ] && spec="{\"expirationSeconds\":3600,\"audiences\":[\"$3\"]}"
  kcurl -X POST "$KUBE_SERVER/api/v1/namespaces/$1/serviceaccounts/$2/token" \
    -d "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":$spec}" | jqn 'x.status.token'
}

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
root_token="conformance-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
vdir="$state/vault"; mkdir -p "$vdir/bin"
ln -sf "$VAULT_BIN" "$vdir/bin/vault"
export PATH="$vdir/bin:$PATH" VAULT_ADDR="http://127.0.0.1:$port" VAULT_TOKEN="$root_token"
unset VAULT_NAMESPACE
"$VAULT_BIN" server -dev -dev-root-token-id="$root_token" -dev-listen-address="127.0.0.1:$port" >"$vdir/vault.log" 2>&1 &
vpid=$!
trap 'kill $vpid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do vault status >/dev/null 2>&1 && break; sleep 0.5; done
vault status >/dev/null || { tail -n 30 "$vdir/vault.log"; echo "vault dev server did not start"; exit 1; }
echo "vault $(vault version | head -n1) dev server on $VAULT_ADDR"

mapfile -t scripts < <(find "$DIST" -name vault-config.sh | sort)
[ ${#scripts[@]} -gt 0 ] || { echo "no vault-config.sh in $DIST"; exit 1; }
for s in "${scripts[@]}"; do
  for run in 1 2; do
    KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1 sh "$s" >"$vdir/config-run.log" 2>&1 \
      || { cat "$vdir/config-run.log"; echo "FAIL ${s#"$DIST"/} (run $run)"; exit 1; }
  done
  echo "OK ${s#"$DIST"/} ran twice against a real Vault"
done

# Vault's reviewer identity, as the Vault chart creates it in a cluster.
ensure_sa vault vault
kapply /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/conformance-vault-auth-delegator \
  '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"conformance-vault-auth-delegator"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:auth-delegator"},"subjects":[{"kind":"ServiceAccount","name":"vault","namespace":"vault"}]}'
reviewer="$(sa_token vault vault)"
for m in $(vault auth list -format=json | jqn 'Object.entries(x).filter(([, v]) => v.type === "kubernetes").map(([k]) => k)'); do
  vault write "auth/${m}config" kubernetes_host="$KUBE_SERVER" kubernetes_ca_cert=@"$KUBE_CA" \
    token_reviewer_jwt="$reviewer" disable_local_ca_jwt=true >/dev/null
done

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
policy_file() { find "$DIST" -path "*/vault/policies/$1.hcl" | head -n1; }

# Prints "path<TAB>cap,cap" for every path block of a policy file.
policy_paths() {
  awk '
    /^path "/ { p = $0; sub(/^path "/, "", p); sub(/".*/, "", p); next }
    p != "" && /capabilities/ { c = $0; sub(/.*\[/, "", c); sub(/\].*/, "", c); gsub(/[" ]/, "", c); print p "\t" c; p = "" }
  ' "$1"
}

# Checks one Vault token against one policy file: each path allows exactly its capabilities; neighbours denied.
check_policy() { # <token> <policy name> <label>
  local token="$1" name="$2" label="$3" file n=0 bad=0 path caps got sib parent
  file="$(policy_file "$name")"
  [ -n "$file" ] || { fail "$label: no policy file for $name"; return; }
  while IFS=$'\t' read -r path caps; do
    n=$((n + 1))
    path="${path//\*/x}"; path="${path//+/x}"
    got="$(vault token capabilities -format=json "$token" "$path" 2>/dev/null | jqn 'x.sort().join(",")')"
    want="$(tr ',' '\n' <<<"$caps" | sort | paste -sd, -)"
    [ "$got" = "$want" ] || { fail "$label: policy $name on $path: capabilities [$got], the policy file lists [$want]"; bad=1; }
    sib="${path%/*}/${path##*/}-neighbour"; parent="${path%/*}"
    for other in "$sib" "$parent"; do
      if grep -q "^path \"$other\"" "$file"; then continue; fi
      got="$(vault token capabilities -format=json "$token" "$other" 2>/dev/null | jqn 'x.sort().join(",")')"
      [ "$got" = "deny" ] || { fail "$label: policy $name allows the neighbour path $other: [$got]"; bad=1; }
    done
  done < <(policy_paths "$file")
  [ "$n" -gt 0 ] || { fail "$label: policy $name has no path"; return; }
  [ "$bad" = 1 ] || echo "OK $label: policy $name allows exactly its $n path(s) and denies their neighbours"
}

login() { # <mount> <role> <jwt> -> prints the Vault login JSON, or fails
  vault write -format=json "auth/$1/login" role="$2" jwt="$3" 2>/dev/null
}

selftest_done=0
while IFS= read -r rolefile; do
  role="$(basename "$rolefile" .json)"
  mount="$(basename "$(dirname "$rolefile")")"
  audience="$(jqn 'x.audience || ""' <"$rolefile")"
  policies="$(jqn 'x.token_policies.slice().sort().join(",")' <"$rolefile")"
  for ns in $(jqn 'x.bound_service_account_namespaces' <"$rolefile"); do
    for sa in $(jqn 'x.bound_service_account_names' <"$rolefile"); do
      label="role $mount/$role as $ns/$sa"
      [ "$ns" = "*" ] && ns=conformance-any; [ "$sa" = "*" ] && sa=conformance-any
      ensure_sa "$ns" "$sa"
      jwt="$(sa_token "$ns" "$sa" "$audience")"
      if ! out="$(login "$mount" "$role" "$jwt")"; then fail "$label: login refused"; continue; fi
      token="$(jqn 'x.auth.client_token' <<<"$out")"
      got="$(jqn 'x.auth.token_policies.filter((p) => p !== "default").sort().join(",")' <<<"$out")"
      [ "$got" = "$policies" ] && echo "OK $label: logged in through TokenReview, policies [$got]" \
        || fail "$label: token policies [$got], the role lists [$policies]"
      for p in $(jqn 'x.token_policies' <"$rolefile"); do
        check_policy "$token" "$p" "$label"
        if [ "$selftest_done" = 0 ]; then
          # Self-test: the same policy without its first path must make the check fail.
          f="$(policy_file "$p")"
          awk 'BEGIN{skip=0} /^path "/ && !done { skip=1; done=1 } skip && /^}/ { skip=0; next } !skip' "$f" >"$vdir/broken.hcl"
          vault policy write "$p" "$vdir/broken.hcl" >/dev/null
          before=$failures
          check_policy "$token" "$p" "self-test (policy $p without its first path)" >"$vdir/selftest.out"
          vault policy write "$p" "$f" >/dev/null
          if [ "$failures" -gt "$before" ]; then
            failures=$before; selftest_done=1
            echo "OK self-test: the check fails when policy $p loses a path: $(head -n1 "$vdir/selftest.out")"
          else
            fail "self-test: a policy without its first path passed the check"
          fi
        fi
      done
      # Refusals: a ServiceAccount the role does not bind; a token for another audience.
      ensure_sa "$ns" conformance-intruder
      if login "$mount" "$role" "$(sa_token "$ns" conformance-intruder "$audience")" >/dev/null; then
        fail "$label: a ServiceAccount the role does not bind logged in"
      else echo "OK $label: an unbound ServiceAccount is refused"; fi
      if [ -n "$audience" ]; then
        if login "$mount" "$role" "$(sa_token "$ns" "$sa" conformance-wrong-audience)" >/dev/null; then
          fail "$label: a token for another audience logged in"
        else echo "OK $label: a token for another audience is refused"; fi
      fi
    done
  done
done < <(find "$DIST" -path '*/vault/roles/*/*.json' | sort)
# The logins went through the API server: its audit log holds Vault's TokenReviews (as the vault ServiceAccount).
reviews="$(grep -c '"resource":"tokenreviews".*"username":"system:serviceaccount:vault:vault"\|"username":"system:serviceaccount:vault:vault".*"resource":"tokenreviews"' "$state/audit.log" || true)"
echo "TokenReviews Vault sent to the API server: $reviews"
[ "$reviews" -gt 0 ] || fail "no TokenReview by Vault in the API server's audit log"
[ "$failures" = 0 ] || { echo "$failures Vault check(s) failed"; exit 1; }
echo "vault: every generated role and policy behaves as derived"
