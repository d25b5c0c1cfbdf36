#!/usr/bin/env bash
# i18n: the command line speaks the locale's language (Japanese under LANG=ja_JP.UTF-8, also
# where that locale is not installed; English under LANG=C), and --help too.
# Usage: i18n.sh KAIGI2XLSX WORKDIR
set -uo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
failed=0
check() { # name pattern output
  if grep -qE -- "$2" <<<"$3"; then echo "ok   $1"; else echo "FAIL $1: /$2/ not in:"; head -3 <<<"$3"; failed=1; fi
}
for lang in ja_JP.UTF-8 C; do
  out=$(env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=$lang "$bin" -o "$work/out" "$work/missing.pdf" 2>&1)
  if [ $lang = C ]; then check "error-$lang" "missing\.pdf: cannot read file" "$out"
  else check "error-$lang" "missing\.pdf: ファイルを読めません" "$out"; fi
  out=$(env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=$lang "$bin" --format nope "$work/missing.pdf" 2>&1)
  check "usage-$lang" "nope" "$out"
done
exit $failed
