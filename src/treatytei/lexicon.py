"""The modern Chinese word list of jieba (its dict.txt: 349,046 words with a frequency and
an ICTCLAS part of speech), read as data -- jieba's segmenter itself is not used.

Two uses: the names steps ask what kind of word a title is (``nr`` a person's name,
``ns`` a place, ``nt`` an organisation, ``n``/``v``/... a common word), and enrich learns
the longer words that contain a register name (哈萨克斯坦 contains 哈萨克, 内蒙古自治区
contains 蒙古), inside which the name is not tagged.

The word list is simplified Chinese; lookups go through the same character key as
matching (enrich.match_key), so traditional text finds its words too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

#: parts of speech of proper names in the word list
PERSON, PLACE, ORG = ("nr", "nrt", "nrfg"), ("ns",), ("nt",)
#: endings of treaty titles: a name before one is part of the title (尼布楚条约)
TREATY_WORDS = ("条约", "条約", "界约", "协约", "协定", "章程", "议定书", "专条", "约")


def _lines():
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                yield parts


@lru_cache(maxsize=1)
def words() -> dict[str, str]:
    """Word -> part of speech (what enrich needs: read without the frequencies)."""
    return {w: pos for w, _, pos in _lines()}


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    return {w: int(f) for w, f, _ in _lines()}


@lru_cache(maxsize=1)
def transliteration_chars() -> frozenset[str]:
    """The characters foreign names are transliterated in: those of 20 or more of the list's
    transliterated personal names (``nrt``): 拉, 克, 爾, 斯, 布 …"""
    counts: dict[str, int] = {}
    for w, pos in words().items():
        if pos == "nrt":
            for c in set(w):
                counts[c] = counts.get(c, 0) + 1
    return frozenset(c for c, n in counts.items() if n >= 20)


def part_of_speech(key: str) -> str | None:
    """The part of speech of a word given by its match key (simplified), or None."""
    return words().get(key)


def segment(key: str) -> list[str]:
    """The most likely division of a match-keyed run into the list's words (the route of
    greatest summed log frequency, as jieba's own segmenter finds it without its model
    of unknown words): a character that begins no word is a word of its own."""
    import math

    freq = _frequencies()
    total = math.log(sum(freq.values()) or 1)
    n = len(key)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + 6) + 1):
            f = freq.get(key[i:j], 0)
            if f or j == i + 1:
                options.append((math.log(f or 1) - total + best[j][0], j))
        best[i] = max(options)
    out, i = [], 0
    while i < n:
        j = best[i][1]
        out.append(key[i:j])
        i = j
    return out


def frequency(key: str) -> int:
    """How often the word list's corpus has the word (0 if it is not a word)."""
    return _frequencies().get(key, 0)


def stands_alone(rest: str) -> bool:
    """Whether what follows a name inside a longer word is a word of its own (国家 in
    中亚国家, 人 in 俄国人, 解体 in 苏联解体): the name is then a word of the longer
    one and is tagged; a bound morpheme (族 in 蒙古族, 语 in 蒙古语: part of speech
    ...g), a piece of a transliteration (斯坦 in 哈萨克斯坦: no word) or a treaty word
    (条约 in 尼布楚条约: the name is part of the title) is not."""
    if not rest:
        return True
    if any(rest.endswith(t) for t in TREATY_WORDS):
        return False
    pos = words().get(rest)
    return bool(pos) and not (pos.endswith("g") and pos != "nrfg")


def contains_name(word: str, name: str, at: int) -> bool:
    """Whether ``name``, found at ``at`` in the longer ``word``, stays a name there:
    only as the word's first part, followed by a word of its own."""
    return at == 0 and stands_alone(word[len(name):])


def _another_place(word: str, name: str) -> bool:
    """A place of the word list that is a name and one character more (满洲里, 塔城市, 伊犁河):
    another place, in which the name is not one (a state, 蒙古国, is left to the register)."""
    return len(word) == len(name) + 1 and words().get(word) == "ns" and not word.endswith("国")   # 蒙古国: a state


def longer_words(names: list[str], candidates=None) -> list[str]:
    """The words that are longer than one of ``names`` (match keys) and contain it not
    as a word of its own (see ``contains_name``): 哈萨克斯坦, 内蒙古自治区, 蒙古族; not
    中亚国家 or 俄国人. ``candidates``: the words to look at (default: the word list)."""
    from .dates import trie_regex

    if not names:
        return []
    known = set(names)
    rx = re.compile(trie_regex(sorted(known)))
    out = []
    for w in words() if candidates is None else candidates:
        if len(w) < 3 or w in known:
            continue
        m = rx.search(w)
        if not m:
            continue
        if contains_name(w, m.group(0), m.start()) and not rx.search(w, 1) and not _another_place(w, m.group(0)):
            continue
        out.append(w)
    return sorted(out)


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """The Chinese names (simplified, traditional, Hong Kong; short, common and official)
    of the countries of ISO 3166-1 and of the former ones of ISO 3166-3, from pycountry's
    translations, as match keys: a country is a state, an organisation in the register."""
    import gettext

    import pycountry

    from .enrich import match_key

    out: set[str] = set()
    for domain, db in (("iso3166-1", pycountry.countries), ("iso3166-3", pycountry.historic_countries)):
        for lang in ("zh_CN", "zh_TW", "zh_HK"):
            try:
                tr = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                continue
            for c in db:
                for attr in ("name", "common_name", "official_name"):
                    english = getattr(c, attr, None)
                    if english:
                        chinese = tr.gettext(english)
                        if chinese != english:
                            out.add(match_key(chinese))
    return frozenset(out)


@lru_cache(maxsize=1)
def _country_rx() -> re.Pattern:
    from .dates import trie_regex

    return re.compile(trie_regex(sorted(countries())))


def crosses_a_word(key: str, start: int, end: int) -> bool:
    """Whether a common word of the list (two to four characters) runs across either edge
    of key[start:end] (多哥 in 許多哥哥: 許多 and 哥哥)."""
    for edge in (start, end):
        for n in (2, 3, 4):
            for a in range(edge - n + 1, edge):
                if a >= 0 and a + n <= len(key) and not (start <= a and a + n <= end):
                    pos = words().get(key[a:a + n])
                    if pos and pos not in ("ns", "nr", "nrt", "nrfg", "nt", "nz"):
                        return True
    return False


def country_mentions(key: str) -> list[tuple[int, int]]:
    """Where a match-keyed text names a country (ISO 3166) as a word of its own."""
    return [(m.start(), m.end()) for m in _country_rx().finditer(key) if not crosses_a_word(key, m.start(), m.end())]
