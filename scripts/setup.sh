#!/usr/bin/env bash
# Prepare this checkout to run: Debian packages (when root on Debian), a virtual
# environment in .venv with ProtoReel installed. Safe to run again; fast when nothing changed.
# Usage: scripts/setup.sh [test]    (test: also the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  libpulse0                # import PySide6.QtMultimedia
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1   # Qt's xcb windows
  xvfb xauth               # real windows for the screenshot tests
  fonts-dejavu-core        # title cards and captions (moviepy/Pillow)
)
TEST_DEBIAN_PACKAGES=(
  pulseaudio pulseaudio-utils   # a private sound server with a virtual microphone (tests/ui/sound_server.py)
  xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils   # two monitors (laptop + projector): Xorg's dummy driver, xrandr
  chromium poppler-utils        # the review summary checked in a real browser; its PDF rendered (pdftoppm)
  espeak-ng                     # voices for the transcript screenshot's role-play and bench/transcribe_bench.py
  postgresql                    # the core's tests again on PostgreSQL, a team library's database (scripts/test-postgres.sh)
)
[ "${1:-}" = test ] && DEBIAN_PACKAGES+=("${TEST_DEBIAN_PACKAGES[@]}")

if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PYTHON=$candidate; break
  fi
done
[ -n "$PYTHON" ] || { echo "ProtoReel needs Python 3.11 or newer" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
extra=""
[ "${1:-}" = test ] && extra="[test]"
stamp=".venv/.installed${extra:+-test}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  # pip's and setuptools' chatter goes to a log, shown only if the install fails.
  if ! .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}" > .venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "setup: installing ProtoReel's Python packages failed (log above, kept in .venv/install.log)" >&2
    exit 1
  fi
  # The check loads Qt Multimedia, which says it found no PipeWire: not news to a user.
  QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false" .venv/bin/python -c "import app, media, ui, PySide6.QtMultimedia, av, cv2, moviepy"
  touch "$stamp"
fi
