"""Alignment quality of the apparatus against hand-made gold alignments of pairs of
witnesses (tests/gold/<work>.alignment.txt for A and B, <work>.alignment-<X><Y>.txt for
others; the format is described at the top of each: "X: reading | Y: reading" lines
name the pair).

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
from .collation_tokens import section_key, sections
from .errors import TreatyError
from .apparatus_tei import witness_text
from .tei import NS, local, parse_file

Span = tuple[int, int, int, int]


def parse_gold(path: Path) -> dict[tuple, list]:
    return _parse_gold(path)[0]


def gold_pair(path: Path) -> tuple[str, str]:
    """The two witnesses a gold file aligns (named in its variant lines)."""
    return _parse_gold(path)[1]


def _parse_gold(path: Path) -> tuple[dict[tuple, list], tuple[str, str]]:
    out: dict[tuple, list] = {}
    current = None
    pair = None
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") and not line.startswith("##"):
            continue
        if line.startswith("## "):
            name = line[3:].strip()
            current = ("preamble", 0) if name == "preamble" else ("article", int(name.split()[-1]))
            out[current] = []
        elif line.startswith("= "):
            out[current].append(("=", line[2:]))
        elif m := re.match(r"^([A-Z][A-Za-z0-9]*):\s?(.*?)\s*\|\s*([A-Z][A-Za-z0-9]*):\s?(.*)$", line):
            if pair is None:
                pair = (m.group(1), m.group(3))
            elif pair != (m.group(1), m.group(3)):
                raise TreatyError(f"{path}:{no}", f"a gold file aligns one pair: {pair[0]} and {pair[1]}")
            out[current].append(("app", m.group(2).strip(), m.group(4).strip()))
        else:
            raise TreatyError(f"{path}:{no}", f"cannot read gold line {line!r}")
    return out, pair or ("A", "B")


def gold_spans(items: list, a_text: str, b_text: str, where: str) -> list[Span]:
    """Spans of the gold variants; checks that the gold reproduces both texts. Where one
    witness has no punctuation at all, the other's punctuation is skipped in it (that
    witness is silent about punctuation; see the A-C gold)."""
    from .chinese import is_punct

    a_silent = bool(a_text) and not any(is_punct(c) for c in a_text)
    b_silent = bool(b_text) and not any(is_punct(c) for c in b_text)

    def take(text: str, pos: int, want: str, silent: bool, exact: bool) -> int | None:
        """Where ``want`` ends in ``text`` read from ``pos``, or None."""
        for c in want:
            if silent and is_punct(c):
                continue
            while not silent and pos < len(text) and is_punct(text[pos]) and not is_punct(c) and (
                    a_silent or b_silent) and not exact:
                pos += 1           # punctuation the silent witness's gold text does not write
            if pos >= len(text):
                return None
            if (text[pos] != c) if exact else (normalise(text[pos]) != normalise(c)):
                return None
            pos += 1
        return pos

    a = b = 0
    spans: list[Span] = []
    for item in items:
        if item[0] == "=":
            t = item[1]
            na, nb = take(a_text, a, t, a_silent, a_silent), take(b_text, b, t, b_silent, False)
            if na is None or nb is None:
                raise TreatyError(where, f"gold common text {t!r} does not match the witnesses at A:{a} B:{b}")
            a, b = na, nb
        else:
            _, ra, rb = item
            if a_text[a:a + len(ra)] != ra or b_text[b:b + len(rb)] != rb:
                raise TreatyError(where, f"gold variant {ra!r} | {rb!r} does not match the witnesses at A:{a} B:{b}")
            spans.append((a, a + len(ra), b, b + len(rb)))
            a, b = a + len(ra), b + len(rb)
    if a != len(a_text):
        raise TreatyError(where, f"gold covers {a} of A's {len(a_text)} characters")
    return spans


def predicted_spans(div, wits=("A", "B"), silent: frozenset = frozenset()) -> tuple[list[Span], int | None]:
    """Variant spans of one apparatus section for a pair of witnesses (an app counts
    where the two read differently, and only before either is in lacuna), and the
    first witness's offset where its lacuna starts."""
    x, y = wits
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
                            if w.lstrip("#") in pos:
                                stopped[w.lstrip("#")] = pos[w.lstrip("#")]
                elif typ in ("orthographic", "substantive", "punctuation"):
                    start = dict(pos)
                    rdg_of = {}
                    for r in child.xpath("tei:rdg", namespaces=NS):
                        for w in r.get("wit").split():
                            rdg_of[w.lstrip("#")] = r
                    if x in rdg_of and rdg_of.get(x) is rdg_of.get(y):
                        # one reading of both: what they share, and the variants nested in it
                        walk(rdg_of[x])
                        if child.tail:
                            add_common(len(child.tail))
                        continue
                    for w in wits:
                        if w in rdg_of and w not in stopped:
                            pos[w] += len(witness_text(rdg_of[w], w))
                    differ = x in rdg_of and y in rdg_of and rdg_of[x] is not rdg_of[y]
                    if differ and (x in silent or y in silent):
                        # a witness without punctuation differs only where its words do
                        from .chinese import is_punct
                        words = [normalise("".join(c for c in witness_text(rdg_of[w], w) if not is_punct(c))) for w in (x, y)]
                        differ = words[0] != words[1] or _own(rdg_of[x], x) != _own(rdg_of[y], y)
                    if differ and typ != "punctuation" and all(w not in stopped for w in wits):
                        spans.append((start[x], pos[x], start[y], pos[y]))
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
    return spans, stopped.get(x)


