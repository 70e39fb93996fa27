#!/usr/bin/env bash
# A pool of a million users (a benchmark, not a test), on one release server with SQLite:
#  - ListUsers with `username = "…"`, `email = "…"` and `email ^= "…"` filters (boto3, signed,
#    one call at a time: p50/p99 of the whole call, signing included; ListGroups alone
#    gives the floor of a signed call), against the same filters on a pool of 1,000 users;
#  - API sign-in (InitiateAuth USER_PASSWORD_AUTH, wrk c=2) in the million-user pool and in
#    the 1,000-user pool.
#   bench/scale.sh [users]   default 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DUR=${DUR:-15}
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
PY=${PORTCULLIS_E2E_VENV:-$PWD/tests/e2e/.venv}/bin/python
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export PORTCULLIS_DATA_DIR=$WORK/data
pc() { "$BIN" "$@" --json; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
users() {  # count → JSON Lines
  python3 - "$1" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"username": f"user{i:07d}", "attributes": {"email": f"user{i:07d}@bench.test"},
                      "password_hash": "$2b$04$" + "a" * 53}, separators=(",", ":")))
PY
}
BIG=$(pc pool create --name big | json '["id"]')
SMALL=$(pc pool create --name small | json '["id"]')
users "$N" > "$WORK/big.jsonl"
users 1000 > "$WORK/small.jsonl"
pc user import --pool "$BIG" "$WORK/big.jsonl" > "$WORK/import.json"
pc user import --pool "$SMALL" "$WORK/small.jsonl" > /dev/null
for p in "$BIG" "$SMALL"; do
  pc user create --pool "$p" --username alice --email alice@bench.test --password 'Alice-Passw0rd!' >/dev/null
done
KEY=$(pc access-key create)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
echo "# $(date -u +%FT%TZ) nproc=$(nproc) users=$N import: $(python3 -c "import json; s=json.load(open('$WORK/import.json')); print(s['seconds'], 's')")"
echo "| pool | call | p50 | p99 |"
echo "|---|---|---|---|"
"$PY" - "http://127.0.0.1:$PORT" "$KEY" "$BIG" "$SMALL" "$N" <<'PY'
import json, sys, time
import boto3
from botocore.config import Config
url, key, big, small, n = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                 aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"],
                 config=Config(retries={"max_attempts": 1}))
def timed(fn, runs=300):
    fn()
    t = []
    for _ in range(runs):
        s = time.perf_counter(); fn(); t.append(time.perf_counter() - s)
    t.sort()
    return t[len(t) // 2] * 1000, t[int(len(t) * 0.99)] * 1000
for pool, label, last in [(big, f"{n} users", n - 1), (small, "1,000 users", 999)]:
    calls = [
        ("ListGroups (the floor of a signed call)", lambda: c.list_groups(UserPoolId=pool, Limit=1)),
        (f'ListUsers username = "user{last:07d}"', lambda: c.list_users(UserPoolId=pool, Filter=f'username = "user{last:07d}"')),
        (f'ListUsers email = "user{last:07d}@bench.test"', lambda: c.list_users(UserPoolId=pool, Filter=f'email = "user{last:07d}@bench.test"')),
        ('ListUsers email ^= "user00005" (60 of the matches)', lambda: c.list_users(UserPoolId=pool, Filter='email ^= "user00005"', Limit=60)),
    ]
    for name, fn in calls:
        p50, p99 = timed(fn)
        print(f"| {label} | {name} | {p50:.2f} ms | {p99:.2f} ms |")
    got = c.list_users(UserPoolId=pool, Filter=f'username = "user{last:07d}"')["Users"]
    assert len(got) == 1, got
PY
# The same filters measured at the server: one request signed once (botocore), sent again
# and again by wrk, one at a time (c=1), so p50/p99 are the server's and loopback's alone.
sign() {  # pool filter → "authorization<TAB>amz-date<TAB>body"
  "$PY" - "http://127.0.0.1:$PORT" "$KEY" "$1" "$2" <<'PY'
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, key, pool, flt = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
body = json.dumps({"UserPoolId": pool, "Filter": flt, "Limit": 60})
req = AWSRequest(method="POST", url=url + "/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUsers"})
SigV4Auth(Credentials(key["access_key_id"], key["secret_access_key"]), "cognito-idp", "us-east-1").add_auth(req)
print(req.headers["Authorization"], req.headers["X-Amz-Date"], body, sep="\t")
PY
}
for pool in "$BIG" "$SMALL"; do
  label=$([ "$pool" = "$BIG" ] && echo "$N users" || echo "1,000 users")
  last=$([ "$pool" = "$BIG" ] && echo $((N - 1)) || echo 999)
  last=$(printf '%07d' "$last")
  for f in "username = \"user$last\"" "email = \"user$last@bench.test\"" 'email ^= "user00005"'; do
    IFS=$'\t' read -r BENCH_AUTH BENCH_AMZ_DATE BENCH_BODY < <(sign "$pool" "$f")
    export BENCH_AUTH BENCH_AMZ_DATE BENCH_BODY BENCH_COOKIE="" BENCH_EXPECT=200
    export BENCH_AMZ_TARGET=AWSCognitoIdentityProviderService.ListUsers
    wrk -t1 -c1 -d5s --latency -s bench/post.lua "http://127.0.0.1:$PORT/" > "$WORK/wrk.txt" 2>&1
    awk -v l="$label" -v f="$f" '/^ +50%/{p50=$2} /^ +99%/{p99=$2} /unexpected/{bad++}
      END{ printf "| %s | server: ListUsers %s (wrk c=1) | %s | %s |%s\n", l, f, p50, p99, (bad ? " ERRORS" : "") }' "$WORK/wrk.txt"
  done
done
unset BENCH_AMZ_DATE
for pool in "$BIG" "$SMALL"; do
  APP=$(pc client create --pool "$pool" --name app --auth-flow ALLOW_USER_PASSWORD_AUTH | json '["client_id"]')
  export BENCH_AUTH="" BENCH_COOKIE="" BENCH_EXPECT=200 BENCH_AMZ_TARGET=AWSCognitoIdentityProviderService.InitiateAuth
  export BENCH_BODY="{\"ClientId\":\"$APP\",\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"AuthParameters\":{\"USERNAME\":\"alice\",\"PASSWORD\":\"Alice-Passw0rd!\"}}"
  wrk -t1 -c2 -d3s -s bench/post.lua "http://127.0.0.1:$PORT/" >/dev/null 2>&1
  wrk -t1 -c2 -d"${DUR}s" --latency -s bench/post.lua "http://127.0.0.1:$PORT/" > "$WORK/wrk.txt" 2>&1
  label=$([ "$pool" = "$BIG" ] && echo "$N users" || echo "1,000 users")
  awk -v l="$label" '/Requests\/sec/{r=$2} /^ +50%/{p50=$2} /^ +99%/{p99=$2} /unexpected/{bad++}
    END{ printf "| %s | InitiateAuth USER_PASSWORD_AUTH (c=2, %s req/s) | %s | %s |%s\n", l, r, p50, p99, (bad ? " ERRORS" : "") }' "$WORK/wrk.txt"
done
