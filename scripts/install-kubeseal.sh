#!/usr/bin/env bash
# Installs the real kubeseal CLI (the release matching the pinned sealed-secrets chart) into .tools/bin of this
# checkout, built from the Go module through the Go module proxy: no release download, no root, no PATH change.
# Idempotent: does nothing when .tools/bin/kubeseal already reports the pinned version.
# Usage: scripts/install-kubeseal.sh            (prints the binary's path on the last line)
set -euo pipefail

# Keep in step with Charts.SEALED_SECRETS.appVersion (src/install/charts.ts).
KUBESEAL_VERSION="0.36.6"
MODULE="github.com/bitnami-labs/sealed-secrets/cmd/kubeseal"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${ROOT}/.tools/bin"
KUBESEAL="${BIN_DIR}/kubeseal"

installed_version() {
  # `kubeseal --version` prints "kubeseal version: v0.36.6" (or "0.36.6" depending on build flags).
  "${KUBESEAL}" --version 2>/dev/null | sed -n 's/^kubeseal version: v\{0,1\}\([0-9][0-9.]*\).*$/\1/p' | head -n1
}

if [ -x "${KUBESEAL}" ] && [ "$(installed_version)" = "${KUBESEAL_VERSION}" ]; then
  echo "kubeseal ${KUBESEAL_VERSION} already installed" >&2
  echo "${KUBESEAL}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: the Go toolchain is needed to build kubeseal (https://go.dev/dl/)" >&2
  exit 1
fi

mkdir -p "${BIN_DIR}"
start=$(date +%s)
echo "building kubeseal v${KUBESEAL_VERSION} with $(go version) (first run downloads modules; takes a few minutes)" >&2
# No -X main.VERSION stamp: kubeseal then reports the version of the module Go actually built (from its build
# info), so the check below really verifies the pin instead of echoing a stamped string.
GOBIN="${BIN_DIR}" GOFLAGS="${GOFLAGS:-} -buildvcs=false" CGO_ENABLED=0 \
  go install -ldflags "-s -w" "${MODULE}@v${KUBESEAL_VERSION}"
end=$(date +%s)

if [ "$(installed_version)" != "${KUBESEAL_VERSION}" ]; then
  echo "error: ${KUBESEAL} does not report version ${KUBESEAL_VERSION} (got: $("${KUBESEAL}" --version 2>&1 | head -n1))" >&2
  exit 1
fi
echo "installed kubeseal ${KUBESEAL_VERSION} in $((end - start))s" >&2
echo "${KUBESEAL}"
