#!/usr/bin/env bash
# A real Vault dev server configured by the generated vault-config.sh scripts, with Kubernetes auth validating real
# ServiceAccount tokens through the real API server's TokenReview (cluster.sh env sourced).
#
#   vault-run.sh <vault binary> [<label>=]<output dir>...
#
# Every vault-config.sh under the given folders is one Vault (its folder holds policies/ and roles/): each gets a
# fresh dev server, started as the Vault chart runs it in a cluster: in a private mount namespace (unshare, so
# nothing on the machine changes) where the pod's ServiceAccount files are mounted (a token of a `vault`
# ServiceAccount bound to system:auth-delegator, the cluster CA, the namespace). Kubernetes auth then uses them as in
# the pod: the CA to trust the API server, the token as the TokenReview reviewer.
# 1. The script runs twice (idempotent). It points Kubernetes auth at the in-cluster address
#    (https://$KUBERNETES_PORT_443_TCP_ADDR:443); Vault runs outside the cluster here, so after checking what the
#    script wrote, each Kubernetes auth mount's kubernetes_host (and nothing else) is re-pointed at this API server.
#    A script that configures a PostgreSQL connection runs against a real PostgreSQL (the machine's, started here on
#    a private loopback address that the mount namespace's /etc/hosts gives the connection's host name) with a
#    random root password (never printed): Vault verifies the connection as the script asks.
# 2. For every generated role (roles/<mount>/<role>.json) and every bound namespace x name, a ServiceAccount token
#    from the TokenRequest API (with the role's audience) logs in; the Vault token must carry exactly the role's
#    policies. A ServiceAccount the role does not bind, and a token for another audience, must be refused.
# 3. For that token, every path of each policy file must allow exactly its listed capabilities, and neighbour paths
#    (a sibling and the parent) must be denied. Where the script created a database role and a policy reads its
#    credentials, the login token reads them: PostgreSQL must then accept a login with them.
# Self-test: one policy is rewritten without its first path; the check must then fail; it is restored after.
set -euo pipefail
VAULT_BIN="${1:?usage: vault-run.sh <vault binary> <output dir>...}"
shift
[ $# -gt 0 ] || { echo "usage: vault-run.sh <vault binary> <output dir>..."; exit 2; }
: "${KUBE_SERVER:?source the cluster env}"
state="$(dirname "$KUBECONFIG")"
vdir="$state/vault"; mkdir -p "$vdir/bin"
ln -sf "$VAULT_BIN" "$vdir/bin/vault"
export PATH="$vdir/bin:$PATH"
unset VAULT_NAMESPACE

# jq-like: evaluates a JavaScript expression on the JSON read from stdin (x); arrays print one item a line.
jqn() { node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{const x=JSON.parse(s);const r=(0,eval)("(x)=>("+process.argv[1]+")")(x);if(r===undefined||r===null)process.exit(1);console.log(Array.isArray(r)?r.join("\n"):String(r))})' "$1"; }
kcurl() { # <content type> <curl args...>; fails on an HTTP error, with the server's answer on stderr
  local type="$1"; shift
  curl -sS --fail-with-body --cacert "$KUBE_CA" --cert "$KUBE_CLIENT_CERT" --key "$KUBE_CLIENT_KEY" -H "Content-Type: $type" "$@" \
    >"$vdir/kcurl.out" || { cat "$vdir/kcurl.out" >&2; return 1; }
  cat "$vdir/kcurl.out"
}
kapply() { # <path> <json>: server-side apply
  kcurl application/apply-patch+yaml -X PATCH "$KUBE_SERVER$1?fieldManager=conformance&force=true" -d "$2" >/dev/null
}
ensure_ns() { kapply "/api/v1/namespaces/$1" "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$1\"}}"; }
ensure_sa() { ensure_ns "$1"; kapply "/api/v1/namespaces/$1/serviceaccounts/$2" "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"$2\",\"namespace\":\"$1\"}}"; }
sa_token() { # <ns> <name> [audience]
  local spec='{"expirationSeconds":3600}'
  if [ -n "${3:-}" ]; then spec="{\"expirationSeconds\":3600,\"audiences\":[\"$3\"]}"; fi
  kcurl application/json -X POST "$KUBE_SERVER/api/v1/namespaces/$1/serviceaccounts/$2/token" \
    -d "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":$spec}" | jqn 'x.status.token'
}
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Each argument is <label>=<folder> (or a folder, labelled by its name).
args=(); dirs=()
for a in "$@"; do case "$a" in *=*) ;; *) a="$(basename "$a")=$a" ;; esac; args+=("$a"); dirs+=("${a#*=}"); done
mapfile -t scripts < <(find "${dirs[@]}" -name vault-config.sh | sort)
[ ${#scripts[@]} -gt 0 ] || { echo "no vault-config.sh in ${dirs[*]}"; exit 1; }

# The Vault pod's ServiceAccount files, as the Vault chart creates its identity in a cluster.
ensure_sa vault vault
kapply /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/conformance-vault-auth-delegator \
  '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"conformance-vault-auth-delegator"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:auth-delegator"},"subjects":[{"kind":"ServiceAccount","name":"vault","namespace":"vault"}]}'
podsa="$vdir/serviceaccount"; mkdir -p "$podsa"
sa_token vault vault >"$podsa/token"
cp "$KUBE_CA" "$podsa/ca.crt"
printf vault >"$podsa/namespace"
cp /etc/hosts "$vdir/hosts"

# PostgreSQL for the scripts that configure a database connection: the machine's PostgreSQL server, as the postgres
# user (it refuses to run as root; setpriv execs it, so $pg_pid is the server's pid), on a private loopback address
# that the connections' host names resolve to in Vault's mount namespace.
pg_addr=127.77.0.1
pg_pid=""
mapfile -t pg_hosts < <(sed -n "s#.*plugin_name=postgresql-database-plugin connection_url='postgresql://[^@]*@\([^:/']*\):5432/.*#\1#p" "${scripts[@]}" | sort -u)
other_db="$(grep -h 'vault write database/config/' "${scripts[@]}" | grep -v 'plugin_name=postgresql-database-plugin' || true)"
[ -z "$other_db" ] || { echo "a database connection this run does not cover (only PostgreSQL): $other_db"; exit 1; }
pg=""
cleanup() {
  if [ -n "${vpid:-}" ]; then kill "$vpid" 2>/dev/null || true; fi
  if [ -n "$pg_pid" ]; then kill -INT "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; fi
  if [ -n "$pg" ]; then rm -rf "$pg"; fi
}
trap cleanup EXIT
if [ ${#pg_hosts[@]} -gt 0 ]; then
  pgbin="$( (command -v postgres || ls -d /usr/lib/postgresql/*/bin/postgres) 2>/dev/null | tail -n1)"
  [ -n "$pgbin" ] || { echo "no PostgreSQL server (scripts/install-tools.sh installs Debian's postgresql)"; exit 1; }
  pgbin="$(dirname "$(readlink -f "$pgbin")")"
  # Its own folder: the postgres user cannot enter the cluster's state folder.
  pg="$(mktemp -d)"; chown postgres "$pg"
  as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
  as_pg "$pgbin/initdb" -D "$pg/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$vdir/initdb.log" 2>&1 \
    || { cat "$vdir/initdb.log"; exit 1; }
  setpriv --reuid=postgres --regid=postgres --init-groups -- "$pgbin/postgres" -D "$pg/data" -c "listen_addresses=$pg_addr" -c port=5432 -c "unix_socket_directories=$pg" \
    >"$vdir/postgres.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 1 60); do as_pg "$pgbin/psql" -h "$pg" -U postgres -Atc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
  as_pg "$pgbin/psql" -h "$pg" -U postgres -Atc 'select 1' >/dev/null || { tail -n 5 "$vdir/postgres.log"; echo "postgresql did not start"; exit 1; }
  # The root user the scripts name (database user vault), owner of the database the connection names.
  POSTGRES_ROOT_PASSWORD="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
  export POSTGRES_ROOT_PASSWORD
  as_pg "$pgbin/psql" -h "$pg" -U postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL
CREATE ROLE vault WITH LOGIN CREATEROLE PASSWORD '$POSTGRES_ROOT_PASSWORD';
CREATE DATABASE app OWNER vault;
SQL
  for h in "${pg_hosts[@]}"; do echo "$pg_addr $h" >>"$vdir/hosts"; done
  echo "postgresql $("$pgbin/postgres" --version | awk '{print $3}') on $pg_addr:5432 for ${pg_hosts[*]}"
fi

start_vault() { # starts a fresh dev server; sets VAULT_ADDR, VAULT_TOKEN, vpid
  local port
  port="$(free_port)"
  VAULT_TOKEN="conformance-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  export VAULT_ADDR="http://127.0.0.1:$port" VAULT_TOKEN
  # unshare execs the shell, which execs vault: $vpid is the server's pid.
  unshare --mount --propagation private sh -c '
    set -e
    mount -t tmpfs tmpfs /var/run
    mkdir -p /var/run/secrets/kubernetes.io/serviceaccount
    cp "$1/token" "$1/ca.crt" "$1/namespace" /var/run/secrets/kubernetes.io/serviceaccount/
    mount --bind "$2" /etc/hosts
    shift 2
    exec "$@"' sh "$podsa" "$vdir/hosts" \
    "$VAULT_BIN" server -dev -dev-root-token-id="$VAULT_TOKEN" -dev-listen-address="127.0.0.1:$port" >"$vdir/vault.log" 2>&1 &
  vpid=$!
  for _ in $(seq 1 120); do vault status >/dev/null 2>&1 && break; sleep 0.5; done
  vault status >/dev/null || { tail -n 30 "$vdir/vault.log"; echo "vault dev server did not start"; exit 1; }
}
stop_vault() { kill "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true; vpid=""; }

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# Prints "path<TAB>cap,cap" for every path block of a policy file.
policy_paths() {
  awk '
    /^path "/ { p = $0; sub(/^path "/, "", p); sub(/".*/, "", p); next }
    p != "" && /capabilities/ { c = $0; sub(/.*\[/, "", c); sub(/\].*/, "", c); gsub(/[" ]/, "", c); print p "\t" c; p = "" }
  ' "$1"
}

# Checks one Vault token against one policy file: each path allows exactly its capabilities; neighbours denied.
check_policy() { # <token> <policy file> <label>
  local token="$1" file="$2" label="$3" name n=0 bad=0 path caps got want base sib parent other
  name="$(basename "$file" .hcl)"
  while IFS=$'\t' read -r path caps; do
    n=$((n + 1))
    # Neighbours: a sibling and the parent; for a glob (`a/b/*`, `a/b*`), outside what the glob matches.
    base="${path%\*}"; base="${base%/}"
    case "$path" in
      *\*) sib="${base%/*}/neighbour-${base##*/}" ;;
      *) sib="${path%/*}/${path##*/}-neighbour" ;;
    esac
    case "$path" in */\*) parent="$base" ;; *) parent="${base%/*}" ;; esac
    path="${path//\*/x}"; path="${path//+/x}"; sib="${sib//+/x}"; parent="${parent//+/x}"
    got="$(vault token capabilities -format=json "$token" "$path" 2>/dev/null | jqn 'x.sort().join(",")')"
    want="$(tr ',' '\n' <<<"$caps" | sort | paste -sd, -)"
    [ "$got" = "$want" ] || { fail "$label: policy $name on $path: capabilities [$got], the policy file lists [$want]"; bad=1; }
    for other in "$sib" "$parent"; do
      if grep -q "^path \"$other\"" "$file"; then continue; fi
      got="$(vault token capabilities -format=json "$token" "$other" 2>/dev/null | jqn 'x.sort().join(",")')"
      [ "$got" = "deny" ] || { fail "$label: policy $name allows the neighbour path $other: [$got]"; bad=1; }
    done
  done < <(policy_paths "$file")
  [ "$n" -gt 0 ] || { fail "$label: policy $name has no path"; return; }
  [ "$bad" = 1 ] || echo "OK $label: policy $name allows exactly its $n path(s) and denies their neighbours"
}

login() { # <mount> <role> <jwt> -> prints the Vault login JSON, or fails (Vault's error in $vdir/login.err)
  vault write -format=json "auth/$1/login" role="$2" jwt="$3" 2>"$vdir/login.err"
}
refused() { # <label> <what> <reason (regexp)> <mount> <role> <jwt>: the login must fail, for that reason
  if login "$4" "$5" "$6" >/dev/null; then fail "$1: $2 logged in"
  elif grep -Eq "$3" "$vdir/login.err"; then echo "OK $1: $2 is refused ($(grep -Eo "$3" "$vdir/login.err" | head -n1))"
  else fail "$1: $2 is refused, but not for the expected reason ($3): $(grep -v '^$' "$vdir/login.err" | tail -n1)"; fi
}

# Reads database credentials with a login token; PostgreSQL must accept them. Nothing of them is printed.
check_db_creds() { # <token> <path database/creds/<role>> <label>
  local token="$1" path="$2" label="$3" out user
  if ! out="$(VAULT_TOKEN="$token" vault read -format=json "$path" 2>"$vdir/creds.err")"; then
    fail "$label: reading $path with the role's token failed: $(head -n3 "$vdir/creds.err" | tr '\n' ' ')"; return
  fi
  user="$(jqn 'x.data.username' <<<"$out")"
  if PGPASSWORD="$(jqn 'x.data.password' <<<"$out")" PGCONNECT_TIMEOUT=10 \
    "$pgbin/psql" -h "$pg_addr" -p 5432 -U "$user" -d app -Atc 'select current_user' >/dev/null 2>"$vdir/psql.err"; then
    echo "OK $label: $path issued PostgreSQL credentials that log in"
  else
    fail "$label: PostgreSQL refused the credentials $path issued: $(head -n1 "$vdir/psql.err")"
  fi
}

# The TokenReviews the API server's audit log holds from Vault's identity, since this run started.
audit_from=$(( $(wc -l <"$state/audit.log") + 1 ))
vault_reviews() {
  tail -n "+$audit_from" "$state/audit.log" \
    | grep -c '"resource":"tokenreviews".*"username":"system:serviceaccount:vault:vault"\|"username":"system:serviceaccount:vault:vault".*"resource":"tokenreviews"' || true
}
selftest_done=0
revoked_done=0
for s in "${scripts[@]}"; do
  unit="$(dirname "$s")"
  rel="$s"
  for a in "${args[@]}"; do d="${a#*=}"; case "$s" in "${d%/}"/*) rel="${a%%=*}/${s#"${d%/}"/}" ;; esac; done
  start_vault
  for run in 1 2; do
    KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1 sh "$s" >"$vdir/config-run.log" 2>&1 \
      || { cat "$vdir/config-run.log"; stop_vault; echo "FAIL $rel (run $run)"; exit 1; }
  done
  echo "OK $rel ran twice against a real Vault ($(vault version | awk '{print $2}' | tr -d ,))"
  # Warnings Vault returned to the script's commands (deprecations and the like) are shown, not failed on.
  grep -A4 '^WARNING' "$vdir/config-run.log" | grep -v '^--$' | sed "s#^#NOTE $rel: #" || true

  # What the script configured for Kubernetes auth must be what a Vault pod needs: the in-cluster address, the
  # pod's CA and token (none given in the config). Then only the address is re-pointed at this API server.
  for m in $(vault auth list -format=json | jqn 'Object.entries(x).filter(([, v]) => v.type === "kubernetes").map(([k]) => k)'); do
    cfg="$(vault read -format=json "auth/${m}config")"
    host="$(jqn 'x.data.kubernetes_host' <<<"$cfg")"
    local_ca="$(jqn 'String(!x.data.disable_local_ca_jwt)' <<<"$cfg")"
    if [ "$host" != "https://10.96.0.1:443" ] || [ "$local_ca" != true ]; then
      fail "$rel: auth/${m}config holds kubernetes_host=$host, local CA and token used: $local_ca"
    fi
    vault write "auth/${m}config" kubernetes_host="$KUBE_SERVER" >/dev/null
  done

  while IFS= read -r rolefile; do
    role="$(basename "$rolefile" .json)"
    mount="$(basename "$(dirname "$rolefile")")"
    audience="$(jqn 'x.audience || ""' <"$rolefile")"
    policies="$(jqn 'x.token_policies.slice().sort().join(",")' <"$rolefile")"
    for ns in $(jqn 'x.bound_service_account_namespaces' <"$rolefile"); do
      for sa in $(jqn 'x.bound_service_account_names' <"$rolefile"); do
        label="${rel%/vault-config.sh}: role $mount/$role as $ns/$sa"
        [ "$ns" = "*" ] && ns=conformance-any; [ "$sa" = "*" ] && sa=conformance-any
        ensure_sa "$ns" "$sa"
        jwt="$(sa_token "$ns" "$sa" "$audience")"
        if ! out="$(login "$mount" "$role" "$jwt")"; then fail "$label: login refused"; continue; fi
        token="$(jqn 'x.auth.client_token' <<<"$out")"
        got="$(jqn 'x.auth.token_policies.filter((p) => p !== "default").sort().join(",")' <<<"$out")"
        if [ "$got" = "$policies" ]; then echo "OK $label: logged in through TokenReview, policies [$got]"
        else fail "$label: token policies [$got], the role lists [$policies]"; fi
        for p in $(jqn 'x.token_policies' <"$rolefile"); do
          f="$unit/policies/$p.hcl"
          [ -f "$f" ] || { fail "$label: no policy file for $p"; continue; }
          check_policy "$token" "$f" "$label"
          for dbrole in $(sed -n 's#^vault write database/roles/\([^ ]*\) .*#\1#p' "$s"); do
            if grep -q "^path \"database/creds/$dbrole\"" "$f"; then check_db_creds "$token" "database/creds/$dbrole" "$label"; fi
          done
          if [ "$selftest_done" = 0 ]; then
            # Self-test: the same policy without its first path must make the check fail.
            awk 'BEGIN{skip=0} /^path "/ && !done { skip=1; done=1 } skip && /^}/ { skip=0; next } !skip' "$f" >"$vdir/broken.hcl"
            vault policy write "$p" "$vdir/broken.hcl" >/dev/null
            before=$failures
            check_policy "$token" "$f" "self-test (policy $p without its first path)" >"$vdir/selftest.out"
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
        refused "$label" "an unbound ServiceAccount" 'service account name not authorized' \
          "$mount" "$role" "$(sa_token "$ns" conformance-intruder "$audience")"
        if [ "$revoked_done" = 0 ]; then
          # A token Vault cannot judge by itself: well-formed and signed, but its ServiceAccount was deleted (and
          # created again) since: only the API server's TokenReview knows it is no longer valid. (A fresh token: the
          # API server caches a successful review for 10 s.)
          old_jwt="$(sa_token "$ns" "$sa" "$audience")"
          kcurl application/json -X DELETE "$KUBE_SERVER/api/v1/namespaces/$ns/serviceaccounts/$sa" >/dev/null
          ensure_sa "$ns" "$sa"
          sleep 1 # the API server's ServiceAccount cache
          before_reviews="$(vault_reviews)"
          refused "$label" "a token of a deleted ServiceAccount" 'permission denied' "$mount" "$role" "$old_jwt"
          sleep 1 # the audit log's buffer
          [ "$(vault_reviews)" -gt "$before_reviews" ] && echo "OK $label: that refusal followed a TokenReview" \
            || fail "$label: Vault refused a token of a deleted ServiceAccount without a TokenReview"
          revoked_done=1
        fi
        if [ -n "$audience" ]; then
          refused "$label" "a token for another audience" 'invalid audience[^"]*' \
            "$mount" "$role" "$(sa_token "$ns" "$sa" conformance-wrong-audience)"
        fi
      done
    done
  done < <(find "$unit/roles" -name '*.json' | sort)
  stop_vault
done
[ "$selftest_done" = 1 ] || fail "self-test: no policy was checked, so the self-test did not run"
# The logins went through the API server: its audit log holds Vault's TokenReviews (as the vault ServiceAccount).
reviews="$(vault_reviews)"
echo "TokenReviews Vault sent to the API server: $reviews"
[ "$reviews" -gt 0 ] || fail "no TokenReview by Vault in the API server's audit log"
[ "$failures" = 0 ] || { echo "$failures Vault check(s) failed"; exit 1; }
echo "vault: ${#scripts[@]} vault-config.sh run; every generated role and policy behaves as derived"
