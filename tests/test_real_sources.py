"""Real texts of both formats (tests/real-corpus, copied from the shared development
corpus with its SOURCES.tsv), added exactly as a user adds them -- `treatytei add` -- and
nothing else: each converts, is valid against the project schema and TEI All, and passes
the lossless check; their structure is counted against the source."""

from __future__ import annotations

import random
import re
import shutil

import pytest
from lxml import etree

from conftest import REPO, run_cli
from treatytei.add import add, plan
from treatytei.convert import convert
from treatytei.lossless import check
from treatytei.project import Project
from treatytei.tei import NS, parse_file

CORPUS = REPO / "tests" / "real-corpus"
FILES = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".md", ".txt"))
WITNESS_C = REPO / "sources" / "zh-daizhige-huangchao-jingshi-wen-xubian-kyakhta-arts-3-6-7.txt"


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A copy of the edition with every real-corpus file added by `add` (API)."""
    root = tmp_path_factory.mktemp("real") / "edition"
    for folder in ("sources", "schema", "xslt"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "tei").mkdir()
    project = Project(root)
    ids = {}
    for f in FILES:
        entry = plan(project, f)
        add(project, f, entry, lambda i: convert(project, i))
        ids[f.name] = entry
    return project, ids


def x(root, path):
    return root.xpath(path, namespaces=NS)


def test_corpus_is_there_with_its_attribution():
    assert len(FILES) == 31
    for folder in ("wikisource", "wikipedia-md", "other"):
        listed = {line.split("\t")[0] for line in (CORPUS / folder / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]}
        assert listed == {p.name for p in (CORPUS / folder).iterdir() if p.suffix in (".md", ".txt")}


@pytest.mark.slow
def test_every_file_converts_valid_and_lossless(added, tei_all):
    project, ids = added
    rng = etree.RelaxNG(etree.parse(str(REPO / "schema" / "treatytei.rng")))
    for f in FILES:
        entry = ids[f.name]
        doc = parse_file(project.tei / f"{entry.id}.xml")
        assert rng.validate(doc), (f.name, str(rng.error_log.last_error))
        assert tei_all.validate(doc), (f.name, str(tei_all.error_log.last_error))
        text = f.read_text(encoding="utf-8")
        miss = check(text, doc.getroot(), entry.format)
        assert miss is None, (f.name, miss.describe())
        # the copy in sources/ is the file, byte for byte
        assert (project.root / "sources" / entry.file).read_bytes() == f.read_bytes()


def _md_counts(text: str) -> dict:
    """Structure of a Markdown article counted from the text itself."""
    body = re.sub(r"<table>.*?</table>", "<table>", text, flags=re.S)
    return {
        "sections": len(re.findall(r"^#{1,6}\s", body, re.M)),
        "tables": len(re.findall(r"<table>", body)) + len(re.findall(r"^\|?\s*:?-{3,}", body, re.M)),
        "images": len(re.findall(r'"fig:[^"]*"\)|!\[', body)),
        "categories": len(re.findall(r"\[Category:", body)),
    }


def _tei_counts(root) -> dict:
    return {
        "sections": len(x(root, "//tei:div[@type='section']")),
        "tables": len(x(root, "//tei:table")),
        "images": len(x(root, "//tei:figure")),
        "categories": len(x(root, "//tei:fw[@type='categories']/tei:ref")),
    }


# What a reader of each file sees, checked by hand against the files (footnotes: the
# entries of the article's notes list; lists: top-level lists of the body, notes excluded)
EXPECTED_MD = {
    "01_qiaketu.md": (1, 1), "02_kulun_banshi_dachen.md": (1, 4), "03_qiaketu_jieyue.md": (9, 3),
    "05_zhonge_kanfen_dongjie_yueji.md": (10, 1), "06_zhuzha_dachen.md": (5, 4),
    "12_tangnu_wulianghai.md": (11, 2), "13_nibuchu_nerchinsk.md": (3, 1),
}


@pytest.mark.parametrize("name", [p.name for p in FILES if p.suffix == ".md"])
def test_markdown_structure_counted(added, name):
    project, ids = added
    f = CORPUS / "wikipedia-md" / name
    root = parse_file(project.tei / f"{ids[name].id}.xml").getroot()
    assert _tei_counts(root) == _md_counts(f.read_text(encoding="utf-8"))
    if name in EXPECTED_MD:
        notes, lists = EXPECTED_MD[name]
        assert len(x(root, "//tei:note[@place='foot']")) == notes
        assert len(x(root, "//tei:body//tei:list[not(ancestor::tei:list)]")) == lists
    # every note marker that has a note points at it
    for ref in x(root, "//tei:ref[@type='noteref'][@target]"):
        assert x(root, f"//*[@xml:id='{ref.get('target')[1:]}']")


@pytest.mark.parametrize("name, caption", [
    ("11_kobdo_canzan_dachen.md", "加蓋於中俄科布多界約。"),
    ("10_gerbiqi_he.md", "（Albazin）以西的石勒喀河左岸，也是目前主流观点"),
    ("12_tangnu_wulianghai.md", "将乌梁海区域划入"),
])
def test_the_rest_of_a_caption_the_dump_cut_off_is_the_image_s(added, name, caption):
    """[[File:…|thumb|[[A]]…。]] comes out of the dump as the image's link, the caption's
    last words and a literal ]]: those words are the figure's caption (its head), not the
    article's text, and no ]] is left in the text."""
    project, ids = added
    root = parse_file(project.tei / f"{ids[name].id}.xml").getroot()
    assert ["".join(h.itertext()) for h in x(root, "//tei:figure/tei:head")] == [caption]
    body = "".join(x(root, "//tei:body//text()[not(ancestor::tei:figure)]"))
    assert "]]" not in body and caption not in body


