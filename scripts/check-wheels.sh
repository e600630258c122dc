#!/usr/bin/env bash
# Can ProtoReel be installed (and the app built) on Windows and on Apple-silicon Macs without a
# compiler? Resolves every dependency in pyproject.toml, and the build's (packaging/
# build-requirements.txt), with `pip download --only-binary=:all:` for each platform and Python
# 3.11: only prebuilt wheels, dependencies of dependencies included. Prints what resolved per
# platform; exit 1 if anything has no wheel there. Downloads go to build/wheels/ (git-ignored).
# Usage: scripts/check-wheels.sh [PLATFORM...]   (default: win_amd64 macosx_13_0_arm64)
# macOS 13 is the oldest the pinned Qt (PySide6 6.11.3) has wheels for: macosx_11_0_arm64 fails on
# it (only PySide6 <= 6.7.3 has macOS 11 wheels), macosx_12_0_arm64 too (<= 6.9.3).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
PLATFORMS=("$@")
[ ${#PLATFORMS[@]} -gt 0 ] || PLATFORMS=(win_amd64 macosx_13_0_arm64)

mkdir -p build/wheels
"$PY" - <<'PY' > build/wheels/requirements.txt
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for line in project["dependencies"]:
    print(line)
for line in open("packaging/build-requirements.txt", encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        print(line.strip())
PY

status=0
for platform in "${PLATFORMS[@]}"; do
  dest="build/wheels/$platform"
  rm -rf "$dest"
  if "$PY" -m pip download --disable-pip-version-check -q --only-binary=:all: --platform "$platform" \
       --python-version 3.11 --implementation cp -d "$dest" -r build/wheels/requirements.txt \
       > "build/wheels/$platform.log" 2>&1; then
    count=$(ls "$dest" | wc -l)
    size=$(du -sh "$dest" | cut -f1)
    echo "$platform, Python 3.11: every dependency resolves to a wheel ($count wheels, $size)"
    ls "$dest" | sed 's/^/  /'
  else
    status=1
    echo "$platform, Python 3.11: NOT every dependency has a wheel:"
    grep -E "ERROR|No matching distribution|Could not find" "build/wheels/$platform.log" | sed 's/^/  /'
  fi
done
exit $status
