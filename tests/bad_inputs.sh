#!/usr/bin/env bash
# Bad inputs: empty, mislabelled, truncated, encrypted, page-less, crowded and damaged PDFs,
# unreadable entries of an input directory, an output directory that cannot be used and a
# disk that fills up while writing. For each: the exit status, one `FILE: reason` line on
# stderr, the batch going on to a good input placed after the bad ones, and no output or
# temporary file left behind for an input that failed. Every input is generated here
# (make_bad_inputs.py, gen_fixtures); the time of each run is printed.
# Usage: bad_inputs.sh KAIGI2XLSX GEN_FIXTURES WORKDIR
set -uo pipefail
bin=$1 gen=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/in" "$work/out" "$work/log"
failed=0
fail() { echo "FAIL $*"; failed=1; }

# Fixtures: basic (the good input and the source of the bad ones); empty-section and rules
# have small and larger outputs, for the disk-full runs; sample has the largest JSON.
for spec in basic empty-section rules sample; do
  "$gen" "$here/fixtures/specs/$spec.spec" "$work/in/$spec.pdf" "$work/in/$spec.expected.json" \
    || { echo "FAIL gen_fixtures $spec"; exit 1; }
done
good=$work/in/basic.pdf
/usr/bin/python3 "$here/make_bad_inputs.py" "$good" "$work/bad" \
  || { echo "FAIL make_bad_inputs.py"; exit 1; }

# run CASE STATUS [OPTION...] -- INPUT...: converts the inputs into out/CASE with the options,
# keeping stdout and stderr in log/CASE.{out,err}, and checks the exit status.
run() {
  local case=$1 status=$2
  shift 2
  local opts=() start got ms
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  start=$(date +%s%N)
  "$bin" --timeout 60 "${opts[@]}" -o "$work/out/$case" "$@" \
    >"$work/log/$case.out" 2>"$work/log/$case.err"
  got=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$got" -ne "$status" ]; then
    fail "$case: exit status $got, expected $status (${ms} ms)"; head -5 "$work/log/$case.err"
    return 1
  fi
  echo "ok   $case: exit $got (${ms} ms)"
}

# says CASE INPUT PATTERN: stderr of CASE has exactly one line for INPUT ("INPUT: reason"),
# and it matches PATTERN (grep -E).
says() {
  local case=$1 input=$2 pattern=$3
  local lines
  lines=$(grep -F -- "$input: " "$work/log/$case.err")
  if [ "$(grep -c . <<<"$lines")" -ne 1 ]; then
    fail "$case: expected one stderr line for $input, got:"; cat "$work/log/$case.err"
  elif ! grep -qE -- "$pattern" <<<"$lines"; then
    fail "$case: message does not match /$pattern/: $lines"
  else
    echo "     $lines"
  fi
}

# quiet_otherwise CASE INPUT...: every stderr line of CASE is an INPUT's `INPUT: reason`, but
# the closing summary.
quiet_otherwise() {
  local case=$1 stray
  shift
  stray=$(grep -v -F -f <(printf '%s: \n' "$@") "$work/log/$case.err" |
          grep -vE '^[0-9]+ converted, [0-9]+ skipped, [0-9]+ failed, [0-9]+ warnings in ')
  [ -z "$stray" ] || { fail "$case: stray stderr lines:"; echo "$stray" | head -5; }
}

# converted CASE NAME: out/CASE/NAME.json and NAME.xlsx exist and are not empty.
converted() {
  local ext
  for ext in json xlsx; do
    [ -s "$work/out/$1/$2.$ext" ] || fail "$1: $2.$ext missing"
  done
}

