"""Demographic defaults and the example migration plan, defined once for the CLI, the API and the dashboard.

Start and end year, fertility (with its range) and the life expectancy reached in the end year are
those of the bundled example plan (``migratielab/scenarios/plans/example.yaml``; the repository's
``scenarios/plan_example.yaml`` points to it). The plan's 2025 bands give the dashboard's plan levels
and the proportions of their low-high ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from migratielab.models.population import INFLOWS
from migratielab.models.population.paths import plan_levels
from migratielab.scenario import MigrationPlan, Scenario, load_scenario

EXAMPLE_PLAN = "example"
NET_MIGRATION = 60_000.0
"""Constant net migration of the demographic variant (persons per year): an illustrative round level."""


def bundled_plan_path(name: str = EXAMPLE_PLAN) -> Path:
    """Path of a migration plan bundled with the package (``scenarios/plans/<name>.yaml``)."""
    return Path(str(resources.files("migratielab.scenarios").joinpath("plans", f"{name}.yaml")))


@cache
def example_plan() -> Scenario:
    """The bundled example migration plan, validated (a scenario with a population section)."""
    return load_scenario(bundled_plan_path())


def example_migration_plan() -> MigrationPlan:
    """The population section of the example plan."""
    plan = example_plan().population
    assert plan is not None, "the bundled example plan has a population section"
    return plan


@dataclass(frozen=True)
class Demography:
    """Demographic inputs of a projection: years, fertility (children per woman), life expectancy at
    birth in the end year (years) and constant net migration (persons per year)."""

    start: int
    end: int
    tfr: float
    e0_female: float
    e0_male: float
    net_migration: float


@cache
def defaults() -> Demography:
    """The default demography: the example plan's years, fertility and life expectancy."""
    scenario, plan = example_plan(), example_migration_plan()
    assert plan.fertility is not None and plan.life_expectancy_end is not None
    return Demography(
        start=scenario.start_year,
        end=scenario.end_year + 1,
        tfr=plan.fertility.tfr,
        e0_female=plan.life_expectancy_end.female,
        e0_male=plan.life_expectancy_end.male,
        net_migration=NET_MIGRATION,
    )


@dataclass(frozen=True)
class Band:
    """One category's gross immigration in the example plan's first year: central level (persons per
    year) and the low and high ends as fractions of it."""

    central: float
    low_factor: float
    high_factor: float


@cache
def example_bands() -> dict[str, Band]:
    """Per immigration category, the example plan's band in its first year."""
    start = example_plan().start_year
    levels = {key: values[:, 0] for key, values in plan_levels(example_migration_plan(), [start]).items()}
    return {
        category: Band(
            central=float(levels["central"][index]),
            low_factor=float(levels["low"][index] / levels["central"][index]),
            high_factor=float(levels["high"][index] / levels["central"][index]),
        )
        for index, category in enumerate(INFLOWS)
    }


def fertility_factors() -> tuple[float, float]:
    """The example plan's fertility range as fractions of its central TFR (low, high)."""
    fertility = example_migration_plan().fertility
    assert fertility is not None
    return fertility.low / fertility.tfr, fertility.high / fertility.tfr
