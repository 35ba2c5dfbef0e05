"""Print edition (real WeasyPrint PDF, checked with poppler) and the deposit bag
(bagit's own validator)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

pytestmark = pytest.mark.slow
from lxml import etree

from conftest import REPO, copy_edition, run_cli
from treatytei.errors import TreatyError
from treatytei.package import package, verify
from treatytei.publish_pdf import publish as publish_pdf

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return copy_edition(tmp_path_factory.mktemp("print"))


@pytest.fixture(scope="module")
def pdf(edition):
    return publish_pdf(edition)


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pdf_objects(path) -> bytes:
    """The PDF's objects, object streams decompressed (the catalog may sit in one)."""
    import zlib
    data = path.read_bytes()
    out = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        try:
            out.append(zlib.decompress(data[m.end():end]))
        except zlib.error:
            pass
    return b"\n".join(out)


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_holds_every_source_and_the_notes(pdf):
    text = squeeze(pdftext(pdf))
    for passage in ["自議定之日起，兩國各自嚴管所屬之人",          # witness A (its own text; marks full-width)
                    "彼此各严饬所属，敦尚和睦，遵依定界",          # witness B
                    "中俄勘分西北界约记", "巴布科夫",                # the Wikipedia article
                    "校勘記",
                    "自議定之日起〔一〕，兩國各自嚴管所屬之人〔二〕。",  # the collated text: one number a clause
                    "「議定」二字，B本互乙；「起」，B本作「始」。",      # the variants of a clause in one note
                    "「鄂爾懷圖山」，B本作「鄂尔辉图山」；",           # (three witnesses: each named by its siglum)
                    "B本無「中國大臣會同俄國所遣使臣所定兩國邊界在」；",
                    "自此以下，底本（A本）錄文闕，據B本錄文。",        # where the base text's witness changes
                    "C本自此始。", "C本自此以下闕。",                 # where a witness begins and breaks off
                    "「另」，C本作「就近前往两国之人妥商设」。",       # B and C collated after A stops
                    "Registerofplaces", "50.35°N106.45°E", "Indexofdates"]:
        assert squeeze(passage) in text, passage
    assert "〔一〕" in text and "〔四十〕" in text                   # numbered notes, past ten
    # C has no punctuation: it is never noted for lacking a mark, nor where its words are
    # the base's without its punctuation; punctuation is not noted at all (the 凡例 counts it)
    assert not re.search(r"無「[,，、;；。:：]*」", text)
    assert "「,」" not in text and "「，」" not in text
    assert squeeze("「鄂博,」，C本作「鄂博」") not in text


def test_pdf_metadata_and_embedded_cjk_font(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Qing–Russian Treaty Texts", info, re.M)
    assert re.search(r"^Author:\s+The treatytei project", info, re.M)
    assert re.search(r"^Pages:\s+(\d+)", info, re.M) and int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) >= 10
    assert b"/Lang (zh)" in pdf_objects(pdf)          # the document language, in the catalog
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [l for l in fonts.splitlines() if "Noto-Serif-CJK" in l]
    assert cjk and all(l.split()[-5] == "yes" for l in cjk), fonts          # emb = yes


def test_pdf_pages_render(pdf):
    from PIL import Image, ImageStat
    ARTIFACTS.mkdir(exist_ok=True)
    for page in (1, 2, 9):
        out = ARTIFACTS / f"pdf-page-{page}"
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(out)], check=True)
        img = Image.open(f"{out}.png").convert("L")
        assert ImageStat.Stat(img).stddev[0] > 5        # not a blank page


def test_pdf_is_reproducible(edition, pdf, tmp_path):
    again = publish_pdf(edition, tmp_path / "again.pdf")
    assert again.read_bytes() == pdf.read_bytes()


# ------------------------------------------------- the volume put together from parts

