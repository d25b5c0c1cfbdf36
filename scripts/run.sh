#!/usr/bin/env bash
# Converts every PDF in input/ into output/ (xlsx + json), installing and building as needed.
# Extra arguments go to kaigi2xlsx, e.g. scripts/run.sh --format json
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" run
"$top/scripts/build.sh"
exec "$top/build/kaigi2xlsx" -o "$top/output" "$@" "$top/input"
