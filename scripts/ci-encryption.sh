#!/usr/bin/env bash
# Checks the EncryptionConfigurations the example wrote with the Kubernetes 1.28 API server's own
# loader and validation (k8s.io/apiserver), built from the Go module proxy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files=("$root"/dist/encryption/*.yaml)
[ -e "${files[0]}" ] || { echo "no EncryptionConfiguration in dist/encryption"; exit 1; }
go -C "$root/test/encryption/apiserver-check" run . "${files[@]}"
