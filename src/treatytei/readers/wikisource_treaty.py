"""Reader for treaty texts copied from Chinese Wikisource (and texts laid out like them:
quotations of treaty articles in other collections) as plain text.

What such a file holds, top to bottom, each part optional:

* **page furniture** wherever it stands: skip links (跳转到内容, 跳到导航 跳到搜索), the site
  name (维基文库,自由的图书馆), breadcrumbs (``Portal:条约 …``, ``Wikisource:条约 …``, a
  ``- 首页`` list), a ``Page:…`` title and its proofreading status (此页尚未校对), navigation
  between chapters (◄ ►), table remnants (``|``), section edit marks (``正文[编辑]``,
  ``正文编辑``, an ``编辑`` run into the next paragraph on mobile pages), the heading 原文;
* **the header** (the page's header template): the title, or ``category title dynasty``;
  an alias (又名:…); the parties (…、…); dates, in one or several calendars on a line;
  the collection line (本作品收錄於《…); editorial notes (本條約…, a date line, a line in
  parentheses); or all of them collapsed into one line;
* **the text**: a preamble and articles numbered 一、 / 第一條 / 第一条 / 一條、 / 一 (a
  numeral and a space) at the start of a line, indented or not; sub-items 甲、乙、; headings;
  or unnumbered prose (one ``<div type="text">``); or quotations of single articles under
  their own headings (``中俄恰克图界约第三条…``, each article numbered 一), each of which is
  that article of the work (``@n`` from the heading, ``@subtype="excerpt"``).

Everything is kept, in order, in the TEI's ``<text>``: furniture as ``<fw>``, header lines
as ``<ab>`` in ``<front>``, the text in ``<body>``; the header's facts are also copied into
the teiHeader. A line the reader cannot place is a paragraph of the text, with a warning.
@n of an article is its ordinal in its witness (or the number its quotation heading
gives); the numeral stays in the text as a ``<label>``. The marks of the page's footnotes
(尼迢[1]來) are ``<ref type="noteref">`` without a target: a copied page has no notes.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import TreatyError
from ..header import encoding_desc, file_desc, lang_usage, mark_scripts, revision_desc
from ..manifest import Source
from ..tei import E, append, iri
from . import Reading

NUM = "一二三四五六七八九十百〇零兩两廿卅"
PUNCT = "。，,;；：:、!！?？「」『』“”"

# ------------------------------------------------------------------ furniture
FURNITURE = [
    ("skip-link", re.compile(r"^(?:跳[转轉到至]到?(?:内容|內容|导航|導航|導覽|导览|搜索|搜尋)\s*)+$")),
    ("site", re.compile(r"^(?:维基文库|維基文庫)\s*[,，]\s*自由的(?:图书馆|圖書館)$")),
    ("page-title", re.compile(r"^Page:\S.*$")),
    ("breadcrumb", re.compile(r"^(?:Portal|Wikisource|维基文库|維基文庫|Category|分类|分類)[:：]\S.*$")),
    ("status", re.compile(r"^此[页頁](?:尚未校[对對]|已[经經]?校[对對]|已[验驗][证證]|没有文字|沒有文字|[无無]需校[对對])$")),
    ("navigation", re.compile(r"^.*[◄►].*$")),
    ("remnant", re.compile(r"^[|｜]+$")),
    ("edit", re.compile(r"^(?:\[?(?:编辑|編輯)\]?)$")),
    ("section-label", re.compile(r"^(?:原文|正文)$")),
    ("mobile", re.compile(r"^(?:目录|目錄|返回[顶頂]部|[查檢]看[历歷]史|下[载載][为為]PDF|切[换換]语言)$")),
    # the end of a page: licence boxes, categories, where the page was taken from, edit dates,
    # sister projects, previous / next links
    ("footer", re.compile(r"^(?:(?:本|这部|這部)作品(?:在全世界|在美国|在美國|于|於|屬於|属于|是).{0,120}(?:公有领域|公有領域|版权|版權|授权|授權|许可|許可).*"
                          r"|Public domain.*|PD-\S+|(?:false)+|(?:分类|分類|隐藏分类|隱藏分類)[:：].*"
                          r"|取自[“「]?https?://\S+|(?:此页面|此頁面|本页面|本頁面)最[后後](?:修订|修訂|编辑|編輯)于.*"
                          r"|(?:姊妹计划|姊妹計劃|维基百科|維基百科)(?:条目|條目|链接|連結)?[:：]?.{0,40}|(?:上一[篇页頁]|下一[篇页頁])[:：].{0,40}"
                          r"|(?:◄|►|←|→).{0,60})$")),
]
EDIT_TAIL_RE = re.compile(r"^(?P<head>.*?)\s*(?P<mark>\[(?:编辑|編輯)\]|(?<=\s)(?:编辑|編輯)|(?<=^原文)(?:编辑|編輯)|(?<=^正文)(?:编辑|編輯))$")
EDIT_LEAD_RE = re.compile(r"^(?P<mark>编辑|編輯)(?P<rest>\S.*)$")
BREADCRUMB_LIST_RE = re.compile(r"^[-*•]\s+\S.{0,40}$")

# ------------------------------------------------------------------ header lines
DATE_W = r"\d{3,4}年\d{1,2}月\d{1,2}日"
DATE_C = r"[^\s,，;；:：。、()（）]{0,12}?[" + NUM + r"元\d]{1,5}年[閏闰]?[正臘腊冬" + NUM + r"\d]{1,3}月[初廿卅" + NUM + r"\d]{1,3}日"
DATE_ANY = f"(?:(?:俄[曆历歷]|儒略[曆历])?{DATE_W}|{DATE_C})"
DATE_LINE_RE = re.compile(rf"^{DATE_ANY}(?:\s*[,，]?\s*{DATE_ANY})*$")
WESTERN_RE = re.compile(r"(?<![俄略])(\d{3,4})年(\d{1,2})月(\d{1,2})日")
CATEGORY_LINE_RE = re.compile(r"^(\S+) (\S+) (\S+)$")
DYNASTY_RE = re.compile(r"(?:朝|代|國|国)$")
ALIAS_RE = re.compile(r"^(?:又名|别名|別名|亦称|亦稱)\s*[:：]")
COLLECTION_RE = re.compile(r"^本作品[收][录錄][于於]")
NOTE_START_RE = re.compile(r"^(?:本(?:作品|條約|条约|界約|界约|章程|約|约|協定|协定|議定書|议定书|專條|专条|文)"
                           rf"|[{NUM}〇○\d]{{3,}}年|[(（].*[)）]$)")
NOTE_HAS_RE = re.compile(r"俄[曆历歷]|儒略[曆历]|[陽阳][曆历]|公[曆历]|西[曆历]")

# ------------------------------------------------------------------ the text
ARTICLE_RES = [
    re.compile(rf"^(第(?:[{NUM}]+|\d{{1,3}})[條条款])(?=\s|[、：:．.]|[^\s{NUM}\d年月日])"),
    re.compile(rf"^([{NUM}]+[條条款][、．.])"),
    re.compile(rf"^([{NUM}]+[、．.])"),
    re.compile(rf"^([{NUM}]{{1,3}})(?=[ \t　]+\S)"),
]
SUBITEM_RE = re.compile(r"^([甲乙丙丁戊己庚辛壬癸][、．.])")
EXCERPT_RE = re.compile(rf"^(?P<work>.{{0,30}}?)(?P<num>第(?P<n>[{NUM}]+)[條条款]|首段|序言|前言|序文)(?P<tail>.{{0,20}})$")
BARE_NUMERAL_RE = re.compile(r"^一[、．.]?(?=[^\s千百十年月日])")


def read(source: Source, text: str, digest: str) -> Reading:
    warnings: list[str] = []
    lines = [(no, line.strip()) for no, line in enumerate(text.split("\n"), 1)]
    content = [(no, s) for no, s in lines if s]
    if not content:
        raise TreatyError(source.file, "no text")
    punctuated = _punctuated("".join(s for _, s in content))

    header, body_from = _header(lines)
    hdr = _HeaderFacts(header)
    body_lines = [(no, s) for no, s in lines[body_from:]]
    prefix = source.id
    # a proofreading page of a scanned book: its lines are the printed lines (words run on)
    print_lines = not punctuated and any(kind == "fw:page-title" for _, kind, _ in header)
    body, has_articles = _body(source, body_lines, prefix, punctuated, warnings, print_lines)
    if not len(body):
        raise TreatyError(source.file, "no text after the header: the file holds only page furniture and header lines")
    _mark_revised_articles(body, hdr.notes)

    title = hdr.title or source.title
    front = None
    if header:
        front = E("front", E("div", *[_front_line(kind, s, no) for no, kind, s in header],
                            type_="source-header", xml_id=f"{prefix}-source-header"))

    when = hdr.when
    bibl = E(
        "bibl",
        E("title", title, level="m"),
        *[E("title", alias, type_="alt", level="m") for alias in hdr.aliases],
        E("note", hdr.category, type_="category") if hdr.category else None,
        E("note", hdr.dynasty, type_="period") if hdr.dynasty else None,
        E("note", hdr.parties_line, type_="parties") if hdr.parties_line else None,
        E("date", hdr.date_line, when=when, type_="signed") if hdr.date_line else None,
        _collection(hdr.collection) if hdr.collection else None,
        E("ref", source.url, target=iri(source.url)),
        E("extent", source.extent or ("complete text" if source.complete else "partial transcription"),
          xml_lang="en"),
        type_="source",
    )
    notes = E("notesStmt", E("note", source.note, type_="manifest", xml_lang="en")) if source.note else None
    parties = [p for p in re.split(r"[、,，]", hdr.parties_line or "") if p]
    title_en = f"{title}: TEI edition" + (f" (witness {source.siglum})" if source.siglum else "")
    keywords = [t for t in (hdr.category, hdr.dynasty) if t]
    tei_header = E(
        "teiHeader",
        file_desc(source, title, title_en, notes, bibl),
        encoding_desc(source, [
            E("p", "The page's furniture (navigation, site name, edit marks) is <fw>, and its header lines "
              "(title, parties, dates, collection, editorial notes) are <ab> in <front>, in the order of the "
              "source; their facts are also in this teiHeader. The preamble and articles are the text. "
              "Article numerals are kept as <label>; @n of an article is its ordinal in this witness, or the "
              "number the heading of a quoted article gives.", xml_lang="en")]),
        E("profileDesc",
          E("creation", E("date", hdr.date_line, when=when)) if hdr.date_line else None,
          lang_usage(),
          E("particDesc", E("listOrg", *[E("org", E("orgName", p), role="party") for p in parties],
                            type_="parties")) if parties else None,
          E("textClass", E("keywords", *[E("term", t) for t in keywords])) if keywords else None),
        revision_desc(source, digest),
    )
    text_el = E("text", front, E("body", *body))
    root = E("TEI", tei_header, text_el, xml_id=prefix, xml_lang=source.lang)
    for part in ("fileDesc", "profileDesc/{*}textClass", "profileDesc/{*}particDesc"):
        el = tei_header.find("{*}" + part)
        if el is not None:
            mark_scripts(el, source.script)
    if front is not None:
        mark_scripts(front, source.script)
    for div in body:
        mark_scripts(div, source.script)
    return Reading(root, warnings)


def _punctuated(s: str) -> bool:
    """Whether a text is punctuated: at least one mark per 60 characters."""
    marks = sum(1 for c in s if c in "。，,;；、")
    return marks * 60 >= len(s)


def furniture_kind(line: str) -> str | None:
    for kind, rx in FURNITURE:
        if rx.match(line):
            return kind
    return None


# ------------------------------------------------------------------ header

def _header(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str, str]], int]:
    """The header zone: (line number, kind, text) for each line of furniture and header,
    and the index of the first line of the text."""
    out: list[tuple[int, str, str]] = []
    title: str | None = None
    seen_field = False          # a header field (parties, date, collection) seen in this block
    i = 0
    n = len(lines)
    while i < n:
        no, s = lines[i]
        if not s:
            seen_field = False      # a header template is one block of lines
            i += 1
            continue
        kind = furniture_kind(s)
        if kind:
            if kind == "edit" or kind == "section-label":
                break          # an edit mark or 正文 opens the text
            if kind == "page-title":
                title = title or s
            out.append((no, f"fw:{kind}", s))
            i += 1
            continue
        if title is None and BREADCRUMB_LIST_RE.match(s) and i + 1 < n:
            out.append((no, "fw:breadcrumb", s))
            i += 1
            continue
        if EDIT_TAIL_RE.match(s) and EDIT_TAIL_RE.match(s).group("head") in ("正文", "原文", ""):
            break
        if _looks_like_text_start(s):
            break
        kind = _header_kind(s, title, seen_field, _block_closed(lines, i))
        if kind is None:
            break
        if kind in ("title", "category-line", "collapsed"):
            title = title or _title_of(kind, s)
        if kind in ("parties", "date", "collection", "note", "alias", "collapsed", "category-line"):
            seen_field = True
        out.append((no, kind, s))
        i += 1
    # blank lines after the header belong to neither: the text starts at the next line
    return out, i


def _block_closed(lines, i) -> bool:
    """Whether the block of non-blank lines holding line i ends in a blank line (not
    at the end of the file): a header template is such a block."""
    for no, s in lines[i:]:
        if not s:
            return True
    return False


def _looks_like_text_start(s: str) -> bool:
    if EXCERPT_RE.match(s) and not any(c in PUNCT for c in s):
        return True
    return any(rx.match(s) for rx in ARTICLE_RES[:3])


def _header_kind(s: str, title: str | None, seen_field: bool, closed: bool) -> str | None:
    short = len(s) <= 60 and not any(c in "。;；" for c in s)
    if title is None:
        if CATEGORY_LINE_RE.match(s) and DYNASTY_RE.search(s.split(" ")[2]) and short:
            return "category-line"
        if len(s) <= 30 and not any(c in PUNCT for c in s) and not DATE_LINE_RE.match(s):
            return "title"
        return None
    if s == title:
        return "title"
    if s.startswith(title + " ") and (WESTERN_RE.search(s) or "、" in s):
        return "collapsed"
    if ALIAS_RE.match(s):
        return "alias"
    if DATE_LINE_RE.match(s):
        return "date"
    if COLLECTION_RE.match(s):
        return "collection"
    if "、" in s and short and not any(c in ",，:：" for c in s) and len(s) <= 60 and not seen_field_date(s):
        return "parties"
    if NOTE_START_RE.match(s) or (NOTE_HAS_RE.search(s) and seen_field):
        return "note"
    if seen_field and closed:
        return "note"
    return None


def seen_field_date(s: str) -> bool:
    return bool(re.search(DATE_ANY, s))


def _title_of(kind: str, s: str) -> str:
    if kind == "category-line":
        return s.split(" ")[1]
    if kind == "collapsed":
        return s.split(" ")[0]
    return s


class _HeaderFacts:
    """What the header lines say, for the teiHeader."""

    def __init__(self, header: list[tuple[int, str, str]]):
        self.title = self.category = self.dynasty = None
        self.parties_line = self.date_line = self.collection = None
        self.aliases: list[str] = []
        self.notes: list[str] = []
        self.when = None
        for _, kind, s in header:
            if kind == "category-line" and self.title is None:
                self.category, self.title, self.dynasty = s.split(" ")
            elif kind == "title" and self.title is None:
                self.title = s
            elif kind == "fw:page-title" and self.title is None:
                self.title = s[len("Page:"):]
            elif kind == "collapsed":
                fields = s.split(" ")
                self.title = self.title or fields[0]
                for f in fields[1:]:
                    if "、" in f and self.parties_line is None:
                        self.parties_line = f
                    elif re.fullmatch(DATE_ANY, f):
                        self._date(f)
            elif kind == "parties" and self.parties_line is None:
                self.parties_line = s
            elif kind == "date":
                self._date(s)
            elif kind == "collection" and self.collection is None:
                self.collection = s
            elif kind == "alias":
                self.aliases.append(re.sub(r"^[^:：]*[:：]\s*", "", s))
            elif kind == "note":
                self.notes.append(s)

    def _date(self, s: str) -> None:
        m = WESTERN_RE.search(s)
        if m and self.when is None:
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                self.when = f"{y:04d}-{mo:02d}-{d:02d}"
                self.date_line = m.group(0)
        elif self.date_line is None and not m:
            self.date_line = s


def _front_line(kind: str, s: str, no: int) -> etree._Element:
    if kind.startswith("fw:"):
        return E("fw", s, type_=kind[3:])
    return E("ab", s, type_=kind)


def _collection(line: str) -> etree._Element:
    """The collection line; an unclosed 《 (witness B) is encoded as found."""
    m = re.match(r"^(本作品[收][录錄][于於])《([^》]*)(》?)(.*)$", line)
    if not m:
        return E("relatedItem", E("bibl", line), type_="collection")
    lead, name, close, tail = m.groups()
    bibl = E("bibl", lead, "《", E("title", name, level="s"), close + tail)
    if not close:
        bibl.append(E("note", "The closing 》 of the collection title is missing in the source; "
                      "kept as found.", type_="transcription", xml_lang="en"))
    return E("relatedItem", bibl, type_="collection")


# ------------------------------------------------------------------ revision notes

# The witness's own editorial note saying that it is the variant text (别本) and that
# its article N is in fact a later revision: 本界约为…别本…惟此别本之第十条内容实际上
# 就是乾隆时的“修改…第十条”. Matched on simplified characters.
SELF_VARIANT_RE = re.compile(r"^本界约为.{0,12}别本")
REVISED_RE = re.compile(r"此别本之第([一二三四五六七八九十]+)条内容实际上就是(.{0,8}?)时的[“「]([^”」]*)[”」]")


def _mark_revised_articles(divs: list[etree._Element], note_lines: list[str]) -> None:
    """Where the witness says of itself that an article is a later revision, the
    article's div gets @subtype="revised" and a note quoting the statement."""
    from ..chinese import normalise
    from ..dates import cn_number

    for line in note_lines:
        norm = normalise(line)
        if not SELF_VARIANT_RE.search(norm):
            continue
        for m in REVISED_RE.finditer(norm):
            n = str(cn_number(m.group(1)))
            for div in divs:
                if div.get("type") == "article" and div.get("n") == n:
                    div.set("subtype", "revised")
                    pos = 1 if len(div) and div[0].tag.endswith("}head") else 0
                    div.insert(pos, E("note", f"This article is a later revision, as the witness's own editorial "
                                      f"note says: {line[m.start():m.end()]}", type_="revision", xml_lang="en"))


