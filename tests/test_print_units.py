"""Fast checks of the print edition's helpers (no WeasyPrint, no PDF typeset)."""

from __future__ import annotations

from treatytei.package import bag_info
from treatytei.pdfa import problems
from treatytei.publish_pdf import fold_map


def test_fold_map_takes_script_and_variant_forms_to_one_normal_form(tmp_path):
    f = tmp_path / "app.xml"
    f.write_text("<p>爲为拏拿徃往國国鄂</p>", encoding="utf-8")
    folded = fold_map([f])
    assert folded["爲"] == "为" and folded["國"] == "国"          # script
    assert folded["拏"] == "拿" and folded["徃"] == "往"          # variant characters (data/variants.tsv)
    assert "为" not in folded and "鄂" not in folded and "<" not in folded   # normal forms, and only Han


def test_pdfa_check_names_a_file_that_is_not_a_pdf(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really")
    found = problems(bad)
    assert len(found) == 1 and found[0].startswith("not a readable PDF")
    assert problems(b"")[0].startswith("not a readable PDF")


def test_bag_info_says_which_pdfa_part_only_when_told():
    info = {"titles": ["t"], "publishers": ["p"], "licences": ["l"], "contacts": ["c"]}
    assert "Print-Edition-Format" not in bag_info([info])
    assert bag_info([info], "PDF/A-3a (ISO 19005-3)")["Print-Edition-Format"] == "PDF/A-3a (ISO 19005-3)"
