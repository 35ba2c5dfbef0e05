"""Mutation fuzzing of the toolkit on real files: sources (tests/real-corpus, sources/)
through the readers and the conversion's checks, and TEI files (tei/, tests/corpus/good)
through every step that reads TEI -- the hardened parse, validation (RELAX NG and
Schematron through Saxon), enrichment (the minimal-edit splice), the checks before
publishing.

Each case runs in a worker process, so that a crash of the process (SaxonC aborts
instead of raising) is counted, not fatal; a case that takes over 60 s is a hang. The
outcome of a case is either a result or one TreatyError line; anything else is counted
as a traceback. Every TEI file an accepted case yields must be valid against the
project schema, and a Wikisource source's TEI must pass the lossless check.

    .venv/bin/python benchmarks/fuzz.py [CASES] [SEED]     # prints the counts; exit 1 on any failure
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SOURCE_INSERTS = list("\n\n 、。,;:|#[]()*-_>`!<{}一二第條条") + [
    "\n# ", "\n- ", "\n1. ", "[1]", "](x)", "<u>", "<!--", "-->", "{{", "}}", "-{", "}-", "编辑", "Portal:条约 ",
    "<script>", "<table><tr><td>", "![a](", "\u3000", "\ufeff", "\u200b", "\U0001F600", "\u2028"]
TEI_INSERTS = ["<", ">", "&", "&#0;", "&#x110000;", "&amp;", "<![CDATA[", "]]>", "<!-- ", " -->", '"', "'",
               ' xml:id=""', ' xml:id="x y"', ' xml:id="dup"', ' ref="#nowhere"', ' when="1727-13-40"',
               "<p>", "</p>", "<persName>", "</persName>", "<note>n</note>", "<div>", "</div>", "<?pi x?>",
               '<!DOCTYPE TEI [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "&e;", "\x00", "\ufffe",
               "<app><rdg wit=\"#Z\">x</rdg></app>", "<lb/>", "<fw type=\"edit\">x</fw>"]


def mutate(text: str, rng: random.Random, inserts: list[str]) -> str:
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(max(1, len(text)))
        op = rng.randrange(5)
        if op == 0:
            text = text[:i] + text[i + rng.randint(1, 20):]
        elif op == 1:
            text = text[:i] + rng.choice(inserts) + text[i:]
        elif op == 2:
            n = rng.randint(1, 80)
            text = text[:i] + text[i:i + n] * 2 + text[i + n:]
        elif op == 3:
            text = text[:i] + "\n" + text[i:].lstrip()
        else:
            text = text[i:] + text[:i]
    return text


def encode(text: str, rng: random.Random) -> bytes:
    codec = rng.choice(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1"])
    return text.encode(codec, "replace")


def run_source(job) -> str:
    """A mutated source through convert's render (read, serialise, validate in memory)."""
    path, data, fmt, complete, script = job
    from treatytei.convert import render
    from treatytei.errors import TreatyError
    from treatytei.lossless import check
    from treatytei.manifest import Source, decode_source
    from lxml import etree

    tmp = Path(f"/tmp/treatytei-fuzz-{__import__('os').getpid()}{Path(path).suffix}")
    tmp.write_bytes(data)
    src = Source(id="fuzz", file=tmp, format=fmt, title="t", script=script, url="https://example.org/x",
                 licence="x", complete=complete)
    try:
        out, _ = render(src, str(ROOT / "schema" / "treatytei.rng"))
    except TreatyError:
        return "refused"
    if fmt == "wikisource-treaty" and check(decode_source(data, tmp), etree.fromstring(out), fmt) is not None:
        return "lossy"
    return "accepted"


