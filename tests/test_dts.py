"""The DTS step's pieces, without a site (fast): the citable units of the edition's
files and what the collection keeps of them."""

from __future__ import annotations

from conftest import REPO
from treatytei import publish_dts
from treatytei.tei import parse_file


def _plain(value) -> bool:
    """Only Python's own types: an lxml string result would keep its whole document alive
    in the step's state for as long as the build runs."""
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int)


def test_the_description_of_a_file_holds_no_part_of_its_tree():
    for f in ("kyakhta-treaty-1727.xml", "kyakhta-treaty-1727.apparatus.xml", "register.xml"):
        desc = publish_dts.describe(parse_file(REPO / "tei" / f).getroot())
        assert _plain(desc), f
        assert desc["lang"] and desc["title"], f


def test_the_units_are_the_sections_the_site_anchors():
    root = parse_file(REPO / "tei" / "kyakhta-treaty-1727.xml").getroot()
    ids = [u["identifier"] for u in publish_dts.units(root)]
    assert ids[0] == "preamble" and "art-3" in ids and len(ids) == len(set(ids))
    assert publish_dts.units(parse_file(REPO / "tei" / "register.xml").getroot()) == []
