#!/usr/bin/env bash
# Build the one-folder app: dist/ProtoReel/ with the executable dist/ProtoReel/protoreel (the same
# command line and window as a checkout's). PyInstaller builds for the system it runs on: run this
# on Linux, on a Mac (bash, Python 3.11+ from python.org or Homebrew) or on Windows (Git Bash, Python
# 3.11+ from python.org). A build environment of its own in build/venv; nothing is installed
# elsewhere. Usage: scripts/build-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=""
for candidate in python3.11 python3.12 python3.13 python3 python py; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=$candidate; break
  fi
done
[ -n "$PYTHON" ] || { echo "build-app: ProtoReel needs Python 3.11 or newer to build" >&2; exit 1; }

VENV=build/venv
[ -d "$VENV" ] || "$PYTHON" -m venv "$VENV"
if [ -x "$VENV/Scripts/python.exe" ]; then BPY="$VENV/Scripts/python.exe"; else BPY="$VENV/bin/python"; fi
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ packaging/build-requirements.txt -nt "$stamp" ]; then
  "$BPY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  if ! "$BPY" -m pip install -q --disable-pip-version-check . -r packaging/build-requirements.txt \
       > build/install.log 2>&1; then
    cat build/install.log >&2
    echo "build-app: installing the build's packages failed (log above, kept in build/install.log)" >&2
    exit 1
  fi
  touch "$stamp"
else  # ProtoReel's own code changes more often than its dependencies
  "$BPY" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall . > build/install.log 2>&1
fi

rm -rf dist/ProtoReel dist/ProtoReel.app
"$BPY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/protoreel.spec
exe=dist/ProtoReel/protoreel
[ -x "$exe" ] || exe=dist/ProtoReel/protoreel.exe
"$exe" --version
echo "built: dist/ProtoReel ($(du -sh dist/ProtoReel | cut -f1)); run $exe"
