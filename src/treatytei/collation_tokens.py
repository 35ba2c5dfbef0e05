"""Collation, part 1: a witness's text as sections of tokens.

Each article (and the preamble) of a witness is a Section, keyed by what it is
(('preamble', 0) or ('article', n) from the div's @n, which the readers take from the
heading or the article's numeral -- so an excerpt's 第三条 is article 3), whatever its
place in the witness. Its text is a stream of tokens: one per character, and one per
tagged name or date (persName, placeName, orgName, roleName, title, date), so that a
name moves as a unit and a transliteration variant is one <app>. Article numerals
(<label>) are kept aside and compared on their own; editorial matter is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from .chinese import PUNCT_CLASS, is_punct, script_normal
from .enrich import match_key
from .tei import EDITORIAL, NS, XML_ID, E, local

UNIT_TAGS = {"persName", "placeName", "orgName", "roleName", "title", "date"}


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
    numbered: bool = True      # False: the witness numbers nothing; the key is its order


def section_key(div) -> tuple:
    """The key of a preamble or article div, in a witness or in the apparatus:
    ('preamble', 0) or ('article', n)."""
    return ("preamble", 0) if div.get("type") == "preamble" else ("article", int(div.get("n")))


def sections(root) -> list[Section]:
    """The witness's preamble and articles; a text that numbers no articles gives its
    text divisions in order as articles 1, 2 ... (numbered=False), to be placed by their
    text when collated."""
    out = []
    divs = root.xpath("//tei:body/tei:div[@type='preamble' or @type='article']", namespaces=NS)
    if not divs:
        for n, div in enumerate(root.xpath("//tei:body/tei:div[@type='text']", namespaces=NS), 1):
            toks: list[Tok] = []
            open_end = False
            for p in div.xpath(".//tei:p", namespaces=NS):
                _tokens(p, toks)
                if p.xpath(".//tei:gap[@reason='untranscribed']", namespaces=NS):
                    open_end = True
            if any(not t.punct for t in toks):
                out.append(Section(("article", n), div.get(XML_ID), None, toks, open_end, None, numbered=False))
        return out
    for div in divs:
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
        key = section_key(div)
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
            elif name not in EDITORIAL and name != "label" and not (name == "ref" and child.get("type") == "noteref"):
                _tokens(child, toks)     # (a footnote's mark is no word of the witness)
        if child.tail:
            toks.extend(_char_tok(c) for c in child.tail)


def token_key(toks, which) -> tuple:
    """The tokens' keys of one kind: "strict" (the character up to script) or "loose"
    (variant characters and punctuation of one function also equal)."""
    return tuple(getattr(t, which) for t in toks)
