"""Step: collate. All witnesses of a work -> a critical apparatus in parallel
segmentation (tei/<work>.apparatus.xml).

Method
------
* Sections are paired by their place in each witness: the preamble with the
  preamble, article K with article K (@n, the ordinal in the witness).
* Each section becomes a token stream: one token per character, and one token per
  tagged name or date (persName, placeName, orgName, roleName, title, date), so a
  name moves as a unit and a transliteration variant is one <app>. Article numerals
  (<label>) are compared separately.
* Witnesses are aligned to the section's base witness (the first present one, in
  siglum order) by global alignment (Needleman-Wunsch, match +2, mismatch -1,
  gap -1) on a *loose* key (script, listed variant characters and punctuation of one
  function all equal), then merged column by column (a star alignment).
* Columns where every present witness agrees on the *strict* key (the same
  character up to script) are common text: given in the normal form (simplified,
  OpenCC character by character), each witness's own characters kept in
  <choice><reg/><orig source="#X"/></choice> where they differ from it.
* Runs of disagreeing columns become one <app>; a common run of a single
  character between two variants is absorbed into one <app> (no variant is cut by
  a stray 之 or 所). One <rdg> per group of agreeing witnesses.
* Classification: readings equal on the loose key -> orthographic (subtype
  punctuation, variant-character, or transliteration for one name spelled two
  ways); otherwise substantive: omission (a reading is empty where the base has
  text), addition (the base's reading is empty), transposition (the same
  characters in another order), substitution.
* A witness whose transcription stops (<gap reason="untranscribed">) is aligned
  with an open end: what follows in the others is its lacuna, marked by
  <lacunaStart/> in an <app> of its own; <lacunaEnd/> closes it at the end of the
  text. Sections it lacks entirely are not read as omissions.
"""

from __future__ import annotations

import copy
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from . import __version__
from .chinese import PUNCT_CLASS, compare_chars, is_punct, normal_char, normalise, script_normal
from .enrich import match_key
from .errors import TreatyError
from .fileio import Fingerprints, Staged
from .header import EDITION_DATE, publication_stmt
from .manifest import Source, load
from .tei import EDITORIAL, NS, XML_ID, XML_LANG, E, iri, local, parse_file, serialise
from .tei import q as qname

UNIT_TAGS = {"persName", "placeName", "orgName", "roleName", "title", "date"}
LANG = {"Hans": "zh-Hans", "Hant": "zh-Hant"}


# ------------------------------------------------------------------ tokens

@dataclass
class Tok:
    text: str                         # the witness's own characters
    loose: str                        # alignment key
    strict: str                       # agreement key
    el: etree._Element | None = None  # a name or date unit
    punct: bool = False


@lru_cache(maxsize=None)
def _char_tok(c: str) -> Tok:
    """The token of one character (shared: tokens are never changed once made)."""
    if is_punct(c):
        p = PUNCT_CLASS.get(c, c)
        return Tok(c, "P" + p, "P" + c, punct=True)
    return Tok(c, "C" + match_key(c), "C" + script_normal(c))


def _unit_tok(el) -> Tok:
    from .tei import original_text

    text = original_text(el)
    ref = el.get("ref") or el.get("when") or ""
    norm = "".join(script_normal(c) for c in text)
    loose = f"U{local(el)}:{ref}" if ref else f"U{local(el)}:{match_key(text)}"
    clean = E(local(el), **{k: v for k, v in el.attrib.items() if k != XML_ID and not k.startswith("{")})
    clean.text = text
    return Tok(text, loose, f"U{local(el)}:{ref}:{norm}", clean)


@dataclass
class Section:
    key: tuple                 # ('preamble', 0) | ('article', n)
    div_id: str
    label: str | None
    tokens: list[Tok]
    open_end: bool             # the transcription stops inside this section
    revised_note: str | None = None
    excerpt: bool = False      # quoted on its own (the witness transmits single articles)


def sections(root) -> list[Section]:
    out = []
    for div in root.xpath("//tei:body/tei:div[@type='preamble' or @type='article']", namespaces=NS):
        toks: list[Tok] = []
        label = None
        open_end = False
        for p in div.xpath("tei:p", namespaces=NS):
            _tokens(p, toks)
            lab = p.xpath("tei:label", namespaces=NS)
            if lab and label is None:
                label = lab[0].text
            if p.xpath(".//tei:gap[@reason='untranscribed']", namespaces=NS):
                open_end = True
        note = div.xpath("string(tei:note[@type='revision'])", namespaces=NS) if div.get("subtype") == "revised" else None
        key = ("preamble", 0) if div.get("type") == "preamble" else ("article", int(div.get("n")))
        out.append(Section(key, div.get(XML_ID), label, toks, open_end, note or None,
                           excerpt=div.get("subtype") == "excerpt"))
    return out


def _tokens(el, toks: list[Tok]) -> None:
    if el.text:
        toks.extend(_char_tok(c) for c in el.text)
    for child in el:
        if isinstance(child.tag, str):
            name = local(child)
            if name in UNIT_TAGS:
                toks.append(_unit_tok(child))
            elif name not in EDITORIAL and name != "label":
                _tokens(child, toks)
        if child.tail:
            toks.extend(_char_tok(c) for c in child.tail)


