"""The faces' charts as plain plotly figure dicts: one fan chart, plus line and bar charts.

A figure is ``{"data": [...], "layout": {...}}``: valid plotly JSON that the dashboard hands to
plotly.js as is and reports wrap in ``go.Figure`` (building ``go.Figure`` objects for the dashboard
would cost about 0.1 s each in validation). Numbers on axes and in hover labels use the language's
separators; colours come from ``palette``; missing values (None) stay gaps, never bridged.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import format_number, plotly_separators
from migratielab.presentation.palette import OBSERVED, colours, rgba

Figure = dict[str, Any]
Values = Sequence[float | None]
BANDS = (("0.05", "0.95", 0.12), ("0.25", "0.75", 0.22))
"""The fan's bands (low and high quantile keys) and their fill opacity: 90% lighter, 50% darker."""
MEDIAN = "0.5"
GRID = {"gridcolor": "#ebf0f8", "zerolinecolor": "#c9d3e3"}
HEIGHT = 400
TITLE_WIDTH = 48
LEGEND_WIDTH = 62
"""Characters per legend line: a legend entry longer than this wraps (plotly cuts it at the edge)."""
"""Characters per title line; longer titles wrap (plotly does not wrap titles itself)."""


@dataclass(frozen=True)
class FanSeries:
    """One series of a fan chart: quantiles over runs (keys like ``"0.05"``) per x value."""

    name: str
    x: Sequence[Any]
    quantiles: Mapping[str, Values]


@dataclass(frozen=True)
class Series:
    """One line or bar series: values per x (None where there is no value)."""

    name: str
    x: Sequence[Any]
    y: Values


def quantile_key(quantile: float) -> str:
    """The key of a quantile in ``FanSeries.quantiles`` (0.05 is ``"0.05"``, 0.5 is ``"0.5"``)."""
    return f"{quantile:g}"


def frame_fan(name: str, frame: pd.DataFrame) -> FanSeries:
    """A fan series from a frame indexed by month (timestamps or ``YYYY-MM``) with one column per
    quantile (0.05, 0.5, ...); NaN becomes a gap."""
    quantiles = {
        quantile_key(float(q)): [None if pd.isna(v) else float(v) for v in frame[q]] for q in frame.columns
    }
    return FanSeries(name, [str(pd.Timestamp(t).date()) for t in frame.index], quantiles)


def hover_format(values: Values) -> str:
    """A d3 format for hover labels: whole numbers from 100 on, else three significant digits."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return ",.0f" if finite and max(finite) >= 100 else ",.3~r"


YEAR_STEPS = (1, 2, 5, 10, 25, 50, 100)
"""Year-axis tick steps: the smallest that keeps a chart at about twelve year labels or fewer."""


def year_axis(x: Sequence[Any]) -> dict[str, Any]:
    """An x axis of whole years: labels like ``2024`` (no separators, no ``2.020,5``), every year, every
    other year, or every 5, 10, ... years on long horizons; other x values (dates) keep plotly's own."""
    if not x or not all(isinstance(value, int) for value in x):
        return {}
    span = max(x) - min(x)
    return {"tickformat": "d", "dtick": next(step for step in YEAR_STEPS if span <= 12 * step)}


def fill_years(x: Sequence[Any], y: Values) -> tuple[list[Any], list[float | None]]:
    """Whole-year series with every missing year present as None, so a line breaks there."""
    if not x or not all(isinstance(value, int) for value in x):
        return list(x), list(y)
    known = dict(zip(x, y, strict=True))
    years = list(range(min(x), max(x) + 1))
    return years, [known.get(year) for year in years]


NARROW_RANGE = 0.7
"""Values whose smallest is above this share of the largest get an axis around them, not from 0."""


def range_mode(values: Values) -> str:
    """``tozero`` when the values come near zero, are all equal (a single value) or are unknown, else
    ``normal`` for values in a narrow range far from zero: a population of 18-20 million keeps its
    bands visible instead of a flat line above an empty axis, while a stock that went from 12,000 to
    20,000 is drawn from 0 (an axis from 12,000 would exaggerate the rise)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite or min(finite) == max(finite):
        return "tozero"
    return "tozero" if min(finite) <= NARROW_RANGE * max(finite) else "normal"


def all_zero(values: Values) -> bool:
    """True when every known value is 0 (plotly would draw the line on an axis from -1 to 1)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return bool(finite) and not any(finite)


