#!/usr/bin/python3
"""check_xlsx: reads a kaigi2xlsx workbook back with openpyxl and checks it.

  check_xlsx.py BOOK.xlsx DOC.json [DOC.json ...] [--profile PROFILE.ini]
      The workbook against the converter's JSON (one per input of a combined workbook):
      sheet names and headers from the profile, row counts, and the values of the report,
      table and list sheets.
  check_xlsx.py BOOK.xlsx --no-json [--expect-rows SHEET=N,...] [--expect-sheets NAME ...]
                [--expect-header SHEET=H1,H2,...] [--expect-property NAME=VALUE]
      The shape alone, for unit tests that build their documents in C.

Both modes check every sheet's header row (bold, filled), the frozen first row, the
autofilter over the used range, column widths, blank rows and number cells. Prints each
difference and exits 1, or prints one OK line and exits 0.
"""

import argparse
import configparser
import json
import os
import sys

import openpyxl
from openpyxl.utils import get_column_letter

KEYS = ["ファイル", "報告No", "都道府県", "圏域等"]
REPORTS_HEADER = KEYS + ["地域ラベル", "地域の根拠", "開始頁", "終了頁", "表の行数", "項目数", "警告数"]
LIST_HEADER = KEYS + ["項目No", "内容", "頁"]
ALL_HEADER = KEYS + ["節No", "節見出し", "項目No", "欄", "内容", "頁"]
WARNINGS_HEADER = ["ファイル", "報告No", "頁", "コード", "内容"]
FIXED = {"報告一覧": REPORTS_HEADER, "全項目": ALL_HEADER, "警告": WARNINGS_HEADER}
NUMBER_COLUMNS = {"報告No", "行No", "項目No", "節No", "頁", "開始頁", "終了頁", "表の行数",
                  "項目数", "警告数"}
SOURCE_LABELS = {"label": "ラベル", "body": "本文から推定", "none": "なし"}
CELL_UNITS_MAX = 32767
# libxlsxwriter stores a width w as w plus the cell padding (0.71 at the default font).
WIDTH_MIN, WIDTH_MAX = 6, 61


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def fail(self, message):
        self.problems.append(message)

    def equal(self, what, got, want):
        if got != want:
            self.fail(f"{what}: got {got!r}, want {want!r}")


