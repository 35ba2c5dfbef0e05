"""Header parts every converted file shares: publication, responsibility,
encoding description and revision history. Kept in one place so that the readers
differ only in what they read."""

from __future__ import annotations

from lxml import etree

from . import __version__
from .chinese import char_class, script_runs
from .manifest import Source
from .tei import E, XML_LANG, local

PUBLISHER = "The treatytei project"
ENCODING_LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
#: The date of this release of the edition: fixed so that output is reproducible.
EDITION_DATE = "2026-11-21"


def resp_stmts() -> list[etree._Element]:
    return [
        E("respStmt", E("resp", "conversion from the source file and TEI encoding", xml_lang="en"),
          E("name", "treatytei toolkit " + __version__)),
        E("respStmt", E("resp", "named-entity and date markup, collation", xml_lang="en"),
          E("name", "treatytei toolkit " + __version__)),
        E("respStmt", E("resp", "editorial review and correction of the TEI", xml_lang="en"),
          E("name", "treatytei editors")),
    ]


def file_desc(source: Source, title: str, subtitle: str, notes, bibl) -> etree._Element:
    """The fileDesc of a converted source: titles, responsibilities, publication,
    notes about the source (optional), and the source's description."""
    return E("fileDesc",
             E("titleStmt", E("title", title, type_="main"), E("title", subtitle, type_="sub", xml_lang="en"),
               *resp_stmts()),
             publication_stmt(source),
             notes,
             E("sourceDesc", bibl))


def publication_stmt(source: Source) -> etree._Element:
    return E(
        "publicationStmt",
        E("publisher", PUBLISHER),
        E("date", EDITION_DATE, when=EDITION_DATE),
        E("idno", source.id, type_="treatytei"),
        E(
            "availability",
            E("licence", f"Source text: {source.licence}.", xml_lang="en"),
            E("licence", "TEI encoding: CC BY-SA 4.0.", target=ENCODING_LICENCE_URL, xml_lang="en"),
            status="free",
        ),
    )


def encoding_desc(source: Source, extra: list | None = None) -> etree._Element:
    desc = [
        E("p", f"Converted by treatytei {__version__} from sources/{source.file.name} (format "
          f"'{source.format}'). Every character of the source is kept: punctuation (including "
          "ASCII ',', ';' and ':' beside full-width marks), mixed scripts and evident slips are "
          "encoded as found; the edition's additions are in <note>, <gap> and the header.",
          xml_lang="en"),
        E("p", "Runs of characters in the other script than the document's are marked "
          "<seg xml:lang=\"zh-Hant\"> or <seg xml:lang=\"zh-Hans\"> (OpenCC character classes).",
          xml_lang="en"),
    ]
    desc.extend(extra or [])
    return E("encodingDesc", E("projectDesc", *desc))


def revision_desc(source: Source, digest: str) -> etree._Element:
    return E(
        "revisionDesc",
        E("change",
          f"Converted from sources/{source.file.name} (sha256 {digest}) by treatytei {__version__}.",
          when=EDITION_DATE, xml_lang="en"),
        status="published",
    )


def lang_usage() -> etree._Element:
    return E(
        "langUsage",
        E("language", "Chinese, simplified characters", ident="zh-Hans"),
        E("language", "Chinese, traditional characters", ident="zh-Hant"),
        E("language", "English (editorial matter)", ident="en"),
    )


#: Elements that hold text only in this edition's schema: a run in the other script
#: inside them can set their @xml:lang (when it fills them) but gets no <seg>.
TEXT_ONLY = {"term", "resp", "name", "publisher", "licence", "idno", "language", "orgName", "persName",
             "placeName", "desc", "extent"}


def mark_scripts(el: etree._Element, outer: str) -> None:
    """Mark runs in the other script inside ``el`` (an element with ``outer``
    script 'Hans'/'Hant'): a run filling a text-only element sets its
    @xml:lang; any other run is wrapped in <seg xml:lang>."""
    lang = {"Hans": "zh-Hans", "Hant": "zh-Hant"}
    if local(el) == "ref" and (el.text or "").startswith(("http:", "https:")):
        return  # a URL shown as text is not in either script
    own = el.get(XML_LANG)
    if own in ("zh-Hans", "zh-Hant"):
        outer = "Hans" if own == "zh-Hans" else "Hant"
    if len(el) == 0 and el.text and local(el) not in ("seg",):
        # a text-only element wholly in the other script gets @xml:lang itself
        classes = {char_class(c) for c in el.text}
        other_cls, own_cls = ("T", "S") if outer == "Hans" else ("S", "T")
        if other_cls in classes and own_cls not in classes:
            el.set(XML_LANG, lang["Hant" if outer == "Hans" else "Hans"])
            return
    for child in list(el):
        if isinstance(child.tag, str):
            mark_scripts(child, outer)
    if local(el) in TEXT_ONLY:
        return
    _wrap_text(el, "text", outer, lang)
    for child in list(el):
        if child.tail and isinstance(child.tag, str):
            _wrap_text(child, "tail", outer, lang)


def _wrap_text(node, which, outer, lang) -> None:
    text = getattr(node, which)
    if not text:
        return
    runs = script_runs(text, outer)
    if not runs:
        return
    pieces = []
    pos = 0
    for a, b, script in runs:
        pieces.append(text[pos:a])
        pieces.append(E("seg", text[a:b], xml_lang=lang[script]))
        pos = b
    rest = text[pos:]
    segs = pieces[1::2]
    for k, seg in enumerate(segs):
        seg.tail = pieces[2 + 2 * k] if 2 + 2 * k < len(pieces) else ""
    segs[-1].tail = (segs[-1].tail or "") + rest
    # one slice assignment: inserting the runs one at a time is quadratic in their number
    if which == "text":
        node.text = pieces[0]
        node[0:0] = segs
    else:
        parent = node.getparent()
        idx = parent.index(node)
        node.tail = pieces[0]
        parent[idx + 1:idx + 1] = segs
