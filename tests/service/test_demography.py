"""Demographic defaults and plan bands are defined once, from the bundled example plan."""

from __future__ import annotations

from pathlib import Path

from migratielab.scenario import load_scenario
from migratielab.service import demography, web_models


def test_the_repository_example_is_the_bundled_plan() -> None:
    """scenarios/plan_example.yaml and the package's bundled plan are the same file content."""
    repository = Path(__file__).resolve().parents[2] / "scenarios" / "plan_example.yaml"
    assert repository.read_text("utf-8") == demography.bundled_plan_path().read_text("utf-8")
    assert load_scenario(repository) == demography.example_plan()


def test_web_and_cli_share_the_demography_defaults() -> None:
    """The API's variant defaults and the CLI's option defaults are the same numbers."""
    import inspect

    from migratielab.cli.project import project

    defaults = demography.defaults()
    request = web_models.VariantRequest()
    options = inspect.signature(project).parameters
    for name in ("start", "end", "tfr", "e0_female", "e0_male", "net_migration"):
        assert getattr(request, name) == getattr(defaults, name) == options[name].default


def test_plan_bands_keep_the_example_proportions() -> None:
    """A plan request's bands have the example plan's low/high proportions around the chosen level."""
    plan = web_models.PlanRequest(levels=web_models.PlanLevels(study=70_000.0)).plan().population
    assert plan is not None
    band = plan.inflows.study[0]
    assert (band.low, band.central, band.high) == (50_000.0, 70_000.0, 90_000.0)
    assert plan.inflows.temporary_protection[0].high == 3 * plan.inflows.temporary_protection[0].central
