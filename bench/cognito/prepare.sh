# Sourced by the Cognito benchmarks: the benchmark venv (boto3, pycognito, moto) installed
# once per requirements.txt, and a release build of portcullis in $BIN.
VENV=${PORTCULLIS_BENCH_VENV:-bench/cognito/.venv}
want=$(sha256sum bench/cognito/requirements.txt | cut -c1-64)
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$want" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r bench/cognito/requirements.txt
  echo "$want" > "$VENV/.installed"
fi
cargo build -q --release -p portcullis
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/portcullis
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }
# Prints "ID SECRET" of a new global access key.
access_key() {
  "$BIN" access-key create --json | python3 -c 'import json,sys; k=json.load(sys.stdin); print(k["access_key_id"], k["secret_access_key"])'
}
