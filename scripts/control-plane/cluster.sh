#!/usr/bin/env bash
# Starts and stops a real Kubernetes control plane on 127.0.0.1: etcd and kube-apiserver (no kubelet, no
# controller-manager, no scheduler), with a private CA, an admin client certificate (system:masters), RBAC
# authorization and a ServiceAccount token signing key, so TokenRequest / TokenReview work.
#
#   cluster.sh start <k8s version> <state dir>   builds the binaries if absent (build.sh), starts both servers,
#                                                waits for /readyz and writes <state dir>/env (sourceable) and
#                                                <state dir>/kubeconfig
#   cluster.sh stop <state dir>                  stops the servers this script started (by their pid files)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ETCD_VERSION="${ETCD_VERSION:-3.5.9}"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

stop() {
  local dir="$1" f pid
  for f in "$dir"/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

start() {
  local version="$1" dir="$2"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local etcd apiserver
  etcd="$(bash "$here/build.sh" etcd "$ETCD_VERSION" | tail -n1)"
  apiserver="$(bash "$here/build.sh" kube-apiserver "$version" | tail -n1)"

  # Certificates: a CA, the serving certificate for 127.0.0.1, an admin client certificate, a ServiceAccount key.
  local pki="$dir/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=cdk8s-secrets-test-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )

  # Audit: the TokenRequests and TokenReviews the controllers make (the runs show which identities were used).
  cat >"$dir/audit-policy.yaml" <<'AP'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["serviceaccounts/token"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: None
AP

  local etcd_port peer_port port
  etcd_port="$(free_port)"; peer_port="$(free_port)"; port="$(free_port)"
  "$etcd" --name cp --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "cp=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn \
    >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"

  "$apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --tls-cert-file "$pki/server.crt" --tls-private-key-file "$pki/server.key" \
    --client-ca-file "$pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --authorization-mode RBAC \
    --cert-dir "$dir/certs" \
    --audit-policy-file "$dir/audit-policy.yaml" --audit-log-path "$dir/audit.log" \
    >"$dir/kube-apiserver.log" 2>&1 &
  echo $! >"$dir/kube-apiserver.pid"

  cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: local
  context: { cluster: local, user: admin }
current-context: local
KC
  cat >"$dir/env" <<ENV
export KUBE_SERVER=https://127.0.0.1:$port
export KUBE_CA=$pki/ca.crt
export KUBE_CLIENT_CERT=$pki/admin.crt
export KUBE_CLIENT_KEY=$pki/admin.key
export KUBECONFIG=$dir/kubeconfig
export KUBE_VERSION=$version
ENV
  local t0=$SECONDS
  until curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$dir/kube-apiserver.pid")" 2>/dev/null; then tail -n 30 "$dir/kube-apiserver.log"; echo "kube-apiserver exited"; exit 1; fi
    if (( SECONDS - t0 > 120 )); then tail -n 30 "$dir/kube-apiserver.log"; echo "kube-apiserver not ready after 120s"; exit 1; fi
    sleep 0.5
  done
  echo "kube-apiserver v$version ready on https://127.0.0.1:$port in $(( SECONDS - t0 ))s" >&2
}

case "${1:-}" in
  start) start "${2:?k8s version}" "${3:?state dir}" ;;
  stop) stop "${2:?state dir}" ;;
  *) echo "usage: cluster.sh start <k8s version> <state dir> | stop <state dir>" >&2; exit 2 ;;
esac
