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