# left_nothing CASE NAME...: nothing of NAME in out/CASE, and no temporary file at all (ours
# are .NAME.ext.XXXXXX; GLib's g_file_set_contents uses NAME.json.XXXXXX).
left_nothing() {
  local case=$1 dir=$work/out/$1 name
  shift
  for name in "$@"; do
    if compgen -G "$dir/$name.*" >/dev/null; then
      fail "$case: output of $name left behind:" "$(cd "$dir" && echo "$name".*)"
    fi
  done
  local temps
  temps=$(find "$dir" -maxdepth 1 -type f \( -name '.*' -o -name '*.json.??????' \) \
          ! -name .kaigi2xlsx.lock ! -name .kaigi2xlsx.manifest.jsonl 2>/dev/null)
  [ -z "$temps" ] || fail "$case: temporary files left: $temps"
}

# same_as_original CASE NAME: the JSON equals what basic.spec describes.
same_as_original() {
  /usr/bin/python3 "$here/compare_json.py" "$work/in/basic.expected.json" \
    "$work/out/$1/$2.json" >"$work/log/$1.compare" 2>&1 \
    || { fail "$1: $2.json differs from the original:"; head -5 "$work/log/$1.compare"; }
}

bad=$work/bad
cp "$good" "$bad/z-good.pdf" # sorts after every bad input of the directory

# Not PDFs at all: a 0-byte file and a text file, both named .pdf.
run not-pdf 1 -- "$bad/empty.pdf" "$bad/text.pdf" "$good"
says not-pdf "$bad/empty.pdf" "empty\.pdf: not a PDF"
says not-pdf "$bad/text.pdf" "text\.pdf: not a PDF"
quiet_otherwise not-pdf "$bad/empty.pdf" "$bad/text.pdf"
converted not-pdf basic
left_nothing not-pdf empty text

# Truncated: without the end (xref, trailer, catalog, fonts) poppler cannot rebuild the
# document; cut just before %%EOF it reads as the original.
run truncated 1 -- "$bad/trunc-10.pdf" "$bad/trunc-50.pdf" "$bad/trunc-90.pdf" \
  "$bad/trunc-eof.pdf" "$good"
for cut in 10 50 90; do
  says truncated "$bad/trunc-$cut.pdf" "trunc-$cut\.pdf: not a PDF that can be opened"
done
quiet_otherwise truncated "$bad"/trunc-{10,50,90}.pdf
converted truncated trunc-eof
same_as_original truncated trunc-eof
converted truncated basic
left_nothing truncated trunc-10 trunc-50 trunc-90

# A damaged cross-reference table (every offset wrong, or startxref into a stream): poppler
# rebuilds it, and the result is the original's.
run bad-xref 0 -- "$bad/bad-xref.pdf" "$bad/bad-startxref.pdf"
for name in bad-xref bad-startxref; do
  converted bad-xref $name
  same_as_original bad-xref $name
done

# Encrypted with a user password (RC4 128- and 40-bit): without it the input fails saying a
# password is needed; with --password (the user's or the owner's) it converts as the original.
run encrypted 1 -- "$bad/enc-user-128.pdf" "$bad/enc-user-40.pdf" "$good"
for bits in 128 40; do
  says encrypted "$bad/enc-user-$bits.pdf" "enc-user-$bits\.pdf: password required"
done
quiet_otherwise encrypted "$bad"/enc-user-{128,40}.pdf
converted encrypted basic
left_nothing encrypted enc-user-128 enc-user-40
run password 0 --password kaigi -- "$bad/enc-user-128.pdf" "$bad/enc-user-40.pdf" "$good"
run password-owner 0 --password kanri -- "$bad/enc-user-128.pdf"
for bits in 128 40; do
  converted password enc-user-$bits
  same_as_original password enc-user-$bits
done
converted password-owner enc-user-128
# A lone input's pages are read by two threads, each opening the file with the password.
run password-threads 0 --jobs 2 --password kaigi -- "$bad/enc-user-128.pdf"
same_as_original password-threads enc-user-128
# The review reopens the source: it needs the password too.
run password-review 0 --review --password kaigi -- "$bad/enc-user-128.pdf"
[ -s "$work/out/password-review/enc-user-128.review.pdf" ] \
  || fail "password-review: enc-user-128.review.pdf missing"

