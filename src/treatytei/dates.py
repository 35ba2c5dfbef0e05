"""Dates in the sources: recognition and conversion to ISO 8601 (proleptic Gregorian).

Forms recognised (on text normalised to simplified characters):

* Western dates in Arabic numerals: ``1864年10月7日``, ``1864年10月``, ``1755年``;
* Western dates in Chinese numerals: ``一七六八年十月三十日``;
* Russian (Julian) dates: ``俄曆一七六八年十月十八日`` -> @when-custom with
  @datingMethod="#julian", and the Gregorian equivalent in @when;
* Chinese reign dates: ``同治三年`` (a year), ``雍正五年九月初七日`` (a day; leap
  months ``闰五月``), converted with the Qing official calendar.

The Qing calendar. Lunar months start on the days the official Shixian calendar
(時憲曆) gave, not on astronomically computed new moons: the two disagree on some
days. The table ``data/qing_calendar.tsv`` (1644-1912) comes from Yuk Tung Liu's
calendar tables (see tools/make_qing_calendar.py). Outside 1644-1912 a reign date
cannot be converted to a day; a bare reign year still gives its Western year.
A Chinese year mostly overlaps the Western year in which it starts; dates in its
11th and 12th months may fall in the next Western year -- the day conversion
handles that; a bare reign year is given as the Western year in which it starts.

Reign eras: the Qing reign periods with their first (Chinese) year; era + N means
the Chinese year starting in first + N - 1.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .chinese import normalise

#: Qing reign eras (traditional form) -> first year. Standard chronology.
ERAS = {
    "順治": 1644, "康熙": 1662, "雍正": 1723, "乾隆": 1736, "嘉慶": 1796,
    "道光": 1821, "咸豐": 1851, "同治": 1862, "光緒": 1875, "宣統": 1909,
}
ERA_BY_NORMAL = {normalise(k): k for k in ERAS}

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(s: str) -> int:
    """Chinese numerals as used in dates: 十九, 二十, 三十, 廿一, 初七, 元, 正."""
    s = s.replace("初", "")
    if s in ("元", "正"):
        return 1
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    if len(s) > 1:  # positional: 一七六八
        value = 0
        for c in s:
            value = value * 10 + DIGITS[c]
        return value
    return DIGITS[s]


@lru_cache(maxsize=1)
def qing_months() -> dict[tuple[int, str], dt.date]:
    """(chinese year, month name '1'..'12' or 'L5') -> first day (Gregorian)."""
    table: dict[tuple[int, str], dt.date] = {}
    text = resources.files("treatytei").joinpath("data/qing_calendar.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        year, month, first = line.split("\t")
        table[(int(year), month)] = dt.date.fromisoformat(first)
    return table


@lru_cache(maxsize=1)
def _month_starts() -> list[dt.date]:
    """The first days of all months of the table, in order."""
    return sorted(qing_months().values())


class DateError(ValueError):
    pass


def chinese_to_gregorian(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """A day of the Qing calendar (Chinese year starting in Western ``year``)."""
    months = qing_months()
    key = (year, f"L{month}" if leap else str(month))
    if key not in months:
        if not any(y == year for y, _ in months):
            raise DateError(f"no Qing calendar table for the year {year} (covered: 1644-1912)")
        raise DateError(f"the Chinese year {year} has no {'leap ' if leap else ''}month {month}")
    first = months[key]
    # the month's length: up to the next month's first day
    starts = _month_starts()
    k = bisect.bisect_right(starts, first)
    length = (starts[k] - first).days if k < len(starts) else 30
    if not 1 <= day <= length:
        raise DateError(f"day {day} is outside the month ({length} days)")
    return first + dt.timedelta(days=day - 1)


def julian_to_gregorian(y: int, m: int, d: int) -> dt.date:
    """Julian calendar date -> proleptic Gregorian, via the Julian Day Number."""
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        raise DateError(f"impossible Julian date {y}-{m}-{d}")
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    jdn = d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - 32083
    return dt.date.fromordinal(jdn - 1721425)


@dataclass
class DateValue:
    """What the enricher writes on a <date>."""
    when: str
    when_custom: str | None = None
    dating_method: str | None = None  # '#julian' | '#chinese-qing'
    calendar: str = "gregorian"       # gregorian | julian | chinese


CN_DIGIT = "〇○零一二三四五六七八九"
CN_NUM = "[初一二三四五六七八九十廿卅]+"
ERA_RE = "|".join(sorted(ERA_BY_NORMAL, key=len, reverse=True))

# Patterns on normalised text. Each names its groups; the first that matches at a
# position wins (ordered longest form first).
PATTERNS = [
    ("western-interrupted", re.compile(rf"(?P<y>\d{{4}})年[（(](?P<inner>(?:{ERA_RE})(?:元|[一二三四五六七八九十]+)年)[）)](?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日")),
    ("julian", re.compile(rf"(?:俄历|俄國曆|俄国历)(?P<y>[{CN_DIGIT}]{{4}}|\d{{4}})年(?P<m>[一二三四五六七八九十]+|\d{{1,2}})月(?P<d>[初一二三四五六七八九十廿卅]+|\d{{1,2}})日")),
    ("reign-day", re.compile(rf"(?P<era>{ERA_RE})(?P<y>元|[一二三四五六七八九十]+)年(?P<leap>闰)?(?P<m>正|[一二三四五六七八九十]+)月(?P<d>{CN_NUM})日")),
    ("reign-year", re.compile(rf"(?P<era>{ERA_RE})(?P<y>元|[一二三四五六七八九十]+)年")),
    ("western-cn", re.compile(rf"(?P<y>[{CN_DIGIT}]{{4}})年(?:(?P<m>十[一二]?|[一二三四五六七八九])月(?:(?P<d>[初一二三四五六七八九十廿卅]+)日)?)?")),
    ("western", re.compile(r"(?<![\d.])(?P<y>\d{3,4})年(?!代)(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?")),
]


def _num(s: str) -> int:
    return int(s) if s.isdigit() else cn_number(s)


def interpret(kind: str, m: re.Match) -> DateValue:
    """The ISO value of a matched date expression. Raises DateError for impossible
    dates (the enricher then leaves the text untagged and reports it)."""
    g = m.groupdict()
    if kind == "julian":
        y, mo, d = _num(g["y"]), _num(g["m"]), _num(g["d"])
        greg = julian_to_gregorian(y, mo, d)
        return DateValue(greg.isoformat(), f"{y:04d}-{mo:02d}-{d:02d}", "#julian", "julian")
    if kind in ("reign-day", "reign-year"):
        era = ERA_BY_NORMAL[g["era"]]
        year = ERAS[era] + _num(g["y"]) - 1
        n = _num(g["y"])
        if kind == "reign-year":
            return DateValue(f"{year:04d}", f"{era} {n}", "#chinese-qing", "chinese")
        leap = bool(g.get("leap"))
        mo, d = _num(g["m"]), _num(g["d"])
        greg = chinese_to_gregorian(year, mo, d, leap)
        custom = f"{era} {n}-{'L' if leap else ''}{mo:02d}-{d:02d}"
        return DateValue(greg.isoformat(), custom, "#chinese-qing", "chinese")
    y = _num(g["y"])
    if kind == "western-interrupted":
        inner = interpret("reign-year", dict(PATTERNS)["reign-year"].match(g["inner"]))
        if inner.when != f"{y:04d}":
            raise DateError(f"{g['inner']} is {inner.when}, not {y}")
    if g.get("m"):
        mo = _num(g["m"])
        if g.get("d"):
            d = _num(g["d"])
            try:
                return DateValue(dt.date(y, mo, d).isoformat())
            except ValueError as exc:
                raise DateError(str(exc)) from None
        if not 1 <= mo <= 12:
            raise DateError(f"month {mo} does not exist")
        return DateValue(f"{y:04d}-{mo:02d}")
    return DateValue(f"{y:04d}")


def _combined(composite: bool) -> re.Pattern:
    """All patterns as one alternation in priority order, each in a named group, so
    that a single left-to-right scan finds, at each position, the first pattern that
    matches there (as trying them one by one would)."""
    parts = []
    for kind, rx in PATTERNS:
        if kind == "western-interrupted" and not composite:
            continue
        body = re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{kind.replace('-', '_')}__{m.group(1)}>", rx.pattern)
        parts.append(f"(?P<{kind.replace('-', '_')}>{body})")
    return re.compile("|".join(parts))


_COMBINED = {True: _combined(True), False: _combined(False)}
_BY_GROUP = {kind.replace("-", "_"): kind for kind, _ in PATTERNS}


def find_dates(text: str, composite: bool = True):
    """Yield (start, end, DateValue or DateError) for every date expression in
    ``text`` (original characters; matched on the normalised form). ``composite``:
    also a Western date interrupted by its reign year, 1864年（同治三年）10月7日."""
    norm = normalise(text)
    patterns = dict(PATTERNS)
    for m in _COMBINED[composite].finditer(norm):
        if m.end() == m.start():
            continue
        kind = _BY_GROUP[m.lastgroup]
        inner = patterns[kind].match(norm, m.start())
        try:
            value: DateValue | DateError = interpret(kind, inner)
        except DateError as exc:
            value = exc
        yield m.start(), m.end(), value


# ------------------------------------------------------------------ consistency

@dataclass
class Finding:
    file: str
    line: int
    kind: str      # disagree | stale
    message: str


def check_document(root, shown: str) -> tuple[list[str], list[Finding]]:
    """Recompute every tagged date from its own text and compare:
    * a @when that differs from what its text gives (an edited or stale value);
    * dates linked by @corresp (one day in several calendars) that convert to
      different days -- the sources do not always agree with themselves.
    Returns (report lines for every group, findings)."""
    from .tei import NS, XML_ID, original_text

    lines: list[str] = []
    findings: list[Finding] = []
    for d in root.xpath("//tei:date[@when]", namespaces=NS):
        text = original_text(d)
        found = [v for s, e, v in find_dates(text) if s == 0 and e == len(text)]
        if found and not isinstance(found[0], DateError) and found[0].when != d.get("when"):
            findings.append(Finding(shown, d.sourceline or 0, "stale",
                                    f'"{text}" has @when="{d.get("when")}" but its text gives {found[0].when}'))
    seen: set[str] = set()
    for d in root.xpath("//tei:date[@corresp][@xml:id]", namespaces=NS):
        if d.get(XML_ID) in seen:
            continue
        ids = [d.get(XML_ID)] + [t.lstrip("#") for t in d.get("corresp").split()]
        group = [e for i in ids for e in root.xpath("//tei:date[@xml:id=$i]", i=i, namespaces=NS)]
        seen.update(ids)
        whens = {e.get("when") for e in group}
        verdict = "agree" if len(whens) == 1 else "DISAGREE"
        lines.append(f"{shown}:{d.sourceline}: one day in {len(group)} calendars: {verdict}")
        for e in group:
            cal = {"#julian": "Julian", "#chinese-qing": "Qing calendar"}.get(e.get("datingMethod"), "Gregorian")
            lines.append(f"    {original_text(e)}  ({cal})  = {e.get('when')}")
        if len(whens) > 1:
            parts = "; ".join(f'"{original_text(e)}" = {e.get("when")}' for e in group)
            findings.append(Finding(shown, d.sourceline or 0, "disagree", f"the same day is given as {parts}"))
    return lines, findings
