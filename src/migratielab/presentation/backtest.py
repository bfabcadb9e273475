"""Figures and table of the asylum chain's backtest: the replay of history against observations."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

from migratielab.data import store
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, line_chart
from migratielab.presentation.datapage import series_description
from migratielab.presentation.formatting import format_share

SCALE = {"penalties_eur": 1e-6}
"""Backtest variables shown in another unit than they are recorded in (euro as EUR million)."""


class Record(Protocol):
    """One modelled-versus-observed value (``service.asylum.BacktestRecord``)."""

    @property
    def year(self) -> int:
        """The calendar year."""

    @property
    def variable(self) -> str:
        """The backtest variable."""

    @property
    def modelled(self) -> float:
        """The replayed value."""

    @property
    def observed(self) -> float | None:
        """The observed value (None where there is none)."""


def backtest_figure(records: Sequence[Record], name: str, lang: Language) -> Figure:
    """Modelled and observed values of one variable per year."""
    own = [record for record in records if record.variable == name]
    scale = SCALE.get(name, 1.0)
    years = [record.year for record in own]
    modelled = Series(text("modelled", lang), years, [record.modelled * scale for record in own])
    observed = Series(
        text("observed_values", lang),
        years,
        [None if record.observed is None else record.observed * scale for record in own],
    )
    shown = [modelled, observed] if any(value is not None for value in observed.y) else [modelled]
    return line_chart(shown, text(f"backtest.{name}", lang), text(f"backtest_unit.{name}", lang), lang)


def backtest_figures(records: Sequence[Record], lang: Language) -> dict[str, Figure]:
    """One chart per backtest variable, in the order of the records."""
    names = list(dict.fromkeys(record.variable for record in records))
    return {name: backtest_figure(records, name, lang) for name in names}


def backtest_window_label(window: str, years: tuple[int, int], lang: Language) -> str:
    """A backtest window's heading: its kind (in or out of sample, all) and its years."""
    span = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
    return text(f"backtest_window.{window}", lang, years=span)


def backtest_rows(
    errors: Mapping[str, Sequence[float]], targets: Mapping[str, float], lang: Language
) -> list[dict[str, object]]:
    """Per variable its label, mean absolute percentage error per window (– without observations in
    the window) and its target over the target window, the last window (– where there is none)."""
    return [
        {
            "label": text(f"backtest.{name}", lang),
            "errors": [
                *error_cells(window_errors, lang),
                target_cell(targets.get(name), window_errors[-1], lang),
            ],
        }
        for name, window_errors in errors.items()
    ]


def target_cell(target: float | None, error: float, lang: Language) -> str:
    """A target error as shown, marked met (✓) or missed (✗) by the target window's ``error``
    (percent): ``≤ 10% ✗``; – where the variable has none."""
    if target is None:
        return "–"
    mark = "" if math.isnan(error) else (" ✓" if error <= target else " ✗")
    return f"≤ {format_share(target / 100.0, lang)}{mark}"


def count_rows(summary: Mapping[str, tuple[int, Sequence[float]]], lang: Language) -> list[dict[str, object]]:
    """Per stock (series id) its description, the number of dated counts and the mean absolute
    percentage error of the counts per window (``service.asylum.count_summary``)."""
    return [
        {
            "label": text("backtest_counts_row", lang, name=series_label(series_id, lang), n=number),
            "errors": error_cells(window_errors, lang),
        }
        for series_id, (number, window_errors) in summary.items()
    ]


def series_label(series_id: str, lang: Language) -> str:
    """A stored series' description in ``lang``."""
    return series_description(series_id, store.series_info(series_id).description, lang)


def error_cells(window_errors: Sequence[float], lang: Language) -> list[str]:
    """Errors in percent as shown, as in the CLI's tables (– where a window has no observation)."""
    return ["–" if math.isnan(error) else format_share(error / 100.0, lang) for error in window_errors]
