#!/usr/bin/env bash
# Load benchmarks (not tests): portcullis (release build, SQLite) and node-oidc-provider, back to
# back on this machine, with wrk over loopback. Reports req/s, p50/p99 latency and the server's
# CPU-seconds per 1,000 requests (steadier than req/s when other work shares the cores).
#   bench/run.sh [seconds-per-run]        default 15
# Scenarios: client_credentials (c=2, c=16) on both servers; refresh_token and a hosted-page
# sign-in POST (argon2id at OWASP cost, session + code written) on portcullis.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}
scripts/install-deps.sh >/dev/null
if [ "$(cat bench/oidc-provider/node_modules/.installed 2>/dev/null)" != "$(sha256sum bench/oidc-provider/package-lock.json | cut -c1-64)" ]; then
  (cd bench/oidc-provider && npm ci --no-audit --no-fund --loglevel=error && sha256sum package-lock.json | cut -c1-64 > node_modules/.installed)
fi
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export PORTCULLIS_DATA_DIR=$WORK/data
pc() { "$BIN" "$@" --json; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
wait_up() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }
ticks() { awk '{sub(/^.*\) /, ""); print $12+$13}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# One wrk run: NAME URL CONNS PID; env BENCH_* for post.lua.
run() {
  local name=$1 url=$2 conns=$3 pid=$4 out=$WORK/wrk.txt
  wrk -t1 -c"$conns" -d2s -s bench/post.lua "$url" >/dev/null 2>&1   # warm-up
  local t0; t0=$(ticks "$pid")
  wrk -t1 -c"$conns" -d"${DUR}s" --latency -s bench/post.lua "$url" > "$out" 2>&1
  local t1; t1=$(ticks "$pid")
  awk -v name="$name" -v c="$conns" -v cpu="$(( t1 - t0 ))" -v hz="$HZ" '
    /Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /requests in/{n=$1} /unexpected/{bad++}
    END{ s=cpu/hz; printf "| %-34s | %3d | %9.0f | %8s | %8s | %7.2f | %7.3f | %s\n", name, c, r, p50, p99, s, (n>0 ? s*1000/n : 0), (bad ? "ERRORS" : "") }' "$out"
}

# --- portcullis -------------------------------------------------------------------------------
PORT=$(free_port)
"$BIN" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
PC_PID=$!; PIDS+=("$PC_PID")
wait_up "http://127.0.0.1:$PORT/healthz"
echo "# idle RSS of portcullis at start: $(awk '/VmRSS/{print $2 " kB"}' /proc/$PC_PID/status)"
POOL=$(pc pool create --name bench | json '["id"]')
ISS="http://127.0.0.1:$PORT/$POOL"
pc resource-server create --pool "$POOL" --identifier api --name API --scope read >/dev/null
M2M=$(pc client create --pool "$POOL" --name m2m --secret --flow client_credentials --scope api/read)
M2M_AUTH="Basic $(printf '%s:%s' "$(echo "$M2M" | json '["client_id"]')" "$(echo "$M2M" | json '["client_secret"]')" | base64 -w0)"
WEB=$(pc client create --pool "$POOL" --name web --secret --callback-url http://127.0.0.1:9/cb --scope openid --scope email)
WEB_ID=$(echo "$WEB" | json '["client_id"]')
WEB_AUTH="Basic $(printf '%s:%s' "$WEB_ID" "$(echo "$WEB" | json '["client_secret"]')" | base64 -w0)"
pc user create --pool "$POOL" --username alice --email alice@bench.test --password 'Alice-Passw0rd!' >/dev/null

# One sign-in by hand: the CSRF cookie and token, a code, a refresh token.
Q="client_id=$WEB_ID&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=code&scope=openid+email&state=b"
PAGE=$(curl -s -c "$WORK/jar" "$ISS/login?$Q")
CSRF=$(echo "$PAGE" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p')
COOKIE=$(awk '$6=="portcullis_csrf"{print "portcullis_csrf=" $7}' "$WORK/jar")
LOGIN_BODY="_csrf=$CSRF&username=alice&password=Alice-Passw0rd%21"
LOC=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: $COOKIE" -d "$LOGIN_BODY" "$ISS/login?$Q")
CODE=$(echo "$LOC" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
RT=$(curl -s -H "Authorization: $WEB_AUTH" -d "grant_type=authorization_code&code=$CODE&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb" "$ISS/oauth2/token" | json '["refresh_token"]')

alg() { python3 -c "import sys,json,base64; t=sys.stdin.read().strip(); h=json.loads(base64.urlsafe_b64decode(t.split('.')[0]+'==')); print(h['alg'])"; }
echo "# portcullis client_credentials token alg: $(curl -s -H "Authorization: $M2M_AUTH" -d grant_type=client_credentials "$ISS/oauth2/token" | json '["access_token"]' | alg)"
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) duration=${DUR}s per run"
echo "| scenario                           |   c |     req/s |      p50 |      p99 | srv CPU s | CPU-s/1k req |"
echo "|---|---|---|---|---|---|---|"
export BENCH_AUTH=$M2M_AUTH BENCH_BODY="grant_type=client_credentials&scope=api%2Fread" BENCH_COOKIE="" BENCH_EXPECT=200
run "portcullis client_credentials" "$ISS/oauth2/token" 2 "$PC_PID"
run "portcullis client_credentials" "$ISS/oauth2/token" 16 "$PC_PID"
export BENCH_AUTH=$WEB_AUTH BENCH_BODY="grant_type=refresh_token&refresh_token=$RT"
run "portcullis refresh_token (2 RS256 signs)" "$ISS/oauth2/token" 16 "$PC_PID"
export BENCH_AUTH="" BENCH_BODY=$LOGIN_BODY BENCH_COOKIE=$COOKIE BENCH_EXPECT=303
run "portcullis sign-in POST (argon2id)" "$ISS/login?$Q" 4 "$PC_PID"

# --- node-oidc-provider -----------------------------------------------------------------------
OP_PORT=$(free_port)
NODE_ENV=production PORT=$OP_PORT node bench/oidc-provider/server.mjs > "$WORK/op.log" 2>&1 &
OP_PID=$!; PIDS+=("$OP_PID")
wait_up "http://127.0.0.1:$OP_PORT/.well-known/openid-configuration"
export BENCH_AUTH="Basic $(printf 'm2m:m2m-secret' | base64 -w0)" BENCH_BODY="grant_type=client_credentials&scope=api%3Aread" BENCH_COOKIE="" BENCH_EXPECT=200
echo "# oidc-provider client_credentials token alg: $(curl -s -H "Authorization: $BENCH_AUTH" -d "$BENCH_BODY" "http://127.0.0.1:$OP_PORT/token" | json '["access_token"]' | alg)"
run "oidc-provider client_credentials" "http://127.0.0.1:$OP_PORT/token" 2 "$OP_PID"
run "oidc-provider client_credentials" "http://127.0.0.1:$OP_PORT/token" 16 "$OP_PID"
echo "# RSS of portcullis after the runs: $(awk '/VmRSS/{print $2 " kB"}' /proc/$PC_PID/status)"