# ------------------------------------------------------------------ alignment

#: Scores of the alignment: affine gaps (Gotoh), so that a variant is one stretch
#: rather than many small gaps around stray shared characters.
MATCH, MISMATCH, GAP_OPEN, GAP_EXTEND = 4, -4, -8, -1
LACUNA = "L"
NEG = -(10 ** 9)


def align(a: list[Tok], b: list[Tok], a_open: bool = False, b_open: bool = False) -> list[tuple]:
    """Global alignment of two token lists on their loose keys (Gotoh: match,
    mismatch, affine gap): [(i, j)] with None for a gap. An open end (the
    transcription stops): the other sequence's tokens after the last aligned one
    are that witness's lacuna, paired with LACUNA."""
    if b_open and not a_open:
        # by symmetry: align b to a with a's end open, then swap back
        swapped = align(b, a, a_open=True)
        return [(q, p) for p, q in swapped]
    anchors = _anchors(a, b)
    if anchors:
        # cut at names both witnesses share exactly once, in the same order: the
        # table shrinks from n*m cells to the sum over the pieces between anchors
        pairs: list[tuple] = []
        pi = pj = 0
        for i, j in anchors:
            pairs += [(p + pi if p is not None else None, q + pj if q is not None else None)
                      for p, q in _gotoh(a[pi:i], b[pj:j], False)]
            pairs.append((i, j))
            pi, pj = i + 1, j + 1
        for p, q in _gotoh(a[pi:], b[pj:], a_open):
            pairs.append((p + pi if isinstance(p, int) else p, q + pj if isinstance(q, int) else q))
        return pairs
    return _gotoh(a, b, a_open)


ANCHOR_NGRAM = 3


def _anchors(a: list[Tok], b: list[Tok]) -> list[tuple[int, int]]:
    """Sure points of the alignment: a name or date, or a run of ANCHOR_NGRAM
    characters (no punctuation), that occurs exactly once in each list; kept in an
    order both lists agree on (longest increasing subsequence), as token pairs."""
    def unique(toks):
        found: dict[tuple, int] = {}
        count: dict[tuple, int] = {}
        loose = [t.loose for t in toks]
        plain = [t.el is None and not t.punct for t in toks]
        last = len(toks) - ANCHOR_NGRAM
        for k, t in enumerate(toks):
            if t.el is not None:
                key = (loose[k],)
                count[key] = count.get(key, 0) + 1
                found[key] = k
            if k <= last and all(plain[k:k + ANCHOR_NGRAM]):
                key = tuple(loose[k:k + ANCHOR_NGRAM])
                count[key] = count.get(key, 0) + 1
                found[key] = k
        return {key: k for key, k in found.items() if count[key] == 1}
    ua, ub = unique(a), unique(b)
    cands = sorted((ua[key], ub[key], len(key)) for key in ua if key in ub)
    # longest increasing subsequence on j (patience sorting), deterministic
    import bisect
    tails: list[int] = []
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(cands)
    for idx, (_, j, _) in enumerate(cands):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(idx)
        else:
            tails[pos] = j
            tail_idx[pos] = idx
        prev[idx] = tail_idx[pos - 1] if pos else -1
    chain = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(cands[k])
        k = prev[k]
    out: list[tuple[int, int]] = []
    for i, j, n in reversed(chain):
        for d in range(n):
            if not out or (i + d > out[-1][0] and j + d > out[-1][1]):
                out.append((i + d, j + d))
    return out


