#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb into a temporary directory, listen on
# 127.0.0.1 only, trust auth for the one local superuser, no fsync.
#   scripts/pg.sh start   prints `export PORTCULLIS_TEST_POSTGRES_URL=...; export PORTCULLIS_PG_DIR=...`
#   scripts/pg.sh stop    stops the server in $PORTCULLIS_PG_DIR and removes the directory
set -euo pipefail

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || { echo "pg.sh: PostgreSQL server binaries not found (install the postgresql package: scripts/install-deps.sh)" >&2; exit 1; }
  echo "$d"
}

# initdb refuses to run as root: run the server as the `postgres` system user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
  start)
    bin=$(pg_bin)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(free_port)
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U portcullis --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PORTCULLIS_TEST_POSTGRES_URL=postgres://portcullis@127.0.0.1:$port/postgres"
    echo "export PORTCULLIS_PG_DIR=$dir"
    ;;
  stop)
    dir=${PORTCULLIS_PG_DIR:?PORTCULLIS_PG_DIR is not set}
    if [ -d "$dir/data" ]; then
      as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
