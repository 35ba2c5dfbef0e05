"""Foundation: the two readers on the real sources, losslessness, determinism, safety."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import etree

from conftest import REPO, run_cli
from treatytei.chinese import char_class
from treatytei.convert import convert
from treatytei.tei import NS, XML_LANG, body_blocks, original_text, parse_file

A, B, W = "kyakhta-treaty-1727", "khalkha-trade-treaty-1727", "tacheng-protocol-1864"


@pytest.fixture
def converted(project):
    convert(project)
    return project


def tree(project, sid):
    return parse_file(project.tei / f"{sid}.xml").getroot()


def x(root, path):
    return root.xpath(path, namespaces=NS)


# ------------------------------------------------------------------ losslessness

@pytest.mark.parametrize("sid,fname,fmt", [(A, "zh-wikisource-kyakhta-treaty-1727.txt", "wikisource-treaty"),
                                            (B, "zh-wikisource-khalkha-trade-treaty-1727.txt", "wikisource-treaty"),
                                            (W, "zh-wikipedia-tacheng-protocol-1864.md", "wikipedia-markdown")])
def test_edition_sources_lossless(converted, sid, fname, fmt):
    """Every character of the source (but Markdown syntax) is in the TEI's <text>, in
    order: header lines in <front>, the text in <body> (treatytei.lossless, which does
    not share the readers' logic)."""
    from treatytei.lossless import check, source_chars, tei_chars
    text = (REPO / "sources" / fname).read_text(encoding="utf-8")
    root = tree(converted, sid)
    assert check(text, root, fmt) is None
    # a lost character is caught: drop one from the TEI and the check fails
    el = [e for e in x(root, "//tei:body//tei:p//*") if len((e.tail or "").strip()) > 2][0]
    el.tail = el.tail.strip()[1:]
    assert check(text, root, fmt) is not None
    assert len(source_chars(text, fmt)) > 500 and tei_chars(root, fmt)


def test_wikisource_header_lines_are_front_matter(converted):
    """The header block's lines are <ab> in <front>, verbatim and in order; the
    teiHeader has their facts."""
    a = tree(converted, A)
    lines = [ln for ln in (REPO / "sources" / "zh-wikisource-kyakhta-treaty-1727.txt").read_text(
        encoding="utf-8").split("\n")[:4]]
    abs_ = x(a, "//tei:front/tei:div[@type='source-header']/tei:ab")
    assert [original_text(e) for e in abs_] == lines
    assert [e.get("type") for e in abs_] == ["category-line", "parties", "date", "note"]
    assert not x(a, "//tei:body//tei:ab")
    assert list(body_blocks(a))[0].startswith("雍正五年九月初七日")


def test_markdown_header_material(converted):
    root = tree(converted, W)
    terms = [t.text for t in x(root, "//tei:textClass/tei:keywords/tei:term")]
    assert terms[0] == "1864年条约" and "中俄条约_(清朝)" in terms and len(terms) == 11
    ref = x(root, "//tei:term[.='中俄条约_(清朝)']/@ref")[0]
    assert ref == "https://zh.wikipedia.org/wiki/Category:中俄条约_(清朝)"   # escapes undone
    prov = x(root, "//tei:sourceDesc//tei:note[@type='provenance']")[0]
    assert original_text(prov) == "本文内容由中俄勘分西北界约记转换而来。"
    assert x(prov, "tei:ref/@target") == ["https://zh.wikipedia.org/wiki/中俄勘分西北界约记"]
    # in the text they are page furniture, where they stand, not paragraphs
    assert original_text(x(root, "//tei:body/tei:fw[@type='provenance']")[0]) == "本文内容由中俄勘分西北界约记转换而来。"
    assert len(x(root, "//tei:fw[@type='categories']/tei:ref[@type='category']")) == 11
    body_text = "".join(body_blocks(root))
    assert "Category" not in body_text and "本文内容由" not in body_text


# ------------------------------------------------------------------ the traps

def test_anchor_running_past_title_links_only_the_title(converted):
    root = tree(converted, W)
    ref = x(root, "//tei:ref[@target='https://zh.wikipedia.org/wiki/俄羅斯帝國']")[0]
    assert original_text(ref) == "俄羅斯帝國"
    following = ref.tail or original_text(ref.getnext())
    assert following.startswith("與")
    # the same for the simplified anchors: only the title is the link
    for target, title in [("领事裁判权", "领事裁判权"), ("中国", "中国"), ("钦差", "钦差"), ("巴尔喀什湖", "巴尔喀什湖")]:
        refs = x(root, f"//tei:ref[@target='https://zh.wikipedia.org/wiki/{target}']")
        assert [original_text(r) for r in refs] == [title]


def test_internal_and_external_links_are_typed_and_resolvable(converted):
    root = tree(converted, W)
    internal = x(root, "//tei:body//tei:ref[@type='internal']")
    external = x(root, "//tei:body//tei:ref[@type='external']")
    assert internal and external
    for r in internal + external:
        assert r.get("target").startswith("https://zh.wikipedia.org/wiki/")
    qing = x(root, "//tei:ref[.='清朝']")[0]
    assert qing.get("type") == "internal" and qing.get("target") == "https://zh.wikipedia.org/wiki/清朝"


def test_empty_parentheses_become_a_gap(converted):
    root = tree(converted, W)
    gaps = x(root, "//tei:body//tei:gap[@reason='lost-in-conversion']")
    assert len(gaps) == 1
    g = gaps[0]
    prev = g.getparent().text if g.getprevious() is None else g.getprevious().tail
    assert prev.endswith("(") and g.tail.startswith(")和等")


def test_unclosed_collection_title_kept_and_noted(converted):
    root = tree(converted, B)
    coll = x(root, "//tei:relatedItem[@type='collection']/tei:bibl")[0]
    assert original_text(coll) == "本作品收录于《雍正条约"
    assert x(coll, "tei:title/text()") == ["雍正条约"]
    assert "missing" in x(coll, "tei:note[@type='transcription']")[0].text


def test_mixed_scripts_are_marked(converted):
    """Every character only traditional texts use, in the simplified article, sits in
    a zh-Hant scope (and the reverse for the traditional witness)."""
    for sid, outer, other_cls, other_lang in [(W, "zh-Hans", "T", "zh-Hant"), (A, "zh-Hant", "S", "zh-Hans")]:
        root = tree(converted, sid)
        assert root.get(XML_LANG) == outer
        body = x(root, "//tei:text")[0]
        for node in body.iter():
            if not isinstance(node.tag, str):
                continue
            for text, owner in ((node.text, node), (node.tail, node.getparent())):
                if not text or owner is None:
                    continue
                lang = owner.xpath("ancestor-or-self::*[@xml:lang][1]/@xml:lang")[0]
                for c in text:
                    if char_class(c) == other_cls:
                        assert lang == other_lang, (sid, c, text)
    root = tree(converted, W)
    assert x(root, "//tei:seg[@xml:lang='zh-Hant'][.='這地區之土地原為百多年前於']")


def test_article_numbering_per_witness(converted):
    a, b = tree(converted, A), tree(converted, B)
    assert x(a, "//tei:body/tei:div/@type") == ["preamble", "article", "article", "article"]
    assert x(a, "//tei:div[@type='article']/@n") == ["1", "2", "3"]
    assert x(a, "//tei:div[@type='article']//tei:label/text()") == ["一、", "二、", "三、"]
    assert x(b, "//tei:div[@type='article']/@n") == [str(i) for i in range(1, 12)]
    assert set(x(b, "//tei:div[@type='article']//tei:label/text()")) == {"一、"}
    assert x(b, "//tei:div[@type='article'][@n='3']/@xml:id") == [f"{B}-art3"]
    assert not x(b, "//tei:div[@type='preamble']")


def test_incomplete_witness_ends_with_transcription_marker(converted):
    a, b = tree(converted, A), tree(converted, B)
    last = x(a, "//tei:body/tei:div[last()]//tei:p[last()]")[0]
    gap = last[-1]
    assert gap.tag.endswith("gap") and gap.get("reason") == "untranscribed" and not (gap.tail or "").strip()
    assert "continues" in original_text(gap) or "continues" in "".join(gap.itertext())
    assert original_text(last).endswith("額爾古訥河岸蒙古卡倫鄂博")
    assert not x(b, "//tei:gap[@reason='untranscribed']")


def test_header_parts(converted):
    a = tree(converted, A)
    assert x(a, "//tei:titleStmt/tei:title[@type='main']/text()") == ["恰克圖界約"]
    assert x(a, "//tei:particDesc//tei:orgName/text()") == ["清政府", "俄羅斯國"]
    assert x(a, "//tei:sourceDesc//tei:date/@when") == ["1727-10-21"]
    assert x(a, "//tei:sourceDesc//tei:ref/@target") == ["https://zh.wikisource.org/wiki/恰克图界约"]
    assert "article 3 up to" in x(a, "//tei:sourceDesc//tei:extent/text()")[0]
    assert x(a, "//tei:availability/tei:licence")
    assert x(a, "//tei:front//tei:ab[@type='note']/text()")[0].startswith("界約第十條修改於")
    # nothing of the header block leaks into the body
    assert "1727年10月21日" not in "".join(body_blocks(a))


@pytest.mark.slow
def test_valid_against_tei_all(converted, tei_all):
    for sid in (A, B, W):
        doc = etree.parse(str(converted.tei / f"{sid}.xml"))
        assert tei_all.validate(doc), (sid, str(tei_all.error_log))


def test_xml_model_pis(converted):
    head = (converted.tei / f"{A}.xml").read_text(encoding="utf-8").split("\n")[:3]
    assert head[1].startswith('<?xml-model href="../schema/treatytei.rng"')
    assert head[2].startswith('<?xml-model href="../schema/treatytei.sch"')


# ------------------------------------------------------------------ determinism

def test_deterministic_and_idempotent(project, tmp_path):
    convert(project)
    first = {p.name: p.read_bytes() for p in project.tei.glob("*.xml")}
    out = convert(project)
    assert {o.status for o in out} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in project.tei.glob("*.xml")} == first
    other = tmp_path / "again"
    shutil.copytree(project.root / "sources", other / "sources")
    (other / "tei").mkdir()
    from treatytei.project import Project
    convert(Project(other))
    assert {p.name: p.read_bytes() for p in (other / "tei").glob("*.xml")} == first


