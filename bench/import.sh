#!/usr/bin/env bash
# Importing and exporting a million users (a benchmark, not a test): a JSON Lines file of
# N users with bcrypt hashes (a few distinct hashes cycled: the import never hashes), a
# group for one in ten, imported with the release CLI into SQLite and into PostgreSQL
# (scripts/pg.sh), then exported with hashes. Reports wall time, rows/s and peak RSS
# (/usr/bin/time), and checks the counts.
#   bench/import.sh [users]   default 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; [ -n "${PG_STARTED:-}" ] && scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
python3 - "$N" > "$WORK/users.jsonl" <<'PY'
import json, sys
# bcrypt("Bench-pass1", cost 10) made once; the import stores hashes as they are.
hashes = ["$2b$10$KJ3l0yUZdmm1uFd8S1rQ4Oq3F2gKQqzM0J9k5L5X6cY1Yb1w3m7Ba",
          "$2b$10$7EqJtq98hPqEX7fNZaFWoOHiA4e5Z8k5i0y7pQ8fQf0X1C3e2W5mG"]
out = sys.stdout
for i in range(int(sys.argv[1])):
    rec = {"username": f"user{i:07d}", "enabled": True, "status": "CONFIRMED",
           "attributes": {"email": f"user{i:07d}@bench.test", "email_verified": "true", "given_name": f"U{i}"},
           "groups": ["product:analytics"] if i % 10 == 0 else [],
           "password_hash": hashes[i % 2]}
    out.write(json.dumps(rec, separators=(",", ":")) + "\n")
PY
echo "# $(date -u +%FT%TZ) nproc=$(nproc) users=$N file=$(du -h "$WORK/users.jsonl" | cut -f1)"
echo "| backend | step | seconds | rows/s | peak RSS |"
echo "|---|---|---|---|---|"
measure() {  # backend step command…
  local backend=$1 step=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out.json"
  read -r secs kib < "$WORK/time"
  printf '| %s | %s | %s | %.0f | %d MB |\n' "$backend" "$step" "$secs" "$(echo "$N / $secs" | bc -l)" "$((kib / 1024))"
}
run_backend() {
  local backend=$1
  export PORTCULLIS_DATA_DIR=$WORK/data-$backend
  local pool
  pool=$("$BIN" pool create --name "import-bench" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  measure "$backend" import "$BIN" user import --pool "$pool" "$WORK/users.jsonl" --json
  python3 -c "import json; s=json.load(open('$WORK/out.json')); assert s['created'] == $N and s['failed'] == 0, s"
  measure "$backend" "re-import (all skipped)" "$BIN" user import --pool "$pool" "$WORK/users.jsonl" --json
  measure "$backend" "export --with-hashes" "$BIN" user export --pool "$pool" --with-hashes --output "$WORK/export.jsonl" --json
  [ "$(wc -l < "$WORK/export.jsonl")" -eq "$N" ] || { echo "export has the wrong count"; exit 1; }
}
unset PORTCULLIS_DATABASE_URL
run_backend sqlite
if command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/*/bin/initdb ]; then
  eval "$(scripts/pg.sh start)"; PG_STARTED=1
  export PORTCULLIS_DATABASE_URL=$PORTCULLIS_TEST_POSTGRES_URL
  run_backend postgres
fi
