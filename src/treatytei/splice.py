"""Minimal edits to an XML file a person may have written.

A step that adds markup to an existing TEI file (enrichment) changes the parsed tree;
serialising that tree would rewrite the whole file: comments and processing
instructions outside the root dropped, CDATA and character references turned into
plain text, attribute quoting and whitespace normalised. ``rewrite`` instead writes the
new tree as the old file's bytes with only the additions spliced in: every original
start tag, end tag, comment, processing instruction and text run is copied from the
file as it was (character references, CDATA and all); only new elements and new
attributes are written anew.

It checks its own work: the spliced file is parsed again and must be the same
document as the changed tree (canonical XML). Where that cannot be done (a boundary
inside a CDATA section, a removed attribute, a prefix it cannot find), it says so and the
caller falls back to a full serialisation -- and keeps a backup.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from lxml import etree

from .tei import TEI_NS, parse_bytes

_BOMS = [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
_NO_BOM = [(b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<\x00?", "utf-16-be"),
           (b"<\x00?\x00", "utf-16-le")]
_DECL_ENC = re.compile(r"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

_NAME = r"[^\s/>=<!?\"']+"
_ATTR = r"""\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_TOKEN = re.compile(
    r"(?P<comment><!--.*?-->)|(?P<pi><\?.*?\?>)|(?P<cdata><!\[CDATA\[.*?\]\]>)"
    rf"|(?P<end></(?P<ename>{_NAME})\s*>)|(?P<start><(?P<sname>{_NAME})(?:{_ATTR})*\s*(?P<empty>/?)>)",
    re.S)
_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class Unsplicable(Exception):
    """The additions cannot be spliced into the file's bytes: serialise instead."""


def _encoding(raw: bytes) -> tuple[bytes, str]:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return bom, name
    for start, name in _NO_BOM:
        if raw.startswith(start):
            return b"", name
    m = _DECL_ENC.match(raw[:200].decode("latin-1"))
    return b"", (m.group(1).lower() if m else "utf-8")


class _Scanned:
    """One element, comment or PI of the file: where its tags are, and the raw pieces
    of its text (elements only) and of its tail."""
    __slots__ = ("kind", "name", "start", "end", "empty", "text", "tail")

    def __init__(self, kind, name, start):
        self.kind, self.name, self.start = kind, name, start
        self.end = None
        self.empty = False
        self.text: list[tuple[int, int, bool]] = []     # (raw start, raw end, is CDATA)
        self.tail: list[tuple[int, int, bool]] = []


def _scan(t: str, root_start: int) -> tuple[list[_Scanned], int]:
    """The nodes inside the root element, in document order, and where the root ends."""
    nodes: list[_Scanned] = []
    stack: list[_Scanned] = []
    slot: list | None = None
    pos = root_start
    while True:
        m = _TOKEN.search(t, pos)
        if m is None:
            raise Unsplicable("unterminated markup")
        if m.start() > pos and slot is not None:
            slot.append((pos, m.start(), False))
        elif m.start() > pos and t[pos:m.start()].strip():
            raise Unsplicable("text outside the root")
        pos = m.end()
        if m.group("cdata"):
            if slot is None:
                raise Unsplicable("CDATA outside the root")
            slot.append((m.start(), m.end(), True))
            continue
        if m.group("comment") or m.group("pi"):
            if not stack:
                raise Unsplicable("comment before the root")
            n = _Scanned("comment" if m.group("comment") else "pi", None, (m.start(), m.end()))
            nodes.append(n)
            slot = n.tail
            continue
        if m.group("start"):
            n = _Scanned("element", m.group("sname"), (m.start(), m.end()))
            nodes.append(n)
            if m.group("empty"):
                n.empty = True
                n.end = (m.end(), m.end())
                if not stack:
                    return nodes, m.end()
                slot = n.tail
            else:
                stack.append(n)
                slot = n.text
            continue
        # an end tag
        if not stack or stack[-1].name != m.group("ename"):
            raise Unsplicable("tags do not nest")
        n = stack.pop()
        n.end = (m.start(), m.end())
        if not stack:
            return nodes, m.end()
        slot = n.tail


