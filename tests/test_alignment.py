"""The collation's parts, one by one: tokens, the aligner (property-tested against a
slow reference that is correct by construction), the variants cut from aligned
columns and their classes. Fast: no files, no Saxon."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from treatytei.alignment import (
    GAP_EXTEND,
    GAP_OPEN,
    LACUNA,
    MATCH,
    MISMATCH,
    _gotoh,
    align,
    merge,
)
from treatytei.collation_tokens import Tok, _char_tok, sections, token_key
from treatytei.variants import classify, readings, segments

TEI = "http://www.tei-c.org/ns/1.0"

# a small alphabet, so that matches, near-matches (script, variant characters) and
# punctuation all occur often: 國/国 differ in script only, 爲/为 are listed variants
ALPHABET = list("之所國国爲为河山,,。")


def toks(text: str) -> list[Tok]:
    return [_char_tok(c) for c in text]


def unit(text: str, ref: str) -> Tok:
    el = etree.Element("placeName", ref=ref)
    el.text = text
    return Tok(text, f"UplaceName:{ref}", f"UplaceName:{ref}:{text}", el)


def weight(t: Tok) -> int:
    return MATCH * max(1, len(t.text)) if t.el is not None else MATCH


def score(a: list[Tok], b: list[Tok], pairs: list[tuple]) -> int:
    """The score of one alignment under the aligner's scheme: each pair scores a match or
    a mismatch, each run of gaps on one side opens once and extends for the rest."""
    total, last = 0, None
    for p, q in pairs:
        if p is not None and q is not None:
            total += weight(a[p]) if a[p].loose == b[q].loose else MISMATCH
            last = "M"
        elif q is None:
            total += GAP_EXTEND if last == "X" else GAP_OPEN
            last = "X"
        else:
            total += GAP_EXTEND if last == "Y" else GAP_OPEN
            last = "Y"
    return total


def best_score(a: list[Tok], b: list[Tok]) -> int:
    """The best score by trying every alignment (memoised on where both lists stand and
    what the last step was): slow, and correct by construction."""
    @lru_cache(maxsize=None)
    def f(i: int, j: int, last: str) -> int:
        if i == len(a) and j == len(b):
            return 0
        options = []
        if i < len(a) and j < len(b):
            s = weight(a[i]) if a[i].loose == b[j].loose else MISMATCH
            options.append(s + f(i + 1, j + 1, "M"))
        if i < len(a):
            options.append((GAP_EXTEND if last == "X" else GAP_OPEN) + f(i + 1, j, "X"))
        if j < len(b):
            options.append((GAP_EXTEND if last == "Y" else GAP_OPEN) + f(i, j + 1, "Y"))
        return max(options)
    return f(0, 0, "")


def assert_valid(a: list, b: list, pairs: list[tuple], b_lacuna: bool = False) -> None:
    """Every token of both lists once, in order; LACUNA only at b's end."""
    left = [p for p, _ in pairs if p is not None and p != LACUNA]
    right = [q for _, q in pairs if q is not None and q != LACUNA]
    assert left == list(range(len(a)))
    assert right == list(range(len(b)))
    assert all(p is not None or q is not None for p, q in pairs)
    if not b_lacuna:
        assert all(p != LACUNA and q != LACUNA for p, q in pairs)


texts = st.text(alphabet=ALPHABET, max_size=9)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(texts, texts)
def test_the_dynamic_programme_finds_the_best_alignment(x, y):
    a, b = toks(x), toks(y)
    pairs = _gotoh(a, b, False)
    assert_valid(a, b, pairs)
    assert score(a, b, pairs) == best_score(a, b)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts, texts, st.integers(0, 3))
def test_names_weigh_as_many_matches_as_they_have_characters(x, y, where):
    name = unit("鄂爾懷圖", "#pl-erhuaitu")
    a = toks(x)
    b = toks(y)
    a.insert(min(where, len(a)), name)
    b.insert(min(where, len(b)), unit("鄂尔辉图", "#pl-erhuaitu"))
    pairs = _gotoh(a, b, False)
    assert_valid(a, b, pairs)
    assert score(a, b, pairs) == best_score(a, b)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts, texts)
