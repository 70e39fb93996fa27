#!/usr/bin/env bash
# SAML response verification benchmark (not a test): bench/saml/run.sh [iterations] [--json]
# Verifies each golden recording of crates/saml/tests/golden (SimpleSAMLphp's signed,
# encrypted, and signed-then-encrypted responses, and two refusals) in a release build.
# Needs the SAML system libraries (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q --release -p portcullis-saml --example verify -- "$@"
