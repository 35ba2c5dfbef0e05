"""Reader for Wikipedia articles converted to Markdown (pandoc-style, from wikitext).

The Markdown is parsed by markdown-it-py (CommonMark, with pipe tables, strikethrough and
``[^n]`` footnotes from mdit-py-plugins, raw HTML allowed); this module is one pass over
its syntax tree that applies the edition's rules:

* headings -> nested ``<div type="section">`` with ``<head>``; paragraphs -> ``<p>``;
  lists (nested to any depth, empty items kept) -> ``<list>``/``<item>``; pipe and HTML
  tables -> ``<table>``; block quotes -> ``<quote>``; code -> ``<ab type="code">``;
* images (``![alt](url)``, and the dump's ``[File.png](…/File:File.png "fig:…")``
  links) -> ``<figure><graphic url/><figDesc/></figure>``, with the rest of a caption
  the dump cut off (its words up to a stray ``]]``) as the figure's ``<head>``;
* footnotes: the dump writes markers as ``\\[1\\]`` and the notes as the ordered list
  that ends the article (items may be empty, the list may be split by blank lines);
  each note becomes ``<note place="foot" type="footnote">`` where the list stands,
  reached from its markers (``<ref type="noteref">``); a marker whose note is missing
  stays a ``<ref>`` without a target. ``[^n]`` footnotes are read the same way;
* the ``> 本文内容由…转换而来`` line (provenance) and the ``[Category:…]`` links are
  page furniture: ``<fw type="provenance">`` / ``<fw type="categories">`` where they
  stand, and also copied into the teiHeader (sourceDesc, textClass);
* inline: links (``<ref type="internal|external">``, only the title part of an anchor
  that runs past the linked title), ``<url>`` autolinks, emphasis (``<hi>``), code spans
  (``<code>``), ``<u>``/``<sup>``/``<sub>``/``<s>`` (``<hi rend>``), ``<br>`` (``<lb/>``),
  HTML comments (kept as XML comments), ``-{…}-`` conversion markup
  (``<seg type="noconvert">``), ``{{…}}`` template leftovers (``<seg type="template">``),
  and an empty ``()`` left where the third-party conversion lost text (``<gap>``).

Every character of the source that is not Markdown syntax ends up in the ``<text>``
of the TEI, in order (the lossless check in ``treatytei.lossless`` tests that).
"""

from __future__ import annotations

import re
from html import unescape as html_unescape
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from ..chinese import is_han, normalise
from ..errors import TreatyError
from ..header import encoding_desc, file_desc, lang_usage, mark_scripts, revision_desc
from ..manifest import Source
from ..tei import E, append, iri, local
from . import Reading

WIKI_BASE = "https://zh.wikipedia.org/wiki/"
PROVENANCE_RE = re.compile(r"^\s*本文内容由.*转换而来")
# in text: footnote markers [1], lost text (), conversion markup -{…}-, templates {{…}}
TEXT_RE = re.compile(r"(?P<fn>\[(?P<fnnum>\d{1,4})\])|(?P<gap>\(\)|（）)"
                     r"|(?P<conv>-\{(?P<convtext>[^{}\n]*)\}-)|(?P<tpl>\{\{[^{}\n]*\}\})")


def plain_text(text: str) -> str:
    """A line as words only: conversion markup -{…}- reduced to its text, footnote markers
    [1], lost text () and templates {{…}} left out (for a title read from the text)."""
    return TEXT_RE.sub(lambda m: m.group("convtext") or "", text).strip()


HTML_TAG_RE = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>$", re.S)
#: inline HTML elements and how they are encoded (<hi rend=…>, or <code>)
HTML_HI = {"u": "underline", "ins": "underline", "sup": "sup", "sub": "sub", "s": "strikethrough",
           "del": "strikethrough", "strike": "strikethrough", "b": "bold", "strong": "bold",
           "i": "italic", "em": "italic", "big": "big", "small": "small"}
#: HTML elements read as markup (their tags are syntax); any other tag, <script> say, is
#: kept as the text it is (and so shown escaped, never run)
KNOWN_HTML = set(HTML_HI) | {"a", "br", "p", "div", "span", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
                             "ul", "ol", "li", "img", "code", "tt", "kbd", "samp", "center", "blockquote", "pre",
                             "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "font", "abbr", "cite", "wbr",
                             "hr", "caption", "colgroup", "col"}


