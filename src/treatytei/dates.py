"""Dates in the sources: recognition and conversion to ISO 8601 (proleptic Gregorian).

Forms recognised (on text normalised to simplified characters, full-width digits read as
digits):

* Chinese dates: an era name (every reign period of sanmiao's era table -- all dynasties,
  the Later Jin and Qing before 1644, Ming, Southern Ming -- and the Republic, 民国), with
  optional dynasty and emperor prefixes (清, 大清, 清高宗, 世宗 ...); the year as 元,
  Chinese numerals (十, 廿, 卅, 卌, 〇/○), Arabic or full-width digits, or mixed, optionally
  followed by its 干支 (乙丑); the month as 正, 冬, 腊/臘, a numeral, with 闰/閏; the day as
  初七, 十五, 廿一, digits, a 干支 day (戊子), 朔, 望 or 晦, with or without 日;
* Western dates: ``1864年10月7日``, ``一七六八年十月三十日``, ``一千八百六十一年``, with or
  without a calendar label: 俄历, 儒略历, 露历, 旧历 (Julian); 西历, 公历, 阳历, 新历 (Gregorian).

What a date gets (``DateValue``): ``when`` when the day (or the Western year or month) is
known; a Chinese month without its day gets ``notBefore``/``notAfter`` (its first and last
day); 望 (the full moon, the 15th) gets ``cert="medium"``; the date in its own calendar goes
in ``when-custom`` with ``datingMethod`` (#chinese-qing for the Qing official calendar,
#chinese for sanmiao's tables, #julian). A date that cannot be placed -- a reign year past its
era's end, a day past the month's end, a leap month that did not exist, a 干支 day not in the
month, an era used after the dynasty ended -- is a ``DateError``: never a false day.

Calendars. Lunar months of 1644-1912 come from the Qing official calendar (時憲曆), the table
``data/qing_calendar.tsv`` made from Yuk Tung Liu's tables (tools/make_qing_calendar.py);
other years from sanmiao's lunar tables (Zhang Peiyu's tables, MIT), read from the installed
package's data files. The two agree on every month start of 1644-1912 but six (tested, each
explained in tests/test_dates.py). Eras come from sanmiao's era table; where two dynasties
used the same name, a dynasty prefix decides, else the latest era (this history is that of
the Ming and Qing).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from .chinese import normalise

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
GANZHI = [STEMS[i % 10] + BRANCHES[i % 12] for i in range(60)]
_FULLWIDTH = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}

#: The Republic's era: its years are Gregorian years counted from 1912.
REPUBLIC = ("民国", "中华民国")


class DateError(ValueError):
    pass


def cn_number(s: str) -> int:
    """Numerals as dates write them: 十九, 二十, 廿一, 卅, 卌, 初七, 元, 正, positional
    一七六八, 一千八百六十一, and the odd 一十七百二十八 (= 1728); Arabic digits too."""
    s = s.translate(_FULLWIDTH).replace("初", "")
    if s.isdigit():
        return int(s)
    if s in ("元", "正"):
        return 1
    s = s.replace("廿", "二十").replace("卅", "三十").replace("卌", "四十")
    section, cur, last_unit, positional = 0, None, 0, False
    for c in s:
        if c in DIGITS:
            if cur is not None and not positional and last_unit == 0:
                positional = True
            cur = cur * 10 + DIGITS[c] if (cur is not None and positional) else DIGITS[c]
        elif c in UNITS:
            u = UNITS[c]
            if section and last_unit and u > last_unit:
                section = (section + (cur or 0)) * u
            else:
                section += (1 if cur is None else cur) * u
            last_unit, cur, positional = u, None, False
        else:
            raise DateError(f"not a numeral: {s}")
    return section + (cur or 0)


# ------------------------------------------------------------------ calendar tables

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
    """The first days of all months of the Qing table, in order."""
    return sorted(qing_months().values())


def _sanmiao_data() -> Path:
    spec = find_spec("sanmiao")
    if spec is None or not spec.submodule_search_locations:
        raise DateError("the calendar tables of sanmiao are not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def jdn_to_date(jdn: float) -> dt.date:
    return dt.date.fromordinal(int(jdn + 0.5) - 1721425)


def date_to_jdn(d: dt.date) -> int:
    return d.toordinal() + 1721425


@lru_cache(maxsize=4)
def sanmiao_months(stream: str = "3") -> dict[tuple[int, str], tuple[dt.date, int]]:
    """(chinese year, month name) -> (first day, length) from sanmiao's lunar table."""
    out: dict[tuple[int, str], tuple[dt.date, int]] = {}
    with open(_sanmiao_data() / "lunar_table_dump.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["cal_stream"] != stream:
                continue
            jdn = float(row["nmd_jdn"])
            if jdn < 1721426:          # before 1 January AD 1 (proleptic Gregorian): not in ISO 8601 here
                continue
            key = (int(row["ind_year"]), ("L" if row["intercalary"] == "1" else "") + row["month"])
            length = int(float(row["max_day"]))
            out[key] = (jdn_to_date(jdn), length if 29 <= length <= 30 else 30)   # a few rows hold no length
    return out


@dataclass(frozen=True)
class Era:
    name: str               # as the table writes it (traditional)
    start: int              # the Western year in which its first Chinese year starts
    end: int
    max_year: int
    end_day: dt.date | None
    dynasty: str
    stream: str


@lru_cache(maxsize=1)
def eras() -> dict[str, list[Era]]:
    """Normalised era name -> the eras of that name, latest first."""
    data = _sanmiao_data()
    dyns = {}
    with open(data / "dynasty_table_dump.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            dyns[row["dyn_id"]] = row["dyn_name"]
    out: dict[str, list[Era]] = {}
    with open(data / "era_table.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["era_name"].strip()
            if len(name) < 2 or not row["era_start_year"]:
                continue
            try:
                e = Era(name, int(float(row["era_start_year"])), int(float(row["era_end_year"] or row["era_start_year"])),
                        int(float(row["max_year"] or 0)) or 99,
                        jdn_to_date(float(row["era_end_jdn"])) if row["era_end_jdn"] else None,
                        dyns.get(row["dyn_id"], ""), (row["cal_stream"] or "3").split(".")[0])
            except (ValueError, OverflowError):
                continue
            out.setdefault(normalise(name), []).append(e)
    for v in out.values():
        v.sort(key=lambda e: -e.start)
    return out


@lru_cache(maxsize=1)
def dynasty_names() -> list[str]:
    names = set()
    with open(_sanmiao_data() / "dynasty_tags.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["string"].strip():
                names.add(normalise(row["string"].strip()))
    names.update({"大清", "大明", "后金", "清朝", "明朝", "中华民国"})
    return sorted(names, key=len, reverse=True)


def lunar_month(year: int, month: int, leap: bool, stream: str = "3", official: bool = True) -> tuple[dt.date, int, str]:
    """(first day, length, table) of a Chinese month: for a Qing date (``official``) the
    Qing official calendar where it covers the year, else sanmiao's table."""
    key = (year, f"L{month}" if leap else str(month))
    months = qing_months() if official else {}
    if key in months:
        first = months[key]
        starts = _month_starts()
        k = bisect.bisect_right(starts, first)
        length = (starts[k] - first).days if k < len(starts) else 30
        return first, length, "qing"
    if any(y == year for y, _ in months):
        raise DateError(f"the Chinese year {year} had no {'leap ' if leap else ''}month {month}")
    table = sanmiao_months(stream)
    if key in table:
        first, length = table[key]
        return first, length, "sanmiao"
    if any(y == year for y, _ in table):
        raise DateError(f"the Chinese year {year} had no {'leap ' if leap else ''}month {month}")
    raise DateError(f"no calendar table for the Chinese year {year}")


def chinese_to_gregorian(year: int, month: int, day: int, leap: bool = False, stream: str = "3") -> dt.date:
    """A day of a Chinese year (the one starting in Western ``year``)."""
    first, length, _ = lunar_month(year, month, leap, stream)
    if not 1 <= day <= length:
        raise DateError(f"day {day} is outside the month ({length} days)")
    return first + dt.timedelta(days=day - 1)


def julian_to_gregorian(y: int, m: int, d: int) -> dt.date:
    """Julian calendar date -> proleptic Gregorian, via the Julian Day Number."""
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        raise DateError(f"impossible Julian date {y}-{m}-{d}")
    if d > [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]:
        raise DateError(f"the Julian month {y}-{m:02d} has no day {d}")
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    jdn = d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - 32083
    return dt.date.fromordinal(jdn - 1721425)


def julian_offset(d: dt.date) -> int:
    """How many days the Julian calendar is behind the Gregorian on ``d``."""
    y = d.year
    return y // 100 - y // 400 - 2 if (d.month, d.day) >= (3, 1) or y % 100 else (y - 1) // 100 - (y - 1) // 400 - 2


def ganzhi_of(d: dt.date) -> str:
    return GANZHI[(date_to_jdn(d) + 49) % 60]


# ------------------------------------------------------------------ values

@dataclass
class DateValue:
    """What the enricher writes on a <date>."""
    when: str | None
    when_custom: str | None = None
    dating_method: str | None = None  # '#julian' | '#chinese-qing' | '#chinese'
    calendar: str = "gregorian"       # gregorian | julian | chinese
    not_before: str | None = None
    not_after: str | None = None
    cert: str | None = None
    labelled: bool = True             # a Western date says its calendar (or is Chinese)
    notes: list = field(default_factory=list)

    def day(self) -> dt.date | None:
        if self.when and len(self.when) == 10:
            return dt.date.fromisoformat(self.when)
        return None


# ------------------------------------------------------------------ patterns

NUMS = "〇○零一二三四五六七八九十廿卅卌百千两兩"
GZ = f"[{STEMS}][{BRANCHES}]"
JULIAN_LABELS = ("俄历", "俄国历", "俄罗斯历", "儒略历", "露历", "旧历", "旧俄历", "俄旧历")
GREGORIAN_LABELS = ("西历", "公历", "阳历", "新历", "格里历", "格里高利历")
_EMPERORS = "(?:[太高世圣仁宣文穆德宪孝英神光熹思]宗|[太世]祖)"


def trie_regex(words) -> str:
    """An alternation of many words as a trie (康(?:熙)|雍正|...): the regex engine then
    branches on a character instead of trying every word at every position; longest
    words first at each branch, as an alternation sorted by length would."""
    trie: dict = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    era_alt = trie_regex(set(eras()) | set(REPUBLIC))
    dyn_alt = trie_regex(d for d in dynasty_names() if d)
    year = rf"(?P<y>元|[{NUMS}]{{1,4}}|\d{{1,3}})年"
    month = r"(?P<leap>闰)?(?P<m>正|冬|腊|十[一二]|[一二三四五六七八九十]|\d{1,2})月"
    day = (rf"(?:(?P<d>初[一二三四五六七八九十]|初?\d{{1,2}}|[廿卅][一二三四五六七八九]?|二?十[一二三四五六七八九]?"
           rf"|三十|[一二三四五六七八九])日?|(?P<gzd>{GZ})日?|(?P<moon>朔|望|晦)日?)")
    jlabel = "|".join(JULIAN_LABELS)
    glabel = "|".join(GREGORIAN_LABELS)
    # a Western year: digits, four positional numerals (一八六九), or written out with 千
    # (一千八百六十一) or as hundreds (一十七百二十八); a bare 二十六年 is a reign year in context
    wyear = (rf"(?P<wy>\d{{3,4}}|[〇○零一二三四五六七八九]{{4}}|[一二]千[{NUMS}]{{1,6}}"
             rf"|一十[一二三四五六七八九]百[{NUMS}]{{0,5}})年")
    wmonth = r"(?P<wm>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
    wday = r"(?P<wd>\d{1,2}|[初]?[一二三四五六七八九十廿卅]{1,3})日"
    return [
        ("western-interrupted", re.compile(
            rf"(?P<wy>\d{{4}})年[（(](?P<inner>(?:{era_alt})(?:元|[{NUMS}]+)年)[）)](?P<wm>\d{{1,2}})月(?P<wd>\d{{1,2}})日")),
        ("reign", re.compile(
            rf"(?P<dyn>(?:{dyn_alt}))?{_EMPERORS}?(?P<era>{era_alt}){year}(?P<gzy>{GZ})?(?:{month}(?:{day})?)?")),
        ("western", re.compile(
            rf"(?P<label>{jlabel}|{glabel})?(?<![\d.]){wyear}(?!代)(?:{wmonth}(?:{wday})?)?")),
    ]


def _num(s: str) -> int:
    return cn_number(s)


def _month_number(s: str) -> int:
    return {"正": 1, "冬": 11, "腊": 12}.get(s) or cn_number(s)


def interpret(kind: str, m) -> DateValue:
    """The value of a matched date expression. Raises DateError for a date that cannot
    be placed."""
    g = m.groupdict() if hasattr(m, "groupdict") else m
    if kind == "reign":
        return _reign(g)
    label = g.get("label") or ""
    y = _num(g["wy"])
    if kind == "western-interrupted":
        inner = _reign(_patterns()[1][1].match(normalise(g["inner"])).groupdict())
        if inner.when != f"{y:04d}":
            raise DateError(f"{g['inner']} is {inner.when}, not {y}")
    julian = label in JULIAN_LABELS
    labelled = bool(label)
    if g.get("wm"):
        mo = _num(g["wm"])
        if not 1 <= mo <= 12:
            raise DateError(f"month {mo} does not exist")
        if g.get("wd"):
            d = _num(g["wd"])
            if julian:
                greg = julian_to_gregorian(y, mo, d)
                return DateValue(greg.isoformat(), f"{y:04d}-{mo:02d}-{d:02d}", "#julian", "julian", labelled=True)
            try:
                return DateValue(dt.date(y, mo, d).isoformat(), labelled=labelled)
            except ValueError as exc:
                raise DateError(str(exc)) from None
        if julian:
            first = julian_to_gregorian(y, mo, 1)
            nxt = julian_to_gregorian(y + (mo == 12), mo % 12 + 1, 1)
            return DateValue(None, f"{y:04d}-{mo:02d}", "#julian", "julian",
                             not_before=first.isoformat(), not_after=(nxt - dt.timedelta(days=1)).isoformat())
        return DateValue(f"{y:04d}-{mo:02d}", labelled=labelled)
    if julian:
        return DateValue(f"{y:04d}", f"{y:04d}", "#julian", "julian")
    return DateValue(f"{y:04d}", labelled=labelled)


def _pick_era(name: str, dyn: str | None, year: int) -> Era:
    """The era a name means: the one of the dynasty a prefix names; else, of the eras of
    that name that had the year, the latest (this history is the Ming's and the Qing's)."""
    cands = eras().get(name, [])
    if not cands:
        raise DateError(f"unknown era {name}")
    if dyn:
        d = normalise(dyn).lstrip("大").removesuffix("朝")
        for e in cands:
            if normalise(e.dynasty).startswith(d) or d.startswith(normalise(e.dynasty)):
                return e
    fitting = [e for e in cands if year <= e.max_year]
    return (fitting or cands)[0]


def _reign(g: dict) -> DateValue:
    name = g["era"]
    n = _num(g["y"])
    if name in REPUBLIC:
        year = 1911 + n
        if g.get("m"):
            mo = _month_number(g["m"])
            if g.get("d"):
                try:
                    return DateValue(dt.date(year, mo, _num(g["d"])).isoformat())
                except ValueError as exc:
                    raise DateError(str(exc)) from None
            return DateValue(f"{year:04d}-{mo:02d}")
        return DateValue(f"{year:04d}")
    era = _pick_era(name, g.get("dyn"), n)
    if n < 1 or n > era.max_year:
        raise DateError(f"{era.name} ({era.dynasty}) has {era.max_year} years ({era.start}-{era.end}); "
                        f"there is no year {n}")
    year = era.start + n - 1
    official = era.dynasty == "清" and 1644 <= year <= 1912
    method = "#chinese-qing" if official else "#chinese"
    if g.get("gzy") and GANZHI[(year - 4) % 60] != g["gzy"]:
        raise DateError(f"{era.name} {n} is the year {GANZHI[(year - 4) % 60]}, not {g['gzy']}")
    if not g.get("m"):
        if era.end_day is not None:
            try:
                start = lunar_month(year, 1, False, era.stream, official)[0]
            except DateError:
                start = None
            if start is not None and start > era.end_day:
                raise DateError(f"{era.name} {n} would begin on {start}, after the era ended ({era.end_day})")
        return DateValue(f"{year:04d}", f"{era.name} {n}", method, "chinese")
    leap = bool(g.get("leap"))
    mo = _month_number(g["m"])
    if not 1 <= mo <= 12:
        raise DateError(f"month {mo} does not exist")
    first, length, table = lunar_month(year, mo, leap, era.stream, official)
    method = "#chinese-qing" if table == "qing" else "#chinese"
    mname = f"{'L' if leap else ''}{mo:02d}"
    last = first + dt.timedelta(days=length - 1)
    if era.end_day is not None and first > era.end_day:
        raise DateError(f"{era.name} ended on {era.end_day}: {era.name} {n}, month {mname} is after its end")
    day, cert = None, None
    if g.get("d"):
        day = _num(g["d"])
    elif g.get("moon"):
        day = {"朔": 1, "望": 15, "晦": length}[g["moon"]]
        cert = "medium" if g["moon"] == "望" else None
    elif g.get("gzd"):
        k = (GANZHI.index(g["gzd"]) - GANZHI.index(ganzhi_of(first))) % 60
        if k >= length:
            raise DateError(f"no {g['gzd']} day in {era.name} {n}, month {mname} "
                            f"({ganzhi_of(first)} to {ganzhi_of(last)})")
        day = k + 1
    if day is None:
        return DateValue(None, f"{era.name} {n}-{mname}", method, "chinese",
                         not_before=first.isoformat(), not_after=last.isoformat())
    if not 1 <= day <= length:
        raise DateError(f"{era.name} {n}, month {mname} has {length} days: there is no day {day}")
    greg = first + dt.timedelta(days=day - 1)
    if era.end_day is not None and greg > era.end_day:      # the day of an abdication is still the era's
        raise DateError(f"{era.name} ended on {era.end_day}: this day ({greg}) is after its end")
    return DateValue(greg.isoformat(), f"{era.name} {n}-{mname}-{day:02d}", method, "chinese", cert=cert)


def _combined(composite: bool) -> re.Pattern:
    """All patterns as one alternation in priority order, each in a named group, so
    that a single left-to-right scan finds, at each position, the first pattern that
    matches there (as trying them one by one would)."""
    parts = []
    for kind, rx in _patterns():
        if kind == "western-interrupted" and not composite:
            continue
        body = re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{kind.replace('-', '_')}__{m.group(1)}>", rx.pattern)
        body = re.sub(r"\(\?P=(\w+)\)", lambda m: f"(?P={kind.replace('-', '_')}__{m.group(1)})", body)
        parts.append(f"(?P<{kind.replace('-', '_')}>{body})")
    return re.compile("|".join(parts))


@lru_cache(maxsize=2)
def _combined_cached(composite: bool) -> re.Pattern:
    return _combined(composite)


def find_dates(text: str, composite: bool = True):
    """Yield (start, end, DateValue or DateError) for every date expression in
    ``text`` (original characters; matched on the normalised form). ``composite``:
    also a Western date interrupted by its reign year, 1864年（同治三年）10月7日."""
    if "年" not in text:       # every form names a year: most text blocks have none
        return
    norm = normalise(text).translate(_FULLWIDTH)
    patterns = dict(_patterns())
    by_group = {kind.replace("-", "_"): kind for kind, _ in _patterns()}
    for m in _combined_cached(composite).finditer(norm):
        if m.end() == m.start():
            continue
        kind = by_group[m.lastgroup]
        inner = patterns[kind].match(norm, m.start())
        try:
            value: DateValue | DateError = interpret(kind, inner)
        except DateError as exc:
            value = exc
        except (ValueError, OverflowError, KeyError) as exc:    # a date the tables cannot place
            value = DateError(f"cannot be placed: {exc}")
        yield m.start(), m.end(), value


# ------------------------------------------------------------------ consistency

def diagnose(a: dt.date, b: dt.date) -> str:
    """Why two days stated to be one may differ."""
    delta = (a - b).days
    n = abs(delta)
    if n == 0:
        return "agree"
    if n == julian_offset(min(a, b)):
        return f"differ by {n} days, the Julian offset of that century: one is an unlabelled Julian date"
    if n == 1:
        return "differ by one day"
    if 28 <= n <= 31:
        return f"differ by {n} days: one month"
    if 350 <= n <= 390:
        return f"differ by {n} days: one year"
    return f"differ by {n} days"


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
        if found and not isinstance(found[0], DateError) and found[0].when != d.get("when") \
                and not (d.get("datingMethod") == "#julian" and not found[0].labelled):
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
            cal = {"#julian": "Julian", "#chinese-qing": "Qing calendar", "#chinese": "Chinese calendar"}.get(
                e.get("datingMethod"), "Gregorian")
            lines.append(f"    {original_text(e)}  ({cal})  = {e.get('when')}")
        if len(whens) > 1:
            days = [dt.date.fromisoformat(w) for w in whens if w and len(w) == 10]
            why = f" -- {diagnose(days[0], days[1])}" if len(days) >= 2 else ""
            if why:
                lines.append(f"    diagnosis:{why[3:]}")
            parts = "; ".join(f'"{original_text(e)}" = {e.get("when")}' for e in group)
            findings.append(Finding(shown, d.sourceline or 0, "disagree", f"the same day is given as {parts}{why}"))
    return lines, findings
