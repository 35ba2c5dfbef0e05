"""Collation, part 2: aligning the witnesses of one section.

Two token streams are aligned globally with affine gaps (Gotoh; the scores below) on a
loose key (script, listed variant characters and punctuation of one function all
equal), with sure anchors (names, dates, rare trigrams) cutting the problem into
pieces. A witness whose transcription stops is aligned with an open end: what follows
in the others is its lacuna (LACUNA). Between a punctuated and an unpunctuated witness
the punctuation is left out of the alignment. merge() aligns every witness to the
section's first present witness and combines the pairwise alignments into Columns;
where that witness stops, the others are aligned among themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .collation_tokens import Tok, _char_tok, token_key

#: Scores of the alignment: affine gaps (Gotoh), so that a variant is one stretch
#: rather than many small gaps around stray shared characters.
MATCH, MISMATCH, GAP_OPEN, GAP_EXTEND = 4, -4, -8, -1
LACUNA = "L"
#: in a pairing, a base token that belongs to the column of the base token before it
#: (both stand against one name of the other witness)
JOIN = "J"
NEG = -(10 ** 9)
#: the length of a character run that can anchor the alignment
ANCHOR_NGRAM = 3


#: what a match beside a punctuated witness's punctuation adds: less than any difference of
#: the scores above, however many such matches, so it decides only between equal alignments
EDGE = 1e-4


def align(a: list[Tok], b: list[Tok], a_open: bool = False, b_open: bool = False,
          edges_a: list[bool] | None = None, edges_b: list[bool] | None = None) -> list[tuple]:
    """Global alignment of two token lists on their loose keys (Gotoh: match,
    mismatch, affine gap): [(i, j)] with None for a gap. An open end (the
    transcription stops): the other sequence's tokens after the last aligned one
    are that witness's lacuna, paired with LACUNA. ``edges_a``, ``edges_b``: the tokens
    beside a clause's punctuation (left out of the lists): of two alignments that score
    the same, the one that matches more of them is taken (犬牙相错居住者，亦 against
    互相出入杂居者: 者 with 者, not 相 with 相)."""
    ea = edges_a or [False] * len(a)
    eb = edges_b or [False] * len(b)
    if b_open and not a_open:
        # by symmetry: align b to a with a's end open, then swap back
        swapped = align(b, a, a_open=True, edges_a=eb, edges_b=ea)
        return [(q, p) for p, q in swapped]
    anchors = _anchors(a, b)
    if anchors:
        # cut at names both witnesses share exactly once, in the same order: the
        # table shrinks from n*m cells to the sum over the pieces between anchors
        pairs: list[tuple] = []
        pi = pj = 0
        for i, j in anchors:
            pairs += [(p + pi if p is not None else None, q + pj if q is not None else None)
                      for p, q in _gotoh(a[pi:i], b[pj:j], False, ea[pi:i], eb[pj:j])]
            pairs.append((i, j))
            pi, pj = i + 1, j + 1
        for p, q in _gotoh(a[pi:], b[pj:], a_open, ea[pi:], eb[pj:]):
            pairs.append((p + pi if isinstance(p, int) else p, q + pj if isinstance(q, int) else q))
        return pairs
    return _gotoh(a, b, a_open, ea, eb)


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


def _gotoh(a: list[Tok], b: list[Tok], a_open: bool, edges_a: list[bool] | None = None,
           edges_b: list[bool] | None = None) -> list[tuple]:
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
    if edges_a and any(edges_a):
        wa = [w + EDGE if e else w for w, e in zip(wa, edges_a)]
    eb = [EDGE if e else 0 for e in edges_b] if edges_b and any(edges_b) else [0] * m
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
            vm = cM[j] = best + (wai + eb[j - 1] if ai == kb[j - 1] else mis)
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
    def edges(toks, keep):
        """Whether each kept token stands beside punctuation left out."""
        return [(k > 0 and toks[k - 1].punct) or (k + 1 < len(toks) and toks[k + 1].punct) for k in keep]
    pairs = align([btoks[k] for k in keep_b], [wtoks[k] for k in keep_w], a_open=b_open, b_open=w_open,
                  edges_a=edges(btoks, keep_b) if not b_unp else None,
                  edges_b=edges(wtoks, keep_w) if not w_unp else None)
    mapped = [(keep_b[p] if isinstance(p, int) else p, keep_w[q] if isinstance(q, int) else q) for p, q in pairs]
    # the punctuation left out: each a gap of the other witness, in its place
    out: list[tuple] = []
    dropped_b = sorted(set(range(len(btoks))) - set(keep_b))
    dropped_w = sorted(set(range(len(wtoks))) - set(keep_w))
    # where one witness has words the other lacks next to the other's punctuation, the
    # punctuation comes first: the words begin the next clause (送文之人，俱令由…)
    next_b = [None] * len(mapped)
    next_w = [None] * len(mapped)
    nb = nw = None
    for k in range(len(mapped) - 1, -1, -1):
        p, q = mapped[k]
        next_b[k], next_w[k] = nb, nw
        if isinstance(p, int):
            nb = p
        if isinstance(q, int):
            nw = q
    for k, (p, q) in enumerate(mapped):
        at_b = p if isinstance(p, int) else (next_b[k] if p is None else None)
        at_w = q if isinstance(q, int) else (next_w[k] if q is None else None)
        while dropped_b and at_b is not None and dropped_b[0] < at_b:
            out.append((dropped_b.pop(0), None))
        while dropped_w and at_w is not None and dropped_w[0] < at_w:
            out.append((None, dropped_w.pop(0)))
        out.append((p, q))
    lac = [k for k, (p, q) in enumerate(out) if q == LACUNA]
    for k in dropped_b:
        out.append((k, LACUNA if lac else None))
    out.extend((None, k) for k in dropped_w)
    return out


def _align_names(btoks: list[Tok], wtoks: list[Tok], b_open: bool, w_open: bool, b_unp: bool, w_unp: bool):
    """_align_witness(), but a name or date that finds no counterpart as a unit in the
    other witness while that witness has its characters untagged (察罕鄂拉, tagged, against
    察罕拉, not recognised as a name) is aligned character by character, then made one
    unit again: its cell holds the other witness's characters it was aligned with (a base
    unit may take several tokens: q is then a list)."""
    pairs = _align_witness(btoks, wtoks, b_open, w_open, b_unp, w_unp)
    matched_b, matched_w = set(), set()
    for p, q in pairs:
        if isinstance(p, int) and isinstance(q, int) and btoks[p].loose == wtoks[q].loose:
            matched_b.add(p)
            matched_w.add(q)

    def split_these(toks, matched, other):
        chars = {t.strict for t in other if t.el is None and not t.punct}   # its untagged characters
        out = set()
        for k, t in enumerate(toks):
            if t.el is not None and k not in matched and len(t.text) >= 2:
                mine = {_char_tok(c).strict for c in t.text}
                if len(mine & chars) * 2 >= len(mine):
                    out.add(k)
        return out
    sb, sw = split_these(btoks, matched_b, wtoks), split_these(wtoks, matched_w, btoks)
    if not sb and not sw:
        return pairs

    def expand(toks, which):
        ex, origin = [], []
        for k, t in enumerate(toks):
            pieces = [_char_tok(c) for c in t.text] if k in which else [t]
            ex.extend(pieces)
            origin.extend([k] * len(pieces))
        return ex, origin
    eb, ob = expand(btoks, sb)
    ew, ow = expand(wtoks, sw)
    raw = _align_witness(eb, ew, b_open, w_open, b_unp, w_unp)
    mapped = [(ob[p] if isinstance(p, int) else p, ow[q] if isinstance(q, int) else q) for p, q in raw]
    # the pairs of one split unit, and everything aligned between its first and last
    # character, make one group: the unit's column
    spans: list[list[int]] = []
    for side, split in ((0, sb), (1, sw)):
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for n, pair in enumerate(mapped):
            k = pair[side]
            if isinstance(k, int) and k in split:
                first.setdefault(k, n)
                last[k] = n
        spans += [[first[k], last[k]] for k in first]
    spans.sort()
    groups: list[list[int]] = []
    for lo, hi in spans:
        if groups and lo <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], hi)
        else:
            groups.append([lo, hi])
    out: list[tuple] = []
    n = 0
    for lo, hi in groups + [[len(mapped), len(mapped)]]:
        out += mapped[n:lo]                      # pairs outside every split unit, as they are
        if lo >= len(mapped):
            break
        part = mapped[lo:hi + 1]
        ps = sorted({p for p, _ in part if isinstance(p, int)})
        qs = sorted({q for _, q in part if isinstance(q, int)})
        if ps:
            lacuna = not qs and any(q == LACUNA for _, q in part)
            out.append((ps[0], LACUNA if lacuna else qs))
            out += [(p, LACUNA if lacuna else JOIN) for p in ps[1:]]
        else:
            lac = any(p == LACUNA for p, _ in part)
            out += [(LACUNA if lac else None, q) for q in qs]
        n = hi + 1
    return [(p, q if not isinstance(q, list) else (q[0] if len(q) == 1 else (q or None))) for p, q in out]


def merge(base: str, streams: dict[str, list[Tok]], open_end: dict[str, bool],
          unpunct: frozenset = frozenset()) -> list[Column]:
    """The witnesses of a section aligned (_merge), then the characters one witness has
    beside a name another has tagged gathered into that name's column (_gather_names)."""
    return _gather_names(_merge(base, streams, open_end, unpunct))


