#!/usr/bin/env bash
# Installs what the tests need, idempotently: each step is skipped when already done.
#   Debian packages: postgresql (a throwaway server per test run), python3.
# Needs root or sudo only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
have python3 || missing+=(python3)
have runuser || missing+=(util-linux)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    have sudo || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "install-deps: the postgresql package did not create the postgres user" >&2; exit 1
fi
echo "install-deps: ok"
