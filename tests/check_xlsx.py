#!/usr/bin/python3
"""check_xlsx: reads a kaigi2xlsx workbook back with openpyxl and checks it.

  check_xlsx.py BOOK.xlsx DOC.json [DOC.json ...] [--profile PROFILE.ini]
      The workbook against the converter's JSON (one per input of a combined workbook):
      sheet names and headers from the profile, row counts, and the values of the report,
      table and list sheets.
  check_xlsx.py BOOK.xlsx --no-json [--expect-rows SHEET=N,...] [--expect-sheets NAME ...]
                [--expect-header SHEET=H1,H2,...] [--expect-property NAME=VALUE]
                [--expect-cell SHEET!A1=VALUE] [--same-as BOOK.xlsx] [--office-csv DIR]
      The shape alone, for unit tests that build their documents in C. --same-as compares
      every sheet's values, widths, filter and frozen row, and the document properties,
      with another workbook (one written report by report with one written whole).
      --office-csv also compares every sheet with the CSV LibreOffice made of it
      (DIR/BOOK-SHEET.csv), to prove another reader finds the same values (xlsx_office.sh).
  Either mode also takes --csv-dir DIR [--csv-stem STEM] [--csv-encoding utf-8-bom|cp932]:
      the CSV files kaigi2xlsx wrote of the same docs (DIR/STEM.SHEET.csv, STEM the
      workbook's name) hold every sheet's values, with the BOM or not, CRLF after each
      record, and a ' before a text a spreadsheet would take for a formula.

Both modes check every sheet's header row (bold, filled), the frozen first row, the
autofilter over the used range, column widths, blank rows, number cells and Excel's cell
limit. A sheet "NAME (2)", "NAME (3)" ... after NAME with NAME's header continues it (the
writer's answer to Excel's row limit; written as rows come, a part follows the sheets there
are by then), as does a table's with more columns (a later row grew wider); the JSON mode
reads the parts as one sheet. The
warnings only the workbook has (XLSX_CODES) are left out of the comparison with the JSON.
Prints each difference and exits 1, or prints one OK line and exits 0.
"""

import argparse
import configparser
import csv
import io
import json
import os
import re
import sys
import unicodedata

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
CUT_MARKER = "…（以下省略）"
# Warnings the xlsx writer adds about its own cells; the JSON has the text whole.
XLSX_CODES = {"cell_truncated", "control_removed"}
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PART = re.compile(r"^(.*) \((\d+)\)$")
# What the CSV writer makes of a sheet name for a file name, and what it neutralises.
FILE_NAME_FORBIDDEN = re.compile(r'[<>"|/\\:*?\x00-\x1f\x7f-\x9f]')
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# glibc's CP932 writes these JIS forms as the code points Windows has, which read back.
CP932_READS_AS = str.maketrans({"\u301c": "\uff5e", "\u2212": "\uff0d", "\u2014": "\u2015",
                                "\u2016": "\u2225", "\u00a2": "\uffe0", "\u00a3": "\uffe1",
                                "\u00ac": "\uffe2", "\u00a5": "\\", "\u203e": "~"})
QUOTED = re.compile(r'"(?:[^"]|"")*"')
# libxlsxwriter stores a width w as w plus the cell padding (0.71 at the default font).
WIDTH_MIN, WIDTH_MAX = 6, 61
LINE_HEIGHT, ROW_HEIGHT_MAX = 15, 409


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def fail(self, message):
        self.problems.append(message)

    def equal(self, what, got, want):
        if got != want:
            self.fail(f"{what}: got {got!r}, want {want!r}")


def units(text):
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def excel_text(text):
    """text as the writer stores it: without what XML forbids, and when over 32,767 UTF-16
    units cut between characters (a base character with its marks) to end with the marker."""
    if text is None:
        return None
    text = XML_FORBIDDEN.sub("", text)
    if units(text) <= CELL_UNITS_MAX:
        return text
    budget, used, keep = CELL_UNITS_MAX - units(CUT_MARKER), 0, 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            keep = i
            break
    while keep > 0 and unicodedata.category(text[keep]).startswith("M"):
        keep -= 1
    return text[:keep] + CUT_MARKER