def test_a_wikilink_after_an_image_is_no_caption():
    """A ]] that closes a [[…]] of the text after an image ends no caption: the words stay text."""
    from lxml import etree
    from treatytei.readers.wikipedia_markdown import _caption_rests
    from treatytei.tei import E

    fig = E("figure", E("graphic", url="https://zh.wikipedia.org/wiki/File:x.jpg"))
    assert _caption_rests([fig, "見[[某城]]處"]) == [fig, "見[[某城]]處"]
    assert fig.find("{*}head") is None
    fig = E("figure", E("graphic", url="https://zh.wikipedia.org/wiki/File:x.jpg"))
    assert _caption_rests([fig, "加蓋於界約。]] 清代"]) == [fig, "清代"]
    assert etree.tostring(fig.find("{*}head"), encoding="unicode").endswith(">加蓋於界約。</head>")


@pytest.mark.parametrize("name", [p.name for p in FILES if p.suffix == ".md"])
def test_bold_next_to_chinese_is_bold_not_asterisks(added, name):
    """**[博爾濟吉特](…)**氏: CommonMark leaves those ** as text (punctuation inside, a letter
    outside); Chinese writes no space there, and the reader reads them as bold."""
    project, ids = added
    root = parse_file(project.tei / f"{ids[name].id}.xml").getroot()
    assert "**" not in "".join(x(root, "//tei:text//text()[not(ancestor::tei:ab[@type='code'])]"))


def test_emphasis_rule_for_chinese_keeps_commonmark_elsewhere():
    from treatytei.readers.wikipedia_markdown import _parser

    md = _parser()
    assert md.renderInline('**[博爾濟吉特](https://x/y)**氏') == '<strong><a href="https://x/y">博爾濟吉特</a></strong>氏'
    assert md.renderInline("氏**“X”**是") == "氏<strong>“X”</strong>是"
    assert md.renderInline("a **b** c, snake_case_word, x*y*z") == \
        "a <strong>b</strong> c, snake_case_word, x<em>y</em>z"
    assert md.renderInline("**(a)**b") == "**(a)**b"          # CommonMark's rule, outside Chinese


