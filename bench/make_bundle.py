#!/usr/bin/env python3
"""Makes the benchmark inputs of scripts/bench.sh with the fixture generator (build/tests/gen_fixtures).

    make_bundle.py [--gen GEN] bundle PAGES OUT.pdf    # one bundle of at least PAGES pages
    make_bundle.py [--gen GEN] folder COUNT DIR        # COUNT PDFs of one report each

A bundle is sample.spec's global settings (A4, Mincho 10.5 with Gothic headings, the title on
every page, grid table, page numbers per report) followed by reports taken in turn from the
specs whose reports were written for those settings (sample.spec's four, basic.spec's two,
markers.spec's one), each time with another region: the label (and its `region:` line, kept
consistent) cycles through the 47 prefectures of data/regions.tsv, alone (茨城県), with an
area (青森県・県北圏域) or with a city that runs its own health centre (宮城県 仙台市). The
sequence is fixed, so a smaller bundle is the first pages of a bigger one (the same mix), and
the same PAGES always gives the same PDF.

The page count of each template report is measured once (every report starts on a new page,
so a bundle's pages are the sum of its reports'); reports are added until PAGES is reached,
so the bundle may be a page longer. The bundle's spec and expected JSON are written next to
it (OUT.spec, OUT.expected.json). Prints the page and report counts: "PAGES REPORTS".
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(TOP, "tests", "fixtures", "specs")
# The specs whose reports are laid out for sample.spec's settings (A4, 25/20 mm margins,
# Mincho 10.5 with Gothic headings, grid table); their own per-report settings are kept.
TEMPLATE_SPECS = ["sample.spec", "basic.spec", "markers.spec"]
AREAS = ["県北圏域", "県南圏域", "中央圏域", "東部圏域", "西部圏域", "北部圏域", "南部圏域"]


def read_spec(path):
    """Splits a spec into its global lines and its reports (lists of lines, `report:` first)."""
    glob, reports = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() == "report:":
                reports.append([line])
            elif reports:
                reports[-1].append(line)
            else:
                glob.append(line)
    return glob, reports


def load_regions():
    """Prefectures, and per prefecture its cities, from data/regions.tsv (in file order)."""
    prefs, cities = [], {}
    with open(os.path.join(TOP, "data", "regions.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("name\t") or not line.strip():
                continue
            name, pref, kind = line.rstrip("\n").split("\t")[:3]
            if kind == "prefecture":
                prefs.append(name)
            elif kind != "ward":
                cities.setdefault(pref, []).append(name)
    return prefs, cities


def regions():
    """The endless, fixed sequence of (label, region line) pairs."""
    prefs, cities = load_regions()
    i = 0
    while True:
        pref = prefs[i % len(prefs)]
        lap = i // len(prefs)  # each lap over the 47 prefectures uses another form of label
        form = lap % 3
        if form == 1 and cities.get(pref):
            city = cities[pref][(lap // 3) % len(cities[pref])]
            yield f"{pref} {city}", f"region: {pref} | {city} | label"
        elif form == 0:
            yield pref, f"region: {pref} |  | label"
        else:
            area = AREAS[(i + lap) % len(AREAS)]
            yield f"{pref}・{area}", f"region: {pref} | {area} | label"
        i += 1


def relabel(report, label, region):
    """The report's lines with its label and region lines replaced (added after `report:`)."""
    out = [report[0], f"label: {label}", region]
    for line in report[1:]:
        key = line.split(":", 1)[0].strip()
        if key in ("label", "region"):
            continue
        out.append(line)
    return out


def settings(lines):
    """The `key: value` settings among spec lines, as a dict."""
    out = {}
    for line in lines:
        if ":" in line and not line.lstrip().startswith("#"):
            key, value = line.split(":", 1)
            out[key.strip()] = value.split(" #")[0].strip()
    return out