# Encrypted with an owner password only (copying and printing not permitted): opens without
# a password, and the text is extracted all the same.
run owner-only 0 -- "$bad/enc-owner-128.pdf" "$bad/enc-owner-40.pdf"
for bits in 128 40; do
  converted owner-only enc-owner-$bits
  same_as_original owner-only enc-owner-$bits
done

# A wrong --password: the user-password input fails saying so; an owner-only input needs no
# password and converts anyway (a batch shares one --password). (poppler-glib 22.12 crashes
# retrying from bytes with a wrong password; the converter opens without one first and retries
# from the file.)
"$bin" --timeout 60 --password wrong -o "$work/out/wrong-password" "$bad/enc-user-128.pdf" \
  "$good" >"$work/log/wrong-password.out" 2>"$work/log/wrong-password.err"
status=$?
if [ $status -ne 1 ]; then
  fail "wrong-password: exit status $status, expected 1"
else
  echo "ok   wrong-password: exit 1"
  says wrong-password "$bad/enc-user-128.pdf" "enc-user-128\.pdf: password required"
fi
converted wrong-password basic
left_nothing wrong-password enc-user-128
"$bin" --timeout 60 --password wrong -o "$work/out/owner-wrong" "$bad/enc-owner-128.pdf" \
  >"$work/log/owner-wrong.out" 2>"$work/log/owner-wrong.err"
status=$?
if [ $status -eq 0 ]; then
  echo "ok   owner-wrong: exit 0"
  converted owner-wrong enc-owner-128
else
  fail "owner-wrong: exit status $status:"; cat "$work/log/owner-wrong.err"
fi

# A valid PDF without pages.
run zero-pages 1 -- "$bad/zero-pages.pdf" "$good"
says zero-pages "$bad/zero-pages.pdf" "zero-pages\.pdf: .*(no pages|0 pages)"
quiet_otherwise zero-pages "$bad/zero-pages.pdf"
converted zero-pages basic
left_nothing zero-pages zero-pages

# 20,000 text objects of one character on a page: it must finish in well under the 30 s
# allowed (the time is printed) and either convert or fail cleanly; its letters hold no
# section heading, so today it fails.
start=$(date +%s%N)
"$bin" --timeout 60 -o "$work/out/many-objects" "$bad/many-objects.pdf" "$good" \
  >"$work/log/many-objects.out" 2>"$work/log/many-objects.err"
status=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $status -eq 0 ]; then
  echo "ok   many-objects: converted (${ms} ms)"
  converted many-objects many-objects
elif [ $status -eq 1 ]; then
  echo "ok   many-objects: failed cleanly (${ms} ms)"
  says many-objects "$bad/many-objects.pdf" "many-objects\.pdf: "
  quiet_otherwise many-objects "$bad/many-objects.pdf"
  left_nothing many-objects many-objects
else
  fail "many-objects: exit status $status"
fi
converted many-objects basic
[ "$ms" -lt 30000 ] || fail "many-objects: took ${ms} ms"

# Unreadable entries of an input directory: a dangling link (always), a file without read
# permission (not as root, whom chmod does not stop), and a FIFO (not a regular file, never
# opened: it would block). A directory named .pdf is no input at all. The good file sorts
# last.
dir=$work/dir-in
mkdir -p "$dir"
ln -s "$work/no-such-file.pdf" "$dir/dangling.pdf"
mkdir "$dir/folder.pdf"
printf '%%PDF-1.4\n' >"$dir/locked.pdf"
chmod 000 "$dir/locked.pdf"
mkfifo "$dir/fifo.pdf"
cp "$good" "$dir/z-good.pdf"
run directory 1 --timeout 2 -- "$dir"
says directory "$dir/dangling.pdf" "dangling\.pdf: cannot read file"
says directory "$dir/fifo.pdf" "fifo\.pdf: cannot read file: not a regular file"
if [ "$(id -u)" -eq 0 ]; then
  echo "SKIP (root) directory: locked.pdf is readable by root despite chmod 000"
else
  says directory "$dir/locked.pdf" "locked\.pdf: cannot read file.*(Permission denied|permission)"
  left_nothing directory locked