def test_committed_tei_matches_a_fresh_conversion_or_is_tracked(repo):
    """The committed master files are either exactly what the toolkit last wrote
    (fingerprint) or an editor's copy -- the fingerprint file knows which."""
    from treatytei.fileio import Fingerprints
    fp = Fingerprints(repo / "tei")
    for sid in (A, B, W):
        assert fp.state(f"{sid}.xml") in ("pristine", "edited")


# ------------------------------------------------------------------ safety

def test_refuses_to_overwrite_edited_file(project):
    convert(project)
    path = project.tei / f"{A}.xml"
    edited = path.read_bytes().replace("嗣後逃犯".encode(), "嗣后逃犯".encode())
    path.write_bytes(edited)
    r = run_cli("convert", cwd=project.root)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and f"tei/{A}.xml" in r.stderr and "--force" in r.stderr
    assert path.read_bytes() == edited
    r = run_cli("convert", "--force", cwd=project.root)
    assert r.returncode == 0, r.stderr
    backups = list((project.tei / ".backup").glob(f"{A}.*.xml"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert "嗣後逃犯" in path.read_text(encoding="utf-8")


def test_build_keeps_edited_file(project):
    convert(project)
    path = project.tei / f"{B}.xml"
    edited = path.read_bytes() + b"<!-- editor -->\n"
    path.write_bytes(edited)
    from treatytei.convert import convert as c
    outs = {o.id: o.status for o in c(project, build_mode=True)}
    assert outs[B] == "kept-edited" and outs[A] == "up-to-date"
    assert path.read_bytes() == edited


def test_untracked_existing_file_is_not_overwritten(project):
    (project.tei / f"{W}.xml").write_text("<TEI/>")
    r = run_cli("convert", W, cwd=project.root)
    assert r.returncode == 1 and "refusing" in r.stderr
    assert (project.tei / f"{W}.xml").read_text() == "<TEI/>"


def _manifest(project, text):
    (project.root / "sources" / "sources.toml").write_text(text, encoding="utf-8")


ENTRY = '''[[source]]
id = "{id}"
file = "{file}"
format = "{format}"
title = "t"
script = "Hans"
url = "https://example.org/x"
licence = "public domain"
'''


@pytest.mark.parametrize("case,expect", [
    ("unknown-format", "unknown format 'docx'"),
    ("duplicate-id", "duplicate id 'x'"),
    ("missing-file", "missing source file"),
    ("invalid-utf8", "invalid UTF-8 at byte"),
    ("empty-file", "empty file"),
    ("bad-toml", "not valid TOML"),
    ("missing-key", "has no 'url'"),
    ("control-char", "control character"),
])
def test_bad_input_gives_one_line_and_writes_nothing(project, case, expect):
    src = project.root / "sources"
    (src / "ok.txt").write_text("条约 甲 清朝\n甲、乙\n1727年10月21日\n\n一、正文。\n", encoding="utf-8")
    entry = ENTRY.format(id="x", file="ok.txt", format="wikisource-treaty")
    text = {
        "unknown-format": ENTRY.format(id="x", file="ok.txt", format="docx"),
        "duplicate-id": entry + "\n" + entry,
        "missing-file": ENTRY.format(id="x", file="nope.txt", format="wikisource-treaty"),
        "invalid-utf8": ENTRY.format(id="x", file="bad.txt", format="wikisource-treaty"),
        "empty-file": ENTRY.format(id="x", file="empty.txt", format="wikisource-treaty"),
        "bad-toml": "[[source]\nid=",
        "missing-key": entry.replace('url = "https://example.org/x"\n', ""),
        "control-char": ENTRY.format(id="x", file="ctrl.txt", format="wikisource-treaty"),
    }[case]
    (src / "bad.txt").write_bytes("条约 甲 清朝\n".encode() + b"\xff\xfe\n")
    (src / "empty.txt").write_bytes(b"")
    (src / "ctrl.txt").write_text("条约 甲 清朝\n\n一、正\x07文。\n", encoding="utf-8")
    # a good source listed first must not be written either
    good = ENTRY.format(id="good", file="ok.txt", format="wikisource-treaty")
    _manifest(project, good + "\n" + text if case != "bad-toml" else text)
    r = run_cli("convert", cwd=project.root)
    assert r.returncode == 1
    lines = r.stderr.strip().split("\n")
    assert len(lines) == 1, r.stderr
    assert expect in lines[0] and "Traceback" not in r.stderr
    assert "sources/" in lines[0]
    assert list(project.tei.iterdir()) == []



def test_a_bad_source_among_many_writes_nothing(project):
    """With enough sources to convert on every core, finished ones are written beside
    their targets while the rest convert; a bad source late in the list still leaves
    tei/ as it was: no TEI file, no temporary file, no fingerprints."""
    src = project.root / "sources"
    (src / "ok.txt").write_text("条约 甲 清朝\n甲、乙\n1727年10月21日\n\n一、正文。\n", encoding="utf-8")
    (src / "date.txt").write_bytes("条约 甲 清朝\n".encode() + b"\xff\n")
    (src / "ctrl.txt").write_text("一、正\x07文。\n", encoding="utf-8")
    entries = [ENTRY.format(id=f"good-{i:02d}", file="ok.txt", format="wikisource-treaty") for i in range(30)]
    entries.insert(25, ENTRY.format(id="late-bad", file="date.txt", format="wikisource-treaty"))
    entries.insert(5, ENTRY.format(id="early-bad", file="ctrl.txt", format="wikisource-treaty"))
    _manifest(project, "\n".join(entries))
    r = run_cli("convert", cwd=project.root)
    # every bad source is named, one line each
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.strip().split("\n")
    assert len(lines) == 2 and "date.txt: invalid UTF-8" in r.stderr and "ctrl.txt: line 1: character U+0007" in r.stderr
    assert list(project.tei.iterdir()) == []
    _manifest(project, "\n".join(e for e in entries if "-bad" not in e))
    r = run_cli("convert", cwd=project.root)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in project.tei.iterdir()) == [".fingerprints.json"] + [f"good-{i:02d}.xml" for i in range(30)]


def test_bom_and_crlf_have_defined_behaviour(project):
    src = project.root / "sources"
    raw = (src / "zh-wikisource-kyakhta-treaty-1727.txt").read_bytes()
    convert(project, [A])
    plain = (project.tei / f"{A}.xml").read_bytes()
    (src / "zh-wikisource-kyakhta-treaty-1727.txt").write_bytes(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    convert(project, [A], force=True)
    crlf = (project.tei / f"{A}.xml").read_bytes()
    # same text; only the recorded source checksum in revisionDesc differs
    strip = lambda b: re.sub(rb"sha256 [0-9a-f]{64}", b"", b)
    assert strip(crlf) == strip(plain)
    assert b"\r" not in crlf and b"\xef\xbb\xbf<" not in crlf


def test_unknown_id_is_an_error(project):
    r = run_cli("convert", "no-such-source", cwd=project.root)
    assert r.returncode == 1 and "no source with id 'no-such-source'" in r.stderr


# ------------------------------------------------------------------ Markdown features

MD = """> 本文内容由[某页](https://zh.wikipedia.org/wiki/某页)转换而来。

导言\\[1\\]，见[北京](../Page/北京.md "wikilink")与\\(括号\\)\\&。

## 甲

### 甲一

  - 项一
  - 项[二](https://example.org/x)

| 名 | 数 |
|----|----|
| 甲 | 1 |

## 注释

1.  注一的文字。

[Category:测试](https://zh.wikipedia.org/wiki/Category:测试 "wikilink")
"""


def test_markdown_structures(project):
    src = project.root / "sources"
    (src / "t.md").write_text(MD, encoding="utf-8")
    _manifest(project, ENTRY.format(id="t", file="t.md", format="wikipedia-markdown"))
    convert(project)
    root = tree(project, "t")
    secs = x(root, "//tei:body/tei:div[@type='section']")
    assert [original_text(s.find("{*}head")) for s in secs] == ["甲", "注释"]
    assert x(secs[0], "tei:div[@type='section']/tei:head/text()") == ["甲一"]   # nested
    assert x(root, "//tei:list/tei:item/text()")[0] == "项一"
    assert x(root, "//tei:table/tei:row[@role='label']/tei:cell/text()") == ["名", "数"]
    assert x(root, "//tei:table/tei:row[2]/tei:cell/text()") == ["甲", "1"]
    fnref = x(root, "//tei:ref[@type='noteref']")[0]
    assert fnref.text == "[1]" and fnref.get("target") == "#t-fn1"
    assert x(root, "//tei:note[@xml:id='t-fn1'][@place='foot']/text()") == ["注一的文字。"]
    p = x(root, "//tei:body/tei:p")[0]
    assert original_text(p) == "导言[1]，见北京与(括号)&。"
    assert x(root, "//tei:keywords/tei:term/text()") == ["测试"]
    assert x(root, "//tei:ref[.='北京']/@target") == ["https://zh.wikipedia.org/wiki/北京"]


def test_fingerprints_do_not_depend_on_the_checkout_folder(project, tmp_path):
    """A fresh clone elsewhere sees the committed TEI as up to date: nothing rewritten."""
    convert(project)
    moved = tmp_path / "elsewhere" / "edition"
    shutil.copytree(project.root, moved)
    from treatytei.project import Project
    outs = convert(Project(moved), build_mode=True)
    assert {o.status for o in outs} == {"up-to-date"}
    assert (moved / "tei" / ".fingerprints.json").read_bytes() == (project.tei / ".fingerprints.json").read_bytes()


def test_manifest_read_again_only_when_it_changed(project):
    """A build reads sources.toml in several steps; the parsed manifest is kept by its
    bytes, so an edit is always seen, and a source file deleted since is still reported."""
    from treatytei.errors import TreatyError
    from treatytei.manifest import load

    src = project.root / "sources"
    (src / "ok.txt").write_text("条约 甲 清朝\n甲、乙\n1727年10月21日\n\n一、正文。\n", encoding="utf-8")
    _manifest(project, ENTRY.format(id="one", file="ok.txt", format="wikisource-treaty"))
    assert [s.id for s in load(project.manifest)] == ["one"]
    _manifest(project, ENTRY.format(id="two", file="ok.txt", format="wikisource-treaty"))
    assert [s.id for s in load(project.manifest)] == ["two"]
    (src / "ok.txt").unlink()
    with pytest.raises(TreatyError, match="missing source file"):
        load(project.manifest)
