"""Figures of the "State of migration" overview panels (observed annual statistics)."""

from __future__ import annotations

from migratielab.models.variables import Language, unit
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, bar_chart, line_chart
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