def templates():
    """sample.spec's global lines, and the template reports. A report of another spec gets its
    spec's global settings that differ from sample.spec's as settings of its own (markers.spec's
    wider margins), so that it is laid out as in its spec; only the page numbering, a setting of
    the whole bundle, stays sample.spec's."""
    glob, _ = read_spec(os.path.join(SPECS, "sample.spec"))
    base = settings(glob)
    reports = []
    for name in TEMPLATE_SPECS:
        own_glob, own_reports = read_spec(os.path.join(SPECS, name))
        own = settings(own_glob)
        for report in own_reports:
            mine = settings(report[1:])
            extra = [f"{k}: {v}" for k, v in own.items()
                     if k != "page-numbers" and k not in mine and base.get(k) != v]
            reports.append([report[0]] + extra + report[1:])
    return [l for l in glob if l.strip() and not l.startswith("#")], reports


def render(gen, spec_text, pdf, expected=None):
    """Writes spec_text next to pdf and renders it; returns pdf's page count."""
    spec = os.path.splitext(pdf)[0] + ".spec"
    with open(spec, "w", encoding="utf-8") as f:
        f.write(spec_text)
    expected = expected or os.path.splitext(pdf)[0] + ".expected.json"
    subprocess.run([gen, spec, pdf, expected], check=True)
    return pages_of(pdf)


def pages_of(pdf):
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if not m:
        sys.exit(f"make_bundle.py: pdfinfo gives no page count for {pdf}")
    return int(m.group(1))


def spec_text(glob, reports):
    header = "# generated by bench/make_bundle.py: sample.spec's settings, reports of " \
        + ", ".join(TEMPLATE_SPECS) + " with varied regions\n"
    return header + "\n".join(glob) + "\n\n" + "\n\n".join("\n".join(r) for r in reports) + "\n"


def template_pages(gen, glob, reports):
    """Pages of each template report alone, rendered in parallel."""
    with tempfile.TemporaryDirectory() as tmp:
        def one(i):
            return render(gen, spec_text(glob, [reports[i]]), os.path.join(tmp, f"t{i}.pdf"))
        with ThreadPoolExecutor(os.cpu_count() or 2) as ex:
            return list(ex.map(one, range(len(reports))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gen", default=os.path.join(TOP, "build", "tests", "gen_fixtures"))
    ap.add_argument("what", choices=["bundle", "folder"])
    ap.add_argument("count", type=int, help="pages of the bundle, or PDFs in the folder")
    ap.add_argument("out", help="the bundle's PDF, or the folder")
    a = ap.parse_args()
    if a.count < 1:
        sys.exit("make_bundle.py: the count must be positive")
    glob, temps = templates()
    labels = regions()

    if a.what == "bundle":
        per = template_pages(a.gen, glob, temps)
        chosen, pages = [], 0
        while pages < a.count:
            i = len(chosen) % len(temps)
            label, region = next(labels)
            chosen.append(relabel(temps[i], label, region))
            pages += per[i]
        got = render(a.gen, spec_text(glob, chosen), a.out)
        if got != pages:
            print(f"make_bundle.py: {a.out} has {got} pages, {pages} planned", file=sys.stderr)
        print(got, len(chosen))
        return

    os.makedirs(a.out, exist_ok=True)
    jobs = []
    for n in range(a.count):
        label, region = next(labels)
        text = spec_text(glob, [relabel(temps[n % len(temps)], label, region)])
        jobs.append((text, os.path.join(a.out, f"report-{n + 1:04d}.pdf")))
    meta = os.path.join(a.out, "..", os.path.basename(os.path.normpath(a.out)) + ".specs")
    os.makedirs(meta, exist_ok=True)

    def one(job):
        text, pdf = job
        # spec and expected JSON outside the folder, so that it holds the PDFs only
        base = os.path.join(meta, os.path.splitext(os.path.basename(pdf))[0])
        with open(base + ".spec", "w", encoding="utf-8") as f:
            f.write(text)
        subprocess.run([a.gen, base + ".spec", pdf, base + ".expected.json"], check=True)
        return pages_of(pdf)

    with ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        total = sum(ex.map(one, jobs))
    print(total, a.count)


if __name__ == "__main__":
    main()
