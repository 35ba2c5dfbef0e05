"""Entities, the register and dates: tagging, linking, normalising, measuring."""

from __future__ import annotations

import shutil

import pytest
from lxml import etree

from conftest import REPO, run_cli
from treatytei.convert import convert
from treatytei.dates import DateError, chinese_to_gregorian, find_dates, julian_to_gregorian
from treatytei.enrich import Gazetteer, enrich, enrich_blocks
from treatytei.evaluate import TYPES, evaluate
from treatytei.tei import NS, original_text, parse_file

A, B, W = "kyakhta-treaty-1727", "khalkha-trade-treaty-1727", "tacheng-protocol-1864"


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer(REPO / "tei" / "register.xml")


@pytest.fixture
def enriched(project):
    shutil.copy(REPO / "tei" / "register.xml", project.tei / "register.xml")
    convert(project)
    enrich(project)
    return project


def x(root, path, **kw):
    return root.xpath(path, namespaces=NS, **kw)


def doc(p_inner: str, lang="zh-Hans"):
    xml = (f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="t" xml:lang="{lang}"><teiHeader/>'
           f"<text><body><p>{p_inner}</p></body></text></TEI>")
    return etree.fromstring(xml)


def body_xml(root) -> str:
    p = x(root, "//tei:p")[0]
    return etree.tostring(p, encoding="unicode").split(">", 1)[1].rsplit("</", 1)[0].replace(' xmlns="http://www.tei-c.org/ns/1.0"', "")


# ------------------------------------------------------------------ the register

def test_register_entities_have_names_in_both_scripts_types_and_notes():
    root = parse_file(REPO / "tei" / "register.xml").getroot()
    entities = x(root, "//tei:person | //tei:place | //tei:org")
    assert len(entities) >= 65
    for ent in entities:
        langs = set(x(ent, "*[self::tei:persName or self::tei:placeName or self::tei:orgName]/@xml:lang"))
        assert {"zh-Hans", "zh-Hant"} <= langs, ent.get("{http://www.w3.org/XML/1998/namespace}id")
        assert x(ent, "tei:note[@xml:lang='en']")
    for place in x(root, "//tei:place"):
        assert place.get("type")
    assert x(root, "//tei:place[@xml:id='pl-kyakhta']/tei:location/tei:geo/text()") == ["50.35 106.45"]
    assert x(root, "//tei:calendar/@xml:id") == ["gregorian", "julian", "chinese-qing", "chinese"]


@pytest.mark.parametrize("a,b,target", [
    ("鄂爾懷圖", "鄂尔辉图", "pl-erhuaitu"), ("齊克太", "齐克泰", "pl-chiketai"),
    ("察罕鄂拉", "察罕敖拉", "pl-chahanaola"), ("額爾古訥", "额尔固讷", "pl-argun"),
    ("尼布朝", "尼布楚", "pl-nerchinsk"), ("伊立禮", "萨瓦", "per-sava"),
])
def test_variant_spellings_of_both_witnesses_point_to_one_entry(enriched, a, b, target):
    ta, tb = (parse_file(enriched.tei / f"{s}.xml").getroot() for s in (A, B))
    refs_a = {e.get("ref") for e in x(ta, "//tei:body//*[@ref]") if original_text(e).startswith(a)}
    refs_b = {e.get("ref") for e in x(tb, "//tei:body//*[@ref]") if original_text(e).startswith(b)}
    assert refs_a == refs_b == {f"#{target}"}


def test_script_insensitive_matching(gaz):
    for text in ("在恰克圖議定", "在恰克图议定"):      # traditional and simplified
        root = doc(text)
        enrich_blocks(root, gaz)
        assert x(root, "//tei:placeName/@ref") == ["#pl-kyakhta"]
    root = doc("交辧理边务处")                            # a variant character (辧 for 辦)
    enrich_blocks(root, gaz)
    assert x(root, "//tei:orgName/@ref") == ["#org-frontier-office"]


