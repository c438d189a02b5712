"""Publisher date spellings to ISO 8601, keeping only the precision the publisher gave."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MDY_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_D_MON_Y = re.compile(r"^(?:(\d{1,2})[ -])?([A-Za-z]{3,9})\.?[ -,]*(\d{4})$")
_MON_D_Y = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_YEAR = re.compile(r"^(?:circa |c\. ?|approximately )?(\d{4})$", re.IGNORECASE)
MAX_RANGE_YEARS = 20  # a wider birth-year range says too little to list year by year


def _build(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2999:
        return None
    if month is None or month == 0:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None or day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None, *, us_order: bool = False) -> str | None:
    """'12 Jan 1960', '12/01/1960', '1960-01-12', '1960', '00/00/1975' -> ISO, or None.

    Day/month/year is the default reading of slashed dates (UN, UK, EU); `us_order` reads
    month/day/year (OFAC, trade.gov). Zeros mean "unknown" in UK files and lower the precision.
    """
    if not text:
        return None
    value = " ".join(text.strip().split())
    if m := _ISO.match(value):
        return _build(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    if us_order and (m := _MDY_US.match(value)):
        return _build(int(m[3]), int(m[1]), int(m[2]))
    if m := _DMY.match(value):
        return _build(int(m[3]), int(m[2]), int(m[1]))
    if m := _D_MON_Y.match(value):
        month = _MONTHS.get(m[2].casefold())
        if month:
            return _build(int(m[3]), month, int(m[1]) if m[1] else None)
    if m := _MON_D_Y.match(value):
        month = _MONTHS.get(m[1].casefold())
        if month:
            return _build(int(m[3]), month, int(m[2]))
    if m := _YEAR.match(value):
        return _build(int(m[1]))
    return None


def year_range(first: str, last: str, *, max_years: int = MAX_RANGE_YEARS) -> list[str]:
    """Every year from `first` to `last`, or [] when unreadable or too wide to be useful."""
    start, end = parse_date(first), parse_date(last)
    if start is None or end is None:
        return []
    low, high = int(start[:4]), int(end[:4])
    if not 0 <= high - low <= max_years:
        return []
    return [f"{y:04d}" for y in range(low, high + 1)]
