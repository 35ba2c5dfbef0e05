"""Incremental publication: after an editor changes one TEI file, the site renders only
the pages made from it and the bag rewrites only what changed -- and both come out
byte-identical to a build from nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from treatytei.buildstate import BuildState
from treatytei.package import package, verify
from treatytei.project import Project
from treatytei.publish_html import publish


def copy_edition(dest: Path) -> Project:
    for folder in ("sources", "schema", "xslt", "tei"):
        shutil.copytree(REPO / folder, dest / folder)
    return Project(dest)


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
    publish(edition, state=state)
    state.save()
    before = inodes(edition.site)
    edit_body(edition.tei / "tacheng-protocol-1864.xml")
    publish(edition, state=BuildState(edition.root))
    after = inodes(edition.site)
    rewritten = sorted(p for p in after if before.get(p) != after[p])
    # the text's page in the three scripts, its TEI copy, the search index -- nothing else
    assert rewritten == ["assets/search-index.js", "tacheng-protocol-1864.html", "tei/tacheng-protocol-1864.xml",
                         "zh-Hans/tacheng-protocol-1864.html", "zh-Hant/tacheng-protocol-1864.html"]
    assert "〇" in (edition.site / "tacheng-protocol-1864.html").read_text(encoding="utf-8")
    # and the result is the site a build from nothing makes
    fresh = copy_edition(tmp_path / "fresh")
    shutil.copy2(edition.tei / "tacheng-protocol-1864.xml", fresh.tei / "tacheng-protocol-1864.xml")
    assert tree(publish(fresh)) == tree(edition.site)


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
    publish(edition, state=state)
    state.save()
    before = inodes(edition.site)
    publish(edition, state=BuildState(edition.root))
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


def test_script_copies_convert_each_text_piece_as_alone():
    """The zh-Hans / zh-Hant copies convert all of a file's Chinese text in one OpenCC
    call; the result is that of converting each text node by itself."""
    import copy

    from lxml import etree

    from treatytei.chinese import to_simplified, to_traditional
    from treatytei.publish_html import _convert_tree
    from treatytei.tei import XML_LANG, parse_file

    for path in sorted((REPO / "tei").glob("*.xml")):
        root = parse_file(path).getroot()
        for mode, convert in (("hans", to_simplified), ("hant", to_traditional)):
            batched, single = copy.deepcopy(root), copy.deepcopy(root)
            _convert_tree(batched, mode)
            for el in single.iter():
                if not isinstance(el.tag, str):
                    continue
                lang = next((a.get(XML_LANG) for a in el.iterancestors() if a.get(XML_LANG)), None)
                own = el.get(XML_LANG) or lang or ""
                if own.startswith("zh") and el.text and el.text.strip():
                    el.text = convert(el.text)
                if (lang or "").startswith("zh") and el.tail and el.tail.strip() and el is not single:
                    el.tail = convert(el.tail)
                if el.get(XML_LANG, "").startswith("zh"):
                    el.set(XML_LANG, "zh-Hans" if mode == "hans" else "zh-Hant")
            assert etree.tostring(batched) == etree.tostring(single), (path.name, mode)
            assert etree.tostring(batched) != etree.tostring(root)


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