def blank(value):
    """openpyxl reads an empty cell as None; the model writes "" and page 0 as blank."""
    return None if value in ("", 0, None) else value


def header_of(ws):
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def data_rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def continues(header, before):
    """Whether a sheet with header continues one with header before: the same header, or a
    table's with more columns (its rows grew wider)."""
    return header == before or (
        len(header) > len(before) >= 7 and before[-2:] == ["頁", "終了頁"]
        and header[:len(before) - 2] == before[:-2] and header[-2:] == before[-2:])


def sheet_parts(wb):
    """{sheet: [its worksheet, then the ones continuing it]}, in workbook order. A part comes
    after the sheet it continues, not always next to it: the writer adds it when the sheet
    runs out of rows, after the sheets there are by then."""
    parts = {}
    for ws in wb.worksheets:
        m = PART.match(ws.title)
        base = m.group(1) if m else None
        if (base in parts and int(m.group(2)) == len(parts[base]) + 1
                and continues(header_of(ws), header_of(parts[base][-1]))):
            parts[base].append(ws)
            continue
        parts[ws.title] = [ws]
    return parts


def part_rows(parts, sheet):
    return [row for ws in parts[sheet] for row in data_rows(ws)]


def check_print(ck, ws):
    """Staff print the sheets: A4 landscape, one page wide, the header row on every page."""
    name, setup = ws.title, ws.page_setup
    ck.equal(f"{name}: print orientation", setup.orientation, "landscape")
    ck.equal(f"{name}: paper size", str(setup.paperSize), "9")
    ck.equal(f"{name}: fit to pages", ws.sheet_properties.pageSetUpPr is not None
             and bool(ws.sheet_properties.pageSetUpPr.fitToPage), True)
    # 1 is the default, which a writer may leave out.
    ck.equal(f"{name}: fit to width", str(setup.fitToWidth or 1), "1")
    ck.equal(f"{name}: fit to height", str(setup.fitToHeight), "0")
    ck.equal(f"{name}: print title rows", (ws.print_title_rows or "").replace("$", ""), "1:1")
    ck.equal(f"{name}: footer", ws.oddFooter.center.text, "&A  &P / &N")


def check_shape(ck, wb):
    """What every sheet of every workbook must satisfy."""
    parts = sheet_parts(wb)
    ck.equal("active sheet", wb.active.title if wb.active else None, "報告一覧")
    names = list(parts)
    if names[:1] != ["報告一覧"] or names[-2:] != ["全項目", "警告"]:
        ck.fail(f"sheet order: {names}")
    base = {ws.title: name for name, wss in parts.items() for ws in wss}
    for ws in wb.worksheets:
        name = ws.title
        header = header_of(ws)
        if base[name] in FIXED:
            ck.equal(f"{name}: header", header, FIXED[base[name]])
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
        check_print(ck, ws)
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
            # Not every reader fits a row to wrapped text: each paragraph needs a line.
            lines = max((v.count("\n") + 1 for v in row if isinstance(v, str)), default=1)
            height = ws.row_dimensions[r].height if r in ws.row_dimensions else None
            if lines > 1 and (height or 0) < min(LINE_HEIGHT * lines, ROW_HEIGHT_MAX):
                ck.fail(f"{name}: row {r} is {height} pt high for {lines} lines")
            for i in numeric:
                if row[i] is not None and not isinstance(row[i], int):
                    ck.fail(f"{name}: {get_column_letter(i + 1)}{r} is not a number: {row[i]!r}")
            for i, v in enumerate(row):
                if isinstance(v, str) and units(v) > CELL_UNITS_MAX:
                    ck.fail(f"{name}: {get_column_letter(i + 1)}{r} holds {units(v)} units")


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
    for value in args.expect_cell or []:
        where, _, want = value.partition("=")
        sheet, _, ref = where.rpartition("!")
        if sheet not in wb.sheetnames:
            ck.fail(f"{sheet}: no such sheet")
        else:
            got = wb[sheet][ref].value
            got = got if got is None or isinstance(got, str) else str(got)
            ck.equal(f"{sheet}!{ref}", got, want if want else None)