fi
quiet_otherwise directory "$dir"/{dangling,fifo,locked}.pdf
! grep -q "folder\.pdf" "$work/log/directory.err" || fail "directory: folder.pdf taken as an input"
converted directory z-good
left_nothing directory dangling folder fifo

# Outputs that cannot be written. A regular file where the output directory should be: mkdir
# fails even for root; nothing can be written, so no input is converted.
printf 'x\n' >"$work/out/a-file"
"$bin" -o "$work/out/a-file" "$good" >"$work/log/output-file.out" 2>"$work/log/output-file.err"
status=$?
if [ $status -eq 1 ] \
  && grep -q "a-file: cannot create output directory" "$work/log/output-file.err"; then
  echo "ok   output-file: exit 1"; echo "     $(cat "$work/log/output-file.err")"
else
  fail "output-file: exit status $status:"; cat "$work/log/output-file.err"
fi
[ "$(cat "$work/out/a-file")" = x ] || fail "output-file: the file was changed"
# A directory without write permission (not as root).
mkdir -p "$work/out/read-only"
chmod 555 "$work/out/read-only"
if [ "$(id -u)" -eq 0 ]; then
  echo "SKIP (root) read-only: root writes into a mode 555 directory"
else
  "$bin" -o "$work/out/read-only" "$good" "$work/in/rules.pdf" \
    >"$work/log/read-only.out" 2>"$work/log/read-only.err"
  status=$?
  if [ $status -eq 1 ]; then echo "ok   read-only: exit 1"
  else fail "read-only: exit status $status, expected 1"; fi
  says read-only "$good" "basic\.pdf: cannot write output: .*(Permission denied)"
  says read-only "$work/in/rules.pdf" "rules\.pdf: cannot write output"
  [ -z "$(ls -A "$work/out/read-only")" ] || fail "read-only: files written"
fi
chmod 755 "$work/out/read-only"

# The disk fills up: under `ulimit -f` with SIGXFSZ ignored, a write beyond the limit fails
# with EFBIG. The limit lies between the outputs of the small inputs a and c (empty-section)
# and the xlsx of b (rules), whose JSON still fits: b's xlsx fails, its JSON is taken back,
# a's and c's outputs are whole. The sizes come from a run without the limit.
cp "$work/in/empty-section.pdf" "$work/in/a.pdf"
cp "$work/in/rules.pdf" "$work/in/b.pdf"
cp "$work/in/empty-section.pdf" "$work/in/c.pdf"
run disk-reference 0 -- "$work/in/a.pdf" "$work/in/b.pdf" "$work/in/sample.pdf"
ref=$work/out/disk-reference
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
small=0
for f in a.json a.xlsx b.json; do
  [ "$(size "$ref/$f")" -gt $small ] && small=$(size "$ref/$f")
done
big=$(size "$ref/b.xlsx")
blocks=$(( (small + big) / 2 / 1024 ))
if [ $(( blocks * 1024 )) -lt "$small" ] || [ $(( blocks * 1024 )) -ge "$big" ]; then
  fail "disk-full: no limit in KiB fits between $small and $big bytes"
