"""Population report: pyramids and fan charts (quantiles over runs) in a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import xarray as xr

from migratielab.report.html import Section, table_html, write_report

FAN_VARIABLES = (
    ("population", "Population on 1 January (persons)"),
    ("grey_pressure", "Grey pressure (65+ per 100 aged 20-64)"),
    ("potential_labour_force", "Potential labour force (20 to AOW age)"),
    ("employed", "Employed persons"),
    ("households", "Private households"),
)
SOURCES = (
    "CBS StatLine 7461BEV (population by sex and age, 1 January)",
    "CBS births by age of mother and 37422ned (TFR); UN WPP 2024 (e0, TFR)",
    "CBS deaths by sex and age (derived life table 2024); Brass relational logit model",
    "CBS 2025/28 and cohort studies (stay and departure by motive)",
    "CBS status-holder employment (news 2018/16, 2023/15)",
    "Van de Beek et al., Grenzeloze verzorgingsstaat (2021), via secondary summaries (fiscal figures)",
    "CBS 37296ned (household size); Algemene Ouderdomswet art. 7a (AOW age)",
)


def fan_chart(result: xr.Dataset, variable: str, title: str) -> go.Figure:
    """Median with 50% and 90% bands over runs, per year."""
    series = result[variable]
    quantiles = series.quantile([0.05, 0.25, 0.5, 0.75, 0.95], dim="run")
    years = result["year"].values.tolist()
    figure = go.Figure()
    for low, high, opacity in ((0.05, 0.95, 0.15), (0.25, 0.75, 0.3)):
        figure.add_trace(
            go.Scatter(x=years, y=quantiles.sel(quantile=high).values, line={"width": 0}, showlegend=False)
        )
        figure.add_trace(
            go.Scatter(
                x=years,
                y=quantiles.sel(quantile=low).values,
                fill="tonexty",
                fillcolor=f"rgba(21,66,115,{opacity})",
                line={"width": 0},
                name=f"{int(low * 100)}-{int(high * 100)}%",
            )
        )
    figure.add_trace(
        go.Scatter(x=years, y=quantiles.sel(quantile=0.5).values, line={"color": "#154273"}, name="median")
    )
    figure.update_layout(title=title, xaxis_title="year", height=360)
    return figure


def pyramid(result: xr.Dataset, year: int) -> go.Figure:
    """Population pyramid (median over runs) for one year: men left, women right."""
    population = result["population_by_sex_age"].sel(year=year).median("run")
    ages = population["age"].values
    figure = go.Figure()
    figure.add_trace(go.Bar(y=ages, x=-population.sel(sex="male").values, orientation="h", name="men"))
    figure.add_trace(go.Bar(y=ages, x=population.sel(sex="female").values, orientation="h", name="women"))
    figure.update_layout(
        title=f"Population by age and sex, 1 January {year}", barmode="overlay", bargap=0, height=480
    )
    return figure


def write_population_report(path: Path, title: str, result: xr.Dataset) -> Path:
    """Write the HTML report for a projection result."""
    years = result["year"].values.tolist()
    median = result[[name for name, _ in FAN_VARIABLES]].median("run")
    rows = [
        [year, *(f"{float(median[name].sel(year=year)):,.1f}" for name, _ in FAN_VARIABLES)]
        for year in years[::5]
    ]
    sections = [
        Section(
            title="Summary (median over runs)",
            text=f"{result.sizes['run']} run(s), {years[0]}-{years[-1]}.",
            tables_html=[table_html(["year", *(name for name, _ in FAN_VARIABLES)], rows)],
            sources=SOURCES,
        ),
        Section(
            title="Fan charts", figures=[fan_chart(result, name, label) for name, label in FAN_VARIABLES]
        ),
    ]
    if "population_by_sex_age" in result:
        sections.append(
            Section(
                title="Population pyramids", figures=[pyramid(result, years[0]), pyramid(result, years[-1])]
            )
        )
    if "fiscal_contribution" in result:
        fiscal = result["fiscal_contribution"].median("run").sum("year", min_count=1) / 1e9
        rows = [
            [str(c), f"{float(v):,.1f}"] for c, v in zip(fiscal["inflow"].values, fiscal.values, strict=True)
        ]
        sections.append(
            Section(
                title="Lifetime net fiscal contribution of arrivals (billion euro, 2016 prices)",
                text=(
                    "Arrivals times the per-motive lifetime net contribution from "
                    "Grenzeloze verzorgingsstaat "
                    "(rounded secondary figures; 2016 policy and labour market; NaN = no figure published)."
                ),
                tables_html=[table_html(["inflow", "sum over plan years"], rows)],
            )
        )
    return write_report(path, title, sections)
