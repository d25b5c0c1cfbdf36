#!/usr/bin/env bash
# The nightly batch never loses or mixes up a file (issue 13): outputs that cannot collide, a
# manifest that records only facts, file names that are bytes, no silent skips, clean stops,
# limits named. One case per problem, each failing on the program before the fix. Cases that
# need a user other than root run as nobody (setpriv) when root, else are skipped.
# Usage: batch_integrity.sh KAIGI2XLSX GEN_FIXTURES WORKDIR
set -uo pipefail
bin=$1 gen=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
chmod 755 "$work"
failed=0 skipped=0
fail() { echo "FAIL $*"; failed=1; }
ok() { echo "ok   $*"; }
skip() { echo "SKIP $*"; skipped=1; }
# sha256 of a file, and the one a JSON output says its source had.
sha() { sha256sum "$1" | cut -d' ' -f1; }
json_sha() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"]["sha256"])' "$1" 2>/dev/null; }
temps() { find "$1" -name '.*.??????' 2>/dev/null | wc -l; }

"$gen" "$here/fixtures/specs/basic.spec" "$work/basic.pdf" "$work/basic.expected.json" || exit 1
"$gen" "$here/fixtures/specs/rules.spec" "$work/rules.pdf" "$work/rules.expected.json" || exit 1
pdftotext "$work/basic.pdf" "$work/basic.txt" || exit 1

# 1. Outputs collide. Same stem in two folders given as files: refused before converting, so
# neither replaces the other.
mkdir -p "$work/c1/a" "$work/c1/b"
cp "$work/basic.pdf" "$work/c1/a/x.pdf"
cp "$work/rules.pdf" "$work/c1/b/x.pdf"
out=$("$bin" -q --format json -o "$work/c1/out" "$work/c1/a/x.pdf" "$work/c1/b/x.pdf" 2>&1)
status=$?
if [ $status -eq 1 ] && grep -q "a/x\.pdf: same outputs as .*b/x\.pdf" <<<"$out" &&
   [ ! -e "$work/c1/out/x.json" ]; then
  ok "same-stem-two-folders"
else
  fail "same-stem-two-folders: exit $status, $(ls "$work/c1/out" 2>/dev/null | tr '\n' ' ')"; echo "$out" | head -3
fi
# x.pdf and x.txt in one folder: both keep their extension.
mkdir -p "$work/c1/mixed"
cp "$work/rules.pdf" "$work/c1/mixed/x.pdf"
cp "$work/basic.txt" "$work/c1/mixed/x.txt"
"$bin" -q --format json -o "$work/c1/mixed-out" "$work/c1/mixed" >/dev/null 2>&1
status=$?
if [ $status -eq 0 ] && [ "$(json_sha "$work/c1/mixed-out/x.pdf.json")" = "$(sha "$work/c1/mixed/x.pdf")" ] &&
   [ "$(json_sha "$work/c1/mixed-out/x.txt.json")" = "$(sha "$work/c1/mixed/x.txt")" ]; then
  ok "pdf-and-txt-same-stem"
else
  fail "pdf-and-txt-same-stem: exit $status, outputs $(ls "$work/c1/mixed-out" | tr '\n' ' ')"
fi
# -r over two year folders: each keeps its path below the input folder, with --incremental
# too after one year's input changed.
mkdir -p "$work/c1/years/2020" "$work/c1/years/2021"
cp "$work/basic.pdf" "$work/c1/years/2020/資料.pdf"
cp "$work/rules.pdf" "$work/c1/years/2021/資料.pdf"
"$bin" -q -r --incremental --format json -o "$work/c1/years-out" "$work/c1/years" >/dev/null 2>&1
cp "$work/rules.pdf" "$work/c1/years/2020/資料.pdf"
printf '%% changed\n' >>"$work/c1/years/2020/資料.pdf"
"$bin" -q -r --incremental --format json -o "$work/c1/years-out" "$work/c1/years" >/dev/null 2>&1
status=$?
if [ $status -eq 0 ] &&
   [ "$(json_sha "$work/c1/years-out/2020/資料.json")" = "$(sha "$work/c1/years/2020/資料.pdf")" ] &&
   [ "$(json_sha "$work/c1/years-out/2021/資料.json")" = "$(sha "$work/c1/years/2021/資料.pdf")" ]; then
  ok "recursive-year-folders"
