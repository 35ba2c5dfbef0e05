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


@lru_cache(maxsize=1)
def words() -> dict[str, str]:
    """Word -> part of speech."""
    out: dict[str, str] = {}
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                out[parts[0]] = parts[2]
    return out


def part_of_speech(key: str) -> str | None:
    """The part of speech of a word given by its match key (simplified), or None."""
    return words().get(key)


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


def longer_words(names: list[str]) -> list[str]:
    """The words of the list that are longer than one of ``names`` (match keys) and
    contain it not as a word of its own (see ``contains_name``): 哈萨克斯坦, 内蒙古自治区,
    蒙古族; not 中亚国家 or 俄国人."""
    from .dates import trie_regex

    if not names:
        return []
    known = set(names)
    rx = re.compile(trie_regex(sorted(known)))
    out = []
    for w in words():
        if len(w) < 3 or w in known:
            continue
        m = rx.search(w)
        if not m:
            continue
        if contains_name(w, m.group(0), m.start()) and not rx.search(w, 1):
            continue
        out.append(w)
    return sorted(out)