def _cjk(c: str) -> bool:
    """A character of a CJK script (Han, kana, Hangul), for the emphasis rule below."""
    o = ord(c)
    return is_han(c) or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF or 0x3100 <= o <= 0x312F


class _CjkStateInline(StateInline):
    """CommonMark's rule for ``**`` and ``*``, made to work in Chinese the way the
    "CJK-friendly" amendment to it does (markdown-it-cjk-friendly, a JavaScript plugin:
    none exists for markdown-it-py): a run of markers between punctuation and a CJK
    character may open or close emphasis. CommonMark says ``**[博爾濟吉特](…)**氏`` does not
    close (punctuation before the markers, a letter after them) and leaves the ``**`` as
    text; Chinese writes no space there, so the dump's bold names stay bold."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        pos, maximum, marker = start, self.posMax, self.src[start]
        last = self.src[start - 1] if start > 0 else " "
        while pos < maximum and self.src[pos] == marker:
            pos += 1
        nxt = self.src[pos] if pos < maximum else " "
        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
        left = not next_space and (not next_punct or last_space or last_punct or _cjk(last))
        right = not last_space and (not last_punct or next_space or next_punct or _cjk(nxt))
        can_open = left and (canSplitWord or not right or last_punct)
        can_close = right and (canSplitWord or not left or next_punct)
        return Scanned(can_open, can_close, pos - start)


class _CjkParserInline(ParserInline):
    def parse(self, src, md, env, tokens):
        state = _CjkStateInline(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def _parser() -> MarkdownIt:
    md = (MarkdownIt("commonmark", {"html": True})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin))
    cjk = _CjkParserInline()
    cjk.__dict__.update(md.inline.__dict__)      # its rules, as configured above
    md.inline = cjk
    return md


class _Ctx:
    def __init__(self, source: Source):
        self.source = source
        self.prefix = source.id
        self.notes: set[str] = set()      # numbers of the notes the article has
        self.categories: list[tuple[str, str]] = []
        self.provenance: etree._Element | None = None
        self.warnings: list[str] = []
        self.figures = 0
        self.ids: set[str] = set()


def read(source: Source, text: str, digest: str) -> Reading:
    ctx = _Ctx(source)
    tokens = _parser().parse(text)
    tree = SyntaxTreeNode(tokens)
    blocks = list(tree.children)
    notes_lists = _notes_lists(blocks)
    for lst in notes_lists:
        for item in lst.children:
            ctx.notes.add(str(item.info or ""))
    for node in _footnote_defs(blocks):
        ctx.notes.add(f"^{node.meta.get('label', node.meta.get('id'))}")

    body = E("body")
    stack: list[tuple[int, etree._Element]] = [(0, body)]
    sec_no = 0
    # markdown-it gathers [^n] footnote definitions at the end: they go back where the
    # source wrote them (before the first block that follows the first definition)
    fn_block = next((b for b in blocks if b.type == "footnote_block"), None)
    fn_line = next((no for no, line in enumerate(text.split("\n")) if re.match(r"^ {0,3}\[\^[^\]]+\]:", line)), None)
    if fn_block is not None and fn_line is not None:
        blocks.remove(fn_block)
        at = next((k for k, b in enumerate(blocks) if b.map and b.map[0] > fn_line), len(blocks))
        blocks.insert(at, fn_block)
    for k, node in enumerate(blocks):
        cont = stack[-1][1]
        if node.type == "heading":
            level = int(node.tag[1])
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            sec_no += 1
            div = E("div", type_="section", n=str(sec_no), xml_id=f"{ctx.prefix}-sec{sec_no}")
            div.append(E("head", *_inline(node.children[0], ctx)))
            stack[-1][1].append(div)
            stack.append((level, div))
            continue
        if node in notes_lists:
            _append_block(cont, _notes_div(node, ctx))
            continue
        if k == 0 and node.type == "blockquote" and PROVENANCE_RE.match(_plain(node)):
            fw = E("fw", type_="provenance")
            for para in node.children:
                append(fw, *_inline(para.children[0], ctx) if para.children else [])
            ctx.provenance = fw
            cont.append(fw)
            continue
        for el in _block(node, ctx):
            _append_block(cont, el)

    if not len(body) or not "".join(body.itertext()).strip():
        raise TreatyError(source.file, "no text: the Markdown has no paragraphs, headings or lists")

    bibl = E(
        "bibl",
        E("title", source.title, level="a"),
        E("publisher", "Wikipedia (Chinese)", xml_lang="en"),
        E("ref", source.url, target=iri(source.url)),
        _copy_as_note(ctx.provenance, "provenance"),
        E("note", "Converted from wikitext to Markdown by a third party before it reached this edition; "
          "text lost in that conversion is marked <gap reason=\"lost-in-conversion\"/>.", type_="transcription",
          xml_lang="en"),
        E("availability", E("licence", source.licence, xml_lang="en")),
        E("extent", "complete article" if source.complete else (source.extent or "partial"), xml_lang="en"),
        type_="source",
    )
    notes = E("notesStmt", E("note", source.note, type_="manifest", xml_lang="en")) if source.note else None
    keywords = E("keywords", *[E("term", t, ref=iri(u)) for t, u in ctx.categories],
                 scheme=WIKI_BASE + "Category:") if ctx.categories else None
    tei_header = E(
        "teiHeader",
        file_desc(source, source.title, f"{source.title}: TEI edition of the Chinese Wikipedia article", notes, bibl),
        encoding_desc(source, [
            E("p", "Read with markdown-it-py (CommonMark). Links: <ref type=\"internal\"> for links to another "
              "converted page (../Page/X.md), <ref type=\"external\"> for links given as URLs; both targets are "
              "real Wikipedia URLs. Where a link's anchor text runs past the linked title, only the matching "
              "part is the link. Page furniture (the provenance line, category links) is <fw>; footnotes are "
              "<note place=\"foot\"> where the source's notes list stands.", xml_lang="en")]),
        E("profileDesc", lang_usage(), E("textClass", keywords) if keywords is not None else None),
        revision_desc(source, digest),
    )
    mark_scripts(body, source.script)
    mark_scripts(tei_header.find("{*}fileDesc"), source.script)
    if keywords is not None:
        mark_scripts(keywords, source.script)
    root = E("TEI", tei_header, E("text", body), xml_id=source.id, xml_lang=source.lang)
    return Reading(root, ctx.warnings)


def _copy_as_note(fw, kind):
    if fw is None:
        return None
    import copy

    note = E("note", type_=kind)
    note.text = fw.text
    for child in fw:
        note.append(copy.deepcopy(child))
    return note


def _append_block(cont: etree._Element, el) -> None:
    """Blocks go into the current section; a comment between blocks stays a comment."""
    cont.append(el)


def _plain(node: SyntaxTreeNode) -> str:
    out = []
    for n in node.walk():
        if n.type in ("text", "code_inline"):
            out.append(n.content)
    return "".join(out)


# ------------------------------------------------------------------ footnotes

def _notes_lists(blocks: list[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    """The ordered lists that hold the article's notes: the ordered lists at the end of
    the article (after them only furniture: category links, templates, blank lines),
    numbered from 1 and continuing one another, when the text has note markers or a
    list has an empty item (a note whose text the conversion lost)."""
    tail: list[SyntaxTreeNode] = []
    for node in reversed(blocks):
        if node.type == "ordered_list":
            tail.insert(0, node)
        elif node.type == "paragraph" and (_is_category_para(node) or _is_template_para(node)):
            if tail:
                break
            continue
        elif node.type == "html_block" and node.content.strip().startswith("<!--"):
            continue
        elif node.type == "footnote_block":
            continue
        else:
            break
    if not tail:
        return []
    expected = int(tail[0].attrs.get("start", 1) or 1)
    if expected != 1:
        return []
    run = []
    for lst in tail:
        start = int(lst.attrs.get("start", 1) or 1)
        if start != expected:
            break
        run.append(lst)
        expected = start + len(lst.children)
    has_markers = any(re.search(r"\[\d{1,4}\]", n.content) for b in blocks if b not in run
                      for n in b.walk() if n.type == "text")
    has_empty = any(not item.children for lst in run for item in lst.children)
    return run if (has_markers or has_empty) else []


def _footnote_defs(blocks):
    for b in blocks:
        if b.type == "footnote_block":
            yield from b.children


def _notes_div(lst: SyntaxTreeNode, ctx: _Ctx) -> etree._Element:
    first = lst.children[0].info if lst.children else "1"
    did = f"{ctx.prefix}-notes" + ("" if first in ("1", "") else f"-{first}")
    while did in ctx.ids:
        did += "-x"
    ctx.ids.add(did)
    div = E("div", type_="notes", xml_id=did)
    for item in lst.children:
        num = str(item.info)
        nid = f"{ctx.prefix}-fn{num}"
        k = 1
        while nid in ctx.ids:          # a number the notes list repeats: the first one is the target
            k += 1
            nid = f"{ctx.prefix}-fn{num}-{k}"
        ctx.ids.add(nid)
        note = E("note", place="foot", type_="footnote", n=num, xml_id=nid)
        _item_content(note, item, ctx)
        div.append(note)
    return div


# ------------------------------------------------------------------ blocks

def _is_category_para(node: SyntaxTreeNode) -> bool:
    if node.type != "paragraph" or not node.children:
        return False
    inl = node.children[0]
    links = [c for c in inl.children if c.type == "link"]
    if not links:
        return False
    for c in inl.children:
        if c.type == "link":
            if not _link_text(c).startswith("Category:"):
                return False
        elif c.type in ("softbreak", "hardbreak"):
            continue
        elif c.type == "text" and not c.content.strip():
            continue
        else:
            return False
    return True


def _is_template_para(node: SyntaxTreeNode) -> bool:
    return node.type == "paragraph" and bool(re.fullmatch(r"\s*(\{\{[^{}\n]*\}\}\s*)+", _plain(node)))


def _link_text(node: SyntaxTreeNode) -> str:
    return "".join(n.content for n in node.walk() if n.type == "text")


def _block(node: SyntaxTreeNode, ctx: _Ctx) -> list:
    t = node.type
    if t == "paragraph":
        if _is_category_para(node):
            return [_categories(node, ctx)]
        if not node.children:
            return []
        return [E("p", *_inline(node.children[0], ctx))]
    if t in ("bullet_list", "ordered_list"):
        return [_list(node, ctx)]
    if t == "table":
        return [_pipe_table(node, ctx)]
    if t == "blockquote":
        quote = E("quote")
        for child in node.children:
            for el in _block(child, ctx):
                if not isinstance(el.tag, str) or local(el) == "p":
                    quote.append(el)
                else:
                    quote.append(E("p", *_flatten(el)))
        if not len(quote) or all(not isinstance(c.tag, str) for c in quote):
            quote.append(E("p"))
        return [quote]
    if t in ("code_block", "fence"):
        return [E("ab", node.content.rstrip("\n"), type_="code")]
    if t == "html_block":
        return _html_block(node.content, ctx)
    if t == "hr":
        return [E("milestone", unit="section", rend="rule")]
    if t == "footnote_block":
        div = E("div", type_="notes", xml_id=f"{ctx.prefix}-footnotes")
        for fn in node.children:
            label = fn.meta.get("label", fn.meta.get("id"))
            nid = f"{ctx.prefix}-fnx{_safe(label)}"
            nid = nid if nid not in ctx.ids else f"{nid}-{len(ctx.ids)}"
            ctx.ids.add(nid)
            note = E("note", place="foot", type_="footnote", n=str(label), xml_id=nid)
            _item_content(note, fn, ctx)
            div.append(note)
        return [div]
    if t == "heading":   # only inside containers (a heading in a list item or quote)
        return [E("p", E("hi", *_inline(node.children[0], ctx), rend="bold"))]
    # anything else markdown-it may produce: its text as a paragraph, with a warning
    text = _plain(node) or node.content
    ctx.warnings.append(f"line {(node.map or [0])[0] + 1}: Markdown block '{t}' kept as a plain paragraph")
    return [E("p", text)] if text else []


def _safe(label) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(label))


def _flatten(el) -> list:
    """An element's text content, for a block that must become phrase content."""
    return ["".join(el.itertext())]