else
  fail "recursive-year-folders: exit $status, $(cd "$work/c1/years-out" && find . -name '*.json' | tr '\n' ' ')"
fi
# An input named all.pdf and --combined all.xlsx: refused before anything is converted.
mkdir -p "$work/c1/all"
cp "$work/basic.pdf" "$work/c1/all/all.pdf"
out=$("$bin" -q --combined all.xlsx -o "$work/c1/all-out" "$work/c1/all" 2>&1)
status=$?
if [ $status -eq 2 ] && grep -q "all\.pdf has outputs of that name" <<<"$out" &&
   [ ! -e "$work/c1/all-out/all.json" ]; then
  ok "combined-name-taken"
else
  fail "combined-name-taken: exit $status"; echo "$out" | head -3
fi

# --merge into the name of an input's outputs: refused too.
"$bin" -q --format json,xlsx -o "$work/c1/all-out" "$work/c1/all/all.pdf" >/dev/null 2>&1
out=$("$bin" --merge --combined "$work/c1/all-out/all.xlsx" "$work/c1/all-out" 2>&1)
status=$?
if [ $status -eq 2 ] && grep -q "is an input's output of that name" <<<"$out"; then
  ok "merge-combined-name-taken"
else
  fail "merge-combined-name-taken: exit $status: $out"
fi

# 2. The manifest can lie. An input replaced while it converts (the worker pauses after
# opening it; the input is large enough to take a while without the pause): its outputs and
# the manifest are of the file that is there at the end, or it failed; never the old outputs
# recorded as current for the new file.
mkdir -p "$work/c2/in"
spec=$here/fixtures/specs/sample.spec
{ sed '/^report:/,$d' "$spec"; for _ in $(seq 160); do sed -n '/^report:/,$p' "$spec"; done; } >"$work/c2/bundle.spec"
"$gen" "$work/c2/bundle.spec" "$work/c2/bundle.pdf" "$work/c2/bundle.expected.json" || exit 1
cp "$work/c2/bundle.pdf" "$work/c2/in/k.pdf"
cp "$work/basic.pdf" "$work/c2/new.pdf"
K2X_TEST_PAUSE=k.pdf "$bin" -q --jobs 1 --incremental --format json -o "$work/c2/out" "$work/c2/in" >/dev/null 2>&1 &
pid=$!
sleep 0.25
mv "$work/c2/new.pdf" "$work/c2/in/k.pdf"
wait $pid
"$bin" -q --incremental --format json -o "$work/c2/out" "$work/c2/in" >/dev/null 2>&1
if [ "$(json_sha "$work/c2/out/k.json")" = "$(sha "$work/c2/in/k.pdf")" ]; then
  ok "replaced-mid-conversion"
else
  fail "replaced-mid-conversion: k.json is of another file than in/k.pdf"
fi
# A plain run with another profile, then --incremental with the first: the outputs are made
# again, as the plain run recorded the settings it wrote them with.
sed 's/^name *=.*/name = other-profile/' "$here/../profiles/ad-jizenkadai.ini" >"$work/c2/other.ini"
mkdir -p "$work/c2/plain"
cp "$work/basic.pdf" "$work/c2/plain/p.pdf"
"$bin" -q --incremental --format json -o "$work/c2/plain-out" "$work/c2/plain" >/dev/null 2>&1
"$bin" -q --profile "$work/c2/other.ini" --format json -o "$work/c2/plain-out" "$work/c2/plain" >/dev/null 2>&1
out=$("$bin" -q --incremental --format json -o "$work/c2/plain-out" "$work/c2/plain" 2>&1)
profile=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"])' "$work/c2/plain-out/p.json")
if grep -q "^1 converted" <<<"$out" && [ "$profile" != other-profile ]; then
  ok "plain-run-then-incremental"
else
  fail "plain-run-then-incremental: $out; p.json made with profile $profile"
fi
# Formats are a set: json,xlsx then xlsx,json converts nothing again.
"$bin" -q --incremental --format json,xlsx -o "$work/c2/fmt" "$work/c2/plain" >/dev/null 2>&1
out=$("$bin" -q --incremental --format xlsx,json -o "$work/c2/fmt" "$work/c2/plain" 2>&1)
if grep -q "^0 converted, 1 skipped" <<<"$out"; then ok "formats-reordered"
else fail "formats-reordered: $out"; fi
# A manifest that cannot be written is said, and the run fails.
mkdir -p "$work/c2/nomanifest/.kaigi2xlsx.manifest.jsonl" "$work/c2/nomanifest/.kaigi2xlsx.manifest.json"
out=$("$bin" -q --incremental --format json -o "$work/c2/nomanifest" "$work/c2/plain" 2>&1)
status=$?
if [ $status -eq 1 ] && grep -q "cannot write the manifest" <<<"$out"; then ok "manifest-unwritable"
else fail "manifest-unwritable: exit $status: $out"; fi

