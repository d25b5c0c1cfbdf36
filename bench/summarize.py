#!/usr/bin/env python3
"""Summarises the timings of scripts/bench.sh into bench/results.md and prints it.

    summarize.py --raw RAW.tsv --inputs INPUTS.tsv --out results.md [--kaigi2xlsx BIN]
                 [--pdf2txt CMD] [--rss-ids "p100 p500"] [--settings TEXT] [--load TEXT]

RAW.tsv: tool, input, round, wall time in µs, peak RSS in KiB (one line per timed run).
INPUTS.tsv: input, pages, files, description. Medians and ratios come from this run's numbers
only. A "## Where the time goes" section that an earlier results.md had filled in is carried
over. Exit status: 0 every target met, 1 one or more not met (or not measured), 2 bad input.
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = [
    ("pdftotext", "pdftotext"),
    ("mutool", "mutool draw -F txt"),
    ("pdf2txt", "pdf2txt (pdfminer.six)"),
    ("k2x-j1", "kaigi2xlsx --jobs 1"),
    ("k2x-j1-norules", "kaigi2xlsx --jobs 1, no rules (K2X_NO_RULES)"),
    ("k2x-j2", "kaigi2xlsx --jobs 2"),
]
PLACEHOLDER = "(filled in by hand from callgrind; see bench/README.md)"
# Debian packages whose versions go into the header (shell patterns for dpkg-query; the
# library packages' names carry an ABI number or a t64 suffix).
PACKAGES = ["poppler-utils", "libpoppler-glib8*", "libxlsxwriter[0-9]*", "mupdf-tools",
            "python3-pdfminer", "libglib2.0-0*"]
MIB = 1024.0  # /usr/bin/time's %M is in KiB


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=TOP).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            m = re.search(r"^MemTotal:\s*(\d+) kB", f.read(), re.M)
            mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else mem
    except OSError:
        pass
    distro = ""
    try:
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            distro = m.group(1) if m else ""
    except OSError:
        pass
    cores = sh("nproc") or str(os.cpu_count())
    return f"{cores} cores (nproc), {cpu}, {mem} memory; {distro}, Linux {os.uname().release}"


def packages():
    out = sh("dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Package} ${Version}\\n", *PACKAGES)
    got = [l.split("|", 1)[1] for l in out.splitlines() if l.startswith("ii") and "|" in l]
    return ", ".join(got) or "?"


def commit():
    head = sh("git", "rev-parse", "--short", "HEAD") or "?"
    changed = sh("git", "status", "--porcelain", "--untracked-files=no")
    n = len(changed.splitlines()) if changed else 0
    return f"{head} ({'clean' if n == 0 else f'dirty: {n} tracked files changed'})"


def load(args):
    runs = {}
    with open(args.raw) as f:
        for line in f:
            tool, inp, _rnd, us, rss = line.rstrip("\n").split("\t")
            runs.setdefault((tool, inp), []).append((int(us) / 1e6, int(rss)))
    inputs = {}
    with open(args.inputs) as f:
        for line in f:
            inp, pages, files, desc = line.rstrip("\n").split("\t")
            inputs[inp] = (int(pages), int(files), desc)
    return runs, inputs


def input_order(inputs):
    def key(i):
        if i == "bundle":
            return (0, 0)
        if i == "slice":
            return (1, 0)
        if i == "folder":
            return (3, 0)
        return (2, inputs[i][0])
    return sorted(inputs, key=key)


def input_name(inp, inputs):
    pages, files, _ = inputs[inp]
    if inp == "folder":
        return f"folder ({files} PDFs)"
    return f"{inp}.pdf"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kaigi2xlsx", default=os.path.join(TOP, "build", "kaigi2xlsx"))
    ap.add_argument("--pdf2txt", default="pdf2txt")
    ap.add_argument("--rss-ids", default="p100 p500")
    ap.add_argument("--settings", default="")
    ap.add_argument("--load", default="", help="load averages to record")
    args = ap.parse_args()
    runs, inputs = load(args)
    if not runs:
        print("summarize.py: no timed runs", file=sys.stderr)
        return 2

    def wall(tool, inp):
        r = runs.get((tool, inp))
        return statistics.median(w for w, _ in r) if r else None

    def rss(tool, inp):
        r = runs.get((tool, inp))
        return statistics.median(k for _, k in r) / MIB if r else None

    # --- measurements ---
    rows = ["| tool | input | pages | runs | median s | spread (min–max) s | pages/s "
            "| peak RSS MiB | vs pdftotext |",
            "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
    for inp in input_order(inputs):
        pages = inputs[inp][0]
        base = wall("pdftotext", inp)
        for tool, name in TOOLS:
            r = runs.get((tool, inp))
            if not r:
                continue
            walls = [w for w, _ in r]
            med = statistics.median(walls)
            ratio = f"{med / base:.2f}×" if base else "–"
            rows.append(f"| {name} | {input_name(inp, inputs)} | {pages} | {len(r)} | {med:.3f} "
                        f"| {min(walls):.3f}–{max(walls):.3f} | {pages / med:.0f} "
                        f"| {rss(tool, inp):.1f} | {ratio} |")

    # --- targets ---
    targets = []

    def target(name, value, limit, fmt, higher_is_better=False):
        if value is None:
            targets.append((name, "not measured", False))
            return
        met = value >= limit if higher_is_better else value <= limit
        targets.append((name, fmt.format(value), met))

    def ratio(a, b):
        return a / b if a is not None and b else None

    j1b, j2b, ptb = wall("k2x-j1", "bundle"), wall("k2x-j2", "bundle"), wall("pdftotext", "bundle")
    bp = inputs.get("bundle", (0, 0, ""))[0]
    target(f"--jobs 1 wall ≤ 1.2× pdftotext ({bp}-page bundle)", ratio(j1b, ptb), 1.2,
           "{:.2f}×" + (f" ({j1b:.2f} s vs {ptb:.2f} s)" if j1b and ptb else ""))
    target(f"--jobs 2 wall ≤ 0.65× pdftotext ({bp}-page bundle)", ratio(j2b, ptb), 0.65,
           "{:.2f}×" + (f" ({j2b:.2f} s vs {ptb:.2f} s)" if j2b and ptb else ""))
    # What reading the rules costs: the same run with the text from poppler-glib and no rules,
    # as before rules were read, against the pipeline, in pdftotext's time.
    nrb = wall("k2x-j1-norules", "bundle")
    target(f"rules cost ≤ 0.05× pdftotext ({bp}-page bundle, --jobs 1 vs no rules)",
           ratio(j1b - nrb, ptb) if j1b and nrb else None, 0.05,
           "{:+.3f}×" + (f" ({j1b:.3f} s vs {nrb:.3f} s without rules)" if j1b and nrb else ""))
    j1s, p2s = wall("k2x-j1", "slice"), wall("pdf2txt", "slice")
    sp = inputs.get("slice", (0, 0, ""))[0]
    target(f"≥ 20× faster than pdf2txt ({sp}-page slice, --jobs 1)", ratio(p2s, j1s), 20,
           "{:.1f}× faster" + (f" ({j1s:.3f} s vs {p2s:.2f} s)" if j1s and p2s else ""),
           higher_is_better=True)
    j1runs = [(k, inp) for (tool, inp), r in runs.items() if tool == "k2x-j1" for _, k in r]
    if j1runs:
        peak, where = max(j1runs)
        target("peak RSS ≤ 64 MiB with --jobs 1 (every --jobs 1 run)", peak / MIB, 64,
               "{:.1f} MiB" + f" (max of {len(j1runs)} runs, on {input_name(where, inputs)})")
    else:
        target("peak RSS ≤ 64 MiB with --jobs 1", None, 64, "")
    rss_ids = args.rss_ids.split()
    small = rss_ids[0] if rss_ids else None
    smp = inputs.get(small, (0, 0, ""))[0] if small else 0
    rb, rs = rss("k2x-j1", "bundle"), rss("k2x-j1", small) if small else None
    target(f"RSS({bp} pages) ≤ 1.2× RSS({smp} pages), --jobs 1", ratio(rb, rs), 1.2,
           "{:.2f}×" + (f" ({rb:.1f} MiB vs {rs:.1f} MiB)" if rb and rs else ""))
    f1, f2 = wall("k2x-j1", "folder"), wall("k2x-j2", "folder")
    nf = inputs.get("folder", (0, 0, ""))[1]
    target(f"folder ({nf} PDFs): --jobs 2 throughput ≥ 1.8× --jobs 1", ratio(f1, f2), 1.8,
           "{:.2f}×" + (f" ({nf / f2:.0f} vs {nf / f1:.0f} PDFs/s)" if f1 and f2 else ""),
           higher_is_better=True)
    ts = wall("k2x-j1", small) if small else None
    limit = 1.1 * bp / smp if smp else 11
    target(f"time linear: {bp} pages ≤ {limit:.1f}× {smp} pages (--jobs 1)", ratio(j1b, ts),
           limit, "{:.2f}×" + (f" ({j1b:.2f} s vs {ts:.3f} s)" if j1b and ts else ""))
    trows = ["| target | measured | met? |", "| --- | --- | --- |"]
    trows += [f"| {n} | {m} | {'met' if ok else 'NOT MET'} |" for n, m, ok in targets]
    nmet = sum(1 for *_, ok in targets if ok)

    # --- the hand-written section of an earlier results.md ---
    kept = None
    try:
        with open(args.out, encoding="utf-8") as f:
            old = f.read()
        m = re.search(r"^## Where the time goes\n(.*?)(?=^## |\Z)", old, re.M | re.S)
        body = m.group(1).strip() if m else ""
        if body.startswith("_Carried over"):
            kept = body  # already carried: keep the commit it was written for
        elif body and body != PLACEHOLDER:
            prev = re.search(r"^- Commit: (\S+)", old, re.M)
            kept = (f"_Carried over from the previous results.md (commit "
                    f"{prev.group(1) if prev else '?'}); profile again when the code changed._"
                    f"\n\n{body}")
    except OSError:
        pass

    ins = "; ".join(f"{input_name(i, inputs)} {inputs[i][0]} pages ({inputs[i][2]})"
                    for i in input_order(inputs))
    version = sh(args.kaigi2xlsx, "--version").splitlines()
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    text = "\n".join([
        "# kaigi2xlsx benchmark",
        "",
        "Written by `scripts/bench.sh`; bench/README.md says what each number means.",
        "",
        f"- Date: {now}",
        f"- Commit: {commit()}",
        f"- kaigi2xlsx: {version[0] if version else '?'}",
        f"- Machine: {machine()}",
        f"- Load average (1, 5, 15 min): {args.load or '?'} (the benchmark itself keeps "
        "1–2 cores busy; a load before the start means other work ran alongside)",
        f"- Packages: {packages()}",
        f"- pdf2txt: `{args.pdf2txt}`",
        f"- Settings: {args.settings}",
        f"- Inputs (bench/make_bundle.py): {ins}",
        "",
        "## Measurements",
        "",
        "Wall time per run: median and min–max over the rounds, all tools taking turns within "
        "each round. Peak RSS: median of `/usr/bin/time -f %M` (the largest process of the "
        "command, its children included). kaigi2xlsx writes xlsx and JSON "
        "(`-q --format xlsx,json`) into a fresh directory each run; the others write text.",
        "",
        *rows,
        "",
        "## Targets",
        "",
        *trows,
        "",
        f"{nmet} of {len(targets)} targets met.",
        "",
        "## Where the time goes",
        "",
        kept or PLACEHOLDER,
        "",
    ])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print(text)
    return 0 if nmet == len(targets) else 1


if __name__ == "__main__":
    sys.exit(main())
