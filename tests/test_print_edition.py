"""The print edition as a Chinese critical edition: collation notes by clause, the 凡例,
name lines, running heads, the outline, registers by pinyin, and the archival PDF
(PDF/A-3a, tagged, the TEI attached). Real XSLT, real WeasyPrint, read back with
poppler and pikepdf."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from lxml import etree, html as lhtml

from conftest import copy_edition
from treatytei.chinese import script_normal, variant_rows
from treatytei.pdfa import problems
from treatytei.publish_pdf import _stylesheet, body_parts, publish, typeset

pytestmark = pytest.mark.slow

CLOSING = "，。；：！？、）」』,.;:!?)"
NUMERAL = "零一二三四五六七八九十百千"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return copy_edition(tmp_path_factory.mktemp("print-edition"))


@pytest.fixture(scope="module")
def pdf(edition):
    return publish(edition)


@pytest.fixture(scope="module")
def collation(edition):
    """The collation part's HTML, parsed."""
    parts = dict(body_parts(edition))
    return lhtml.fromstring(parts["collation-1"])


def lines(pdf) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def fold(s: str) -> str:
    """A reading compared as the notes must: no punctuation, one form per character."""
    standard = {a: b for a, b, _ in variant_rows()}
    return "".join(script_normal(standard.get(c, c)) for c in s if c.isalnum())


def notes(collation) -> list[str]:
    return [li.text_content() for li in collation.xpath("//div[@class='jiaokan']//li")]


def test_no_line_starts_with_a_collation_number_or_closing_punctuation(pdf, collation):
    number = re.compile(rf"^〔[{NUMERAL}]+〕")
    starts = [line for line in lines(pdf) if number.match(line) or line[0] in CLOSING]
    # the only lines that may start with a number are the notes themselves (the number,
    # then the note), one for each note
    in_text = [line for line in starts if not re.match(rf"^〔[{NUMERAL}]+〕\s*\S", line)
               or not any(line.split("〕", 1)[1].strip()[:6] in n for n in notes(collation))]
    assert in_text == []
    assert len(starts) == len(notes(collation)) > 40


def test_one_number_per_clause_at_its_end(collation):
    for p in collation.xpath("//section[contains(@class, 'cdiv')]/p[not(@class)]"):
        text = p.text_content()
        # never two numbers in a row, never a number after punctuation
        assert not re.search(r"〕〔", text), text[:40]
        assert not re.search(rf"[{CLOSING}]〔", text), text[:40]
        # a number is followed by clause-ending punctuation or ends the paragraph (but
        # for a note on the very point where a witness begins or breaks off)
        points = [a.text_content() for a in p.xpath(".//a[contains(@class, 'jk-at')]")]
        for m in re.finditer(rf"〔[{NUMERAL}]+〕", text):
            after = text[m.end():m.end() + 1]
            assert after == "" or after in "，。；：！？" or m.group() in points, text[m.start() - 5:m.end() + 3]
        # a number is kept with the character before it
        for ref in p.xpath(".//a[starts-with(@class, 'jk-ref')]"):
            keep = ref.getparent()
            assert keep.get("class") == "keep" and ((keep.text or "") != "" or ref.getprevious() is not None)


def test_no_note_is_punctuation_or_script_only(collation):
    found = notes(collation)
    assert found
    for note in found:
        for base, other in re.findall(r"「([^」]*)」，[A-Z、別]+本作「([^」]*)」", note):
            assert fold(base) != fold(other), note
        for quoted in re.findall(r"「([^」]*)」", note):
            assert fold(quoted), note                               # no punctuation-only quote
            assert quoted[0] not in CLOSING and quoted[-1] not in CLOSING, note


