#!/usr/bin/env bash
# Command-line behaviour: help, usage errors, exit codes, a mixed batch where one input is bad,
# text inputs (a directory's .txt files, an unknown --input-encoding), inputs that crash or
# hang in their child process,
# and no output left behind for an input that failed.
# Usage: cli.sh KAIGI2XLSX GEN_FIXTURES WORKDIR
set -uo pipefail
bin=$1 gen=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/in" "$work/out"
failed=0

# expect NAME STATUS PATTERN -- COMMAND...: runs COMMAND, checks its exit status and that
# stdout+stderr match PATTERN (grep -E).
expect() {
  local name=$1 status=$2 pattern=$3
  shift 4
  local out
  out=$("$@" 2>&1)
  local got=$?
  if [ "$got" -ne "$status" ]; then
    echo "FAIL $name: exit status $got, expected $status"; echo "$out" | head -5; failed=1
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output does not match /$pattern/"; echo "$out" | head -5; failed=1
  else
    echo "ok   $name"
  fi
}

expect help 0 "--output" -- "$bin" --help
expect help-exit-codes 0 "Exit status" -- "$bin" --help
expect version 0 "^kaigi2xlsx [0-9]" -- "$bin" --version
expect no-input 2 "no INPUT" -- "$bin"
expect bad-format 2 "unknown format \"pdf\"" -- "$bin" --format pdf x.pdf
expect bad-option 2 "Unknown option" -- "$bin" --no-such-option

"$gen" "$here/fixtures/specs/basic.spec" "$work/in/good.pdf" "$work/good.expected.json" || failed=1
printf 'this is not a PDF\n' >"$work/in/bad.pdf"
: >"$work/in/empty.pdf"

expect missing-file 1 "missing\.pdf: cannot read file" -- "$bin" -q -o "$work/out" "$work/missing.pdf"
expect not-a-pdf 1 "bad\.pdf: not a PDF" -- "$bin" -q -o "$work/out" "$work/in/bad.pdf"
for f in bad empty; do
  if ls "$work/out/$f".* >/dev/null 2>&1; then echo "FAIL $f: output left behind"; failed=1; fi
done

# A directory: every PDF in it, sorted; the bad ones fail, the good one converts.
expect batch 1 "empty\.pdf: " -- "$bin" -o "$work/out" "$work/in"
for ext in json xlsx; do
  [ -s "$work/out/good.$ext" ] || { echo "FAIL batch: good.$ext missing"; failed=1; }
done
leftovers=$(find "$work/out" -name '.*' -type f ! -name .kaigi2xlsx.lock ! -name .kaigi2xlsx.manifest.jsonl | wc -l)
[ "$leftovers" -eq 0 ] || { echo "FAIL batch: $leftovers temporary files left"; failed=1; }

# Text as pdftotext writes it: a directory gives its .txt files too (and nothing else).
mkdir -p "$work/mixed"
cp "$work/in/good.pdf" "$work/mixed/a.pdf"
pdftotext "$work/in/good.pdf" "$work/mixed/b.txt" || { echo "FAIL pdftotext"; failed=1; }
cp "$work/mixed/b.txt" "$work/mixed/c.md"
expect dir-text 0 "b\.txt: 2 reports" -- "$bin" -o "$work/mixed-out" "$work/mixed"
for f in a.json a.xlsx b.json b.xlsx; do
  [ -s "$work/mixed-out/$f" ] || { echo "FAIL dir-text: $f missing"; failed=1; }
done
[ ! -e "$work/mixed-out/c.json" ] || { echo "FAIL dir-text: c.md converted"; failed=1; }
grep -q '"kind" *: *"text"' "$work/mixed-out/b.json" 2>/dev/null \
  || { echo "FAIL dir-text: b.json is not from text"; failed=1; }
