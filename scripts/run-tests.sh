#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, offscreen; then the export, bundle and anonymise
# tests a second time on the portable path (PROTOREEL_PORTABLE=1: what Windows and macOS run, with
# no FIFO, poll or splice; media/oslayer.py); then the core's tests (and the team windows) a third
# time with every library on PostgreSQL. Extra arguments go to pytest (one run, as given).
# The whole suite runs on every core the machine has (PROTOREEL_TEST_WORKERS, default: all; CI's
# machines have 2). A file's tests stay on one worker (--dist loadfile): its module fixtures are
# built once, and tests that share a module's film never race each other.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider)
PORTABLE_TESTS=(
  tests/media/test_oslayer.py tests/media/test_export.py tests/media/test_conformance.py
  tests/media/test_export_producers.py tests/media/test_export_pieces.py tests/media/test_kill_exports.py
  tests/media/test_interlaced.py
  tests/app/test_export_replace.py tests/media/test_anonymise.py tests/app/test_chosen_faces.py
  tests/app/test_bundle.py tests/app/test_cli_bundle.py tests/app/test_bundle_limits.py tests/app/test_planted_links.py
)
POSTGRES_TESTS=(tests/app tests/ui/test_team_windows.py)
[ $# -gt 0 ] && exec "${PYTEST[@]}" "$@"
WORKERS="${PROTOREEL_TEST_WORKERS:-$(.venv/bin/python -c 'import os; print(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())')}"
[ "$WORKERS" -gt 1 ] && PYTEST+=(-n "$WORKERS" --dist loadfile)
status=0
took() { echo "$(( SECONDS / 60 )) min $(( SECONDS % 60 )) s"; }   # since the tests began (CI's budget)
SECONDS=0
"${PYTEST[@]}" || status=$?
echo "== the export, bundle and anonymise tests again, on the portable path (PROTOREEL_PORTABLE=1; $(took) so far) =="
PROTOREEL_PORTABLE=1 "${PYTEST[@]}" "${PORTABLE_TESTS[@]}" || status=$?

# The core's tests again with every library on PostgreSQL (a team library's database), on a
# throwaway server of its own: a private socket in a new folder, no TCP port (scripts/test-postgres.sh).
echo "== the core's tests again, on PostgreSQL (PROTOREEL_TEST_POSTGRES; $(took) so far) =="
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/protoreel-pg.XXXXXX")
  trap 'scripts/test-postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
  if server=$(scripts/test-postgres.sh start "$pgdir" 5432); then
    PROTOREEL_TEST_POSTGRES="$server" "${PYTEST[@]}" "${POSTGRES_TESTS[@]}" || status=$?
  else
    echo "run-tests: the PostgreSQL server did not start (above)" >&2
    status=1
  fi
elif [ "${CI:-}" = true ]; then
  echo "run-tests: PostgreSQL is not installed (scripts/setup.sh test installs it as root on Debian)" >&2
  status=1
else
  echo "PostgreSQL is not installed here: those tests were not run (scripts/setup.sh test installs it as root on Debian)"
fi
echo "== all tests: $(took) =="
exit $status