def test_markers_and_notes_link_both_ways(pdf, collation):
    refs = collation.xpath("//a[starts-with(@class, 'jk-ref')]")
    items = collation.xpath("//div[@class='jiaokan']//li")
    assert len(refs) == len(items)
    for ref in refs:
        target = collation.get_element_by_id(ref.get("href")[1:])
        back = target.xpath(".//a[@class='jk-no']")[0]
        assert back.get("href") == "#" + ref.get("id")
        assert back.text_content() == ref.text_content()            # 〔三〕 links to 〔三〕
    # and in the PDF: a link from every number to its note and from every note back
    import pikepdf
    with pikepdf.open(pdf) as doc:
        targets = []
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest") or (annot.get("/A") or {}).get("/D")
                if dest is not None and not isinstance(dest, pikepdf.Array):
                    targets.append(str(dest))
        names = doc.Root.Names.Dests.Names
        named = {str(names[i]) for i in range(0, len(names), 2)}
    to_notes = [t for t in targets if t.startswith("jk-")]
    to_numbers = [t for t in targets if t.startswith("jkr-")]
    assert len(to_notes) == len(to_numbers) == len(refs)
    assert set(to_notes) | set(to_numbers) <= named


def test_the_editorial_principles_state_the_counts(edition, collation):
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    app = etree.parse(str(edition.tei / "kyakhta-treaty-1727.apparatus.xml"))
    punctuation = len(app.xpath("//t:body//t:app[@type='punctuation' or @subtype='punctuation']", namespaces=ns))
    numbering = len(app.xpath("//t:body//t:app[@type='numbering']", namespaces=ns))
    silent = len(app.xpath("//t:rdg[@type='silent']", namespaces=ns))
    front = lhtml.fromstring(_stylesheet(edition, "front"))
    fanli = front.get_element_by_id("fanli").text_content()
    assert "凡例" in fanli
    assert f"標點之異{cn(punctuation)}處" in fanli
    assert f"不出校者{cn(silent)}處" in fanli
    assert f"條目序號之異{cn(numbering)}處" in fanli
    assert f"合爲校勘記{cn(len(notes(collation)))}條" in fanli
    for siglum in "ABC":
        assert f"{siglum}本，" in fanli                         # every witness with its siglum
    assert "以A本爲底本" in fanli
    assert "「甲」，B本作「乙」" in fanli                        # the formulae