# An encoding iconv does not know fails that input, saying so, and leaves nothing behind.
expect input-encoding-unknown 1 "b\.txt: .*unknown encoding.*BOGUS" -- \
  "$bin" --input-encoding BOGUS -o "$work/bogus" "$work/mixed/b.txt"
left=$(find "$work/bogus" -type f ! -name .kaigi2xlsx.lock ! -name .kaigi2xlsx.manifest.jsonl 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL input-encoding-unknown: $left files left"; failed=1; }

expect json-only 0 "good\.json" -- "$bin" --format json -o "$work/json" "$work/in/good.pdf"
[ ! -e "$work/json/good.xlsx" ] || { echo "FAIL json-only: xlsx written"; failed=1; }

# The review: one summary page, then one page per source page; --review adds it to the other
# formats, --format review writes it alone.
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
expect review 0 "good\.review\.pdf" -- "$bin" --review -o "$work/review" "$work/in/good.pdf"
# A review keeps the doc whole; the JSON beside it still holds every report.
/usr/bin/python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))["reports"]) == 0)' \
  "$work/review/good.json" || { echo "FAIL review: good.json holds no report"; failed=1; }
for ext in json xlsx review.pdf; do
  [ -s "$work/review/good.$ext" ] || { echo "FAIL review: good.$ext missing"; failed=1; }
done
expect review-format 0 "good\.review\.pdf" -- "$bin" --format review -o "$work/review-only" "$work/in/good.pdf"
[ ! -e "$work/review-only/good.json" ] || { echo "FAIL review-format: json written"; failed=1; }
for f in "$work/review/good.review.pdf" "$work/review-only/good.review.pdf"; do
  got=$(pages "$f") want=$(( $(pages "$work/in/good.pdf") + 1 ))
  [ "$got" = "$want" ] || { echo "FAIL review pages: $f has ${got:-no} pages, expected $want"; failed=1; }