def check_same(ck, wb, other_path):
    """The workbook holds what the one at other_path holds: sheets, values, column widths,
    filters, frozen rows and document properties."""
    other = openpyxl.load_workbook(other_path)
    ck.equal("sheets (as the other book)", wb.sheetnames, other.sheetnames)
    for ws in wb.worksheets:
        if ws.title not in other.sheetnames:
            continue
        was = other[ws.title]
        got = [list(r) for r in ws.iter_rows(values_only=True)]
        want = [list(r) for r in was.iter_rows(values_only=True)]
        ck.equal(f"{ws.title}: rows (as the other book)", len(got), len(want))
        for r, (g, w) in enumerate(zip(got, want), start=1):
            if g != w:
                ck.fail(f"{ws.title}: row {r}: got {g!r}, the other book {w!r}")
                break
        ck.equal(f"{ws.title}: autofilter (as the other book)", ws.auto_filter.ref,
                 was.auto_filter.ref)
        ck.equal(f"{ws.title}: freeze panes (as the other book)", ws.freeze_panes,
                 was.freeze_panes)
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        ck.equal(f"{ws.title}: column widths (as the other book)", widths,
                 {k: d.width for k, d in was.column_dimensions.items()})
    for name in ("title", "subject", "creator"):
        ck.equal(f"property {name} (as the other book)", getattr(wb.properties, name),
                 getattr(other.properties, name))


def check_office_csv(ck, wb, path, csv_dir):
    """LibreOffice reads what openpyxl reads: it drops what follows text that is not XML
    rather than refuse the file, so only the values tell."""
    import csv
    stem = os.path.splitext(os.path.basename(path))[0]
    for ws in wb.worksheets:
        csv_path = os.path.join(csv_dir, f"{stem}-{ws.title}.csv")
        if not os.path.exists(csv_path):
            ck.fail(f"{ws.title}: LibreOffice wrote no {os.path.basename(csv_path)}")
            continue
        with open(csv_path, encoding="utf-8", newline="") as f:
            office = [row for row in csv.reader(f)]
        ours = [["" if v is None else str(v) for v in row]
                for row in ws.iter_rows(values_only=True)]
        ck.equal(f"{ws.title}: rows in LibreOffice", len(office), len(ours))
        for r, (got, want) in enumerate(zip(office, ours), start=1):
            width = max(len(got), len(want))
            got, want = got + [""] * (width - len(got)), want + [""] * (width - len(want))
            if got != want:
                ck.fail(f"{ws.title}: row {r} in LibreOffice: got {got!r}, want {want!r}")
                break


def csv_file_name(stem, sheet, taken):
    safe = FILE_NAME_FORBIDDEN.sub("_", sheet)
    name, n = f"{stem}.{safe}.csv", 2
    while name.casefold() in taken:
        name, n = f"{stem}.{safe} ({n}).csv", n + 1
    taken.add(name.casefold())
    return name