def _gather_names(columns: list[Column]) -> list[Column]:
    """Characters only one witness has next to a column where another witness has a
    name and this witness fewer untagged characters than the name has (B's 霍硕果 against
    C's 古, C's 胡什 just before it), or characters the name itself has (C's 岭 after 布尔胡图
    against B's 布呼图岭): they are the rest of the name as this witness spells it, and join
    its column (the column with more characters missing, when there is a name on both
    sides). Punctuation this witness lacks between the two is passed over."""
    moved = True
    while moved:             # a run of several such columns moves one column a round
        moved = False
        for k in range(len(columns)):
            moved = _gather_one(columns, k) or moved
    return [col for col in columns if any(col.cells.values())]


def _gather_one(columns: list[Column], k: int) -> bool:
    col = columns[k]
    full = [w for w, v in col.cells.items() if v]
    if len(full) != 1:
        return False
    w = full[0]
    toks = col.cells[w]
    if any(t.el is not None or t.punct for t in toks):
        return False
    best = None
    for n in (_neighbour(columns, k, -1, w), _neighbour(columns, k, 1, w)):
        name = _name_against(columns[n], w) if n >= 0 else None
        if name is None:
            continue
        gap = len(name.text) - sum(len(t.text) for t in columns[n].cells[w])
        own = all(c in name.text for t in toks for c in t.text)
        if (gap >= len(toks) or own) and (best is None or gap > best[1]):
            best = (n, gap)
    if best is None:
        return False
    n = best[0]
    columns[n].cells[w] = (columns[n].cells[w] + toks) if n < k else (toks + columns[n].cells[w])
    col.cells[w] = []
    return True