KEEP_TOGETHER = "\ue000"
"""Stands for a space that must not break a line while a text is wrapped (a private-use character)."""


def wrapped(name: str, width: int = LEGEND_WIDTH) -> str:
    """A chart text (legend entry, title, note) broken with <br> into lines of at most ``width``
    characters (plotly cuts long texts at the chart's edge); a bracketed band such as ``[5% – 95%]``
    stays on one line."""
    kept = re.sub(r"\[[^\]]*\]", lambda band: band.group(0).replace(" ", KEEP_TOGETHER), name)
    return "<br>".join(textwrap.wrap(kept, width)).replace(KEEP_TOGETHER, " ") or name


def zero_axis(lang: Language) -> dict[str, Any]:
    """Layout parts for a chart whose values are all 0: an axis from 0 to 1 and a note saying so."""
    return {
        "yaxis_range": [0, 1],
        "annotations": [
            {"text": text("all_zero", lang), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.6,
             "showarrow": False, "font": {"size": 13, "color": "#555"}}
        ],
    }  # fmt: skip


def layout(title: str, unit: str, lang: Language, values: Values = (), **extra: Any) -> dict[str, Any]:
    """The shared layout: title, y axis in ``unit`` with the language's separators, legend below;
    values that are all 0 get an axis from 0 to 1 and a note."""
    if all_zero(values):
        extra = {**zero_axis(lang), **extra}
    y_range = extra.pop("yaxis_range", None)
    result = {
        "title": {"text": wrapped(title, TITLE_WIDTH), "font": {"size": 15}},
        "separators": plotly_separators(lang),
        "yaxis": {"title": {"text": unit}, "automargin": True, "separatethousands": True,
                  "exponentformat": "none", "hoverformat": hover_format(values),
                  "rangemode": range_mode(values), **GRID},
        "xaxis": {"automargin": True, **GRID, **extra.pop("xaxis", {})},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "height": HEIGHT,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.15, "yanchor": "top"},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 40},
        **extra,
    }  # fmt: skip
    if y_range is not None:
        result["yaxis"]["range"] = y_range
    return result


def band_outline(x: Sequence[Any], low: Values, high: Values) -> tuple[list[Any], list[float | None]]:
    """The closed outline of a band, one polygon per stretch without gaps, polygons separated by None
    (plotly's ``fill: toself`` closes each stretch on its own, so a gap stays a gap)."""
    xs: list[Any] = []
    ys: list[float | None] = []
    stretch: list[int] = []
    for index in [*range(len(x)), None]:
        known = index is not None and low[index] is not None and high[index] is not None
        if known:
            stretch.append(index)
            continue
        if stretch:
            xs += [x[i] for i in stretch] + [x[i] for i in reversed(stretch)] + [None]
            ys += [high[i] for i in stretch] + [low[i] for i in reversed(stretch)] + [None]
            stretch = []
    return xs[:-1], ys[:-1]


def outer_lines(series: FanSeries, colour: str) -> list[dict[str, Any]]:
    """The 5th and 95th percentiles as thin dotted lines (several series: filled 90% bands would
    stack into one muddy area and hide a policy)."""
    low, high, _ = BANDS[0]
    return [
        {"type": "scatter", "mode": "lines", "x": list(series.x), "y": list(series.quantiles[key]),
         "line": {"color": colour, "width": 1, "dash": "dot"}, "hoverinfo": "skip", "showlegend": False,
         "legendgroup": series.name, "connectgaps": False}
        for key in (low, high)
        if key in series.quantiles
    ]  # fmt: skip


def fan_traces(series: FanSeries, colour: str, label: str, several: bool = False) -> list[dict[str, Any]]:
    """A median line and its 50% and 90% bands (semi-transparent fills) for one series; with
    ``several`` series the 90% band is drawn as dotted lines and only the 50% band is filled."""
    traces = outer_lines(series, colour) if several else []
    for low, high, alpha in BANDS[1:] if several else BANDS:
        if low in series.quantiles and high in series.quantiles:
            xs, ys = band_outline(series.x, series.quantiles[low], series.quantiles[high])
            traces.append(
                {"type": "scatter", "x": xs, "y": ys, "fill": "toself", "fillcolor": rgba(colour, alpha),
                 "line": {"width": 0}, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
                 "legendgroup": series.name}
            )  # fmt: skip
    traces.append(
        {"type": "scatter", "mode": "lines", "x": list(series.x), "y": list(series.quantiles[MEDIAN]),
         "name": wrapped(label), "line": {"color": colour, "width": 2}, "connectgaps": False,
         "legendgroup": series.name}
    )  # fmt: skip
    return traces