def cn(n: int) -> str:
    """Chinese numerals as the print writes them (below 1000)."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    if n < 100:
        return ("" if n < 20 else d[n // 10]) + "十" + (d[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else "零" + d[rest] if rest < 10 else d[rest // 10] + "十" + (d[rest % 10] if rest % 10 else "")
    return d[n // 100] + "百" + tail


def test_outline_keeps_chinese_and_english_apart(pdf):
    import pikepdf
    titles = []
    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack += list(item.children)
    assert "第三條 · Article 3" in titles and "凡例 · Editorial principles" in titles
    assert not [t for t in titles if re.search(r"[\u3400-\u9fff][A-Za-z]|[A-Za-z][\u3400-\u9fff]", t)]


def test_running_heads_name_the_article_of_a_page_of_notes(pdf):
    import pikepdf
    with pikepdf.open(pdf) as doc:
        names = doc.Root.Names.Dests.Names
        index = {p.obj.objgen: i for i, p in enumerate(doc.pages)}
        pages = {str(names[i]): index[names[i + 1][0].objgen] + 1 for i in range(0, len(names), 2)}
    last_note = max((k for k in pages if k.startswith("jk-c1-art3-")), key=lambda k: int(k.rsplit("-", 1)[1]))
    page = pages[last_note]
    head = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", "0", "-y", "0",
                           "-W", "600", "-H", "60", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "第三條" in head or "第四條" in head, head


def test_registers_are_in_pinyin_order_with_romanisation_and_collation_pages(edition, pdf):
    parts, _ = typeset(edition)                    # from the cache: the pages are known
    back = [p for p in parts if p.name == "back"][0]
    assert back.meta["pages"] > 0
    pages = {}
    start = 1
    for part in parts[1:-1]:
        for anchor, i in part.meta["anchors"].items():
            pages.setdefault(anchor, start + i)
        start += part.meta["pages"]
    doc = lhtml.fromstring(_stylesheet(edition, "back", pages))
    for register in ("reg-persons", "reg-places", "reg-orgs"):
        entries = doc.get_element_by_id(register).xpath(".//div[@class='entry']")
        romanised = [e.xpath("string(.//span[@class='e-py'])") for e in entries]
        assert all(romanised), register                            # every entry romanised
        keys = [re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFD", r).lower()) for r in romanised]
        assert keys == sorted(keys), register
    # a name printed in the collated text is indexed there too
    in_collation = doc.get_element_by_id("reg-persons").xpath(".//a[@class='pref'][contains(@href, 'apparatus')]")
    assert in_collation and all(a.get("data-page").isdigit() for a in in_collation)


def test_names_carry_lines_by_default_and_colours_on_request(edition):
    lines_html = dict(body_parts(edition))["collation-1"]
    colours_html = dict(body_parts(edition, "colours"))["collation-1"]
    assert "names-lines" in lines_html and "names-colours" in colours_html
    css = (edition.xslt / "print" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.names-lines \.ent-title \{[^}]*underline wavy", css)


def test_pdf_is_pdfa_3a_tagged_with_the_tei_attached(edition, pdf):
    assert problems(pdf) == []
    import pikepdf
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "A")
        attached = {name: spec.get_file().read_bytes() for name, spec in doc.attachments.items()}
    assert set(attached) == {f.name for f in edition.tei_files()}
    for f in edition.tei_files():
        assert attached[f.name] == f.read_bytes()                 # the XML travels inside its print
    # an independent reader of the structure tree (poppler) finds, under one Document,
    # every heading of every part the volume was typeset in
    struct = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert struct.splitlines()[0].strip() == "Document"
    html = "".join(h for _, h in body_parts(edition)) + _stylesheet(edition, "front") + _stylesheet(edition, "back")
    for level in ("H1", "H2"):
        found = len(re.findall(rf"^\s*{level} ", struct, re.M))
        assert found == len(re.findall(rf"<{level.lower()}[ >]", html)) > 0, level


@pytest.mark.parametrize("breakage, expected", [
    (lambda doc: doc.Root.__delattr__("Metadata"), "no XMP metadata"),
    (lambda doc: doc.Root.__delattr__("AF"), "not listed in the catalog's /AF"),
    (lambda doc: doc.Root.__delattr__("MarkInfo"), "not marked as tagged"),
    (lambda doc: doc.Root.__delattr__("OutputIntents"), "no PDF/A output intent"),
    (lambda doc: setattr(doc.pages[3].obj, "StructParents", 99999), "not in the parent tree"),
])
def test_the_pdfa_check_catches_a_broken_file(pdf, tmp_path, breakage, expected):
    import pikepdf
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(pdf) as doc:
        breakage(doc)
        doc.save(broken)
    assert any(expected in p for p in problems(broken)), problems(broken)


def test_bag_says_which_pdfa_part(edition, pdf):
    from treatytei.package import package
    bag, _ = package(edition, include_site=False)
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    n = len(edition.tei_files())
    assert f"Print-Edition-Format: PDF/A-3a (ISO 19005-3), tagged, with {n} TEI files attached" in info


def test_a_character_beyond_noto_serif_cjk_gets_a_glyph(edition, tmp_path):
    """𦔳 (CJK Extension B, in a page of 清史紀事本末 added as a user would) is not in Noto
    Serif CJK: the print edition takes it from another installed font (fonts-hanazono, which
    ./edition installs) rather than drawing a box."""
    from treatytei.publish_pdf import typeset_part

    parts = dict(body_parts(edition))
    name, html = next(iter(parts.items()))
    html = html.replace("</body>", '<p lang="zh-Hant">當予以補𦔳聼俄國教徒居住</p></body>', 1)
    meta = typeset_part((html, edition.root.as_uri() + "/", None, str(tmp_path / "part.pdf"), str(tmp_path)))
    assert [f["name"] for f in meta["fonts"] if f["notdef"]] == []
    # the rest of the part stays in the edition's own fonts
    assert any("Noto" in f["name"] for f in meta["fonts"])
