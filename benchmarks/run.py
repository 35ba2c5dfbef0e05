"""Scale benchmark: builds synthetic editions of N = 10, 100, 1000 sources (corpus.py)
and times each step of the build against the floor for the same bytes.

    .venv/bin/python benchmarks/run.py                 # N = 10, 100, 1000
    .venv/bin/python benchmarks/run.py --sizes 10 100  # smaller

The floor: parsing and serialising every TEI file of the built edition with lxml, plus
a Saxon identity transform of every file -- the least any XML pipeline must spend on
these bytes. Reported: seconds per step, seconds per MB of TEI, ratio to the floor,
the scaling exponent between the two largest sizes (doubling N costs 2^exponent), peak
memory (the main process and the largest worker), a rebuild after one TEI file is edited,
and a plot of time against N (benchmarks/out/scaling.png). Results also go to
benchmarks/out/results.json and results.md. The PDF step typesets every text: it is
measured up to --pdf-max (default 100) sources.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

OUT = ROOT / "out"
STEPS = ["convert", "enrich", "collate", "validate", "pdf", "html", "dts", "package"]


def floor(project) -> dict[str, float]:
    from lxml import etree

    from treatytei import saxon

    files = sorted(project.tei.glob("*.xml"))
    t0 = time.perf_counter()
    for f in files:
        etree.tostring(etree.parse(str(f)), encoding="UTF-8")
    t_lxml = time.perf_counter() - t0
    ident = ('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
             '<xsl:mode on-no-match="shallow-copy"/></xsl:stylesheet>')
    proc = saxon.processor()
    exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=ident)
    t0 = time.perf_counter()
    for f in files:
        exe.transform_to_string(xdm_node=proc.parse_xml(xml_file_name=str(f)))
    t_saxon = time.perf_counter() - t0
    mb = sum(f.stat().st_size for f in files) / 1e6
    return {"lxml": t_lxml, "saxon": t_saxon, "total": t_lxml + t_saxon, "mb": mb, "files": len(files)}


def build(project, state, skip=()) -> dict[str, float]:
    from treatytei.pipeline import steps
    from treatytei.parallel import shared_pool

    times = {}
    with shared_pool():   # as treatytei build does
        for name, fn in steps(project, state):
            if name in skip:
                continue
            t0 = time.perf_counter()
            fn()
            times[name] = time.perf_counter() - t0
    state.save()
    return times


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def edit_one(project) -> Path:
    """An editor's change to one text: a character in the first paragraph of its body."""
    path = sorted(project.tei.glob("synthetic-treaty-*.xml"))[0]
    text = path.read_text(encoding="utf-8")
    i = text.index("<p ", text.index("<body"))
    j = text.index(">", i) + 1
    path.write_text(text[:j] + "〇" + text[j:], encoding="utf-8")
    return path


def run_size(n: int, pdf_max: int, work: Path) -> dict:
    import contextlib
    import io

    import corpus
    from treatytei.buildstate import BuildState
    from treatytei.project import Project

    project = Project(corpus.make(work / f"n{n}", n))
    skip = () if n <= pdf_max else ("pdf",)
    state = BuildState(project.root)
    with contextlib.redirect_stderr(io.StringIO()):
        t0 = time.perf_counter()
        times = build(project, state, skip)
        total = time.perf_counter() - t0
        edit_one(project)
        t0 = time.perf_counter()
        rebuild_times = build(project, BuildState(project.root), skip)
        rebuild = time.perf_counter() - t0
    fl = floor(project)
    own, child = peak_mb()
    return {"n": n, "times": times, "total": total, "rebuild": rebuild, "rebuild_times": rebuild_times,
            "floor": fl, "peak_main_mb": own, "peak_worker_mb": child, "pdf_measured": "pdf" not in skip,
            "site": site_figures(project.site)}


def site_figures(site: Path) -> dict:
    """The site's weight and its search's speed: the search index's size, the heaviest
    page's HTML (in the original tree), and the time from
    opening search.html?q=... in Chromium (Playwright, file://) to the results shown,
    median of three queries (a name, a year, a romanised name)."""
    index = site / "assets" / "search-index-orig.js"      # (one per script tree, alike in size)
    pages = sorted(site.glob("*.html"), key=lambda p: p.stat().st_size)
    heaviest = pages[-1] if pages else None
    out = {"index_kb": index.stat().st_size / 1024 if index.exists() else 0,
           "heaviest_kb": heaviest.stat().st_size / 1024 if heaviest else 0,
           "heaviest": heaviest.name if heaviest else "", "query_ms": None}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return out
    import shutil
    import statistics
    from urllib.parse import quote

    chromium = shutil.which("chromium")
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"]) if chromium else p.chromium.launch()
        page = browser.new_page()
        for q in ("恰克图", "1727", "kyakhta"):
            t0 = time.perf_counter()
            page.goto((site / "search.html").resolve().as_uri() + "?q=" + quote(q))
            page.wait_for_selector("#results [role=status]")
            times.append((time.perf_counter() - t0) * 1000)
        browser.close()
    out["query_ms"] = statistics.median(times)
    return out