# 3. File names that are not UTF-8: the JSON is JSON, with the name escaped and its bytes;
# --incremental and --merge work after it; a newline in a name does not break a line.
mkdir -p "$work/c3/in"
latin=$(printf 'caf\xe9')
cp "$work/basic.pdf" "$work/c3/in/$latin.pdf"
cp "$work/basic.pdf" "$work/c3/in/$(printf 'new\nline').pdf"
"$bin" --incremental --format json -o "$work/c3/out" "$work/c3/in" >"$work/c3/first.out" 2>&1
status=$?
if [ $status -eq 0 ] && /usr/bin/python3 - "$work/c3/out/$latin.json" <<'PY'
import base64, json, sys
src = json.load(open(sys.argv[1]))["source"]
sys.exit(0 if src["file"] == "caf\\xE9.pdf" and base64.b64decode(src["file_bytes"]) == b"caf\xe9.pdf" else 1)
PY
then ok "latin1-name-json"; else fail "latin1-name-json: exit $status"; head -3 "$work/c3/first.out"; fi
lines=$(grep -c "reports" "$work/c3/first.out")
if [ "$lines" -eq 2 ] && grep -q '^.*new\\x0Aline\.pdf: [0-9]* reports' "$work/c3/first.out"; then
  ok "newline-name-one-line"
else
  fail "newline-name-one-line: $lines lines with reports"; cat "$work/c3/first.out"
fi
out=$("$bin" -q --incremental --format json -o "$work/c3/out" "$work/c3/in" 2>&1)
if grep -q "^0 converted, 2 skipped" <<<"$out"; then ok "latin1-name-incremental"
else fail "latin1-name-incremental: $out"; fi
out=$("$bin" --merge --combined "$work/c3/all.xlsx" "$work/c3/out" 2>&1)
status=$?
if [ $status -eq 0 ] && grep -q "^2 inputs → " <<<"$out"; then ok "latin1-name-merge"
else fail "latin1-name-merge: exit $status: $out"; fi

# 4. Silent skips. As a user other than root (root reads any folder): nobody via setpriv when
# we are root, else ourselves.
if [ "$(id -u)" -eq 0 ]; then
  as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
  other_user=1
else
  as_user() { "$@"; }
  other_user=0
fi
mkdir -p "$work/c4/in/secret" "$work/c4/out"
cp "$work/basic.pdf" "$work/c4/in/a.pdf"
cp "$work/basic.pdf" "$work/c4/in/secret/s.pdf"
chmod 755 "$work/c4" "$work/c4/in"
chmod 777 "$work/c4/out"
chmod 000 "$work/c4/in/secret"
out=$(as_user "$bin" -q -r --format json -o "$work/c4/out/r" "$work/c4/in" 2>&1)
status=$?
if [ $status -eq 1 ] && grep -q "secret: cannot read folder: Permission denied" <<<"$out" &&
   [ -s "$work/c4/out/r/a.json" ]; then
  ok "unreadable-subfolder"
else
  fail "unreadable-subfolder: exit $status: $out"
fi
out=$(as_user "$bin" -q --format json -o "$work/c4/out/top" "$work/c4/in/secret" 2>&1)
status=$?
if [ $status -eq 1 ] && grep -q "secret: cannot read folder: Permission denied" <<<"$out"; then
  ok "unreadable-top-folder"
else
  fail "unreadable-top-folder: exit $status: $out"
fi
chmod 755 "$work/c4/in/secret"
# A lock file another user made and holds: the run refuses (exit 3) instead of going on
# unlocked.
if [ "$other_user" -eq 1 ]; then
  mkdir -p "$work/c4/out/locked" && chmod 777 "$work/c4/out/locked"
  touch "$work/c4/out/locked/.kaigi2xlsx.lock" && chmod 644 "$work/c4/out/locked/.kaigi2xlsx.lock"
  flock "$work/c4/out/locked/.kaigi2xlsx.lock" sleep 3 &
  holder=$!
  sleep 0.3
  out=$(as_user "$bin" -q --format json -o "$work/c4/out/locked" "$work/c4/in/a.pdf" 2>&1)
  status=$?
  wait $holder
  if [ $status -eq 3 ] && [ ! -e "$work/c4/out/locked/a.json" ]; then ok "lock-of-another-user"
  else fail "lock-of-another-user: exit $status: $out"; fi
