#!/usr/bin/env bash
# xlsx_office: every workbook the other tests wrote opens in LibreOffice Calc, which turns each
# sheet into CSV holding the values openpyxl reads (check_xlsx.py --office-csv). Calc is
# installed when missing (scripts/deps.sh office, as root or with sudo that asks for no
# password; K2X_NO_INSTALL=1 forbids it); when it cannot be, the check is skipped (exit 77)
# with a SKIP line.
# Usage: xlsx_office.sh WORKDIR DIR...   (the *.xlsx in each DIR)
set -uo pipefail
work=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

# soffice on the PATH may be Writer alone (libreoffice-writer without -calc): Calc is there
# when its core library stands beside the soffice that would run.
calc_installed() {
  local soffice
  soffice=$(command -v soffice) || return 1
  soffice=$(readlink -f "$soffice")
  [ -e "$(dirname "$soffice")/libsclo.so" ]
}
if ! calc_installed && [ "${K2X_NO_INSTALL:-}" != 1 ]; then
  if [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    echo "LibreOffice Calc missing: scripts/deps.sh office"
    "$here/../scripts/deps.sh" office || true
  fi
fi
if ! calc_installed; then
  echo "SKIP: LibreOffice Calc not installed"
  exit 77
fi

rm -rf "$work" && mkdir -p "$work/books" "$work/csv"
# Names repeat between directories, so each book is linked in as DIRNUMBER-NAME.xlsx; one
# soffice run takes them all (a second run can hand its files to the first while it exits).
failed=0 n=0
for dir in "$@"; do
  n=$((n + 1))
  found=0
  for book in "$dir"/*.xlsx; do
    [ -e "$book" ] || continue
    name=$(basename "$book")
    ln -s "$(cd "$(dirname "$book")" && pwd)/$name" "$work/books/$n-$name"
    found=1
  done
  [ $found -eq 1 ] || { echo "FAIL: no workbooks in $dir"; failed=1; }
done
books=("$work/books"/*.xlsx)
[ -e "${books[0]}" ] || exit 1

# Every sheet (the last field, -1) as UTF-8 CSV, values unformatted; a profile of its own, so
# that no user setting or other LibreOffice process interferes.
filter='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
log="$work/soffice.log"
timeout 600 soffice -env:UserInstallation="file://$work/profile" --headless \
  --convert-to "$filter" --outdir "$work/csv" "${books[@]}" >"$log" 2>&1
status=$?
# soffice exits 0 when a file cannot be loaded; it says so on its output.
if [ $status -ne 0 ] || grep -q '^Error' "$log"; then
  echo "FAIL: LibreOffice (exit $status):"
  cat "$log"
  failed=1
fi
for book in "${books[@]}"; do
  /usr/bin/python3 "$here/check_xlsx.py" "$book" --no-json --office-csv "$work/csv" \
    || { echo "FAIL $(readlink "$book"): LibreOffice and openpyxl do not read it alike"; failed=1; }
done
exit $failed