def csv_text(value, encoding):
    """A cell as the CSV writer writes it and a reader decodes it."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    # libxlsxwriter stores CR as the escape _x000D_, which Excel reads back and openpyxl not.
    value = value.replace("_x000D_", "\r")
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.translate(CP932_READS_AS) if encoding == "cp932" else value


def check_csv(ck, wb, csv_dir, stem, encoding):
    """Every sheet has its CSV file with the same header and values."""
    taken, names = set(), []
    for ws in wb.worksheets:
        name = csv_file_name(stem, ws.title, taken)
        names.append(name)
        path = os.path.join(csv_dir, name)
        if not os.path.exists(path):
            ck.fail(f"{ws.title}: no CSV file {name}")
            continue
        with open(path, "rb") as f:
            data = f.read()
        bom = data.startswith(b"\xef\xbb\xbf")
        ck.equal(f"{name}: byte order mark", bom, encoding == "utf-8-bom")
        try:
            text = data[3 if bom else 0:].decode("cp932" if encoding == "cp932" else "utf-8")
        except UnicodeDecodeError as e:
            ck.fail(f"{name}: not {encoding}: {e}")
            continue
        outside = QUOTED.sub("", text)
        if re.search(r"\r(?!\n)|(?<!\r)\n", outside) or (text and not text.endswith("\r\n")):
            ck.fail(f"{name}: a record does not end with CRLF")
        got = list(csv.reader(io.StringIO(text, newline="")))
        want = [[csv_text(v, encoding) for v in row] for row in ws.iter_rows(values_only=True)]
        ck.equal(f"{name}: records", len(got), len(want))
        for r, (g, w) in enumerate(zip(got, want), start=1):
            if g != w:
                ck.fail(f"{name}: record {r}: got {g!r}, want {w!r}")
                break
    prefix = f"{stem}."
    extra = sorted(n for n in os.listdir(csv_dir)
                   if n.startswith(prefix) and n.endswith(".csv") and n not in names)
    if extra:
        ck.fail(f"CSV files of no sheet: {extra}")


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
    """The writer's rule: the first report that has the section with a printed header or rows
    fixes the columns — its first printed header, else the profile's names, else 欄N, as many
    as the widest of those and of its rows; a later, wider row adds columns, named the same
    way after its report's printed header."""
    def widen(columns, printed, n):
        for i in range(len(columns), n):
            name = excel_text(printed[i]) if printed and i < len(printed) else ""
            if not name and i < len(profile_names):
                name = profile_names[i]
            columns.append(name or f"欄{i + 1}")
        return columns

    columns = None
    for doc in docs:
        for report in doc["reports"]:
            tables = [s["table"] for s in report["sections"]
                      if s["number"] == number and "table" in s]
            printed = next((t["header"] for t in tables if t["header"]), None)
            widest = max((len(row["cells"]) for t in tables for row in t["rows"]), default=0)
            if columns is None and any(t["header"] or t["rows"] for t in tables):
                columns = widen([], printed,
                                max(widest, len(profile_names), len(printed or [])))
            elif columns is not None and widest > len(columns):
                columns = widen(columns, printed, widest)
    return columns if columns is not None else widen([], None, len(profile_names))


def walk(docs):
    for doc in docs:
        for report in doc["reports"]:
            for s in report["sections"]:
                yield doc, report, s


