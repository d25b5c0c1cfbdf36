#!/usr/bin/python3
"""compare_json: checks a converter result against the expected JSON that gen_fixtures wrote.

Usage: compare_json.py EXPECTED.json ACTUAL.json

Compares the page count, the number of reports and, per report, title, label, region, pages and
sections (number, heading, page, table header, rows with cells and pages, items with text and
page; the table's layout when the expected file gives it). If the expected file (or a report in
it) has "warning_codes", the document's (or that report's) warnings of those codes are compared
too, as a list of code and page in order ("warnings"); other codes are not looked at.
Texts are compared with all whitespace removed, so wrapping and spacing choices do not count;
nothing else is normalised. Keys the expected file does not have are ignored. Prints every
difference as `path: expected X, actual Y`; exits 1 if there is any, 0 if none, 2 on bad input.
"""
import json
import re
import sys

MISSING = object()  # a key the actual result lacks


def squeeze(text):
    """Text without any whitespace (str.split and \\s both cover U+3000 in Python 3)."""
    return re.sub(r"\s+", "", text) if isinstance(text, str) else text


def show(value):
    if value is MISSING:
        return "(missing)"
    return json.dumps(value, ensure_ascii=False)


class Comparison:
    def __init__(self):
        self.differences = []

    def differ(self, path, expected, actual):
        self.differences.append(f"{path}: expected {show(expected)}, actual {show(actual)}")

    def value(self, path, expected, actual):
        if expected != actual:
            self.differ(path, expected, actual)

    def text(self, path, expected, actual):
        if squeeze(expected) != squeeze(actual):
            self.differ(path, expected, actual)

    def texts(self, path, expected, actual):
        if not isinstance(actual, list):
            self.differ(path, expected, actual)
            return
        self.value(f"{path}.length", len(expected), len(actual))
        for i, (e, a) in enumerate(zip(expected, actual)):
            self.text(f"{path}[{i}]", e, a)

    def table(self, path, expected, actual):
        if not isinstance(actual, dict):
            self.differ(path, "a table", actual)
            return
        self.texts(f"{path}.header", expected["header"], actual.get("header", MISSING))
        if "layout" in expected:
            self.value(f"{path}.layout", expected["layout"], actual.get("layout", MISSING))
        rows = actual.get("rows")
        if not isinstance(rows, list):
            self.differ(f"{path}.rows", expected["rows"], rows if rows is not None else MISSING)
            return
        self.value(f"{path}.rows.length", len(expected["rows"]), len(rows))
        for i, (e, a) in enumerate(zip(expected["rows"], rows)):
            self.texts(f"{path}.rows[{i}].cells", e["cells"], a.get("cells", MISSING))
            if "pages" in e:
                self.value(f"{path}.rows[{i}].pages", e["pages"], a.get("pages", MISSING))

    def section(self, path, expected, actual):
        for key in ("number", "page"):
            self.value(f"{path}.{key}", expected[key], actual.get(key, MISSING))
        self.text(f"{path}.heading", expected["heading"], actual.get("heading", MISSING))
        if "table" in expected:
            self.table(f"{path}.table", expected["table"], actual.get("table"))
        elif actual.get("table"):
            # The actual schema may carry an empty table; only a filled one is a difference.
            table = actual["table"]
            if table.get("header") or table.get("rows"):
                self.differ(f"{path}.table", None, table)
        items = actual.get("items")
        if not isinstance(items, list):
            self.differ(f"{path}.items", expected["items"], items if items is not None else MISSING)
            return
        self.value(f"{path}.items.length", len(expected["items"]), len(items))
        for i, (e, a) in enumerate(zip(expected["items"], items)):
            self.text(f"{path}.items[{i}].text", e["text"], a.get("text", MISSING))
            self.value(f"{path}.items[{i}].page", e["page"], a.get("page", MISSING))

    def report(self, path, expected, actual):
        self.text(f"{path}.title", expected["title"], actual.get("title", MISSING))
        self.text(f"{path}.label", expected["label"], actual.get("label", MISSING))
        region = actual.get("region") or {}
        for key in ("prefecture", "area", "source"):
            self.text(f"{path}.region.{key}", expected["region"][key], region.get(key, MISSING))
        if "pages" in expected:
            self.value(f"{path}.pages", expected["pages"], actual.get("pages", MISSING))
        sections = actual.get("sections") or []
        self.value(f"{path}.sections.length", len(expected["sections"]), len(sections))
        for i, (e, a) in enumerate(zip(expected["sections"], sections)):
            self.section(f"{path}.sections[{i}]", e, a)
        if "warning_codes" in expected:
            self.warnings(set(expected["warning_codes"]), expected.get("warnings", []),
                          actual.get("warnings"), f"{path}.warnings")

    def warnings(self, codes, expected, actual, path="warnings"):
        """Warnings of the given codes, as code and page; the messages are free text."""
        def pick(warnings):
            return [{"code": w.get("code"), "page": w.get("page")}
                    for w in warnings if isinstance(w, dict) and w.get("code") in codes]
        self.value(path, pick(expected), pick(actual if isinstance(actual, list) else []))

    def document(self, expected, actual):
        source = actual.get("source") or {}
        self.value("pages", expected["pages"], source.get("pages", MISSING))
        reports = actual.get("reports") or []
        self.value("reports.length", len(expected["reports"]), len(reports))
        for i, (e, a) in enumerate(zip(expected["reports"], reports)):
            self.report(f"reports[{i}]", e, a)
        if "warning_codes" in expected:
            self.warnings(set(expected["warning_codes"]), expected.get("warnings", []),
                          actual.get("warnings"))


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare_json: {path}: {e}", file=sys.stderr)
        sys.exit(2)


def main(argv):
    if len(argv) != 3:
        print("usage: compare_json.py EXPECTED.json ACTUAL.json", file=sys.stderr)
        return 2
    expected, actual = load(argv[1]), load(argv[2])
    comparison = Comparison()
    comparison.document(expected, actual)
    for line in comparison.differences:
        print(line)
    if comparison.differences:
        print(f"{len(comparison.differences)} difference(s) between {argv[1]} and {argv[2]}")
        return 1
    print(f"same: {argv[2]} matches {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
