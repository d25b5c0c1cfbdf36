#!/usr/bin/env bash
# Table styles × content cases: every table style the generator draws (stroked grid, grid of
# thin filled rectangles, horizontal rules, a rule under the header only, no rules), with rule
# widths from 0.1 to 1.5 pt and cell padding from 0 to 6 pt, over the content cases that row
# finding gets wrong (status paragraphs beside a one-line goal, two-paragraph goals, early line
# breaks, a spanning goal, a row that goes on across a page break and one that does not);
# each must convert to exactly what its spec describes, with the right layout.
# Usage: table_styles.sh KAIGI2XLSX GEN_FIXTURES WORKDIR [STYLE...]
set -uo pipefail
bin=$1 gen=$2 work=$3
shift 3
styles=${*:-grid grid-filled rules header-rule none}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
failed=0 runs=0
for style in $styles; do
  widths="0.1 0.25 0.5 1.5"
  [ "$style" = none ] && widths=0.5
  for width in $widths; do
    for padding in 0 3 6; do
      name="$style-w$width-p$padding"
      { printf 'table-style: %s\nrule-width: %s\ncell-padding: %s\n' "$style" "$width" "$padding"
        cat "$here/fixtures/specs/table-cases.inc"; } > "$work/$name.spec"
      runs=$((runs + 1))
      if ! "$gen" "$work/$name.spec" "$work/$name.pdf" "$work/$name.expected.json"; then
        echo "FAIL $name: fixture generation"; failed=1; continue
      fi
      if ! "$bin" -q --format json -o "$work" "$work/$name.pdf"; then
        echo "FAIL $name: conversion"; failed=1; continue
      fi
      /usr/bin/python3 "$here/compare_json.py" "$work/$name.expected.json" "$work/$name.json" \
        > "$work/$name.diff" || { echo "FAIL $name:"; head -5 "$work/$name.diff"; failed=1; }
    done
  done
done
echo "$runs style runs, $([ $failed = 0 ] && echo all equal to their specs || echo some FAILED)"
exit $failed