def _crop_text(pdf, page: int, rect) -> str:
    """The text poppler finds inside ``rect`` (PDF points, origin bottom left) of a page (1-based)."""
    x1, y1, x2, y2 = (float(v) for v in rect)
    height = 841.89
    args = ["pdftotext", "-enc", "UTF-8", "-r", "72", "-f", str(page), "-l", str(page),
            "-x", str(int(min(x1, x2)) - 1), "-y", str(int(height - max(y1, y2)) - 3),
            "-W", str(int(abs(x2 - x1)) + 3), "-H", str(int(abs(y2 - y1)) + 5), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _folio(pdf, page: int) -> str:
    return _crop_text(pdf, page, (0, 0, 595, 55)).strip()        # the bottom margin


def _named_pages(doc) -> dict:
    names = doc.Root.Names.Dests.Names
    index = {p.obj.objgen: i for i, p in enumerate(doc.pages)}
    return {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}


def test_pdf_page_numbers_in_contents_and_registers_are_the_folios_they_lead_to(pdf):
    """Every page number printed in the contents, and those of the registers, is the
    folio printed on the page its link leads to, across the parts the volume was
    typeset in (front in roman numerals, the body from 1)."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        named = _named_pages(doc)
        checked = {"contents": 0, "registers": 0}
        for i, page in enumerate(doc.pages):
            # a link may be drawn as several boxes (a title in another script, the number): one area
            areas: dict[str, list[float]] = {}
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Dest") is not None:
                    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                    a = areas.setdefault(str(annot.Dest), [x1, y1, x2, y2])
                    areas[str(annot.Dest)] = [min(a[0], x1), min(a[1], y1), max(a[2], x2), max(a[3], y2)]
            for dest, rect in areas.items():
                target = named[dest]                              # every link resolves
                shown = _crop_text(pdf, i + 1, rect)
                number = re.findall(r"(\d+|[ivxl]+)[).,;]*\s*$", shown.strip())   # a register's "p. 4;"
                if i == 1:
                    kind = "contents"
                elif number and checked["registers"] < 40:
                    kind = "registers"
                else:
                    continue
                assert number, (i + 1, dest, shown)
                assert number[0] == _folio(pdf, target + 1), (i + 1, dest, shown)
                checked[kind] += 1
        labels = doc.Root.PageLabels.Nums
    # the 凡例, 4 texts, 1 collation, 4 registers
    assert checked["contents"] == 10 and checked["registers"] == 40, checked
    front = int(labels[2])
    assert _folio(pdf, 2) == "ii" and _folio(pdf, front) == "iii"   # front matter: title, contents, 凡例
    assert _folio(pdf, front + 1) == "1"                              # then the body from 1
    assert [int(labels[0]), str(labels[1].S), str(labels[3].S)] == [0, "/r", "/D"]


def test_pdf_embeds_each_font_once_for_every_part(edition, pdf):
    """The parts' font subsets are replaced by one subset per font, and every glyph any
    part draws has in it the outline that part's own subset had."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    def files(doc):
        out = {}
        for page in doc.pages:
            for font in page.obj.Resources.Font.values():
                desc = font.DescendantFonts[0].FontDescriptor
                out.setdefault(str(font.BaseFont)[8:], set()).add(desc.FontFile3.objgen)
        return out

    def programs(stream, gids):
        cff = TTFont(io.BytesIO(stream.read_bytes()))["CFF "].cff
        top = cff[cff.fontNames[0]]
        order = top.getGlyphOrder()
        result = {}
        for g in gids:
            cs = top.CharStrings[order[g]]
            cs.decompile()
            result[g] = [op for op in cs.program if not isinstance(op, (int, float))]
        return result

    with pikepdf.open(pdf) as doc:
        per_font = files(doc)
        assert per_font and all(len(objs) == 1 for objs in per_font.values()), per_font
        merged = {}
        for page in doc.pages:
            for font in page.obj.Resources.Font.values():
                merged[str(font.BaseFont)[8:]] = font.DescendantFonts[0].FontDescriptor.FontFile3
        parts = sorted((edition.root / "build" / "pdf" / "parts").glob("*.pdf"))
        assert len(parts) == 7                                   # 4 texts, 1 collation, back, front
        for part in parts:
            with pikepdf.open(part) as p:
                for font in {f.objgen: f for pg in p.pages for f in pg.obj.Resources.Font.values()}.values():
                    gids = set()
                    w = list(font.DescendantFonts[0].W)
                    for k in range(0, len(w), 2):
                        gids |= set(range(int(w[k]), int(w[k]) + len(w[k + 1])))
                    own = programs(font.DescendantFonts[0].FontDescriptor.FontFile3, gids)
                    assert own == programs(merged[str(font.BaseFont)[8:]], gids), (part.name, str(font.BaseFont))
    assert pdf.stat().st_size < 2_000_000


def test_pdf_rebuild_typesets_only_the_changed_part(edition, pdf, tmp_path):
    """An editor changes one character of one text: that part alone is typeset again (the
    registers and the contents print the same page numbers, so their parts are as
    before), and the volume is the same, byte for byte, as one typeset from nothing."""
    from treatytei.publish_pdf import typeset

    f = edition.tei / "tacheng-protocol-1864.xml"
    original = f.read_text(encoding="utf-8")
    body = original.index("<body")
    at = original.index("的", body)
    f.write_text(original[:at] + "之" + original[at + 1:], encoding="utf-8")
    try:
        parts, done = typeset(edition)
        assert done == 1, done
        assert typeset(edition)[1] == 0                     # nothing changed since
        assert [p.name for p in parts][1:4] == ["text-khalkha-trade-treaty-1727", "text-kyakhta-treaty-1727",
                                                "text-tacheng-protocol-1864"]
        fonts = edition.root / "build" / "pdf" / "fonts"
        (fonts / ("0" * 64)).write_bytes(b"a font no part uses any more")
        again = publish_pdf(edition, tmp_path / "edited.pdf")
        assert "之" in pdftext(again)
        # the fonts kept are exactly those the parts embed
        assert {f.name for f in fonts.iterdir()} == {f["font"] for p in parts for f in p.meta["fonts"]}
        shutil.rmtree(edition.root / "build" / "pdf")
        fresh = publish_pdf(edition, tmp_path / "fresh.pdf")
        assert fresh.read_bytes() == again.read_bytes()
    finally:
        f.write_text(original, encoding="utf-8")
        publish_pdf(edition)


def test_chinese_note_numbers_beyond_ninety_nine(edition):
    from treatytei import saxon
    proc = saxon.processor()
    # call the stylesheet's own function through a tiny wrapper stylesheet
    wrapper = (f'<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:tt="urn:treatytei">'
               f'<xsl:import href="{(edition.xslt / "print" / "print.xsl").as_uri()}"/>'
               f'<xsl:template name="t"><x><xsl:value-of select="string-join((1, 10, 11, 20, 99, 100, 105, 110, 999, 1000, 1005) ! tt:cn(.), \' \')"/></x></xsl:template>'
               f'</xsl:stylesheet>')
    t = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=wrapper)
    t.set_parameter("tei-dir", proc.make_string_value(edition.tei.as_uri() + "/"))
    out = t.call_template_returning_string("t")
    assert "一 十 十一 二十 九十九 一百 一百零五 一百一十 九百九十九 一千 一千零五" in out