def excel_cut(text):
    """text as the writer stores it: at most 32,767 UTF-16 units, cut between characters."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > CELL_UNITS_MAX:
            return text[:i]
    return text


def blank(value):
    """openpyxl reads an empty cell as None; the model writes "" and page 0 as blank."""
    return None if value in ("", 0, None) else value


def header_of(ws):
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def data_rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def check_shape(ck, wb):
    """What every sheet of every workbook must satisfy."""
    names = wb.sheetnames
    if names[:1] != ["報告一覧"] or names[-2:] != ["全項目", "警告"]:
        ck.fail(f"sheet order: {names}")
    for ws in wb.worksheets:
        name = ws.title
        header = header_of(ws)
        if name in FIXED:
            ck.equal(f"{name}: header", header, FIXED[name])
        elif header != LIST_HEADER and not (
                header[:5] == KEYS + ["行No"] and header[-2:] == ["頁", "終了頁"]
                and len(header) > 7):
            ck.fail(f"{name}: header is neither a list's nor a table's: {header}")
        if any(not isinstance(h, str) or not h for h in header):
            ck.fail(f"{name}: empty header cell in {header}")
        for cell in next(ws.iter_rows(min_row=1, max_row=1)):
            if not cell.font.b or cell.fill.fgColor.rgb in (None, "00000000"):
                ck.fail(f"{name}: header {cell.coordinate} is not bold and filled")
                break
        ck.equal(f"{name}: freeze panes", ws.freeze_panes, "A2")
        last = f"{get_column_letter(len(header))}{max(ws.max_row, 1)}"
        ck.equal(f"{name}: autofilter", ws.auto_filter.ref, f"A1:{last}")
        for col in range(1, len(header) + 1):
            letter = get_column_letter(col)
            dim = ws.column_dimensions.get(letter)
            width = dim.width if dim is not None else None
            if width is None or not WIDTH_MIN <= width <= WIDTH_MAX:
                ck.fail(f"{name}: column {letter} width {width}")
        if ws.merged_cells.ranges:
            ck.fail(f"{name}: merged cells {ws.merged_cells.ranges}")
        numeric = [i for i, h in enumerate(header) if h in NUMBER_COLUMNS]
        for r, row in enumerate(data_rows(ws), start=2):
            if all(v in (None, "") for v in row):
                ck.fail(f"{name}: row {r} is blank")
            for i in numeric:
                if row[i] is not None and not isinstance(row[i], int):
                    ck.fail(f"{name}: {get_column_letter(i + 1)}{r} is not a number: {row[i]!r}")


def parse_pairs(values, what):
    pairs = {}
    for value in values or []:
        for part in value.split(","):
            sheet, sep, rest = part.partition("=")
            if not sep:
                sys.exit(f"check_xlsx: {what}: expected SHEET=VALUE, got {part!r}")
            pairs[sheet.strip()] = rest.strip()
    return pairs


def check_expectations(ck, wb, args):
    if args.expect_sheets:
        ck.equal("sheets", wb.sheetnames, args.expect_sheets)
    for sheet, n in parse_pairs(args.expect_rows, "--expect-rows").items():
        if sheet not in wb.sheetnames:
            ck.fail(f"{sheet}: no such sheet")
        else:
            ck.equal(f"{sheet}: data rows", len(data_rows(wb[sheet])), int(n))
    for value in args.expect_property or []:
        name, _, want = value.partition("=")
        ck.equal(f"property {name}", getattr(wb.properties, name, None), want)
    for value in args.expect_header or []:
        sheet, _, rest = value.partition("=")
        if sheet not in wb.sheetnames:
            ck.fail(f"{sheet}: no such sheet")
        else:
            ck.equal(f"{sheet}: header", header_of(wb[sheet]), rest.split(","))


def load_profile(path):
    """The profile's sections: number → (sheet, is_table, column_names)."""
    cp = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    sections = {}
    for group in cp.sections():
        if not group.startswith("section "):
            continue
        number = int(group.split()[1])
        g = cp[group]
        is_table = g.get("table", "false").strip().lower() in ("true", "1")
        names = [n.strip() for n in g.get("column_names", g.get("columns", "")).split(";")]
        sections[number] = (g.get("sheet", f"section{number}").strip(), is_table,
                            [n for n in names if n] if is_table else [])
    return dict(sorted(sections.items()))


def table_columns(docs, number, profile_names):
    """The writer's rule: the first printed header, else the profile's names, else 欄N."""
    printed, n = None, len(profile_names)
    for _, report, s in walk(docs):
        if s["number"] != number or "table" not in s:
            continue
        if printed is None and s["table"]["header"]:
            printed = s["table"]["header"]
        for row in s["table"]["rows"]:
            n = max(n, len(row["cells"]))
    n = max(n, len(printed or []))
    names = []
    for i in range(n):
        name = printed[i] if printed and i < len(printed) else ""
        if not name and i < len(profile_names):
            name = profile_names[i]
        names.append(name or f"欄{i + 1}")
    return names


def walk(docs):
    for doc in docs:
        for report in doc["reports"]:
            for s in report["sections"]:
                yield doc, report, s