def test_align_with_anchors_is_a_valid_alignment(x, y):
    a, b = toks(x + "恰克圖河溪" + y), toks(y + "恰克图河溪" + x)
    pairs = align(a, b)
    assert_valid(a, b, pairs)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts, texts)
def test_an_open_end_leaves_the_rest_as_lacuna(x, y):
    a, b = toks(x), toks(x + y)
    pairs = align(a, b, a_open=True)
    assert_valid(a, b, pairs, b_lacuna=True)
    tail = [q for p, q in pairs if p == LACUNA]
    # the lacuna is one stretch at the end of b: nothing of a follows it
    if tail:
        assert tail == list(range(tail[0], len(b)))
        assert pairs[-len(tail):] == [(LACUNA, q) for q in tail]
    if x and not y:
        assert not tail


def test_identical_texts_align_one_to_one():
    a = toks("中國大臣會同俄國所遣使臣")
    assert align(a, toks("中国大臣会同俄国所遣使臣")) == [(k, k) for k in range(len(a))]


def test_keys_script_is_not_a_difference_but_a_variant_character_is_loose_only():
    guo_t, guo_s, wei_t, wei_s = (_char_tok(c) for c in "國国爲为")
    assert guo_t.strict == guo_s.strict and guo_t.loose == guo_s.loose
    assert wei_t.loose == wei_s.loose and wei_t.strict != wei_s.strict
    assert token_key([guo_t, wei_t], "loose") == (guo_s.loose, wei_s.loose)
    assert _char_tok(",").punct and _char_tok(",").loose == _char_tok(",").loose


def test_sections_are_keyed_by_what_they_are():
    doc = etree.fromstring(
        f'<TEI xmlns="{TEI}"><text><body>'
        '<div type="article" n="3" subtype="excerpt" xml:id="c-art3"><p><label>一</label>中國'
        '<placeName ref="#pl-kyakhta">恰克圖</placeName><note>editorial</note></p></div>'
        '<div type="article" n="6" xml:id="c-art6"><p>送文<gap reason="untranscribed"/></p></div>'
        '</body></text></TEI>')
    s3, s6 = sections(doc)
    assert (s3.key, s3.label, s3.excerpt, s3.open_end) == (("article", 3), "一", True, False)
    assert [t.text for t in s3.tokens] == ["中", "國", "恰克圖"]       # the name one token; no note
    assert (s6.key, s6.open_end) == (("article", 6), True)


def test_variants_and_their_classes():
    cols = merge("A", {"A": toks("所定兩國邊界在河溪之屋,作爲地方"), "B": toks("所定两国边界在小河沟之屋作为地方")},
                 {"A": False, "B": False})
    out = []
    for s in segments(cols):
        groups = readings(s, ["A", "B"])
        out.append(("".join(t.text for t in groups[0][1]) if s.common else
                    (tuple("".join(t.text for t in ts) for _, ts in groups), classify(groups, "A"))))
    assert out == [
        "所定兩國邊界在",                     # script only: common text, no variant
        (("河溪", "小河沟"), ("substantive", "substitution")),
        "之屋",
        ((",", ""), ("orthographic", "punctuation")),
        "作",
        (("爲", "为"), ("orthographic", "variant-character")),
        "地方",
    ]


def test_classes_one_by_one():
    def cls(x, y):
        return classify([(["A"], toks(x)), (["B"], toks(y))], "A")
    assert cls("爲", "为") == ("orthographic", "variant-character")
    assert cls(",", ";") == ("orthographic", "punctuation")
    assert cls("各自", "") == ("substantive", "omission")
    assert cls("", "于") == ("substantive", "addition")
    assert cls("屋", "间") == ("substantive", "substitution")
    assert cls("平分", "分平") == ("substantive", "transposition")


