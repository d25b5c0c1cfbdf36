#!/usr/bin/env bash
# End to end for text input, as pdftotext writes it:
#   main     the basic fixture PDF → pdftotext (no -layout) → kaigi2xlsx → the JSON the spec
#            describes; the same text in UTF-8, UTF-8 with a BOM, Shift_JIS (CP932) and EUC-JP
#            → the same JSON; undecodable bytes → exit 1, naming the file and the offset.
#   excerpt  three consecutive reports of the real bundle's text, copied verbatim
#            (fixtures/text/excerpt.txt) → the hand-written fixtures/text/excerpt.expected.json.
# Usage: e2e_text.sh KAIGI2XLSX GEN_FIXTURES WORKDIR [main|excerpt]
set -uo pipefail
bin=$1 gen=$2 work=$3 part=${4:-main}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL $*"; failed=1; }

# convert NAME OUTDIR FILE [OPTION...]: converts FILE into OUTDIR; a failure is reported as NAME.
convert() {
  local name=$1 out=$2 file=$3
  shift 3
  "$bin" -q -o "$out" "$@" "$file" || { fail "$name: conversion"; return 1; }
}

# is_text JSON PAGES: the JSON says its source is text of PAGES pages, and has no warnings.
is_text() {
  "$py" - "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
problems = []
if doc["source"].get("kind") != "text":
    problems.append(f"source.kind {doc['source'].get('kind')!r}, expected 'text'")
if doc["source"].get("pages") != int(sys.argv[2]):
    problems.append(f"source.pages {doc['source'].get('pages')}, expected {sys.argv[2]}")
warnings = doc.get("warnings", []) + [w for r in doc["reports"] for w in r.get("warnings", [])]
for w in warnings:
    problems.append(f"warning {w.get('code')} on page {w.get('page')}: {w.get('message')}")
for p in problems:
    print(f"{sys.argv[1]}: {p}")
sys.exit(1 if problems else 0)
EOF
}

# same_json A B: two conversions agree on everything but the source file's name and digest.
same_json() {
  "$py" - "$1" "$2" <<'EOF'
import json, sys
docs = []
for path in sys.argv[1:]:
    doc = json.load(open(path, encoding="utf-8"))
    for key in ("file", "sha256"):
        doc["source"].pop(key, None)
    docs.append(doc)
if docs[0] != docs[1]:
    a, b = (json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True).splitlines() for d in docs)
    diff = [f"{x}  |  {y}" for x, y in zip(a, b) if x != y][:5]
    print(f"{sys.argv[1]} and {sys.argv[2]} differ:", *diff, sep="\n  ")
    sys.exit(1)
EOF
}

