#!/usr/bin/env bash
# Benchmarks kaigi2xlsx against pdftotext (poppler-utils), mutool draw -F txt (mupdf-tools) and
# pdf2txt (pdfminer.six) on inputs made with the fixture generator (bench/make_bundle.py): a
# bundle of PAGES pages, a SLICE-page bundle (the same reports, for the slow pdf2txt), bundles
# of RSS_PAGES pages (peak RSS and linearity) and a folder of FOLDER one-report PDFs (--jobs 1
# vs 2). RUNS rounds (pdf2txt: RUNS_SLOW), each running every tool once in turn, so machine noise
# hits them all alike; every command runs under /usr/bin/time (peak RSS) with its wall time
# taken around it. Prints the medians, spreads and targets and writes them to bench/results.md.
# Needs build/ (scripts/test.sh or scripts/build.sh; built here when missing); installs the
# tools it compares with. See bench/README.md for what each number means and how to profile.
# Then scripts/bench_ocr.sh (OCR of scans; OCR=0 skips it, OCR_RUNS its rounds).
# Usage: [RUNS=5] [PAGES=1000] [FOLDER=200] [KEEP=1] [OCR=0] scripts/bench.sh
set -euo pipefail

RUNS=${RUNS:-5}                  # timed rounds
RUNS_SLOW=${RUNS_SLOW:-3}        # rounds that also run pdf2txt (the first RUNS_SLOW of RUNS)
PAGES=${PAGES:-1000}             # pages of the main bundle
FOLDER=${FOLDER:-200}            # one-report PDFs in the folder
SLICE=${SLICE:-50}               # pages of the bundle that pdf2txt is compared on
RSS_PAGES=${RSS_PAGES:-100 500}  # smaller bundles for peak RSS and linearity (the first is the base)
WARMUP=${WARMUP:-1}              # untimed rounds before the timed ones (they also check outputs)
WORK=${WORK:-}                   # the work directory goes under it (default: build/bench)
KEEP=${KEEP:-0}                  # 1: keep the work directory (inputs, outputs, raw timings)
RESULTS=${RESULTS:-}             # default: bench/results.md
STRICT=${STRICT:-0}              # 1: exit 1 when a target is not met

