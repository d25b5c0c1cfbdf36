#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds, then unit, end-to-end and CLI
# tests through ctest — once on the normal build and once more under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test

"$top/scripts/build.sh"
(cd "$top/build" && ctest --output-on-failure -j"$(nproc)")

BUILD_DIR="$top/build-asan" "$top/scripts/build.sh" -DK2X_SANITIZE=ON
(cd "$top/build-asan" && ctest --output-on-failure -j"$(nproc)")
