"""Measured quality of the entity and date markup against a hand-made gold standard.

The gold (tests/gold/<id>.tsv) lists every mention in a text: its span (character
offsets into the text's *annotation text*: the source's own characters of the
editorial note and of each text block, blocks joined by a newline), its type
(persName, placeName, orgName, roleName, title, date) and its target (the register
id for names, the ISO @when for dates). A predicted mention counts as correct only
if span, type and target all agree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .enrich import blocks
from .tei import EDITORIAL, local, parse_file

TYPES = ("persName", "placeName", "orgName", "roleName", "title", "date")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    type: str
    target: str
    text: str = ""

    def key(self):
        return (self.start, self.end, self.type, self.target)


def annotation_text_and_mentions(root) -> tuple[str, list[Mention]]:
    parts: list[str] = []
    mentions: list[Mention] = []
    offset = 0
    for i, block in enumerate(blocks(root)):
        if i:
            parts.append("\n")
            offset += 1
        offset = _walk(block, offset, parts, mentions, top=True)
    return "".join(parts), mentions


def _walk(el, offset, parts, mentions, top=False) -> int:
    name = local(el)
    if not top and name in EDITORIAL:
        return offset
    start = offset
    if el.text:
        parts.append(el.text)
        offset += len(el.text)
    for child in el:
        if isinstance(child.tag, str):
            offset = _walk(child, offset, parts, mentions)
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    if not top and name in TYPES:
        target = el.get("when", "") if name == "date" else (el.get("ref") or "").lstrip("#")
        mentions.append(Mention(start, offset, name, target))
    return offset


def load_gold(path: Path) -> list[Mention]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            if not row:
                continue
            start, end, typ, target, text = row
            out.append(Mention(int(start), int(end), typ, target, text))
    return out


@dataclass
class Score:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0


def score(pairs) -> dict[str, Score]:
    """pairs: (predicted mentions, gold mentions) per document."""
    scores = {t: Score() for t in TYPES}
    for predicted, gold in pairs:
        gold_keys = {m.key() for m in gold}
        for m in predicted:
            scores[m.type].predicted += 1
            scores[m.type].tp += m.key() in gold_keys
        for m in gold:
            scores[m.type].gold += 1
    return scores


def evaluate(project, gold_dir: Path) -> tuple[dict[str, Score], list[str]]:
    """Score every TEI text that has a gold file; also returns the differences."""
    pairs, diffs = [], []
    for gold_file in sorted(p for p in Path(gold_dir).glob("*.tsv") if not p.name.endswith(".table.tsv")):
        sid = gold_file.stem
        root = parse_file(project.tei / f"{sid}.xml").getroot()
        text, predicted = annotation_text_and_mentions(root)
        gold = load_gold(gold_file)
        for m in gold:
            if text[m.start:m.end] != m.text:
                diffs.append(f"{sid}: gold span {m.start}-{m.end} is {text[m.start:m.end]!r}, gold says {m.text!r}")
        gk = {m.key() for m in gold}
        pk = {m.key() for m in predicted}
        for m in predicted:
            if m.key() not in gk:
                diffs.append(f"{sid}: spurious {m.type} {text[m.start:m.end]!r} -> {m.target} at {m.start}")
        for m in gold:
            if m.key() not in pk:
                diffs.append(f"{sid}: missed {m.type} {m.text!r} -> {m.target} at {m.start}")
        pairs.append((predicted, gold))
    return score(pairs), diffs


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'type':<10} {'gold':>5} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>7}"]
    for t in TYPES:
        s = scores[t]
        lines.append(f"{t:<10} {s.gold:>5} {s.predicted:>6} {s.tp:>8} {s.precision:>10.3f} {s.recall:>7.3f}")
    return "\n".join(lines)
