"""Regenerate src/treatytei/data/qing_calendar.tsv: the month starts of the Chinese
calendar for the Qing years 1644-1912.

The facts come from the calendar table of Yuk Tung Liu's "Conversion between Western
and Chinese Calendar" (PyPI: ChineseCalendar_py, file default_calendar_M105_2202.csv),
which for 1645-1912 reproduces the official Shixian calendar (時憲曆) as issued, not a
modern astronomical computation. Run once with that package installed:

    pip install ChineseCalendar_py && python tools/make_qing_calendar.py

Output columns: chinese year (the Gregorian year in which it starts), month
(1-12, or L<n> for the leap month after month n), first day of the month (ISO).
"""

import csv
import datetime
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "treatytei" / "data" / "qing_calendar.tsv"


def main() -> None:
    table = resources.files("ChineseCalendar_py").joinpath("default_calendar_M105_2202.csv")
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    lines = ["# Month starts of the Qing official calendar (時憲曆), 1644-1912.",
             "# Derived from Yuk Tung Liu's calendar table (PyPI ChineseCalendar_py 0.0.1,",
             "# default_calendar_M105_2202.csv) by tools/make_qing_calendar.py.",
             "# year\tmonth\tfirst_day"]
    for row in rows:
        year = int(row["year"])
        if not 1644 <= year <= 1912:
            continue
        day1 = datetime.date(year, 1, 1) - datetime.timedelta(days=1)
        months = [(str(m), int(row[f"M{m:02d}"])) for m in range(1, 13)]
        if int(row["leap"]):
            months.append((f"L{int(row['leap'])}", int(row["Mleap"])))
        months.sort(key=lambda kv: kv[1])
        for name, offset in months:
            lines.append(f"{year}\t{name}\t{(day1 + datetime.timedelta(days=offset)).isoformat()}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
