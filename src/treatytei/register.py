"""The register (tei/register.xml) as the names steps read and extend it.

Kinds of entry and where they live:

========  ==========================================================
person    ``standOff/listPerson/person`` (``persName``)
place     ``standOff/listPlace/place`` (``placeName``)
org       ``standOff/listOrg/org`` (``orgName``)
office    ``classDecl/taxonomy[@xml:id='offices']/category`` (``catDesc/term``)
treaty    ``standOff/listBibl/bibl[@type='treaty']`` (``title``)
========  ==========================================================

Two lists record an editor's decisions about words that are *not* names:
``standOff/list[@type='words']`` (known words, such as a link to 中國年號列表, inside which
no name is tagged) and ``standOff/list[@type='not-names']`` (rejected candidates, never
proposed again). Each item holds the word in both scripts as ``term``.

Every name is kept in both scripts (OpenCC) and with its romanisation in Hanyu Pinyin
(pypinyin), ``xml:lang="zh-Latn-pinyin"``, for sorting and search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .chinese import is_han, to_simplified, to_traditional
from .tei import NS, XML_ID, XML_LANG, E, parse_file

KINDS = ("person", "place", "org", "office", "treaty", "other")
PINYIN_LANG = "zh-Latn-pinyin"
ID_PREFIX = {"person": "per", "place": "pl", "org": "org", "office": "role", "treaty": "treaty"}
NAME_TAG = {"person": "persName", "place": "placeName", "org": "orgName", "office": "term", "treaty": "title"}
ENTRY_PATHS = {
    "person": ("//tei:standOff//tei:person", "tei:persName"),
    "place": ("//tei:standOff//tei:place", "tei:placeName"),
    "org": ("//tei:standOff//tei:org", "tei:orgName"),
    "office": ("//tei:taxonomy[@xml:id='offices']//tei:category", "tei:catDesc/tei:term"),
    "treaty": ("//tei:standOff//tei:listBibl/tei:bibl", "tei:title"),
}


#: a name in Latin or Cyrillic letters: up to eight words, the first capitalised and perhaps
#: followed by a comma (Widmer, Eric; Belknap Press of Harvard University Press)
_LATIN_NAME = re.compile(r"^[A-ZА-ЯЁ][\w'’.-]*,?(?: [\w'’.&-]+){0,7}$")


#: readings characters take in names, where pypinyin's first reading is another word's: 汗 of a
#: khan is hán (可汗 kèhán; 汗 "sweat" hàn), 什 of a transliteration shí (喀什 Kāshí; 什么 shénme),
#: 勒 of a transliteration lè (勒拿河 Lènà Hé; 勒 "to tie" lēi) -- the readings of the Xiandai
#: Hanyu Cidian for these words
NAME_READINGS = {"汗": ("hán", "han"), "什": ("shí", "shi"), "勒": ("lè", "le")}


def _name_syllables(text: str, tones: bool) -> list[str]:
    """pypinyin's syllables of a name (its phrases read as phrases), one a Han character, the
    characters of NAME_READINGS read as in names; other runs of characters as they are."""
    from itertools import groupby

    from pypinyin import Style, pinyin

    out = []
    for han, chars in groupby(text, key=is_han):
        run = "".join(chars)
        if not han:
            out.append(run)
            continue
        syllables = [s[0] for s in pinyin(run, style=Style.TONE if tones else Style.NORMAL)]
        if len(syllables) != len(run):
            out.extend(syllables)
            continue
        out.extend(NAME_READINGS[c][0 if tones else 1] if c in NAME_READINGS else syl
                   for c, syl in zip(run, syllables))
    return out


def pinyin_of(text: str) -> str:
    """Toneless pinyin syllables, space-separated (the key of 'sounds alike')."""
    return " ".join(s for s in _name_syllables(to_simplified(text), tones=False) if s.strip())


def romanise(text: str) -> str:
    """Hanyu Pinyin with tone marks, in words as a reader writes them: Song Yun."""
    syllables = [s for s in _name_syllables(to_simplified(text), tones=True) if s.strip("·・ ")]
    if not syllables:
        return text
    return " ".join(s[:1].upper() + s[1:] for s in syllables)


def make_entry_id(kind: str, name: str, taken: set[str]) -> str:
    words = []
    for syl in _name_syllables(to_simplified(name), tones=False):
        words.extend(re.findall(r"[a-z0-9]+", syl.lower()))
    base = f"{ID_PREFIX[kind]}-" + ("".join(words)[:40] or "x")
    eid, k = base, 1
    while eid in taken:
        k += 1
        eid = f"{base}-{k}"
    return eid


def is_han_lang(lang: str | None) -> bool:
    return lang in ("zh-Hans", "zh-Hant")


@dataclass
class RegEntry:
    id: str
    kind: str
    names: list[str] = field(default_factory=list)   # the Chinese names, in document order
    #: names in Latin or Cyrillic letters that read as a name (Gorbitsa, Кяхта), not as a
    #: description (Sava Vladislavich (the 'Illyrian count'))
    latin: list[str] = field(default_factory=list)


class Register:
    def __init__(self, root, path: Path | None = None):
        self.root = root
        self.path = path
        self.entries: dict[str, RegEntry] = {}
        for kind, (entity_path, name_path) in ENTRY_PATHS.items():
            for ent in root.xpath(entity_path, namespaces=NS):
                eid = ent.get(XML_ID)
                if not eid:
                    continue
                entry = self.entries.setdefault(eid, RegEntry(eid, kind))
                for name in ent.xpath(name_path, namespaces=NS):
                    text = (name.text or "").strip()
                    if text and is_han_lang(_lang(name)) and text not in entry.names:
                        entry.names.append(text)
                    elif _LATIN_NAME.match(text) and _lang(name) != PINYIN_LANG and text not in entry.latin:
                        entry.latin.append(text)
        from .enrich import match_key

        self.words = {match_key(t) for t in self._list_terms("words")}
        self.rejected = {match_key(t) for t in self._list_terms("not-names")}

    @classmethod
    def load(cls, path: Path) -> "Register":
        return cls(parse_file(path).getroot(), path)

    @property
    def ids(self) -> set[str]:
        return set(self.root.xpath("//@xml:id"))

    def _list_terms(self, kind: str) -> list[str]:
        return [t.strip() for t in self.root.xpath(f"//tei:standOff/tei:list[@type='{kind}']/tei:item/tei:term/text()",
                                                    namespaces=NS)]

    def possible_duplicates(self) -> list[tuple[str, str, str]]:
        """Pairs of entries of one kind that have a name of the same pronunciation
        (toneless pinyin; 鄂爾懷圖 / 鄂尔怀图 / 鄂尔辉图 are caught only as far as pypinyin
        reads them alike): (first id, second id, the shared reading)."""
        seen: dict[tuple[str, str], str] = {}
        out: set[tuple[str, str, str]] = set()
        for entry in sorted(self.entries.values(), key=lambda e: e.id):
            for name in entry.names:
                sound = pinyin_of(name)
                other = seen.setdefault((entry.kind, sound), entry.id)
                if other != entry.id:
                    out.add((other, entry.id, sound))
        return sorted(out)

    # ------------------------------------------------------------ changes

    def add_names(self, eid: str, names: list[str]) -> int:
        """Add names (both scripts, and their romanisation) to an existing entry."""
        entry = self.entries[eid]
        el = element_of(self.root, eid)
        tag = NAME_TAG[entry.kind]
        container = el.find("tei:catDesc", NS) if entry.kind == "office" else el
        have = {(_lang(n), (n.text or "").strip()) for n in container.findall(f"tei:{tag}", NS)}
        added = 0
        for name in names:
            for lang, form in _forms(name):
                if (lang, form) in have:
                    continue
                new = E(tag, form, xml_lang=lang)
                if entry.kind in ("person", "place", "org"):
                    new.set("type", "variant")
                _insert_after_names(container, tag, new)
                have.add((lang, form))
                added += 1
                if is_han_lang(lang) and form not in entry.names:
                    entry.names.append(form)
        return added

    def add_entry(self, kind: str, eid: str, names: list[str], source: str = "") -> None:
        """A new entry: its first name is the main one."""
        tag = NAME_TAG[kind]
        children = []
        for i, name in enumerate(names):
            for lang, form in _forms(name):
                if any(c.get(XML_LANG) == lang and c.text == form for c in children):
                    continue
                attrs = {"xml_lang": lang}
                if kind in ("person", "place", "org"):
                    attrs["type_"] = "main" if not children else "variant"
                children.append(E(tag, form, **attrs))
        note = E("note", f"Added with treatytei names accept{': ' + source if source else ''}.", xml_lang="en")
        if kind == "office":
            el = E("category", E("catDesc", *children), E("catDesc", "An office or title.", xml_lang="en"),
                   xml_id=eid)
            parent = self._taxonomy()
        elif kind == "treaty":
            el = E("bibl", *children, note, xml_id=eid, type_="treaty")
            parent = self._list("listBibl", {"type": "treaties"})
        else:
            el = E({"person": "person", "place": "place", "org": "org"}[kind], *children, note, xml_id=eid)
            parent = self._list({"person": "listPerson", "place": "listPlace", "org": "listOrg"}[kind], {})
        _append_indented(parent, el)
        self.entries[eid] = RegEntry(eid, kind, [c.text for c in children if is_han_lang(c.get(XML_LANG))])

    def add_word(self, which: str, word: str) -> bool:
        """Record a word in the list ``words`` or ``not-names``; False if it is there."""
        from .enrich import match_key

        seen = self.words if which == "words" else self.rejected
        if match_key(word) in seen:
            return False
        terms = []
        for lang, form in _forms(word):
            if is_han_lang(lang) and not any(t.text == form for t in terms):
                terms.append(E("term", form, xml_lang=lang))
        _append_indented(self._list("list", {"type": which}), E("item", *terms))
        seen.add(match_key(word))
        return True

    def romanise_all(self) -> int:
        """Give every entry without one its romanisation (from its main Chinese name)."""
        n = 0
        for entry in self.entries.values():
            if not entry.names:
                continue
            el = element_of(self.root, entry.id)
            tag = NAME_TAG[entry.kind]
            container = el.find("tei:catDesc", NS) if entry.kind == "office" else el
            if container is None or container.xpath(f"tei:{tag}[@xml:lang='{PINYIN_LANG}']", namespaces=NS):
                continue
            new = E(tag, romanise(entry.names[0]), xml_lang=PINYIN_LANG)
            if entry.kind in ("person", "place", "org"):
                new.set("type", "variant")
            _insert_after_names(container, tag, new)
            n += 1
        return n

    def _list(self, tag: str, attrs: dict):
        stand = self.root.find("tei:standOff", NS)
        if stand is None:
            stand = E("standOff")
            _append_indented(self.root, stand)
        for el in stand.findall(f"tei:{tag}", NS):
            if all(el.get(k) == v for k, v in attrs.items()) and (tag != "listOrg" or el.get("type") != "parties"):
                return el
        el = E(tag, **attrs)
        _append_indented(stand, el)
        return el

    def _taxonomy(self):
        tax = self.root.xpath("//tei:taxonomy[@xml:id='offices']", namespaces=NS)
        if not tax:
            raise ValueError("the register has no taxonomy xml:id='offices'")
        return tax[0]


def _lang(el) -> str | None:
    found = el.xpath("ancestor-or-self::*[@xml:lang][1]/@xml:lang")
    return found[0] if found else None


def _forms(name: str) -> list[tuple[str, str]]:
    """A Chinese name in both scripts and in pinyin (a Latin or Cyrillic name as it is)."""
    if not any("\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0003134f" for c in name):
        return [("ru" if re.search("[\u0400-\u04ff]", name) else "en", name)]
    hans, hant = to_simplified(name), to_traditional(name)
    return [("zh-Hans", hans), ("zh-Hant", hant), (PINYIN_LANG, romanise(name))]


def _indent_of(el) -> str:
    """The whitespace before ``el`` (its previous sibling's tail, or its parent's text)."""
    prev = el.getprevious()
    ws = prev.tail if prev is not None else el.getparent().text
    return ws if ws and not ws.strip() else "\n"


def _append_indented(parent, el) -> None:
    """Append ``el`` as the last child of ``parent``, indented like its siblings."""
    kids = [c for c in parent if isinstance(c.tag, str)]
    if kids:
        step = _indent_of(kids[-1])
        last = parent[-1]
        closing = last.tail
        last.tail = step
        parent.append(el)
        el.tail = closing
    else:
        outer = _indent_of(parent) if parent.getparent() is not None else "\n"
        parent.text = outer + "  "
        parent.append(el)
        el.tail = outer
    _indent_children(el, (_indent_of(el) if el.getprevious() is not None else parent.text) or "\n")


def _indent_children(el, ws: str) -> None:
    kids = [c for c in el if isinstance(c.tag, str)]
    if not kids:
        return
    inner = ws + "  "
    el.text = inner
    for i, c in enumerate(kids):
        c.tail = inner if i < len(kids) - 1 else ws
        _indent_children(c, inner)


def _insert_after_names(container, tag: str, new) -> None:
    """Insert ``new`` after the last ``tag`` child of ``container``."""
    names = container.findall(f"tei:{tag}", NS)
    if not names:
        container.insert(0, new)
        new.tail = container.text
        return
    last = names[-1]
    new.tail = last.tail
    last.tail = _indent_of(last)
    last.addnext(new)


def element_of(root, eid: str) -> etree._Element | None:
    found = root.xpath("//*[@xml:id=$id]", id=eid)
    return found[0] if found else None
