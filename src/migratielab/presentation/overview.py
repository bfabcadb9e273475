"""Figures of the "State of migration" overview panels (observed annual statistics)."""

from __future__ import annotations

from datetime import date

from migratielab.models.variables import Language, unit
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, bar_chart, line_chart
from migratielab.presentation.formatting import format_date, format_number, format_share
from migratielab.service.overview import STOCK_HEADLINES, Headline
from migratielab.service.web_models import Panel

STACKED_PANELS = frozenset({"immigration_by_motive", "departures"})
"""Panels whose series are parts of a total (stacked bars); the others are lines of levels."""


def panel_title(panel: Panel, lang: Language) -> str:
    """The panel's title in the language."""
    return text(f"panel.{panel.key}", lang)


def panel_note(panel: Panel, lang: Language) -> str:
    """The explanatory note of a panel (empty when none)."""
    return text(f"note.{panel.note}", lang) if panel.note else ""


def panel_figure(panel: Panel, lang: Language) -> Figure:
    """An overview panel as stacked bars (parts of a total) or lines, in the unit's language."""
    series = [
        Series(text(f"series.{item.key}", lang), item.years, list(item.values)) for item in panel.series
    ]
    title, shown = panel_title(panel, lang), unit(panel.unit).label(lang)
    if panel.key in STACKED_PANELS:
        return bar_chart(series, title, shown, lang)
    return line_chart(series, title, shown, lang)


def headline(item: Headline, lang: Language) -> dict[str, str]:
    """A headline figure for the page: label, value (shares as %), when, and source."""
    value = format_share(item.value, lang) if item.unit == "share (0-1)" else format_number(item.value, lang)
    if item.month is not None:
        when = text("headline_end_of", lang, year=format_date(date(item.year, item.month, 1), lang, "MMMM y"))
    else:
        key = "headline_end_of" if item.key in STOCK_HEADLINES else "headline_in"
        when = text(key, lang, year=item.year)
    return {
        "label": text(f"headline.{item.key}", lang),
        "value": next((VALUE_MARKS[flag] for flag in item.flags if flag in VALUE_MARKS), "") + value,
        "when": when,
        "quality": headline_quality(item, lang),
        "source": item.source,
    }


VALUE_MARKS = {"lower_bound": "≥ ", "approx": "≈ "}
"""Marks before a headline value: a lower bound, an approximate value."""
SHOWN_QUALITIES = ("lower_bound", "approx", "derived", "provisional", "partial")


def headline_quality(item: Headline, lang: Language) -> str:
    """What a reader must know about a headline value: its flags in words, and low confidence."""
    words = [text(f"headline_quality.{flag}", lang) for flag in SHOWN_QUALITIES if flag in item.flags]
    if item.confidence == "L":
        words.append(text("headline_quality.low_confidence", lang))
    return ", ".join(words)


def short_source(publishers: str, limit: int = 2) -> str:
    """At most ``limit`` publisher names (details in parentheses dropped), then ``+N``."""
    names = list(dict.fromkeys(name.split(" (")[0] for name in publishers.split(", ")))
    extra = len(names) - limit
    return ", ".join(names[:limit]) + (f" +{extra}" if extra > 0 else "")
