#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds, then unit, end-to-end and CLI
# tests through ctest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
"$top/scripts/build.sh"
cd "$top/build"
ctest --output-on-failure -j"$(nproc)"