def run_tei(job) -> str:
    """A mutated TEI file through validation, enrichment and the publishing checks."""
    name, data = job
    import shutil
    from treatytei.enrich import _gazetteer, enrich_bytes
    from treatytei.errors import TreatyError
    from treatytei.tei import check_for_saxon, parse_bytes
    from treatytei.validate import RunContext, relaxng, validate_file

    folder = Path(f"/tmp/treatytei-fuzz-tei-{__import__('os').getpid()}")
    if not folder.exists():
        folder.mkdir()
        shutil.copy(ROOT / "tei" / "register.xml", folder / "register.xml")
    path = folder / ("case-" + name)       # never the register beside it
    path.write_bytes(data)
    problems = validate_file(path, ROOT / "schema" / "treatytei.rng", ROOT / "schema" / "treatytei.sch",
                             name, RunContext())
    valid = not [p for p in problems if p.severity == "error"]
    try:
        check_for_saxon(path)
    except TreatyError as exc:
        if valid and "not in UTF-8" not in exc.message:     # publishing needs UTF-8: by design
            return "valid-but-refused"
    try:
        count, out, _, _, _, _ = enrich_bytes(path, _gazetteer(folder / "register.xml"))
    except TreatyError:
        return "refused"
    if out is not None and valid:
        try:
            tree = parse_bytes(out, path)
        except TreatyError:
            return "invalid-written"
        if not relaxng(str(ROOT / "schema" / "treatytei.rng")).validate(tree):
            return "invalid-written"
    return "accepted" if valid else "refused"


def _guard(fn, job):
    try:
        return fn(job)
    except Exception:
        return "traceback:" + traceback.format_exc(limit=6)


def guard_source(job):
    return _guard(run_source, job)


def guard_tei(job):
    return _guard(run_tei, job)


def main(cases: int = 10000, seed: int = 1, verbose: bool = True) -> dict:
    sources = sorted(p for p in (ROOT / "tests" / "real-corpus").glob("*/*") if p.suffix in (".md", ".txt"))
    sources += sorted(p for p in (ROOT / "sources").iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    teis = sorted((ROOT / "tei").glob("*.xml")) + sorted((ROOT / "tests" / "corpus" / "good").glob("*.xml"))
    rng = random.Random(seed)
    counts = {"cases": 0, "accepted": 0, "refused": 0, "tracebacks": 0, "aborts": 0, "hangs": 0,
              "invalid_written": 0, "lossy": 0, "valid_but_refused": 0}
    jobs = []
    for case in range(cases):
        if rng.random() < 0.5:
            f = rng.choice(sources)
            fmt = "wikipedia-markdown" if f.suffix == ".md" else "wikisource-treaty"
            text = mutate(f.read_text(encoding="utf-8"), rng, SOURCE_INSERTS)
            data = text.encode("utf-8", "surrogatepass") if rng.random() < 0.9 else encode(text, rng)
            jobs.append((guard_source, (str(f), data, fmt, rng.random() < 0.5, rng.choice(["Hans", "Hant"])), f.name))
        else:
            f = rng.choice(teis)
            text = mutate(f.read_text(encoding="utf-8"), rng, TEI_INSERTS)
            jobs.append((guard_tei, (f.name, encode(text, rng)), f.name))
    started = time.perf_counter()
    pool = ProcessPoolExecutor(max_workers=2)
    k = 0
    while k < len(jobs):
        batch = jobs[k:k + 64]
        futures = [pool.submit(fn, job) for fn, job, _ in batch]
        for (fn, job, name), fut in zip(batch, futures):
            counts["cases"] += 1
            try:
                out = fut.result(timeout=60)
            except BrokenProcessPool:
                counts["aborts"] += 1
                if verbose:
                    print(f"case {k}: {name}: the worker process died (abort)", file=sys.stderr)
                pool = ProcessPoolExecutor(max_workers=2)
                continue
            except TimeoutError:
                counts["hangs"] += 1
                continue
            if out.startswith("traceback:"):
                counts["tracebacks"] += 1
                if verbose:
                    print(f"case {k} ({name}):\n{out[10:]}", file=sys.stderr)
            else:
                counts[out.replace("-", "_")] += 1
                if out not in ("accepted", "refused") and verbose:
                    print(f"case {k} ({name}): {out}", file=sys.stderr)
        k += len(batch)
    pool.shutdown()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    if verbose:
        print(" ".join(f"{key}={v}" for key, v in counts.items()))
    return counts


if __name__ == "__main__":
    c = main(*(int(a) for a in sys.argv[1:3]))
    sys.exit(1 if any(c[k] for k in ("tracebacks", "aborts", "hangs", "invalid_written", "lossy")) else 0)