def _categories(node: SyntaxTreeNode, ctx: _Ctx) -> etree._Element:
    fw = E("fw", type_="categories")
    for c in node.children[0].children:
        if c.type == "link":
            name = _link_text(c)
            href = unquote(c.attrs.get("href", ""))
            target = WIKI_BASE + name if href.startswith("../Page/") or not _URI_REF.match(iri(href)) else href
            ctx.categories.append((name[len("Category:"):], target))
            fw.append(E("ref", name, type_="category", target=iri(target)))
        elif c.type == "text":
            append(fw, c.content)
        else:
            append(fw, "\n")
    return fw


def _list(node: SyntaxTreeNode, ctx: _Ctx) -> etree._Element:
    numbered = node.type == "ordered_list"
    lst = E("list", rend="numbered" if numbered else "bulleted")
    for item in node.children:
        it = E("item", n=str(item.info) if numbered and item.info else None)
        _item_content(it, item, ctx)
        lst.append(it)
    return lst


def _item_content(target: etree._Element, item: SyntaxTreeNode, ctx: _Ctx) -> None:
    """A list item's (or note's) blocks: one paragraph is inline content; several
    paragraphs are joined with a line break; nested lists and tables follow."""
    first_text = True
    for child in item.children:
        if child.type == "paragraph" and child.children:
            if not first_text:
                target.append(E("lb"))
            append(target, *_inline(child.children[0], ctx))
            first_text = False
        elif child.type in ("bullet_list", "ordered_list"):
            target.append(_list(child, ctx))
        elif child.type == "footnote_anchor":
            continue
        else:
            for el in _block(child, ctx):
                if isinstance(el.tag, str) and local(el) in ("list", "table", "figure"):
                    target.append(el)
                elif isinstance(el.tag, str):
                    if not first_text:
                        target.append(E("lb"))
                    append(target, *_flatten(el))
                    first_text = False
                else:
                    target.append(el)


