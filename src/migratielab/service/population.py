"""Population use cases: project a scenario's migration plan (optionally with asylum numbers from the
asylum chain, month by month in the system loop), or a quick demographic variant with net migration.

The CLI, the HTTP API and reports call these functions; the model set-up (paths, draws) lives in
``models.population`` and the time loop in ``models.system``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xarray as xr

from migratielab.errors import refused_outcomes
from migratielab.experiments.evaluate import FAMILY, with_population_values
from migratielab.models import system
from migratielab.models.asylum.setup import scenario_parameters, section
from migratielab.models.population.paths import (
    UNCERTAIN,
    PathBuilder,
    net_migration_builder,
    plan_asylum_level,
    plan_builder,
    uniform_draws,
)
from migratielab.params import ParameterSet, default_parameters
from migratielab.scenario import AsylumSection, MigrationPlan, PathInflow, Policy, Scenario
from migratielab.service.labour import labour_set_up

MAX_RUNS_PER_CHUNK = 500


def plan_of(scenario: Scenario) -> MigrationPlan:
    """The scenario's migration plan (ValueError if it has no population section)."""
    if scenario.population is None:
        raise ValueError(f"scenario {scenario.name!r} has no population section (a migration plan)")
    return scenario.population


def with_asylum_chain(scenario: Scenario, policy: Policy | None = None) -> Scenario:
    """The scenario with asylum numbers from the asylum chain.

    Without an asylum section of its own, the chain runs ``policy`` (default: forecast-linked) on
    the plan's central asylum level per year as its inflow.
    """
    plan = plan_of(scenario)
    asylum = scenario.asylum
    if asylum is None:
        levels = plan_asylum_level(plan, scenario.years)
        inflow = PathInflow(
            per_year={year: float(level) for year, level in zip(scenario.years, levels, strict=True)}
        )
        asylum = AsylumSection(inflow=inflow, policies=[policy or Policy(name="forecast-linked")])
    return scenario.model_copy(
        update={"asylum": asylum, "population": plan.model_copy(update={"asylum_from_chain": True})}
    )


@dataclass(frozen=True)
class Ensemble:
    """First year, number of runs and seed of a projection."""

    start: int
    runs: int
    seed: int


def coupled_chain(
    scenario: Scenario, run_ids: Sequence[int], record: Sequence[str] | None = FAMILY
) -> system.AsylumPart:
    """The asylum chain beside the population: the scenario's first policy (``record``: None keeps all)."""
    policy = section(scenario).policies[0]
    parameters = scenario_parameters(scenario)
    return system.asylum_part(scenario, policy, np.asarray(run_ids), parameters, record=record)


@dataclass(frozen=True)
class Levers:
    """Per-run levers of a batched run (one row per plan and future).

    ``futures`` (runs,) are the run ids whose random streams each row uses (the same future for
    every plan); ``population`` maps population inputs (``population.inflows.<channel>``, see
    ``experiments.schema.POPULATION_TARGETS``) to per-run multipliers; ``policy`` maps
    ``PolicyArrays`` attributes (``stable_fte``, ``buffer_places``, ...) to per-run values.
    """

    futures: np.ndarray
    population: dict[str, np.ndarray]
    policy: dict[str, Any]  # PolicyArrays attribute -> (runs,) values

    def rows(self, part: slice) -> Levers:
        """The levers of a slice of rows."""
        return Levers(
            self.futures[part],
            {name: values[part] for name, values in self.population.items()},
            {name: values[part] for name, values in self.policy.items()},
        )


def system_chunk(
    ensemble: Ensemble,
    builder: PathBuilder,
    params: ParameterSet,
    detail: bool,
    chain: Scenario | None,
    levers: Levers,
    record: Sequence[str] | None = FAMILY,
) -> system.SystemRun:
    """One chunk of rows through the system loop: the population, and with ``chain`` the asylum chain
    beside it (and the municipalities and the labour market when ``chain`` has their sections)."""
    run_ids = levers.futures.tolist()
    paths = with_population_values(
        builder(uniform_draws(ensemble.seed, run_ids, len(UNCERTAIN))), levers.population
    )
    population = system.population_part(paths, params, detail, asylum_from_chain=chain is not None)
    asylum = municipal = None
    if chain is not None:
        asylum = coupled_chain(chain, run_ids, record)
        policy = replace(asylum.config.policy, **levers.policy)
        asylum = replace(asylum, config=replace(asylum.config, policy=policy))
        if chain.municipal is not None:
            parameters = default_parameters("municipal")
            municipal = system.municipal_part(
                chain.municipal, parameters, ensemble.seed, run_ids, ensemble.start
            )
    labour = None if chain is None or chain.labour is None else labour_set_up(chain, run_ids).part
    months = 12 * len(builder.tfr)
    parts = system.System(
        ensemble.start, months, asylum=asylum, population=population, municipal=municipal, labour=labour
    )
    return system.run(parts)


