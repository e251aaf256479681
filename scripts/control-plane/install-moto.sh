#!/usr/bin/env bash
# Installs moto's server mode (the AWS emulator the ESO run uses) from PyPI, where missing. Idempotent.
set -euo pipefail
if ! python3 -c 'import moto.server, flask, boto3, yaml, moto; assert moto.__version__.startswith("5.")' >/dev/null 2>&1; then
  python3 -m pip install --quiet 'moto[server]>=5.2,<5.3'
fi
python3 -c 'import moto; print("moto", moto.__version__)'
