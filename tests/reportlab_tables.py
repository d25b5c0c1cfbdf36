#!/usr/bin/python3
"""reportlab_tables: a second, independent producer of test PDFs (Debian's python3-reportlab).

Usage: reportlab_tables.py OUTDIR

Writes OUTDIR/NAME.pdf and OUTDIR/NAME.expected.json (the format of tests/compare_json.py) for
each table style ReportLab users draw (a full GRID, LINEBELOW under every row, a line under
the header only, lines above and under the header and under the last row, no lines) with cell paddings from 0 to 6 pt and line widths from 0.1 to
1.5 pt. ReportLab lays out, wraps Japanese (wordWrap CJK), splits rows across pages
(splitInRow) and repeats the header row on each page by its own rules, which share nothing
with tests/fixtures/gen_fixtures.c. The expected file holds what is certain from the content
alone: texts, headers, layout, and the pages of headings and items (from ReportLab's own
flowable hooks); a row's pages are left to the conversion.
"""
import json
import os
import sys

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, B5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

FONTS = {"Mincho": "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
         "Gothic": "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"}
TITLE = "令和２年度 精神障害にも対応した地域包括ケアシステム構築支援事業 AD合同会議「事前課題」"
HEADER = ["令和２年度の達成目標", "取組状況"]
SPAN = "^"  # the goal of the row above spans this row

# Rows: (goal paragraphs, status paragraphs); "<br/>" breaks a line inside a paragraph.
ROWS = [
    (["協議の場の設置"],
     ["・時期：令和２年９月から令和３年３月まで、月に一度の頻度で開催した。",
      "・内容：圏域の課題の共有と、地域移行支援の進め方の検討を行った。",
      "↳保健所と市町村の役割分担が明確になった。",
      "※コロナ禍のため、うち２回は書面開催とした。"]),
    (["ピアサポーターの養成講座を開催し、活動の場を広げる", "10 回"],
     ["養成講座を３回開催し、延べ４５名が受講した。受講者のうち１２名がピアサポーターとして"
      "登録し、病院訪問に同行した。"]),
    (["１、精神科病院との連携体制の構築", "長期入院者の退院意欲を高める取組を病院と共に進める"],
     ["病院訪問を２回実施した。"]),
    (["病院管理部門関係者等の、<br/>地域移行に関する理解が促進される"],
     ["審議会で説明した。", "・病院長会議でも説明した。"]),
    (["地域移行支援の数値目標の達成"], ["全体部会で支援対象者の進捗管理を行った。"]),
    ([SPAN], ["区部会で新規利用対象者の検討を行った。"]),
    (["長期入院患者のデータを分析し、入院患者の現状を知ることで、地域移行の対象者を明らかにす"
      "る。また、退院後の生活を支える地域の資源を把握し、関係機関と共有する"],
     ["県保健医療計画及び県障害福祉計画改定で見直す予定の関連指標の数値等を情報提供し、圏域の"
      "現状について関係者と共有した。", "・管内５病院の協力を得て、１年以上の長期入院者１２０名"
      "の調査を実施し、退院の意向や必要な支援を把握した。", "・調査の結果を圏域の協議の場で報告"
      "し、今後の取組の方向性を確認した。"]),
    (["市町村の自立支援協議会で地域移行部会の設置に関する意見交換をする"],
     ["弘前市自立支援協議会が管内市町村参加を了承した。"]),
    (["精神障がい者ピアサポーターを養成し、「語り」や長期入院者の支援等のピアサポート活動を"
      "サポートできる"],
     ["ピアサポーター養成講座を実施した。またリモートによるピアとの交流会を開催した。"]),
] * 2
SECTIONS = [
    (2, "支援事業の成果", ["・広域アドバイザーによる研修（オンライン）を開催した。",
                       "・密着アドバイザーが、地域移行に係る関係機関等への周知や助言を行った。"]),
    (3, "次年度に向けた課題等", ["・オンラインによる事業の実施等に積極的に取り組む必要がある。"]),
    (4, "課題の解決に向けた 令和３年度の取組方針", ["・現場での実践をヒントに工夫しながらできることに取り組む。"]),
]
REPORTS = [("青森県・津軽圏域", "青森県", "津軽圏域"), ("茨城県", "茨城県", "")]

