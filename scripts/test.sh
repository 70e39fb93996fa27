#!/usr/bin/env bash
# The one test entry point (README, CI): installs what the tests need, starts a throwaway
# PostgreSQL on 127.0.0.1, runs every test of every crate against SQLite and PostgreSQL,
# then the end-to-end tests (real binary, Chromium, openid-client, aws-jwt-verify), then
# 20 s of fuzzing the SAML parser, and stops the server again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop' EXIT
echo "test: PostgreSQL at ${PORTCULLIS_TEST_POSTGRES_URL}"

start=$(date +%s)
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --all-features --no-fail-fast
else
  cargo test --workspace --all-features --no-fail-fast
fi
tests/e2e/run.sh
# A short fuzzing run of the SAML response parser: no input may crash it.
scripts/fuzz.sh 20
echo "test: all tests passed in $(( $(date +%s) - start ))s"
