#!/usr/bin/env bash
# Installs the command-line tools the checks use, where they are missing. Idempotent.
#   cfn-lint    (PyPI)             - lints the CloudFormation templates
#   postgresql  (Debian packages)  - the server the control-plane Vault run configures database connections against
set -euo pipefail
if ! command -v cfn-lint >/dev/null 2>&1; then
  python3 -m pip install --quiet 'cfn-lint>=1.20,<2'
fi
cfn-lint --version
if ! command -v postgres >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
