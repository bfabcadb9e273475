"""Figures and the scorecard of an asylum-chain what-if or comparison (dashboard and report)."""

from __future__ import annotations

from dataclasses import dataclass

from migratielab.models.variables import Better, Language, Variable, indicator, variable
from migratielab.presentation.catalogue import catalogue, text
from migratielab.presentation.charts import FanSeries, Figure, Series, fan_chart, wrapped
from migratielab.presentation.formatting import format_range, unit_label
from migratielab.service.web_models import Fan, SimulationResult

WHAT_IF_FANS = (
    "in_chain",
    "mean_wait_weeks",
    "applications",
    "ind_backlog",
    "cases_past_term",
    "nights_without_shelter_total",
    "cost_meur_year",
    "holders_waiting",
    "decisions_total",
    "ind_staff",
)
CAVEAT_WIDTH = 55
"""Characters per line of a chart's caveat."""
CAVEAT_GAP, CAVEAT_LINE = 12, 16
"""Space above a caveated chart's title, and per line of its title and caveat (px)."""
OCCUPANCY_TYPES = ("regular_occupancy", "emergency_occupancy", "crisis_occupancy")
DIMENSIONS = {
    "median_wait_weeks": "humanitarian",
    "p90_wait_weeks": "humanitarian",
    "share_within_6_months": "humanitarian",
    "nights_without_shelter": "humanitarian",
    "cases_past_term": "social",
    "peak_occupancy": "social",
    "emergency_place_years": "social",
    "total_cost_eur": "economic",
    "cost_per_applicant_eur": "economic",
}
"""Scorecard rows in order, each with the dimension of broad welfare it belongs to."""


YOUR_POLICY = "your policy"
"""The name of the dashboard form's policy in requests (shown translated), so both languages share
one result."""


def policy_label(name: str, lang: Language) -> str:
    """A policy's name in the page's language: the form's policy and the bundled scenarios' policies
    have catalogue entries; other names are shown as given."""
    key = "your_policy" if name == YOUR_POLICY else f"policy.{name}"
    return text(key, lang) if key in catalogue() else name


def translated(result: SimulationResult, lang: Language) -> SimulationResult:
    """The result with every policy named in the page's language."""
    results = [
        outcome.model_copy(
            update={
                "policy": outcome.policy.model_copy(update={"name": policy_label(outcome.policy.name, lang)})
            }
        )
        for outcome in result.results
    ]
    return result.model_copy(update={"results": results})


def fan_series(name: str, fan: Fan) -> FanSeries:
    """A monthly fan of the web result as a chart series."""
    return FanSeries(name, fan.time, fan.quantiles)


def asylum_fan(result: SimulationResult, name: str, lang: Language) -> Figure:
    """Fans of one registered variable for every policy, with observed year ends where they exist."""
    entry = variable("asylum", name)
    series = [fan_series(outcome.policy.name, outcome.fans[name]) for outcome in result.results]
    seen = result.observed.get(name)
    label = text(f"observed.{name}", lang) if f"observed.{name}" in catalogue() else text("observed", lang)
    observed = None if seen is None else Series(label, seen.time, list(seen.values))
    figure = fan_chart(series, entry.label(lang), entry.shown_unit.label(lang), lang, observed)
    if (note := variable_caveat(f"asylum.{name}", lang)) is not None:
        with_caveat(figure, note)
    return figure


def variable_caveat(key: str, lang: Language) -> str | None:
    """A known weakness of the model in a registry variable (``pillar.name``: the catalogue's
    ``caveat.name``), in the language; None where there is none."""
    name = key.split(".", 1)[-1]
    return text(f"caveat.{name}", lang) if f"caveat.{name}" in catalogue() else None


def with_caveat(figure: Figure, note: str) -> None:
    """Print a known weakness of the model between ``figure``'s title and its plot (the top margin
    grows by the caveat's lines; below the plot the legend's height depends on its entries)."""
    shown = wrapped(note, CAVEAT_WIDTH)
    layout = figure["layout"]
    title_lines = layout["title"]["text"].count("<br>") + 1
    lines = shown.count("<br>") + 1
    layout["title"] = {**layout["title"], "y": 1.0, "yanchor": "top", "pad": {"t": CAVEAT_GAP}}
    top = CAVEAT_GAP + CAVEAT_LINE * (title_lines + lines) + 18
    layout["margin"] = {**layout.get("margin", {}), "t": top}
    layout.setdefault("annotations", []).append(
        {"text": shown, "xref": "paper", "yref": "paper", "x": 0.0, "y": 1.0, "yshift": 6,
         "xanchor": "left", "yanchor": "bottom", "align": "left", "showarrow": False,
         "font": {"size": 11, "color": "#a14c00"}}
    )  # fmt: skip


def occupancy_fan(result: SimulationResult, lang: Language) -> Figure:
    """Occupancy by type of reception for the last policy (one fan per type)."""
    outcome = result.results[-1]
    series = [
        fan_series(variable("asylum", name).label(lang), outcome.fans[name]) for name in OCCUPANCY_TYPES
    ]
    title = f"{text('occupancy_by_type', lang)}: {outcome.policy.name}"
    return fan_chart(series, title, variable("asylum", OCCUPANCY_TYPES[0]).unit.label(lang), lang)


def capacity_fan(result: SimulationResult, lang: Language) -> Figure:
    """Reception places against the people in reception, for the last policy."""
    outcome = result.results[-1]
    series = [
        fan_series(variable("asylum", name).label(lang), outcome.fans[name])
        for name in ("capacity_total", "in_chain")
    ]
    title = f"{text('capacity_and_occupancy', lang)}: {outcome.policy.name}"
    return fan_chart(series, title, text("places_and_persons", lang), lang)


def simulation_figures(result: SimulationResult, lang: Language) -> dict[str, Figure]:
    """The what-if / comparison fan charts keyed by a stable id."""
    figures = {"occupancy_by_type": occupancy_fan(result, lang), "capacity": capacity_fan(result, lang)}
    figures.update({name: asylum_fan(result, name, lang) for name in WHAT_IF_FANS})
    return figures


@dataclass(frozen=True)
class ScoreRow:
    """A scorecard row: dimension, indicator label, shown unit and one cell per policy (best marked)."""

    dimension: str
    label: str
    unit: str
    cells: list[str]
    best: list[bool]


def best_marks(entry: Variable, medians: list[float | None]) -> list[bool]:
    """Which medians are best by the registry's direction (none with fewer than two policies)."""
    known = [m for m in medians if m is not None]
    if len(medians) < 2 or not known or entry.better == Better.NEUTRAL:
        return [False] * len(medians)
    target = min(known) if entry.better == Better.LOWER else max(known)
    return [m is not None and m == target for m in medians]


def scorecard(result: SimulationResult, lang: Language) -> list[ScoreRow]:
    """Indicators per policy, grouped by humanitarian, social and economic dimension."""
    rows = []
    for name, dimension in DIMENSIONS.items():
        entry = indicator("asylum", name)
        values = [next(v for v in outcome.indicators if v.indicator == name) for outcome in result.results]
        rows.append(
            ScoreRow(
                dimension=text(dimension, lang),
                label=entry.label(lang),
                unit=unit_label(entry, lang),
                cells=[format_range(v.median, v.p5, v.p95, entry, lang) for v in values],
                best=best_marks(entry, [value.median for value in values]),
            )
        )
    return rows
