"""Mutation fuzzing of the two readers on the real corpus (tests/real-corpus and sources/).

Each case mutates a real source (characters dropped, inserted -- Markdown and Wikisource
syntax among them --, runs duplicated, lines broken, the text rotated) and converts it
the way `convert` does (render: read, serialise, validate against the project schema
in memory). Every case must end in valid TEI or in one TreatyError line; a Wikisource
case that converts must pass the lossless check. Counts: cases, accepted, refused,
tracebacks, invalid outputs.

    .venv/bin/python benchmarks/fuzz_readers.py [CASES] [SEED]
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lxml import etree  # noqa: E402

from treatytei.errors import TreatyError  # noqa: E402
from treatytei.lossless import check  # noqa: E402
from treatytei.manifest import Source, decode_source  # noqa: E402
from treatytei.readers import READERS  # noqa: E402
from treatytei.tei import serialise  # noqa: E402

INSERTS = list("\n\n 、。,;:|#[]()*-_>`!<{}一二第條条") + ["\n# ", "\n- ", "\n1. ", "[1]", "](x)", "<u>",
                                                    "<!--", "-->", "{{", "}}", "-{", "}-", "编辑", "Portal:条约 "]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(max(1, len(text)))
        op = rng.randrange(6)
        if op == 0:
            text = text[:i] + text[i + rng.randint(1, 20):]
        elif op == 1:
            text = text[:i] + rng.choice(INSERTS) + text[i:]
        elif op == 2:
            n = rng.randint(1, 60)
            text = text[:i] + text[i:i + n] * 2 + text[i + n:]
        elif op == 3:
            text = text[:i] + "\n" + text[i:].lstrip()
        elif op == 4:
            text = text[i:] + text[:i]
        else:
            text = text[:i] + chr(rng.choice([0x3000, 0xfeff, 0x200b, 0x1F600, 0x2028, 0x85])) + text[i:]
    return text


def main(cases: int = 2000, seed: int = 1) -> int:
    files = sorted(p for p in (ROOT / "tests" / "real-corpus").glob("*/*") if p.suffix in (".md", ".txt"))
    files += sorted(p for p in (ROOT / "sources").iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    schema = etree.RelaxNG(etree.parse(str(ROOT / "schema" / "treatytei.rng")))
    rng = random.Random(seed)
    counts = {"cases": 0, "accepted": 0, "refused": 0, "tracebacks": 0, "invalid": 0, "lossy": 0}
    started = time.perf_counter()
    for case in range(cases):
        f = rng.choice(files)
        fmt = "wikipedia-markdown" if f.suffix == ".md" else "wikisource-treaty"
        raw = mutate(f.read_text(encoding="utf-8"), rng).encode("utf-8", "surrogatepass")
        counts["cases"] += 1
        src = Source(id="fuzz", file=f, format=fmt, title="t", script=rng.choice(["Hans", "Hant"]),
                     url="https://example.org/x", licence="x", complete=rng.random() < 0.5)
        try:
            text = decode_source(raw, f)
            reading = READERS[fmt](src, text, "0")
            doc = etree.fromstring(serialise(reading.root))
        except TreatyError:
            counts["refused"] += 1
            continue
        except Exception:
            counts["tracebacks"] += 1
            print(f"case {case} ({f.name}): traceback\n{traceback.format_exc()}", file=sys.stderr)
            continue
        counts["accepted"] += 1
        if not schema.validate(doc):
            counts["invalid"] += 1
            print(f"case {case} ({f.name}): invalid: {schema.error_log.last_error}", file=sys.stderr)
        elif fmt == "wikisource-treaty" and check(text, doc, fmt) is not None:
            counts["lossy"] += 1
            print(f"case {case} ({f.name}): {check(text, doc, fmt).describe()}", file=sys.stderr)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 1 if counts["tracebacks"] or counts["invalid"] or counts["lossy"] else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
