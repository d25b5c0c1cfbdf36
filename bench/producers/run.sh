#!/usr/bin/env bash
# run.sh BIN TRUTH SCORE OUTDIR: prints the reports of a truth file (TRUTH_SCHEMA.md) as HTML in
# several table styles with Chromium and LibreOffice, converts each PDF with BIN and scores it
# with SCORE (score.py). For developers: producers the fixture generator is not (not a test).
set -u
bin=$1 truth=$2 score=$3 out=$4
h=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
variants=(
 "grid chromium --font IPAexMincho"
 "grid-thin chromium --font IPAexGothic --pad 0"
 "hrules chromium --font IPAexMincho --size 10"
 "header-rule chromium --font IPAexGothic --pad 8"
 "none chromium --font IPAexMincho --pad 2"
 "zebra chromium --font IPAexGothic"
 "outer chromium --font IPAexMincho --goal-width 35"
 "vrules chromium --font IPAexGothic --size 9 --label bottom"
 "grid lo --font IPAexMincho"
 "none lo --font IPAexGothic"
 "hrules lo --font IPAexMincho --goal-width 50"
 "none low --table-attr border=1_cellpadding=4_cellspacing=0"
 "none low --table-attr border=1_cellpadding=0_cellspacing=0 --size 9"
 "none low --table-attr border=0_cellpadding=3 --heading half"
 "none low --table-attr border=1_cellpadding=6_cellspacing=2 --label bottom"
 "none chromium --font IPAexGothic --valign middle"
 "header-rule chromium --font IPAexMincho --pad 6 --valign bottom"
 "zebra chromium --font IPAexGothic --valign middle --size 9"
 "grid chromium --font IPAexMincho --valign bottom"
 "none chromium --font IPAexMincho --pad 1 --valign bottom"
)
for v in "${variants[@]}"; do
  set -- $v
  style=$1 prod=$2; shift 2
  name="$style-$prod$(echo "$*" | tr -d ' -=_' | sed 's/IPAex//g;s/tableattr//;s/border/b/;s/cellpadding/p/;s/cellspacing/s/')"
  args=(); for x in "$@"; do args+=("${x//_/ }"); done
  /usr/bin/python3 "$h/make_html.py" "$truth" "$style" "$out/$name.html" "$out/$name.truth.json" --copies 3 "${args[@]}"
  if [ -f "$out/$name.pdf" ]; then :
  elif [ "$prod" = low ]; then
    timeout 180 soffice -env:UserInstallation=file:///tmp/harness-lo --headless --infilter="HTML (StarWriter)" \
      --convert-to pdf:writer_pdf_Export --outdir "$out" "$out/$name.html" >/dev/null 2>&1
  elif [ "$prod" = chromium ]; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
      --print-to-pdf="$out/$name.pdf" "file://$out/$name.html" >/dev/null 2>&1
  else
    timeout 180 soffice -env:UserInstallation=file:///tmp/harness-lo --headless \
      --convert-to pdf:writer_web_pdf_Export --outdir "$out" "$out/$name.html" >/dev/null 2>&1
  fi
  [ -f "$out/$name.pdf" ] || { echo "$name: no pdf"; continue; }
  "$bin" -q --format json -o "$out" "$out/$name.pdf" >/dev/null 2>&1
  line=$(/usr/bin/python3 "$score" "$out/$name.truth.json" "$out/$name.json" --name "$name" 2>&1 | tail -1)
  echo "$name $(pdfinfo "$out/$name.pdf" 2>/dev/null | awk '/^Pages/{print $2}')p: $line"
done