def test_footnote_marks_of_a_wikisource_page_are_marks_not_words(added):
    """08 (the Aigun treaty, a mobile page) keeps the marks of its footnotes inside names
    (尼迢[1]來·木喇電[2]岳福); its notes are not on the page. Each mark is a note reference
    without a target, and a witness's words for collation leave it out."""
    from treatytei.collation_tokens import sections

    project, ids = added
    root = parse_file(project.tei / f"{ids['08_aigun_treaty_1858_zh-hant_mobile.txt'].id}.xml").getroot()
    marks = x(root, "//tei:body//tei:ref[@type='noteref']")
    assert [m.get("n") for m in marks][:3] == ["1", "1", "2"] and not [m for m in marks if m.get("target")]
    assert all(m.text == f"[{m.get('n')}]" for m in marks)
    assert not re.search(r"\[\d+\]", "".join(x(root, "//tei:body//text()[not(ancestor::tei:ref)]")))
    words = "".join(t.text for s in sections(root) for t in s.tokens)
    assert "尼迢來·木喇電岳福" in words and "[" not in words


ARTICLE_LINE = re.compile(r"^\s*(第[一二三四五六七八九十]+[條条]|[一二三四五六七八九十]+條?、)")
# (articles, excerpted articles, furniture lines, header lines) per file
EXPECTED_WS = {
    "01_zhonge_kanfen_dongjie_yueji.txt": (0, 0, 2, 1),
    "02_qingshi_jishi_benmo_juan27.txt": (4, 0, 2, 1),
    "03_page_qingshi_jishi_benmo_3_djvu_26.txt": (0, 0, 2, 0),
    "04_page_qingshi_jishi_benmo_4_djvu_34.txt": (0, 0, 4, 0),
    "05_page_qingshi_jishi_benmo_5_djvu_48.txt": (0, 0, 4, 0),
    "06_uliastai_boundary_1869_zh-hans.txt": (1, 0, 3, 5),
    "07_manzhouli_boundary_1911_zh-hant.txt": (1, 0, 1, 3),
    "08_aigun_treaty_1858_zh-hant_mobile.txt": (3, 0, 1, 5),
    "09_ili_tarbagatai_trade_1851_zh-hans.txt": (6, 0, 3, 4),
    "10_tianjin_russia_1858_zh-hant.txt": (2, 0, 2, 7),
    "01_huangchao_jingshi_wen_xubian_322.txt": (0, 4, 4, 1),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_WS))
def test_wikisource_structure_counted(added, name):
    project, ids = added
    f = next(p for p in FILES if p.name == name)
    root = parse_file(project.tei / f"{ids[name].id}.xml").getroot()
    arts, excerpts, furniture, header = EXPECTED_WS[name]
    assert len(x(root, "//tei:div[@type='article'][not(@subtype='excerpt')]")) == arts
    assert len(x(root, "//tei:div[@subtype='excerpt']")) == excerpts
    assert len(x(root, "//tei:fw")) == furniture
    assert len(x(root, "//tei:front//tei:ab")) == header
    # numbered lines of the source are articles (an excerpt's own numbering aside)
    lines = f.read_text(encoding="utf-8").split("\n")
    assert len(x(root, "//tei:div[@type='article'][not(@subtype='excerpt')]")) == sum(
        1 for ln in lines if ARTICLE_LINE.match(ln))


def test_detected_metadata(added):
    _, ids = added
    e = ids["10_tianjin_russia_1858_zh-hant.txt"]
    assert (e.format, e.script, e.title, e.id) == ("wikisource-treaty", "Hant", "中俄天津條約", "zhong-e-tian-jin-tiao-yue")
    assert e.complete is False          # stops mid-word
    assert ids["09_ili_tarbagatai_trade_1851_zh-hans.txt"].script == "Hans"
    # one page of a scanned book, unpunctuated: a piece of the book, whatever its last mark
    assert ids["04_page_qingshi_jishi_benmo_4_djvu_34.txt"].complete is False
    md = ids["03_qiaketu_jieyue.md"]
    assert (md.format, md.title, md.complete) == ("wikipedia-markdown", "恰克图界约", True)