def _gotoh(a: list[Tok], b: list[Tok], a_open: bool) -> list[tuple]:
    """The dynamic programme of :func:`align` (b's end is never open here)."""
    b_open = False
    n, m = len(a), len(b)
    ka = [t.loose for t in a]
    kb = [t.loose for t in b]
    if not a_open:
        # most pieces between anchors are empty or agree throughout: their one best
        # alignment, without the table (matches score > 0, gaps < 0)
        if not n or not m:
            return [(k, None) for k in range(n)] + [(None, k) for k in range(m)]
        if ka == kb:
            return [(k, k) for k in range(n)]
    # a shared name or date scores as many matches as it has characters
    wa = [MATCH * max(1, len(t.text)) if t.el is not None else MATCH for t in a]
    # three score rows: M (ends in a pair), X (ends consuming a), Y (ends consuming b)
    M = [NEG] * (m + 1)
    X = [NEG] * (m + 1)
    Y = [NEG] + [GAP_OPEN + (j - 1) * GAP_EXTEND for j in range(1, m + 1)]
    M[0] = 0
    # traceback: for each cell and state, the state it came from (0 M, 1 X, 2 Y)
    tb_m: list[bytearray] = [bytearray(m + 1)]
    tb_x: list[bytearray] = [bytearray(m + 1)]
    tb_y: list[bytearray] = [bytearray([0] + [0] + [2] * (m - 1)) if m else bytearray(1)]
    go, ge, mis = GAP_OPEN, GAP_EXTEND, MISMATCH
    for i in range(1, n + 1):
        cM = [NEG] * (m + 1)
        cX = [NEG] * (m + 1)
        cY = [NEG] * (m + 1)
        # the traceback rows start at 0 (state M): only other states are written
        bm = bytearray(m + 1)
        bx = bytearray(m + 1)
        by = bytearray(m + 1)
        cX[0] = GAP_OPEN + (i - 1) * GAP_EXTEND
        bx[0] = 0 if i == 1 else 1
        ai, wai = ka[i - 1], wa[i - 1]
        # the cells to the upper left (pm, px, py) and to the left (lm, lx, ly)
        pm, px, py = M[0], X[0], Y[0]
        lm, lx, ly = cM[0], cX[0], cY[0]
        for j in range(1, m + 1):
            um, ux, uy = M[j], X[j], Y[j]
            # M: diagonal from the best of the three
            if pm >= px and pm >= py:
                best = pm
            elif px >= py:
                best, bm[j] = px, 1
            else:
                best, bm[j] = py, 2
            vm = cM[j] = best + (wai if ai == kb[j - 1] else mis)
            # X: consume a[i-1] (a gap in b), from the row above
            o, e, oy = um + go, ux + ge, uy + go
            if o >= e and o >= oy:
                vx = o
            elif e >= oy:
                vx, bx[j] = e, 1
            else:
                vx, bx[j] = oy, 2
            # Y: consume b[j-1] (a gap in a), from the left
            o, e, ox = lm + go, ly + ge, lx + go
            if o >= e and o >= ox:
                vy = o
            elif e >= ox:
                vy, by[j] = e, 2
            else:
                vy, by[j] = ox, 1
            cX[j], cY[j] = vx, vy
            lm, lx, ly = vm, vx, vy
            pm, px, py = um, ux, uy
        M, X, Y = cM, cX, cY
        tb_m.append(bm)
        tb_x.append(bx)
        tb_y.append(by)
    i, j = n, m
    tail: list[tuple] = []
    if a_open and not b_open and n:
        final = [max(M[c], X[c], Y[c]) for c in range(m + 1)]
        j = max(range(m + 1), key=lambda c: (final[c], -c))
        tail = [(LACUNA, k) for k in range(j, m)]
    trio = (M[j], X[j], Y[j])
    state = max(range(3), key=lambda st: (trio[st], -st))
    pairs = []
    while i > 0 or j > 0:
        if i == 0:
            state = 2
        elif j == 0:
            state = 1
        if state == 0:
            nxt = tb_m[i][j]
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif state == 1:
            nxt = tb_x[i][j]
            pairs.append((i - 1, None))
            i -= 1
        else:
            nxt = tb_y[i][j]
            pairs.append((None, j - 1))
            j -= 1
        state = nxt
    pairs.reverse()
    return pairs + tail


# ------------------------------------------------------------------ merging

@dataclass
class Column:
    """One aligned position: for each witness its tokens (a list; [] = a gap),
    or None where the witness is in lacuna."""
    cells: dict[str, list[Tok] | None] = field(default_factory=dict)


def _align_witness(btoks: list[Tok], wtoks: list[Tok], b_open: bool, w_open: bool, b_unp: bool, w_unp: bool):
    """align(), but between a punctuated and an unpunctuated witness the punctuation is
    left out of the alignment (it cannot match anything in the other) and put back as
    gaps: an unpunctuated witness is silent about punctuation, not at odds with it."""
    if b_unp == w_unp:
        return align(btoks, wtoks, a_open=b_open, b_open=w_open)
    keep_b = [k for k, t in enumerate(btoks) if not (t.punct and not b_unp)]
    keep_w = [k for k, t in enumerate(wtoks) if not (t.punct and not w_unp)]
    pairs = align([btoks[k] for k in keep_b], [wtoks[k] for k in keep_w], a_open=b_open, b_open=w_open)
    mapped = [(keep_b[p] if isinstance(p, int) else p, keep_w[q] if isinstance(q, int) else q) for p, q in pairs]
    # the punctuation left out: each a gap of the other witness, in its place
    out: list[tuple] = []
    dropped_b = sorted(set(range(len(btoks))) - set(keep_b))
    dropped_w = sorted(set(range(len(wtoks))) - set(keep_w))
    for p, q in mapped:
        while dropped_b and isinstance(p, int) and dropped_b[0] < p:
            out.append((dropped_b.pop(0), None))
        while dropped_w and isinstance(q, int) and dropped_w[0] < q:
            out.append((None, dropped_w.pop(0)))
        out.append((p, q))
    lac = [k for k, (p, q) in enumerate(out) if q == LACUNA]
    for k in dropped_b:
        out.append((k, LACUNA if lac else None))
    out.extend((None, k) for k in dropped_w)
    return out


