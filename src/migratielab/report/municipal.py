"""The municipal monitor as a self-contained HTML report, in Dutch (default) or English.

Maps by municipality (drawn offline from the bundled boundaries, which the page carries once), every
municipality next to similar ones, the Spreidingswet key against the published provincial totals,
the half-year housing backtest and the scenario's local experiments. Every figure about persons is
shown after disclosure control; the rule is stated and affected cells are marked.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from migratielab.analysis import disclosure
from migratielab.models.municipal.data import sources
from migratielab.models.variables import Language
from migratielab.presentation import municipal as faces
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import format_number, format_value, unit_label
from migratielab.report.html import Section, table_html, write_report
from migratielab.service import municipal

MAPPED = ("realisation_share", "housed_per_1000", "pass_rate", "reception_places")
"""Indicators drawn as maps in the report."""
TABULATED = ("housed", "realisation_share", "passed", "pass_rate", "cost_eur", "reception_places")
"""Indicators in the benchmark table."""
SUPPRESSED = faces.MARKS[disclosure.SUPPRESSED]


def intro_section(result: municipal.MunicipalRun, lang: Language) -> Section:
    """What the figures are: the scenario, its runs and horizon, the coupling; then the maps."""
    scenario = result.scenario
    shown, _ = municipal.protected_frame(municipal.raw_frame(result))
    covers = {name: faces.period(name, lang, scenario.start_year, scenario.end_year) for name in MAPPED}
    figures = [go.Figure(faces.map_figure(shown, name, lang, covers[name])) for name in MAPPED]
    intro = text(
        "municipal_report.intro",
        lang,
        name=scenario.name,
        runs=format_number(scenario.runs, lang),
        start=scenario.start_year,
        end=scenario.end_year,
    )
    balance = faces.balance_note(result, lang)
    return Section(
        title=text("municipal_report.maps", lang),
        text=f"{intro} {balance}",
        figures=figures,
        sources=[sources()["gemeenten_2024.csv"], sources()["gemeenten_2024.geojson"]],
        sources_label=text("sources", lang),
    )


def benchmark_cell(value: str, peer: float, name: str, lang: Language) -> str:
    """A municipality's cell with its peers' median in brackets (per 1,000 for counts)."""
    if math.isnan(peer):
        return value
    per_1000 = " ‰" if name in municipal.PEERS_PER_1000 else ""
    return f"{value} ({faces.peer_text(peer, name, lang)}{per_1000})"


def benchmark_section(result: municipal.MunicipalRun, lang: Language) -> Section:
    """Every municipality (by province, then name): the tabulated indicators after disclosure control,
    with the peers' median; the table scrolls sideways inside the text column where it is wider."""
    raw = municipal.raw_frame(result)
    shown, flags = municipal.protected_frame(raw)
    peers = municipal.benchmarks(raw, shown)
    header = [text(key, lang) for key in ("municipal_name", "municipal_province", "municipal_size")]
    start, end = result.scenario.start_year, result.scenario.end_year
    header += [f"{faces.heading(n, lang)}, {faces.period(n, lang, start, end)}" for n in TABULATED]
    rows = []
    for code, row in by_province(shown).iterrows():  # rows of a rendered table
        cells = [
            benchmark_cell(
                faces.cell(row[name], name, str(flags.at[code, name]), lang),
                float(peers.at[code, name]) if name in peers.columns else math.nan,  # type: ignore[arg-type]
                name,
                lang,
            )
            for name in TABULATED
        ]
        rows.append(
            [str(row["name"]), str(row["province"]), faces.size_label(str(row["size_class"]), lang), *cells]
        )
    return Section(
        title=text("municipal_report.benchmark", lang),
        text=text("municipal_report.benchmark_text", lang),
        tables_html=[f'<div class="wide">{table_html(header, rows, text_columns=(0, 1, 2))}</div>'],
    )


def by_province(shown: pd.DataFrame) -> pd.DataFrame:
    """The rows grouped as the table reads: by province, then by municipality name (case-insensitive)."""
    keys = pd.DataFrame({"province": shown["province"], "name": shown["name"].str.lower()})
    order = keys.sort_values(["province", "name"], kind="stable").index
    return shown.loc[order]


SPREADING_COLUMNS = ("published", "key", "population_only")


