#!/usr/bin/env bash
# `npm test` with the machine's clock moved ahead (default 365 days), on a fresh stack data folder;
# the clock and the data folder are put back afterwards, whatever happens.
#
# Proves the suite holds on any date: a test that compares a literal instant with the wall clock
# (directly or through a server) fails here. Every process sees the moved clock, the Go servers
# (Temporal's dev server, FerretDB) included, which LD_PRELOAD tricks such as faketime cannot reach.
# Needs root with CAP_SYS_TIME on a machine of its own; not part of `npm test`.
#
#   bash infra/test-moved-clock.sh [days] [vitest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
days=${1:-365}
shift || true
offset=$((days * 86400))

if [ "$(id -u)" != 0 ]; then echo "needs root (it sets the system clock)" >&2; exit 2; fi
node infra/stack.mjs down >/dev/null
saved=.stack/data.before-moved-clock
[ -e "$saved" ] && { echo "$saved exists: an earlier run did not finish; put it back as .stack/data first" >&2; exit 2; }
[ -e .stack/data ] && mv .stack/data "$saved"

restore() {
  local status=$?
  date -s "@$(awk -v now="$(date +%s.%N)" -v off="$offset" 'BEGIN { printf "%.6f", now - off }')" >/dev/null
  node infra/stack.mjs down >/dev/null || true
  rm -rf .stack/data
  [ -e "$saved" ] && mv "$saved" .stack/data
  echo "clock put back: $(date -u +%FT%TZ); exit $status"
  exit $status
}
trap restore EXIT INT TERM

date -s "@$(awk -v now="$(date +%s.%N)" -v off="$offset" 'BEGIN { printf "%.6f", now + off }')" >/dev/null
echo "clock moved ${days} days ahead: $(date -u +%FT%TZ)"
node infra/bootstrap.mjs test "$@"