def _chars(t: str, pieces: list[tuple[int, int, bool]]) -> tuple[str, list[tuple[int, int]]]:
    """The text of raw pieces as a parser reads it, and for each character the raw span
    that may be cut around it (a CDATA section is one unit: its bounds, or no cut)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for a, b, cdata in pieces:
        if cdata:
            body = t[a + 9:b - 3].replace("\r\n", "\n").replace("\r", "\n")
            for k, c in enumerate(body):
                out.append(c)
                # the first character may be cut before the section, the last after it;
                # any other cut falls inside it
                spans.append((a if k == 0 else -1, b if k == len(body) - 1 else -1))
            continue
        i = a
        while i < b:
            c = t[i]
            if c == "&":
                j = t.index(";", i, b)
                ref = t[i + 1:j]
                if ref.startswith("#x"):
                    ch = chr(int(ref[2:], 16))
                elif ref.startswith("#"):
                    ch = chr(int(ref[1:]))
                elif ref in _REFS:
                    ch = _REFS[ref]
                else:
                    raise Unsplicable(f"entity &{ref};")
                out.append(ch)
                spans.append((i, j + 1))
                i = j + 1
            elif c == "\r":
                n = 2 if t[i + 1:i + 2] == "\n" else 1
                out.append("\n")
                spans.append((i, i + n))
                i += n
            else:
                out.append(c)
                spans.append((i, i + 1))
                i += 1
    return "".join(out), spans


class _Text:
    """The file's text runs in document order, addressable by character offset."""

    def __init__(self, t: str):
        self.t = t
        self.starts: list[int] = []
        self.runs: list[tuple[str, list]] = []
        self.length = 0

    def add(self, text: str, spans: list) -> None:
        self.starts.append(self.length)
        self.runs.append((text, spans))
        self.length += len(text)

    def raw(self, g0: int, g1: int) -> str:
        if g0 == g1:
            return ""
        k = bisect.bisect_right(self.starts, g0) - 1
        text, spans = self.runs[k]
        l0, l1 = g0 - self.starts[k], g1 - self.starts[k]
        if l1 > len(text):
            raise Unsplicable("a text run the change moved across markup")
        a, b = spans[l0][0], spans[l1 - 1][1]
        if a < 0 or b < 0:
            raise Unsplicable("a cut inside a CDATA section")
        return self.t[a:b]


