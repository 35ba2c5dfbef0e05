"""The lossless check: is every character of a source that is not syntax in the TEI, in
order?

It is deliberately independent of the readers: it does not parse Markdown nor classify
Wikisource lines. It reduces the source to its *content characters* with a few
format-wide rules (for Markdown: link targets and titles, HTML tags and attribute values,
list numbers, ``-{``/``}-`` delimiters and backslashes are syntax; ASCII punctuation and
whitespace are not compared, since Markdown uses them as syntax), reduces the TEI's
``<text>`` (front, body, back; comments included) to the same kind of characters without
what the edition adds (its notes, gap descriptions, regularisations; a source's own
footnotes, ``<note place="foot">``, are the source's), and compares the two sequences.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass

from lxml import etree

from .tei import EDITORIAL, NS, local

ASCII_PUNCT = set(string.punctuation)

# Markdown syntax that carries no text of its own
_MD_FOOTDEF = re.compile(r"^ {0,3}\[\^[^\]\n]+\]:", re.M)   # [^label]: a footnote's label is syntax
_MD_LINK_LABEL = re.compile(r"\]\[[^\]\n]*\]")          # [text][label]: the label is syntax
_MD_LINK_TARGET = re.compile(r'\]\((?:<[^>]*>|(?:\\.|[^()\s\\]|\([^()\s]*\))*)(?:\s+(?:"(?:\\.|[^"\\])*"|\'[^\']*\'|\([^()]*\)))?\s*\)')
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>")
_MD_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
# the tags of the HTML elements Markdown articles use for layout are syntax; others
# (<script>, say) are text of the source
_HTML_LAYOUT = ("a|b|i|u|s|em|strong|sup|sub|small|big|br|p|div|span|table|thead|tbody|tfoot|tr|td|th|ul|ol|"
                "li|img|code|tt|kbd|samp|del|ins|strike|center|blockquote|pre|h[1-6]|dl|dt|dd|font|abbr|cite|"
                "wbr|hr|caption|colgroup|col")
_MD_TAG = re.compile(rf"</?(?:{_HTML_LAYOUT})(?![A-Za-z0-9])(?:\s+[^<>]*?)?/?>", re.S | re.I)
_MD_ORDERED = re.compile(r"^(\s*(?:>\s*)*)\d{1,9}[.)](?=\s|$)", re.M)
_MD_CONVERSION = re.compile(r"-\{|\}-")
_MD_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_MD_REFDEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:\s*\S+(?:\s+\"[^\"\n]*\")?\s*$", re.M)
_MD_FENCE_INFO = re.compile(r"^(\s*(?:```|~~~)+)[^\n`]*$", re.M)


def _keep(c: str) -> bool:
    return not c.isspace() and c not in ASCII_PUNCT


def source_chars(text: str, fmt: str) -> str:
    """The characters of a source that must be in its TEI, in order."""
    if fmt == "wikipedia-markdown":
        s = _MD_REFDEF.sub("", text)
        s = _MD_FENCE_INFO.sub(r"\1", s)
        s = _MD_LINK_LABEL.sub("]", s)      # before the targets go: [a](u)[b] must stay two links
        s = _MD_FOOTDEF.sub("", s)
        s = _MD_LINK_TARGET.sub("]", s)
        s = _MD_AUTOLINK.sub(r"\1", s)
        s = _MD_COMMENT.sub(lambda m: " " + m.group(1) + " ", s)
        s = _MD_TAG.sub(" ", s)
        s = _MD_ORDERED.sub(r"\1", s)
        s = _MD_CONVERSION.sub("", s)
        s = _MD_ESCAPE.sub("", s)
        s = html.unescape(s)
        return "".join(c for c in s if _keep(c))
    return "".join(c for c in text if not c.isspace())


def tei_chars(root: etree._Element, fmt: str) -> str:
    """The source characters a TEI document holds in its <text>, in order."""
    parts: list[str] = []
    for text_el in root.iterfind("tei:text", NS):
        _collect(text_el, parts)
    s = "".join(parts)
    if fmt == "wikipedia-markdown":
        return "".join(c for c in s if _keep(c))
    return "".join(c for c in s if not c.isspace())


def _collect(el, parts: list[str]) -> None:
    if isinstance(el, etree._Comment):
        parts.append(" " + (el.text or "") + " ")
        return
    if not isinstance(el.tag, str):
        return
    name = local(el)
    if name in EDITORIAL and not (name == "note" and el.get("place") == "foot"):
        return
    parts.append(el.text or "")
    for child in el:
        _collect(child, parts)
        parts.append(child.tail or "")


@dataclass
class Mismatch:
    position: int          # index into the source's content characters
    source: str            # what the source has there (a few characters of context)
    tei: str               # what the TEI has there

    def describe(self) -> str:
        return (f"content character {self.position}: the source has {self.source!r}, "
                f"the TEI has {self.tei!r}")


def check(text: str, root: etree._Element, fmt: str) -> Mismatch | None:
    """None when the TEI holds exactly the source's content characters, in order; else
    the first place where they part."""
    a, b = source_chars(text, fmt), tei_chars(root, fmt)
    if a == b:
        return None
    k = 0
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            break
    else:
        k = min(len(a), len(b))
    return Mismatch(k, a[max(0, k - 8):k + 12], b[max(0, k - 8):k + 12])
