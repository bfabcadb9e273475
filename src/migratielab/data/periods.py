"""Period notation of the statistics store.

Every value in the store belongs to one period, written as text:

==========  =============  ==============================================
kind        example        meaning
==========  =============  ==============================================
annual      ``2015``       calendar year (for stocks: the year-end level)
half-year   ``2016-H2``    July to December 2016
quarterly   ``2018-Q3``    July to September 2018
monthly     ``2015-10``    October 2015 (for stocks: a level in that month)
snapshot    ``2022-07-01`` a level on that date
==========  =============  ==============================================
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

PeriodKind = Literal["annual", "half-year", "quarterly", "monthly", "snapshot"]
Frequency = Literal["annual", "half-year", "quarterly", "monthly", "snapshot", "mixed"]

PERIOD_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)

#: Period kinds a series of each frequency may hold. A snapshot series holds levels: dated
#: snapshots, a month's level (date within the month not reported) or a year-end level.
ALLOWED_KINDS: dict[Frequency, frozenset[PeriodKind]] = {
    "annual": frozenset({"annual"}),
    "half-year": frozenset({"half-year"}),
    "quarterly": frozenset({"quarterly"}),
    "monthly": frozenset({"monthly"}),
    "snapshot": frozenset({"annual", "monthly", "snapshot"}),
    "mixed": frozenset(PERIOD_KINDS),
}

PERIOD_HELP = "a period like 2015, 2016-H2, 2018-Q3, 2015-10 or 2022-07-01"

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("annual", re.compile(r"(\d{4})")),
    ("half-year", re.compile(r"(\d{4})-H([12])")),
    ("quarterly", re.compile(r"(\d{4})-Q([1-4])")),
    ("monthly", re.compile(r"(\d{4})-(0[1-9]|1[0-2])")),
    ("snapshot", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
)


@dataclass(frozen=True, order=False)
class Period:
    """A parsed period: its text, kind and first and last day (both inclusive)."""

    text: str
    kind: PeriodKind
    start: date
    end: date

    @property
    def year(self) -> int:
        """The calendar year the period starts in."""
        return self.start.year

    def sort_key(self) -> tuple[int, date, date]:
        """Order by kind (annual first, snapshots last), then chronologically."""
        return (PERIOD_KINDS.index(self.kind), self.start, self.end)


def _month_span(year: int, first_month: int, months: int) -> tuple[date, date]:
    """First and last day of ``months`` calendar months starting at ``first_month`` of ``year``."""
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, monthrange(year, last_month)[1])


def parse_period(text: str) -> Period:
    """Parse a period in store notation; raise ValueError naming the expected forms."""
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match.group(1))
        if year < 1:
            raise ValueError(f"{PERIOD_HELP} (got {text!r}, there is no year 0)")
        if kind == "annual":
            start, end = _month_span(year, 1, 12)
        elif kind == "half-year":
            start, end = _month_span(year, 6 * int(match.group(2)) - 5, 6)
        elif kind == "quarterly":
            start, end = _month_span(year, 3 * int(match.group(2)) - 2, 3)
        elif kind == "monthly":
            start, end = _month_span(year, int(match.group(2)), 1)
        else:
            try:
                start = end = date(year, int(match.group(2)), int(match.group(3)))
            except ValueError:
                raise ValueError(f"{PERIOD_HELP} (got {text!r}, not a calendar date)") from None
        return Period(text, kind, start, end)
    raise ValueError(f"{PERIOD_HELP} (got {text!r})")


def sorted_periods(texts: Iterable[str]) -> list[str]:
    """Period texts ordered by kind, then chronologically (see :meth:`Period.sort_key`)."""
    return sorted(texts, key=lambda text: parse_period(text).sort_key())


def frequency_of(kinds: Iterable[PeriodKind]) -> Frequency:
    """The frequency that describes a set of period kinds of one flow series."""
    distinct = set(kinds)
    if len(distinct) == 1:
        (only,) = distinct
        return "snapshot" if only == "snapshot" else only
    return "mixed"


def span(texts: Iterable[str]) -> str:
    """The years a set of periods covers, e.g. ``"2010-2024"`` or ``"2022"``; ``""`` if none."""
    parsed = [parse_period(text) for text in texts]
    if not parsed:
        return ""
    first = min(period.start.year for period in parsed)
    last = max(period.end.year for period in parsed)
    return str(first) if first == last else f"{first}-{last}"