def test_longest_match_first(gaz):
    root = doc("理藩院尚書圖禮善與理藩院衙门及中国西北地区")
    enrich_blocks(root, gaz)
    assert [(e.tag.split("}")[1], original_text(e)) for e in x(root, "//tei:p/*")] == [
        ("roleName", "理藩院尚書"), ("persName", "圖禮善"), ("orgName", "理藩院衙门"), ("placeName", "中国西北地区")]


def test_titles_inside_book_marks_but_no_places(gaz):
    root = doc("签订《中俄伊犁塔爾巴哈臺通商章程》，在伊犁")
    enrich_blocks(root, gaz)
    assert x(root, "//tei:title/@ref") == ["#treaty-kulja-1851"]
    assert x(root, "//tei:placeName/@ref") == ["#pl-ili"]        # only the one outside the title


# ------------------------------------------------------------------ editors' markup

def test_idempotent(enriched):
    before = {p.name: p.read_bytes() for p in enriched.tei.glob("*.xml")}
    out = enrich(enriched)
    assert all(n == 0 for _, n in out)
    assert {p.name: p.read_bytes() for p in enriched.tei.glob("*.xml")} == before


def test_editor_markup_and_ref_win(gaz):
    inner = ('<placeName ref="#pl-beijing">恰克圖</placeName>與<persName>圖禮善</persName>'
             '會同<hi rend="bold">俄</hi>國<!-- an editor\'s comment -->在恰克圖，至尼<hi rend="italic">布朝之</hi>地')
    root = doc(inner, "zh-Hant")
    enrich_blocks(root, gaz)
    out = body_xml(root)
    # the editor's elements, their @ref (even a wrong one) and the missing @ref stay as they were
    assert out.startswith('<placeName ref="#pl-beijing">恰克圖</placeName>與<persName>圖禮善</persName>會同')
    # a whole element inside a name is enclosed, unchanged
    assert '<orgName ref="#org-russia"><hi rend="bold">俄</hi>國</orgName>' in out
    assert "<!-- an editor's comment -->" in out
    assert '在<placeName ref="#pl-kyakhta">恰克圖</placeName>' in out
    # a name that would cut an editor's element is left untagged
    assert out.endswith('至尼<hi rend="italic">布朝之</hi>地')


def test_an_image_s_caption_is_tagged_and_its_file_name_is_not(gaz):
    """An image in a paragraph is a barrier there (its file name, Kyakhta_map.jpg, is no
    text); the rest of its caption (the figure's head) is a block of its own."""
    inner = ('見<figure><graphic url="https://zh.wikipedia.org/wiki/File:Kyakhta_map.jpg"/>'
             '<figDesc>恰克圖地圖</figDesc><head>恰克圖與北京</head></figure>北京')
    root = doc(inner, "zh-Hant")
    enrich_blocks(root, gaz)
    out = body_xml(root)
    assert '<figDesc>恰克圖地圖</figDesc>' in out
    assert '<head><placeName ref="#pl-kyakhta">恰克圖</placeName>與<placeName ref="#pl-beijing">北京</placeName></head>' in out
    assert out.endswith('</figure><placeName ref="#pl-beijing">北京</placeName>')


def test_a_name_with_a_footnote_mark_inside_is_one_name(gaz):
    """A copied Wikisource page keeps its footnote marks where they stand, inside names too
    (谿[3]爾莫勒津屯): the mark is no word and no break; the name takes it in whole."""
    root = doc('在恰克<ref type="noteref" n="1">[1]</ref>圖與北京<ref type="noteref" n="2">[2]</ref>',
               "zh-Hant")
    enrich_blocks(root, gaz)
    out = body_xml(root)
    assert out == ('在<placeName ref="#pl-kyakhta">恰克<ref type="noteref" n="1">[1]</ref>圖</placeName>與'
                   '<placeName ref="#pl-beijing">北京</placeName><ref type="noteref" n="2">[2]</ref>')


