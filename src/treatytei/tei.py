"""The TEI document model shared by every step: namespace, building, safe parsing,
deterministic serialisation, and the "original reading" view of a text.
"""

from __future__ import annotations

import copy
import re

from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from .errors import TreatyError
from .fileio import read_bytes

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {None: TEI_NS}
NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

SCHEMA_RNG = "schema/treatytei.rng"
SCHEMA_SCH = "schema/treatytei.sch"


def q(name: str) -> str:
    """Clark name of a TEI element: q('div') -> '{http://www.tei-c.org/ns/1.0}div'."""
    return f"{{{TEI_NS}}}{name}"


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


#: an empty element of each name made so far: copying one is three times faster than
#: making an element with its namespace map
_BLANK: dict[str, etree._Element] = {}


def E(name: str, *children, **attrs) -> etree._Element:
    """Build a TEI element. Keyword ``xml_id``/``xml_lang`` map to xml:id/xml:lang;
    a trailing underscore is dropped (``type_``); ``None`` values are skipped.
    Children may be strings (text) or elements."""
    blank = _BLANK.get(name)
    if blank is None:
        blank = _BLANK[name] = etree.Element(q(name), nsmap=NSMAP)
    el = copy.copy(blank)
    if not attrs:
        append(el, *children)
        return el
    for key, value in attrs.items():
        if value is None:
            continue
        if key == "xml_id":
            key = XML_ID
        elif key == "xml_lang":
            key = XML_LANG
        else:
            key = key.rstrip("_").replace("__", "-")
        el.set(key, str(value))
    append(el, *children)
    return el


def append(el: etree._Element, *children) -> etree._Element:
    for child in children:
        if child is None:
            continue
        if isinstance(child, str):
            if len(el):
                el[-1].tail = (el[-1].tail or "") + child
            else:
                el.text = (el.text or "") + child
        elif isinstance(child, (list, tuple)):
            append(el, *child)
        else:
            el.append(child)
    return el


def iri(url: str) -> str:
    """A link target as a valid IRI: characters URIs do not allow (space, brackets,
    quotes, controls ...) percent-encoded; letters of any script kept as they are."""
    out = []
    for c in url:
        if c in ' "<>[]{}|\\^`' or ord(c) < 0x21 or ord(c) == 0x7f:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8")))
        else:
            out.append(c)
    return "".join(out)


def xml_model_pis(rel_to_root: str = "..") -> list[etree._Element]:
    """The processing instructions that let oXygen / VS Code validate while editing."""
    rng = f"{rel_to_root}/{SCHEMA_RNG}"
    sch = f"{rel_to_root}/{SCHEMA_SCH}"
    return [
        etree.ProcessingInstruction(
            "xml-model",
            f'href="{rng}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"',
        ),
        etree.ProcessingInstruction(
            "xml-model",
            f'href="{sch}" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"',
        ),
    ]


#: Elements whose content is element-only in this edition: indented on output.
#: Everything else may hold text, where added whitespace would change the text.
STRUCTURAL = {
    "TEI", "teiHeader", "fileDesc", "titleStmt", "respStmt", "publicationStmt", "availability",
    "notesStmt", "sourceDesc", "bibl", "relatedItem", "listWit", "witness", "encodingDesc",
    "projectDesc", "editorialDecl", "normalization", "interpretation", "classDecl", "taxonomy",
    "category", "profileDesc", "creation", "langUsage", "particDesc", "listOrg", "org",
    "listPerson", "person", "listPlace", "place", "location", "listBibl", "calendarDesc",
    "calendar", "textClass", "keywords", "revisionDesc", "text", "body", "div", "list", "table",
    "row", "standOff", "quote", "front", "back",
}


def indent(el: etree._Element, level: int = 0) -> None:
    """Indent element-only content (two spaces a level); never touch elements that
    may hold text, nor any element holding non-whitespace text."""
    children = list(el)
    if not children or local(el) not in STRUCTURAL:
        return
    if (el.text and el.text.strip()) or any(c.tail and c.tail.strip() for c in children):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for c in children:
        c.tail = pad
        if isinstance(c.tag, str):
            indent(c, level + 1)
    children[-1].tail = "\n" + "  " * level


