"""Measured quality of the names loop (propose, accept everything, enrich) against a
hand list of the person, place and organisation mentions of texts.

A hand list (tests/gold/names/<source file stem>.tsv) gives, per text, every name
mentioned: its type (person, place, org), its surface form and how many times the text
mentions it as that. Tags and gold are compared as bags per (type, surface): a tag
counts as correct up to the number of mentions the list gives. Surface forms compare
by the match key (script- and variant-insensitive). The rules the lists follow are in
tests/gold/names/README.md.

Proposal precision: of the person, place and organisation candidates proposed from a
text, the share the text's list has with the same type.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from .enrich import blocks, match_key
from .evaluate import Score
from .tei import NS, local, parse_file

TYPES = {"persName": "person", "placeName": "place", "orgName": "org"}


def load_list(path: Path) -> Counter:
    out: Counter = Counter()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[(row["type"], match_key(row["surface"]))] += int(row["count"])
    return out


def tagged(path: Path) -> Counter:
    """(type, surface key) -> how many times the text's blocks tag it."""
    root = parse_file(path).getroot()
    out: Counter = Counter()
    for block in blocks(root):
        if block.xpath("ancestor::tei:fw", namespaces=NS):
            continue
        for el in block.iter(*(f"{{{NS['tei']}}}{t}" for t in TYPES)):
            if el.xpath("ancestor::tei:fw", namespaces=NS) or not el.get("ref"):
                continue
            out[(TYPES[local(el)], match_key("".join(el.itertext())))] += 1
    return out


def compare(gold: Counter, found: Counter, scores: dict[str, Score], diffs: list[str], label: str) -> None:
    for kind in ("person", "place", "org"):
        c = scores.setdefault(kind, Score())
        for (t, key), n in gold.items():
            if t == kind:
                c.gold += n
                c.tp += min(n, found.get((t, key), 0))
                if found.get((t, key), 0) < n:
                    diffs.append(f"{label}: missed {kind} {key} ({n - found.get((t, key), 0)} of {n})")
        for (t, key), n in found.items():
            if t == kind:
                c.predicted += n
                if n > gold.get((t, key), 0):
                    diffs.append(f"{label}: spurious {kind} {key} ({n - gold.get((t, key), 0)} of {n})")


def proposal_precision(cands, gold: Counter) -> tuple[int, int, list[str]]:
    """(correct, proposed, the wrong ones) for the person/place/org candidates. A list's surface
    with a footnote's mark in it (尼迢[1]來) is the name without the mark, which is what is proposed."""
    known = {(t, re.sub(r"\[\d+\]", "", k)) for t, k in gold}
    right, total, wrong = 0, 0, []
    for c in cands:
        if c.kind not in ("person", "place", "org"):
            continue
        total += 1
        if (c.kind, match_key(c.surface)) in known:
            right += 1
        else:
            wrong.append(f"{c.kind} {c.surface}")
    return right, total, wrong


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'type':<8} {'gold':>5} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>7}"]
    for kind in ("person", "place", "org"):
        c = scores.get(kind, Score())
        lines.append(f"{kind:<8} {c.gold:>5} {c.predicted:>6} {c.tp:>8} {c.precision:>10.3f} {c.recall:>7.3f}")
    return "\n".join(lines)