def merge(base: str, streams: dict[str, list[Tok]], open_end: dict[str, bool],
          unpunct: frozenset = frozenset()) -> list[Column]:
    """Star alignment: every other witness aligned to the base witness's tokens;
    insertions between two base tokens form one column. Where the base witness's text
    stops (its transcription breaks off), the others' text beyond it is aligned among
    themselves in the same way: no base eats the rest."""
    btoks = streams[base]
    others = [w for w in streams if w != base]
    per_base: list[dict] = [{} for _ in btoks]
    per_slot: list[dict] = [{} for _ in range(len(btoks) + 1)]
    lacuna_from: dict[str, int] = {}
    tails: dict[str, list[Tok]] = {}
    for w in others:
        slot = 0
        for p, q in _align_witness(btoks, streams[w], open_end[base], open_end[w], base in unpunct, w in unpunct):
            if p == LACUNA:                      # beyond the base's end
                tails.setdefault(w, []).append(streams[w][q])
            elif q == LACUNA:                    # beyond w's end
                lacuna_from.setdefault(w, p)
                per_base[p][w] = None
            elif p is None:
                per_slot[slot].setdefault(w, []).append(streams[w][q])
            else:
                per_base[p][w] = [streams[w][q]] if q is not None else []
                slot = p + 1
    columns: list[Column] = []
    for k in range(len(btoks) + 1):
        if any(per_slot[k].values()):
            # what the witnesses insert here: one column for each different insertion (two
            # witnesses adding different words at one place have not read the same thing)
            inserted: list[tuple[tuple, list[str]]] = []
            for w in others:
                toks = per_slot[k].get(w)
                if toks:
                    key = _key(toks, "strict")
                    for kk, ws in inserted:
                        if kk == key:
                            ws.append(w)
                            break
                    else:
                        inserted.append((key, [w]))
            for key, ws in inserted:
                cells: dict = {base: []}
                for w in others:
                    in_lacuna = w in lacuna_from and lacuna_from[w] < k
                    cells[w] = None if in_lacuna else (per_slot[k].get(w, []) if w in ws else [])
                columns.append(Column(cells))
        if k < len(btoks):
            cells = {base: [btoks[k]]}
            for w in others:
                cells[w] = per_base[k].get(w, [])
            columns.append(Column(cells))
    if tails:
        rest = {w: tails.get(w, []) for w in others if not (w in lacuna_from)}
        with_text = [w for w in rest if rest[w]]
        if len(with_text) >= 2:
            # the base has stopped: the others are collated with each other from here
            for col in merge(with_text[0], rest, {w: open_end[w] for w in rest}, unpunct):
                col.cells[base] = None
                for w in others:
                    col.cells.setdefault(w, None)
                columns.append(col)
        else:
            cells = {base: None}
            for w in others:
                cells[w] = None if w in lacuna_from else tails.get(w, [])
            columns.append(Column(cells))
    return columns


# ------------------------------------------------------------------ apparatus

