#!/usr/bin/env bash
# CI check: the platform examples (examples/platform/seed-000.ts ... seed-004.ts) synthesize from the repo alone, and
# the real kubeseal unseals every SealedSecret they seal, with the scopes binding as declared (scripts/ci-sealed.sh
# on their output). Their objects also go through the API server checks of scripts/ci-control-plane.sh; the schema
# harness, cfn-lint and the posture rules run on them in test/platform/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"
OUT="$(mktemp -d)"
trap 'rm -rf "${OUT}"' EXIT
npx ts-node --project scripts/tsconfig.json scripts/synth-platform-examples.ts "${OUT}"
count=$(find "${OUT}" -name '*.k8s.yaml' | wc -l)
echo "ci-platform: ${count} manifest files from the platform examples"
SEALED_PARTIAL=1 bash scripts/ci-sealed.sh "${OUT}"
