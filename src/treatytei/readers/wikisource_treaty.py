"""Reader for treaty texts exported from Chinese Wikisource as plain text.

Layout of such a file (the two 1727 witnesses follow it)::

    条约 恰克圖界約 清朝          <- category, title, dynasty
    清政府、俄羅斯國              <- the parties, separated by 、
    1727年10月21日                <- the treaty date (Gregorian)
    本作品收录于《雍正条约        <- optional collection line
    <editorial note lines ...>
                                  <- blank line: end of the header block
    <preamble paragraphs>
    一、<article text>            <- an article starts with a numeral and 、
    ...

The first block (up to the first blank line) is header material and goes to the
teiHeader; everything after it is the text. Article numbering differs between
witnesses (A counts 一、二、三、; B starts every article with 一、), so @n is the
article's ordinal in its witness, and the numeral stays in the text as a <label>.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import TreatyError
from ..header import encoding_desc, file_desc, lang_usage, mark_scripts, revision_desc
from ..manifest import Source
from ..tei import E, iri

ARTICLE_RE = re.compile(r"^([一二三四五六七八九十百〇零]+)([、．.])")
DATE_RE = re.compile(r"^(\d{3,4})年(\d{1,2})月(\d{1,2})日$")
COLLECTION_RE = re.compile(r"^本作品[收][录錄][于於]")


def read(source: Source, text: str, digest: str) -> etree._Element:
    lines = text.split("\n")
    blocks: list[list[tuple[int, str]]] = [[]]
    for no, line in enumerate(lines, 1):
        if line.strip():
            blocks[-1].append((no, line))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if not blocks:
        raise TreatyError(source.file, "no text")
    head_lines = blocks[0]
    if len(head_lines) < 3:
        raise TreatyError(source.file, f"line {head_lines[-1][0] + 1}: header block needs three lines "
                          "(category title dynasty / parties / date) before the first blank line")
    body_lines = [item for block in blocks[1:] for item in block]
    if not body_lines:
        raise TreatyError(source.file, "no text after the header block (expected a blank line, then the treaty text)")

    (n1, l1), (n2, l2), (n3, l3) = head_lines[:3]
    fields = l1.split(" ")
    if len(fields) != 3 or not all(fields):
        raise TreatyError(source.file, f"line {n1}: expected 'category title dynasty' separated by single spaces, got {l1!r}")
    category, title, dynasty = fields
    m = DATE_RE.match(l3.strip())
    if not m or l3 != l3.strip():
        raise TreatyError(source.file, f"line {n3}: expected the treaty date as YYYY年M月D日, got {l3!r}")
    y, mo, d = (int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        raise TreatyError(source.file, f"line {n3}: impossible date {l3!r}")
    when = f"{y:04d}-{mo:02d}-{d:02d}"
    rest = head_lines[3:]
    collection = None
    if rest and COLLECTION_RE.match(rest[0][1]):
        collection = rest[0][1]
        rest = rest[1:]
    note_lines = [line for _, line in rest]

    prefix = source.id
    body = _body(source, body_lines, prefix)
    _mark_revised_articles(body, note_lines)

    bibl = E(
        "bibl",
        E("title", title, level="m"),
        E("note", category, type_="category"),
        E("note", dynasty, type_="period"),
        E("note", l2, type_="parties"),
        E("date", l3, when=when, type_="signed"),
        _collection(collection, source) if collection else None,
        E("ref", source.url, target=iri(source.url)),
        E("extent", source.extent or ("complete text" if source.complete else "partial transcription"),
          xml_lang="en"),
        type_="source",
    )
    notes = E("notesStmt", *[E("note", line, type_="editorial", n=str(i))
                              for i, line in enumerate(note_lines, 1)]) if note_lines else None
    if source.note:
        if notes is None:
            notes = E("notesStmt")
        notes.append(E("note", source.note, type_="manifest", xml_lang="en"))

    parties = [p for p in l2.split("、") if p]
    title_en = f"{title}: TEI edition" + (f" (witness {source.siglum})" if source.siglum else "")
    tei_header = E(
        "teiHeader",
        file_desc(source, title, title_en, notes, bibl),
        encoding_desc(source, [
            E("p", "Header block of the source (category, title, period; parties; date; collection "
              "line; editorial note) is in the teiHeader; the preamble and articles are the text. "
              "Article numerals are kept as <label>; @n of an article is its ordinal in this witness.",
              xml_lang="en")]),
        E("profileDesc",
          E("creation", E("date", l3, when=when)),
          lang_usage(),
          E("particDesc", E("listOrg", *[E("org", E("orgName", p), role="party") for p in parties], type_="parties")),
          E("textClass", E("keywords", E("term", category), E("term", dynasty)))),
        revision_desc(source, digest),
    )
    root = E("TEI", tei_header, E("text", E("body", *body)), xml_id=prefix, xml_lang=source.lang)
    mark_scripts(tei_header.find("{*}fileDesc"), source.script)
    mark_scripts(tei_header.find("{*}profileDesc/{*}textClass"), source.script)
    mark_scripts(tei_header.find("{*}profileDesc/{*}particDesc"), source.script)
    for div in body:
        mark_scripts(div, source.script)
    return root


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
                    div.insert(0, E("note", f"This article is a later revision, as the witness's own editorial "
                                    f"note says: {line[m.start():m.end()]}", type_="revision", xml_lang="en"))


def _collection(line: str, source: Source) -> etree._Element:
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


def _body(source: Source, body_lines: list[tuple[int, str]], prefix: str) -> list[etree._Element]:
    divs: list[etree._Element] = []
    preamble: etree._Element | None = None
    article: etree._Element | None = None
    count = 0
    for no, line in body_lines:
        m = ARTICLE_RE.match(line)
        if m:
            count += 1
            article = E("div", type_="article", n=str(count), xml_id=f"{prefix}-art{count}")
            label = m.group(0)
            p = E("p", E("label", label, type_="numbering"), line[len(label):],
                  xml_id=f"{prefix}-art{count}-p1")
            article.append(p)
            divs.append(article)
        elif article is not None:
            article.append(E("p", line, xml_id=f"{prefix}-art{count}-p{len(article) + 1}"))
        else:
            if preamble is None:
                preamble = E("div", type_="preamble", n="0", xml_id=f"{prefix}-preamble")
                divs.append(preamble)
            preamble.append(E("p", line, xml_id=f"{prefix}-preamble-p{len(preamble) + 1}"))
    if not source.complete:
        last = divs[-1][-1]
        extent = f" (what is transcribed: {source.extent})" if source.extent else ""
        last.append(E("gap", E("desc", f"The transcription of this witness stops here{extent}; "
                                       "the text itself continues.", xml_lang="en"),
                      reason="untranscribed", xml_id=f"{prefix}-transcription-ends"))
    return divs