# ------------------------------------------------------------------ the text

def _article_label(s: str, after_excerpt_head: bool) -> str | None:
    for rx in ARTICLE_RES:
        m = rx.match(s)
        if m:
            return m.group(1)
    if after_excerpt_head:
        m = BARE_NUMERAL_RE.match(s)
        if m:
            return m.group(0)
    return None


def _heading(s: str, nxt: str | None, punctuated: bool) -> bool:
    """A short line without punctuation followed by longer text is a heading, in a
    punctuated text (in an unpunctuated one every line lacks punctuation)."""
    if not punctuated or nxt is None or DATE_LINE_RE.match(s) or s.endswith(("日", "年", "月")):
        return False
    return len(s) <= 16 and not any(c in PUNCT + "()（）" for c in s) and len(nxt) > len(s)


class _Body:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.divs: list[etree._Element] = []
        self.current: etree._Element | None = None
        self.pending: list = []           # heads and furniture waiting for the next div
        self.ids: set[str] = set()
        self.articles = 0
        self.sections = 0

    def uid(self, base: str) -> str:
        uid, k = base, 1
        while uid in self.ids:
            k += 1
            uid = f"{base}-{k}"
        self.ids.add(uid)
        return uid

    def open(self, type_: str, n: str | None, base: str, subtype: str | None = None) -> etree._Element:
        div = E("div", type_=type_, n=n, subtype=subtype, xml_id=self.uid(f"{self.prefix}-{base}"))
        self.divs.append(div)
        self.current = div
        for el in self.pending:
            div.append(el)
        self.pending = []
        return div

    def para(self, *content) -> None:
        if self.current is None:
            self.open("text", None, "text")
        div = self.current
        k = sum(1 for c in div if c.tag.endswith("}p")) + 1
        div.append(E("p", *content, xml_id=self.uid(f"{div.get('{http://www.w3.org/XML/1998/namespace}id')}-p{k}")))

    def flush_as_text(self) -> None:
        """Heads met after a div's text, with no div of their own to open: they stay
        in place, as heading blocks of the text."""
        for el in self.pending:
            if el.tag.endswith("}head"):
                el.tag = el.tag[:-len("head")] + "ab"
                el.set("type", "heading")
            self.current.append(el)
        self.pending = []

    def furniture(self, el: etree._Element) -> None:
        if self.current is None or self.pending:
            self.pending.append(el)
        else:
            self.current.append(el)