else
  skip "lock-of-another-user: needs root to run as another user (setpriv)"
fi
# The output folder inside the input folder, and equal to it, with --review, twice: the
# reviews written are never read back as inputs.
mkdir -p "$work/c4/self"
cp "$work/basic.pdf" "$work/c4/self/a.pdf"
cp -r "$work/c4/self" "$work/c4/same"
for round in 1 2; do
  out=$("$bin" -q -r --review -o "$work/c4/self/out" "$work/c4/self" 2>&1)
  status=$?
  out2=$("$bin" -q -r --review -o "$work/c4/same" "$work/c4/same" 2>&1)
  status2=$?
done
if [ $status -eq 0 ] && [ $status2 -eq 0 ] && grep -q "^1 converted" <<<"$out" &&
   grep -q "^1 converted" <<<"$out2"; then
  ok "output-inside-input"
else
  fail "output-inside-input: exit $status/$status2: $out / $out2"
fi

# 5. Stops that leave debris. SIGTERM and SIGINT mid-batch: workers stopped, no temporary
# left, the summary printed (interrupted), exit 128+signal.
mkdir -p "$work/c5/in"
for n in 1 2 3 4 5 6; do cp "$work/c2/bundle.pdf" "$work/c5/in/k$n.pdf"; done
for sig in TERM INT; do
  # A background job starts with SIGINT ignored, which a program keeps: undo that.
  env --default-signal=$sig "$bin" -q --jobs 2 --format json,xlsx,csv -o "$work/c5/out-$sig" "$work/c5/in" >"$work/c5/$sig.log" 2>&1 &
  pid=$!
  sleep 0.5
  kill -$sig $pid
  wait $pid
  status=$?
  want=$(( 128 + $(kill -l $sig) ))
  left=$(temps "$work/c5/out-$sig")
  if [ $status -eq $want ] && [ "$left" -eq 0 ] && grep -q "interrupted by SIG$sig" "$work/c5/$sig.log"; then
    ok "stop-sig$sig"
  else
    fail "stop-sig$sig: exit $status (want $want), $left temporaries: $(tail -2 "$work/c5/$sig.log")"
  fi
done
# kill -9 during --incremental --force: the rerun (which skips those inputs, current since the
# first run) still removes every temporary.
"$bin" -q --jobs 2 --incremental --format json,csv -o "$work/c5/force" "$work/c5/in" >/dev/null 2>&1
"$bin" -q --jobs 2 --incremental --force --format json,csv -o "$work/c5/force" "$work/c5/in" >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 $pid; wait $pid 2>/dev/null
for _ in $(seq 30); do # the workers' exit releases the lock
  flock -n "$work/c5/force/.kaigi2xlsx.lock" true 2>/dev/null && break
  sleep 0.1
done
before=$(temps "$work/c5/force")
"$bin" -q --jobs 2 --incremental --format json,csv -o "$work/c5/force" "$work/c5/in" >/dev/null 2>&1
left=$(temps "$work/c5/force")
if [ "$left" -eq 0 ]; then ok "kill9-force-rerun ($before temporaries before the rerun)"
else fail "kill9-force-rerun: $left temporaries left ($before before)"; fi
# A killed --merge --combined left its workbook's temporary: the next merge removes it.
mkdir -p "$work/c5/merged"
: >"$work/c5/merged/.all.xlsx.Ab12Cd"
"$bin" -q --merge --combined "$work/c5/merged/all.xlsx" "$work/c3/out" >/dev/null 2>&1
left=$(temps "$work/c5/merged")
if [ "$left" -eq 0 ] && [ -s "$work/c5/merged/all.xlsx" ]; then ok "killed-merge-rerun"
else fail "killed-merge-rerun: $left temporaries left"; fi

