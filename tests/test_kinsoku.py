"""treatytei.kinsoku: a reading box bound to the punctuation after it and to the character
before a reading that starts with punctuation. Fast: strings only."""

from treatytei.kinsoku import bind


def test_a_box_is_bound_to_the_punctuation_after_it():
    html = '卡伦<button class="var">房屋</button>，此地'
    assert bind(html) == '卡伦<span class="kinsoku"><button class="var">房屋</button>，</span>此地'


def test_a_box_starting_with_punctuation_is_bound_to_the_character_before():
    html = '卡伦<button class="var"><span>,乃系</span></button>俄罗斯'
    assert bind(html) == '卡<span class="kinsoku">伦<button class="var"><span>,乃系</span></button></span>俄罗斯'


def test_other_boxes_and_text_are_left_as_they_are():
    html = '<p>自<button>議定</button>之日<button>起</button></p>'
    assert bind(html) == html
    # a tag before the box: nothing to bind it to, and nothing is broken
    html = '<a>蒙古</a><button>,乃系</button>'
    assert bind(html) == html