def _name_against(col: Column, w: str) -> Tok | None:
    """The (longest) name other witnesses have in a column where w has untagged characters."""
    mine = col.cells.get(w)
    if mine is None or any(t.el is not None or t.punct for t in mine):
        return None
    names = [v[0] for x, v in col.cells.items() if x != w and v and len(v) == 1 and v[0].el is not None]
    return max(names, key=lambda t: len(t.text)) if names else None


def _neighbour(columns: list[Column], k: int, step: int, w: str) -> int:
    """The next column with text in direction ``step``, passing over punctuation w lacks."""
    n = k + step
    while 0 <= n < len(columns):
        cells = columns[n].cells
        if any(cells.values()) and (cells.get(w) or not all(t.punct for v in cells.values() if v for t in v)):
            return n
        n += step
    return -1


def _punct_runs(toks: list[Tok]) -> list[list[Tok]]:
    """Tokens cut into runs of punctuation and runs of the rest, in order."""
    runs: list[list[Tok]] = []
    for t in toks:
        if runs and runs[-1][-1].punct == t.punct:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _merge(base: str, streams: dict[str, list[Tok]], open_end: dict[str, bool],
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
    joins: dict[int, set[str]] = {}
    for w in others:
        slot = 0
        for p, q in _align_names(btoks, streams[w], open_end[base], open_end[w], base in unpunct, w in unpunct):
            if p == LACUNA:                      # beyond the base's end
                tails.setdefault(w, []).append(streams[w][q])
            elif q == LACUNA:                    # beyond w's end
                lacuna_from.setdefault(w, p)
                per_base[p][w] = None
            elif p is None:
                per_slot[slot].setdefault(w, []).append(streams[w][q])
            elif q == JOIN:
                per_base[p][w] = []
                joins.setdefault(p, set()).add(w)
                slot = p + 1
            else:
                per_base[p][w] = [streams[w][k] for k in q] if isinstance(q, list) else (
                    [streams[w][q]] if q is not None else [])
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
                    key = token_key(toks, "strict")
                    for kk, ws in inserted:
                        if kk == key:
                            ws.append(w)
                            break
                    else:
                        inserted.append((key, [w]))
            for key, ws in inserted:
                toks = per_slot[k][ws[0]]
                # one witness's insertion is cut where punctuation begins and ends, so that
                # its marks stay marks against a witness that has none (B's ，于 against C)
                pieces = [toks] if len(inserted) > 1 else _punct_runs(toks)
                for piece in pieces:
                    cells: dict = {base: []}
                    for w in others:
                        in_lacuna = w in lacuna_from and lacuna_from[w] < k
                        cells[w] = None if in_lacuna else (list(piece) if w in ws else [])
                    columns.append(Column(cells))
        if k < len(btoks):
            if (k in joins and columns and not any(per_slot[k].values())
                    and all(w in joins[k] or not per_base[k].get(w) for w in others)):
                # this base token stands, with the one before, against one name of a witness
                columns[-1].cells[base].append(btoks[k])
                continue
            cells = {base: [btoks[k]]}
            for w in others:
                cells[w] = per_base[k].get(w, [])
            columns.append(Column(cells))
    if tails:
        rest = {w: tails.get(w, []) for w in others if not (w in lacuna_from)}
        with_text = [w for w in rest if rest[w]]
        if len(with_text) >= 2:
            # the base has stopped: the others are collated with each other from here
            for col in _merge(with_text[0], rest, {w: open_end[w] for w in rest}, unpunct):
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