def spreading_section(lang: Language) -> Section:
    """The Spreidingswet key per province next to the published totals (equal by construction, said
    so), and the five published municipal numbers next to the key's estimate (an in-sample fit)."""
    names = [text(f"municipal_report.{key}", lang) for key in SPREADING_COLUMNS]
    provinces = [
        [row["province"], *(format_number(row[key], lang) for key in SPREADING_COLUMNS)]
        for _, row in municipal.spreading_table().iterrows()  # provinces
    ]
    points = [
        [row["municipality"], *(format_number(row[key], lang) for key in SPREADING_COLUMNS)]
        for _, row in municipal.spreading_points().iterrows()  # five published numbers
    ]
    point_names = [names[0], text("municipal_report.key_estimate", lang), names[2]]
    return Section(
        title=text("municipal_report.spreading", lang),
        text=text("municipal_report.spreading_text", lang),
        tables_html=[
            table_html([text("municipal_province", lang), *names], provinces),
            table_html([text("municipal_report.municipality", lang), *point_names], points),
        ],
        sources=[sources()["spreidingswet_provinces.csv"], sources()["spreidingswet_municipal_points.csv"]],
        sources_label=text("sources", lang),
    )


def backtest_section(frame: pd.DataFrame, runs: int, lang: Language) -> Section:
    """Observed half-years next to the model's median and 5-95% band (persons)."""
    header = [text(f"municipal_report.{key}", lang) for key in ("period", "task", "observed", "modelled")]
    rows = [
        [
            row["period"],
            format_number(row["task_incl_backlog"], lang),
            format_number(row["observed_housed"], lang),
            f"{format_number(row['modelled_median'], lang)} [{format_number(row['modelled_p5'], lang)}"
            f" – {format_number(row['modelled_p95'], lang)}]",
        ]
        for _, row in frame.iterrows()  # half-years
    ]
    return Section(
        title=text("municipal_report.backtest", lang),
        text=text("municipal_report.backtest_text", lang, runs=format_number(runs, lang)),
        tables_html=[table_html(header, rows)],
        sources=[sources()["taakstelling_national.csv"]],
        sources_label=text("sources", lang),
    )


def comparison_html(comparison: municipal.ExperimentComparison, lang: Language) -> str:
    """One experiment's table: outcome, experiment, matched set, difference; suppressed cells marked."""
    keys = ("outcome", "experiment", "matched", "difference")
    header = [text(f"municipal_report.{key}", lang) for key in keys]
    rows = []
    for name, values in comparison.outcomes.iterrows():  # outcomes
        variable = municipal.variable_of(str(name))
        per_1000 = str(name) in municipal.EXPERIMENT_OUTCOMES
        unit = f" ({unit_label(variable, lang)})" if variable.display_unit is not None else ""
        label = variable.label(lang) + unit + (" ‰" if per_1000 else "")
        cells = [SUPPRESSED if math.isnan(value) else format_value(value, variable, lang) for value in values]
        rows.append([label, *cells])
    members = text(
        "municipal_report.members", lang, members=", ".join(comparison.members),
        matched=", ".join(comparison.matched),
    )  # fmt: skip
    heading = f"<h3>{html.escape(comparison.name)}</h3><p class='note'>{html.escape(members)}</p>"
    return heading + table_html(header, rows)


def experiments_section(result: municipal.MunicipalRun, lang: Language) -> Section:
    """Every local experiment of the scenario against its matched set (after disclosure control)."""
    comparisons = municipal.compare_experiments(result)
    if not comparisons:
        return Section(
            title=text("municipal_report.experiments", lang),
            text=text("municipal_report.no_experiments", lang),
        )
    return Section(
        title=text("municipal_report.experiments", lang),
        text=text("municipal_report.experiments_text", lang),
        tables_html=[comparison_html(comparison, lang) for comparison in comparisons],
    )


def municipal_sections(
    result: municipal.MunicipalRun, backtest: pd.DataFrame, backtest_runs: int, lang: Language
) -> list[Section]:
    """The report's sections, the disclosure-control rule and the estimates last."""
    return [
        intro_section(result, lang),
        benchmark_section(result, lang),
        spreading_section(lang),
        backtest_section(backtest, backtest_runs, lang),
        experiments_section(result, lang),
        Section(
            title=text("municipal_report.disclosure", lang),
            text=f"{text('municipal_disclosure', lang)} {text('municipal_estimates', lang)}",
        ),
    ]


def write_municipal_report(
    path: Path, result: municipal.MunicipalRun, backtest_runs: int, lang: Language = "nl"
) -> Path:
    """Compute every section first, then write the self-contained report (atomically; on an error
    nothing is written). The boundaries are carried once for all maps."""
    sections = municipal_sections(result, municipal.backtest(backtest_runs), backtest_runs, lang)
    title = text("municipal_report.title", lang)
    return write_report(path, title, sections, lang=lang, head_script=faces.geo_assets_script())
