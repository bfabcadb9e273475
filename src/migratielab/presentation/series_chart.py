"""The chart of one stored series on its data page: every value at its period, gaps as gaps.

A series of whole years is drawn over years, as before. A series with half-years, quarters, months
or dated counts is drawn on a date axis: a flow (or a ratio) as one line per period length, each
value at the middle of its period (a half-year total is not a year total, so they are not joined);
a stock as one line of levels, each at the day it was counted (a year's value is its year-end level,
a month's value the level at the end of the month). A line breaks where a period is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

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
    when there are no values. On a date axis each point's hover names its period as published (a
    year-end level as ``end YYYY``), not the day it is drawn at."""
    if not periods:
        return None
    parsed = [(parse_period(period), value) for period, value in zip(periods, values, strict=True)]
    if all(period.kind == "annual" for period, _ in parsed):
        ordered = sorted((period.year, value) for period, value in parsed)
        years = Series(text("annual_values", lang), [y for y, _ in ordered], [v for _, v in ordered])
        return line_chart([years], text("annual_values", lang), unit, lang)
    if kind == "stock":
        lines = [(text("series_levels", lang), stock_line(parsed, lang))]
    else:
        lengths = dict.fromkeys(period.kind for period, _ in sorted(parsed, key=lambda item: item[0].start))
        lines = [
            (text(FLOW_LABELS[length], lang), flow_line([p for p in parsed if p[0].kind == length]))
            for length in lengths
        ]
    figure = line_chart(
        [Series(name, line.x, line.y) for name, line in lines], text("series_chart_title", lang), unit, lang
    )
    for trace, (_, line) in zip(figure["data"], lines, strict=True):
        trace["customdata"] = line.labels
        trace["hovertemplate"] = "%{customdata}: %{y}<extra>%{fullData.name}</extra>"
    figure["layout"]["hovermode"] = "closest"
    figure["layout"]["showlegend"] = True
    return figure


@dataclass(frozen=True)
class DatedLine:
    """Points on a date axis: ISO dates, values (None breaks the line) and each point's period label."""

    x: list[str]
    y: list[float | None]
    labels: list[str]

    def add(self, day: date, value: float | None, label: str) -> None:
        """Append one point (a gap: ``value`` None and an empty label)."""
        self.x.append(day.isoformat())
        self.y.append(value)
        self.labels.append(label)


def flow_line(points: Sequence[tuple[Period, float]]) -> DatedLine:
    """Flows of one period length at the middle day of their periods, in date order, with a gap
    between two periods that do not follow each other (a missing period breaks the line)."""
    line = DatedLine([], [], [])
    previous: Period | None = None
    for period, value in sorted(points, key=lambda item: item[0].start):
        if previous is not None and period.start != previous.end + timedelta(days=1):
            line.add(previous.end, None, "")
        line.add(period.start + (period.end - period.start) / 2, value, period.text)
        previous = period
    return line


def stock_line(points: Sequence[tuple[Period, float]], lang: Language) -> DatedLine:
    """Levels at the last day of their periods (a year's value is its year-end level), in date
    order, with a gap between two counts more than ``STOCK_GAP_DAYS`` apart."""
    levels = sorted((period.end, value, level_label(period, lang)) for period, value in points)
    line = DatedLine([], [], [])
    for index, (day, value, label) in enumerate(levels):
        if index and (day - levels[index - 1][0]).days > STOCK_GAP_DAYS:
            line.add(levels[index - 1][0] + timedelta(days=1), None, "")
        line.add(day, value, label)
    return line


def level_label(period: Period, lang: Language) -> str:
    """How a stock's period reads: ``end 2025`` for a year's (year-end) level, else as published."""
    return text("series_year_end", lang, year=period.year) if period.kind == "annual" else period.text
