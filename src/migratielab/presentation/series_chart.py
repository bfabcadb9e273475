"""The chart of one stored series on its data page: every value at its period, gaps as gaps.

A series of whole years is drawn over years, as before. A series with half-years, quarters, months
or dated counts is drawn on a date axis: a flow (or a ratio) as one line per period length, each
value at the middle of its period (a half-year total is not a year total, so they are not joined);
a stock as one line of levels, each at the day it was counted (a year's value is its year-end level,
a month's value the level at the end of the month). A line breaks where a period is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from migratielab.data.periods import Period, PeriodKind, parse_period
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, line_chart

STOCK_GAP_DAYS = 400
"""Two counts of a stock further apart than this (days) are not joined by a line (about a year and
a month: yearly counts stay joined, a missing year breaks the line)."""

FLOW_LABELS: dict[PeriodKind, str] = {
    "annual": "series_per_year",
    "half-year": "series_per_half_year",
    "quarterly": "series_per_quarter",
    "monthly": "series_per_month",
    "snapshot": "series_per_day",
}


def series_figure(
    periods: Sequence[str], values: Sequence[float], kind: str, unit: str, lang: Language
) -> Figure | None:
    """The data page's chart of a series (``kind``: flow, stock or ratio; values in ``unit``), or None
    when there are no values."""
    if not periods:
        return None
    parsed = [(parse_period(period), value) for period, value in zip(periods, values, strict=True)]
    if all(period.kind == "annual" for period, _ in parsed):
        ordered = sorted((period.year, value) for period, value in parsed)
        years = Series(text("annual_values", lang), [y for y, _ in ordered], [v for _, v in ordered])
        return line_chart([years], text("annual_values", lang), unit, lang)
    if kind == "stock":
        series = [Series(text("series_levels", lang), *stock_line(parsed))]
    else:
        lengths = dict.fromkeys(period.kind for period, _ in sorted(parsed, key=lambda item: item[0].start))
        series = [
            Series(text(FLOW_LABELS[length], lang), *flow_line([p for p in parsed if p[0].kind == length]))
            for length in lengths
        ]
    return line_chart(series, text("series_chart_title", lang), unit, lang)


def flow_line(points: Sequence[tuple[Period, float]]) -> tuple[list[str], list[float | None]]:
    """Flows of one period length at the middle day of their periods (ISO dates), in date order, with
    None between two periods that do not follow each other (a missing period breaks the line)."""
    x: list[str] = []
    y: list[float | None] = []
    previous: Period | None = None
    for period, value in sorted(points, key=lambda item: item[0].start):
        if previous is not None and period.start != previous.end + timedelta(days=1):
            x.append(previous.end.isoformat())
            y.append(None)
        x.append((period.start + (period.end - period.start) / 2).isoformat())
        y.append(value)
        previous = period
    return x, y


def stock_line(points: Sequence[tuple[Period, float]]) -> tuple[list[str], list[float | None]]:
    """Levels at the last day of their periods (a year's value is its year-end level), in date
    order, with None between two counts more than ``STOCK_GAP_DAYS`` apart."""
    levels = sorted((period.end, value) for period, value in points)
    x: list[str] = []
    y: list[float | None] = []
    for index, (day, value) in enumerate(levels):
        if index and (day - levels[index - 1][0]).days > STOCK_GAP_DAYS:
            x.append((levels[index - 1][0] + timedelta(days=1)).isoformat())
            y.append(None)
        x.append(day.isoformat())
        y.append(value)
    return x, y
