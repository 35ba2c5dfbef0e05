"""Incremental publication: after an editor changes one TEI file, the site renders only
the pages made from it and the bag rewrites only what changed -- and both come out
byte-identical to a build from nothing."""

from __future__ import annotations

import re

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
from conftest import REPO, copy_edition, publish_site

from treatytei.buildstate import BuildState
from treatytei.package import package, verify
from treatytei.project import Project
from treatytei.publish_html import publish


def edit_body(path: Path, char: str = "〇") -> None:
    """An editor's change: a character at the start of the body's first paragraph."""
    text = path.read_text(encoding="utf-8")
    i = text.index("<p", text.index("<body"))
    j = text.index(">", i) + 1
    path.write_text(text[:j] + char + text[j:], encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def edition(tmp_path) -> Project:
    return copy_edition(tmp_path / "edition")


def test_one_edited_text_renders_only_its_pages(edition, tmp_path):
    state = BuildState(edition.root)
    publish_site(edition, state=state)
    state.save()
    before = inodes(edition.site)
    edit_body(edition.tei / "tacheng-protocol-1864.xml")
    publish_site(edition, state=BuildState(edition.root))
    after = inodes(edition.site)
    rewritten = sorted(p for p in after if before.get(p) != after[p])
    # the text's page in the three scripts, its TEI copy and its DTS answers, the search
    # index -- nothing else
    dts = [p for p in rewritten if p.startswith("dts/")]
    assert dts and all(re.match(r"dts/(collection|document|navigation)/tacheng-protocol-1864[;/.]", p) for p in dts), dts
    assert [p for p in rewritten if not p.startswith("dts/")] == [
        "assets/search-index-hans.js", "assets/search-index-hant.js", "assets/search-index-orig.js",
        "tacheng-protocol-1864.html", "tei/tacheng-protocol-1864.xml",
        "zh-Hans/tacheng-protocol-1864.html", "zh-Hant/tacheng-protocol-1864.html"]
    assert "〇" in (edition.site / "tacheng-protocol-1864.html").read_text(encoding="utf-8")
    # and the result is the site a build from nothing makes
    fresh = copy_edition(tmp_path / "fresh")
    shutil.copy2(edition.tei / "tacheng-protocol-1864.xml", fresh.tei / "tacheng-protocol-1864.xml")
    assert tree(publish_site(fresh)) == tree(edition.site)


def test_a_changed_name_rerenders_the_registers(edition):
    state = BuildState(edition.root)
    publish(edition, state=state)
    state.save()
    before = inodes(edition.site)
    path = edition.tei / "tacheng-protocol-1864.xml"
    text = path.read_text(encoding="utf-8")
    i = text.index("<placeName", text.index("<body"))
    path.write_text(text[:i] + "<placeName ref=\"#pl-kyakhta\">恰克图</placeName>" + text[i:], encoding="utf-8")
    publish(edition, state=BuildState(edition.root))
    after = inodes(edition.site)
    rewritten = {p for p in after if before.get(p) != after[p]}
    assert {"places.html", "persons.html", "organisations.html", "dates.html", "zh-Hant/places.html"} <= rewritten
    assert "index.html" not in rewritten and "kyakhta-treaty-1727.html" not in rewritten
    occ = (edition.site / "places.html").read_text(encoding="utf-8")
    assert "中俄勘分西北界约记" in occ.split('id="pl-kyakhta"')[1].split("</article>")[0]


def test_a_changed_stylesheet_or_asset_renders_everything(edition):
    state = BuildState(edition.root)
    publish(edition, state=state)
    state.save()
    css = edition.xslt / "html" / "assets" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* an editor's change */\n", encoding="utf-8")
    before = inodes(edition.site)
    publish(edition, state=BuildState(edition.root))
    assert "an editor's change" in (edition.site / "assets" / "style.css").read_text(encoding="utf-8")
    after = inodes(edition.site)
    assert not any(before.get(p) == after[p] for p in after if p.endswith(".html"))


def test_unchanged_edition_is_not_rendered_again(edition):
    state = BuildState(edition.root)
    publish_site(edition, state=state)
    state.save()
    before = inodes(edition.site)
    publish_site(edition, state=BuildState(edition.root))
    assert inodes(edition.site) == before


def test_bag_after_an_edit_equals_a_bag_from_nothing(edition, tmp_path):
    state = BuildState(edition.root)
    package(edition, include_pdf=False, state=state)
    state.save()
    old_bag = inodes(edition.dist / "treatytei-bag")
    edit_body(edition.tei / "tacheng-protocol-1864.xml")
    bag, zipped = package(edition, include_pdf=False, state=BuildState(edition.root))
    assert verify(bag) == []
    new_bag = inodes(bag)
    kept = {p for p in new_bag if old_bag.get(p) == new_bag[p]}
    assert "data/tei/kyakhta-treaty-1727.xml" in kept and "data/tei/tacheng-protocol-1864.xml" not in kept
    fresh = copy_edition(tmp_path / "fresh")
    shutil.copy2(edition.tei / "tacheng-protocol-1864.xml", fresh.tei / "tacheng-protocol-1864.xml")
    fresh_bag, fresh_zip = package(fresh, include_pdf=False)
    assert tree(fresh_bag) == tree(bag)
    assert fresh_zip.read_bytes() == zipped.read_bytes()


def _render_one(project: Project, mode: str, page: str, target: str = "") -> str:
    """One page as the stylesheet writes it for a script mode (no build)."""
    from treatytei import saxon
    from treatytei.manifest import load
    from treatytei.publish_html import page_file

    exe = saxon.compile_file(project.xslt / "html" / "edition.xsl")
    proc = saxon.processor()
    out = project.root / "render" / mode
    out.mkdir(parents=True, exist_ok=True)
    texts = [s.id for s in load(project.manifest)]
    params = {"mode": mode, "page": page, "target": target, "tei-dir": project.tei.resolve().as_uri() + "/",
              "texts": " ".join(f"{t}.xml" for t in texts),
              "apparatus": " ".join(sorted(p.name for p in project.tei.glob("*.apparatus.xml")))}
    exe.clear_parameters()
    for k, v in params.items():
        exe.set_parameter(k, proc.make_string_value(v))
    exe.set_base_output_uri((out / "index.html").as_uri())
    exe.call_template_returning_string(None)
    return (out / page_file(page, target)).read_text(encoding="utf-8")


PAGES = [("text", "kyakhta-treaty-1727"), ("text", "tacheng-protocol-1864"), ("collation", "kyakhta-treaty-1727"),
         ("places", ""), ("index", ""), ("search", ""), ("register-data", "")]


def test_a_neutral_page_in_the_original_tree_is_the_original_page(edition):
    """The placeholders of a neutral page, filled in for the original tree, give the
    page the stylesheet writes for that tree itself, byte for byte."""
    from treatytei.publish_html import for_mode, ui_catalogues

    ui = ui_catalogues(edition.xslt / "html")
    for page, target in PAGES:
        assert for_mode(_render_one(edition, "neutral", page, target), "orig", ui=ui) == \
            _render_one(edition, "orig", page, target), page


def test_converted_trees_change_only_chinese_text(edition):
    """In zh-Hans/ and zh-Hant/ a page is the stylesheet's page for that tree with its
    Chinese text converted and tagged: the whole-page OpenCC call converts each text node
    and attribute value as it would alone and leaves the markup as it is; the names of
    the trees in the script switch and the examples of characters stay as they are."""
    import re

    from treatytei.chinese import to_simplified, to_traditional_reading
    from treatytei.publish_html import for_mode, ui_catalogues

    ui = ui_catalogues(edition.xslt / "html")
    markup = re.compile(r'(<!--.*?-->|<(?:[^>"]|"[^"]*")*>)', re.S)
    kept = re.compile(r'<div class="script-switch".*?</div>|<span lang="zh[^"]*" translate="no">.*?</span>', re.S)
    for page, target in PAGES:
        neutral = _render_one(edition, "neutral", page, target)
        for mode, convert, lang in (("hans", to_simplified, "zh-Hans"), ("hant", to_traditional_reading, "zh-Hant")):
            out = for_mode(neutral, mode, ui=ui)
            assert "\ue000" not in out and "tt-mode" not in out and "tt-keep" not in out
            if page in ("places", "register-data"):
                continue     # their names lists: test_a_name_alike_in_a_converted_tree_is_not_listed_again
            assert re.search(r">\s*简体", out) and re.search(r">\s*繁體", out)   # the switch's labels, as they are
            direct = _render_one(edition, mode, page, target)
            assert kept.findall(out) == kept.findall(direct)
            # the stylesheet's page for this tree, its text nodes and attribute values converted one by one
            pieces = markup.split(direct)
            for i in range(0, len(pieces), 2):
                pieces[i] = convert(pieces[i])
            for i in range(1, len(pieces), 2):
                pieces[i] = re.sub(r'="([^"]*)"', lambda m: '="' + convert(m.group(1)) + '"', pieces[i])
            expected = re.sub(r'(\slang=")zh(?:-[A-Za-z]+)*(")', lambda m: m.group(1) + lang + m.group(2), "".join(pieces))
            assert kept.sub("", out) == kept.sub("", expected), (page, mode)
            if page in ("text", "collation", "index"):
                assert out != direct


def test_a_name_alike_in_a_converted_tree_is_not_listed_again(edition):
    """A register entry lists its other names; in the simplified tree 理藩院尚書 reads
    理藩院尚书, the entry's own name there, and is not listed twice."""
    from treatytei.publish_html import publish

    site = publish(edition)
    orig = (site / "register.js").read_text(encoding="utf-8")
    hans = (site / "zh-Hans" / "register.js").read_text(encoding="utf-8")
    entry = lambda js: next(line for line in js.splitlines() if line.startswith('"role-lifanyuan-shangshu"'))
    assert "理藩院尚书" in entry(orig) and "理藩院尚書" in entry(orig)
    # the romanisation beside the name, and the same name not listed again
    names = re.search(r'class=\\"names\\">(.*?)\\u003c/ul>', entry(hans)).group(1)
    assert entry(hans).count("理藩院尚书") == 1 and "理藩院" not in names and "Lǐ Fān Yuàn" in entry(hans)
    assert 'lang-tag\\">zh-Hant' not in hans and 'lang-tag\\">zh-Hans' not in (site / "zh-Hant" / "register.js").read_text(encoding="utf-8")
    # the register page, likewise: 恰克圖 is listed beside 恰克图 in the original tree only
    places = {m: (site / prefix / "places.html").read_text(encoding="utf-8") for m, prefix in (("orig", ""), ("hans", "zh-Hans/"))}
    # its name and names, as shown (the entry's filter attribute left aside)
    kyakhta = {m: page[page.index('id="pl-kyakhta"'):].split(">", 1)[1].split("</ul>")[0] for m, page in places.items()}
    assert "恰克圖" in kyakhta["orig"] and "恰克图" in kyakhta["orig"]
    assert kyakhta["hans"].count("恰克图") == 1 and "恰克圖" not in kyakhta["hans"] and 'lang-tag">zh-Hant' not in places["hans"]


def test_a_damaged_file_of_the_old_bag_is_not_carried_over(edition):
    state = BuildState(edition.root)
    package(edition, include_pdf=False, state=state)
    state.save()
    damaged = edition.dist / "treatytei-bag" / "data" / "tei" / "kyakhta-treaty-1727.xml"
    damaged.write_bytes(damaged.read_bytes().replace(b"</TEI>", b"<!-- bit rot --></TEI>"))
    edit_body(edition.tei / "tacheng-protocol-1864.xml")
    bag, _ = package(edition, include_pdf=False, state=BuildState(edition.root))
    assert verify(bag) == []
    assert (bag / "data" / "tei" / "kyakhta-treaty-1727.xml").read_bytes() == (edition.tei / "kyakhta-treaty-1727.xml").read_bytes()


def test_zip_deflates_only_new_members_and_ignores_a_damaged_cache(tmp_path, monkeypatch):
    import zlib

    from treatytei.package import reproducible_zip

    deflated = []
    real = zlib.compressobj

    def counting(*args):
        deflated.append(1)
        return real(*args)
    monkeypatch.setattr(zlib, "compressobj", counting)
    files = {f"data/tei/t{i}.xml": f"<TEI>{'恰克圖' * (i + 1)}</TEI>".encode() for i in range(6)}
    files["bagit.txt"] = b"BagIt-Version: 0.97\n"
    cache = tmp_path / "zip"
    first = reproducible_zip(files, "bag", cache)
    assert len(deflated) == 7
    changed = dict(files, **{"data/tei/t2.xml": b"<TEI>edited</TEI>"})
    deflated.clear()
    again = reproducible_zip(changed, "bag", cache)
    assert len(deflated) == 1   # only the edited member
    deflated.clear()
    assert again == reproducible_zip(changed, "bag", None) and first == reproducible_zip(files, "bag", None)
    # a damaged cache is not used: every member is deflated again, and the zip is right
    blob = cache / "members.bin"
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    deflated.clear()
    assert reproducible_zip(changed, "bag", cache) == again
    assert len(deflated) == 7


def test_site_rendered_on_workers_equals_one_process(tmp_path, monkeypatch):
    """An edition of more pages than one process renders alone (a synthetic one, made
    as the benchmark makes them): on two workers, with the rest of the site staged in
    a thread meanwhile, the site is byte-identical to one rendered in this process."""
    import sys

    from treatytei import parallel
    from treatytei.pipeline import steps

    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus

    project = Project(corpus.make(tmp_path / "synthetic", 12))
    for name, fn in steps(project):
        if name in ("convert", "enrich", "collate", "validate"):
            fn()
    n_pages = len(list(project.tei.glob("*.xml"))) + 6
    assert n_pages >= parallel.MIN_PARALLEL
    monkeypatch.setenv("TREATYTEI_JOBS", "2")
    publish(project, tmp_path / "site-workers")
    monkeypatch.setenv("TREATYTEI_JOBS", "1")
    shutil.rmtree(project.root / "build" / "html")
    publish(project, tmp_path / "site-one")
    workers, one = tree(tmp_path / "site-workers"), tree(tmp_path / "site-one")
    assert len([f for f in workers if f.endswith(".html")]) >= 3 * parallel.MIN_PARALLEL
    assert workers == one


def test_the_dts_answers_survive_a_full_render_and_follow_the_base_url(edition):
    """The pages' step keeps the DTS folder (the dts step's) even when it renders every
    page; a new base URL makes the dts step write every answer again, swapped in whole."""
    state = BuildState(edition.root)
    publish_site(edition, state=state)
    state.save()
    dts = inodes(edition.site / "dts")
    css = edition.xslt / "html" / "assets" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* an editor's change */\n", encoding="utf-8")
    state = BuildState(edition.root)
    publish(edition, state=state)
    assert inodes(edition.site / "dts") == dts
    with open(edition.manifest, "a", encoding="utf-8") as fh:
        fh.write('\n[edition]\nbase_url = "https://example.org/kyakhta/"\n')
    from treatytei.publish_dts import publish as publish_dts
    publish_dts(edition, state=state)
    after = inodes(edition.site / "dts")
    assert set(after) == set(dts) and not any(dts[p] == after[p] for p in after)
    entry = (edition.site / "dts" / "index.json").read_text(encoding="utf-8")
    assert '"https://example.org/kyakhta/dts/collection{/id}.json"' in entry
    assert not list(edition.site.glob(".dts-*"))