else
  start=$(date +%s%N)
  ( trap '' XFSZ; ulimit -f $blocks
    exec "$bin" -o "$work/out/disk-full" "$work/in/a.pdf" "$work/in/b.pdf" "$work/in/c.pdf" \
      >"$work/log/disk-full.out" 2>"$work/log/disk-full.err" )
  status=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $status -ne 1 ]; then
    fail "disk-full: exit status $status, expected 1 (limit $blocks KiB)"
    cat "$work/log/disk-full.err"
  else
    echo "ok   disk-full: exit 1 (limit $blocks KiB, ${ms} ms)"
  fi
  says disk-full "$work/in/b.pdf" "b\.pdf: cannot write output: .*b\.xlsx"
  # libxlsxwriter prints its own diagnostics ([ERROR] …) to stderr; reported, not failed.
  lxw=$(grep '^\[ERROR\]' "$work/log/disk-full.err")
  if [ -n "$lxw" ]; then
    echo "NOTE disk-full: libxlsxwriter printed $(grep -c . <<<"$lxw") lines of its own:"
    sed 's/^/     /' <<<"$lxw"
  fi
  grep -v '^\[ERROR\]' "$work/log/disk-full.err" >"$work/log/disk-full-own.err"
  quiet_otherwise disk-full-own "$work/in/b.pdf"
  left_nothing disk-full b
  cmp -s "$ref/a.json" "$work/out/disk-full/a.json" \
    || fail "disk-full: a.json differs from the run without a limit"
  for name in a c; do
    converted disk-full $name
    /usr/bin/python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip())' \
      "$work/out/disk-full/$name.xlsx" 2>/dev/null || fail "disk-full: $name.xlsx is damaged"
  done
  # The JSON is written first: an input whose JSON is over the limit fails on it.
  [ "$(size "$ref/sample.json")" -gt $(( blocks * 1024 )) ] \
    || fail "disk-full-json: sample.json ($(size "$ref/sample.json") bytes) fits in $blocks KiB"
  ( trap '' XFSZ; ulimit -f $blocks
    exec "$bin" -o "$work/out/disk-full-json" "$work/in/sample.pdf" "$work/in/a.pdf" \
      >"$work/log/disk-full-json.out" 2>"$work/log/disk-full-json.err" )
  status=$?
  if [ $status -ne 1 ]; then
    fail "disk-full-json: exit status $status, expected 1 (limit $blocks KiB)"
    cat "$work/log/disk-full-json.err"
  else
    echo "ok   disk-full-json: exit 1 (limit $blocks KiB)"
  fi
  says disk-full-json "$work/in/sample.pdf" \
    "sample\.pdf: cannot write output: .*sample\.json.*File too large"
  quiet_otherwise disk-full-json "$work/in/sample.pdf"
  left_nothing disk-full-json sample
  converted disk-full-json a
fi

# The disk fills while a sheet's rows are spooled (libxlsxwriter's constant-memory mode, which
# does not check those writes): the limit lies between the zipped workbook and its largest
# sheet before compression, so only the spool fails. A workbook cut short must not pass.
spool=$(/usr/bin/python3 -c 'import sys, zipfile
print(max(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$ref/sample.xlsx")
blocks=$(( ($(size "$ref/sample.xlsx") + spool) / 2 / 1024 ))
if [ $(( blocks * 1024 )) -le "$(size "$ref/sample.xlsx")" ] || [ $(( blocks * 1024 )) -ge "$spool" ]; then
  fail "disk-full-spool: no limit in KiB fits between $(size "$ref/sample.xlsx") and $spool bytes"
else
  ( trap '' XFSZ; ulimit -f $blocks
    exec "$bin" --format xlsx -o "$work/out/disk-full-spool" "$work/in/sample.pdf" \
      >"$work/log/disk-full-spool.out" 2>"$work/log/disk-full-spool.err" )
  status=$?
  if [ $status -ne 1 ]; then
    fail "disk-full-spool: exit status $status, expected 1 (limit $blocks KiB)"
  else
    echo "ok   disk-full-spool: exit 1 (limit $blocks KiB)"
  fi
  says disk-full-spool "$work/in/sample.pdf" "sample\.pdf: cannot write output: .*sample\.xlsx"
  left_nothing disk-full-spool sample
fi

# Everything at once: the directory of bad inputs, z-good.pdf last. One line per bad input
# that fails, the good one converted, nothing else left.
run all-bad 1 -- "$bad"
for name in empty text trunc-10 trunc-50 trunc-90 enc-user-128 enc-user-40 zero-pages \
  many-objects; do
  says all-bad "$bad/$name.pdf" "$name\.pdf: "
  left_nothing all-bad "$name"
done
for name in z-good trunc-eof bad-xref bad-startxref enc-owner-128 enc-owner-40; do
  converted all-bad $name
done

exit $failed