def _reads_back(columns, wit: str) -> str:
    return "".join(t.text for col in columns for t in (col.cells.get(wit) or []))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts, texts, st.sampled_from(["察罕鄂拉", "察罕拉", "察罕", "拉察", ""]), st.booleans())
def test_names_split_for_alignment_keep_every_token_once(x, y, other, unp):
    """A name one witness has tagged, against untagged characters (some of them, or
    none) in the other, is aligned character by character and made one unit again:
    each witness still reads back exactly, token for token, in order."""
    a = toks(x) + [unit("察罕鄂拉", "#pl-chagan-ola")] + toks(y)
    c = toks(y + other + x)
    if unp:
        c = [t for t in c if not t.punct]
    cols = merge("A", {"A": a, "C": c}, {"A": False, "C": False}, frozenset({"C"}) if unp else frozenset())
    assert _reads_back(cols, "A") == "".join(t.text for t in a)
    assert _reads_back(cols, "C") == "".join(t.text for t in c)
    assert sum(1 for col in cols for t in (col.cells.get("A") or []) if t.el is not None) == 1


def test_a_spelling_the_tagger_missed_is_one_variant_with_the_name():
    """B's names are tagged, C (unpunctuated) spells them otherwise untagged: each name is
    a variant of its own, C's characters gathered to the name they spell."""
    b = ([unit("弼齐克图", "#p1")] + toks("、") + [unit("霍硕果", "#p2")] + toks("、")
         + [unit("贝勒苏固山", "#p3")])
    c = toks("毕齐克图胡什古卑勒苏图山")
    cols = merge("B", {"B": b, "C": c}, {"B": False, "C": False}, frozenset({"C"}))
    got = [("".join(t.text for col in s.columns for t in col.cells["B"]),
            "".join(t.text for col in s.columns for t in col.cells["C"]))
           for s in segments(cols, frozenset({"C"}), ["B", "C"]) if not s.common and s.level != "unpunct"]
    assert got == [("弼齐克图", "毕齐克图"), ("霍硕果", "胡什古"), ("贝勒苏固山", "卑勒苏图山")]


def _variants(b: str, c: str) -> list[tuple[str, str]]:
    cols = merge("B", {"B": toks(b), "C": toks(c)}, {"B": False, "C": False}, frozenset({"C"}))
    return [("".join(t.text for col in s.columns for t in col.cells["B"]),
             "".join(t.text for col in s.columns for t in col.cells["C"]))
            for s in segments(cols, frozenset({"C"}), ["B", "C"]) if not s.common and s.level != "unpunct"]


def test_a_comma_only_one_witness_writes_ends_a_clause_unless_it_is_inside_a_reordering():
    """B's comma, which C (no punctuation) lacks: where both read words on either side, two
    variants (居住 / 本处，以静疆 / 肃清边); where the words on both sides are the same words
    in another order (台干河 / 河、台噶), one transposition; where only B reads words on one
    side, one variant."""
    assert _variants("收回本处,肃清边界", "收回居住以静疆界") == [("本处", "居住"), ("肃清边", "以静疆")]
    assert _variants("如有山、河、台噶,以山", "如有山台干河以山") == [("河、台噶", "台干河")]
    assert _variants("此地起,分两边之处,迤东", "此地起东") == [("分两边之处,迤", "")]


def test_of_equal_alignments_the_one_matching_beside_punctuation_is_taken():
    """犬牙相错居住者，亦 (B) against 互相出入杂居者 (C, unpunctuated): matching 相 with 相 or 者
    with 者 scores the same; 者 stands before B's comma, so it is the match."""
    assert _variants("之人如有犬牙相错居住者,亦查明各令收回", "之人如有互相出入杂居者查明各自收回") == [
        ("犬牙相错居住", "互相出入杂居"), ("亦", ""), ("令", "自")]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts, texts, st.lists(st.booleans(), max_size=8), st.lists(st.booleans(), max_size=8))
