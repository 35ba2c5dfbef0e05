"""Line breaking of the site's collation pages (禁則): the reading boxes are buttons, and a
line may break at a button's edge like nowhere else, so that a line could start with the
punctuation after a reading (，。、) or with a reading that starts with punctuation (，乃系).
Such a button is bound, in a span the stylesheet keeps on one line, to the punctuation
after it and to the character before it. The reading inside still wraps."""

from __future__ import annotations

import re

#: marks that must not begin a line (closing brackets and quotes, stops, commas)
CLOSING = "，。、；：！？）」』〕】》〉,.;:!?)"
_BUTTON = re.compile(r"<button\b[^>]*>.*?</button>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_AFTER = re.compile("[" + re.escape(CLOSING) + "]+")


def bind(html: str) -> str:
    """``html`` with each button that would let a line start with closing punctuation
    wrapped, with what it must stay with, in <span class="kinsoku">."""
    out: list[str] = []
    pos = 0
    for m in _BUTTON.finditer(html):
        start, end = m.span()
        text = _TAGS.sub("", m.group(0))
        before = (text[:1] in CLOSING and start - 1 >= pos and ord(html[start - 1]) >= 0x2E80)
        after = _AFTER.match(html, end)
        if not before and not after:
            continue
        b0 = start - 1 if before else start
        e0 = after.end() if after else end
        out.append(html[pos:b0])
        out.append(f'<span class="kinsoku">{html[b0:e0]}</span>')
        pos = e0
    out.append(html[pos:])
    return "".join(out)
