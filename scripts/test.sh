#!/usr/bin/env bash
# The whole suite, against SQLite and against a throw-away PostgreSQL database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL is not running; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  export LEEFWERELD_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
else
  echo "PostgreSQL could not be started: the suite fails rather than skip it" >&2
  exit 1
fi
# The end-to-end tests drive Debian's Chromium through Playwright (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is missing; installing Debian's chromium package for the browser tests"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
exec "$BIN/python" -m pytest -q -p no:cacheprovider "$@"
