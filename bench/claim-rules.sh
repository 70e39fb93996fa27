#!/usr/bin/env bash
# Claim rules on vs off (a benchmark, not a test), on one release server with SQLite: machine
# tokens (client_credentials, c=16) and a signed-in user's tokens (refresh_token after a
# hosted sign-in, ID and access token with the user's four groups, c=16), first without rules,
# then with the four rules of docs/claim-rules.md on the pool. Rules run where tokens are
# minted; the sign-in POST itself mints none. Reports req/s, p50/p99 and the ratio.
#   bench/claim-rules.sh [seconds-per-run]   default 15
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export PORTCULLIS_DATA_DIR=$WORK/data
pc() { "$BIN" "$@" --json; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
POOL=$(pc pool create --name rules-bench | json '["id"]')
ISS="http://127.0.0.1:$PORT/$POOL"
pc resource-server create --pool "$POOL" --identifier api --name API --scope read >/dev/null
M2M=$(pc client create --pool "$POOL" --name m2m --secret --flow client_credentials --scope api/read)
M2M_AUTH="Basic $(printf '%s:%s' "$(echo "$M2M" | json '["client_id"]')" "$(echo "$M2M" | json '["client_secret"]')" | base64 -w0)"
WEB=$(pc client create --pool "$POOL" --name web --callback-url http://127.0.0.1:9/cb --scope openid --scope email)
WEB_ID=$(echo "$WEB" | json '["client_id"]')
pc user create --pool "$POOL" --username alice --email alice@bench.test --password 'Alice-Passw0rd!' >/dev/null
for g in Administrators Developers product:analytics product:reports; do
  pc group create --pool "$POOL" --name "$g" >/dev/null
  pc user add-to-group --pool "$POOL" --username alice --group "$g" >/dev/null
done
Q="client_id=$WEB_ID&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=code&scope=openid+email&state=b&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
PAGE=$(curl -s -c "$WORK/jar" "$ISS/login?$Q")
CSRF=$(echo "$PAGE" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p')
COOKIE=$(awk '$6=="portcullis_csrf"{print "portcullis_csrf=" $7}' "$WORK/jar")
LOGIN_BODY="_csrf=$CSRF&username=alice&password=Alice-Passw0rd%21"
LOC=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: $COOKIE" -d "$LOGIN_BODY" "$ISS/login?$Q")
CODE=$(echo "$LOC" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
# RFC 7636's example verifier, whose S256 challenge is in $Q.
RT=$(curl -s -d "grant_type=authorization_code&client_id=$WEB_ID&code=$CODE&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" "$ISS/oauth2/token" | json '["refresh_token"]')
cat > "$WORK/rules.json" <<'JSON'
{"claims": [
  {"name": "roles", "tokens": ["id", "access"],
   "from_groups": {"map": {"Administrators": "admin", "Developers": "developer"}, "default": ["viewer"]}},
  {"name": "entitlements", "tokens": ["id"], "from_groups": {"prefix": "product:"}},
  {"name": "org", "tokens": ["id", "access"], "from_attribute": "email"},
  {"name": "tier", "tokens": ["access"], "value": "standard"}
]}
JSON
# One wrk run: NAME URL CONNS; prints a table row, and keeps req/s in $WORK/rate.
run() {
  local name=$1 url=$2 conns=$3
  wrk -t1 -c"$conns" -d2s -s bench/post.lua "$url" >/dev/null 2>&1
  wrk -t1 -c"$conns" -d"${DUR}s" --latency -s bench/post.lua "$url" > "$WORK/wrk.txt" 2>&1
  awk -v name="$name" -v c="$conns" -v rate="$WORK/rate" '/Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /unexpected/{bad++}
    END{ printf "| %-40s | %3d | %9.0f | %8s | %8s | %s\n", name, c, r, p50, p99, (bad ? "ERRORS" : ""); print r > rate }' "$WORK/wrk.txt"
}
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) duration=${DUR}s per run"
echo "| scenario                                 |   c |     req/s |      p50 |      p99 |"
echo "|---|---|---|---|---|"
declare -A RATE
for mode in off on; do
  if [ "$mode" = on ]; then pc pool set-claim-rules --pool "$POOL" --file "$WORK/rules.json" >/dev/null; fi
  export BENCH_AUTH=$M2M_AUTH BENCH_BODY="grant_type=client_credentials&scope=api%2Fread" BENCH_COOKIE="" BENCH_EXPECT=200
  run "client_credentials, rules $mode" "$ISS/oauth2/token" 16
  RATE[cc_$mode]=$(cat "$WORK/rate")
  export BENCH_AUTH="" BENCH_BODY="grant_type=refresh_token&client_id=$WEB_ID&refresh_token=$RT" BENCH_COOKIE="" BENCH_EXPECT=200
  run "user tokens (refresh_token), rules $mode" "$ISS/oauth2/token" 16
  RATE[user_$mode]=$(cat "$WORK/rate")
done
python3 -c "print('# ratio with/without rules: client_credentials %.3f, user tokens %.3f' % (${RATE[cc_on]}/${RATE[cc_off]}, ${RATE[user_on]}/${RATE[user_off]}))"