def check_json(ck, wb, docs, profile):
    want_sheets = ["報告一覧"] + [p[0] for p in profile.values()] + ["全項目", "警告"]
    parts = sheet_parts(wb)
    ck.equal("sheets", list(parts), want_sheets)
    if list(parts) != want_sheets:
        return

    def cell(text):
        return blank(excel_text(text))

    warning_rows = part_rows(parts, "警告")
    own = {}  # (file, report index) → the workbook's own warnings about it
    for row in warning_rows:
        if row[3] in XLSX_CODES:
            own[(row[0], row[1])] = own.get((row[0], row[1]), 0) + 1

    reports = [(doc, r) for doc in docs for r in doc["reports"]]
    rows = part_rows(parts, "報告一覧")
    ck.equal("報告一覧: data rows", len(rows), len(reports))
    for row, (doc, r) in zip(rows, reports):
        where = f"報告一覧: report {r['index']}"
        n_rows = sum(len(s["table"]["rows"]) for s in r["sections"] if "table" in s)
        n_items = sum(len(s["items"]) for s in r["sections"])
        file = cell(doc["source"]["file"])
        want = [file, r["index"], cell(r["region"]["prefecture"]),
                cell(r["region"]["area"]), cell(r["label"]),
                SOURCE_LABELS[r["region"]["source"]], blank(r["pages"][0]),
                blank(r["pages"][1]), n_rows, n_items,
                len(r["warnings"]) + own.get((file, r["index"]), 0)]
        ck.equal(where, row, want)

    for number, (sheet, is_table, names) in profile.items():
        rows = part_rows(parts, sheet)
        if is_table:
            # Parts after a wider row have more columns: pad the narrower ones' cells.
            columns = table_columns(docs, number, names)
            rows = [row[:5] + row[5:-2] + [None] * (len(columns) + 7 - len(row)) + row[-2:]
                    for row in rows]
        want_rows = []
        for doc, r, s in walk(docs):
            if s["number"] != number:
                continue
            keys = [cell(doc["source"]["file"]), r["index"], cell(r["region"]["prefecture"]),
                    cell(r["region"]["area"])]
            if is_table:
                for i, row in enumerate(s.get("table", {}).get("rows", []), start=1):
                    cells = [cell(c) for c in row["cells"]]
                    cells += [None] * (len(columns) - len(cells))
                    want_rows.append(keys + [i] + cells + [blank(p) for p in row["pages"]])
            else:
                for i, it in enumerate(s["items"], start=1):
                    want_rows.append(keys + [i, cell(it["text"]), blank(it["page"])])
        if is_table:
            ck.equal(f"{sheet}: header", header_of(parts[sheet][-1]),
                     KEYS + ["行No"] + [excel_text(c) for c in columns] + ["頁", "終了頁"])
        ck.equal(f"{sheet}: data rows", len(rows), len(want_rows))
        for i, (got, want) in enumerate(zip(rows, want_rows), start=2):
            ck.equal(f"{sheet}: row {i}", got, want)

    n_all = sum(len(row["cells"]) for _, _, s in walk(docs) if "table" in s
                for row in s["table"]["rows"])
    n_all += sum(len(s["items"]) for _, _, s in walk(docs))
    ck.equal("全項目: data rows", len(part_rows(parts, "全項目")), n_all)

    # Each report's warnings, then the doc's own, known at its end.
    want_warnings = []
    for doc in docs:
        f = cell(doc["source"]["file"])
        for r in doc["reports"]:
            want_warnings += [[f, r["index"], blank(w["page"]), cell(w["code"]),
                               cell(w["message_ja"])] for w in r["warnings"]]
        want_warnings += [[f, None, blank(w["page"]), cell(w["code"]), cell(w["message_ja"])]
                          for w in doc["warnings"]]
    # Staff read the sheet: every message of the converter's in Japanese, none ASCII alone.
    for i, row in enumerate(warning_rows, start=2):
        if isinstance(row[4], str) and row[4].isascii():
            ck.fail(f"警告: row {i} ({row[3]}) is not in Japanese: {row[4]!r}")
    rows = [row for row in warning_rows if row[3] not in XLSX_CODES]
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
    ap.add_argument("--expect-cell", action="append", metavar="SHEET!A1=VALUE",
                    help="a cell's value; an empty VALUE expects a blank cell")
    ap.add_argument("--same-as", metavar="BOOK",
                    help="the same sheets, values, widths, filters and properties as BOOK")
    ap.add_argument("--office-csv", metavar="DIR",
                    help="compare each sheet with LibreOffice's DIR/BOOK-SHEET.csv")
    ap.add_argument("--csv-dir", metavar="DIR",
                    help="compare each sheet with the CSV file DIR/STEM.SHEET.csv")
    ap.add_argument("--csv-stem", metavar="STEM",
                    help="the CSV files' stem (default: the workbook's name)")
    ap.add_argument("--csv-encoding", choices=["utf-8-bom", "cp932"], default="utf-8-bom")
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
    if args.same_as:
        check_same(ck, wb, args.same_as)
    if args.office_csv:
        check_office_csv(ck, wb, args.xlsx, args.office_csv)
    if args.csv_dir:
        stem = args.csv_stem or os.path.splitext(os.path.basename(args.xlsx))[0]
        check_csv(ck, wb, args.csv_dir, stem, args.csv_encoding)
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
