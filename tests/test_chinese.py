"""The script conversions the site's trees are made with (fast)."""

from __future__ import annotations

from treatytei.chinese import to_traditional, to_traditional_reading


def test_traditional_text_is_not_converted_again():
    # OpenCC keys its phrases by simplified forms: converting traditional text again
    # turns the village 里 of 滿洲里 into 裏 -- the reading tree keeps such a run as written
    assert to_traditional("滿洲里界約") == "滿洲裏界約"
    assert to_traditional_reading("滿洲里界約") == "滿洲里界約"
    # simplified text is converted as before, phrase by phrase, markup left as it is
    assert to_traditional_reading("满洲里界约") == to_traditional("满洲里界约") == "滿洲里界約"
    assert to_traditional_reading('这里是<b class="x">滿洲里</b>。后来') == '這裏是<b class="x">滿洲里</b>。後來'
    # a run without a traditional character is converted (neutral characters only: as is)
    assert to_traditional_reading("中国，滿洲里") == "中國，滿洲里"


def _reference(text: str) -> str:
    """Run by run, plainly: a run of Han characters with a traditional character and no
    simplified one is kept; everything else as OpenCC converts it."""
    import re

    from treatytei.chinese import char_class

    converted = to_traditional(text)
    out, pos = [], 0
    for m in re.finditer("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
        a, b = m.span()
        classes = {char_class(c) for c in m.group()}
        if "T" in classes and "S" not in classes:
            out += [converted[pos:a], text[a:b]]
            pos = b
    return "".join(out) + converted[pos:]


def test_the_reading_conversion_against_a_plain_one_on_random_text():
    import random

    alphabet = list("滿洲里界約國為後这里是后来中国干台") + ["<b>", "</b>", "，", " ", "a"]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert to_traditional_reading(text) == _reference(text), text