top=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "bench.sh: $*" >&2; exit 2; }
for v in RUNS PAGES FOLDER SLICE; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || fail "$v is no positive number: ${!v}"
done
[[ $RUNS_SLOW =~ ^[0-9]+$ && $WARMUP =~ ^[0-9]+$ ]] || fail "RUNS_SLOW and WARMUP must be numbers"
read -r -a rss_pages <<<"$RSS_PAGES"
for p in "${rss_pages[@]}"; do [[ $p =~ ^[1-9][0-9]*$ ]] || fail "RSS_PAGES: no page count: $p"; done
[ ${#rss_pages[@]} -gt 0 ] || fail "RSS_PAGES is empty"
RESULTS=${RESULTS:-$top/bench/results.md}

# --- the tools compared with ---------------------------------------------------------------
"$top/scripts/deps.sh" bench
pdf2txt=$(command -v pdf2txt || command -v pdf2txt.py || true)
[ -n "$pdf2txt" ] || fail "python3-pdfminer installs neither pdf2txt nor pdf2txt.py"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (package time)"

if [ ! -x "$top/build/kaigi2xlsx" ] || [ ! -x "$top/build/tests/gen_fixtures" ]; then
  echo "bench.sh: building kaigi2xlsx and the fixture generator (scripts/build.sh)" >&2
  "$top/scripts/deps.sh" test
  "$top/scripts/build.sh"
fi

# --- work directory: a fresh one each run, removed at the end unless KEEP=1 ------------------
base=${WORK:-$top/build/bench}
mkdir -p "$base"
work=$(mktemp -d "$base/run.XXXXXX")
cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "bench.sh: kept $work" >&2
  else
    rm -rf "$work"
    [ -n "$WORK" ] || rmdir "$base" 2>/dev/null || true
  fi
}
trap cleanup EXIT
# Copies, so that a rebuild of build/ during the run does not change what is measured.
mkdir -p "$work/bin" "$work/in" "$work/out" "$work/txt"
cp "$top/build/kaigi2xlsx" "$top/build/tests/gen_fixtures" "$work/bin/"
k2x=$work/bin/kaigi2xlsx
raw=$work/raw.tsv      # tool, input, round, wall µs, peak RSS KiB: one line per timed run
inputs=$work/inputs.tsv  # input, pages, files, what it is
: >"$raw"
: >"$inputs"
t_start=$SECONDS
# Other work on the machine makes every timing noisy: say so, and record the load in results.md.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l >= 0.5) }'; then
  echo "bench.sh: warning: load average $load_before before the start: other work is running," \
    "the timings will be noisy" >&2
fi

# --- inputs ----------------------------------------------------------------------------------
echo "bench.sh: generating inputs in $work/in" >&2
make_bundle() {  # ID PAGES: a bundle in.ID.pdf (with its spec and expected JSON beside it)
  local pages reports
  read -r pages reports < <(python3 "$top/bench/make_bundle.py" --gen "$work/bin/gen_fixtures" \
    bundle "$2" "$work/in/$1.pdf")
  [ -n "${reports:-}" ] || fail "could not generate $1.pdf"
  printf '%s\t%s\t1\t%s reports\n' "$1" "$pages" "$reports" >>"$inputs"
  echo "  $1.pdf: $pages pages, $reports reports" >&2
}
make_bundle bundle "$PAGES"
make_bundle slice "$SLICE"
rss_ids=()
for p in "${rss_pages[@]}"; do
  if [ "$p" = "$PAGES" ]; then
    rss_ids+=(bundle)
  else
    make_bundle "p$p" "$p"
    rss_ids+=("p$p")
  fi
done
read -r fpages fcount < <(python3 "$top/bench/make_bundle.py" --gen "$work/bin/gen_fixtures" \
  folder "$FOLDER" "$work/in/folder")
[ -n "${fcount:-}" ] || fail "could not generate the folder"
printf 'folder\t%s\t%s\t%s PDFs of one report\n' "$fpages" "$fcount" "$fcount" >>"$inputs"
echo "  folder/: $fcount PDFs, $fpages pages" >&2

# --- one timed run ---------------------------------------------------------------------------
now_us=0
clock() {  # sets now_us to the wall clock in µs, without a fork (bash 5's EPOCHREALTIME)
  if [ -n "${EPOCHREALTIME:-}" ]; then
    now_us=${EPOCHREALTIME//[.,]/}
  else
    now_us=$(($(date +%s%N) / 1000))
  fi
}
round=0
run() {  # TOOL INPUT COMMAND...: runs COMMAND under /usr/bin/time; records it when round > 0
  local tool=$1 input=$2 rc=0 t0 rss
  shift 2
  clock
  t0=$now_us
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  clock
  if [ $rc -ne 0 ]; then
    echo "bench.sh: $tool on $input failed with status $rc: $*" >&2
    grep -v 'ICC support is not available' "$work/stderr" | tail -20 >&2
    exit 1
  fi
  rss=$(tail -n 1 "$work/rss")
  [ "$round" -eq 0 ] ||
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$input" "$round" $((now_us - t0)) "$rss" >>"$raw"
}
src() {  # the path of an input
  if [ "$1" = folder ]; then echo "$work/in/folder"; else echo "$work/in/$1.pdf"; fi
}
k2x_run() {  # JOBS INPUT: kaigi2xlsx into a fresh output directory
  local out=$work/out/j$1-$2
  rm -rf "$out"
  run "k2x-j$1" "$2" "$k2x" -q --jobs "$1" --format xlsx,json -o "$out" "$(src "$2")"
}
k2x_norules_run() {  # INPUT: --jobs 1 as before rules were read (text from poppler-glib, no rules)
  local out=$work/out/j1-norules-$1
  rm -rf "$out"
  run k2x-j1-norules "$1" env K2X_NO_RULES=1 "$k2x" -q --jobs 1 --format xlsx,json -o "$out" \
    "$(src "$1")"
}
pdftotext_run() {
  rm -f "$work/txt/pdftotext.txt"
  run pdftotext "$1" pdftotext "$(src "$1")" "$work/txt/pdftotext.txt"
}
mutool_run() {  # -q: no progress line per page; its ICC warning goes to $work/stderr
  rm -f "$work/txt/mutool.txt"
  run mutool "$1" mutool draw -q -F txt -o "$work/txt/mutool.txt" "$(src "$1")"
}
pdf2txt_run() {
  rm -f "$work/txt/pdf2txt.txt"
  run pdf2txt "$1" "$pdf2txt" -o "$work/txt/pdf2txt.txt" "$(src "$1")"
}
one_round() {
  pdftotext_run bundle
  mutool_run bundle
  k2x_run 1 bundle
  k2x_norules_run bundle
  k2x_run 2 bundle
  pdftotext_run slice
  mutool_run slice
  k2x_run 1 slice
  k2x_run 2 slice
  if [ "$round" -le "$RUNS_SLOW" ]; then pdf2txt_run slice; fi
  local id
  for id in "${rss_ids[@]}"; do
    [ "$id" = bundle ] || k2x_run 1 "$id"
  done
  k2x_run 1 folder
  k2x_run 2 folder
}

# --- warm-up (page cache, font cache) and a check of what kaigi2xlsx wrote -------------------
check_output() {  # INPUT: kaigi2xlsx's JSON against the generator's expected JSON
  local json=$work/out/j1-$1/$1.json result
  [ -f "$json" ] || fail "kaigi2xlsx wrote no $json"
  result=$(python3 "$top/tests/compare_json.py" "$work/in/$1.expected.json" "$json" 2>&1 |
    tail -n 1) || echo "bench.sh: warning: kaigi2xlsx's output of $1.pdf is not as generated:" \
      "$result" >&2
}
for ((w = 0; w < WARMUP; w++)); do
  echo "bench.sh: warm-up round" >&2
  round=0
  one_round
done
if [ "$WARMUP" -gt 0 ]; then
  check_output bundle
  n=$(find "$work/out/j1-folder" -name '*.json' | wc -l)
  [ "$n" -eq "$fcount" ] || echo "bench.sh: warning: $n JSON outputs for $fcount PDFs" >&2
fi

# --- timed rounds ----------------------------------------------------------------------------
for ((round = 1; round <= RUNS; round++)); do
  echo "bench.sh: round $round of $RUNS" >&2
  one_round
done

# --- report ----------------------------------------------------------------------------------
status=0
python3 "$top/bench/summarize.py" --raw "$raw" --inputs "$inputs" --out "$RESULTS" \
  --kaigi2xlsx "$k2x" --pdf2txt "$pdf2txt" --rss-ids "${rss_ids[*]}" \
  --load "$load_before before the inputs were made, $(cut -d' ' -f1-3 /proc/loadavg) at the end" \
  --settings "RUNS=$RUNS RUNS_SLOW=$RUNS_SLOW PAGES=$PAGES FOLDER=$FOLDER SLICE=$SLICE RSS_PAGES=\"$RSS_PAGES\" WARMUP=$WARMUP" ||
  status=$?
[ $status -le 1 ] || exit $status
echo "bench.sh: wrote ${RESULTS#"$top"/} in $((SECONDS - t_start)) s" >&2
# OCR of scanned pages: seconds per page, --jobs 2, RSS over pages (OCR=0 skips it).
[ "${OCR:-1}" = 0 ] || RESULTS=$RESULTS RUNS=${OCR_RUNS:-3} "$top/scripts/bench_ocr.sh"
if [ "$STRICT" = 1 ]; then exit $status; fi
