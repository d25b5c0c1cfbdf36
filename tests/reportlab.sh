#!/usr/bin/env bash
# reportlab: PDFs from a second, independent producer (ReportLab, tests/reportlab_tables.py:
# its own wrapping, row splitting and repeated headers, in four table styles × paddings 0–6 pt
# × line widths 0.1–1.5 pt) convert to what the script says they hold. ReportLab is installed
# when missing (scripts/deps.sh reportlab, as root or with sudo that asks for no password);
# when it cannot be, the test is skipped (exit 77) with a SKIP line.
# Usage: reportlab.sh KAIGI2XLSX WORKDIR
set -uo pipefail
bin=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3

if ! "$py" -c 'import reportlab' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    echo "ReportLab missing: scripts/deps.sh reportlab"
    "$here/../scripts/deps.sh" reportlab || true
  fi
fi
if ! "$py" -c 'import reportlab' 2>/dev/null; then
  echo "SKIP: python3-reportlab not installed"
  exit 77
fi

rm -rf "$work" && mkdir -p "$work/pdf" "$work/out"
"$py" "$here/reportlab_tables.py" "$work/pdf" > "$work/names" || { echo "FAIL: ReportLab"; exit 1; }
failed=0
while read -r name; do
  if ! "$bin" -q --format json -o "$work/out" "$work/pdf/$name.pdf"; then
    echo "FAIL $name: conversion"; failed=1; continue
  fi
  "$py" "$here/compare_json.py" "$work/pdf/$name.expected.json" "$work/out/$name.json" \
    || { echo "FAIL $name: JSON differs from what ReportLab drew"; failed=1; }
done < "$work/names"
# What the runs must have covered: a row ReportLab split across a page break, and a spanning
# goal reported where rules stand between the rows.
"$py" - "$work/out" <<'PY' || failed=1
import glob, json, sys
split = spans = 0
for path in glob.glob(sys.argv[1] + "/*.json"):
    doc = json.load(open(path, encoding="utf-8"))
    for r in doc["reports"]:
        for s in r["sections"]:
            for row in s.get("table", {}).get("rows", []):
                split += row["pages"][0] != row["pages"][1]
        spans += sum(w["code"] == "cell_spans_rows" for w in r["warnings"])
print(f"{split} rows split across pages, {spans} spanning cells reported")
sys.exit(0 if split and spans else 1)
PY
exit $failed