done
# A review that cannot be written takes the input's other outputs with it.
mkdir -p "$work/taken/good.review.pdf"
expect review-fails 1 "good\.pdf: .*good\.review\.pdf" -- "$bin" --review -o "$work/taken" "$work/in/good.pdf"
left=$(find "$work/taken" -maxdepth 1 -type f ! -name .kaigi2xlsx.lock ! -name .kaigi2xlsx.manifest.jsonl | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL review-fails: $left files left"; failed=1; }

# Profiles: a malformed file names its line; a bad pattern names its key.
printf '[profile]\nname = x\nthis line is broken\n' >"$work/broken.ini"
expect profile-broken 2 "line 3" -- "$bin" --profile "$work/broken.ini" "$work/in/good.pdf"
printf '[profile]\nname = x\npage_number = ^\\d+$\nitem_marker = ^・\n[section 1]\nheading = (unclosed\n' \
  >"$work/badre.ini"
expect profile-bad-regex 2 "heading" -- "$bin" --profile "$work/badre.ini" "$work/in/good.pdf"

# Isolation: an input whose conversion crashes or hangs fails alone (the test hook makes the
# child converting it crash or hang); the next input still converts, and nothing half written
# is left for the two.
mkdir -p "$work/iso/in"
for n in crash hang fine; do cp "$work/in/good.pdf" "$work/iso/in/$n.pdf"; done
expect isolation-crash 1 "crash\.pdf: crashed while converting \(signal 11" -- \
  env K2X_TEST_FAULT=crash:crash.pdf,hang:hang.pdf "$bin" --timeout 2 -o "$work/iso/out" "$work/iso/in"
expect isolation-hang 1 "hang\.pdf: took longer than 2 s" -- \
  env K2X_TEST_FAULT=hang:hang.pdf "$bin" --timeout 2 -o "$work/iso/out2" "$work/iso/in/hang.pdf" "$work/iso/in/fine.pdf"
for f in fine.json fine.xlsx; do
  [ -s "$work/iso/out/$f" ] && [ -s "$work/iso/out2/$f" ] || { echo "FAIL isolation: $f missing"; failed=1; }
done
# One worker (--jobs 1) converts the inputs one after another: the crash takes only its
# worker, the input after it converts in a new one; and a worker retires after 50 inputs,
# so 60 inputs need two more.
mkdir -p "$work/iso/seq"
for n in a crash z; do cp "$work/in/good.pdf" "$work/iso/seq/$n.pdf"; done
expect isolation-sequence 1 "^2 converted, 0 skipped, 1 failed" -- \
  env K2X_TEST_FAULT=crash:crash.pdf "$bin" -q --jobs 1 --format json -o "$work/iso/seq-out" "$work/iso/seq"
/usr/bin/python3 "$here/compare_json.py" "$work/good.expected.json" "$work/iso/seq-out/z.json" >/dev/null ||
  { echo "FAIL isolation-sequence: z.json differs from the expected"; failed=1; }
mkdir -p "$work/iso/sixty"
for i in $(seq -w 1 60); do cp "$work/in/good.pdf" "$work/iso/sixty/p$i.pdf"; done
expect worker-retires 0 "^60 converted, 0 skipped, 0 failed" -- \
  env G_MESSAGES_DEBUG=kaigi2xlsx "$bin" -q --jobs 1 --format json -o "$work/iso/sixty-out" "$work/iso/sixty"
workers=$(G_MESSAGES_DEBUG=kaigi2xlsx "$bin" -q --jobs 1 --format json -o "$work/iso/sixty-out2" \
  "$work/iso/sixty" 2>&1 | grep -c "worker .* started")
[ "$workers" -eq 2 ] || { echo "FAIL worker-retires: $workers workers for 60 inputs, expected 2"; failed=1; }
# A path is taken as it is, a space at its end included.
cp "$work/in/good.pdf" "$work/iso/space.pdf "
expect path-trailing-space 0 "^1 converted" -- "$bin" -q --format json -o "$work/iso/space-out" "$work/iso/space.pdf "
for i in 01 50 51 60; do
  /usr/bin/python3 "$here/compare_json.py" "$work/good.expected.json" "$work/iso/sixty-out/p$i.json" >/dev/null ||
    { echo "FAIL worker-retires: p$i.json differs from the expected"; failed=1; }
done
left=$(find "$work/iso/out" "$work/iso/out2" -name 'crash*' -o -name 'hang*' -o -name '.*.??????' | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL isolation: $left files left of the failed inputs"; failed=1; }
expect timeout-negative 2 "--timeout" -- "$bin" --timeout -1 "$work/in/good.pdf"

# Batch: --jobs 1 and --jobs 4 give the same outputs; -r takes subdirectories.
mkdir -p "$work/many/sub"
for n in a b c; do cp "$work/in/good.pdf" "$work/many/$n.pdf"; done
cp "$work/in/good.pdf" "$work/many/sub/d.pdf"
expect jobs-1 0 "^4 converted, 0 skipped, 0 failed" -- "$bin" -q -r --jobs 1 -o "$work/j1" "$work/many"
expect jobs-4 0 "^4 converted, 0 skipped, 0 failed" -- "$bin" -q -r --jobs 4 -o "$work/j4" "$work/many"
# A subdirectory's outputs keep its path below the input directory.
for n in a b c sub/d; do
  cmp -s "$work/j1/$n.json" "$work/j4/$n.json" || { echo "FAIL jobs: $n.json differs"; failed=1; }
done
out=$("$bin" -r --jobs 4 --format json -o "$work/order" "$work/many" 2>/dev/null | cut -d: -f1 | xargs -n1 basename | tr '\n' ' ')
[ "$out" = "a.pdf b.pdf c.pdf d.pdf " ] || { echo "FAIL jobs-order: $out"; failed=1; }
expect not-recursive 0 "^3 converted" -- "$bin" -q -o "$work/flat" "$work/many"

# One large PDF: with --jobs 4 its pages are extracted by 4 threads, and the outputs equal
# --jobs 1's, reports running across the pages of different threads included. The bundle
# repeats sample.spec's reports (some print their label after the body) 16 times: 80 pages.
mkdir -p "$work/large"
spec="$here/fixtures/specs/sample.spec"
{ sed '/^report:/,$d' "$spec"; for _ in $(seq 16); do sed -n '/^report:/,$p' "$spec"; done; } \
  >"$work/large/bundle.spec"
"$gen" "$work/large/bundle.spec" "$work/large/bundle.pdf" "$work/large/bundle.expected.json" ||
  failed=1
for j in 1 4; do
  G_MESSAGES_DEBUG=kaigi2xlsx "$bin" -q --jobs $j --format json,csv -o "$work/large/j$j" \
    "$work/large/bundle.pdf" >"$work/large/j$j.log" 2>&1 || { echo "FAIL large-jobs-$j"; failed=1; }
done
grep -q "pages extracted by 4 threads" "$work/large/j4.log" ||
  { echo "FAIL large-threads: no 4 extracting threads"; head -3 "$work/large/j4.log"; failed=1; }
grep -q "pages extracted by 4 threads" "$work/large/j1.log" &&
  { echo "FAIL large-threads: --jobs 1 used threads"; failed=1; }
# Two large inputs share the jobs: 2 threads each with --jobs 4, never more than 4 in all.
mkdir -p "$work/large/two"
cp "$work/large/bundle.pdf" "$work/large/two/a.pdf"
cp "$work/large/bundle.pdf" "$work/large/two/b.pdf"
G_MESSAGES_DEBUG=kaigi2xlsx "$bin" -q --jobs 4 --format json -o "$work/large/two-out" \
  "$work/large/two" >"$work/large/two.log" 2>&1
shares=$(grep -o 'extracted by [0-9]* threads' "$work/large/two.log" | tr '\n' ' ')
if [ "$shares" = "extracted by 2 threads extracted by 2 threads " ]; then
  echo "ok   large-share"
else
  echo "FAIL large-share: $shares"; failed=1
fi
# Threads reserve address space (a malloc arena each): under a tight --memory-limit a lone
# input gets fewer of them instead of failing.
expect large-memory-limit 0 "^1 converted" -- "$bin" -q --jobs 8 --memory-limit 300 --format json,csv \
  -o "$work/large/limited" "$work/large/bundle.pdf"
cmp -s "$work/large/j1/bundle.json" "$work/large/limited/bundle.json" ||
  { echo "FAIL large-memory-limit: JSON differs from --jobs 1"; failed=1; }
# On a terminal (script(1) makes one) the progress line counts the pages of the lone bundle
# while it converts, not only when it is done; without one there is no progress line.
if command -v script >/dev/null; then
  script -qec "$bin --jobs 1 --format json -o '$work/large/tty' '$work/large/bundle.pdf'" \
    /dev/null >"$work/large/tty.log" 2>&1
  if tr '\r' '\n' <"$work/large/tty.log" | grep -qE "^.*0/1 files, [1-9][0-9]* pages"; then
    echo "ok   progress-pages"
  else
    echo "FAIL progress-pages: no page count before the file was done"; failed=1
  fi
  grep -q "files, " "$work/large/j1.log" && { echo "FAIL progress: shown without a terminal"; failed=1; }
fi
if /usr/bin/python3 "$here/compare_json.py" "$work/large/bundle.expected.json" "$work/large/j4/bundle.json" >/dev/null &&
   diff -r -x .kaigi2xlsx.manifest.jsonl "$work/large/j1" "$work/large/j4" >/dev/null; then
  echo "ok   large-jobs-1-4"
else
  echo "FAIL large-jobs-1-4: --jobs 4 differs from --jobs 1 or from the expected"; failed=1
fi

# Incremental: a second run converts nothing; an input only touched (same SHA-256) is not
# converted again, a changed one is, and so is everything with --force; the log has
# time-stamped lines.
expect incremental-first 0 "^4 converted, 0 skipped" -- "$bin" -q -r --incremental -o "$work/inc" "$work/many"
expect incremental-again 0 "^0 converted, 4 skipped" -- "$bin" -q -r --incremental --log "$work/inc.log" -o "$work/inc" "$work/many"
touch -d '2001-01-01 00:00:00 UTC' "$work/many/b.pdf"
expect incremental-touched 0 "^0 converted, 4 skipped" -- "$bin" -q -r --incremental -o "$work/inc" "$work/many"
grep -q ':978307200000000000"' "$work/inc/.kaigi2xlsx.manifest.jsonl" ||
  { echo "FAIL incremental-touched: the manifest keeps the old time"; failed=1; }
printf '%% appended\n' >>"$work/many/b.pdf"
expect incremental-changed 0 "^1 converted, 3 skipped" -- "$bin" -q -r --incremental -o "$work/inc" "$work/many"
expect incremental-force 0 "^4 converted, 0 skipped" -- "$bin" -q -r --incremental --force -o "$work/inc" "$work/many"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}.* current, skipped' "$work/inc.log" ||
  { echo "FAIL log: no time-stamped lines"; failed=1; }

# The lock: a second run on the same output directory stops at once with status 3.
mkdir -p "$work/locked"
flock "$work/locked/.kaigi2xlsx.lock" sleep 3 &
sleep 0.3
expect lock-held 3 "in use by another run" -- "$bin" -q -o "$work/locked" "$work/in/good.pdf"
wait

# A run killed mid-batch and started again ends with the outputs of a clean run. Only the
# parent is killed: its workers die with it (they would otherwise go on under the lock).
mkdir -p "$work/kill/in"
for n in 1 2 3 4 5 6; do cp "$work/large/bundle.pdf" "$work/kill/in/k$n.pdf"; done
"$bin" -q --jobs 2 --incremental --format json,csv -o "$work/kill/out" "$work/kill/in" 2>/dev/null &
pid=$!
sleep 0.35
{ kill -9 "$pid"; wait "$pid"; } 2>/dev/null
done_before=$(find "$work/kill/out" -name 'k*.json' | wc -l)
[ "$done_before" -lt 6 ] || echo "NOTE kill-rerun: all 6 inputs were done before the kill"
for _ in $(seq 20); do # the workers' exit releases the lock
  flock -n "$work/kill/out/.kaigi2xlsx.lock" true 2>/dev/null && break
  sleep 0.1
done
expect kill-rerun 0 "^[0-9]+ converted, [0-9]+ skipped, 0 failed" -- "$bin" -q --jobs 2 --incremental --format json,csv -o "$work/kill/out" "$work/kill/in"
"$bin" -q --jobs 2 --format json,csv -o "$work/kill/clean" "$work/kill/in" 2>/dev/null
for n in 1 2 3 4 5 6; do
  cmp -s "$work/kill/out/k$n.json" "$work/kill/clean/k$n.json" ||
    { echo "FAIL kill-rerun: k$n.json differs from a clean run"; failed=1; }
done
left=$(find "$work/kill/out" -name '.*.??????' | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL kill-rerun: $left temporary files left"; failed=1; }

# Shards: disjoint slices that cover the inputs; their JSON merged gives the workbook a single
# run with --combined gives.
mkdir -p "$work/shard/in"
for n in a b c d e f g; do cp "$work/in/good.pdf" "$work/shard/in/$n.pdf"; done
expect combined 0 "7 inputs → .*all\.xlsx" -- "$bin" --combined all.xlsx -o "$work/shard/single" "$work/shard/in"
for k in 1 2 3; do
  expect "shard-$k" 0 "converted" -- "$bin" -q --shard "$k/3" --format json -o "$work/shard/s$k" "$work/shard/in"
done
got=$(ls "$work/shard"/s[123]/*.json | xargs -n1 basename | sort | tr '\n' ' ')
[ "$got" = "a.json b.json c.json d.json e.json f.json g.json " ] ||
  { echo "FAIL shards: not disjoint or not covering: $got"; failed=1; }
expect merge 0 "7 inputs → " -- "$bin" --merge --combined "$work/shard/merged.xlsx" "$work/shard"/s1 "$work/shard"/s2 "$work/shard"/s3
/usr/bin/python3 - "$work/shard/single/all.xlsx" "$work/shard/merged.xlsx" <<'PY' || { echo "FAIL merge: differs from a single run"; failed=1; }
import sys, openpyxl
def cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
a, b = cells(sys.argv[1]), cells(sys.argv[2])
sys.exit(0 if a == b and len(a["報告一覧"]) > 1 else 1)
PY
expect combined-csv 0 "and its sheets as CSV" -- "$bin" --format xlsx,csv --combined all.xlsx -o "$work/shard/csvall" "$work/shard/in"
[ -s "$work/shard/csvall/all.報告一覧.csv" ] || { echo "FAIL combined-csv: no all.報告一覧.csv"; failed=1; }
rows=$(grep -c 'a\.pdf\|g\.pdf' "$work/shard/csvall/all.報告一覧.csv")
[ "$rows" -ge 2 ] || { echo "FAIL combined-csv: inputs missing from the combined CSV"; failed=1; }
expect shard-bad 2 "--shard" -- "$bin" --shard 4/3 "$work/in/good.pdf"
expect merge-alone 2 "--combined" -- "$bin" --merge "$work/shard/s1"

# CSV: a file per sheet with the workbook's values, in UTF-8 with a BOM or in CP932; a
# character CP932 lacks is written as a look-alike or 〓 with a warning, and every output of
# the input is written; --csv-strict fails the input instead (leaving nothing).
for enc in utf-8-bom cp932; do
  expect "csv-$enc" 0 "good\.警告\.csv" -- "$bin" --format xlsx,csv --csv-encoding "$enc" -o "$work/csv-$enc" "$work/in/good.pdf"
  /usr/bin/python3 "$here/check_xlsx.py" "$work/csv-$enc/good.xlsx" --no-json --csv-dir "$work/csv-$enc" \
    --csv-encoding "$enc" >/dev/null || { echo "FAIL csv-$enc: files differ from the workbook"; failed=1; }
done
sed 's/した。/した↳𠮷¦。/' "$work/mixed/b.txt" >"$work/kanji.txt"
expect csv-strict 1 "kanji\.txt: .*kanji\..*\.csv: sheet .*, row [0-9]+, .*U\+21B3" -- \
  "$bin" --format json,xlsx,csv --csv-encoding cp932 --csv-strict -o "$work/csv-kanji" "$work/kanji.txt"
left=$(find "$work/csv-kanji" -type f -name 'kanji*' | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL csv-strict: $left files left"; failed=1; }
expect csv-standins 0 "kanji\.txt: warning: .*characters that CP932 cannot hold.*「↳」→「→」.*「𠮷」→「吉」.*「¦」→「￤」" -- \
  "$bin" --format json,xlsx,csv --csv-encoding cp932 -o "$work/csv-kanji" "$work/kanji.txt"
for out in kanji.json kanji.xlsx kanji.成果.csv; do
  [ -f "$work/csv-kanji/$out" ] || { echo "FAIL csv-standins: $out not written"; failed=1; }
done
iconv -f CP932 -t UTF-8 "$work/csv-kanji/kanji.全項目.csv" | grep -q '→吉￤。' ||
  { echo "FAIL csv-standins: stand-ins not in the CSV"; failed=1; }
expect csv-encoding-bad 2 "--csv-encoding: unknown encoding" -- "$bin" --format csv --csv-encoding latin1 "$work/in/good.pdf"

exit $failed
