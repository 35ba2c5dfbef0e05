"""Collation, part 3: from aligned columns to variants.

Columns where every present witness agrees on the strict key (the same character up to
script) are common text; runs of disagreeing columns are variants (segments()), cut so
that a name spelled differently is a variant of its own, a single common character
between two variants does not split them, and with three or more witnesses columns
join only where they are the same variant. Each variant's readings are grouped by
witness (readings()) and classified (classify()): orthographic (punctuation,
variant-character, transliteration) or substantive (omission, addition,
transposition, substitution); punctuation against an unpunctuated witness is a class
of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .alignment import Column
from .chinese import compare_chars, normal_char
from .collation_tokens import Tok, token_key


def _agrees(col: Column) -> bool:
    """Every present witness has tokens here, the same up to script."""
    first = None
    for v in col.cells.values():
        if v is None:
            continue
        if not v:
            return False
        if first is None:
            first = v
        elif len(v) != len(first) or any(x.strict != y.strict for x, y in zip(v, first)):
            return False
    return True


def _present(col: Column) -> list[str]:
    return [w for w, v in col.cells.items() if v is not None]


@dataclass
class Segment:
    common: bool
    columns: list[Column]
    unit: bool = False      # one name or date spelled differently: an app of its own
    level: str = ""         # orthographic | substantive (of a variant's columns)
    forced: str | None = None


def _level(col: Column, unpunct: frozenset = frozenset()) -> str:
    """unpunct (punctuation the punctuated witnesses agree on, where an unpunctuated
    witness is silent), punct (only punctuation here), orthographic (variant forms),
    substantive."""
    present = [v for v in col.cells.values() if v is not None]
    if unpunct:
        silent = [w for w, v in col.cells.items() if v is not None and w in unpunct]
        voiced = [v for w, v in col.cells.items() if v is not None and w not in unpunct]
        if (silent and voiced and all(not col.cells[w] for w in silent) and all(v and all(t.punct for t in v) for v in voiced)
                and len({token_key(v, "strict") for v in voiced}) == 1):
            return "unpunct"
    if all(t.punct for v in present for t in v):
        return "punct"
    return "orthographic" if len({token_key(v, "loose") for v in present}) == 1 else "substantive"


def _joins(a: str, b: str) -> bool:
    if "unpunct" in (a, b):
        return a == b
    return a == b or "punct" in (a, b)


def _partition(col: Column, wits) -> tuple:
    """Which of ``wits`` read alike in a column: groups of witnesses, in order."""
    groups: dict[tuple, list[str]] = {}
    for w in wits:
        v = col.cells.get(w)
        if v is None:
            continue
        groups.setdefault(token_key(v, "strict"), []).append(w)
    return tuple(tuple(g) for g in groups.values())


def _variant_key(col: Column, primary: tuple) -> tuple:
    """What a variant column is, for grouping columns into one <app>: where the first two
    witnesses present disagree, their disagreement (so that a third witness never moves
    the bounds of their variants); elsewhere, how all the witnesses group."""
    pk = _partition(col, primary)
    if len(pk) > 1:
        return ("pair", pk)
    return ("all", _partition(col, list(col.cells)))


def _unit_column(col: Column) -> bool:
    """Every present witness has one name/date token here, all of one entity; or some
    have that name and the others untagged characters in its place (a spelling the
    tagger does not know: C's 胡什古 for B's 霍硕果)."""
    present = [v for v in col.cells.values() if v is not None]
    names = [v for v in present if len(v) == 1 and v[0].el is not None]
    if not names or len({v[0].loose for v in names}) != 1:
        return False
    return all(v in names or (v and all(t.el is None and not t.punct for t in v)) for v in present)


def segments(columns: list[Column], unpunct: frozenset = frozenset(), order: list[str] | None = None) -> list[Segment]:
    """Group columns into common text and variants: consecutive disagreeing
    columns form one variant, except that a name spelled differently is always a
    variant of its own; a single common character (not a name, not punctuation)
    between two variants joins them. With three or more witnesses, columns join only
    where they are the same variant (see _variant_key)."""
    segs: list[Segment] = []
    keys: list = []
    for col in columns:
        if not any(col.cells.values()):          # every witness empty here
            continue
        common = _agrees(col)
        wits = [w for w in (order or list(col.cells)) if col.cells.get(w) is not None]
        vkey = None if common or len(wits) < 3 else _variant_key(col, tuple(wits[:2]))
        # where the first two witnesses disagree, their readings decide what the variant is
        # (a name spelled two ways stays a variant of its own whatever a third reads)
        view = Column({w: col.cells[w] for w in wits[:2]}) if vkey and vkey[0] == "pair" else col
        unit = not common and _unit_column(view)
        level = "" if common else _level(view, unpunct)
        last = segs[-1] if segs else None
        if (last and last.common == common and not unit and not last.unit and _joins(last.level, level)
                and _present(last.columns[-1]) == _present(col) and keys[-1] == vkey):
            last.columns.append(col)
            if last.level == "punct":
                last.level = level
        else:
            segs.append(Segment(common, [col], unit, level))
            keys.append(vkey)
    out: list[Segment] = []
    i = 0
    while i < len(segs):
        s = segs[i]
        if (s.common and len(s.columns) == 1 and out and not out[-1].common and not out[-1].unit
                and i + 1 < len(segs) and not segs[i + 1].common and not segs[i + 1].unit
                and _present(out[-1].columns[-1]) == _present(segs[i + 1].columns[0])):
            tok = next(v for v in s.columns[0].cells.values() if v)[0]
            nxt = segs[i + 1]
            if _swapped(out[-1], nxt):
                out[-1].columns.extend(s.columns + nxt.columns)
                out[-1].forced = "transposition"
                i += 2
                continue
            if tok.el is None and not tok.punct and out[-1].level == nxt.level == "substantive":
                out[-1].columns.extend(s.columns + nxt.columns)
                i += 2
                continue
        # punctuation an unpunctuated witness lacks, between two parts of one variant (a
        # long omission cut at each of the other witness's commas): one variant
        if (s.level == "unpunct" and out and not out[-1].common and not out[-1].unit
                and out[-1].level == "substantive" and i + 1 < len(segs) and not segs[i + 1].common
                and not segs[i + 1].unit and segs[i + 1].level == "substantive"
                and _present(out[-1].columns[-1]) == _present(segs[i + 1].columns[0])
                and _silent_gap_joins(out[-1], s, segs[i + 1])):
            out[-1].columns.extend(s.columns + segs[i + 1].columns)
            i += 2
            continue
        out.append(s)
        i += 1
    return out


def _silent_gap_joins(a: Segment, gap: Segment, b: Segment) -> bool:
    """Two variants on either side of punctuation an unpunctuated witness lacks are one
    variant when only one witness present writes that punctuation (it is no text the
    witnesses share, so no anchor between them) and some witness reads nothing on one
    side of it (one witness's addition runs across its own comma); where every witness
    reads words on both sides, that punctuation ends a clause in the one witness and
    the other's words stand against each clause apart (居住 / 本处，以静疆 / 肃清边).
    They are also one variant when the unpunctuated witness reads nothing on either side
    either (it omits the whole stretch, punctuation and all) and the same witnesses have
    text on each side."""
    here = [w for w, v in gap.columns[0].cells.items() if v is not None]
    voiced_here = [w for w in here if gap.columns[0].cells[w]]
    if len(voiced_here) == 1:
        return not (_reading(a) >= set(here) and _reading(b) >= set(here)) or _reordered(a, b, here)
    silent = [w for w in here if not gap.columns[0].cells[w]]
    if any(col.cells.get(w) for w in silent for col in a.columns + b.columns):
        return False
    def voiced(cells):
        return tuple(sorted(w for w, v in cells.items() if v))
    return voiced(a.columns[-1].cells) == voiced(b.columns[0].cells)


def _reordered(a: Segment, b: Segment, wits: list[str]) -> bool:
    """Two witnesses read the words of two variants taken together in another order, all
    but one character the same (山、台幹、河 / 山、河、台噶): one transposition, whatever
    punctuation one of them writes inside it."""
    if len(wits) != 2:
        return False
    def chars(w):
        return Counter(t.loose for seg in (a, b) for col in seg.columns for t in (col.cells.get(w) or [])
                       if not t.punct)
    x, y = chars(wits[0]), chars(wits[1])
    longest = max(sum(x.values()), sum(y.values()))
    return min(sum(x.values()), sum(y.values())) >= 2 and sum((x & y).values()) >= longest - 1


def _reading(seg: Segment) -> set[str]:
    """The witnesses that read words (not only punctuation) somewhere in a segment."""
    return {w for col in seg.columns for w, v in col.cells.items() if v and any(not t.punct for t in v)}


def _swapped(a: Segment, b: Segment) -> bool:
    """Two variants around one common token where what one witness reads first the
    other reads second (山、台幹、河 / 山、河、台噶): one transposition."""
    wits = [w for w in a.columns[0].cells if a.columns[0].cells[w] is not None]
    if len(wits) != 2:
        return False
    def reading(seg, w):
        return tuple(t.loose for col in seg.columns for t in (col.cells.get(w) or []))
    x, y = wits
    ax, ay, bx, by = reading(a, x), reading(a, y), reading(b, x), reading(b, y)
    return bool(ax and by and ay and bx) and (ax == by or ay == bx)


def readings(seg: Segment, order: list[str]) -> list[tuple[list[str], list[Tok]]]:
    """[(witnesses, tokens)] grouped by strict agreement, in siglum order."""
    groups: dict[tuple, list] = {}
    for w in order:
        toks: list[Tok] = []
        present = False
        for col in seg.columns:
            cell = col.cells.get(w)
            if cell is not None:
                present = True
                toks.extend(cell)
        if not present:
            continue
        key = token_key(toks, "strict")
        groups.setdefault(key, [[], toks])[0].append(w)
    return [(ws, toks) for ws, toks in groups.values()]


def without_silent_punctuation(groups, unpunct: frozenset):
    """The readings to classify a variant by: an unpunctuated witness's reading that
    equals another's but for its punctuation is that reading (it keeps its own <rdg>,
    so that it reads back exactly, but it does not make the variant another kind)."""
    if not unpunct or len(groups) < 3:
        return groups
    def bare(toks):
        return tuple(t.strict for t in toks if not t.punct)
    voiced = [(ws, t) for ws, t in groups if not all(w in unpunct for w in ws)]
    kept = list(voiced)
    for ws, t in groups:
        if all(w in unpunct for w in ws) and not any(bare(t) == bare(v) for _, v in voiced):
            kept.append((ws, t))
    return kept if len(kept) >= 2 else groups


def classify(groups, base: str) -> tuple[str, str]:
    """(type, subtype) of an <app> from its readings [(witnesses, tokens)]."""
    lists = [t for _, t in groups]
    if len({token_key(t, "loose") for t in lists}) == 1:
        diffs = [(x, y) for other in lists[1:] for x, y in zip(lists[0], other) if x.strict != y.strict]
        names = [(x, y) for x, y in diffs if x.el is not None]
        if names:
            if all(_variant_spelling(x.text, y.text) for x, y in names):
                return "orthographic", "variant-character"
            if all(_transliteration(x.text, y.text) for x, y in names):
                return "orthographic", "transliteration"
            return "substantive", "substitution"     # one referent, another name (俄國 / 俄羅斯)
        if diffs and all(x.punct and y.punct for x, y in diffs):
            return "orthographic", "punctuation"
        return "orthographic", "variant-character"
    if len({tuple(t.loose for t in toks if not t.punct) for toks in lists}) == 1:
        return "orthographic", "punctuation"
    empties = [ws for ws, t in groups if not t]
    if empties:
        return "substantive", "addition" if any(base in ws for ws in empties) else "omission"
    if len({tuple(sorted(token_key(t, "loose"))) for t in lists}) == 1 and all(len(t) > 1 for t in lists):
        return "substantive", "transposition"
    if len(lists) == 2 and _phrases_swapped(*lists):
        return "substantive", "transposition"
    return "substantive", "substitution"


def _phrases(toks: list[Tok]) -> list[tuple]:
    out, cur = [], []
    for t in toks:
        if t.punct:
            if cur:
                out.append(tuple(cur))
            cur = []
        else:
            cur.append(t.loose)
    if cur:
        out.append(tuple(cur))
    return out


def _phrases_swapped(a: list[Tok], b: list[Tok]) -> bool:
    """The same phrases in another order, a phrase allowed to differ in spelling
    (台幹、河 / 河、台噶): one transposition."""
    pa, pb = _phrases(a), _phrases(b)
    if len(pa) < 2 or len(pa) != len(pb) or pa == pb:
        return False

    def alike(x, y):
        return x == y or (len(x) == len(y) and sum(p == q for p, q in zip(x, y)) * 2 >= len(x))
    from itertools import permutations
    if len(pa) > 6:
        return False
    return any(all(alike(pa[i], pb[k]) for i, k in enumerate(perm))
               for perm in permutations(range(len(pb))) if list(perm) != list(range(len(pb))))


def _transliteration(a: str, b: str) -> bool:
    """Two spellings of one foreign name: same length, most characters shared."""
    if len(a) != len(b):
        return False
    same = sum(normal_char(x) == normal_char(y) for x, y in zip(a, b))
    return same * 2 > len(a)


def _variant_spelling(a: str, b: str) -> bool:
    return len(a) == len(b) and all(compare_chars(x, y) in ("same", "script", "variant") for x, y in zip(a, b))


def nest(seg: Segment, groups, order: list[str]) -> list[list[tuple[list[str], list[Tok]]]]:
    """The readings of a variant as they are written: each reading of the first two
    witnesses present starts a group, and a further witness whose reading shares most of
    its words with one of them (C's 作为…前往 beside A's 作爲…前徃) joins that group,
    where its differences become variants nested inside the shared reading (Guidelines
    12.2.3); so the first two witnesses' variant keeps its bounds and the third's
    differences keep theirs. Other readings stand alone. [[(witnesses, tokens)], ...]"""
    present = [w for w in order if any(col.cells.get(w) is not None for col in seg.columns)]
    if len(groups) < 3 or len(present) < 3:
        return [[g] for g in groups]
    primary = set(present[:2])
    seeds = [g for g in groups if primary & set(g[0])]
    out = [[g] for g in seeds]
    for g in groups:
        if g in seeds:
            continue
        w = g[0][0]
        best, best_share = None, 0.0
        for k, s in enumerate(seeds):
            share = _shared(seg, w, s[0][0])
            if share > best_share:
                best, best_share = k, share
        if best is not None and best_share > 0.5:
            out[best].append(g)
        else:
            out.append([g])
    return out


def _shared(seg: Segment, w: str, v: str) -> float:
    """The share of two witnesses' words (punctuation aside) that their alignment pairs
    as the same up to script, of the longer reading."""
    same = 0
    nw = nv = 0
    for col in seg.columns:
        a, b = col.cells.get(w) or [], col.cells.get(v) or []
        nw += sum(len(t.text) for t in a if not t.punct)
        nv += sum(len(t.text) for t in b if not t.punct)
        if a and b and token_key(a, "strict") == token_key(b, "strict"):
            same += sum(len(t.text) for t in a if not t.punct)
    longer = max(nw, nv)
    return same / longer if longer else 0.0
