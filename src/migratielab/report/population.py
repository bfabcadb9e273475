"""Population report: fan charts (quantiles over runs), pyramids and fiscal figures in one HTML page.

Labels and units come from the variable registry, texts from the catalogue, figures from
``presentation``; English by default (the CLI's language), Dutch on request.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from migratielab.models.variables import Language, variable
from migratielab.presentation.catalogue import counted, text
from migratielab.presentation.charts import Figure, layout, to_plotly
from migratielab.presentation.formatting import format_number
from migratielab.presentation.palette import colours
from migratielab.presentation.population import heading, population_fan, summary_rows
from migratielab.report.html import Section, table_html, write_report
from migratielab.service.web import POPULATION_FANS, projection_fans, summary_of

SOURCES = (
    "CBS StatLine 7461BEV (population by sex and age, 1 January)",
    "CBS births by age of mother and 37422ned (TFR); UN WPP 2024 (e0, TFR)",
    "CBS deaths by sex and age (derived life table 2024); Brass relational logit model",
    "CBS 2025/28 and cohort studies (stay and departure by motive)",
    "CBS status-holder employment (news 2018/16, 2023/15)",
    "Van de Beek et al., Grenzeloze verzorgingsstaat (2021), via secondary summaries (fiscal figures)",
    "CBS 37296ned (household size); Algemene Ouderdomswet art. 7a (AOW age)",
)


def pyramid(result: xr.Dataset, year: int, lang: Language) -> Figure:
    """Population pyramid (median over runs) for one year: men left, women right, persons per age."""
    population = result["population_by_sex_age"].sel(year=year).median("run")
    ages = population["age"].values.tolist()
    men, women = colours(2)
    traces = [
        {"type": "bar", "orientation": "h", "y": ages, "x": (-population.sel(sex="male")).values.tolist(),
         "name": text("men", lang), "marker": {"color": men}},
        {"type": "bar", "orientation": "h", "y": ages, "x": population.sel(sex="female").values.tolist(),
         "name": text("women", lang), "marker": {"color": women}},
    ]  # fmt: skip
    title = text("report.pyramid", lang, year=year)
    figure = layout(title, text("age", lang), lang, barmode="overlay", bargap=0, height=480)
    figure["xaxis"]["title"] = {"text": variable("population", "population").unit.label(lang)}
    return {"data": traces, "layout": figure}


def fiscal_section(result: xr.Dataset, lang: Language) -> Section:
    """Lifetime net fiscal contribution of each category's arrivals, summed over the plan years."""
    fiscal = result["fiscal_contribution"].median("run").sum("year", min_count=1) / 1e9
    rows = [
        [text(f"series.{category}", lang), format_number(float(value), lang)]
        for category, value in zip(fiscal["inflow"].values, fiscal.values, strict=True)
    ]
    return Section(
        title=text("report.fiscal", lang),
        text=text("report.fiscal_text", lang),
        tables_html=[table_html([text("category", lang), text("sum_over_years", lang)], rows)],
    )


def write_population_report(path: Path, title: str, result: xr.Dataset, lang: Language = "en") -> Path:
    """Write the HTML report for a projection result."""
    years = result["year"].values.tolist()
    header = [text("year", lang), *(heading(name, lang) for name in POPULATION_FANS)]
    fans = projection_fans(result)
    sections = [
        Section(
            title=text("summary", lang),
            text=counted("report.runs", lang, result.sizes["run"], start=years[0], end=years[-1]),
            tables_html=[table_html(header, summary_rows(summary_of(result), POPULATION_FANS, lang))],
            sources=SOURCES,
        ),
        Section(
            title=text("report.fan_charts", lang),
            figures=[to_plotly(population_fan({"": fans[name]}, name, lang)) for name in POPULATION_FANS],
        ),
    ]
    if "population_by_sex_age" in result:
        figures = [to_plotly(pyramid(result, year, lang)) for year in (years[0], years[-1])]
        sections.append(Section(title=text("report.pyramids", lang), figures=figures))
    if "fiscal_contribution" in result:
        sections.append(fiscal_section(result, lang))
    return write_report(path, title, sections, lang=lang)
