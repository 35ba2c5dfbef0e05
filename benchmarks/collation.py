"""Collation benchmark: treatytei's aligner against CollateX on the same witnesses.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/collation.py

For each gold alignment in tests/gold/ (a pair of witnesses, the sections it covers) both
tools get the same input: the pair's sections, one token per character and one per tagged name, each token
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
from treatytei.collation_eval import _parse_gold, evaluate_alignment  # noqa: E402
from treatytei.project import Project  # noqa: E402
from treatytei.tei import parse_file  # noqa: E402
from treatytei.variants import segments  # noqa: E402

WORK = "kyakhta-treaty-1727"
GOLDS = sorted((ROOT / "tests" / "gold").glob(f"{WORK}.alignment*.txt"))
FILES = {"A": "kyakhta-treaty-1727.xml", "B": "khalkha-trade-treaty-1727.xml", "C": "kyakhta-treaty-1727-c.xml"}


def inputs(project, pair, keys):
    """The two witnesses' sections the gold covers (an empty one where a witness has none)."""
    secs = {w: {s.key: s for s in sections(parse_file(project.tei / FILES[w]).getroot())} for w in pair}
    return {k: tuple(secs[w].get(k, Section(k, "", None, [], False)) for w in pair) for k in keys}


def unpunctuated(sec) -> bool:
    return len(sec.tokens) >= 50 and not any(t.punct for t in sec.tokens)


def spans(columns: list, pair, unpunct) -> list[tuple]:
    """Variant spans (x start, x end, y start, y end) from aligned columns, cut into
    variants by the apparatus's own rules, the same for both tools; stops where the first
    witness's lacuna begins."""
    x, y = pair
    out, pa, pb = [], 0, 0
    for seg in segments(columns, unpunct, list(pair)):
        if seg.columns[0].cells[x] is None or seg.columns[0].cells[y] is None:
            break
        la = sum(len(t.text) for col in seg.columns for t in (col.cells[x] or []))
        lb = sum(len(t.text) for col in seg.columns for t in (col.cells[y] or []))
        if not seg.common and seg.level != "unpunct":
            out.append((pa, pa + la, pb, pb + lb))
        pa, pb = pa + la, pb + lb
    return out


def ours(sec_a, sec_b, pair, unpunct):
    x, y = pair
    return merge(x, {x: sec_a.tokens, y: sec_b.tokens}, {x: sec_a.open_end, y: sec_b.open_end}, unpunct)


def collatex(sec_a, sec_b, pair, unpunct=frozenset()):
    """CollateX's alignment of the same tokens, as the apparatus's columns."""
    x, y = pair
    if not sec_b.tokens or not sec_a.tokens:   # CollateX takes no empty witness: the one possible alignment
        return [Column({x: list(sec_a.tokens), y: list(sec_b.tokens)})]
    from collatex import Collation, collate

    def toks(sec):
        return [{"t": t.text, "n": t.loose, "tok": t} for t in sec.tokens]

    coll = Collation.create_from_dict({"witnesses": [{"id": x, "tokens": toks(sec_a)},
                                                     {"id": y, "tokens": toks(sec_b)}]})
    table = collate(coll, output="table", segmentation=False)
    cols = []
    for col in table.columns:
        per = col.tokens_per_witness
        cols.append(Column({x: [t.token_data["tok"] for t in per.get(x, [])],
                              y: [t.token_data["tok"] for t in per.get(y, [])]}))
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
    print(f"{'gold':44} {'tool':40} {'best':>8} {'median':>8} {'P':>6} {'R':>6}")
    for gold in GOLDS:
        g, pair = _parse_gold(gold)
        data = inputs(project, pair, list(g))
        unpunct = frozenset(w for w, k in zip(pair, range(2)) if any(unpunctuated(secs[k]) for secs in data.values()))
        pred_ours = {k: spans(ours(a, b, pair, unpunct), pair, unpunct) for k, (a, b) in data.items()}
        pred_cx = {k: spans(collatex(a, b, pair), pair, unpunct) for k, (a, b) in data.items()}
        # CollateX knows no lacunae: what the other reads beyond the first witness's last
        # character comes out as an addition; it is that witness's lacuna and is dropped,
        # as it is for ours
        for k, (a, b) in data.items():
            if a.open_end:
                end_a = sum(len(t.text) for t in a.tokens)
                pred_cx[k] = [s for s in pred_cx[k] if not (s[0] == s[1] == end_a)]
        s_ours, _ = evaluate_alignment(project, WORK, gold, predicted=pred_ours)
        s_cx, _ = evaluate_alignment(project, WORK, gold, predicted=pred_cx)
        s_app, _ = evaluate_alignment(project, WORK, gold)
        t_ours, m_ours = timed(lambda: [ours(a, b, pair, unpunct) for a, b in data.values()], 9)
        t_cx, m_cx = timed(lambda: [collatex(a, b, pair) for a, b in data.values()], 5)
        name = f"{gold.name.split('.', 1)[1]} ({s_ours.gold})"
        print(f"{name:44} {'CollateX 2.3 (the pair; same tokens, rules)':40} {t_cx:>7.3f}s {m_cx:>7.3f}s {s_cx.precision:>6.3f} {s_cx.recall:>6.3f}")
        print(f"{'':44} {'treatytei aligner (the pair)':40} {t_ours:>7.3f}s {m_ours:>7.3f}s {s_ours.precision:>6.3f} {s_ours.recall:>6.3f}")
        print(f"{'':44} {'treatytei apparatus (all witnesses)':40} {'':>8} {'':>8} {s_app.precision:>6.3f} {s_app.recall:>6.3f}")


if __name__ == "__main__":
    main()
