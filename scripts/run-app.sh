#!/usr/bin/env bash
# Set up (if needed) and start ProtoReel on the default library (or --library DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/protoreel "$@"