def test_excerpt_articles_take_their_number_from_the_heading(tmp_path):
    root = tmp_path / "ed"
    for folder in ("sources", "schema", "xslt"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "tei").mkdir()
    project = Project(root)
    # witness C is in sources/ already (added with `treatytei add`): its TEI
    tei = parse_file(REPO / "tei" / "kyakhta-treaty-1727-c.xml").getroot()
    assert x(tei, "//tei:body/tei:div/@n") == ["3", "6", "7"]
    assert set(x(tei, "//tei:body/tei:div/@subtype")) == {"excerpt"}
    assert ["".join(h.itertext()) for h in x(tei, "//tei:div[@n='3']/tei:head")] == ["中俄恰克图界约第三条通商约章类纂"]
    assert x(tei, "//tei:div[@n='3']/tei:p[1]/tei:label/text()") == ["一"]
    assert check(WITNESS_C.read_text(encoding="utf-8"), tei, "wikisource-treaty") is None
    del project


def test_add_cli_dry_run_then_add(project):
    src = CORPUS / "wikisource" / "07_manzhouli_boundary_1911_zh-hant.txt"
    before = project.manifest.read_bytes()
    r = run_cli("add", str(src), "--dry-run", cwd=project.root)
    assert r.returncode == 0, r.stderr
    assert 'id = "man-zhou-li-jie-yue"' in r.stdout and "complete = false" in r.stdout
    assert project.manifest.read_bytes() == before and not (project.root / "sources" / src.name).exists()
    r = run_cli("add", str(src), "--siglum", "A", "--work", "manzhouli-1911", cwd=project.root)
    assert r.returncode == 0, r.stderr
    assert (project.tei / "man-zhou-li-jie-yue.xml").exists()
    after = project.manifest.read_bytes()
    assert after.startswith(before)            # the rest of the manifest is untouched
    assert b'siglum = "A"' in after and b'work = "manzhouli-1911"' in after
    r = run_cli("add", str(src), cwd=project.root)
    assert r.returncode == 1 and "already in the edition" in r.stderr and r.stderr.count("\n") == 1


def test_add_takes_back_what_it_did_when_the_conversion_fails(project):
    bad = project.root.parent / "bad.txt"
    bad.write_text("甲\n一、正\x07文。\n", encoding="utf-8")
    before = project.manifest.read_bytes()
    r = run_cli("add", str(bad), cwd=project.root)
    assert r.returncode == 1 and "U+0007" in r.stderr and "Traceback" not in r.stderr
    assert project.manifest.read_bytes() == before
    assert not (project.root / "sources" / "bad.txt").exists()


def test_build_reports_every_failing_source_and_keep_going_publishes_the_rest(project):
    shutil.copy(REPO / "tei" / "register.xml", project.tei / "register.xml")
    for name, data in (("bad1.txt", b"\xff\xfe"), ("bad2.txt", "x\x01".encode())):
        (project.root / "sources" / name).write_bytes(data)
    with project.manifest.open("a", encoding="utf-8") as fh:
        for i, name in enumerate(("bad1.txt", "bad2.txt")):
            fh.write(f'\n[[source]]\nid = "bad-{i}"\nfile = "{name}"\nformat = "wikisource-treaty"\n'
                     f'title = "x"\nscript = "Hans"\nurl = "https://x.org"\nlicence = "pd"\n')
    r = run_cli("build", "--skip", "pdf", "--skip", "html", "--skip", "package", cwd=project.root)
    assert r.returncode == 1
    errs = [ln for ln in r.stderr.splitlines() if ln.startswith("treatytei: error:")]
    assert len(errs) == 2 and "bad1.txt" in errs[0] + errs[1] and "bad2.txt" in errs[0] + errs[1]
    assert [p.name for p in project.tei.glob("*.xml")] == ["register.xml"]
    r = run_cli("build", "--keep-going", "--skip", "pdf", "--skip", "html", "--skip", "package", cwd=project.root)
    assert r.returncode == 1 and "without 2 source(s)" in r.stderr
    assert (project.tei / "kyakhta-treaty-1727.xml").exists() and not (project.tei / "bad-0.xml").exists()


# ------------------------------------------------------------------ mutation (a derandomised slice)

