"""The "State of migration" report: the bundled policies named in the report's language."""

from __future__ import annotations

from migratielab.presentation.catalogue import text
from migratielab.report.state import state_sections
from migratielab.service import web
from migratielab.service.web_models import bundled_scenario


def test_the_dutch_report_names_the_policies_in_dutch() -> None:
    """Scorecard columns and chart titles use the catalogue's Dutch policy names, not the English ids."""
    scenario = bundled_scenario("default").scenario.model_copy(update={"runs": 10, "end_year": 2026})
    result = web.simulate(scenario)
    names = [outcome.policy.name for outcome in result.results]
    dutch = [text(f"policy.{name}", "nl") for name in names]
    assert dutch != names
    sections = state_sections(result, "nl")
    scorecard = "".join(sections[-2].tables_html)
    assert all(name in scorecard for name in dutch)
    assert not any(f">{name}<" in scorecard for name in names if name not in dutch)
