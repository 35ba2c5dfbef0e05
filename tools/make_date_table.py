"""Draft the date test table (tests/gold/dates.table.tsv) from the real texts: every date
expression of the edition's sources and the development corpus (tests/real-corpus), with
the equivalent the text itself states beside it (in parentheses or after 即), and what the
toolkit gives. The draft is then checked by hand -- every Chinese date against sanmiao's
own converter and the text's statement, every error against the era tables -- and the
reviewed table is what the tests hold the toolkit to (a row the toolkit later gets wrong
fails). Run:  .venv/bin/python tools/make_date_table.py > /tmp/dates-draft.tsv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatytei.dates import DateError, find_dates  # noqa: E402


def value(v) -> str:
    if isinstance(v, DateError):
        return f"error: {v}"
    if v.when:
        out = f"when={v.when}"
    else:
        out = f"range={v.not_before}/{v.not_after}"
    if v.dating_method:
        out += f"; {v.dating_method[1:]}={v.when_custom}"
    if v.cert:
        out += f"; cert={v.cert}"
    return out


#: forms the dates issue lists, beside the texts' own: (expression, what it tests)
FORMS = [
    ("雍正五年七月十五", "日 absent"), ("乾隆3年5月初2日", "Arabic and Chinese numerals mixed"),
    ("雍正5年9月7日", "Arabic numerals"), ("雍正５年９月７日", "full-width digits"),
    ("康熙廿一年2月23日", "廿 with Arabic month and day"), ("乾隆十年正月初三", "正月, no 日"),
    ("雍正五年臘月初八", "臘月"), ("雍正五年冬月初八", "冬月"), ("乾隆五年閏六月初一日", "a leap month that existed"),
    ("雍正五年閏九月初一日", "a leap month that did not exist"), ("雍正五年九月庚申", "干支 day"),
    ("雍正五年九月戊子", "干支 day not in the month"), ("雍正五年九月朔", "朔"), ("雍正五年九月望", "望"),
    ("雍正五年九月晦", "晦"), ("康熙廿四年乙丑二月十六日", "干支 year, right"), ("康熙廿四年甲子二月十六日", "干支 year, wrong"),
    ("清高宗乾隆五十七年", "dynasty and temple name"), ("大清同治三年", "大清"), ("萬曆三年正月初三", "Ming"),
    ("天聰九年", "Later Jin"), ("崇德元年", "Qing before 1644"), ("民國二十年三月五日", "Republic"),
    ("中華民國三十七年", "Republic, full name"), ("雍正十五年", "past the reign's end"),
    ("宣統四年", "a year that began after the abdication"), ("宣統三年十二月二十五日", "the day of the abdication"),
    ("宣統三年十二月二十六日", "the day after the abdication"), ("雍正五年九月三十日", "past the month's end"),
    ("儒略历1858年5月16日", "儒略历 label"), ("露曆一八五八年五月十六日", "露曆"), ("舊曆一八六一年五月十六日", "舊曆"),
    ("西曆1881年2月24日", "西曆"), ("公曆1881年2月24日", "公曆"), ("陽曆1881年2月24日", "陽曆"),
    ("一千八百六十年", "long numerals"), ("一千八百六十一年伊云月十六日", "a Russian month name: the year only"),
    ("至元十九年", "an era name two dynasties used"), ("同治〇年", "year zero: no such year"),
    ("光緒三十二年十二月", "a month without its day"),
]


def main() -> None:
    files = sorted((ROOT / "tests" / "real-corpus").glob("*/*.*")) + sorted((ROOT / "sources").glob("*.*"))
    seen: set[str] = set()
    print("expression\tfile\texpected\tstated_equivalent\tnote")
    for f in files:
        if f.suffix not in (".md", ".txt") or f.name == "README.md":
            continue
        text = f.read_text(encoding="utf-8")
        found = list(find_dates(text))
        for k, (a, b, v) in enumerate(found):
            expr = text[a:b]
            if expr in seen:
                continue
            seen.add(expr)
            stated = ""
            if k + 1 < len(found):
                a2, b2, _ = found[k + 1]
                if re.fullmatch(r"[\s,，、;；:：（()）]*(?:亦?[即卽][\s,，、;；:：]*)?", text[b:a2]):
                    stated = text[a2:b2]
            print(f"{expr}\t{f.parent.name}/{f.name}\t{value(v)}\t{stated}\t")
    for expr, note in FORMS:
        found = [v for a, _, v in find_dates(expr) if a == 0]
        print(f"{expr}\t(issue form)\t{value(found[0]) if found else 'none'}\t\t{note}")


if __name__ == "__main__":
    main()