def report(results: list[dict]) -> str:
    lines = [f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
             f"{__import__('os').cpu_count()} cores. One run; seconds, wall clock.", ""]
    head = "| step | " + " | ".join(f"N={r['n']}" for r in results) + " | s/MB (largest) | × floor (largest) | exponent | doubling N |"
    lines += [head, "|" + "---|" * (len(results) + 5)]
    big = results[-1]
    prev = results[-2] if len(results) > 1 else None
    for step in STEPS:
        cells = [f"{r['times'][step]:.2f}" if step in r["times"] else "–" for r in results]
        measured = [r for r in results if step in r["times"]]
        last = measured[-1] if measured else None
        per_mb = f"{last['times'][step] / last['floor']['mb']:.2f}" if last else "–"
        ratio = f"{last['times'][step] / last['floor']['total']:.1f}" if last else "–"
        if len(measured) >= 2 and measured[-2]["times"][step] > 0:
            a, b = measured[-2], measured[-1]
            e = math.log(b["times"][step] / a["times"][step]) / math.log(b["n"] / a["n"])
            exp, dbl = f"{e:.2f}", f"{2 ** e:.2f}×"
        else:
            exp = dbl = "–"
        lines.append(f"| {step} | " + " | ".join(cells) + f" | {per_mb} | {ratio} | {exp} | {dbl} |")
    lines.append("| **build** | " + " | ".join(f"**{r['total']:.1f}**" for r in results) + " | | | | |")
    lines.append("| floor (lxml + Saxon identity) | " + " | ".join(f"{r['floor']['total']:.2f}" for r in results) + " | | | | |")
    lines.append("| TEI MB / files | " + " | ".join(f"{r['floor']['mb']:.1f} / {r['floor']['files']}" for r in results) + " | | | | |")
    lines.append("| rebuild after editing one file | " + " | ".join(f"{r['rebuild']:.2f} ({100 * r['rebuild'] / r['total']:.0f}%)" for r in results) + " | | | | |")
    lines.append("| peak memory, main / largest worker (MB) | " + " | ".join(f"{r['peak_main_mb']:.0f} / {r['peak_worker_mb']:.0f}" for r in results) + " | | | | |")
    if all("site" in r for r in results):
        lines.append("| search index (KB) | " + " | ".join(f"{r['site']['index_kb']:.0f}" for r in results) + " | | | | |")
        lines.append("| heaviest page (KB) | " + " | ".join(f"{r['site']['heaviest_kb']:.0f} ({r['site']['heaviest']})" for r in results) + " | | | | |")
        lines.append("| search: page to results (ms, median of 3) | " + " | ".join(
            f"{r['site']['query_ms']:.0f}" if r['site']['query_ms'] is not None else "–" for r in results) + " | | | | |")
    if any(not r["pdf_measured"] for r in results):
        lines.append("")
        lines.append("The PDF step was not run for the sizes marked –: it typesets every text (see the README).")
    del big, prev
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for step in STEPS + ["floor"]:
        pts = [(r["n"], r["floor"]["total"] if step == "floor" else r["times"].get(step)) for r in results]
        pts = [(n, t) for n, t in pts if t]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=step,
                    linestyle="--" if step == "floor" else "-")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sources (N)")
    ax.set_ylabel("seconds")
    ax.set_title("treatytei build steps vs. edition size")
    ax.grid(True, which="both", alpha=.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    import subprocess

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--pdf-max", type=int, default=100)
    ap.add_argument("--work", type=Path, default=OUT / "work")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)   # one size, in this process (JSON out)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.pdf_max, args.work), default=float))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        # each size in a process of its own, so that peak memory is that size's own
        print(f"N = {n} ...", file=sys.stderr, flush=True)
        r = subprocess.run([sys.executable, __file__, "--one", str(n), "--pdf-max", str(args.pdf_max),
                            "--work", str(args.work)], capture_output=True, text=True, check=True)
        results.append(json.loads(r.stdout.strip().splitlines()[-1]))
        print(json.dumps({k: v for k, v in results[-1].items() if k != "floor"}, default=float), file=sys.stderr)
    text = report(results)
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=float) + "\n", encoding="utf-8")
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    plot(results, OUT / "scaling.png")
    print(text)


if __name__ == "__main__":
    main()
