#!/usr/bin/env bash
# xlsx_office_skip: xlsx_office.sh skips (exit 77, a SKIP line), and does not fail, when the
# soffice on the PATH has no Calc beside it, as with LibreOffice Writer alone.
# Usage: xlsx_office_skip.sh WORKDIR
set -uo pipefail
work=$1
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/bin" "$work/books"
# A Writer-only soffice: it runs, and loads no workbook.
printf '#!/bin/sh\necho "Error: source file could not be loaded"\nexit 0\n' >"$work/bin/soffice"
chmod +x "$work/bin/soffice"
out=$(PATH="$work/bin:$PATH" K2X_NO_INSTALL=1 "$here/xlsx_office.sh" "$work/office" "$work/books" 2>&1)
status=$?
if [ $status -ne 77 ] || ! grep -q '^SKIP: LibreOffice Calc not installed' <<<"$out"; then
  echo "FAIL: with a soffice without Calc, xlsx_office.sh exited $status:"
  echo "$out"
  exit 1
fi
echo "ok: skipped with a Writer-only soffice on the PATH"
