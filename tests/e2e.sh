#!/usr/bin/env bash
# End to end: every fixture spec → PDF (gen_fixtures) → kaigi2xlsx → JSON equal to what the
# spec describes, and the xlsx read back by openpyxl with the JSON's counts.
# Usage: e2e.sh KAIGI2XLSX GEN_FIXTURES WORKDIR
set -uo pipefail
bin=$1 gen=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/pdf" "$work/out"
failed=0
for spec in "$here"/fixtures/specs/*.spec; do
  name=$(basename "$spec" .spec)
  if ! "$gen" "$spec" "$work/pdf/$name.pdf" "$work/pdf/$name.expected.json"; then
    echo "FAIL $name: fixture generation"; failed=1; continue
  fi
  if ! "$bin" -q -o "$work/out" "$work/pdf/$name.pdf"; then
    echo "FAIL $name: conversion"; failed=1; continue
  fi
  /usr/bin/python3 "$here/compare_json.py" "$work/pdf/$name.expected.json" "$work/out/$name.json" \
    || { echo "FAIL $name: JSON differs from the spec"; failed=1; }
  /usr/bin/python3 "$here/check_xlsx.py" "$work/out/$name.xlsx" "$work/out/$name.json" \
    || { echo "FAIL $name: xlsx does not match the JSON"; failed=1; }
done
exit $failed
