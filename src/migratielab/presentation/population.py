"""Figures and summary tables of population projections and migration plans (dashboard and reports)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from migratielab.models.variables import Language, variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import (
    GRID,
    FanSeries,
    Figure,
    Series,
    bar_chart,
    fan_chart,
    layout,
    line_chart,
)
from migratielab.presentation.formatting import format_number
from migratielab.presentation.palette import OBSERVED, colours, rgba
from migratielab.service.web import PLAN_FANS, POPULATION_FANS
from migratielab.service.web_models import PlanProjectionResult, ProjectionResult, Pyramid, YearFan

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
    """Fan charts of a projection (median with 50% and 90% bands per year) and its pyramid."""
    figures = {name: population_fan({"": result.fans[name]}, name, lang) for name in POPULATION_FANS}
    return with_pyramid(figures, result.pyramid, lang)


def with_pyramid(
    figures: dict[str, Figure], pyramid: Pyramid | None, lang: Language, shown: str = ""
) -> dict[str, Figure]:
    """The figures with the pyramid (if any) right after the population fan."""
    if pyramid is None:
        return figures
    ordered = {"population": figures.pop("population"), "pyramid": pyramid_chart(pyramid, lang, shown)}
    return ordered | figures


def nice_step(largest: float, ticks: int = 3) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks up to ``largest``."""
    rough = max(largest, 1.0) / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= rough)


def pyramid_bars(
    values: Sequence[float], groups: Sequence[str], side: int, name: str, style: dict[str, object]
) -> dict[str, object]:
    """Horizontal bars of one sex and year: men to the left (``side`` -1), women to the right."""
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "y": list(groups),
        "x": [side * value for value in values],
        "customdata": list(values),
        "hovertemplate": "%{y}: %{customdata:,.0f}<extra>" + name + "</extra>",
        "marker": style,
    }


def pyramid_chart(pyramid: Pyramid, lang: Language, shown: str = "") -> Figure:
    """Population by sex and age group in the first (outlined) and last year (filled) of the
    ``shown`` projection (its name in the title; "" for a single projection)."""
    first, last = pyramid.years[0], pyramid.years[-1]
    men, women = colours(2)
    groups = pyramid.age_groups
    traces = []
    for year, filled in ((last, True), (first, False)):
        for values, side, key, colour in (
            (year.male, -1, "pyramid_men", men),
            (year.female, 1, "pyramid_women", women),
        ):
            style: dict[str, object] = (
                {"color": rgba(colour, 0.75)}
                if filled
                else {"color": "rgba(0,0,0,0)", "line": {"color": OBSERVED, "width": 1.2}}
            )
            traces.append(pyramid_bars(values, groups, side, text(key, lang, year=year.year), style))
    largest = max(max(year.male + year.female) for year in pyramid.years)
    step = nice_step(largest)
    ticks = [step * k for k in range(-int(largest // step), int(largest // step) + 1)]
    title = text("pyramid_title", lang, start=first.year, end=last.year) + (f": {shown}" if shown else "")
    figure_layout = layout(
        title,
        text("pyramid_age", lang),
        lang,
        barmode="overlay",
        bargap=0.08,
        hovermode="y unified",
        legend={"orientation": "h", "y": -0.22, "yanchor": "top"},
    )
    axis = figure_layout["yaxis"]
    figure_layout["yaxis"] = {"title": axis["title"], "automargin": True, "type": "category", **GRID}
    figure_layout["xaxis"] = {
        **figure_layout["xaxis"],
        "title": {"text": text("pyramid_persons", lang)},
        "tickvals": ticks,
        "ticktext": [format_number(abs(tick), lang) for tick in ticks],
        "range": [-largest * 1.05, largest * 1.05],
    }
    return {"data": traces, "layout": figure_layout}


def pyramid_note(pyramid: Pyramid | None, lang: Language) -> str:
    """The note under the pyramid (which year is outlined, which filled; means of the runs)."""
    if pyramid is None:
        return ""
    return text("pyramid_note", lang, start=pyramid.years[0].year, end=pyramid.years[-1].year)


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
    figures = with_pyramid(figures, result.pyramid, lang, text("plan", lang))
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