# ------------------------------------------------------------------ the bag

@pytest.fixture(scope="module")
def bag(edition, pdf):
    from treatytei.publish_html import publish
    publish(edition)
    return package(edition, include_site=True)


def test_bag_is_valid_and_complete(edition, bag):
    bag_dir, zipped = bag
    assert verify(bag_dir) == []
    names = {p.relative_to(bag_dir).as_posix() for p in bag_dir.rglob("*") if p.is_file()}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
            "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"} <= names
    for f in ("kyakhta-treaty-1727.xml", "khalkha-trade-treaty-1727.xml", "tacheng-protocol-1864.xml",
              "register.xml", "kyakhta-treaty-1727.apparatus.xml"):
        assert f"data/tei/{f}" in names
        assert f"data/metadata/{f[:-4]}.dc.xml" in names
    assert {"data/schema/treatytei.rng", "data/schema/treatytei.sch", "data/schema/tei-p5/tei_all.rng",
            "data/print/treatytei-edition.pdf", "data/site/index.html"} <= names
    info = (bag_dir / "bag-info.txt").read_text(encoding="utf-8")
    for key in ("Source-Organization: The treatytei project", "Contact-Name:", "Bagging-Date: 2026-11-21",
                "External-Description:", "Licence:", "Title:"):
        assert key in info
    dc = etree.parse(str(bag_dir / "data" / "metadata" / "kyakhta-treaty-1727.dc.xml")).getroot()
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert dc.xpath("dc:title/text()", namespaces=ns)[0] == "恰克圖界約"
    assert "1727-10-21" in dc.xpath("dc:coverage/text()", namespaces=ns)
    assert dc.xpath("dc:language/text()", namespaces=ns) == ["zh-Hant"]
    assert any("public domain" in r for r in dc.xpath("dc:rights/text()", namespaces=ns))


def test_zip_is_reproducible(edition, bag):
    _, zipped = bag
    first = zipped.read_bytes()
    _, again = package(edition, include_site=True)
    assert again.read_bytes() == first
    with zipfile.ZipFile(zipped) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(2026, 11, 21, 0, 0, 0)}


def test_corrupted_file_is_detected(edition, bag, tmp_path):
    bag_dir, _ = bag
    copy = tmp_path / "bag"
    shutil.copytree(bag_dir, copy)
    victim = copy / "data" / "tei" / "kyakhta-treaty-1727.xml"
    victim.write_bytes(victim.read_bytes().replace("恰克圖".encode(), "恰克图".encode(), 1))
    problems = verify(copy)
    assert problems and any("kyakhta-treaty-1727.xml" in p for p in problems)
    r = run_cli("verify-bag", str(copy), cwd=edition.root)
    assert r.returncode == 1 and "INVALID" in r.stdout
    (copy / "data" / "tei" / "register.xml").unlink()
    assert any("register.xml" in p for p in verify(copy))


def test_refuses_invalid_tei(tmp_path):
    ed = copy_edition(tmp_path / "ed")
    path = ed.tei / "tacheng-protocol-1864.xml"
    path.write_text(path.read_text(encoding="utf-8").replace('type="section"', 'type="chapter"', 1), encoding="utf-8")
    with pytest.raises(TreatyError, match="refusing to package TEI that does not validate"):
        package(ed, include_site=False, include_pdf=False)
    assert not (ed.dist / "treatytei-bag").exists()


def test_names_what_the_header_lacks(tmp_path):
    ed = copy_edition(tmp_path / "ed")
    path = ed.tei / "kyakhta-treaty-1727.xml"
    text = re.sub(r"<availability.*?</availability>", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"<revisionDesc.*?</revisionDesc>", "", text, flags=re.S)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TreatyError) as err:
        package(ed, include_site=False, include_pdf=False)
    msg = err.value.line()
    assert "tei/kyakhta-treaty-1727.xml" in msg and "a licence" in msg and "a revision history" in msg