def _body(source: Source, body_lines: list[tuple[int, str]], prefix: str, punctuated: bool,
          warnings: list[str], print_lines: bool = False) -> tuple[list[etree._Element], bool]:
    b = _Body(prefix)
    content = [(no, s) for no, s in body_lines if s]
    has_articles = any(_article_label(s, False) for _, s in content)
    after_head = False          # the previous line was a quotation heading
    last_n = 0
    for idx, (no, s) in enumerate(content):
        nxt = content[idx + 1][1] if idx + 1 < len(content) else None
        kind = furniture_kind(s)
        if kind:
            b.furniture(E("fw", s, type_=kind))
            continue
        m = EDIT_TAIL_RE.match(s)
        if m and m.group("head"):
            # a heading with its edit mark: 正文[编辑], 《咸豐條約》本 编辑
            head = m.group("head")
            sep = s[len(head):len(s) - len(m.group("mark"))]
            b.pending.append(E("head", head, sep, E("fw", m.group("mark"), type_="edit")))
            after_head = False
            continue
        m = EDIT_LEAD_RE.match(s)
        if m and b.pending:
            # mobile pages run the edit link of a heading into the next paragraph
            b.pending.append(E("fw", m.group("mark"), type_="edit"))
            s = m.group("rest")
        ex = EXCERPT_RE.match(s)
        if ex and not any(c in PUNCT for c in s) and nxt is not None and (ex.group("n") or ex.group("work")):
            # a quotation of one article (or of the preamble) under its own heading
            b.pending.append(E("head", s))
            if ex.group("n"):
                num = _label_number(ex.group("n"))
                n = str(num) if num is not None else str(b.articles + 1)
                b.open("article", n, f"art{n}", subtype="excerpt")
            else:
                b.open("preamble", "0", "preamble", subtype="excerpt")
            after_head = True
            continue
        in_excerpt = b.current is not None and b.current.get("subtype") == "excerpt"
        label = _article_label(s, after_head)
        if label and not in_excerpt:
            b.articles += 1
            n = str(b.articles)
            b.open("article", n, f"art{n}")
            num = _label_number(label)
            if num is not None:
                if last_n and num not in (last_n + 1, 1, last_n):
                    warnings.append(f"line {no}: article numbered {label.strip()} follows number {last_n}")
                last_n = num
        elif label is None:
            if _heading(s, nxt, punctuated):
                b.pending.append(E("head", s))
                continue
            if b.current is None or (b.pending and not has_articles):
                if has_articles and b.current is None:
                    b.open("preamble", "0", "preamble")
                elif has_articles:
                    b.flush_as_text()
                else:
                    b.sections += 1
                    b.open("section", str(b.sections), f"sec{b.sections}") if b.pending or b.current is not None \
                        else b.open("text", None, "text")
            elif b.pending:
                b.flush_as_text()
        if label:
            b.para(E("label", label, type_="numbering"), *_marked(s[len(label):]))
        else:
            sub = SUBITEM_RE.match(s)
            if sub:
                b.para(E("label", sub.group(1), type_="numbering"), *_marked(s[len(sub.group(1)):]))
            elif print_lines and b.current is not None and len(b.current) and b.current[-1].tag.endswith("}p"):
                append(b.current[-1], E("lb"), *_marked(s))
            else:
                b.para(*_marked(s))
        after_head = False
    if b.pending:
        if b.current is None:
            b.open("text", None, "text")
        else:
            b.flush_as_text()
    if b.divs and not source.complete:
        last = b.divs[-1]
        ps = [c for c in last if c.tag.endswith("}p")]
        extent = f" (what is transcribed: {source.extent})" if source.extent else ""
        gap = E("gap", E("desc", f"The transcription of this witness stops here{extent}; "
                                 "the text itself continues.", xml_lang="en"),
                reason="untranscribed", xml_id=f"{prefix}-transcription-ends")
        if ps:
            ps[-1].append(gap)
        else:
            last.append(E("p", gap))
    return b.divs, has_articles


#: a footnote's mark in the text, as a copied Wikisource page has it: 尼迢[1]來
NOTE_MARK_RE = re.compile(r"\[(\d{1,3})\]")


def _marked(s: str) -> list:
    """A line's text with its footnote marks as ``<ref type="noteref">`` (their notes are
    not on the copied page: no target), so that they are no words of the text."""
    out: list = []
    pos = 0
    for m in NOTE_MARK_RE.finditer(s):
        out += [s[pos:m.start()], E("ref", m.group(0), type_="noteref", n=m.group(1))]
        pos = m.end()
    return [x for x in out + [s[pos:]] if not (isinstance(x, str) and not x)]


def _label_number(label: str) -> int | None:
    from ..dates import cn_number

    digits = re.sub(rf"[^{NUM}]", "", label)
    if not digits:
        return None
    try:
        return cn_number(digits)
    except Exception:
        return None


