#!/usr/bin/env bash
# Installs what the tests need, idempotently: each step is skipped when already done.
#   Debian packages: postgresql (a throwaway server per test run), python3, chromium and
#   nodejs/npm (the end-to-end tests), wrk (benchmarks), the SAML build's libxmlsec1 and
#   libclang, and SimpleSAMLphp with PHP (the SAML end-to-end tests); the nightly toolchain
#   and cargo-fuzz (the SAML parser's fuzz target).
#   npm packages of tests/e2e (openid-client, aws-jwt-verify, playwright-core), from its lock file;
#   Python packages of tests/e2e (boto3) in tests/e2e/.venv.
# Needs root or sudo only when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
have python3 || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
have runuser || missing+=(util-linux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have wrk || missing+=(wrk)
# Building the SAML feature: samael binds libxmlsec1 through bindgen (libclang).
pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
for p in pkg-config libclang-dev libxml2-dev libxmlsec1-dev libssl-dev openssl; do pkg "$p" || missing+=("$p"); done
# The SAML end-to-end tests' IdP: SimpleSAMLphp under `php -S`, installed apart below.
ssp_missing=()
for p in php-cli php-cgi php-xml php-mbstring simplesamlphp; do pkg "$p" || ssp_missing+=("$p"); done

# apt_install OPTION... -- PACKAGE...: installs as root, or through sudo.
apt_install() {
  local opts=() SUDO=
  while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
  if [ "$(id -u)" -ne 0 ]; then
    have sudo || { echo "install-deps: need root or sudo to install: $*" >&2; exit 1; }
    SUDO=sudo
  fi
  echo "install-deps: installing $*"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${opts[@]}" "$@" >/dev/null
}
[ ${#missing[@]} -eq 0 ] || apt_install -- "${missing[@]}"
# Without recommends, and with php-cgi satisfying PHP's server dependency, no Apache comes
# along to listen on port 80.
[ ${#ssp_missing[@]} -eq 0 ] || apt_install --no-install-recommends -- "${ssp_missing[@]}"
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "install-deps: the postgresql package did not create the postgres user" >&2; exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "install-deps: Node.js >= 20 is required (found $(node --version))" >&2; exit 1; }

# The fuzz target (scripts/fuzz.sh) builds with cargo-fuzz on the nightly toolchain.
rustup run nightly rustc --version >/dev/null 2>&1 || {
  echo "install-deps: rustup toolchain install nightly"
  rustup toolchain install nightly --profile minimal >/dev/null
}
have cargo-fuzz || {
  echo "install-deps: cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
}

# npm packages for the end-to-end tests, skipped while node_modules matches the lock file.
e2e=tests/e2e
want=$(cat "$e2e/package.json" "$e2e/package-lock.json" | sha256sum | cut -c1-64)
if [ "$(cat "$e2e/node_modules/.installed" 2>/dev/null)" != "$want" ]; then
  echo "install-deps: npm ci in $e2e"
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$e2e/node_modules/.installed"
fi
# Python packages for the end-to-end tests (boto3), in a venv beside them.
venv=${PORTCULLIS_E2E_VENV:-$e2e/.venv}
want=$(sha256sum "$e2e/requirements.txt" | cut -c1-64)
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]; then
  echo "install-deps: pip install into $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$e2e/requirements.txt"
  echo "$want" > "$venv/.installed"
fi
echo "install-deps: ok"