def test_a_state_s_name_before_zi_is_its_script(gaz):
    """以俄羅斯字、滿洲字繕寫 ("written in Russian and Manchu"): scripts, not the states;
    字據 after a name is a written pledge, and the name is one."""
    root = doc("以俄羅斯字、滿洲字繕寫，俄羅斯字據", "zh-Hant")
    enrich_blocks(root, gaz)
    assert body_xml(root) == '以俄羅斯字、滿洲字繕寫，<orgName ref="#org-russia">俄羅斯</orgName>字據'


def test_enrich_keeps_an_edited_file_marked_as_edited(enriched):
    from treatytei.fileio import Fingerprints
    path = enriched.tei / f"{A}.xml"
    text = path.read_text(encoding="utf-8").replace("嗣後逃犯", "嗣後逃犯，見於北京")
    path.write_text(text, encoding="utf-8")
    enrich(enriched)
    assert Fingerprints(enriched.tei).state(path.name) == "edited"
    root = parse_file(path).getroot()
    assert x(root, "//tei:placeName[.='北京']/@ref") == ["#pl-beijing"]


def test_name_across_a_link_and_a_script_run(enriched):
    w = parse_file(enriched.tei / f"{W}.xml").getroot()
    role = x(w, "//tei:roleName[@ref='#role-qinchai-northwest']")[0]
    assert original_text(role) == "钦差勘办西北界事宜大臣" and x(role, "tei:ref/text()") == ["钦差"]
    russia = x(w, "//tei:orgName[@ref='#org-russia']")[0]
    assert x(russia, "tei:ref/@xml:lang") == ["zh-Hant"] and original_text(russia) == "俄羅斯帝國"


def test_lossless_after_enrichment(enriched):
    """Enrichment adds markup, never characters."""
    from treatytei.lossless import check
    for sid, name, fmt in [(A, "zh-wikisource-kyakhta-treaty-1727.txt", "wikisource-treaty"),
                           (W, "zh-wikipedia-tacheng-protocol-1864.md", "wikipedia-markdown")]:
        root = parse_file(enriched.tei / f"{sid}.xml").getroot()
        text = (REPO / "sources" / name).read_text(encoding="utf-8")
        assert check(text, root, fmt) is None


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize("text,when,custom,method", [
    ("1864年10月7日", "1864-10-07", None, None),
    ("1755年", "1755", None, None),
    ("1851年", "1851", None, None),
    ("一七六八年十月三十日", "1768-10-30", None, None),
    ("同治三年", "1864", "同治 3", "#chinese-qing"),
    ("雍正五年九月初七日", "1727-10-21", "雍正 5-09-07", "#chinese-qing"),
    ("雍正五年闰三月初一日", "1727-04-21", "雍正 5-L03-01", "#chinese-qing"),
    ("俄曆一七六八年十月十八日", "1768-10-29", "1768-10-18", "#julian"),
    ("乾隆元年正月初一日", "1736-02-12", "乾隆 1-01-01", "#chinese-qing"),
])
def test_date_forms(text, when, custom, method):
    (start, end, v), = list(find_dates(text))
    assert (start, end) == (0, len(text))
    assert (v.when, v.when_custom, v.dating_method) == (when, custom, method)


def test_emperor_names_are_persons_not_dates(gaz):
    assert list(find_dates("乾隆帝派大軍")) == []
    root = doc("乾隆帝派大軍")
    enrich_blocks(root, gaz)
    assert x(root, "//tei:persName/@ref") == ["#per-qianlong"] and not x(root, "//tei:date")


def test_western_date_interrupted_by_its_reign_year(enriched):
    w = parse_file(enriched.tei / f"{W}.xml").getroot()
    outer = x(w, "//tei:date[@when='1864-10-07']")[0]
    assert original_text(outer) == "1864年（同治三年）10月7日"
    inner = x(outer, "tei:date")
    assert len(inner) == 1 and inner[0].get("when") == "1864" and original_text(inner[0]) == "同治三年"


