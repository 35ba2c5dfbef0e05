"""Reader for Wikipedia articles converted to Markdown (pandoc-style, from wikitext).

Block syntax handled: ``#``..``######`` headings (nested <div type="section">),
paragraphs, bullet lists (``-``, ``*``, ``+``, indented or not) and numbered lists,
pipe tables, ``>`` block quotes (the ``> 本文内容由…转换而来`` line is provenance and
goes to the header), and a trailing paragraph of ``[Category:…]`` links (keywords).

Inline syntax: links ``[text](target "title")``, ``**bold**``/``*italic*``,
backslash escapes, footnote markers ``\\[1\\]`` (pointing at the numbered list of
notes), and an empty ``()`` left where the third-party conversion lost text (<gap>).

A link whose anchor text runs past the linked title (``[俄羅斯帝國與](…/俄羅斯帝國)``)
links only the part that matches the title (compared after OpenCC normalisation,
since anchor and title can differ in script); the rest stays plain text.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml import etree

from ..chinese import normalise
from ..errors import TreatyError
from ..header import encoding_desc, file_desc, lang_usage, mark_scripts, revision_desc
from ..manifest import Source
from ..tei import E, append, iri

WIKI_BASE = "https://zh.wikipedia.org/wiki/"
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(.*)$")
NUMBERED_RE = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
TABLE_RE = re.compile(r"^\s*\|.*\|\s*$")
TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
PROVENANCE_RE = re.compile(r"^>\s*本文内容由.*转换而来")
CATEGORY_LINK_RE = re.compile(r'\[Category:((?:\\.|[^\]\\])*)\]\(((?:\\.|[^\s)\\])*)(?:\s+"[^"]*")?\)')

INLINE_RE = re.compile(
    r'(?P<fn>\\\[(?P<fnnum>\d+)\\\])'
    r'|(?P<link>\[(?P<ltext>(?:\\.|[^\]\\])*)\]\((?P<lurl>(?:\\.|[^\s)\\])*)(?:\s+"(?P<ltitle>[^"]*)")?\))'
    r'|(?P<bold>\*\*(?P<btext>.+?)\*\*)'
    r'|(?P<ital>(?<![\w*])\*(?P<itext>[^*\s][^*]*?)\*(?![\w*]))'
    r'|(?P<esc>\\(?P<echar>[\\`*_{}\[\]()#+\-.!&<>|"\'~]))'
    r'|(?P<gap>\(\)|（）)'
)
ESC_RE = re.compile(r'\\([\\`*_{}\[\]()#+\-.!&<>|"\'~])')


def unescape(s: str) -> str:
    return ESC_RE.sub(r"\1", s)


class _Ctx:
    def __init__(self, source: Source):
        self.source = source
        self.prefix = source.id
        self.footnotes: set[str] = set()


def read(source: Source, text: str, digest: str) -> etree._Element:
    ctx = _Ctx(source)
    lines = text.split("\n")
    provenance = None
    categories: list[tuple[str, str]] = []
    body = E("body")
    stack: list[tuple[int, etree._Element]] = [(0, body)]
    sec_no = 0
    i = 0
    n = len(lines)
    # footnote markers used anywhere decide whether a numbered list is the notes list
    ctx.footnotes = set(re.findall(r"\\\[(\d+)\\\]", text))

    def container() -> etree._Element:
        return stack[-1][1]

    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if PROVENANCE_RE.match(line):
            provenance = line.lstrip(">").strip()
            i += 1
            continue
        m = HEADING_RE.match(line)
        if m:
            level = len(m.group(1))
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            sec_no += 1
            div = E("div", type_="section", n=str(sec_no), xml_id=f"{ctx.prefix}-sec{sec_no}")
            div.append(E("head", *inline(m.group(2), ctx)))
            container().append(div)
            stack.append((level, div))
            i += 1
            continue
        if _is_category_para(line):
            categories.extend((unescape(t), unescape(u)) for t, u in CATEGORY_LINK_RE.findall(line))
            i += 1
            continue
        if TABLE_RE.match(line):
            rows = []
            while i < n and TABLE_RE.match(lines[i]):
                rows.append(lines[i])
                i += 1
            container().append(_table(rows, ctx))
            continue
        if BULLET_RE.match(line) or NUMBERED_RE.match(line):
            items = []
            numbered = bool(NUMBERED_RE.match(line)) and not BULLET_RE.match(line)
            while i < n and lines[i].strip():
                mb = BULLET_RE.match(lines[i])
                mn = NUMBERED_RE.match(lines[i])
                if mb and not numbered:
                    items.append([mb.group(2), None])
                elif mn and numbered:
                    items.append([mn.group(3), mn.group(2)])
                elif items and lines[i].startswith((" ", "\t")):
                    items[-1][0] += "\n" + lines[i].strip()
                else:
                    break
                i += 1
            container().append(_list(items, numbered, ctx))
            continue
        if line.startswith(">"):
            quote = []
            while i < n and lines[i].startswith(">"):
                quote.append(lines[i].lstrip(">").lstrip())
                i += 1
            container().append(E("quote", E("p", *inline("\n".join(quote), ctx))))
            continue
        para = []
        while i < n and lines[i].strip() and not _starts_block(lines[i]):
            para.append(lines[i])
            i += 1
        container().append(E("p", *inline("\n".join(para), ctx)))

    if not len(body):
        raise TreatyError(source.file, "no text: the Markdown has no paragraphs, headings or lists")

    bibl = E(
        "bibl",
        E("title", source.title, level="a"),
        E("publisher", "Wikipedia (Chinese)", xml_lang="en"),
        E("ref", source.url, target=iri(source.url)),
        E("note", *inline(provenance, ctx), type_="provenance") if provenance else None,
        E("note", "Converted from wikitext to Markdown by a third party before it reached this edition; "
          "text lost in that conversion is marked <gap reason=\"lost-in-conversion\"/>.", type_="transcription",
          xml_lang="en"),
        E("availability", E("licence", source.licence, xml_lang="en")),
        E("extent", "complete article" if source.complete else (source.extent or "partial"), xml_lang="en"),
        type_="source",
    )
    notes = E("notesStmt", E("note", source.note, type_="manifest", xml_lang="en")) if source.note else None
    keywords = E("keywords", *[E("term", t, ref=iri(u)) for t, u in categories], scheme=WIKI_BASE + "Category:") if categories else None
    tei_header = E(
        "teiHeader",
        file_desc(source, source.title, f"{source.title}: TEI edition of the Chinese Wikipedia article", notes, bibl),
        encoding_desc(source, [
            E("p", "Links: <ref type=\"internal\"> for links to another converted page (../Page/X.md), "
              "<ref type=\"external\"> for links given as URLs; both targets are real Wikipedia URLs. "
              "Where a link's anchor text runs past the linked title, only the matching part is the link.",
              xml_lang="en")]),
        E("profileDesc", lang_usage(), E("textClass", keywords) if keywords is not None else None),
        revision_desc(source, digest),
    )
    mark_scripts(body, source.script)
    mark_scripts(tei_header.find("{*}fileDesc"), source.script)
    if keywords is not None:
        mark_scripts(keywords, source.script)
    return E("TEI", tei_header, E("text", body), xml_id=source.id, xml_lang=source.lang)


def _starts_block(line: str) -> bool:
    return bool(HEADING_RE.match(line) or BULLET_RE.match(line) or NUMBERED_RE.match(line)
                or TABLE_RE.match(line) or line.startswith(">") or _is_category_para(line))


def _is_category_para(line: str) -> bool:
    rest = CATEGORY_LINK_RE.sub("", line)
    return bool(CATEGORY_LINK_RE.search(line)) and not rest.strip()


def _list(items, numbered: bool, ctx: _Ctx) -> etree._Element:
    nums = [num for _, num in items]
    if numbered and ctx.footnotes and set(nums) >= ctx.footnotes:
        div = E("div", type_="notes", xml_id=f"{ctx.prefix}-notes")
        for text, num in items:
            div.append(E("note", E("p", *inline(text, ctx)), n=num, type_="footnote", xml_id=f"{ctx.prefix}-fn{num}"))
        return div
    lst = E("list", rend="numbered" if numbered else "bulleted")
    for text, num in items:
        lst.append(E("item", *inline(text, ctx), n=num))
    return lst


def _table(rows: list[str], ctx: _Ctx) -> etree._Element:
    table = E("table")
    for k, row in enumerate(rows):
        if TABLE_SEP_RE.match(row):
            if k == 1 and len(table):
                table[0].set("role", "label")     # the row above the separator is the header
            continue
        cells = _split_row(row)
        table.append(E("row", *[E("cell", *inline(c.strip(), ctx)) for c in cells]))
    return table


def _split_row(row: str) -> list[str]:
    s = row.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells, cur, k = [], "", 0
    while k < len(s):
        if s[k] == "\\" and k + 1 < len(s):
            cur += s[k:k + 2]
            k += 2
            continue
        if s[k] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += s[k]
        k += 1
    cells.append(cur)
    return cells


def inline(s: str, ctx: _Ctx, links: bool = True) -> list:
    """Markdown inline syntax to a list of strings and TEI elements."""
    out: list = []
    pos = 0
    for m in INLINE_RE.finditer(s):
        if m.group("link") and not links:
            continue
        out.append(s[pos:m.start()])
        pos = m.end()
        if m.group("fn"):
            num = m.group("fnnum")
            out.append(E("ref", f"[{num}]", type_="noteref", target=f"#{ctx.prefix}-fn{num}"))
        elif m.group("link"):
            out.extend(_link(m.group("ltext"), unescape(m.group("lurl")), ctx))
        elif m.group("bold"):
            out.append(E("hi", *inline(m.group("btext"), ctx, links), rend="bold"))
        elif m.group("ital"):
            out.append(E("hi", *inline(m.group("itext"), ctx, links), rend="italic"))
        elif m.group("esc"):
            out.append(m.group("echar"))
        elif m.group("gap"):
            opening, closing = m.group("gap")[0], m.group("gap")[1]
            out.append(opening)
            out.append(E("gap", reason="lost-in-conversion"))
            out.append(closing)
    out.append(s[pos:])
    return [x for x in out if not (isinstance(x, str) and x == "")]


def _link(anchor_md: str, url: str, ctx: _Ctx) -> list:
    anchor_parts = inline(anchor_md, ctx, links=False)
    anchor = unescape(anchor_md)
    if not url.strip():
        # link markup with no target: the text stays, marked as a link that leads nowhere
        return [append(E("seg", type_="broken-link"), *anchor_parts)]
    if url.startswith("../Page/") and url.endswith(".md"):
        title = unquote(url[len("../Page/"):-len(".md")])
        target, kind = WIKI_BASE + title.replace(" ", "_"), "internal"
    elif url.startswith(WIKI_BASE):
        title = unquote(url[len(WIKI_BASE):])
        target, kind = url, "external"
    else:
        title, target, kind = None, url, "external"
    target = iri(target)
    # only plain-text anchors can be split
    if title and all(isinstance(p, str) for p in anchor_parts):
        t = title.replace("_", " ")
        if len(anchor) > len(t) and normalise(anchor[:len(t)]) == normalise(t):
            return [E("ref", anchor[:len(t)], type_=kind, target=target), anchor[len(t):]]
    return [append(E("ref", type_=kind, target=target), *anchor_parts)]
