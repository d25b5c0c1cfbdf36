#!/usr/bin/python3
"""compare_ocr: checks the conversion of a scanned PDF against the conversion of its original.

Usage: compare_ocr.py TEXT.json SCAN.json [MIN_SIMILARITY]

The scan must give the same reports, regions (prefecture and area), section headings and
table row counts, and its text must be at least MIN_SIMILARITY (default 0.97) similar to the
original's: each report's headings, cells and items in order, after NFKC and with all
whitespace removed, compared as one character sequence (difflib's ratio). Prints what it
measured; exits 1 on any difference, 0 if none, 2 on bad input.
"""
import difflib
import json
import re
import sys
import unicodedata


def norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def report_text(report):
    parts = []
    for s in report["sections"]:
        parts.append(s["heading"])
        table = s.get("table") or {}
        for row in table.get("rows", []):
            parts.extend(row["cells"])
        parts.extend(item["text"] for item in s.get("items", []))
    return norm("".join(parts))


def shape(report):
    region = report["region"]
    sections = [(s["number"], norm(s["heading"]), len((s.get("table") or {}).get("rows", [])))
                for s in report["sections"]]
    return (region["prefecture"], region["area"]), sections


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        text, scan = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
    except (OSError, ValueError) as e:
        print(f"compare_ocr: {e}", file=sys.stderr)
        return 2
    floor = float(sys.argv[3]) if len(sys.argv) == 4 else 0.97
    problems = []
    if scan["source"].get("kind") != "pdf+ocr":
        problems.append(f"source.kind {scan['source'].get('kind')!r}, expected 'pdf+ocr'")
    a, b = text["reports"], scan["reports"]
    if len(a) != len(b):
        problems.append(f"reports: {len(a)} in the original, {len(b)} in the scan")
    sims = []
    for i, (x, y) in enumerate(zip(a, b)):
        (rx, sx), (ry, sy) = shape(x), shape(y)
        if rx != ry:
            problems.append(f"report {i + 1} region: {rx} vs {ry}")
        if [s[:2] for s in sx] != [s[:2] for s in sy]:
            problems.append(f"report {i + 1} headings: {[s[:2] for s in sx]} vs {[s[:2] for s in sy]}")
        if [s[2] for s in sx] != [s[2] for s in sy]:
            problems.append(f"report {i + 1} table rows: {[s[2] for s in sx]} vs {[s[2] for s in sy]}")
        sims.append(difflib.SequenceMatcher(None, report_text(x), report_text(y),
                                            autojunk=False).ratio())
    whole = difflib.SequenceMatcher(None, "".join(report_text(r) for r in a),
                                    "".join(report_text(r) for r in b), autojunk=False).ratio()
    ocr_pages = [w["page"] for w in scan.get("warnings", []) if w["code"] == "page_ocr"]
    print(f"measured: reports {len(b)}/{len(a)}, OCR'd pages {ocr_pages}, text similarity "
          f"{whole:.4f} (per report {', '.join(f'{s:.4f}' for s in sims)}; floor {floor})")
    if whole < floor:
        problems.append(f"text similarity {whole:.4f} under {floor}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