def run_chunks(
    ensemble: Ensemble,
    builder: PathBuilder,
    params: ParameterSet,
    detail: bool,
    chain: Scenario | None = None,
) -> xr.Dataset:
    """Project runs 0..runs-1 in chunks through the system loop; results do not depend on the chunking.

    With ``chain`` (a scenario with an asylum section) the asylum chain runs beside the population
    and supplies its asylum numbers.
    """
    parts = []
    for first in range(0, ensemble.runs, MAX_RUNS_PER_CHUNK):
        run_ids = np.arange(first, min(first + MAX_RUNS_PER_CHUNK, ensemble.runs))
        result = system_chunk(ensemble, builder, params, detail, chain, Levers(run_ids, {}, {}))
        assert result.population is not None
        parts.append(result.population.assign_coords(run=run_ids))
    return xr.concat(parts, dim="run") if len(parts) > 1 else parts[0]


def project_plan(scenario: Scenario, detail: bool = True, params: ParameterSet | None = None) -> xr.Dataset:
    """Project the scenario's migration plan over its runs (uncertain inputs sampled when runs > 1).

    With ``population.asylum_from_chain`` the asylum chain runs month by month beside the population
    and its grants and follow-on family replace the plan's asylum numbers (see ``with_asylum_chain``);
    they show in the result's ``arrivals`` (inflow ``asylum`` and ``asylum_family``).
    """
    plan = plan_of(scenario)
    params = params or default_parameters("population")
    builder = plan_builder(plan, scenario.start_year, scenario.end_year + 1, params, scenario.runs > 1)
    ensemble = Ensemble(scenario.start_year, scenario.runs, scenario.seed)
    with refused_outcomes(scenario.name, "population (the migration plan and demography)"):
        return run_chunks(ensemble, builder, params, detail, scenario if plan.asylum_from_chain else None)


def project_net_migration(
    start: int,
    end: int,
    tfr: float | Sequence[float],
    e0_end: tuple[float, float] | None,
    net_migration: float | Sequence[float],
    runs: int = 1,
    seed: int = 0,
    detail: bool = True,
    params: ParameterSet | None = None,
) -> xr.Dataset:
    """Project with net migration per year (persons, constant or one per year) and the standard profile.

    ``start`` is the first year, ``end`` the last 1 January projected; ``tfr`` is constant or one
    value per flow year; ``e0_end`` (male, female) is reached in ``end`` linearly from the observed
    start value (None: default gains).
    """
    params = params or default_parameters("population")
    builder = net_migration_builder(start, end, tfr, e0_end, net_migration, params, runs > 1)
    inputs = f"tfr {tfr}, e0 (male, female) {e0_end} in {end}, net migration {net_migration} per year"
    with refused_outcomes(f"projection {start}-{end}", inputs):
        return run_chunks(Ensemble(start, runs, seed), builder, params, detail)


def project_variant(
    start: int,
    end: int,
    tfr: float,
    e0_female: float,
    e0_male: float,
    net_migration: float,
    runs: int = 1,
    seed: int = 0,
) -> xr.Dataset:
    """The CLI flag variant: constant TFR, e0 linear to the end-year values, constant net migration."""
    return project_net_migration(start, end, tfr, (e0_male, e0_female), net_migration, runs, seed)


SUMMARY_VARIABLES = (
    "population",
    "grey_pressure",
    "potential_labour_force",
    "employed",
    "households",
    "aow_age",
    "net_migration",
)


def summary_records(result: xr.Dataset) -> list[dict[str, float | int]]:
    """One record per year: medians over runs of the headline indicators."""
    median = result[list(SUMMARY_VARIABLES)].median("run")
    records: list[dict[str, float | int]] = []
    for year in median["year"].values.tolist():
        row = median.sel(year=year)
        record: dict[str, float | int] = {"year": int(year)}
        for name in row.data_vars:
            value = float(row[name])
            record[str(name)] = round(value, 3) if np.isfinite(value) else float("nan")
        records.append(record)
    return records
