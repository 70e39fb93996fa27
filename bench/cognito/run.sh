#!/usr/bin/env bash
# Cognito API sign-in benchmark (not a test): portcullis (release build) and moto_server.
#   bench/cognito/run.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-10}
VENV=${PORTCULLIS_BENCH_VENV:-bench/cognito/.venv}
want=$(sha256sum bench/cognito/requirements.txt | cut -c1-64)
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$want" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r bench/cognito/requirements.txt
  echo "$want" > "$VENV/.installed"
fi
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
WORK=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }
export PORTCULLIS_DATA_DIR=$WORK/data
P=$(free_port); M=$(free_port)
"$BIN" serve --listen "127.0.0.1:$P" > "$WORK/serve.log" 2>&1 & PIDS+=($!); PC_PID=$!
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$M" > "$WORK/moto.log" 2>&1 & PIDS+=($!); MOTO_PID=$!
wait_up "http://127.0.0.1:$P/healthz"; wait_up "http://127.0.0.1:$M/moto-api/"
KEY=$("$BIN" access-key create --json)
ID=$(echo "$KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_key_id"])')
SECRET=$(echo "$KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret_access_key"])')
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) ${DUR}s per run; argon2id at OWASP cost"
"$VENV/bin/python" bench/cognito/bench.py "http://127.0.0.1:$P" "$ID" "$SECRET" "$PC_PID" "http://127.0.0.1:$M" "$MOTO_PID" "$DUR"
