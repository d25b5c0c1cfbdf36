#!/usr/bin/env bash
# One end-to-end run under valgrind memcheck: a fixture PDF with its review, a text input, and
# the fixture with its first page scanned (read by OCR, Tesseract included; at 150 dpi, as
# memcheck is slow).
# Zero errors and zero bytes definitely lost, library leaks aside (tests/valgrind.supp says why
# each is not ours). The child processes that convert each input are checked too: memcheck
# follows a fork, and a child with errors fails the run.
# Usage: memcheck.sh KAIGI2XLSX GEN_FIXTURES WORKDIR [SCAN_FIXTURES]
set -uo pipefail
bin=$1 gen=$2 work=$3 scan=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v valgrind >/dev/null; then
  echo "SKIP: valgrind is not installed (scripts/deps.sh test installs it)"; exit 77
fi
rm -rf "$work" && mkdir -p "$work"
"$gen" "$here/fixtures/specs/features.spec" "$work/features.pdf" "$work/features.json" || exit 1
pdftotext "$work/features.pdf" "$work/features-text.txt" || exit 1
inputs=("$work/features.pdf" "$work/features-text.txt")
if [ -n "$scan" ]; then
  "$scan" --dpi 150 --pages 1 "$work/features.pdf" "$work/features-scan.pdf" || exit 1
  inputs+=("$work/features-scan.pdf")
fi
failed=0
for input in "${inputs[@]}"; do
  log="$work/$(basename "$input").memcheck.log"
  valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
    --suppressions="$here/valgrind.supp" --log-file="$log" \
    "$bin" -q --memory-limit 0 --ocr-dpi 150 --review -o "$work/out" "$input"
  status=$?
  if [ $status -eq 0 ] && [[ $input == *-scan.pdf ]] &&
     ! grep -q '"page_ocr"' "$work/out/$(basename "$input" .pdf).json"; then
    echo "FAIL $(basename "$input"): its scanned page was not read by OCR"; failed=1
  fi
  if [ "$status" -ne 0 ] || grep -q "ERROR SUMMARY: [1-9]" "$log"; then
    echo "FAIL $(basename "$input"): exit $status"; grep -E "ERROR SUMMARY|definitely lost" "$log"
    failed=1
  else
    echo "ok   $(basename "$input"): $(grep -c 'ERROR SUMMARY: 0 errors' "$log") processes clean"
  fi
done
exit $failed
