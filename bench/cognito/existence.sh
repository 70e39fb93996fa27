#!/usr/bin/env bash
# Answer times for users that exist and users that do not (not a test):
#   bench/cognito/existence.sh [calls-per-side]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100}
. bench/cognito/prepare.sh
WORK=$(mktemp -d)
export PORTCULLIS_DATA_DIR=$WORK/data
P=$(free_port)
"$BIN" serve --listen "127.0.0.1:$P" > "$WORK/serve.log" 2>&1 & PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_up "http://127.0.0.1:$P/healthz"
read -r ID SECRET < <(access_key)
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) $N calls per side, release build, SQLite"
"$VENV/bin/python" bench/cognito/existence.py "http://127.0.0.1:$P" "$ID" "$SECRET" "$N"
