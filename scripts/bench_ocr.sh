#!/usr/bin/env bash
# Benchmarks OCR of scanned pages (scripts/bench.sh runs it at the end; it also runs alone):
# bundles made with the fixture generator (bench/make_bundle.py) and scanned at 300 dpi
# (scan_fixtures, every second page tilted 0.5°). In the same run: seconds per OCR'd page on
# one core (--jobs 1), the speed-up with --jobs 2 (target ≥ 1.8×), and the peak RSS of a long
# scan against a short one (no growth across pages: target ≤ 1.2×). RUNS rounds, medians.
# Appends its table to bench/results.md (RESULTS) unless RESULTS=-.
# Usage: [RUNS=3] [PAGES=8] [LONG_PAGES=40] [SHORT_PAGES=4] scripts/bench_ocr.sh
set -euo pipefail

RUNS=${RUNS:-3}
PAGES=${PAGES:-8}             # the scan timed with --jobs 1 and 2
SHORT_PAGES=${SHORT_PAGES:-4} # RSS: the short scan ...
LONG_PAGES=${LONG_PAGES:-40}  # ... and the long one
top=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=${RESULTS:-$top/bench/results.md}
fail() { echo "bench_ocr.sh: $*" >&2; exit 2; }
for v in RUNS PAGES SHORT_PAGES LONG_PAGES; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || fail "$v is no positive number: ${!v}"
done
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (package time)"
for b in kaigi2xlsx tests/gen_fixtures tests/scan_fixtures; do
  [ -x "$top/build/$b" ] || "$top/scripts/build.sh"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/k2x-bench-ocr.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$top/build/kaigi2xlsx" "$top/build/tests/gen_fixtures" "$top/build/tests/scan_fixtures" "$work/"
declare -A pages
for n in "$PAGES" "$SHORT_PAGES" "$LONG_PAGES"; do
  [ -e "$work/scan$n.pdf" ] && continue
  read -r p _ < <(python3 "$top/bench/make_bundle.py" --gen "$work/gen_fixtures" bundle "$n" \
    "$work/text$n.pdf") || fail "could not generate a $n-page bundle"
  "$work/scan_fixtures" --tilt 0.5 "$work/text$n.pdf" "$work/scan$n.pdf" ||
    fail "could not scan the $n-page bundle"
  pages[$n]=$p
  echo "bench_ocr.sh: scan$n.pdf: $p pages" >&2
done

raw=$work/raw.tsv
: >"$raw"
run() {  # NAME JOBS INPUT: one conversion under /usr/bin/time: wall s and peak RSS KiB
  local out=$work/out rc=0
  rm -rf "$out"
  /usr/bin/time -f '%e %M' -o "$work/time" "$work/kaigi2xlsx" -q --jobs "$2" --format json \
    -o "$out" "$work/$3" >/dev/null 2>"$work/stderr" || rc=$?
  [ $rc -eq 0 ] || { cat "$work/stderr" >&2; fail "kaigi2xlsx failed on $3 ($rc)"; }
  grep -q '"kind" : "pdf+ocr"' "$out/${3%.pdf}.json" || fail "$3 was not read by OCR"
  printf '%s\t%s\n' "$1" "$(tail -n 1 "$work/time")" >>"$raw"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= RUNS; r++)); do
  echo "bench_ocr.sh: round $r of $RUNS" >&2
  run j1 1 "scan$PAGES.pdf"
  run j2 2 "scan$PAGES.pdf"
  run short 1 "scan$SHORT_PAGES.pdf"
  run long 1 "scan$LONG_PAGES.pdf"
done

python3 - "$raw" "${pages[$PAGES]}" "${pages[$SHORT_PAGES]}" "${pages[$LONG_PAGES]}" \
  "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$RESULTS" "$RUNS" <<'EOF'
import statistics, sys
raw, pages, short, long_, load0, load1, results, runs = sys.argv[1:]
pages, short, long_ = int(pages), int(short), int(long_)
t = {}
for line in open(raw):
    name, wall, rss = line.split()
    t.setdefault(name, []).append((float(wall), int(rss)))
med = lambda name, k: statistics.median(v[k] for v in t[name])
j1, j2 = med("j1", 0), med("j2", 0)
per_page, speedup = j1 / pages, j1 / j2
rss_ratio = med("long", 1) / med("short", 1)
rows = [
    ("seconds per OCR'd page, --jobs 1", f"{per_page:.2f} s ({j1:.1f} s for {pages} pages)", "—"),
    ("speed-up with --jobs 2", f"{speedup:.2f}× ({j2:.1f} s)", "≥ 1.8×", speedup >= 1.8),
    (f"peak RSS, {long_}-page scan / {short}-page scan",
     f"{rss_ratio:.2f} ({med('long', 1) / 1024:.0f} / {med('short', 1) / 1024:.0f} MiB)", "≤ 1.2",
     rss_ratio <= 1.2),
]
lines = ["", f"## OCR of scanned pages (scripts/bench_ocr.sh, {runs} rounds, medians)", "",
         f"Load average {load0} before, {load1} after.", "",
         "| measure | value | target | met |", "| --- | --- | --- | --- |"]
for row in rows:
    met = "" if len(row) < 4 else ("yes" if row[3] else "**no**")
    lines.append(f"| {row[0]} | {row[1]} | {row[2]} | {met} |")
text = "\n".join(lines) + "\n"
print(text)
if results != "-":
    with open(results, "a", encoding="utf-8") as f:
        f.write(text)
EOF
