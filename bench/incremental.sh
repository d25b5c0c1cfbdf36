#!/usr/bin/env bash
# The cost of --incremental on a first run: N small text inputs (default 6,000; pdftotext text of
# the basic fixture, each made unique by a last line) converted into an empty directory with and
# without --incremental, alternately, ROUNDS times; prints the wall times and their ratio, the
# figure bench/results.md records (target: at most 1.3×).
# Usage: bench/incremental.sh [N]   (after scripts/build.sh; env BUILD, ROUNDS, WORK)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
n=${1:-6000} rounds=${ROUNDS:-3}
work=${WORK:-$build/bench}/incremental
rm -rf "$work" && mkdir -p "$work/in"
"$build/tests/gen_fixtures" "$top/tests/fixtures/specs/basic.spec" "$work/basic.pdf" "$work/basic.json" >/dev/null
pdftotext "$work/basic.pdf" "$work/basic.txt"
for i in $(seq -w 1 "$n"); do
  { cat "$work/basic.txt"; echo "input $i"; } >"$work/in/t$i.txt"
done
timed() { # prints the wall seconds of a run into a fresh directory
  local out=$1; shift
  rm -rf "$out"
  local start end
  start=$(date +%s.%N)
  "$build/kaigi2xlsx" -q --format json -o "$out" "$@" "$work/in" >/dev/null 2>"$work/run.err" ||
    { cat "$work/run.err"; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
plain_sum=0 inc_sum=0
for r in $(seq "$rounds"); do
  p=$(timed "$work/plain"); i=$(timed "$work/inc" --incremental)
  echo "round $r: plain ${p} s, --incremental ${i} s"
  plain_sum=$(echo "$plain_sum + $p" | bc); inc_sum=$(echo "$inc_sum + $i" | bc)
done
lines=$(cat "$work/inc"/.kaigi2xlsx.manifest.json* 2>/dev/null | wc -l)
echo "inputs $n, rounds $rounds: plain $(echo "scale=2; $plain_sum / $rounds" | bc) s," \
  "--incremental $(echo "scale=2; $inc_sum / $rounds" | bc) s," \
  "ratio $(echo "scale=3; $inc_sum / $plain_sum" | bc); manifest $lines lines"
