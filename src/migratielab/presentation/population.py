"""Figures and summary tables of population projections and migration plans (dashboard and reports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from migratielab.models.variables import Language, variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import FanSeries, Figure, Series, bar_chart, fan_chart, line_chart
from migratielab.presentation.formatting import format_number
from migratielab.service.web import PLAN_FANS, POPULATION_FANS
from migratielab.service.web_models import PlanProjectionResult, ProjectionResult, YearFan

SUMMARY_EVERY_YEARS = 5
Record = Mapping[str, float | int | None]


def heading(name: str, lang: Language) -> str:
    """A population variable's label with its unit: ``Grijze druk (65-plussers per 100 ...)``."""
    entry = variable("population", name)
    return f"{entry.label(lang)} ({entry.shown_unit.label(lang)})"


def population_fan(fans: Mapping[str, YearFan], name: str, lang: Language) -> Figure:
    """Fans of one population variable, one per labelled projection (label "" for a single one)."""
    entry = variable("population", name)
    series = [FanSeries(label, fan.years, fan.quantiles) for label, fan in fans.items()]
    return fan_chart(series, entry.label(lang), entry.shown_unit.label(lang), lang)


def population_figures(result: ProjectionResult, lang: Language) -> dict[str, Figure]:
    """Fan charts of a projection (median with 50% and 90% bands per year)."""
    return {name: population_fan({"": result.fans[name]}, name, lang) for name in POPULATION_FANS}


def plan_figures(result: PlanProjectionResult, lang: Language) -> dict[str, Figure]:
    """Fan charts of the plan next to its constant-net-migration variant, the plan's immigration by
    motive and, when the asylum chain supplies asylum, the chain's grants."""
    figures = {
        name: population_fan(
            {text("variant", lang): result.variant.fans[name], text("plan", lang): result.fans[name]},
            name,
            lang,
        )
        for name in PLAN_FANS
    }
    years = result.fans["population"].years[:-1]
    if result.arrivals:
        figures["arrivals"] = motive_bars(result.arrivals, years, lang)
    if result.asylum_grants is not None:
        grants = Series(text("chain_grants", lang), years, list(result.asylum_grants))
        unit = variable("population", "immigration").shown_unit.label(lang)
        figures["asylum_grants"] = line_chart([grants], text("chain_grants_title", lang), unit, lang)
    return figures


def motive_bars(arrivals: Mapping[str, Sequence[float]], years: Sequence[int], lang: Language) -> Figure:
    """Stacked bars of the plan's median immigration per motive and year."""
    entry = variable("population", "arrivals")
    series = [
        Series(text(f"series.{motive}", lang), years, list(values)) for motive, values in arrivals.items()
    ]
    return bar_chart(series, entry.label(lang), entry.shown_unit.label(lang), lang)


def summary_rows(records: Sequence[Record], names: Sequence[str], lang: Language) -> list[list[str]]:
    """Every fifth year: the year, then the named medians in the language's number format."""
    return [
        [str(record["year"]), *(format_number(record[name], lang) for name in names)]
        for record in records[::SUMMARY_EVERY_YEARS]
    ]


def projection_table(result: ProjectionResult, lang: Language) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a projection's five-yearly summary."""
    header = [text("year", lang), *(heading(name, lang) for name in POPULATION_FANS)]
    return header, summary_rows(result.summary, POPULATION_FANS, lang)


def plan_table(result: PlanProjectionResult, lang: Language) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a plan's five-yearly summary, with the variant's population last."""
    variant = {record["year"]: record["population"] for record in result.variant.summary}
    records = [{**record, "variant": variant[record["year"]]} for record in result.summary]
    header = [text("year", lang), *(heading(name, lang) for name in PLAN_FANS)]
    persons = variable("population", "population").shown_unit.label(lang)
    header.append(f"{text('population_variant', lang)} ({persons})")
    return header, summary_rows(records, [*PLAN_FANS, "variant"], lang)
