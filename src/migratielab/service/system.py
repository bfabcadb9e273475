"""One run for both pillars: a migration plan's asylum level drives the asylum chain, whose grants
and follow-on family then enter the population projection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.models.system import population_arrivals
from migratielab.scenario import PathInflow, Policy, Scenario
from migratielab.service.asylum import simulate_policy
from migratielab.service.population import Plan, plan_asylum_level, project_plan


@dataclass(frozen=True)
class CoupledProjection:
    """The population projection and the asylum-chain run that fed it."""

    population: xr.Dataset
    chain_monthly: xr.Dataset
    asylum_arrivals: np.ndarray  # (run, year) grants, persons per year
    family_arrivals: np.ndarray  # (run, year) follow-on family, persons per year


def plan_chain_scenario(plan: Plan, runs: int, seed: int, policy: Policy) -> Scenario:
    """The asylum-chain scenario whose inflow is the plan's central asylum level per year."""
    years = list(range(plan.start, plan.end))
    levels = plan_asylum_level(plan, years)
    return Scenario(
        name=f"{plan.name} (asylum chain)",
        start_year=plan.start,
        end_year=plan.end - 1,
        runs=runs,
        seed=seed,
        inflow=PathInflow(per_year={year: float(level) for year, level in zip(years, levels, strict=True)}),
        policies=[policy],
    )


def project_with_asylum_chain(
    plan: Plan, runs: int = 1, seed: int = 0, policy: Policy | None = None
) -> CoupledProjection:
    """Run the chain on the plan's asylum level, then project the population with its grants."""
    chosen = policy or Policy(name="forecast-linked")
    scenario = plan_chain_scenario(plan, runs, seed, chosen)
    chain = simulate_policy(scenario, chosen, np.arange(runs))
    years = list(range(plan.start, plan.end))
    asylum, family = population_arrivals(chain.monthly, years)
    population = project_plan(
        plan, runs=runs, seed=seed, asylum_arrivals=asylum, asylum_family_arrivals=family
    )
    return CoupledProjection(population, chain.monthly, asylum, family)
