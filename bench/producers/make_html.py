#!/usr/bin/python3
"""make_html: truth.json -> an HTML bundle of its reports in a given table style (for printing
by Chromium or LibreOffice), and the truth of that bundle (reports repeated with other labels).
usage: make_html.py TRUTH STYLE OUT.html OUT.truth.json [--copies N] [--font F] [--size PT]
"""
import argparse, json, copy, html

LABELS = [("岩手県・盛岡圏域", "岩手県", "盛岡圏域"), ("秋田県", "秋田県", ""),
          ("福島県・県北圏域", "福島県", "県北圏域"), ("新潟県・上越圏域", "新潟県", "上越圏域"),
          ("長野県・松本圏域", "長野県", "松本圏域"), ("大分県・中部圏域", "大分県", "中部圏域"),
          ("港区", "東京都", "港区"), ("北海道・十勝圏域", "北海道", "十勝圏域")]
FW = "０１２３４５６７８９"

STYLES = {
 "grid": "td,th{border:1px solid #000;}",
 "grid-thin": "td,th{border:0.3px solid #000;}",
 "hrules": "td,th{border-bottom:1px solid #000;} table{border-top:1px solid #000}",
 "header-rule": "th{border-bottom:1px solid #000;}",
 "none": "",
 "zebra": "tbody tr:nth-child(even) td{background:#e8e8e8;} th{background:#ccc;}",
 "outer": "table{border:1.5px solid #000;} th{border-bottom:1px solid #000;}",
 "vrules": "td+td,th+th{border-left:1px solid #000;} th{border-bottom:1px solid #000}",
}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth"); ap.add_argument("style"); ap.add_argument("out"); ap.add_argument("out_truth")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--font", default="IPAexMincho")
    ap.add_argument("--size", type=float, default=10.5)
    ap.add_argument("--pad", type=float, default=4)
    ap.add_argument("--goal-width", type=int, default=45)
    ap.add_argument("--label", default="asis", choices=["asis", "bottom", "right"])
    ap.add_argument("--valign", default="top", choices=["top", "middle", "bottom"])
    ap.add_argument("--heading", default="full", choices=["full", "half", "paren"])
    ap.add_argument("--running-title", action="store_true")
    ap.add_argument("--continuous", action="store_true", help="no page break between reports")
    ap.add_argument("--table-attr", default="", help="attributes of <table>, e.g. 'border=1 cellpadding=4' (LibreOffice honours these, not CSS)")
    a = ap.parse_args()
    truth = json.load(open(a.truth))
    reports = []
    for c in range(a.copies):
        for r in truth:
            r = copy.deepcopy(r)
            if c > 0 and r["label"]:
                lab, pref, area = LABELS[(c * len(truth) + len(reports)) % len(LABELS)]
                r.update(label=lab, prefecture=pref, area=area)
            reports.append(r)
    for i, r in enumerate(reports):
        r["id"] = i + 1
    css = f"""
@page {{ size: A4; margin: 18mm 16mm; }}
body {{ font-family: '{a.font}'; font-size: {a.size}pt; line-height: 1.5; }}
.report {{ {'' if a.continuous else 'break-before: page;'} }}
.run {{ position: fixed; top: -12mm; left: 0; right: 0; text-align: center; font-size: 8pt; }}
.title {{ text-align: center; font-size: {a.size+1}pt; }}
.label {{ text-align: {'right' if a.label=='right' else 'left'}; }}
h2 {{ font-size: {a.size+0.5}pt; font-weight: bold; margin: 0.8em 0 0.3em; }}
table {{ border-collapse: collapse; width: 100%; }}
td,th {{ padding: {a.pad}pt; vertical-align: {a.valign}; text-align: left; font-weight: normal; }}
td.goal {{ width: {a.goal_width}%; }}
p {{ margin: 0.2em 0; }}
{STYLES[a.style]}
"""
    out = [f"<!DOCTYPE html><html lang=ja><head><meta charset=utf-8><style>{css}</style></head><body>"]
    if a.running_title:
        out.append(f"<div class=run>{html.escape(reports[0]['title'])}</div>")
    for r in reports:
        out.append("<div class=report>")
        brk = "" if a.continuous or r is reports[0] else " style='page-break-before: always'"
        if not a.running_title:
            out.append(f"<p class=title{brk}>{html.escape(r['title'])}</p>")
        elif brk:
            out.append(f"<p{brk}></p>")
        lab = r["label"] if r["label"] else None
        pos = r.get("label_position", "top")
        if a.label == "bottom" and lab:
            pos = "bottom"
        if lab and pos == "top":
            out.append(f"<div class=label>{html.escape(lab)}</div>")
        for s in r["sections"]:
            num = {"full": f"{FW[s['number']]}．", "half": f"{s['number']}. ", "paren": f"（{FW[s['number']]}）"}[a.heading]
            out.append(f"<h2>{num}{html.escape(s['heading'])}</h2>")
            if "table" in s:
                t = s["table"]
                out.append(f"<table {a.table_attr}><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in t["header"]) + "</tr></thead><tbody>")
                for row in t["rows"]:
                    def cell(x):
                        return "".join(f"<p>{html.escape(p)}</p>" for p in x.split("\n"))
                    out.append(f"<tr><td class=goal>{cell(row['goal'])}</td><td>{cell(row['status'])}</td></tr>")
                out.append("</tbody></table>")
            for it in s["items"]:
                out.append(f"<p>{html.escape(it)}</p>")
        if lab and pos == "bottom":
            out.append(f"<div class=label style='text-align:right'>{html.escape(lab)}</div>")
            r["label_position"] = "bottom"
        out.append("</div>")
    out.append("</body></html>")
    open(a.out, "w").write("\n".join(out))
    json.dump(reports, open(a.out_truth, "w"), ensure_ascii=False, indent=1)

main()