def check_json(ck, wb, docs, profile):
    want_sheets = ["報告一覧"] + [p[0] for p in profile.values()] + ["全項目", "警告"]
    ck.equal("sheets", wb.sheetnames, want_sheets)
    if wb.sheetnames != want_sheets:
        return

    reports = [(doc, r) for doc in docs for r in doc["reports"]]
    rows = data_rows(wb["報告一覧"])
    ck.equal("報告一覧: data rows", len(rows), len(reports))
    for row, (doc, r) in zip(rows, reports):
        where = f"報告一覧: report {r['index']}"
        n_rows = sum(len(s["table"]["rows"]) for s in r["sections"] if "table" in s)
        n_items = sum(len(s["items"]) for s in r["sections"])
        want = [blank(doc["source"]["file"]), r["index"], blank(r["region"]["prefecture"]),
                blank(r["region"]["area"]), blank(r["label"]),
                SOURCE_LABELS[r["region"]["source"]], blank(r["pages"][0]),
                blank(r["pages"][1]), n_rows, n_items, len(r["warnings"])]
        ck.equal(where, row, want)

    for number, (sheet, is_table, names) in profile.items():
        rows = data_rows(wb[sheet])
        want_rows = []
        for doc, r, s in walk(docs):
            if s["number"] != number:
                continue
            keys = [blank(doc["source"]["file"]), r["index"], blank(r["region"]["prefecture"]),
                    blank(r["region"]["area"])]
            if is_table:
                columns = table_columns(docs, number, names)
                for i, row in enumerate(s.get("table", {}).get("rows", []), start=1):
                    cells = [blank(excel_cut(c)) for c in row["cells"]]
                    cells += [None] * (len(columns) - len(cells))
                    want_rows.append(keys + [i] + cells + [blank(p) for p in row["pages"]])
            else:
                for i, it in enumerate(s["items"], start=1):
                    want_rows.append(keys + [i, blank(excel_cut(it["text"])), blank(it["page"])])
        if is_table:
            ck.equal(f"{sheet}: header", header_of(wb[sheet]),
                     KEYS + ["行No"] + table_columns(docs, number, names) + ["頁", "終了頁"])
        ck.equal(f"{sheet}: data rows", len(rows), len(want_rows))
        for i, (got, want) in enumerate(zip(rows, want_rows), start=2):
            ck.equal(f"{sheet}: row {i}", got, want)

    n_all = sum(len(row["cells"]) for _, _, s in walk(docs) if "table" in s
                for row in s["table"]["rows"])
    n_all += sum(len(s["items"]) for _, _, s in walk(docs))
    ck.equal("全項目: data rows", len(data_rows(wb["全項目"])), n_all)

    want_warnings = []
    for doc in docs:
        f = blank(doc["source"]["file"])
        want_warnings += [[f, None, blank(w["page"]), w["code"], blank(w["message"])]
                          for w in doc["warnings"]]
        for r in doc["reports"]:
            want_warnings += [[f, r["index"], blank(w["page"]), w["code"], blank(w["message"])]
                              for w in r["warnings"]]
    rows = data_rows(wb["警告"])
    ck.equal("警告: data rows", len(rows), len(want_warnings))
    for i, (got, want) in enumerate(zip(rows, want_warnings), start=2):
        ck.equal(f"警告: row {i}", got, want)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("xlsx")
    ap.add_argument("json", nargs="*")
    ap.add_argument("--no-json", action="store_true", help="check the shape only")
    ap.add_argument("--profile", help="profile .ini (default: profiles/<JSON profile>.ini)")
    ap.add_argument("--expect-rows", action="append", metavar="SHEET=N,...")
    ap.add_argument("--expect-sheets", nargs="+", metavar="NAME")
    ap.add_argument("--expect-header", action="append", metavar="SHEET=H1,H2,...")
    ap.add_argument("--expect-property", action="append", metavar="NAME=VALUE",
                    help="a document property: title, subject, creator")
    args = ap.parse_args()
    if bool(args.json) == args.no_json:
        ap.error("give JSON files or --no-json, not both or neither")

    ck = Checker(args.xlsx)
    try:
        wb = openpyxl.load_workbook(args.xlsx)
    except Exception as e:  # a file openpyxl cannot open is the finding itself
        print(f"{args.xlsx}: cannot open: {e}")
        return 1
    check_shape(ck, wb)
    check_expectations(ck, wb, args)
    if args.json:
        docs = []
        for path in args.json:
            with open(path, encoding="utf-8") as f:
                docs.append(json.load(f))
        profile_path = args.profile or os.path.join(
            here, "..", "profiles", f"{docs[0].get('profile') or 'ad-jizenkadai'}.ini")
        check_json(ck, wb, docs, load_profile(profile_path))

    if ck.problems:
        for p in ck.problems:
            print(f"{args.xlsx}: {p}")
        return 1
    counts = ", ".join(f"{ws.title}={ws.max_row - 1}" for ws in wb.worksheets)
    print(f"OK {os.path.basename(args.xlsx)}: {len(wb.sheetnames)} sheets, rows {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
