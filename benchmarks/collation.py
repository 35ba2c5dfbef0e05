"""Collation benchmark: treatytei's aligner against CollateX on the same witnesses.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/collation.py

Both tools get the same input: witnesses A and B, the preamble and articles 1-3 (what
both transcribe), one token per character and one per tagged name, each token
normalised the same way (script, listed variant characters and punctuation of one
function folded: treatytei's loose key, given to CollateX as "n"). Both alignments are
cut into variants by the same rules (treatytei.variants.segments) and scored against
the hand-made gold in tests/gold/. Timings are the best and the median of several runs
in this one process, so the ratio compares like with like on this shared machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatytei.alignment import Column, merge  # noqa: E402
from treatytei.collation_tokens import Section, sections  # noqa: E402
from treatytei.collation_eval import evaluate_alignment  # noqa: E402
from treatytei.project import Project  # noqa: E402
from treatytei.tei import parse_file  # noqa: E402
from treatytei.variants import segments  # noqa: E402

WORK = "kyakhta-treaty-1727"
GOLD = ROOT / "tests" / "gold" / f"{WORK}.alignment.txt"
KEYS = [("preamble", 0), ("article", 1), ("article", 2), ("article", 3)]


def inputs(project):
    a = {s.key: s for s in sections(parse_file(project.tei / "kyakhta-treaty-1727.xml").getroot())}
    b = {s.key: s for s in sections(parse_file(project.tei / "khalkha-trade-treaty-1727.xml").getroot())}
    empty = Section(("preamble", 0), "", None, [], False)    # B has no preamble
    return {k: (a[k], b.get(k, empty)) for k in KEYS}


def spans(columns: list) -> list[tuple]:
    """Variant spans (A start, A end, B start, B end) from aligned columns, cut into
    variants by the apparatus's own rules, the same for both tools; stops where A's
    lacuna begins."""
    out, pa, pb = [], 0, 0
    for seg in segments(columns):
        if seg.columns[0].cells["A"] is None:
            break
        la = sum(len(t.text) for col in seg.columns for t in (col.cells["A"] or []))
        lb = sum(len(t.text) for col in seg.columns for t in (col.cells["B"] or []))
        if not seg.common:
            out.append((pa, pa + la, pb, pb + lb))
        pa, pb = pa + la, pb + lb
    return out


def ours(sec_a, sec_b):
    return merge("A", {"A": sec_a.tokens, "B": sec_b.tokens}, {"A": sec_a.open_end, "B": False})


def collatex(sec_a, sec_b):
    """CollateX's alignment of the same tokens, as the apparatus's columns."""
    if not sec_b.tokens:   # CollateX takes no empty witness: the one possible alignment
        return [Column({"A": list(sec_a.tokens), "B": []})]
    from collatex import Collation, collate

    def toks(sec):
        return [{"t": t.text, "n": t.loose, "tok": t} for t in sec.tokens]

    coll = Collation.create_from_dict({"witnesses": [{"id": "A", "tokens": toks(sec_a)},
                                                     {"id": "B", "tokens": toks(sec_b)}]})
    table = collate(coll, output="table", segmentation=False)
    cols = []
    for col in table.columns:
        per = col.tokens_per_witness
        cols.append(Column({"A": [x.token_data["tok"] for x in per.get("A", [])],
                              "B": [x.token_data["tok"] for x in per.get("B", [])]}))
    return cols


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    project = Project(ROOT)
    data = inputs(project)
    tokens = sum(len(a.tokens) + len(b.tokens) for a, b in data.values())

    pred_ours = {k: spans(ours(a, b)) for k, (a, b) in data.items()}
    pred_cx = {k: spans(collatex(a, b)) for k, (a, b) in data.items()}
    # CollateX knows no lacunae: what B reads beyond A's last character comes out as an
    # addition in B; it is A's lacuna and is dropped, as it is for ours
    for k, (a, b) in data.items():
        if a.open_end:
            end_a = sum(len(t.text) for t in a.tokens)
            pred_cx[k] = [s for s in pred_cx[k] if not (s[0] == s[1] == end_a)]
    s_ours, _ = evaluate_alignment(project, WORK, GOLD, predicted=pred_ours)
    s_cx, _ = evaluate_alignment(project, WORK, GOLD, predicted=pred_cx)
    s_app, _ = evaluate_alignment(project, WORK, GOLD)

    t_ours, m_ours = timed(lambda: [ours(a, b) for a, b in data.values()], 9)
    t_cx, m_cx = timed(lambda: [collatex(a, b) for a, b in data.values()], 5)

    print(f"input: preamble and articles 1-3 of witnesses A and B, {tokens} tokens; gold: {s_ours.gold} variants")
    print()
    print(f"{'':36} {'best':>8} {'median':>8} {'precision':>10} {'recall':>7}")
    print(f"{'CollateX 2.3 (same tokens, rules)':36} {t_cx:>7.3f}s {m_cx:>7.3f}s {s_cx.precision:>10.3f} {s_cx.recall:>7.3f}")
    print(f"{'treatytei aligner':36} {t_ours:>7.3f}s {m_ours:>7.3f}s {s_ours.precision:>10.3f} {s_ours.recall:>7.3f}")
    print(f"{'treatytei apparatus in tei/ (check)':36} {'':>8} {'':>8} {s_app.precision:>10.3f} {s_app.recall:>7.3f}")
    print()
    print(f"speed-up over CollateX: {t_cx / t_ours:.1f}x (best runs), {m_cx / m_ours:.1f}x (medians)")


if __name__ == "__main__":
    main()
