"""Dates as historians write them: the hand-checked table of date expressions from the
real texts (tests/gold/dates.table.tsv), the calendar tables cross-checked against sanmiao, and
every disagreement a text states reported with its diagnosis."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from conftest import REPO, run_cli
from treatytei.dates import (DateError, diagnose, find_dates, julian_to_gregorian, qing_months,
                             sanmiao_months)

TABLE = REPO / "tests" / "gold" / "dates.table.tsv"  # (not an entity gold: evaluate skips *.table.tsv)


def _rows():
    lines = [ln for ln in TABLE.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


def _value(v) -> str:
    if v is None:
        return "none"
    if isinstance(v, DateError):
        return f"error: {v}"
    out = f"when={v.when}" if v.when else f"range={v.not_before}/{v.not_after}"
    if v.dating_method:
        out += f"; {v.dating_method[1:]}={v.when_custom}"
    if v.cert:
        out += f"; cert={v.cert}"
    return out


def _first(expr):
    found = [v for a, _, v in find_dates(expr) if a == 0]
    return found[0] if found else None


def test_the_table_is_large_and_from_the_texts():
    assert len(ROWS) >= 120
    from_texts = [r for r in ROWS if r["file"] != "(issue form)"]
    assert len(from_texts) >= 120
    assert sum(1 for r in ROWS if r["stated_equivalent"]) >= 30
    assert sum(1 for r in ROWS if r["expected"].startswith("error")) >= 8


@pytest.mark.parametrize("row", ROWS, ids=[r["expression"] for r in ROWS])
def test_each_date_gives_what_the_table_says(row):
    assert _value(_first(row["expression"])) == row["expected"]


def _diagnosis(a, b) -> str:
    if a is None or b is None or isinstance(a, DateError) or isinstance(b, DateError):
        return ""
    if a.day() and b.day():
        return diagnose(a.day(), b.day())
    if a.when and b.when and len(a.when) == len(b.when):
        return "agree" if a.when == b.when else "differ"
    ra = (a.not_before or a.when, a.not_after or a.when)
    rb = (b.not_before or b.when, b.not_after or b.when)
    return "agree" if max(ra[0][:7], rb[0][:7]) <= min(ra[1][:7], rb[1][:7]) else "differ"


@pytest.mark.parametrize("row", [r for r in ROWS if r["stated_equivalent"]],
                         ids=[r["expression"] for r in ROWS if r["stated_equivalent"]])
def test_every_stated_equivalent_is_compared(row):
    a, b = _first(row["expression"]), _first(row["stated_equivalent"])
    assert _diagnosis(a, b) == row["diagnosis"]


def test_the_disagreements_the_texts_state():
    """The real published errors the table holds, each with its diagnosis."""
    found = {(r["expression"], r["diagnosis"]) for r in ROWS if r["diagnosis"] not in ("", "agree")}
    assert ("一七六八年十月三十日", "differ by one day") in found                 # witness A's note
    assert ("雍正五年七月十五", "differ by one day") in found                    # zh-Wikipedia 恰克圖界約
    assert any(e == "宣統三年十月十八日" and d.startswith("differ by 13 days, the Julian offset")
               for e, d in found)                                                   # 滿洲里界約: an unlabelled Julian date
    # an era year that did not exist, glossed by the text as 1862
    assert any(r["expression"] == "咸丰十二年" and r["expected"].startswith("error") for r in ROWS)


# ------------------------------------------------------------------ the calendar tables

#: Every month start of 1644-1912 on which the Qing official-calendar table and sanmiao's
#: table disagree, and why. Ours is kept: it follows the calendar the Qing printed.
KNOWN_DIFFERENCES = {
    # sanmiao's rows for the last three months of 乾隆二年 are out of order (its month 10
    # starts after its month 12); the official calendar's months run 11-22, 12-21, 1-20
    (1737, "10"), (1737, "11"), (1737, "12"),
    # 乾隆五年 had its leap month after the sixth (閏六月); sanmiao puts it after the third,
    # so its fourth to sixth months start a month late
    (1740, "4"), (1740, "5"), (1740, "6"),
}
#: months only one of the two tables has: the leap months above and in 1718, a twelfth
#: month sanmiao lacks, and 1912, which sanmiao's Qing stream stops before
ONLY_OURS = {(1716, "12"), (1718, "L8"), (1740, "L6")}
ONLY_THEIRS = {(1740, "L3")}


def test_qing_table_against_sanmiao_1644_1912():
    ours = qing_months()
    theirs = {k: v[0] for k, v in sanmiao_months("3").items() if 1644 <= k[0] <= 1912}
    common = set(ours) & set(theirs)
    assert len(common) > 3300
    assert {k for k in common if ours[k] != theirs[k]} == KNOWN_DIFFERENCES
    assert set(theirs) - set(ours) == ONLY_THEIRS
    assert {k for k in set(ours) - set(theirs) if k[0] != 1912} == ONLY_OURS


def _sanmiao_day(expr: str) -> dt.date | None:
    """What sanmiao's own interpreter makes of a date (its ISO output is Julian before
    15 October 1582: given here in the proleptic Gregorian calendar, as ours)."""
    import io
    import contextlib
    import sanmiao

    with contextlib.redirect_stdout(io.StringIO()):
        out = sanmiao.cjk_date_interpreter(expr)
    m = re.findall(r"(-?\d{3,4})-(\d{2})-(\d{2})[)）]", out)
    if not m or "mismatch" in out or "Insufficient" in out or "~" in out:    # "~": it read a month, not the day
        return None
    y, mo, d = (int(x) for x in m[-1])
    day = dt.date(y, mo, d)
    return julian_to_gregorian(y, mo, d) if day < dt.date(1582, 10, 15) else day


_NUM = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUM[tens]) + "十" + (_NUM[ones] if ones else "")


@pytest.mark.slow
def test_day_conversions_cross_checked_against_sanmiao():
    """Every Chinese date of the table that gives a day, written plainly (era, year, month,
    day in numerals), is converted by sanmiao's interpreter too: the two agree, except where
    the table says why not."""
    checked, skipped = 0, []
    for r in ROWS:
        m = re.search(r"(chinese(?:-qing)?)=(\S+) (\d+)-(L?)(\d\d)-(\d\d)", r["expected"])
        when = re.search(r"when=(\d{4}-\d\d-\d\d)", r["expected"])
        if not m or not when:
            continue
        era, year, leap, month, day = m.group(2), int(m.group(3)), m.group(4), int(m.group(5)), int(m.group(6))
        plain = f"{era}{_chinese(year) if year > 1 else '元'}年{'閏' if leap else ''}{_chinese(month)}月{_chinese(day)}日"
        theirs = _sanmiao_day(plain)
        if theirs is None:
            skipped.append(plain)
            continue
        assert theirs.isoformat() == when.group(1), (r["expression"], plain, theirs)
        checked += 1
    assert checked >= 30 and len(skipped) <= 5, (checked, skipped)    # 33 and 4 when written
    # (sanmiao itself reads 臘月 as the twelfth month of the year before, and 初N after a
    # month apart from it: the plain forms above avoid both)


# ------------------------------------------------------------------ reported where they stand

def test_enrich_and_validate_report_what_they_cannot_convert(project):
    import shutil
    from treatytei.convert import convert
    shutil.copy(REPO / "tei" / "register.xml", project.tei / "register.xml")
    src = project.root / "sources" / "bad-dates.txt"
    src.write_text("甲约\n\n一、雍正十五年,宣統三年十二月二十六日,雍正五年九月三十日,皆無此日。\n"
                   "二、宣統三年十月十八日,即一千九百十一年十一月二十五日。\n", encoding="utf-8")
    with project.manifest.open("a", encoding="utf-8") as fh:
        fh.write('\n[[source]]\nid = "bad-dates"\nfile = "bad-dates.txt"\nformat = "wikisource-treaty"\n'
                 'title = "甲约"\nscript = "Hant"\nurl = "https://x.org"\nlicence = "test"\n')
    convert(project, ["bad-dates"])
    r = run_cli("enrich", str(project.tei / "bad-dates.xml"), cwd=project.root)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "date not converted" in ln]
    assert len(lines) == 3 and all(re.search(r"tei/bad-dates\.xml:\d+:\d+: ", ln) for ln in lines)
    assert "no year 15" in lines[0] and "after its end" in lines[1] and "no day 30" in lines[2]
    r = run_cli("validate", str(project.tei / "bad-dates.xml"), cwd=project.root)
    warnings = [ln for ln in r.stdout.splitlines() if "[date-unconvertible]" in ln]
    assert len(warnings) == 3 and all(re.match(r"tei/bad-dates\.xml:\d+:\d+: warning", ln) for ln in warnings)
    # the unlabelled Western date that equals the Chinese one only as Julian is encoded as Julian
    text = (project.tei / "bad-dates.xml").read_text(encoding="utf-8")
    assert 'when="1911-12-08" when-custom="1911-11-25" datingMethod="#julian"' in text
    r = run_cli("dates", "--check", cwd=project.root)
    assert "1911-12-08" in r.stdout
