#!/usr/bin/env bash
# Installs the command-line tools the checks use, where they are missing. Idempotent.
#   cfn-lint  (PyPI)  - lints the CloudFormation templates
set -euo pipefail
if ! command -v cfn-lint >/dev/null 2>&1; then
  python3 -m pip install --quiet 'cfn-lint>=1.20,<2'
fi
cfn-lint --version