def serialise(root: etree._Element, pis: Iterable[etree._Element] | None = None) -> bytes:
    """Deterministic UTF-8 serialisation: XML declaration, the xml-model PIs, then the
    document element (any processing instructions around it in a parsed tree are
    replaced), element-only content indented (see STRUCTURAL), ending in a newline."""
    if pis is None:
        pis = xml_model_pis()
    indent(root)
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, with_tail=False)
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    for pi in pis:
        head += etree.tostring(pi, encoding="UTF-8") + b"\n"
    return head + body.rstrip(b"\n") + b"\n"


# ---------------------------------------------------------------- safe parsing

#: Limits for untrusted XML: no DTD loading, no entity expansion, no network.
def safe_parser(**extra) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
        **extra,
    )


def parse_file(path: Path, expect_tei: bool = True) -> etree._ElementTree:
    """Parse an XML file from anywhere, safely. Rejects DTDs with entity
    declarations (billion laughs, XXE) before expansion, non-XML, and -- when
    ``expect_tei`` -- a root that is not ``TEI`` in the TEI namespace."""
    check_size(path)
    return parse_bytes(read_bytes(path), path, expect_tei=expect_tei)


_BOMS = [(b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")]
_NO_BOM = [(b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<\x00?", "utf-16-be"),
           (b"<\x00?\x00", "utf-16-le")]
_DECL_RE = re.compile(r"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECL_ANY_RE = re.compile(r"^<\?xml\s[^>]*\?>")
#: markup that brings a DTD, entities or outside files into a document: never accepted
_UNSAFE_RE = re.compile(r"<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST", re.I)
#: the largest XML file the toolkit reads: parsed, a file takes some ten times its size in
#: memory, and every step keeps a build within 2 GiB (an edition's file is a few kB to a
#: few MB; a larger one should be split)
MAX_XML_BYTES = 64 * 1024 * 1024


def decode_xml(data: bytes, path) -> str:
    """The text of an XML file in any encoding it may be in (UTF-8/16/32, with or
    without a byte order mark, declared or not), checked: DTDs and entity declarations
    are refused here, before any parser sees them -- in whatever encoding they hide."""
    enc = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            enc, data = name, data[len(bom):]
            break
    if enc is None:
        for start, name in _NO_BOM:
            if data.startswith(start):
                enc = name
                break
    if enc is None:
        m = _DECL_RE.match(data[:200].decode("latin-1"))
        enc = m.group(1).lower() if m else "utf-8"
    try:
        text = data.decode(enc)
    except LookupError:
        raise TreatyError(path, f"unknown encoding '{enc}' declared") from None
    except UnicodeDecodeError as exc:
        raise TreatyError(path, f"not valid {enc.upper()} at byte {exc.start}") from None
    m = _UNSAFE_RE.search(text)
    if m:
        kind = ("entity declarations" if re.search("<!ENTITY", text, re.I)
                else f"a {m.group(0)[2:].upper()} declaration")
        raise TreatyError(path, f"contains {kind}: refused (DTDs and entities are not allowed in TEI files here)")
    return text


def safe_xml_bytes(data: bytes, path) -> bytes:
    """The file as UTF-8 bytes whose XML declaration (if any) says UTF-8: what every
    parser of the toolkit -- lxml and Saxon alike -- is given, never the file itself."""
    text = decode_xml(data, path)
    text = _DECL_ANY_RE.sub(lambda m: re.sub(r"""\sencoding\s*=\s*["'][^"']*["']""", ' encoding="UTF-8"', m.group(0)),
                            text, count=1)
    return text.encode("utf-8")


_XML_ID_ATTR = re.compile(r"""\sxml:id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NOT_TAGS = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)
_START_TAG = re.compile(r"""<[^\s/!?<>"']+(?:\s+[^\s=/<>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_NCNAME = re.compile(r"^[^\W\d.\-·][\w.\-·\u0300-\u036f\u203f\u2040]*$")


def check_ids_for_saxon(text: str, path) -> None:
    """Saxon aborts the whole process (not an exception) on an xml:id that is not a
    name, such as xml:id="": such a file is refused first, with the offending value."""
    # only in start tags: not in comments, CDATA, processing instructions or text
    masked = _NOT_TAGS.sub(lambda m: " " * len(m.group(0)), text)
    for tag in _START_TAG.finditer(masked):
        for m in _XML_ID_ATTR.finditer(tag.group(0)):
            value = m.group(1) if m.group(1) is not None else m.group(2)
            # as a parser reads it: line ends and tabs are spaces, and xml:id is trimmed
            value = " ".join(value.split())
            if not _NCNAME.match(value) or ":" in value:
                line = text.count("\n", 0, tag.start()) + 1
                raise TreatyError(f"{path}:{line}:1", f"xml:id {value!r} is not a valid name (an XML name: a "
                                  "letter or _ first, no spaces or colons)")


def check_size(path: Path) -> None:
    """Refuse, before reading it, a file too large to be parsed within the memory a
    build may use."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return      # reading it says what is wrong
    if size > MAX_XML_BYTES:
        raise TreatyError(path, f"{size / 2**20:.0f} MB: larger than the {MAX_XML_BYTES // 2**20} MB an XML file may "
                          "have here (parsed, it would not fit in the memory a build may use); split it")


#: the contents (by SHA-256) found fit for Saxon in this process: a content hash never
#: goes stale, so nothing ever needs clearing
_SAXON_FIT: set[str] = set()


def check_for_saxon(path: Path) -> None:
    """Before a stylesheet reads ``path`` with doc(): the file must be what the hardened
    decoding accepts (no DTD, no entities, in any encoding) and in UTF-8, so that Saxon
    reads exactly the text that was checked."""
    from .fileio import file_sha256

    check_size(path)
    try:
        digest = file_sha256(path)
    except (TreatyError, OSError):
        digest = None
    if digest in _SAXON_FIT:
        return
    _check_for_saxon(path)
    if digest:
        _SAXON_FIT.add(digest)


def _check_for_saxon(path: Path) -> None:
    data = read_bytes(path)
    check_ids_for_saxon(decode_xml(data, path), path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"<\x00")) or (
            (m := _DECL_RE.match(data[:200].decode("latin-1"))) and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8")):
        raise TreatyError(path, "is not in UTF-8: the toolkit reads it, but publishing needs UTF-8 (save it as UTF-8)")


def parse_bytes(data: bytes, path, expect_tei: bool = True) -> etree._ElementTree:
    if not data.strip():
        raise TreatyError(path, "empty file, not XML")
    if len(data) > MAX_XML_BYTES:
        raise TreatyError(path, f"{len(data) // (1024 * 1024)} MB: larger than the {MAX_XML_BYTES // (1024 * 1024)} MB "
                          "an XML file may have here (split it)")
    data = safe_xml_bytes(data, path)
    try:
        tree = etree.fromstring(data, safe_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        msg = exc.msg or str(exc)
        raise TreatyError(f"{path}:{line}:{col}", f"not well-formed XML: {msg}") from None
    root = tree.getroot()
    if expect_tei:
        ns, _, name = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
        if name != "TEI" and name != "teiCorpus":
            raise TreatyError(path, f"root element is <{name or root.tag}>, expected <TEI>")
        if ns != TEI_NS:
            shown = ns or "no namespace"
            raise TreatyError(path, f"root element <{name}> is in {shown}, expected the TEI namespace {TEI_NS}")
    return tree


# ------------------------------------------------------ the original-reading view

#: Elements whose content the edition adds (never part of a source's text).
EDITORIAL = {"note", "gap", "desc", "supplied", "corr", "reg", "expan", "witDetail", "lacunaStart", "lacunaEnd"}


def original_text(el: etree._Element) -> str:
    """The source's own characters inside ``el``: text of every descendant except
    what the edition added (editorial notes, gap descriptions, corrections and
    regularisations; inside <choice> the <sic>/<orig> side is kept). ``el`` itself
    is always read, whatever its name."""
    parts: list[str] = [el.text or ""]
    for child in el:
        _collect(child, parts)
        parts.append(child.tail or "")
    return "".join(parts)


def _collect(el, parts) -> None:
    if not isinstance(el.tag, str) or local(el) in EDITORIAL:
        return
    parts.append(el.text or "")
    for child in el:
        _collect(child, parts)
        parts.append(child.tail or "")


def body_blocks(root: etree._Element) -> Iterator[str]:
    """One string per block (head, p, list item, table cell) of the body, in order,
    holding only the source's own characters. Used by the lossless check."""
    body = root.find(".//tei:text/tei:body", NS)
    if body is None:
        return
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        name = local(el)
        if name in ("p", "head", "item", "cell") and not _inside_block(el):
            yield original_text(el)


def _inside_block(el) -> bool:
    parent = el.getparent()
    while parent is not None:
        if local(parent) in ("p", "head", "item", "cell", "note"):
            return True
        parent = parent.getparent()
    return False
