#!/usr/bin/env bash
# Regenerates src/imports/ from the pinned Apache-2.0 upstream CRDs, offline.
# Only served, non-deprecated API versions get types. The Vault Secrets Operator CRDs are
# BUSL-1.1: no code is generated from them (those kinds are typed by hand in src/vault/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
up="$(bash "$root/scripts/upstream-dir.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

node "$root/scripts/served-crds.js" "$work" \
  "$up/crds/external-secrets/bundle.yaml" \
  "$up/crds/sealed-secrets/bitnami.com_sealedsecrets.yaml" \
  "$up/crds/secrets-store-csi-driver/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml" \
  "$up/crds/argo-cd/application-crd.yaml" \
  "$up/crds/flux/helm.toolkit.fluxcd.io_helmreleases.yaml" \
  "$up/crds/flux/source.toolkit.fluxcd.io_helmrepositories.yaml"

rm -rf "$root/src/imports"
mkdir -p "$root/src/imports"
cd "$work"
for f in "$work"/*.yaml; do
  npx --prefix "$root" cdk8s import "$f" --no-check-upgrade --output "$root/src/imports" --language typescript >/dev/null
done
# jsii rejects properties named getXxx (they clash with Java getters). Two upstream ESO fields are
# named so (getByTitleFallback, getParameters): their TypeScript property becomes fieldGetXxx while
# the serialised JSON key stays as upstream spells it.
sed -i -E \
  -e 's/readonly get([A-Z][A-Za-z0-9]*)\?:/readonly fieldGet\1?:/' \
  -e 's/obj\.get([A-Z][A-Za-z0-9]*)\b/obj.fieldGet\1/g' \
  "$root"/src/imports/*.ts
ls "$root/src/imports"
