#!/usr/bin/env bash
# Fuzzes the SAML response and metadata parsers for a while (default 30 s):
#   scripts/fuzz.sh [seconds]
# Needs the nightly toolchain and cargo-fuzz (scripts/install-deps.sh installs both). A crash
# leaves its input in fuzz/artifacts/saml_response/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-30}
mkdir -p corpus/saml_response
cp -n seeds/* corpus/saml_response/ 2>/dev/null || true
# The golden recordings (SimpleSAMLphp's responses and their attack variants) seed it too.
cp -n ../crates/saml/tests/golden/responses/* corpus/saml_response/ 2>/dev/null || true
rm -rf artifacts/saml_response
log=$(mktemp)
status=0
cargo +nightly fuzz run saml_response corpus/saml_response -- \
  -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR)' "$log" || true
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log" >&2
  echo "fuzz: failed (inputs, if any, in fuzz/artifacts/saml_response/)" >&2
  exit 1
fi
echo "fuzz: no crash in ${secs}s"
