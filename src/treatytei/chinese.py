"""Chinese script handling shared by the readers, the enricher and the collator.

OpenCC (``t2s``/``s2t``) tells the traditional and simplified forms of a character
apart. Three facts about a character matter to the edition:

* its *script class*: ``T`` if only traditional texts use it (OpenCC simplifies it),
  ``S`` if only simplified texts use it, ``N`` (neutral) if both do;
* its *normal form* (the simplified form, the edition's declared normal form for
  comparing witnesses);
* whether two different characters are *variant forms* (異體字) of one another: a
  relation OpenCC does not model as a script difference (拏/拿, 徃/往) or models as one
  when the editorial tradition does not (劄/札). Those pairs live in
  ``data/variants.tsv``, with the source of each.

Limits: character-level classification cannot see that a simplified form is also a
standard traditional character in some words (后, 于, 台 ...); those dual-use
characters are listed in ``DUAL_USE`` and counted as neutral.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import opencc

_T2S = opencc.OpenCC("t2s.json")
_S2T = opencc.OpenCC("s2t.json")

#: Simplified characters that are also ordinary traditional characters.
DUAL_USE = set("后于里台干余面冲只咸范松制向征姜谷卷斗胡尸云采系丑沈周朴几借价才出布卜厂划伙克困了舍术恶签占乾著")


def to_simplified(text: str) -> str:
    return _T2S.convert(text)


def to_traditional(text: str) -> str:
    return _S2T.convert(text)


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@lru_cache(maxsize=1)
def _script_patterns():
    """(a character that is not Han, a traditional character, a simplified character):
    the classes of ``char_class`` for the basic planes, found with one OpenCC call each."""
    import re

    chars = [chr(c) for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(lo, hi + 1)]
    t2s = _T2S.convert("\n".join(chars)).split("\n")
    s2t = _S2T.convert("\n".join(chars)).split("\n")
    trad = "".join(c for c, x in zip(chars, t2s) if x != c and c not in DUAL_USE)
    simp = "".join(c for c, x, y in zip(chars, t2s, s2t) if x == c and y != c and c not in DUAL_USE)
    return re.compile(f"[^{_HAN}]"), re.compile(f"[{re.escape(trad)}]"), re.compile(f"[{re.escape(simp)}]")


def to_traditional_reading(text: str) -> str:
    """``text`` with its simplified Chinese in traditional characters, for a reading copy:
    a run of Han characters already written in traditional characters (one at least, no
    simplified one) is left as written. OpenCC's dictionary is keyed by simplified forms,
    so converting traditional text again turns a traditional reading of a dual-use
    character into another (滿洲里 -> 滿洲裏, 台干 -> 台幹)."""
    converted = _S2T.convert(text)
    if len(converted) != len(text):          # a conversion that changes lengths: no runs to keep
        return converted
    not_han, traditional_char, simplified_char = _script_patterns()
    m = traditional_char.search(text)
    if m is None:
        return converted                      # nothing written in traditional characters
    backwards = text[::-1]
    out, pos, n = [], 0, len(text)
    while m is not None:
        # the run of Han characters around this traditional one
        before = not_han.search(backwards, n - m.start())
        a = n - before.start() if before else 0
        after = not_han.search(text, m.start())
        b = after.start() if after else n
        if a >= pos and not simplified_char.search(text, a, b) and converted[a:b] != text[a:b]:
            out.append(converted[pos:a])     # no simplified character in it: kept as written
            out.append(text[a:b])
            pos = b
        m = traditional_char.search(text, b)
    out.append(converted[pos:])
    return "".join(out)


@lru_cache(maxsize=65536)
def char_class(c: str) -> str:
    if not is_han(c) or c in DUAL_USE:
        return "N"
    if _T2S.convert(c) != c:
        return "T"
    if _S2T.convert(c) != c:
        return "S"
    return "N"


@lru_cache(maxsize=65536)
def normal_char(c: str) -> str:
    """The simplified (normal) form of one character, character-wise (no phrases),
    so that the result has exactly one character per input character."""
    if c in DUAL_USE:
        return c
    out = _T2S.convert(c)
    return out if len(out) == 1 else c


class CharTable(dict):
    """Code point -> ``fn`` of the character, for str.translate (one character in, one
    out, per character); filled in as characters are first met."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, code: int) -> str:
        out = self[code] = self.fn(chr(code))
        return out


_NORMAL = CharTable(normal_char)


def normalise(text: str) -> str:
    """Character-by-character simplified form: len(normalise(s)) == len(s)."""
    return text.translate(_NORMAL)


def is_han(c: str) -> bool:
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3134F
        or 0xF900 <= o <= 0xFAFF
    )


def is_punct(c: str) -> bool:
    return unicodedata.category(c)[0] in "PSZ" or c in "、。，；：？！「」『』《》〈〉（）【】〔〕—…·"


@lru_cache(maxsize=1)
def variant_rows() -> tuple[tuple[str, str, str], ...]:
    """The rows of data/variants.tsv: (variant form, standard form, note)."""
    text = resources.files("treatytei").joinpath("data/variants.tsv").read_text(encoding="utf-8")
    return tuple(tuple((line.split("\t") + [""])[:3]) for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def variant_pairs() -> dict[frozenset, str]:
    """{frozenset({a, b}): note} for the variant-character pairs."""
    return {frozenset((a, b)): note for a, b, note in variant_rows()}


@lru_cache(maxsize=1)
def variant_forms() -> frozenset:
    """The characters listed as variant forms (the first column)."""
    return frozenset(a for a, _, _ in variant_rows())


def script_normal(c: str) -> str:
    """The normal form for deciding 'script only': like normal_char, but a listed
    variant form stays itself (劄 is not merely the traditional form of 札)."""
    return c if c in variant_forms() else normal_char(c)


def compare_chars(a: str, b: str) -> str:
    """'same', 'script' (a traditional/simplified pair), 'variant' (異體字 pair or
    punctuation of the same function), or 'different'."""
    if a == b:
        return "same"
    pairs = variant_pairs()
    na, nb = normal_char(a), normal_char(b)
    if frozenset((a, b)) in pairs or (na != nb and frozenset((na, nb)) in pairs):
        return "variant"
    if na == nb:
        return "script"
    if is_punct(a) and is_punct(b) and PUNCT_CLASS.get(a, a) == PUNCT_CLASS.get(b, b):
        return "variant"
    return "different"


#: ASCII and full-width punctuation of the same function.
PUNCT_CLASS = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！", "\u201c": "「", "\u201d": "」"}


def script_runs(text: str, outer: str) -> list[tuple[int, int, str]]:
    """Spans of ``text`` written in the other script than ``outer`` ('Hans' or
    'Hant'): within each run of Han characters (between punctuation, digits and
    Latin) that holds no character of ``outer``'s script, the stretch from its first
    to its last character of the other script. Returns (start, end, script)."""
    other_cls = "T" if outer == "Hans" else "S"
    own_cls = "S" if outer == "Hans" else "T"
    other = "Hant" if outer == "Hans" else "Hans"
    runs: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        if not is_han(text[i]):
            i += 1
            continue
        j = i
        has_other = False
        while j < n and is_han(text[j]) and char_class(text[j]) != own_cls:
            has_other |= char_class(text[j]) == other_cls
            j += 1
        if has_other:
            # trim neutral characters at both ends: the run is from the first to the
            # last character of the other script
            a, b = i, j
            while char_class(text[a]) != other_cls:
                a += 1
            while char_class(text[b - 1]) != other_cls:
                b -= 1
            runs.append((a, b, other))
        if j == i:  # an own-script character: skip it
            j += 1
        i = j
    return runs