# 6. Cost and messages. --combined is written once, and says so once.
mkdir -p "$work/c6/in"
for n in a b c; do cp "$work/basic.pdf" "$work/c6/in/$n.pdf"; done
out=$("$bin" --combined all.xlsx -o "$work/c6/comb" "$work/c6/in" 2>&1)
lines=$(grep -c "inputs → " <<<"$out")
if [ "$lines" -eq 1 ] && [ -s "$work/c6/comb/all.xlsx" ]; then ok "combined-once"
else fail "combined-once: $lines lines: $out"; fi
# Under --memory-limit, running out of memory is named as such, and no library line is loose
# on the terminal: every line names the input, or is the summary.
for mb in 20 40 60; do
  out=$("$bin" -q --memory-limit $mb --format json,xlsx -o "$work/c6/mem$mb" "$work/c2/bundle.pdf" 2>&1)
  loose=$(grep -v "^$work/c2/bundle\.pdf: \|^[0-9]* converted" <<<"$out" | wc -l)
  unnamed=$(grep "^$work/c2/bundle\.pdf: " <<<"$out" | grep -v "library: " | grep -vc "memory-limit")
  if [ "$loose" -ne 0 ] || [ "$unnamed" -ne 0 ]; then
    fail "memory-limit-$mb: $loose loose lines, $unnamed failures not naming the limit: $out"; break
  fi
done
[ "$loose" -eq 0 ] && [ "$unnamed" -eq 0 ] && ok "memory-limit-named"
# --merge validates what it reads: page numbers out of range and a wrong type fail the file,
# naming where; an empty folder is an error, not an empty workbook.
mkdir -p "$work/c6/bad" "$work/c6/empty"
/usr/bin/python3 - "$work/c6/comb/a.json" "$work/c6/bad" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["reports"][0]["pages"] = [-5, 99999999999]
json.dump(doc, open(sys.argv[2] + "/pages.json", "w"), ensure_ascii=False)
doc = json.load(open(sys.argv[1]))
doc["reports"][0]["sections"][0]["number"] = "one"
json.dump(doc, open(sys.argv[2] + "/type.json", "w"), ensure_ascii=False)
PY
out=$("$bin" --merge --combined "$work/c6/bad/all.xlsx" "$work/c6/bad" 2>&1)
status=$?
if [ $status -eq 1 ] && grep -q "pages\.json: .*reports\[0\]\.pages: page -5" <<<"$out" &&
   grep -q "type\.json: .*sections\[0\]\.number: not an integer" <<<"$out" && [ ! -e "$work/c6/bad/all.xlsx" ]; then
  ok "merge-corrupt-values"
else
  fail "merge-corrupt-values: exit $status: $out"
fi
out=$("$bin" --merge --combined "$work/c6/empty/all.xlsx" "$work/c6/empty" 2>&1)
status=$?
if [ $status -eq 1 ] && [ ! -e "$work/c6/empty/all.xlsx" ]; then ok "merge-empty-folder"
else fail "merge-empty-folder: exit $status: $out"; fi
# Paths and options are checked before the first conversion.
printf 'x\n' >"$work/c6/a-file"
out=$("$bin" -q --combined "$work/c6/a-file/all.xlsx" -o "$work/c6/early" "$work/c6/in" 2>&1)
status=$?
if [ $status -eq 2 ] && [ -z "$(ls "$work/c6/early" 2>/dev/null | grep -v '^\.')" ]; then ok "combined-path-checked-first"
else fail "combined-path-checked-first: exit $status, $(ls "$work/c6/early" 2>/dev/null | tr '\n' ' ')"; fi
out=$("$bin" -q --shard 1/3x -o "$work/c6/shard" "$work/c6/in" 2>&1)
status=$?
if [ $status -eq 2 ] && grep -q -- "--shard" <<<"$out"; then ok "shard-spec-checked"
else fail "shard-spec-checked: exit $status: $out"; fi
# Workers that cannot start (few descriptors) make a smaller pool, not failed inputs.
mkdir -p "$work/c6/many"
for n in $(seq -w 1 60); do cp "$work/basic.pdf" "$work/c6/many/m$n.pdf"; done
out=$(ulimit -n 40; "$bin" -q --jobs 1000 --format json -o "$work/c6/many-out" "$work/c6/many" 2>&1)
if grep -q "^60 converted, 0 skipped, 0 failed" <<<"$out"; then ok "few-descriptors-many-jobs"
else fail "few-descriptors-many-jobs: $(tail -3 <<<"$out")"; fi

[ $failed -ne 0 ] && exit 1
[ $skipped -ne 0 ] && exit 77
exit 0
