#!/usr/bin/env bash
# End-to-end tests: the real binary, Debian's Chromium, openid-client and aws-jwt-verify,
# and boto3 against the Cognito-compatible API.
# Expects scripts/install-deps.sh to have run (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p portcullis --features saml
export PORTCULLIS_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/portcullis"
cd tests/e2e
node --test --test-concurrency=1 ./*.test.mjs
for suite in cognito_boto3.py cognito_fidelity.py cognito_hooks.py cognito_migration.py; do
  "${PORTCULLIS_E2E_VENV:-$PWD/.venv}/bin/python" "$suite"
done