def test_matches_beside_punctuation_only_break_ties(x, y, ex, ey):
    a, b = toks(x), toks(y)
    ea = (ex + [False] * len(a))[:len(a)]
    eb = (ey + [False] * len(b))[:len(b)]
    pairs = _gotoh(a, b, False, ea, eb)
    assert_valid(a, b, pairs)
    assert score(a, b, pairs) == best_score(a, b)


def test_words_next_to_punctuation_the_other_witness_lacks_begin_the_next_clause():
    """B: 送文之人，由…; C (no punctuation): 送文之人俱令由…: C adds 俱令 after B's comma."""
    b, c = toks("送文之人,由恰克图"), toks("送文之人俱令由恰克图")
    cols = merge("B", {"B": b, "C": c}, {"B": False, "C": False}, frozenset({"C"}))
    order = [("".join(t.text for t in col.cells["B"]), "".join(t.text for t in col.cells["C"])) for col in cols]
    assert order.index((",", "")) < order.index(("", "俱令"))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts, texts, st.sampled_from(["察罕鄂拉", "察罕拉", "察罕", "罕察拉鄂"]))
def test_a_name_of_the_other_witness_split_for_alignment_keeps_every_token_once(x, y, base_text):
    """The same with the name in the witness aligned to the base."""
    a = toks(x + base_text + y)
    c = toks(y) + [unit("察罕鄂拉", "#pl-chagan-ola")] + toks(x) + [unit("察罕鄂拉", "#pl-chagan-ola")]
    cols = merge("A", {"A": a, "C": c}, {"A": False, "C": False})
    assert _reads_back(cols, "A") == "".join(t.text for t in a)
    assert _reads_back(cols, "C") == "".join(t.text for t in c)


_name_text = st.text(alphabet="察罕鄂拉山", min_size=2, max_size=4)
_piece = st.one_of(st.sampled_from(ALPHABET).map(lambda c: ("c", c)),
                   st.tuples(st.just("u"), _name_text, st.integers(0, 2)))


def _stream(pieces, prefix):
    out = []
    for kind, *rest in pieces:
        out += toks(rest[0]) if kind == "c" else [unit(rest[0], f"#{prefix}{rest[1]}")]
    return out


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_piece, max_size=8), st.lists(_piece, max_size=8), st.lists(_piece, max_size=8), st.booleans())
def test_names_on_every_side_keep_every_token_once(a, b, c, unp):
    """Names of different entities on all sides, some split for alignment at once (the
    fuzzing that found a token lost and a crash): every witness reads back exactly, and
    the columns cut into variants."""
    streams = {"A": _stream(a, "a"), "B": _stream(b, "b"), "C": _stream(c, "c")}
    silent = frozenset({"C"}) if unp else frozenset()
    if unp:
        streams["C"] = [t for t in streams["C"] if not t.punct]
    cols = merge("A", streams, {w: False for w in streams}, silent)
    for w, ts in streams.items():
        assert _reads_back(cols, w) == "".join(t.text for t in ts), w
    segments(cols, silent, ["A", "B", "C"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_piece, max_size=8), st.lists(_piece, max_size=8), st.lists(_piece, max_size=8), st.booleans())
def test_the_apparatus_of_any_three_readings_reads_back_every_witness(a, b, c, unp):
    """Aligned, cut into variants and written as TEI (nested apps included), every
    witness's text reads back exactly from the apparatus."""
    from treatytei.apparatus_tei import render_segment, witness_text
    from treatytei.tei import E, append

    streams = {"A": _stream(a, "a"), "B": _stream(b, "b"), "C": _stream(c, "c")}
    silent = frozenset({"C"}) if unp else frozenset()
    if unp:
        streams["C"] = [t for t in streams["C"] if not t.punct]
    cols = merge("A", streams, {w: False for w in streams}, silent)
    p = E("p")
    for seg in segments(cols, silent, ["A", "B", "C"]):
        for piece in render_segment(seg, ["A", "B", "C"], silent, {w: "zh-Hans" for w in streams}):
            append(p, piece)
    for w, ts in streams.items():
        assert witness_text(p, w) == "".join(t.text for t in ts), w