@pytest.mark.parametrize("reign,published", [
    # Gregorian equivalents as printed beside the Chinese dates of treaties in the standard
    # collection of China's treaties (Wang Tieya, 中外舊約章彙編) and in the sources here
    ("雍正五年九月初七日", "1727-10-21"),        # Treaty of Kyakhta; both sources' header and preamble
    ("康熙二十八年七月二十四日", "1689-09-07"),  # Treaty of Nerchinsk
    ("道光二十二年七月二十四日", "1842-08-29"),  # Treaty of Nanking
    ("咸豐八年四月十六日", "1858-05-28"),        # Treaty of Aigun
    ("咸豐十年十月初二日", "1860-11-14"),        # Sino-Russian Treaty of Peking
    ("同治三年九月初七日", "1864-10-07"),        # Protocol of Chuguchak
    ("光緒七年正月二十六日", "1881-02-24"),      # Treaty of Saint Petersburg
    ("宣統三年八月十九日", "1911-10-10"),        # the Wuchang uprising
])
def test_qing_calendar_against_published_equivalents(reign, published):
    (_, _, v), = list(find_dates(reign))
    assert v.when == published


def test_calendar_limits():
    with pytest.raises(DateError):
        chinese_to_gregorian(3000, 1, 1)               # beyond every table
    with pytest.raises(DateError):
        chinese_to_gregorian(1768, 3, 1, leap=True)    # 1768 had no leap third month
    with pytest.raises(DateError):
        chinese_to_gregorian(1727, 9, 31)              # no 31st day
    assert julian_to_gregorian(1768, 10, 18).isoformat() == "1768-10-29"
    assert julian_to_gregorian(1700, 2, 18).isoformat() == "1700-02-28"
    assert julian_to_gregorian(1864, 9, 25).isoformat() == "1864-10-07"


def test_impossible_dates_are_not_tagged(gaz):
    root = doc("1864年13月40日")
    enrich_blocks(root, gaz)
    assert not x(root, "//tei:date[@when='1864-13-40']")


# ------------------------------------------------------------------ consistency

def test_same_day_in_three_calendars_is_linked_and_checked(enriched):
    a = parse_file(enriched.tei / f"{A}.xml").getroot()
    group = x(a, "//tei:front//tei:date[@corresp]")
    assert [d.get("when") for d in group] == ["1768-10-30", "1768-10-29", "1768-10-29"]
    r = run_cli("dates", "--check", cwd=enriched.root)
    assert r.returncode == 0
    assert "DISAGREE" in r.stdout and "一七六八年十月三十日  (Gregorian)  = 1768-10-30" in r.stdout
    assert "俄曆一七六八年十月十八日  (Julian)  = 1768-10-29" in r.stdout
    assert run_cli("dates", "--check", "--strict", cwd=enriched.root).returncode == 1
    r = run_cli("validate", cwd=enriched.root)
    assert r.returncode == 0 and "warning: [date-consistency]" in r.stdout


def test_stale_when_is_reported(enriched):
    path = enriched.tei / f"{A}.xml"
    path.write_text(path.read_text(encoding="utf-8").replace('when="1727-10-21" when-custom', 'when="1727-10-22" when-custom'),
                    encoding="utf-8")
    r = run_cli("dates", "--check", cwd=enriched.root)
    assert 'stale: "雍正五年九月初七日" has @when="1727-10-22" but its text gives 1727-10-21' in r.stdout


# ------------------------------------------------------------------ measured quality

def test_gold_precision_and_recall(repo):
    """The committed, enriched edition against the hand-made gold: P >= 0.95, R >= 0.90."""
    from treatytei.project import Project
    scores, diffs = evaluate(Project(repo), repo / "tests" / "gold")
    for t in TYPES:
        assert scores[t].gold > 0, t
        assert scores[t].precision >= 0.95, (t, diffs)
        assert scores[t].recall >= 0.90, (t, diffs)


def test_gold_spans_hold_the_text_they_claim(repo):
    from treatytei.evaluate import annotation_text_and_mentions, load_gold
    for gold in (p for p in (repo / "tests" / "gold").glob("*.tsv") if not p.name.endswith(".table.tsv")):
        text, _ = annotation_text_and_mentions(parse_file(repo / "tei" / f"{gold.stem}.xml").getroot())
        for m in load_gold(gold):
            assert text[m.start:m.end] == m.text
