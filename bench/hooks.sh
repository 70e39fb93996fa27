#!/usr/bin/env bash
# What a hook costs (a benchmark, not a test), on one release server with SQLite and a
# loopback receiver (bench/hook-receiver.mjs, Node, answering at once):
#  - machine tokens (client_credentials, c=16) without a hook and with a V3_0
#    PreTokenGeneration hook; user tokens (refresh_token, c=16) without and with V2_0;
#  - InitiateAuth USER_PASSWORD_AUTH one at a time (c=1, so p50/p99 are one request's
#    latency) with no hook, then each of PreAuthentication, PostAuthentication and
#    PreTokenGeneration alone, then all three: the difference to "none" is what that
#    trigger adds (the sign-in itself is dominated by the argon2id check).
#   bench/hooks.sh [seconds-per-run]   default 15
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
WORK=$(mktemp -d)
PID="" HOOK_PID=""
cleanup() { for p in $PID $HOOK_PID; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export PORTCULLIS_DATA_DIR=$WORK/data PORTCULLIS_UPSTREAM_ALLOW_PRIVATE=true
pc() { "$BIN" "$@" --json; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
node bench/hook-receiver.mjs > "$WORK/hook.port" &
HOOK_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/hook.port" ] && break; sleep 0.05; done
HOOK="http://127.0.0.1:$(head -1 "$WORK/hook.port")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
POOL=$(pc pool create --name hooks-bench | json '["id"]')
ISS="http://127.0.0.1:$PORT/$POOL"
pc resource-server create --pool "$POOL" --identifier api --name API --scope read >/dev/null
M2M=$(pc client create --pool "$POOL" --name m2m --secret --flow client_credentials --scope api/read)
M2M_AUTH="Basic $(printf '%s:%s' "$(echo "$M2M" | json '["client_id"]')" "$(echo "$M2M" | json '["client_secret"]')" | base64 -w0)"
APP=$(pc client create --pool "$POOL" --name app --auth-flow ALLOW_USER_PASSWORD_AUTH --auth-flow ALLOW_REFRESH_TOKEN_AUTH | json '["client_id"]')
pc user create --pool "$POOL" --username alice --email alice@bench.test --password 'Alice-Passw0rd!' >/dev/null
LOGIN="{\"ClientId\":\"$APP\",\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"AuthParameters\":{\"USERNAME\":\"alice\",\"PASSWORD\":\"Alice-Passw0rd!\"}}"
RT=$(curl -s -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
  -d "$LOGIN" "http://127.0.0.1:$PORT/" | json '["AuthenticationResult"]["RefreshToken"]')
hooks() {  # set exactly the triggers named (none: clear them all)
  for t in PreAuthentication PostAuthentication PreTokenGeneration; do
    pc pool set-hook --pool "$POOL" --trigger "$t" --clear >/dev/null
  done
  for t in "$@"; do
    local v=(); [ "$t" = PreTokenGeneration ] && v=(--version "${VERSION:-V2_0}")
    pc pool set-hook --pool "$POOL" --trigger "$t" --url "$HOOK/$t" "${v[@]}" >/dev/null
  done
}
run() {
  local name=$1 url=$2 conns=$3
  wrk -t1 -c"$conns" -d2s -s bench/post.lua "$url" >/dev/null 2>&1
  wrk -t1 -c"$conns" -d"${DUR}s" --latency -s bench/post.lua "$url" > "$WORK/wrk.txt" 2>&1
  awk -v name="$name" -v c="$conns" '/Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /unexpected/{bad++}
    END{ printf "| %-52s | %3d | %9.0f | %8s | %8s | %s\n", name, c, r, p50, p99, (bad ? "ERRORS" : "") }' "$WORK/wrk.txt"
}
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) duration=${DUR}s per run"
echo "| scenario                                             |   c |     req/s |      p50 |      p99 |"
echo "|---|---|---|---|---|"
export BENCH_AMZ_TARGET="" BENCH_COOKIE="" BENCH_EXPECT=200
for mode in none PreTokenGeneration; do
  if [ $mode = none ]; then hooks; else VERSION=V3_0 hooks PreTokenGeneration; fi
  BENCH_AUTH=$M2M_AUTH BENCH_BODY="grant_type=client_credentials&scope=api%2Fread" \
    run "client_credentials, hook: $mode" "$ISS/oauth2/token" 16
  BENCH_AUTH="" BENCH_BODY="grant_type=refresh_token&client_id=$APP&refresh_token=$RT" \
    run "user tokens (refresh_token), hook: $mode" "$ISS/oauth2/token" 16
done
export BENCH_AUTH="" BENCH_AMZ_TARGET=AWSCognitoIdentityProviderService.InitiateAuth BENCH_BODY="$LOGIN"
for set in "" PreAuthentication PostAuthentication PreTokenGeneration "PreAuthentication PostAuthentication PreTokenGeneration"; do
  # shellcheck disable=SC2086
  hooks $set
  run "InitiateAuth password, hooks: ${set:-none}" "http://127.0.0.1:$PORT/" 1
done
grep -c '"hook failed"' "$WORK/serve.log" | sed 's/^/# hook failures logged: /'