def fan_chart(
    series: Sequence[FanSeries],
    title: str,
    unit: str,
    lang: Language,
    observed: Series | None = None,
) -> Figure:
    """The fan chart: per series a median line with 50% and 90% bands in its own palette colour, and
    observed values as black points. Several series keep only the 50% band filled and draw the 90%
    band as dotted lines, so no policy hides behind another."""
    traces: list[dict[str, Any]] = []
    several = len(series) > 1
    suffix = text("bands_several", lang) if several else text("bands", lang)
    for item, colour in zip(series, colours(len(series)), strict=True):
        label = f"{item.name}{suffix}" if item.name else text("bands_alone", lang)
        traces += fan_traces(item, colour, label, several)
    if observed is not None and observed.y:
        traces.append(
            {"type": "scatter", "mode": "markers", "x": list(observed.x), "y": list(observed.y),
             "name": wrapped(observed.name or text("observed", lang)),
             "marker": {"color": OBSERVED, "size": 7, "symbol": "circle-open", "line": {"width": 2}}}
        )  # fmt: skip
    medians = [value for item in series for value in item.quantiles[MEDIAN]]
    highs = [value for item in series for value in item.quantiles.get(BANDS[0][1], [])]
    axis = year_axis([x for item in series for x in item.x])
    return {"data": traces, "layout": layout(title, unit, lang, [*medians, *highs], xaxis=axis)}


def line_chart(series: Sequence[Series], title: str, unit: str, lang: Language) -> Figure:
    """Lines with markers, one palette colour per series; gaps (None) stay gaps."""
    traces = []
    for item, colour in zip(series, colours(len(series)), strict=True):
        x, y = fill_years(item.x, item.y)
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "x": x,
            "y": y,
            "name": wrapped(item.name),
            "line": {"color": colour},
            "marker": {"color": colour, "size": 7},
            "connectgaps": False,
        }
        if sum(value is not None for value in y) == 1:
            trace |= {
                "mode": "markers+text",
                "text": [format_number(v, lang) if v is not None else "" for v in y],
                "textposition": "top center",
                "marker": {"color": colour, "size": 10},
            }
        traces.append(trace)  # fmt: skip
    every_x = [x for item in series for x in item.x]
    values = [value for item in series for value in item.y]
    return {"data": traces, "layout": layout(title, unit, lang, values, xaxis=year_axis(every_x))}


def bar_chart(
    series: Sequence[Series], title: str, unit: str, lang: Language, stacked: bool = True
) -> Figure:
    """Bars, stacked (components of a total) or grouped, one palette colour per series."""
    traces = [
        {
            "type": "bar",
            "x": list(item.x),
            "y": list(item.y),
            "name": wrapped(item.name),
            "marker": {"color": colour},
        }
        for item, colour in zip(series, colours(len(series)), strict=True)
    ]
    mode = "stack" if stacked else "group"
    notes = [
        {"x": year, "y": 0, "text": text("no_value", lang), "textangle": -90, "yanchor": "bottom",
         "showarrow": False, "font": {"size": 11, "color": "#555"}}
        for year in missing_years(series)
    ]  # fmt: skip
    every_x = [x for item in series for x in item.x]
    return {
        "data": traces,
        "layout": layout(
            title, unit, lang, [v for s in series for v in s.y], barmode=mode, annotations=notes,
            xaxis=year_axis(every_x),
        ),
    }  # fmt: skip


def missing_years(series: Sequence[Series]) -> list[int]:
    """Whole years inside the series' span without a value in any series (a bar chart would show
    nothing there without a word)."""
    known = {x for item in series for x, y in zip(item.x, item.y, strict=True) if y is not None}
    if not known or not all(isinstance(x, int) for x in known):
        return []
    return [year for year in range(min(known), max(known) + 1) if year not in known]


def to_plotly(figure: Figure) -> go.Figure:
    """A figure dict as a ``go.Figure`` (for reports, which embed figures with plotly's writer)."""
    return go.Figure(figure)
