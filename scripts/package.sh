#!/usr/bin/env bash
# Builds the Debian package of kaigi2xlsx: configures build-pkg/ (or $BUILD_DIR) for /usr
# without the tests, builds, runs CPack's DEB generator (cmake/install.cmake: library
# dependencies from dpkg-shlibdeps, plus fonts-ipaexfont) and prints the .deb's path.
# Usage: scripts/package.sh [CMAKE_OPTION...]   (scripts/test-deb.sh checks the result)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-pkg}
"$top/scripts/deps.sh" run
if ! command -v dpkg-shlibdeps >/dev/null; then
  echo "package.sh: dpkg-shlibdeps (package dpkg-dev) is missing" >&2
  exit 1
fi

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DK2X_TESTS=OFF "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
rm -f "$build"/*.deb
if ! (cd "$build" && cpack -G DEB) >"$build/cpack.log" 2>&1; then
  cat "$build/cpack.log" >&2
  exit 1
fi
debs=("$build"/*.deb)
[ -f "${debs[0]}" ] || { echo "package.sh: cpack made no .deb in $build" >&2; exit 1; }
echo "${debs[0]}"
