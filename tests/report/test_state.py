"""The "State of migration" report: the bundled policies named in the report's language."""

from __future__ import annotations

import pytest

from migratielab.data import store
from migratielab.presentation.catalogue import text
from migratielab.presentation.datapage import dutch
from migratielab.report.state import state_sections
from migratielab.service import web
from migratielab.service.citations import parameter_citation, series_citation
from migratielab.service.web_models import SimulationResult, bundled_scenario


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    """The default scenario, shortened."""
    scenario = bundled_scenario("default").scenario.model_copy(update={"runs": 10, "end_year": 2026})
    return web.simulate(scenario)


def test_the_dutch_report_names_the_policies_in_dutch(result: SimulationResult) -> None:
    """Scorecard columns and chart titles use the catalogue's Dutch policy names, not the English ids."""
    names = [outcome.policy.name for outcome in result.results]
    dutch = [text(f"policy.{name}", "nl") for name in names]
    assert dutch != names
    sections = state_sections(result, "nl")
    scorecard = "".join(sections[-2].tables_html)
    assert all(name in scorecard for name in dutch)
    assert not any(f">{name}<" in scorecard for name in names if name not in dutch)


def test_report_sources_name_series_and_parameters_in_the_report_language(result: SimulationResult) -> None:
    """The Dutch report cites a series by its Dutch description and a parameter with its Dutch unit;
    the publications stay as published; the English report reads like the API minus the ids."""
    dutch_sources = [line for section in state_sections(result, "nl") for line in section.sources]
    english_sources = [line for section in state_sections(result, "en") for line in section.sources]
    info = store.series_info("coa.occupancy")
    occupancy = series_citation("coa.occupancy")
    dated = occupancy.text.replace(", inferred)", ", afgeleid)")  # how a date was found, in Dutch
    assert f"{dutch()['series']['coa.occupancy']}: {dated}" in dutch_sources
    assert f"{info.description}: {occupancy.text}" in english_sources
    immigration = parameter_citation("population", "historical_immigration")
    head = (
        f"{dutch()['parameters']['population.historical_immigration']} ({dutch()['units'][immigration.unit]})"
    )
    assert f"{head}: {immigration.text}" in dutch_sources
    assert not any(line.startswith(("coa.", "historical_")) for line in dutch_sources + english_sources)
