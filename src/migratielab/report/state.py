"""The "State of migration" report, in Dutch (default) or English.

The dashboard shows the same figures (``presentation``); ``migratielab report`` writes them into one
self-contained HTML file. Each figure comes with the sources of the numbers it shows.
"""

from __future__ import annotations

from pathlib import Path

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import to_plotly
from migratielab.presentation.formatting import format_number, missing_note
from migratielab.presentation.overview import panel_figure, panel_note, panel_title
from migratielab.presentation.scenarios import scenario_description, scenario_name
from migratielab.presentation.simulation import scorecard, simulation_figures, translated
from migratielab.presentation.sources import citation_lines
from migratielab.report.html import Section, table_html, write_report
from migratielab.scenario import Scenario
from migratielab.service import overview, web
from migratielab.service.web_models import SimulationResult


def scorecard_section(result: SimulationResult, lang: Language) -> Section:
    """The scorecard as a table: dimension, indicator, unit and one cell per policy."""
    scenario = result.scenario
    intro = text(
        "report.scorecard_text", lang, name=scenario_name(scenario, lang),
        runs=format_number(scenario.runs, lang), start=scenario.start_year, end=scenario.end_year,
    )  # fmt: skip
    rows = [[row.dimension, row.label, row.unit, *row.cells] for row in scorecard(result, lang)]
    header = [text("dimension", lang), text("indicator", lang), text("unit", lang)]
    header += [outcome.policy.name for outcome in result.results]
    note = missing_note([cell for row in rows for cell in row], lang)
    return Section(
        title=text("report.scorecard", lang),
        text=" ".join(part for part in (intro + scenario_description(scenario, lang), note) if part),
        tables_html=[table_html(header, rows, text_columns=(1, 2))],
    )


def state_sections(result: SimulationResult, lang: Language) -> list[Section]:
    """The report's sections: one per overview panel, then the scorecard and the fan charts (the
    bundled policies named in ``lang``)."""
    result = translated(result, lang)
    sources = text("sources", lang)
    sections = [
        Section(
            title=panel_title(panel, lang),
            text=panel_note(panel, lang),
            figures=[to_plotly(panel_figure(panel, lang))],
            sources=citation_lines(panel.citations, lang),
            sources_label=sources,
        )
        for panel in overview.overview()
    ]
    sections.append(scorecard_section(result, lang))
    sections.append(
        Section(
            title=text("report.fans", lang),
            text=text("fans_note", lang),
            figures=[to_plotly(item) for item in simulation_figures(result, lang).values()],
            sources=citation_lines(result.citations, lang),
            sources_label=sources,
        )
    )
    return sections


def write_state_report(path: Path, scenario: Scenario, lang: Language = "nl") -> Path:
    """Simulate the scenario's policies and write the self-contained "State of migration" report."""
    result = web.simulate(scenario)
    return write_report(path, text("report.title", lang), state_sections(result, lang), lang=lang)
