#!/usr/bin/env bash
# OCR end to end: fixture specs → text PDF (gen_fixtures) → its scan (scan_fixtures: pages as
# 300 dpi grey images) → kaigi2xlsx on both → the scan's JSON has the original's reports,
# regions, headings and row counts, and ≥ 97% of its text (compare_ocr.py). And --ocr never
# on a scan fails as before OCR, with the same message.
# Usage: e2e_ocr.sh KAIGI2XLSX GEN_FIXTURES SCAN_FIXTURES WORKDIR
set -uo pipefail
bin=$1 gen=$2 scan=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/pdf" "$work/text" "$work/scan"
failed=0

# name spec scan_fixtures-options: what each case covers.
cases=(
  "tilted sample --tilt 0.5"             # the sample reports, every second page 0.5° askew
  "grid continued-row"                   # grid tables filling the page, rows across pages
  "mixed nolabel --pages 2"              # a bundle where only some pages are images
)
for c in "${cases[@]}"; do
  read -r name spec opts <<<"$c"
  # shellcheck disable=SC2086
  if ! "$gen" "$here/fixtures/specs/$spec.spec" "$work/pdf/$name.pdf" "$work/pdf/$name.expected.json" ||
     ! "$scan" "$work/pdf/$name.pdf" "$work/pdf/$name-scan.pdf" $opts; then
    echo "FAIL $name: fixture generation"; failed=1; continue
  fi
  if ! "$bin" -q --format json -o "$work/text" "$work/pdf/$name.pdf" ||
     ! "$bin" -q --format json,review -o "$work/scan" "$work/pdf/$name-scan.pdf"; then
    echo "FAIL $name: conversion"; failed=1; continue
  fi
  echo "$name ($spec, scan_fixtures $opts):"
  /usr/bin/python3 "$here/compare_ocr.py" "$work/text/$name.json" "$work/scan/$name-scan.json" \
    || { echo "FAIL $name: the scan's JSON differs from the original's"; failed=1; }
done

# --ocr never: an image-only PDF still fails with the message it had before OCR.
err=$("$bin" -q --ocr never --format json -o "$work/never" "$work/pdf/tilted-scan.pdf" 2>&1)
status=$?
if [ $status -ne 1 ] || ! grep -q "tilted-scan.pdf: .*none of its [0-9]* pages has text" <<<"$err"; then
  echo "FAIL --ocr never: exit $status, stderr: $err"; failed=1
elif [ -e "$work/never/tilted-scan.json" ]; then
  echo "FAIL --ocr never: an output was written"; failed=1
else
  echo "--ocr never: exit 1, \"$err\""
fi
exit $failed
