#!/usr/bin/env bash
# Builds the .deb (scripts/package.sh) and checks it as an operator gets it: its control
# fields; its dependencies (each one Debian has, and one for every library the binary links);
# its files, unpacked with dpkg -x into a throwaway root; the man page (no roff warnings,
# every option of --help documented); that it would install here (apt-get -s, and dpkg
# --dry-run -i as root); then the unpacked binary: --version and a conversion of
# input/sample.pdf to xlsx, json and the review PDF (which needs the fonts).
# With --install (root, on a disposable machine) it also installs the package for real with
# apt-get, which fetches missing dependencies as on a clean machine, runs /usr/bin/kaigi2xlsx,
# finds the man page with man -w, and purges the package again.
# Not part of ctest: it builds a second tree. Usage: scripts/test-deb.sh [--install]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
install=0
case "${1:-}" in
  --install) install=1 ;;
  "") ;;
  *) echo "usage: $0 [--install]" >&2; exit 2 ;;
esac
if [ $install -eq 1 ] && { [ "$(id -u)" -ne 0 ] || dpkg-query -W kaigi2xlsx >/dev/null 2>&1; }; then
  echo "test-deb.sh: --install needs root and no kaigi2xlsx package installed already" >&2
  exit 2
fi

passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
# quiet COMMAND...: runs it, showing its output only when it fails.
quiet() { "$@" >"$work/quiet.log" 2>&1 || { sed 's/^/     /' "$work/quiet.log"; return 1; }; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! deb=$("$top/scripts/package.sh" | tail -1); then
  echo "FAIL package.sh"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "package: $deb"
root=$work/root

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
check "package name" test "$(field Package)" = kaigi2xlsx
check "architecture" test "$(field Architecture)" = "$(dpkg --print-architecture)"
check "maintainer" grep -qE '^.+ <[^>]+@[^>]+>$' <<<"$(field Maintainer)"
check "section" test -n "$(field Section)"
check "description" test "$(field Description | wc -l)" -gt 2

# Dependencies: names only, then each known to apt (or installed), fonts among them, and the
# package of every library the binary needs among them.
mapfile -t deps < <(field Depends | sed 's/[,|]/\n/g' | sed 's/(.*//; s/[[:space:]]//g' | grep .)
known() { apt-cache show "$1" >/dev/null 2>&1 || dpkg-query -W "$1" >/dev/null 2>&1; }
for d in "${deps[@]}"; do check "dependency $d is a Debian package" known "$d"; done
has_dep() { printf '%s\n' "${deps[@]}" | grep -qx "$1"; }
check "depends on fonts-ipaexfont" has_dep fonts-ipaexfont

dpkg -x "$deb" "$root"
bin=$root/usr/bin/kaigi2xlsx
for lib in $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
  check "$lib: its package ${pkg:-?} is a dependency" has_dep "${pkg:-?}"
done

# Files: exactly these, the data as in the tree.
expected="./usr/bin/kaigi2xlsx
./usr/share/kaigi2xlsx/profiles/ad-jizenkadai.ini
./usr/share/kaigi2xlsx/regions.tsv
./usr/share/man/man1/kaigi2xlsx.1.gz"
got=$(cd "$root" && find . -type f | sort)
check "files are the binary, the profile, the regions, the man page" test "$got" = "$expected"
check "binary is executable" test -x "$bin"
check "profile as in profiles/" cmp -s "$top/profiles/ad-jizenkadai.ini" \
  "$root/usr/share/kaigi2xlsx/profiles/ad-jizenkadai.ini"
check "regions as in data/" cmp -s "$top/data/regions.tsv" "$root/usr/share/kaigi2xlsx/regions.tsv"

# The man page renders without warnings, names the installed paths, and documents every
# option --help lists.
man=$root/usr/share/man/man1/kaigi2xlsx.1.gz
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" >"$work/man.txt" 2>"$work/man.err"
check "man page renders" test -s "$work/man.txt"
check "man page has no roff warnings" test ! -s "$work/man.err"
check "man page names the data files" grep -q /usr/share/kaigi2xlsx/regions.tsv "$work/man.txt"
"$bin" --help >"$work/help.txt" 2>&1
source=$(zcat "$man" | sed 's/\\-/-/g')
mapfile -t opts < <(grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' "$work/help.txt" |
  grep -oE -- '-[a-zA-Z]\b|--[a-z][a-z0-9-]*' | sort -u)
check "--help lists options" test "${#opts[@]}" -gt 10
for o in "${opts[@]}"; do
  check "man page documents $o" grep -qE -- "(^|[^-a-zA-Z0-9])$o([^-a-zA-Z0-9]|\$)" <<<"$source"
done

# It would install here: apt finds every dependency (installed or in the archive), and dpkg
# would unpack it (dpkg's dry run does not look at dependencies).
check "apt-get install --simulate" quiet apt-get install -s "$deb"
if [ "$(id -u)" -eq 0 ]; then
  check "dpkg --dry-run -i" quiet dpkg --dry-run -i "$deb"
else
  echo "skip dpkg --dry-run -i (needs root)"
fi

# runs BIN: the version of the package, then input/sample.pdf to every format but CSV.
try_binary() {
  local bin=$1 name=$2 out=$work/out-$2
  local version
  version=$(field Version | sed 's/-[^-]*$//') # less the Debian revision
  check "$name --version" test "$("$bin" --version)" = "kaigi2xlsx $version"
  check "$name converts input/sample.pdf" quiet "$bin" -q --format xlsx,json,review -o "$out" \
    "$top/input/sample.pdf"
  for f in sample.xlsx sample.json sample.review.pdf; do
    check "$name wrote $f" test -s "$out/$f"
  done
  check "$name: the JSON has reports" grep -q '"reports"' "$out/sample.json"
}
try_binary "$bin" unpacked

if [ $install -eq 1 ]; then
  trap 'dpkg --purge kaigi2xlsx >/dev/null 2>&1; rm -rf "$work"' EXIT
  apt-get update -qq
  check "apt-get install ./$(basename "$deb")" quiet env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq "$deb"
  check "dpkg lists the package installed" quiet dpkg-query -W kaigi2xlsx
  try_binary /usr/bin/kaigi2xlsx installed
  check "man -w finds kaigi2xlsx(1)" \
    test "$(man -w kaigi2xlsx)" = /usr/share/man/man1/kaigi2xlsx.1.gz
  check "dpkg --purge" quiet dpkg --purge kaigi2xlsx
  check "purge removed the binary" test ! -e /usr/bin/kaigi2xlsx
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