def _pipe_table(node: SyntaxTreeNode, ctx: _Ctx) -> etree._Element:
    table = E("table")
    for part in node.children:          # thead, tbody
        for tr in part.children:
            row = E("row", role="label" if part.type == "thead" else None)
            for cell in tr.children:
                row.append(E("cell", *(_inline(cell.children[0], ctx) if cell.children else [])))
            if len(row):
                table.append(row)
    if not len(table):
        table.append(E("row", E("cell")))
    return table


# ------------------------------------------------------------------ raw HTML

def _html_block(content: str, ctx: _Ctx) -> list:
    """A raw HTML block: comments stay comments, a table becomes a TEI table, any other
    element its text as a paragraph (links and emphasis kept)."""
    out: list = []
    pos = 0
    for m in re.finditer(r"<!--(.*?)-->", content, re.S):
        out.extend(_html_fragment(content[pos:m.start()], ctx))
        out.append(_comment(m.group(1)))
        pos = m.end()
    out.extend(_html_fragment(content[pos:], ctx))
    return out


def _comment(text: str) -> etree._Element:
    # XML comments may not hold "--" nor end in "-": those are spaced out (shown, not lost)
    safe = text.replace("--", "- -")
    if safe.endswith("-"):
        safe += " "
    return etree.Comment(safe)


