#!/usr/bin/env python3
"""rules_reportlab: draws ruling lines with ReportLab, a producer the project does not write
its own PDFs with, and checks the rules kaigi2xlsx --trace lists for them.

Usage: rules_reportlab.py KAIGI2XLSX WORKDIR
ReportLab draws from the bottom left with y up; kaigi2xlsx gives rules from the top left of
the page as displayed, so the expected rules are turned here the same way."""
import os
import re
import subprocess
import sys


def have_reportlab():
    """Whether ReportLab imports, installing Debian's python3-reportlab when it is missing and
    this may (root, or sudo that asks for no password)."""
    try:
        import reportlab  # noqa: F401
        return True
    except ImportError:
        pass
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                           "python3-reportlab"], capture_output=True, env=env)
    try:
        import reportlab  # noqa: F401,F811
        return True
    except ImportError:
        return False


if not have_reportlab():
    print("SKIP: python3-reportlab is not installed and cannot be")
    sys.exit(77)

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Table, TableStyle  # noqa: E402

W, H = A4
TOLERANCE = 0.3


def draw(path):
    """Writes the PDF; returns the rules expected on each page: (dir, pos, a, b, width)."""
    c = canvas.Canvas(path, pagesize=A4)
    want = {1: [], 2: []}
    # Page 1. A white page background first (Chromium paints one): no rule.
    c.setFillColorRGB(1, 1, 1)
    c.rect(0, 0, W, H, stroke=0, fill=1)
    # A 2 x 3 table with a 0.5 pt grid, drawn by ReportLab's own table code.
    x0, top = 72, 800
    t = Table([["a", "b"], ["c", "d"], ["e", "f"]], colWidths=[150, 150],
              rowHeights=[30, 30, 30])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    t.wrapOn(c, W, H)
    t.drawOn(c, x0, top - 90)
    for r in range(4):
        want[1].append(("h", H - (top - 30 * r), x0, x0 + 300, 0.5))
    for k in range(3):
        want[1].append(("v", x0 + 150 * k, H - top, H - (top - 90), 0.5))
    # Stroked lines from a hairline to 1.5 pt, with text over one of them.
    c.setStrokeColorRGB(0, 0, 0)
    for i, w in enumerate([0.1, 0.25, 0.5, 1.0, 1.5]):
        y = 650 - 25 * i
        c.setLineWidth(w)
        c.line(100, y, 400, y)
        want[1].append(("h", H - y, 100, 400, w))
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 12)
    c.drawString(100, 656, "RULE")  # its baseline 6 pt over the 0.1 pt line
    # A dashed line, and a rule as a thin filled rectangle (0.75 pt).
    c.setLineWidth(0.5)
    c.setDash(3, 2)
    c.line(100, 500, 400, 500)
    c.setDash()
    want[1].append(("h", H - 500, 100, 400, 0.5))
    c.rect(100, 470 - 0.375, 300, 0.75, stroke=0, fill=1)
    want[1].append(("h", H - 470, 100, 400, 0.75))
    # A circle and a diagonal: no rules.
    c.circle(300, 300, 60, stroke=1, fill=0)
    c.line(100, 100, 300, 200)
    c.showPage()
    # Page 2, turned a quarter clockwise (ReportLab also swaps its media box to 842 x 595): a
    # horizontal line shows vertical, its left end at the top.
    c.setPageRotation(90)
    c.setLineWidth(1)
    c.line(100, 500, 300, 500)
    want[2].append(("v", 500, 100, 300, 1.0))
    c.showPage()
    c.save()
    return want


def main():
    k2x, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    pdf = os.path.join(work, "reportlab-rules.pdf")
    want = draw(pdf)
    # The page has no report heading, so the conversion fails; the trace is written first.
    out = subprocess.run([k2x, "-q", "--trace", "--format", "json", "-o",
                          os.path.join(work, "out"), pdf],
                         capture_output=True, text=True).stdout
    got, lines = {1: [], 2: []}, {1: [], 2: []}
    row = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$")
    for line in out.splitlines():
        m = row.match(line)
        if not m:
            continue
        page, x0, y0, x1, y1 = int(m[1]), *map(float, m.group(2, 3, 4, 5))
        if m[6] in ("rule-h", "rule-v"):
            d = m[6][-1]
            pos, a, b = (y0, x0, x1) if d == "h" else (x0, y0, y1)
            got.setdefault(page, []).append((d, pos, a, b, float(m[7])))
        else:
            lines.setdefault(page, []).append((x0, y0, x1, y1, m[7]))
    failed = 0
    for page, rules in want.items():
        for d, pos, a, b, w in rules:
            match = [g for g in got[page] if g[0] == d and abs(g[1] - pos) <= TOLERANCE
                     and abs(g[2] - a) <= TOLERANCE and abs(g[3] - b) <= TOLERANCE
                     and abs(g[4] - w) <= 0.01]
            if len(match) != 1:
                print(f"FAIL page {page}: rule {d} at {pos:.2f} from {a:.2f} to {b:.2f} "
                      f"width {w}: found {len(match)}")
                failed = 1
        if len(got[page]) != len(rules):
            print(f"FAIL page {page}: {len(got[page])} rules, want {len(rules)}: {got[page]}")
            failed = 1
    # The rule under the word lies just below its glyph boxes: the same coordinates.
    word = [l for l in lines[1] if l[4].startswith("RULE")]
    if len(word) != 1:
        print(f"FAIL: the line RULE is not found once: {lines[1]}")
        failed = 1
    else:
        gap = (H - 650) - word[0][3]
        if not 0 <= gap <= 6:
            print(f"FAIL: the rule under RULE is {gap:.2f} pt below its glyphs")
            failed = 1
    if not failed:
        print(f"ok: {sum(len(r) for r in want.values())} rules from ReportLab, as drawn")
    return failed


if __name__ == "__main__":
    sys.exit(main())