def _key(toks, which) -> tuple:
    return tuple(getattr(t, which) for t in toks)


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
                and len({_key(v, "strict") for v in voiced}) == 1):
            return "unpunct"
    if all(t.punct for v in present for t in v):
        return "punct"
    return "orthographic" if len({_key(v, "loose") for v in present}) == 1 else "substantive"


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
        groups.setdefault(_key(v, "strict"), []).append(w)
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
    """Every present witness has one name/date token here, all of one entity."""
    present = [v for v in col.cells.values() if v is not None]
    return (all(len(v) == 1 and v[0].el is not None for v in present)
            and len({v[0].loose for v in present}) == 1)


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
    variant when that witness reads nothing on either side either (it omits the whole
    stretch, punctuation and all), and the same witnesses have text on each side."""
    silent = [w for w, v in gap.columns[0].cells.items() if v is not None and not v]
    if any(col.cells.get(w) for w in silent for col in a.columns + b.columns):
        return False
    def voiced(cells):
        return tuple(sorted(w for w, v in cells.items() if v))
    return voiced(a.columns[-1].cells) == voiced(b.columns[0].cells)


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
        key = _key(toks, "strict")
        groups.setdefault(key, [[], toks])[0].append(w)
    return [(ws, toks) for ws, toks in groups.values()]


def _without_silent_punctuation(groups, unpunct: frozenset):
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
    if len({_key(t, "loose") for t in lists}) == 1:
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
    if len({tuple(sorted(_key(t, "loose"))) for t in lists}) == 1 and all(len(t) > 1 for t in lists):
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


def render_common(cells: dict[str, list[Tok]], base: str, lang: dict[str, str]) -> list:
    """Tokens that agree up to script: the normal form, each witness's own
    characters kept where they differ (<choice><reg/><orig source/></choice>)."""
    out: list = []
    wits = list(cells)
    n = len(cells[base])
    k = 0
    while k < n:
        btok = cells[base][k]
        if btok.el is not None:
            el = copy.deepcopy(btok.el)
            for child in list(el):
                el.remove(child)
            el.text = None
            texts = {w: cells[w][k].text for w in wits}
            _fill_choice(el, texts, lang)
            out.append(el)
            k += 1
            continue
        # a run of plain characters
        run_end = k
        while run_end < n and cells[base][run_end].el is None:
            run_end += 1
        texts = {w: "".join(t.text for t in cells[w][k:run_end]) for w in wits}
        holder = E("seg")
        _fill_choice(holder, texts, lang)
        out.extend(_children(holder))
        k = run_end
    return out


def _children(el) -> list:
    out: list = []
    if el.text:
        out.append(el.text)
    for c in el:
        tail = c.tail
        c.tail = None
        out.append(c)
        if tail:
            out.append(tail)
    return out


def _fill_choice(el, texts: dict[str, str], lang: dict[str, str]) -> None:
    """Write the normal form of equal-length texts into el; where a witness's own
    characters differ, a <choice> with its <orig>."""
    any_text = next(iter(texts.values()))
    normal = normalise(any_text)
    n = len(normal)
    # where any witness's characters differ from the normal form (mostly nowhere)
    differs = [False] * n
    for t in texts.values():
        if t != normal:
            for k, (x, y) in enumerate(zip(t, normal)):
                if x != y:
                    differs[k] = True
    i = 0
    parts: list = []
    while i < n:
        d = differs[i]
        j = i + 1
        while j < n and differs[j] == d:
            j += 1
        if not d:
            parts.append(normal[i:j])
        else:
            choice = E("choice", E("reg", normal[i:j]))
            for w, t in texts.items():
                if t[i:j] != normal[i:j]:
                    choice.append(E("orig", t[i:j], source=f"#{w}", xml_lang=lang[w]))
            parts.append(choice)
        i = j
    from .tei import append
    append(el, *parts)


def render_reading(toks: list[Tok]) -> list:
    out: list = []
    for t in toks:
        if t.el is not None:
            out.append(copy.deepcopy(t.el))
        elif out and isinstance(out[-1], str):
            out[-1] += t.text
        else:
            out.append(t.text)
    return out


# ------------------------------------------------------------------ the work

_GROUPED: list = []   # [(sources, witnesses by work, works by siglum)]: the last list grouped


def _grouped(sources: list[Source]) -> tuple[dict, dict]:
    """The sources with a siglum by work, and the works using each siglum: made once
    per list of sources (looking them up by scanning the list for every work cost
    works x sources)."""
    if not _GROUPED or _GROUPED[0][0] is not sources:
        by_work: dict = {}
        works_of: dict = {}
        for s in sources:
            if s.siglum:
                by_work.setdefault(s.work, []).append(s)
                works_of.setdefault(s.siglum, set()).add(s.work)
        for wits in by_work.values():
            wits.sort(key=lambda s: s.siglum)
        _GROUPED[:] = [(sources, by_work, works_of)]
    return _GROUPED[0][1], _GROUPED[0][2]


def witnesses_of(sources: list[Source], work: str) -> list[Source]:
    """The witnesses of a work (the sources with a siglum), by siglum."""
    return list(_grouped(sources)[0].get(work, []))


def witness_id(sources: list[Source], work: str, siglum: str) -> str:
    """The witness's xml:id: its siglum (#A), unless another work of the edition uses the
    same siglum -- xml:ids are unique across the edition -- then work-siglum."""
    shared = any(w != work and w is not None for w in _grouped(sources)[1].get(siglum, ()))
    return f"{work}-{siglum}" if shared else siglum


def collate_work(project, work: str, sources: list[Source] | None = None) -> etree._Element:
    sources = sources if sources is not None else load(project.manifest)
    wits = witnesses_of(sources, work)
    if len(wits) < 2:
        raise TreatyError(project.manifest, f"work '{work}' has {len(wits)} witness(es) with a siglum; collation needs two or more")
    ids = {w.siglum: witness_id(sources, work, w.siglum) for w in wits}
    sigla = [ids[w.siglum] for w in wits]
    lang = {ids[w.siglum]: LANG[w.script] for w in wits}
    secs: dict[str, dict[tuple, Section]] = {}
    files: dict[str, str] = {}
    open_after: dict[str, tuple] = {}
    for w in wits:
        path = project.tei / f"{w.id}.xml"
        if not path.exists():
            raise TreatyError(path, f"missing: witness {w.siglum} of '{work}' must be converted first")
        wid = ids[w.siglum]
        files[wid] = path.name
        ss = sections(parse_file(path).getroot())
        secs[wid] = {s.key: s for s in ss}
        ends = [s.key for s in ss if s.open_end]
        if ends:
            open_after[wid] = ends[0]
    keys = sorted({k for d in secs.values() for k in d}, key=_order)
    # a witness without punctuation (C, quoted from an unpunctuated print) is silent about
    # punctuation: it gives no punctuation variants
    unpunct = frozenset(w for w in sigla if _unpunctuated([t for sec in secs[w].values() for t in sec.tokens]))
    excerpt = {w for w in sigla if secs[w] and all(sec.excerpt for sec in secs[w].values())}
    body = E("body")
    out: set[str] = set()         # witnesses in lacuna (or not yet begun) at this point
    started: set[str] = set()
    prefix = f"{work}-apparatus"
    for key in keys:
        present = {w: secs[w][key] for w in sigla if key in secs[w]}
        # a witness that does not transmit this section -- it quotes single articles, its
        # transcription stopped earlier, it begins later -- is in lacuna here, not omitting
        absent = [w for w in sigla if key not in secs[w] and (
            w in excerpt or (w in open_after and _order(open_after[w]) < _order(key)))]
        streams = {w: present[w].tokens if w in present else [] for w in sigla if w not in absent}
        opens = {w: bool(w in present and present[w].open_end) for w in streams}
        base = next(w for w in sigla if w in streams)
        columns = merge(base, streams, opens, unpunct)
        for w in absent:
            for col in columns:
                col.cells[w] = None
        name = "preamble" if key[0] == "preamble" else f"art{key[1]}"
        div = E("div", type_=key[0], n=str(key[1]), xml_id=f"{prefix}-{name}",
                corresp=" ".join(f"{files[w]}#{present[w].div_id}" for w in sigla if w in present))
        revised = [(w, present[w].revised_note) for w in sigla if w in present and present[w].revised_note]
        for w, note in revised:
            div.append(E("note", f"Witness {w.rsplit('-', 1)[-1]}: {note}", type_="revision", target=f"#{w}", xml_lang="en"))
        p = E("p")
        # where witnesses begin, leave off and take up again (Guidelines 12.1.5), each in an app of its own
        for w in sigla:
            if w in absent and w not in out:
                out.add(w)
                if w in started:
                    p.append(_lacuna_app("", w, [x for x in sigla if x != w and x not in out], "start"))
            elif w in present and w in out:
                out.discard(w)
                p.append(_lacuna_app("", w, [x for x in sigla if x != w and x not in out], "end" if w in started else "wit-start"))
            if w in present:
                started.add(w)
        # article numerals
        labels = {w: present[w].label for w in present if present[w].label}
        if labels:
            if len(set(labels.values())) == 1 and len(labels) == len(present):
                p.append(E("label", next(iter(labels.values())), type_="numbering"))
            else:
                app = E("app", type_="numbering")
                groups: dict[str, list[str]] = {}
                for w, lab in labels.items():
                    groups.setdefault(lab, []).append(w)
                for lab, ws in groups.items():
                    app.append(E("rdg", E("label", lab, type_="numbering"), wit=" ".join(f"#{w}" for w in ws)))
                p.append(app)
        for seg in segments(columns, unpunct, sigla):
            pres = [w for w in sigla if seg.columns[0].cells.get(w) is not None]
            for w in sigla:
                # the witness breaks off here
                if opens.get(w) and w not in out and seg.columns[0].cells.get(w, 0) is None:
                    out.add(w)
                    p.append(_lacuna_app("", w, [x for x in sigla if x != w and x not in out], "start"))
            if seg.common:
                cells = {w: [t for col in seg.columns for t in col.cells[w]] for w in pres}
                for piece in render_common(cells, pres[0], lang):
                    _append(p, piece)
            else:
                groups_ = readings(seg, sigla)
                if seg.level == "unpunct":
                    typ, sub = "punctuation", None
                else:
                    kinds = _without_silent_punctuation(groups_, unpunct)
                    typ, sub = ("substantive", seg.forced) if seg.forced else classify(kinds, pres[0])
                app = E("app", type_=typ, subtype=sub)
                for ws, toks in groups_:
                    if len(ws) > 1:
                        # one reading of several witnesses: the normal form, each witness's own
                        # characters kept, so that every witness reads back exactly
                        cells = {w: [t for col in seg.columns for t in (col.cells.get(w) or [])] for w in ws}
                        content = render_common(cells, ws[0], lang)
                    else:
                        content = render_reading(toks)
                    rdg = E("rdg", *content, wit=" ".join(f"#{w}" for w in ws))
                    if len(ws) == 1 and lang[ws[0]] != "zh-Hans":
                        rdg.set(XML_LANG, lang[ws[0]])
                    app.append(rdg)
                p.append(app)
        for w in sigla:
            # the witness breaks off exactly where the section ends
            if opens.get(w) and w not in out:
                out.add(w)
                p.append(_lacuna_app("", w, [x for x in sigla if x != w and x not in out], "start"))
        div.append(p)
        body.append(div)
    # close the lacunae at the end of the text
    last_p = body[-1].xpath("tei:p", namespaces=NS)[-1]
    closing = [w for w in sigla if w in out and w in started]
    for w in closing:
        last_p.append(_lacuna_app("", w, [x for x in sigla if x not in out], "end"))
    _stable_app_ids(body, prefix)
    return _document(work, wits, files, body, prefix, ids)


def merge_edits(edited: etree._Element, generated: bytes, made_before: set | None = None) -> tuple[bytes, int, list[str]]:
    """Carry an editor's work on an apparatus into a newly generated one: the notes
    added to a variant, and a variant's kind (@type/@subtype) changed by hand, go to the
    variant with the same xml:id (ids are stable: see _stable_app_ids); a variant the
    toolkit made before (``made_before``) that the editor deleted is not made again (its
    first reading stands in its place, as the editor's text did). Returns the new
    document, how many changes were kept, and a line for each that could not be placed
    (its variant no longer exists: the readings changed)."""
    new = etree.fromstring(generated)
    apps = {a.get(XML_ID): a for a in new.iter(qname("app"))}
    kept, lost = 0, []
    in_edited = {a.get(XML_ID) for a in edited.iter(qname("app"))}
    for app_id in sorted((made_before or set()) - in_edited):
        app = apps.pop(app_id, None)
        if app is None or app.get("type") == "lacuna":
            continue
        first = app.find(qname("rdg"))
        parent, at = app.getparent(), app.getparent().index(app)
        pieces = ([first.text] if first is not None and first.text else []) + (list(first) if first is not None else [])
        tail = app.tail
        parent.remove(app)
        for k, piece in enumerate(pieces):
            if isinstance(piece, str):
                if at == 0:
                    parent.text = (parent.text or "") + piece
                else:
                    parent[at - 1].tail = (parent[at - 1].tail or "") + piece
            else:
                parent.insert(at, piece)
                at += 1
        if tail:
            if at == 0:
                parent.text = (parent.text or "") + tail
            else:
                parent[at - 1].tail = (parent[at - 1].tail or "") + tail
        kept += 1
    for old in edited.iter(qname("app")):
        notes = [n for n in old if isinstance(n.tag, str) and local(n) == "note"]
        target = apps.get(old.get(XML_ID))
        changed_kind = target is not None and (old.get("type"), old.get("subtype")) != (target.get("type"), target.get("subtype"))
        if target is None:
            if notes:
                words = " / ".join("".join(n.itertext()).strip()[:40] for n in notes)
                lost.append(f"note on {old.get(XML_ID)} ({words})")
            continue
        for n in notes:
            if not any(etree.tostring(n) == etree.tostring(m) for m in target.iterfind(qname("note"))):
                target.append(copy.deepcopy(n))
                kept += 1
        if changed_kind:
            for attr in ("type", "subtype"):
                if old.get(attr) is None:
                    target.attrib.pop(attr, None)
                else:
                    target.set(attr, old.get(attr))
            kept += 1
    return serialise(new), kept, lost


def _stable_app_ids(body, prefix: str) -> None:
    """Each variant's xml:id comes from where it stands (its section) and what it says
    (its kind and readings), not from a running count: a link to a variant survives an
    edit anywhere else. The same readings twice in a section are told apart by order."""
    import hashlib

    for div in body.iterfind(qname("div")):
        name = div.get(XML_ID, "").rsplit("-", 1)[-1]
        seen: dict[str, int] = {}
        for app in div.iter(qname("app")):
            content = "|".join([app.get("type", ""), app.get("subtype", "")] + [
                f"{r.get('wit')}={''.join(r.itertext())}"
                + "".join(f"<{local(m)}>" for m in r.iter() if local(m) in ("lacunaStart", "lacunaEnd"))
                for r in app.iterfind(qname("rdg"))])
            h = hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
            seen[h] = seen.get(h, 0) + 1
            app.set(XML_ID, f"{prefix}-{name}-{h}" + (f"-{seen[h]}" if seen[h] > 1 else ""))


def _append(p, piece) -> None:
    from .tei import append
    append(p, piece)


def _lacuna_app(app_id: str, wit: str, others: list[str], which: str) -> etree._Element:
    """A witness leaves off (lacunaStart), takes up again (lacunaEnd) or begins
    (witStart: a witness that transmits only part of the work), in an app of its own."""
    milestone = E({"start": "lacunaStart", "end": "lacunaEnd", "wit-start": "witStart"}[which])
    return E("app", E("rdg", milestone, wit=f"#{wit}"), E("rdg", wit=" ".join(f"#{o}" for o in others)),
             type_="lacuna", subtype=which if which == "wit-start" else f"lacuna-{which}", xml_id=app_id or None)


def _order(key: tuple) -> tuple:
    """Sections in the order of the work: the preamble, then the articles by number."""
    return (0 if key[0] == "preamble" else 1, key[1])


def _unpunctuated(tokens: list) -> bool:
    """A witness that has (almost) no punctuation: under one mark in 200 characters."""
    return len(tokens) >= 50 and sum(1 for t in tokens if t.punct) * 200 < len(tokens)


def _document(work: str, wits: list[Source], files: dict[str, str], body, prefix: str,
              ids: dict[str, str]) -> etree._Element:
    listwit = E("listWit", *[
        E("witness",
          E("bibl", E("title", w.title, level="m"), E("ref", w.url, target=iri(w.url)),
            E("note", ("complete text" if w.complete else f"partial transcription: {w.extent or 'incomplete'}"), xml_lang="en")),
          E("ptr", target=files[ids[w.siglum]]),
          xml_id=ids[w.siglum], n=w.siglum, corresp=files[ids[w.siglum]], xml_lang=LANG[w.script])
        for w in wits])
    pseudo = Source(id=prefix, file=Path(f"{work}.apparatus.xml"), format="apparatus", title=work, script="Hans",
                    url=wits[0].url, licence=wits[0].licence)
    header = E("teiHeader",
        E("fileDesc",
          E("titleStmt",
            E("title", f"{' / '.join(w.title for w in wits)}: critical apparatus", type_="main"),
            E("title", f"Collation of the {len(wits)} witnesses of {work}", type_="sub", xml_lang="en"),
            E("respStmt", E("resp", "collation (automatic)", xml_lang="en"), E("name", f"treatytei toolkit {__version__}")),
            E("respStmt", E("resp", "review of the apparatus", xml_lang="en"), E("name", "treatytei editors"))),
          publication_stmt(pseudo),
          E("sourceDesc", listwit)),
        E("encodingDesc",
          E("projectDesc", E("p", f"Made by treatytei {__version__} (treatytei collate) from the witnesses' TEI files.", xml_lang="en")),
          E("editorialDecl",
            E("normalization", E("p", "Common text is given in one normal form: simplified characters, converted character by character "
                                  "with OpenCC (t2s). Where a witness's own characters differ from it only in script they are kept in "
                                  "<choice><reg>normal form</reg><orig source=\"#witness\">own characters</orig></choice>, so every "
                                  "witness's text can be read back from this file.", xml_lang="en")),
            E("interpretation",
              E("p", "Three levels of difference. (1) Script only (a traditional and a simplified form of one character): not a "
                "variant; recorded in <choice> as above. (2) <app type=\"orthographic\">: variant characters (異體字, listed in "
                "data/variants.tsv: 拏/拿, 徃/往, 劄/札 ...), subtype variant-character; punctuation of the same function "
                "(ASCII ',' for '，'), subtype punctuation; one name (same register entry) spelled differently, subtype "
                "transliteration. (3) <app type=\"substantive\">: subtype omission (a witness lacks what the base witness has), "
                "addition (a witness has what the base lacks), transposition (the same characters in another order), "
                "substitution. The base of a section is its first witness in siglum order.", xml_lang="en"),
              E("p", "<app type=\"numbering\"> records the witnesses' article numerals (A counts 一、二、三、; B opens every "
                "article with 一、). <app type=\"lacuna\"> holds a <lacunaStart/> or <lacunaEnd/> of a witness whose "
                "transcription breaks off; between them the witness is not read as omitting anything. A section a witness "
                "lacks for that reason has no pointer to it in the section's @corresp.", xml_lang="en"),
              E("p", "Sections are paired by position (preamble with preamble, article K with article K); within a section the "
                "alignment is character by character, a tagged name or date counting as one unit.", xml_lang="en"))),
          E("variantEncoding", method="parallel-segmentation", location="internal")),
        E("profileDesc", E("langUsage",
            E("language", "Chinese, simplified (the normal form)", ident="zh-Hans"),
            E("language", "Chinese, traditional", ident="zh-Hant"),
            E("language", "English (editorial matter)", ident="en"))),
        E("revisionDesc", E("change", f"Collated by treatytei {__version__}.", when=EDITION_DATE, xml_lang="en"), status="published"))
    return E("TEI", header, E("text", body), xml_id=prefix, xml_lang="zh-Hans")


def works(project) -> list[str]:
    sources = load(project.manifest)
    return sorted(w for w, wits in _grouped(sources)[0].items() if w and len(wits) >= 2)


_SOURCES: dict[tuple, list] = {}


def _collate_job(job: tuple[str, str]) -> bytes:
    """One work, in a worker process (the manifest is read once per process)."""
    from .project import Project

    root, work = job
    project = Project(Path(root))
    key = (str(project.manifest), project.manifest.stat().st_mtime_ns)
    if key not in _SOURCES:
        _SOURCES.clear()
        _SOURCES[key] = load(project.manifest)
    return serialise(collate_work(project, work, _SOURCES[key]))


def collate(project, work: str | None = None, force: bool = False, state=None) -> list[tuple[Path, str]]:
    """Collate each work (in parallel when there are many). With a BuildState, a work
    whose witness files and manifest entries did not change is skipped."""
    from .buildstate import digest
    from .parallel import imap

    sources = load(project.manifest)
    names = [work] if work else works(project)
    fp = Fingerprints(project.tei)
    keys, todo, out = {}, [], []
    for w in names:
        path = project.tei / f"{w}.apparatus.xml"
        wits = witnesses_of(sources, w)
        keys[w] = digest(*[project.tei / f"{s.id}.xml" for s in wits], *[s.entry_key() for s in wits])
        if state is not None and state.get("collate", w) == keys[w] and fp.state(path.name) == "pristine":
            out.append((path, "up-to-date"))
            continue
        todo.append(w)
    # works are collated on every core while the finished ones are written beside their
    # targets; all are put in place together once every work is done
    done = []
    with closing(imap(_collate_job, [(str(project.root), w) for w in todo], "collate")) as results, \
            Staged() as staged:
        for w, data in zip(todo, results):
            path = project.tei / f"{w}.apparatus.xml"
            generated = data
            status = None
            if fp.state(path.name) in ("edited", "untracked"):
                if force:
                    fp.backup(path.name)
                else:
                    # the editor's notes and classifications are carried into the new apparatus
                    before = set(fp.entries.get(path.name, {}).get("apps", []))
                    data, kept, lost = merge_edits(parse_file(path).getroot(), data, before)
                    status = f"merged ({kept} editor's change(s) kept"
                    if lost:
                        status += f"; {len(lost)} could not be placed: {'; '.join(lost)}"
                    status += ")"
                    if data != path.read_bytes():
                        status += f"; backup: {fp.backup(path.name).relative_to(project.root)}"
            if path.exists() and path.read_bytes() == data:
                status = status or "unchanged"
            else:
                staged.add(path, data)
                status = status or "written"
            # what the toolkit made, not the merge: an edited apparatus stays the editor's; the
            # variants it made are remembered, so that one an editor deletes stays deleted
            fp.record(path.name, generated)
            fp.entries[path.name]["apps"] = sorted(
                a.get(XML_ID) for a in etree.fromstring(generated).iter(qname("app")) if a.get(XML_ID))
            done.append(w)
            out.append((path, status))
        staged.commit()
    if state is not None:
        for w in done:
            state.put("collate", w, keys[w])
    fp.save()
    return out