# (name, layout, table style commands for a line width w, whether rules stand between rows)
STYLES = [
    ("grid", "grid", lambda w: [("GRID", (0, 0), (-1, -1), w, colors.black)], True),
    ("linebelow", "rules", lambda w: [("LINEABOVE", (0, 0), (-1, 0), w, colors.black),
                                      ("LINEBELOW", (0, 0), (-1, -1), w, colors.black)], True),
    ("header-line", "text", lambda w: [("LINEBELOW", (0, 0), (-1, 0), w, colors.black)], False),
    ("booktabs", "text", lambda w: [("LINEABOVE", (0, 0), (-1, 0), w, colors.black),
                                    ("LINEBELOW", (0, 0), (-1, 0), w, colors.black),
                                    ("LINEBELOW", (0, -1), (-1, -1), w, colors.black)], False),
    ("plain", "text", lambda w: [], False),
]
# (where cells stand in a taller row, padding, line width, page, font, size). Cells set in
# the middle or at the foot of their rows interleave the lines of a row's cells; without rules
# between rows nor padding nothing parts them from the next row's, so those go ruled only.
VARIANTS = [("TOP", 0, 0.25, A4, "Mincho", 10.5), ("TOP", 3, 1.0, B5, "Gothic", 9),
            ("TOP", 6, 0.1, A4, "Gothic", 10), ("TOP", 1, 1.5, B5, "Mincho", 10),
            ("MIDDLE", 3, 0.5, A4, "Gothic", 10.5), ("BOTTOM", 6, 0.25, B5, "Mincho", 9),
            ("MIDDLE", 0, 0.5, A4, "Mincho", 10)]


def plain(text):
    return text.replace("<br/>", "")


def build(path, style, valign, padding, width, pagesize, font, size):
    name, layout, commands, ruled = style
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.5,
                          wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", parent=body, fontName="Gothic", spaceBefore=size / 2)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    pages = {}  # id of a flowable → page it was drawn on

    class Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable):
            pages.setdefault(id(flowable), self.page)

    def numbered(canvas, doc):
        canvas.setFont(font, 9)
        canvas.drawCentredString(pagesize[0] / 2, 10 * mm, str(doc.page))

    doc = Doc(path, pagesize=pagesize, leftMargin=20 * mm, rightMargin=20 * mm,
              topMargin=20 * mm, bottomMargin=20 * mm, title="kaigi2xlsx test",
              invariant=1)
    story, expected = [], []
    col = (pagesize[0] - 40 * mm) * 0.4
    for label, prefecture, area in REPORTS:
        title = Paragraph(TITLE, head)
        lab = Paragraph(label, right)
        h1 = Paragraph("１．令和２年度の達成目標・取組状況", heading)
        data = [[Paragraph(HEADER[0], head), Paragraph(HEADER[1], head)]]
        spans, rows = [], []
        for i, (goal, status) in enumerate(ROWS):
            r = len(data)
            cells = [[Paragraph(p, body) for p in goal if p != SPAN],
                     [Paragraph(p, body) for p in status]]
            data.append(cells)
            if goal == [SPAN]:
                spans.append(("SPAN", (0, r - 1), (0, r)))
                if ruled:
                    rows.append(["", "\n".join(status)])
                else:
                    rows[-1][1] += "\n" + "\n".join(status)
            else:
                rows.append(["\n".join(plain(p) for p in goal), "\n".join(status)])
        table = Table(data, colWidths=[col, pagesize[0] - 40 * mm - col], repeatRows=1,
                      splitInRow=1)
        table.setStyle(TableStyle(commands(width) + spans + [
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding)]))
        story += [title, lab, Spacer(1, size), h1, table]
        sections = [(h1, 1, "令和２年度の達成目標・取組状況", [])]
        for number, text, items in SECTIONS:
            h = Paragraph(f"{chr(0xFF10 + number)}．{text}", heading)
            ps = [Paragraph(t, body) for t in items]
            story += [h] + ps
            sections.append((h, number, text, ps))
        if label != REPORTS[-1][0]:
            story.append(PageBreak())  # every report starts on a new page
        expected.append((label, prefecture, area, sections, rows, layout))
    doc.build(story, onFirstPage=numbered, onLaterPages=numbered)

    reports = []
    for label, prefecture, area, sections, rows, layout in expected:
        secs = []
        for h, number, text, ps in sections:
            sec = {"number": number, "heading": text, "page": pages[id(h)],
                   "items": [{"text": p.text, "page": pages[id(p)]} for p in ps]}
            if number == 1:
                sec["table"] = {"header": HEADER, "layout": layout,
                                "rows": [{"cells": r} for r in rows]}
            secs.append(sec)
        reports.append({"title": TITLE, "label": label,
                        "region": {"prefecture": prefecture, "area": area, "source": "label"},
                        "sections": secs})
    return {"pages": doc.page, "reports": reports}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for family, path in FONTS.items():
        pdfmetrics.registerFont(TTFont(family, path))
    for style in STYLES:
        for valign, padding, width, pagesize, font, size in VARIANTS:
            if valign != "TOP" and padding == 0 and not style[3]:
                continue
            where = "" if valign == "TOP" else "-" + valign.lower()
            name = f"rl-{style[0]}{where}-p{padding}-w{width}"
            doc = build(os.path.join(out, name + ".pdf"), style, valign, padding, width,
                        pagesize, font, size)
            with open(os.path.join(out, name + ".expected.json"), "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
