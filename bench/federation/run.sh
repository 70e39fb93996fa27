#!/usr/bin/env bash
# Federated sign-in benchmark (not a test): bench/federation/run.sh [sign-ins]
# Needs tests/e2e's npm packages (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p portcullis
export PORTCULLIS_BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
node bench/federation/run.mjs "${1:-100}"
