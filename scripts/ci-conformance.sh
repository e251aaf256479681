#!/usr/bin/env bash
# Checks every custom resource the example wrote (dist/*.k8s.yaml) against the upstream CRDs with the Kubernetes
# 1.28 API server's own CRD code (k8s.io/apiextensions-apiserver v0.28.4: pruning/strict fields, defaulting,
# OpenAPI schema validator, CEL rules, metadata), built from the Go module proxy (test/conformance/crd-check).
# A self-test first feeds it known-bad objects and requires each to fail for the expected reason, so the check
# cannot silently pass.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crds="$(bash "$root/scripts/upstream-dir.sh")/crds"
[ -d "$crds" ] || { echo "no CRD folder at $crds"; exit 1; }
files=("$root"/dist/*.k8s.yaml)
[ -e "${files[0]}" ] || { echo "no dist/*.k8s.yaml: run 'npm run example' first"; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/crd-check"
go -C "$root/test/conformance/crd-check" build -o "$bin" .

echo "--- self-test: known-bad objects must fail"
cat >"$tmp/bad.yaml" <<'EOF'
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: selftest-unknown-field
  namespace: selftest
spec:
  secretStoreRef:
    name: store
    kind: SecretStore
  target:
    name: app
  refreshIntervall: 1h
  data:
    - secretKey: password
      remoteRef:
        key: app/db
---
apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata:
  name: selftest-cel
  namespace: selftest
spec:
  selector:
    secret:
      name: app
  secretStoreRefs:
    - name: store
  dataTo:
    - storeRef:
        kind: SecretStore
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: selftest-unserved
  namespace: selftest
spec:
  secretStoreRef:
    name: store
    kind: SecretStore
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: Selftest_Bad_Name
  namespace: selftest
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
EOF
if "$bin" "$crds" "$tmp/bad.yaml" >"$tmp/bad.out" 2>&1; then
  cat "$tmp/bad.out"; echo "self-test FAILED: the known-bad objects were accepted"; exit 1
fi
for want in \
  'unknown field "spec.refreshIntervall"' \
  'spec.dataTo\[0\]: Invalid value: "object": storeRef must specify either name or labelSelector' \
  'version v1beta1 of ExternalSecret is not served' \
  'metadata.name: Invalid value: "Selftest_Bad_Name"'; do
  grep -q -- "$want" "$tmp/bad.out" || { cat "$tmp/bad.out"; echo "self-test FAILED: no error matching: $want"; exit 1; }
done
grep -q '^OK ' "$tmp/bad.out" && { cat "$tmp/bad.out"; echo "self-test FAILED: a known-bad object passed"; exit 1; }
sed 's/^/    /' "$tmp/bad.out"
echo "self-test: the 4 known-bad objects fail with the expected errors"

echo "--- self-test: valid Flux objects pass (the example has none today), built-in kinds are skipped"
cat >"$tmp/good.yaml" <<'EOF'
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: selftest-repo
  namespace: flux-system
spec:
  url: https://charts.external-secrets.io
  interval: 1h
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: selftest-release
  namespace: flux-system
spec:
  interval: 1h
  chart:
    spec:
      chart: external-secrets
      version: 2.9.0
      sourceRef:
        kind: HelmRepository
        name: selftest-repo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: selftest-skipped
  namespace: flux-system
EOF
"$bin" "$crds" "$tmp/good.yaml" || { echo "self-test FAILED: valid objects were rejected"; exit 1; }

echo "--- dist/*.k8s.yaml"
cd "$root"
"$bin" "$crds" "${files[@]#"$root"/}"
