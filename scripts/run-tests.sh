#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, offscreen; then the export, bundle and anonymise
# tests a second time on the portable path (PROTOREEL_PORTABLE=1: what Windows and macOS run, with
# no FIFO, poll or splice; media/oslayer.py). Extra arguments go to pytest (one run, as given).
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
[ $# -gt 0 ] && exec "${PYTEST[@]}" "$@"
status=0
"${PYTEST[@]}" || status=$?
echo "== the export, bundle and anonymise tests again, on the portable path (PROTOREEL_PORTABLE=1) =="
PROTOREEL_PORTABLE=1 "${PYTEST[@]}" "${PORTABLE_TESTS[@]}" || status=$?
exit $status