def _mutate(text: str, rng: random.Random) -> str:
    ops = [
        lambda s, i: s[:i] + s[i + 1:],                                  # drop a character
        lambda s, i: s[:i] + rng.choice("\n\n 、。,|#[]()*-_>`!<{}一第條") + s[i:],
        lambda s, i: s[:i] + s[i:i + rng.randint(1, 40)] * 2 + s[i + 40:],  # duplicate a run
        lambda s, i: s[:i] + "\n" + s[i:].lstrip(),
        lambda s, i: s[i:] + s[:i],                                      # rotate
    ]
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(max(1, len(text)))
        text = rng.choice(ops)(text, i)
    return text


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_mutated_real_sources_give_valid_tei_or_one_clear_error(seed):
    """Every mutation a reader accepts gives valid TEI that passes the lossless check;
    none gives anything but a TreatyError (benchmarks/fuzz.py runs thousands)."""
    from treatytei.errors import TreatyError
    from treatytei.manifest import Source, decode_source
    from treatytei.readers import READERS
    from treatytei.tei import serialise

    rng_schema = etree.RelaxNG(etree.parse(str(REPO / "schema" / "treatytei.rng")))
    rng = random.Random(seed)
    for case in range(60):
        f = rng.choice(FILES)
        fmt = "wikipedia-markdown" if f.suffix == ".md" else "wikisource-treaty"
        text = _mutate(f.read_text(encoding="utf-8"), rng)
        src = Source(id="m", file=f, format=fmt, title="t", script="Hans", url="https://x.org", licence="x",
                     complete=rng.random() < 0.5)
        try:
            reading = READERS[fmt](src, decode_source(text.encode(), f), "0")
        except TreatyError:
            continue
        doc = etree.fromstring(serialise(reading.root))
        assert rng_schema.validate(doc), (seed, case, f.name, str(rng_schema.error_log.last_error))
        if fmt == "wikisource-treaty":   # Markdown mutations break the syntax the check strips
            miss = check(decode_source(text.encode(), f), doc, fmt)
            assert miss is None, (seed, case, f.name, miss.describe())


def test_markdown_constructs_beyond_the_dump(project):
    """Markdown the dump does not use but a converter may write: setext headings, a quote
    in a list, fenced and indented code, an HTML table inside a <div>, reference links,
    [^n] footnotes (put back where they were written), <sup>, &nbsp;, comments, autolinks,
    templates, -{…}-, wikitext <ref> left as text."""
    src = REPO / "tests" / "nasty" / "odd-markdown.md"
    entry = plan(project, src)
    add(project, src, entry, lambda i: convert(project, i))
    root = parse_file(project.tei / f"{entry.id}.xml").getroot()
    assert check(src.read_text(encoding="utf-8"), root, "wikipedia-markdown") is None
    assert x(root, "//tei:table/tei:row/tei:cell/tei:ref[.='北京']")          # the table in the <div>
    assert x(root, "//tei:ab[@type='code']") and x(root, "//tei:milestone")
    assert x(root, "//tei:note[@place='foot'][@n='note']/tei:lb")           # a two-paragraph footnote
    assert x(root, "//tei:ref[@type='noteref'][@target]")
    assert "&lt;ref name" in (project.tei / f"{entry.id}.xml").read_text(encoding="utf-8")


def test_the_end_of_a_wikisource_page_is_furniture(project):
    """A page copied to its end: the licence box, the categories, where it was taken from
    and when it was last edited are page furniture, never text of the treaty."""
    src = REPO / "tests" / "nasty" / "wikisource-page-end.txt"
    entry = plan(project, src)
    add(project, src, entry, lambda i: convert(project, i))
    root = parse_file(project.tei / f"{entry.id}.xml").getroot()
    assert check(src.read_text(encoding="utf-8"), root, "wikisource-treaty") is None
    last = x(root, "//tei:div[@type='article'][last()]")[0]
    assert "".join(x(last, "string(tei:p[last()])")).endswith("此後應順山嶺。")
    assert len(x(last, "tei:fw[@type='footer' or @type='breadcrumb']")) == 5
    assert x(root, "//tei:div[@type='article']/@n") == ["1", "2"]


def test_a_title_read_from_the_text_has_no_conversion_markup():
    """zh-Wikipedia writes 科-{布}-多 to keep 布 from script conversion: the title is 科布多…"""
    from treatytei.add import detect_title

    text = (REPO / "tests" / "real-corpus" / "wikipedia-md" / "11_kobdo_canzan_dachen.md").read_text(encoding="utf-8")
    assert detect_title("wikipedia-markdown", text, "x") == "科布多參贊大臣"