def _escape_attr(v: str) -> str:
    return (v.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;"))


def _qname(el, tag: str) -> str:
    ns, _, localname = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if tag.startswith("{http://www.w3.org/XML/1998/namespace}"):
        return "xml:" + localname
    if not ns:
        if None in (el.nsmap or {}) :
            raise Unsplicable("an element in no namespace under a default namespace")
        return localname
    scope = el.nsmap or {}
    if scope.get(None) == ns:
        return localname
    for prefix, uri in scope.items():
        if uri == ns and prefix:
            return f"{prefix}:{localname}"
    raise Unsplicable(f"no prefix for {ns}")


def _aname(el, name: str) -> str:
    """An attribute's name as written: no namespace is no prefix (attributes are not in
    the default namespace)."""
    return name if not name.startswith("{") else _qname(el, name)


def rewrite(raw: bytes, path, change: Callable[[etree._Element], object]) -> tuple[bytes, object, bool]:
    """Apply ``change`` (a function that adds markup to the root) to the file's
    document. Returns (new bytes, what ``change`` returned, spliced): spliced False means
    the additions could not be spliced into the original bytes and the bytes are a full
    serialisation of the changed tree."""
    from .tei import serialise

    tree = parse_bytes(raw, path)
    root = tree.getroot()
    originals = list(root.iter())
    index = {n: i for i, n in enumerate(originals)}
    attrs = [dict(n.attrib) if isinstance(n.tag, str) else None for n in originals]
    try:
        plan = _prepare(raw, root, originals)
    except (Unsplicable, ValueError, UnicodeDecodeError):
        plan = None
    result = change(root)
    if plan is not None:
        try:
            data = _emit(plan, root, index, attrs)
            again = parse_bytes(data, path).getroot()
            if etree.tostring(again, method="c14n") == etree.tostring(root, method="c14n"):
                return data, result, True
        except (Unsplicable, ValueError, UnicodeError):
            pass
        except Exception as exc:     # a parse error of the spliced bytes: never written
            if exc.__class__.__name__ != "TreatyError":
                raise
    return serialise(root), result, False


class _Plan:
    __slots__ = ("bom", "enc", "t", "nodes", "root_start", "root_end", "text")


def _prepare(raw: bytes, root, originals) -> _Plan:
    bom, enc = _encoding(raw)
    t = raw[len(bom):].decode(enc)
    m = re.search(r"<[^!?]", t)
    # the root's start tag: the first tag that is not a comment, PI or declaration
    pos = 0
    while True:
        m = _TOKEN.search(t, pos)
        if m is None:
            raise Unsplicable("no root")
        if m.group("start"):
            root_start = m.start()
            break
        if m.group("end") or m.group("cdata"):
            raise Unsplicable("odd prolog")
        pos = m.end()
    nodes, root_end = _scan(t, root_start)
    if len(nodes) != len(originals):
        raise Unsplicable("the scan and the parser disagree")
    text = _Text(t)
    for sn, n in zip(nodes, originals):
        if sn.kind == "element":
            if not isinstance(n.tag, str) or etree.QName(n).localname != sn.name.rpartition(":")[2]:
                raise Unsplicable("the scan and the parser disagree")
        elif isinstance(n.tag, str):
            raise Unsplicable("the scan and the parser disagree")
    # the text runs in the order the tree holds them: text, children, tail
    by_node = dict(zip(map(id, originals), nodes))
    keep = originals   # the proxies stay alive while ids are used

    def walk(n):
        sn = by_node[id(n)]
        if sn.kind == "element":
            s, spans = _chars(t, sn.text)
            if s != (n.text or ""):
                raise Unsplicable("text differs")
            text.add(s, spans)
            for c in n:
                walk(c)
        s, spans = _chars(t, sn.tail)
        if n is not root and s != (n.tail or ""):
            raise Unsplicable("tail differs")
        if n is not root:
            text.add(s, spans)

    walk(root)
    del keep
    plan = _Plan()
    plan.bom, plan.enc, plan.t, plan.nodes = bom, enc, t, nodes
    plan.root_start, plan.root_end, plan.text = root_start, root_end, text
    return plan


def _emit(plan: _Plan, root, index: dict, attrs: list) -> bytes:
    t = plan.t
    out: list[str] = [t[:plan.root_start]]
    cursor = [0]

    def text(s: str | None):
        if s:
            out.append(plan.text.raw(cursor[0], cursor[0] + len(s)))
            cursor[0] += len(s)

    def node(n):
        i = index.get(n)
        if i is None:
            if not isinstance(n.tag, str):
                raise Unsplicable("a new comment or PI")
            q = _qname(n, n.tag)
            at = "".join(f' {_aname(n, k)}="{_escape_attr(v)}"' for k, v in n.attrib.items())
            out.append(f"<{q}{at}>")
            text(n.text)
            for c in n:
                node(c)
            out.append(f"</{q}>")
        else:
            sn = plan.nodes[i]
            if sn.kind != "element":
                out.append(t[sn.start[0]:sn.start[1]])
            else:
                start = t[sn.start[0]:sn.start[1]]
                before = attrs[i]
                now = dict(n.attrib)
                if now != before:
                    if any(k not in now or now[k] != v for k, v in before.items()):
                        raise Unsplicable("an attribute changed or removed")
                    added = "".join(f' {_aname(n, k)}="{_escape_attr(v)}"' for k, v in now.items() if k not in before)
                    cut = len(start) - (2 if start.endswith("/>") else 1)
                    start = start[:cut].rstrip() + added + start[cut:]
                has_content = bool(n.text) or len(n)
                if sn.empty and has_content:
                    start = start[:-2].rstrip() + ">"
                out.append(start)
                text(n.text)
                for c in n:
                    node(c)
                if sn.empty:
                    if has_content:
                        out.append(f"</{sn.name}>")
                else:
                    out.append(t[sn.end[0]:sn.end[1]])
        if n is not root:
            text(n.tail)

    node(root)
    if cursor[0] != plan.text.length:
        raise Unsplicable("text left over")
    out.append(t[plan.root_end:])
    return plan.bom + "".join(out).encode(plan.enc)


__all__ = ["rewrite", "Unsplicable", "TEI_NS"]