def _html_fragment(fragment: str, ctx: _Ctx) -> list:
    if not fragment.strip():
        return []
    tags = {t.lower() for t in re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", fragment)}
    if tags - KNOWN_HTML:
        return [E("p", *_text_parts(fragment.strip("\n"), ctx))]
    try:
        nodes = lxml_html.fragments_fromstring(fragment)
    except (etree.ParserError, ValueError):
        return [E("p", fragment.strip())]
    return _html_nodes(nodes, ctx)


_HTML_BLOCKS = {"table", "ul", "ol", "p", "div", "center", "blockquote", "pre", "dl", "h1", "h2", "h3", "h4", "h5", "h6"}


def _html_nodes(nodes, ctx: _Ctx) -> list:
    """HTML nodes as TEI blocks: tables and lists as such, a container of blocks (a
    <div> holding a table) read through, any other element's content a paragraph."""
    out: list = []
    loose: list = []
    for n in nodes:
        if isinstance(n, str):
            if n.strip():
                loose.append(n.strip())
            continue
        if not isinstance(n.tag, str):
            continue
        if n.tag in ("div", "center", "blockquote") and any(
                isinstance(c.tag, str) and c.tag in _HTML_BLOCKS for c in n):
            if loose:
                out.append(E("p", *loose))
                loose = []
            inner = [n.text] if n.text and n.text.strip() else []
            for c in n:
                inner.append(c)
                if c.tail and c.tail.strip():
                    inner.append(c.tail)
            out.extend(_html_nodes(inner, ctx))
            continue
        if n.tag == "table":
            if loose:
                out.append(E("p", *loose))
                loose = []
            out.append(_html_table(n, ctx))
        elif n.tag in ("ul", "ol"):
            if loose:
                out.append(E("p", *loose))
                loose = []
            out.append(_html_list(n, ctx))
        elif n.tag in ("p", "div", "center", "blockquote", "pre", "dl", "h1", "h2", "h3", "h4", "h5", "h6"):
            if loose:
                out.append(E("p", *loose))
                loose = []
            content = _html_inline(n, ctx)
            if any(isinstance(c, str) and c.strip() or not isinstance(c, str) for c in content):
                out.append(E("p", *content))
        else:
            loose.extend(_html_inline_el(n, ctx))
    if loose:
        out.append(E("p", *loose))
    return out


def _html_table(t, ctx: _Ctx) -> etree._Element:
    table = E("table")
    for tr in t.iter("tr"):
        row = E("row", role="label" if tr.getparent() is not None and tr.getparent().tag == "thead" else None)
        for cell in tr:
            if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                row.append(E("cell", *_html_inline(cell, ctx, blocks_as_lb=True)))
        if len(row):
            table.append(row)
    if not len(table):
        table.append(E("row", E("cell")))
    return table


def _html_list(lst, ctx: _Ctx) -> etree._Element:
    out = E("list", rend="numbered" if lst.tag == "ol" else "bulleted")
    for li in lst:
        if isinstance(li.tag, str) and li.tag == "li":
            out.append(E("item", *_html_inline(li, ctx, blocks_as_lb=True)))
    if not len(out):
        out.append(E("item"))
    return out


def _html_inline(el, ctx: _Ctx, blocks_as_lb: bool = False) -> list:
    """The content of an HTML element as TEI phrase content."""
    out: list = [_text_parts(el.text or "", ctx)]
    first_block = True
    for child in el:
        if blocks_as_lb and isinstance(child.tag, str) and child.tag in ("p", "div"):
            if not first_block:
                out.append(E("lb"))
            first_block = False
            out.extend(_html_inline(child, ctx, blocks_as_lb))
        else:
            out.extend(_html_inline_el(child, ctx))
        out.append(_text_parts(child.tail or "", ctx))
    return out


def _html_inline_el(el, ctx: _Ctx) -> list:
    if not isinstance(el.tag, str):
        if isinstance(el, etree._Comment):
            return [_comment(el.text or "")]
        return []
    tag = el.tag.lower()
    inner = _html_inline(el, ctx)
    if tag == "br":
        return [E("lb")]
    if tag == "a" and el.get("href") is not None:
        anchor = "".join(el.itertext())
        return _link_from(anchor, inner, el.get("href"), ctx)
    if tag in HTML_HI:
        return [append(E("hi", rend=HTML_HI[tag]), *inner)]
    if tag in ("code", "tt", "kbd", "samp"):
        return [E("code", "".join(el.itertext()))]
    if tag == "img":
        return [_figure(el.get("src", ""), el.get("alt", ""), ctx)]
    return inner          # any other element: its content (the tag is markup only)


# ------------------------------------------------------------------ inline

def _inline(node: SyntaxTreeNode, ctx: _Ctx) -> list:
    """An inline node's children as TEI phrase content (strings and elements)."""
    out: list = []
    # raw inline HTML comes as separate opening and closing tags: a stack of open ones
    stack: list[tuple[str, list]] = []
    opened: list[str] = []            # the raw opening tags of the open elements

    def emit(*items):
        (stack[-1][1] if stack else out).extend(items)

    for c in node.children:
        t = c.type
        if t == "text":
            emit(_text_parts(c.content, ctx))
        elif t == "softbreak":
            emit("\n")
        elif t == "hardbreak":
            emit(E("lb"))
        elif t == "code_inline":
            emit(E("code", c.content))
        elif t == "strong":
            emit(append(E("hi", rend="bold"), *_inline(c, ctx)))
        elif t == "em":
            emit(append(E("hi", rend="italic"), *_inline(c, ctx)))
        elif t == "s":
            emit(append(E("hi", rend="strikethrough"), *_inline(c, ctx)))
        elif t == "link":
            href = unquote(c.attrs.get("href", ""))   # markdown-it percent-encodes what it normalises
            title = c.attrs.get("title", "") or ""
            parts = _inline(c, ctx)
            if c.markup == "autolink" and _URI_REF.match(iri(href)):
                emit(E("ref", href if not href.startswith("mailto:") else _link_text(c), type_="external",
                       target=iri(href)))
            elif title.startswith("fig:") or "/wiki/File:" in href or href.startswith("../Page/File:"):
                emit(_figure(href, _link_text(c), ctx, parts))
            else:
                emit(*_link_from(_link_text(c), parts, href, ctx))
        elif t == "image":
            emit(_figure(unquote(c.attrs.get("src", "")), _link_text(c) or c.content, ctx))
        elif t == "footnote_ref":
            label = c.meta.get("label", c.meta.get("id"))
            emit(E("ref", f"[^{label}]", type_="noteref", target=f"#{ctx.prefix}-fnx{_safe(label)}"))
        elif t == "html_inline":
            raw = c.content
            if raw.startswith("<!--"):
                emit(_comment(raw[4:-3] if raw.endswith("-->") else raw[4:]))
                continue
            m = HTML_TAG_RE.match(raw)
            if not m:
                emit(raw)
                continue
            closing, tag, selfclose = m.group(1), m.group(2).lower(), m.group(3)
            if tag not in KNOWN_HTML:
                emit(raw)
            elif tag == "br":
                emit(E("lb"))
            elif closing:
                if stack and stack[-1][0] == tag:
                    tag_, items = stack.pop()
                    opening = opened.pop()
                    href = re.search(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", opening)
                    if tag_ == "a" and href:
                        items = _clean(items)
                        text_ = "".join(i if isinstance(i, str) else "".join(i.itertext()) for i in items)
                        emit(*_link_from(text_, items, html_unescape(next(g for g in href.groups() if g is not None)), ctx))
                    else:
                        emit(_wrap_html(tag_, items, raw))
                # a closing tag without its opening one is markup only
            elif selfclose or tag in ("img", "wbr", "hr"):
                if tag == "img":
                    frag = lxml_html.fragment_fromstring(raw)
                    emit(_figure(frag.get("src", ""), frag.get("alt", ""), ctx))
            else:
                stack.append((tag, []))
                opened.append(raw)
        else:
            emit(_plain(c) or c.content)
    while stack:        # tags never closed: their content stays, in place
        tag_, items = stack.pop()
        emit(_wrap_html(tag_, items, ""))
    return _caption_rests(_clean(out))


#: the most characters of a caption's rest between an image and the ]] that ends it
CAPTION_REST = 200


def _caption_rests(items: list) -> list:
    """The dump converts an image whose caption holds a link ([[File:x.jpg|thumb|[[A]]印，
    加蓋於…。]]) into the image's link, the caption's last words and a literal ``]]``:
    those words, up to the ``]]`` (and before any other image or a ``[[``), are the
    caption's rest -- the figure's ``<head>``, not the paragraph's text; the ``]]`` is
    wikitext syntax and is dropped."""
    out: list = []
    i = 0
    while i < len(items):
        x = items[i]
        out.append(x)
        i += 1
        if isinstance(x, str) or not isinstance(x.tag, str) or local(x) != "figure":
            continue
        j, seen, closed = i, 0, False
        while j < len(items):
            y = items[j]
            if isinstance(y, str):
                end = y.find("]]")
                text = y if end < 0 else y[:end]
            elif isinstance(y.tag, str):
                if local(y) == "figure":
                    break
                end, text = -1, "".join(y.itertext())
            else:                       # a comment
                end, text = -1, ""
            if "[[" in text:
                break
            seen += len(text)
            if end >= 0:
                closed = True
                break
            j += 1
        if not closed or seen > CAPTION_REST:
            continue
        before, after = items[j].split("]]", 1)
        caption = [*items[i:j], before]
        if caption and isinstance(caption[0], str):
            caption[0] = caption[0].lstrip()
        caption = [c for c in caption if not (isinstance(c, str) and not c)]
        if caption:
            x.append(append(E("head"), *caption))
        if after.strip():
            out.append(after.lstrip())
        i = j + 1
    return out


def _wrap_html(tag: str, items: list, raw: str):
    items = _clean(items)
    if tag in HTML_HI:
        return append(E("hi", rend=HTML_HI[tag]), *items)
    if tag in ("code", "tt", "kbd", "samp"):
        return E("code", "".join(i if isinstance(i, str) else "".join(i.itertext()) for i in items))
    return items


def _clean(items: list) -> list:
    flat: list = []
    for x in items:
        if isinstance(x, list):
            flat.extend(_clean(x))
        elif x is None or (isinstance(x, str) and x == ""):
            continue
        else:
            flat.append(x)
    return flat


def _text_parts(s: str, ctx: _Ctx) -> list:
    out: list = []
    pos = 0
    for m in TEXT_RE.finditer(s):
        out.append(s[pos:m.start()])
        pos = m.end()
        if m.group("fn"):
            num = m.group("fnnum")
            if num in ctx.notes:
                out.append(E("ref", m.group(0), type_="noteref", target=f"#{ctx.prefix}-fn{num}"))
            elif ctx.notes:
                out.append(E("ref", m.group(0), type_="noteref"))   # its note is missing
            else:
                out.append(m.group(0))
        elif m.group("gap"):
            g = m.group("gap")
            out.extend([g[0], E("gap", reason="lost-in-conversion"), g[1]])
        elif m.group("conv"):
            out.append(E("seg", m.group("convtext"), type_="noconvert"))
        elif m.group("tpl"):
            out.append(E("seg", m.group("tpl"), type_="template"))
    out.append(s[pos:])
    return [x for x in out if not (isinstance(x, str) and x == "")]


def _figure(url: str, desc: str, ctx: _Ctx, parts: list | None = None) -> etree._Element:
    if url.startswith("../Page/") and url.endswith(".md"):
        url = WIKI_BASE + unquote(url[len("../Page/"):-len(".md")])
    ctx.figures += 1
    fig = E("figure", E("graphic", url=iri(url) if url.strip() and _URI_REF.match(iri(url)) else "about:blank"))
    if desc:
        fig.append(append(E("figDesc"), *(parts if parts else [desc])))
    return fig


_URI_SHAPE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|[^:/?#]*(?:[/?#]|$))\S*$")


class _UriCheck:
    """Whether a link target is a URI the schema accepts: checked by the same
    validator (libxml2's xsd:anyURI), so that a garbled target never makes invalid TEI."""

    _rng = None

    def match(self, url: str) -> bool:
        if not _URI_SHAPE.match(url):
            return False
        if _UriCheck._rng is None:
            _UriCheck._rng = etree.RelaxNG(etree.fromstring(
                '<element name="u" xmlns="http://relaxng.org/ns/structure/1.0" '
                'datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"><data type="anyURI"/></element>'))
        el = etree.Element("u")
        el.text = url
        return _UriCheck._rng.validate(el)


_URI_REF = _UriCheck()


def _link_from(anchor: str, anchor_parts: list, url: str, ctx: _Ctx) -> list:
    if not url.strip() or not _URI_REF.match(iri(url)):
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
    if title and anchor_parts and all(isinstance(p, str) for p in anchor_parts):
        t = title.replace("_", " ")
        if len(anchor) > len(t) and normalise(anchor[:len(t)]) == normalise(t):
            return [E("ref", anchor[:len(t)], type_=kind, target=target), anchor[len(t):]]
    return [append(E("ref", type_=kind, target=target), *anchor_parts)]
