#!/usr/bin/env bash
# Table styles × content cases: every table style the generator draws (stroked grid, grid of
# thin filled rectangles, horizontal rules, a rule under the header only, no rules), with rule
# widths from 0.1 to 1.5 pt, cell padding from 0 to 6 pt and cells set at the top, middle or
# foot of their rows, over the content cases that row
# finding gets wrong (status paragraphs beside a one-line goal, two-paragraph goals, early line
# breaks, a spanning goal, a row that goes on across a page break and one that does not);
# each must convert to exactly what its spec describes, with the right layout. Each style is
# also set justified with hanging punctuation and with tight and loose lines. With no STYLE
# given, one more run mixes two styles report by report.
# Usage: table_styles.sh KAIGI2XLSX GEN_FIXTURES WORKDIR [STYLE...]
set -uo pipefail
bin=$1 gen=$2 work=$3
shift 3
styles=${*:-grid grid-filled rules header-rule none}
here=$(cd "$(dirname "$0")" && pwd)
cases="$here/fixtures/specs/table-cases.inc"
rm -rf "$work" && mkdir -p "$work"
failed=0 runs=0

# check NAME: renders $work/NAME.spec, converts it and compares the JSON with the spec's.
check() {
  local name=$1
  runs=$((runs + 1))
  if ! "$gen" "$work/$name.spec" "$work/$name.pdf" "$work/$name.expected.json"; then
    echo "FAIL $name: fixture generation"; failed=1; return
  fi
  if ! "$bin" -q --format json -o "$work" "$work/$name.pdf"; then
    echo "FAIL $name: conversion"; failed=1; return
  fi
  /usr/bin/python3 "$here/compare_json.py" "$work/$name.expected.json" "$work/$name.json" \
    > "$work/$name.diff" || { echo "FAIL $name:"; head -5 "$work/$name.diff"; failed=1; }
}

for style in $styles; do
  widths="0.1 0.25 0.5 1.5"
  [ "$style" = none ] && widths=0.5
  for width in $widths; do
    for padding in 0 3 6; do
      name="$style-w$width-p$padding"
      { printf 'table-style: %s\nrule-width: %s\ncell-padding: %s\n' "$style" "$width" "$padding"
        cat "$cases"; } > "$work/$name.spec"
      check "$name"
    done
  done
  # Cells set in the middle or at the foot of their rows (LibreOffice's HTML import centres
  # them): the lines of a row's cells interleave and overlap in height. Without rules between
  # rows nor padding nothing on the page parts a status cell at the foot of its row from one
  # at the head of the next: those styles are tested with padding only.
  paddings="0 3 6"
  [ "$style" = none ] || [ "$style" = header-rule ] && paddings="3 6"
  for valign in middle bottom; do
    for padding in $paddings; do
      name="$style-$valign-p$padding"
      { printf 'table-style: %s\ncell-valign: %s\ncell-padding: %s\n' "$style" "$valign" "$padding"
        cat "$cases"; } > "$work/$name.spec"
      check "$name"
    done
  done
  for set in "hang 1.15 2" "yes 2 4"; do
    read -r justify spacing padding <<< "$set"
    name="$style-justify-$justify-l$spacing"
    { printf 'table-style: %s\njustify: %s\nline-spacing: %s\ncell-padding: %s\n' "$style" \
        "$justify" "$spacing" "$padding"
      cat "$cases"; } > "$work/$name.spec"
    check "$name"
  done
done
# A bundle that mixes producers report by report: a grid of filled rectangles, then a rule
# under the header only with padding (Chromium's way) in the second report.
if [ -z "${*:-}" ]; then
  { printf 'table-style: grid-filled\nrule-width: 0.25\ncell-padding: 0\n'
    awk '/^report:/ { n++ } { print } /^report:/ && n == 2 {
           print "table-style: header-rule"; print "cell-padding: 5" }' "$cases"; } \
    > "$work/mixed.spec"
  check mixed
fi
echo "$runs style runs, $([ $failed = 0 ] && echo all equal to their specs || echo some FAILED)"
exit $failed
