#!/usr/bin/env bash
# Regenerates the committed seed corpora in fuzz/corpus/ from the test fixtures: PDFs rendered
# from a few fixture specs by gen_fixtures, their pdftotext text (with and without -layout,
# one in CP932), the real bundle's text excerpt, the built-in profile, and basic.pdf with its
# first page scanned (scan_fixtures, 100 dpi: the OCR path with text to read).
# Usage: fuzz/make-seeds.sh [BUILD_DIR]   (default build/; needs gen_fixtures built there)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-$top/build}/tests/gen_fixtures
scan=${1:-$top/build}/tests/scan_fixtures
corpus=$top/fuzz/corpus
specs=$top/tests/fixtures/specs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f "$corpus"/{text,pdf,profile}/*
for spec in basic empty-section features scan-page; do
  "$gen" "$specs/$spec.spec" "$corpus/pdf/$spec.pdf" "$tmp/$spec.json" >/dev/null
done
"$scan" --dpi 100 --pages 1 "$corpus/pdf/basic.pdf" "$corpus/pdf/basic-scan.pdf"
pdftotext "$corpus/pdf/basic.pdf" "$corpus/text/basic.txt"
pdftotext -layout "$corpus/pdf/basic.pdf" "$corpus/text/basic.layout.txt"
pdftotext -layout "$corpus/pdf/features.pdf" "$corpus/text/features.layout.txt"
pdftotext "$corpus/pdf/scan-page.pdf" "$corpus/text/scan-page.txt"
iconv -f UTF-8 -t CP932 "$corpus/text/basic.layout.txt" >"$corpus/text/basic.layout.cp932.txt"
cp "$top/tests/fixtures/text/excerpt.txt" "$corpus/text/excerpt.txt"
cp "$top/profiles/ad-jizenkadai.ini" "$corpus/profile/ad-jizenkadai.ini"
# The same profile without its comments, and one of two plain sections.
grep -v '^#' "$top/profiles/ad-jizenkadai.ini" >"$corpus/profile/no-comments.ini"
cat >"$corpus/profile/two-sections.ini" <<'INI'
[profile]
name = two
page_number = ^\d+$
item_marker = ^[・●]

[section 1]
heading = 成果
sheet = 成果

[section 2]
heading = 課題
INI
du -sh "$corpus"