run_main() {
  mkdir -p "$work/in" "$work/out"
  command -v pdftotext >/dev/null || { fail "pdftotext not found (Debian package poppler-utils)"; return; }

  # (a) The spec's PDF as plain pdftotext writes it: one form feed after every page.
  "$gen" "$here/fixtures/specs/basic.spec" "$work/basic.pdf" "$work/basic.expected.json" \
    || { fail "basic: fixture generation"; return; }
  pdftotext -enc UTF-8 "$work/basic.pdf" "$work/in/basic.txt" || { fail "basic: pdftotext"; return; }
  # Text keeps no rules: its tables are read from the text alone.
  "$py" - "$work/basic.expected.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
for r in doc["reports"]:
    for s in r["sections"]:
        if "table" in s:
            s["table"]["layout"] = "text"
json.dump(doc, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
  pages=$(pdfinfo "$work/basic.pdf" | awk '/^Pages:/ {print $2}')
  if convert basic "$work/out/utf8" "$work/in/basic.txt"; then
    "$py" "$here/compare_json.py" "$work/basic.expected.json" "$work/out/utf8/basic.json" \
      || fail "basic: JSON differs from the spec"
    is_text "$work/out/utf8/basic.json" "$pages" || fail "basic: source or warnings"
    "$py" "$here/check_xlsx.py" "$work/out/utf8/basic.xlsx" "$work/out/utf8/basic.json" \
      || fail "basic: xlsx does not match the JSON"
  fi

  # (b) The same text in the other encodings gives the same JSON, detected or named.
  # Plain EUC-JP (JIS X 0208) has no ①②③, which the spec prints, so the EUC-JP copies are made
  # of the text with those written as （１）（２）（３）, and compared with that text in UTF-8;
  # the text as printed goes to eucJP-ms, which has them, with its name given.
  { printf '\xEF\xBB\xBF'; cat "$work/in/basic.txt"; } >"$work/in/basic-bom.txt"
  iconv -f UTF-8 -t CP932 "$work/in/basic.txt" >"$work/in/basic-cp932.txt" || fail "iconv CP932"
  iconv -f UTF-8 -t EUC-JP-MS "$work/in/basic.txt" >"$work/in/basic-eucjpms.txt" \
    || fail "iconv EUC-JP-MS"
  sed -e 's/①/（１）/g; s/②/（２）/g; s/③/（３）/g' "$work/in/basic.txt" >"$work/in/jis.txt"
  iconv -f UTF-8 -t EUC-JP "$work/in/jis.txt" >"$work/in/jis-eucjp.txt" || fail "iconv EUC-JP"
  for f in basic-bom basic-cp932 jis jis-eucjp; do
    convert "$f" "$work/out/detected" "$work/in/$f.txt"
  done
  convert "CP932 named" "$work/out/named" "$work/in/basic-cp932.txt" --input-encoding CP932
  convert "EUC-JP named" "$work/out/named" "$work/in/jis-eucjp.txt" --input-encoding EUC-JP
  convert "eucJP-ms named" "$work/out/named" "$work/in/basic-eucjpms.txt" \
    --input-encoding EUC-JP-MS
  for pair in utf8/basic:detected/basic-bom utf8/basic:detected/basic-cp932 \
              utf8/basic:named/basic-cp932 utf8/basic:named/basic-eucjpms \
              detected/jis:detected/jis-eucjp detected/jis:named/jis-eucjp; do
    a=$work/out/${pair%%:*}.json b=$work/out/${pair##*:}.json
    [ -s "$a" ] && [ -s "$b" ] || { fail "encodings: $pair: missing output"; continue; }
    same_json "$a" "$b" || fail "encodings: ${pair##*:} differs from ${pair%%:*}"
  done
  # The copies really are in other encodings (else the check above proves nothing).
  for f in basic-cp932 basic-eucjpms jis-eucjp; do
    iconv -f UTF-8 -t UTF-8 "$work/in/$f.txt" >/dev/null 2>&1 && fail "encodings: $f.txt is UTF-8"
  done

  # (c) Undecodable bytes: exit 1, the file and the offset of the first bad byte named, no
  # output left. The bytes before it are 9 three-byte characters and a newline.
  printf '２．支援事業の成果\n\xff\xfe\n・研修を開催した。\n' >"$work/in/broken.txt"
  out=$("$bin" -o "$work/out/broken" "$work/in/broken.txt" 2>&1)
  status=$?
  [ "$status" -eq 1 ] || fail "undecodable: exit status $status, expected 1"
  grep -qE "broken\.txt: .*offset 28" <<<"$out" \
    || fail "undecodable: message does not name the file and offset 28: $out"
  left=$(find "$work/out/broken" -type f ! -name .kaigi2xlsx.lock ! -name .kaigi2xlsx.manifest.jsonl 2>/dev/null | wc -l)
  [ "$left" -eq 0 ] || fail "undecodable: $left files left behind"
}

# (d) The real bundle's text, with its quirks: a blank line after every line, a leading space
# on the first line of every page, a title and label printed after their report's body
# (茨城県, 群馬県・太田圏域), and table lines holding a short goal and the start of its status.
run_excerpt() {
  mkdir -p "$work/out"
  local txt=$here/fixtures/text/excerpt.txt
  convert excerpt "$work/out" "$txt" || return
  "$py" "$here/compare_json.py" "$here/fixtures/text/excerpt.expected.json" \
    "$work/out/excerpt.json" || fail "excerpt: JSON differs from excerpt.expected.json"
  is_text "$work/out/excerpt.json" 3 || fail "excerpt: source or warnings"
  "$py" "$here/check_xlsx.py" "$work/out/excerpt.xlsx" "$work/out/excerpt.json" \
    || fail "excerpt: xlsx does not match the JSON"
}

case $part in
  main) run_main ;;
  excerpt) run_excerpt ;;
  *) echo "e2e_text.sh: unknown part $part" >&2; exit 2 ;;
esac
[ "$failed" -eq 0 ] && echo "ok   e2e_text $part"
exit $failed
