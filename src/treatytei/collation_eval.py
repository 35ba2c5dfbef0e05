"""Alignment quality of the apparatus against a hand-made gold alignment
(tests/gold/<work>.alignment.txt; its format is described at its top).

A variant is identified by its span in each witness's section text (the witness's
own characters, article numeral left out). Precision: the share of the apparatus's
variants (orthographic and substantive) whose spans in both witnesses equal a gold
variant's; recall: the share of gold variants found so. Only sections the gold
covers count, and in them only the stretch before a witness's lacuna.
"""

from __future__ import annotations

import re
from pathlib import Path

from .chinese import normalise
from .evaluate import Score
from .collate import sections
from .errors import TreatyError
from .tei import NS, local, original_text, parse_file

Span = tuple[int, int, int, int]


def parse_gold(path: Path) -> dict[tuple, list]:
    out: dict[tuple, list] = {}
    current = None
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") and not line.startswith("##"):
            continue
        if line.startswith("## "):
            name = line[3:].strip()
            current = ("preamble", 0) if name == "preamble" else ("article", int(name.split()[-1]))
            out[current] = []
        elif line.startswith("= "):
            out[current].append(("=", line[2:]))
        elif m := re.match(r"^A:\s?(.*?)\s*\|\s*B:\s?(.*)$", line):
            out[current].append(("app", m.group(1).strip(), m.group(2).strip()))
        else:
            raise TreatyError(f"{path}:{no}", f"cannot read gold line {line!r}")
    return out


def gold_spans(items: list, a_text: str, b_text: str, where: str) -> list[Span]:
    """Spans of the gold variants; checks that the gold reproduces both texts."""
    a = b = 0
    spans: list[Span] = []
    for item in items:
        if item[0] == "=":
            t = item[1]
            if a_text[a:a + len(t)] != t or normalise(b_text[b:b + len(t)]) != normalise(t):
                raise TreatyError(where, f"gold common text {t!r} does not match the witnesses at A:{a} B:{b}")
            a, b = a + len(t), b + len(t)
        else:
            _, ra, rb = item
            if a_text[a:a + len(ra)] != ra or b_text[b:b + len(rb)] != rb:
                raise TreatyError(where, f"gold variant {ra!r} | {rb!r} does not match the witnesses at A:{a} B:{b}")
            spans.append((a, a + len(ra), b, b + len(rb)))
            a, b = a + len(ra), b + len(rb)
    if a != len(a_text):
        raise TreatyError(where, f"gold covers {a} of A's {len(a_text)} characters")
    return spans


def predicted_spans(div, wits=("A", "B")) -> tuple[list[Span], int | None]:
    """Variant spans of one apparatus section, and A's offset where its lacuna starts."""
    pos = {w: 0 for w in wits}
    spans: list[Span] = []
    stopped: dict[str, int] = {}

    def add_common(n: int):
        for w in wits:
            if w not in stopped:
                pos[w] += n

    def walk(el):
        if el.text:
            add_common(len(el.text))
        for child in el:
            name = local(child)
            if name == "app":
                typ = child.get("type")
                if typ == "lacuna":
                    for r in child.xpath("tei:rdg[tei:lacunaStart]", namespaces=NS):
                        for w in r.get("wit").split():
                            stopped[w.lstrip("#")] = pos[w.lstrip("#")]
                elif typ in ("orthographic", "substantive"):
                    start = dict(pos)
                    for r in child.xpath("tei:rdg", namespaces=NS):
                        for w in r.get("wit").split():
                            pos[w.lstrip("#")] += len(original_text(r))
                    if all(w not in stopped for w in wits):
                        spans.append((start["A"], pos["A"], start["B"], pos["B"]))
            elif name == "choice":
                add_common(len(child.findtext("{*}reg") or ""))
            elif name in ("label", "note"):
                pass
            else:
                walk(child)
            if child.tail:
                add_common(len(child.tail))

    for p in div.xpath("tei:p", namespaces=NS):
        walk(p)
    return spans, stopped.get("A")


def section_texts(path: Path) -> dict[tuple, str]:
    return {s.key: "".join(t.text for t in s.tokens) for s in sections(parse_file(path).getroot())}


def evaluate_alignment(project, work: str, gold_path: Path, apparatus: Path | None = None,
                       predicted: dict[tuple, list[Span]] | None = None) -> tuple[Score, list[str]]:
    """Score the apparatus (or ``predicted`` spans per section) against the gold."""
    from .collate import witnesses_of
    from .manifest import load

    wits = {w.siglum: project.tei / f"{w.id}.xml" for w in witnesses_of(load(project.manifest), work)}
    texts = {s: section_texts(p) for s, p in wits.items()}
    gold = parse_gold(gold_path)
    if predicted is None:
        root = parse_file(apparatus or project.tei / f"{work}.apparatus.xml").getroot()
        predicted = {}
        for div in root.xpath("//tei:body/tei:div", namespaces=NS):
            key = ("preamble", 0) if div.get("type") == "preamble" else ("article", int(div.get("n")))
            predicted[key] = predicted_spans(div)[0]
    g = p = c = 0
    diffs = []
    for key, items in gold.items():
        gs = set(gold_spans(items, texts["A"].get(key, ""), texts["B"].get(key, ""), f"{gold_path} {key}"))
        ps = set(predicted.get(key, []))
        g, p, c = g + len(gs), p + len(ps), c + len(gs & ps)
        a_text, b_text = texts["A"].get(key, ""), texts["B"].get(key, "")
        for s in sorted(ps - gs):
            diffs.append(f"{key[0]} {key[1]}: not in gold  A:{a_text[s[0]:s[1]]!r} B:{b_text[s[2]:s[3]]!r}")
        for s in sorted(gs - ps):
            diffs.append(f"{key[0]} {key[1]}: missed       A:{a_text[s[0]:s[1]]!r} B:{b_text[s[2]:s[3]]!r}")
    return Score(tp=c, predicted=p, gold=g), diffs
