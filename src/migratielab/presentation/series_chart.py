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
from typing import Any

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
"""The legend of a flow's line per period length (catalogue keys)."""

DASHES: dict[PeriodKind, str] = {
    "annual": "solid",
    "half-year": "dash",
    "quarterly": "dot",
    "monthly": "dashdot",
    "snapshot": "solid",
}
"""Line styles per period length, so the lines differ for readers who cannot tell the colours apart."""

BOUND_SYMBOL = "triangle-up-open"
"""The marker of a value published as a lower bound ("more than"); other values are dots."""


def series_figure(
    periods: Sequence[str],
    values: Sequence[float],
    kind: str,
    unit: str,
    lang: Language,
    lower_bounds: Sequence[bool] = (),
) -> Figure | None:
    """The data page's chart of a series (``kind``: flow, stock or ratio; values in ``unit``), or None
    when there are no values. On a date axis each point's hover names its period as published (a
    year-end level as ``end YYYY``), not the day it is drawn at. A value published as a lower bound
    (``lower_bounds``, per value) is an open triangle and reads ``≥`` in the hover."""
    if not periods:
        return None
    bounds = list(lower_bounds) or [False] * len(periods)
    parsed = [(parse_period(p), v, b) for p, v, b in zip(periods, values, bounds, strict=True)]
    if all(period.kind == "annual" for period, _, _ in parsed):
        ordered = sorted((period.year, value, bound) for period, value, bound in parsed)
        years = Series(text("annual_values", lang), [y for y, _, _ in ordered], [v for _, v, _ in ordered])
        figure = line_chart([years], text("annual_values", lang), unit, lang)
        mark_bounds(figure["data"][0], {year for year, _, bound in ordered if bound})
        return figure
    lines: list[tuple[PeriodKind, str, DatedLine]]
    if kind == "stock":
        lines = [("snapshot", text("series_levels", lang), stock_line(parsed, lang))]
    else:
        lengths = dict.fromkeys(
            period.kind for period, _, _ in sorted(parsed, key=lambda item: item[0].start)
        )
        lines = [
            (length, text(FLOW_LABELS[length], lang), flow_line([p for p in parsed if p[0].kind == length]))
            for length in lengths
        ]
    series = [Series(name, line.x, line.y) for _, name, line in lines]
    figure = line_chart(series, text("series_chart_title", lang), unit, lang)
    for trace, (length, _, line) in zip(figure["data"], lines, strict=True):
        trace["customdata"] = [
            [label, "≥ " if bound else ""] for label, bound in zip(line.labels, line.bounds, strict=True)
        ]
        suffix = "%" if unit == "%" else ""  # a share is drawn in percent
        trace["hovertemplate"] = (
            f"%{{customdata[0]}}: %{{customdata[1]}}%{{y}}{suffix}<extra>%{{fullData.name}}</extra>"
        )
        trace["line"] = {**trace["line"], "dash": DASHES[length]}
        mark_bounds(trace, {x for x, bound in zip(line.x, line.bounds, strict=True) if bound})
    figure["layout"]["hovermode"] = "closest"
    figure["layout"]["showlegend"] = True
    return figure


def mark_bounds(trace: dict[str, Any], bound_x: set[object]) -> None:
    """Open triangles at the x values of lower bounds (no change where there is none)."""
    if bound_x:
        symbols = [BOUND_SYMBOL if x in bound_x else "circle" for x in trace["x"]]
        trace["marker"] = {**trace["marker"], "symbol": symbols}


@dataclass(frozen=True)
class DatedLine:
    """Points on a date axis: ISO dates, values (None breaks the line) and each point's period label."""

    x: list[str]
    y: list[float | None]
    labels: list[str]
    bounds: list[bool]  # published as a lower bound

    def add(self, day: date, value: float | None, label: str, bound: bool = False) -> None:
        """Append one point (a gap: ``value`` None and an empty label)."""
        self.x.append(day.isoformat())
        self.y.append(value)
        self.labels.append(label)
        self.bounds.append(bound)


def flow_line(points: Sequence[tuple[Period, float, bool]]) -> DatedLine:
    """Flows of one period length at the middle day of their periods, in date order, with a gap
    between two periods that do not follow each other (a missing period breaks the line)."""
    line = DatedLine([], [], [], [])
    previous: Period | None = None
    for period, value, bound in sorted(points, key=lambda item: item[0].start):
        if previous is not None and period.start != previous.end + timedelta(days=1):
            line.add(previous.end, None, "")
        line.add(period.start + (period.end - period.start) / 2, value, period.text, bound)
        previous = period
    return line


def stock_line(points: Sequence[tuple[Period, float, bool]], lang: Language) -> DatedLine:
    """Levels at the last day of their periods (a year's value is its year-end level), in date
    order, with a gap between two counts more than ``STOCK_GAP_DAYS`` apart."""
    levels = sorted((period.end, value, level_label(period, lang), bound) for period, value, bound in points)
    line = DatedLine([], [], [], [])
    for index, (day, value, label, bound) in enumerate(levels):
        if index and (day - levels[index - 1][0]).days > STOCK_GAP_DAYS:
            line.add(levels[index - 1][0] + timedelta(days=1), None, "")
        line.add(day, value, label, bound)
    return line


def level_label(period: Period, lang: Language) -> str:
    """How a stock's period reads: ``end 2025`` for a year's (year-end) level, else as published."""
    return text("series_year_end", lang, year=period.year) if period.kind == "annual" else period.text
