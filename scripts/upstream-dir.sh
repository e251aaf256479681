#!/usr/bin/env bash
# Prints the upstream folder, through the same resolver the tests use (scripts/upstream.ts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" && npx --no-install ts-node --transpile-only --project test/tsconfig.json scripts/upstream.ts
