#!/usr/bin/env bash
# Compares two example outputs: re-running the same program must give byte-identical files.
set -euo pipefail
a="$1"; b="$2"
report="$(mktemp)"
if diff -r -q "$a" "$b" >"$report"; then
  echo "re-synth: $(find "$b" -type f | wc -l) files, all byte-identical"
else
  echo "re-synth changed files (output must be deterministic):"; cat "$report"; exit 1
fi
