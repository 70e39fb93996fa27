#!/usr/bin/env bash
# Cognito API sign-in benchmark (not a test): portcullis (release build) and moto_server.
#   bench/cognito/run.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-10}
. bench/cognito/prepare.sh
WORK=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export PORTCULLIS_DATA_DIR=$WORK/data
P=$(free_port); M=$(free_port)
"$BIN" serve --listen "127.0.0.1:$P" > "$WORK/serve.log" 2>&1 & PIDS+=($!); PC_PID=$!
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$M" > "$WORK/moto.log" 2>&1 & PIDS+=($!); MOTO_PID=$!
wait_up "http://127.0.0.1:$P/healthz"; wait_up "http://127.0.0.1:$M/moto-api/"
read -r ID SECRET < <(access_key)
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) ${DUR}s per run; argon2id at OWASP cost"
"$VENV/bin/python" bench/cognito/bench.py "http://127.0.0.1:$P" "$ID" "$SECRET" "$PC_PID" "http://127.0.0.1:$M" "$MOTO_PID" "$DUR"