def _own(rdg, wit: str) -> str:
    """A reading as one witness reads it (its own characters where the reading keeps
    several witnesses' forms), without punctuation, in the normal form of each
    character's variant class (爲 and 为 differ here: variant characters)."""
    from .chinese import is_punct, script_normal

    return "".join(script_normal(c) for c in witness_text(rdg, wit) if not is_punct(c))


def _trimmed(spans, a_text: str, b_text: str, x: str, y: str, silent: frozenset) -> list[Span]:
    """Against a witness without punctuation, the other's punctuation at the edges of a
    variant is no part of it (that witness is silent about punctuation: 之地, and 之地 are
    the same variant against its 地方附近); gold and apparatus are trimmed alike. A span
    left with no word on either side is no variant."""
    from .chinese import is_punct

    if not silent:
        return list(spans)
    out = []
    for a0, a1, b0, b1 in spans:
        if y in silent:
            while a0 < a1 and is_punct(a_text[a0]):
                a0 += 1
            while a1 > a0 and is_punct(a_text[a1 - 1]):
                a1 -= 1
        if x in silent:
            while b0 < b1 and is_punct(b_text[b0]):
                b0 += 1
            while b1 > b0 and is_punct(b_text[b1 - 1]):
                b1 -= 1
        if a1 > a0 or b1 > b0:
            out.append((a0, a1, b0, b1))
    return out


def section_texts(path: Path) -> dict[tuple, str]:
    return {s.key: "".join(t.text for t in s.tokens) for s in sections(parse_file(path).getroot())}


def evaluate_alignment(project, work: str, gold_path: Path, apparatus: Path | None = None,
                       predicted: dict[tuple, list[Span]] | None = None) -> tuple[Score, list[str]]:
    """Score the apparatus (or ``predicted`` spans per section) against the gold."""
    from .collate import witnesses_of
    from .manifest import load

    gold, (x, y) = _parse_gold(gold_path)
    wits = {w.siglum: project.tei / f"{w.id}.xml" for w in witnesses_of(load(project.manifest), work)}
    missing = [w for w in (x, y) if w not in wits]
    if missing:
        raise TreatyError(gold_path, f"aligns witness {', '.join(missing)}, which work '{work}' does not have")
    texts = {s: section_texts(p) for s, p in wits.items() if s in (x, y)}
    from .chinese import is_punct
    silent = frozenset(w for w in (x, y) if texts[w] and not any(is_punct(c) for t in texts[w].values() for c in t))
    if predicted is None:
        root = parse_file(apparatus or project.tei / f"{work}.apparatus.xml").getroot()
        ids = {w.get("n") or w.get("{http://www.w3.org/XML/1998/namespace}id"): w.get("{http://www.w3.org/XML/1998/namespace}id")
               for w in root.iter("{http://www.tei-c.org/ns/1.0}witness")}
        predicted = {}
        for div in root.xpath("//tei:body/tei:div", namespaces=NS):
            predicted[section_key(div)] = predicted_spans(div, (ids.get(x, x), ids.get(y, y)), silent)[0]
    g = p = c = 0
    diffs = []
    for key, items in gold.items():
        a_text, b_text = texts[x].get(key, ""), texts[y].get(key, "")
        gs = set(_trimmed(gold_spans(items, a_text, b_text, f"{gold_path} {key}"), a_text, b_text, x, y, silent))
        ps = set(_trimmed(predicted.get(key, []), a_text, b_text, x, y, silent))
        g, p, c = g + len(gs), p + len(ps), c + len(gs & ps)
        for s in sorted(ps - gs):
            diffs.append(f"{key[0]} {key[1]}: not in gold  {x}:{a_text[s[0]:s[1]]!r} {y}:{b_text[s[2]:s[3]]!r}")
        for s in sorted(gs - ps):
            diffs.append(f"{key[0]} {key[1]}: missed       {x}:{a_text[s[0]:s[1]]!r} {y}:{b_text[s[2]:s[3]]!r}")
    return Score(tp=c, predicted=p, gold=g), diffs
