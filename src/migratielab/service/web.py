"""Use cases behind the HTTP API, the dashboard and the "State of migration" report.

Each function takes a validated request model (``service.web_models``) and calls the asylum,
population and data services, so the API, the dashboard, the report and the CLI agree. The
functions are deterministic for a given request (the seed is part of it), so the server may share
and remember their results (see ``api.pool``). Fan units are the variable registry's unit codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.analysis.indicators import COST_VARIABLES, FAN_QUANTILES, INDICATORS, WEEKS_PER_MONTH
from migratielab.data import store
from migratielab.models.variables import variable
from migratielab.scenario import Policy, Scenario, bundled_scenario_names
from migratielab.service import asylum, population
from migratielab.service.overview import parameter_citations, series_citation
from migratielab.service.web_models import (
    MAX_HORIZON_YEARS,
    MAX_POLICIES,
    CompareRequest,
    Fan,
    IndicatorValue,
    ObservedSeries,
    PlanProjectionResult,
    PlanRequest,
    PolicyResult,
    ProjectionResult,
    ScenarioInfo,
    SimulationRequest,
    SimulationResult,
    VariantRequest,
    WhatIfRequest,
    YearFan,
    bundled_scenario,
)

OBSERVED_SINCE_YEARS = 10
CAPACITY_VARIABLES = ("regular_capacity", "buffer_active", "emergency_capacity", "crisis_capacity")
APPLICATION_SERIES = ("asylum.first_applications", "asylum.repeat_applications")
BUDGET_SERIES = ("coa.budget_planned", "ind.budget_planned")
"""Planned ministry contributions to the COA and the IND (euro per year), drawn next to the chain's
annual cost."""
POPULATION_FANS = (
    "population",
    "grey_pressure",
    "potential_labour_force",
    "employed",
    "households",
    "net_migration",
)
PLAN_FANS = POPULATION_FANS
"""The plan shows every headline fan next to its variant; its net migration is the one it implies."""


def bundled_scenarios() -> list[ScenarioInfo]:
    """Every bundled scenario with its content."""
    return [bundled_scenario(name) for name in bundled_scenario_names()]


def warm() -> None:
    """Load what every simulation needs: bundled scenarios, the replayed history, the inflow generator."""
    asylum.warm(bundled_scenario("default").scenario)


def build_scenario(request: SimulationRequest, policies: list[Policy]) -> Scenario:
    """The bundled scenario with the request's (already validated) overrides applied."""
    base = bundled_scenario(request.scenario).scenario
    data = base.model_dump(by_alias=True)
    data.update(
        runs=request.runs,
        end_year=request.end_year or min(base.end_year, base.start_year + MAX_HORIZON_YEARS - 1),
        seed=base.seed if request.seed is None else request.seed,
    )
    data["asylum"].update(
        inflow=(request.inflow or asylum.asylum_section(base).inflow).model_dump(),
        policies=[policy.model_dump() for policy in policies],
    )
    return Scenario.model_validate(data)


def extra_monthly(monthly: xr.Dataset) -> xr.Dataset:
    """Derived monthly variables: mean decision wait (weeks), total cost (EUR million per month),
    person-nights without proper shelter per month and summed from the start (whose last month is
    the scorecard's indicator: rare shortages at different months vanish in monthly percentiles)."""
    decisions = monthly["decisions_dublin"] + monthly["decisions_safe_country"] + monthly["decisions_general"]
    wait = (monthly["decision_wait_sum_months"] / decisions.where(decisions > 0)) * WEEKS_PER_MONTH
    cost = sum((monthly[name] for name in COST_VARIABLES), xr.zeros_like(monthly["applications"]))
    capacity = sum(monthly[name] for name in CAPACITY_VARIABLES)
    return xr.Dataset(
        {
            "mean_wait_weeks": wait,
            "cost_meur": cost / 1e6,
            "capacity_total": capacity,
            "decisions_total": decisions,
            "ind_staff": monthly["ind_staff"],
            "nights_without_shelter": monthly["nights_without_shelter"],
            "nights_without_shelter_total": monthly["nights_without_shelter"].cumsum("time"),
        }
    )


def extra_quantiles(extra: xr.Dataset) -> xr.Dataset:
    """Fan quantiles of the derived variables; only the wait (undefined without decisions) skips NaN.

    numpy's NaN-skipping quantile loops over months in Python, so it is used only where needed.
    """
    quantiles = list(FAN_QUANTILES)
    return xr.merge(
        [
            extra[[name for name in extra.data_vars if name != "mean_wait_weeks"]].quantile(
                quantiles, dim="run", skipna=False
            ),
            extra[["mean_wait_weeks"]].quantile(quantiles, dim="run", skipna=True),
        ]
    )


def quantile_lists(values: np.ndarray, digits: int) -> dict[str, list[float | None]]:
    """``{"0.05": [...], ...}`` from a (quantile, time) array, rounded to ``digits``; NaN becomes None."""
    rows = np.round(values, digits).astype(object)
    rows[np.isnan(values)] = None
    return {f"{q:g}": row.tolist() for q, row in zip(FAN_QUANTILES, rows, strict=True)}


def to_fans(quantiles: xr.Dataset) -> dict[str, Fan]:
    """Fan models from a (quantile, time) dataset, with the registry's unit of each variable."""
    times = [str(pd.Timestamp(t).date()) for t in quantiles["time"].to_numpy()]
    return {
        str(name): Fan(
            variable=str(name),
            unit=variable("asylum", str(name)).unit.code,
            time=times,
            quantiles=quantile_lists(quantiles[name].transpose("quantile", "time").to_numpy(), 3),
        )
        for name in quantiles.data_vars
    }


def finite(value: object) -> float | None:
    """``value`` or None when it is not finite (JSON has no NaN)."""
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None


def annual_cost_fan(monthly: xr.Dataset) -> Fan:
    """Fan of the chain's cost per calendar year (EUR million), dated 1 July of each year."""
    cost = extra_monthly(monthly)["cost_meur"].groupby("time.year").sum("time")
    quantiles = cost.quantile(list(FAN_QUANTILES), dim="run").transpose("quantile", "year")
    return Fan(
        variable="cost_meur_year",
        unit=variable("asylum", "cost_meur_year").unit.code,
        time=[f"{int(year)}-07-01" for year in cost["year"].to_numpy()],
        quantiles=quantile_lists(quantiles.to_numpy(), 1),
    )


def policy_result(scenario: Scenario, policy: Policy) -> PolicyResult:
    """Evaluate one policy with the asylum service and keep fan quantiles and indicator summaries."""
    outcome = asylum.evaluate_policy(scenario, policy, keep_trajectories=True)
    assert outcome.monthly is not None
    quantiles = xr.merge([outcome.fan, extra_quantiles(extra_monthly(outcome.monthly))])
    indicators = [
        IndicatorValue(
            indicator=indicator.name,
            label=indicator.label,
            unit=indicator.unit,
            median=finite(outcome.indicators[indicator.name].median()),
            p5=finite(outcome.indicators[indicator.name].quantile(0.05)),
            p95=finite(outcome.indicators[indicator.name].quantile(0.95)),
        )
        for indicator in INDICATORS
    ]
    fans = to_fans(quantiles) | {"cost_meur_year": annual_cost_fan(outcome.monthly)}
    return PolicyResult(policy=policy, indicators=indicators, fans=fans)


def summed_series(series_ids: tuple[str, ...], since: int, scale: float) -> pd.Series:
    """The sum of annual series in the years where all have a value, times ``scale``, from ``since``."""
    frame = pd.concat([store.annual(series_id) for series_id in series_ids], axis=1, join="inner")
    total = frame.sum(axis=1) * scale
    return total[total.index >= since]


def mid_year(name: str, series_ids: tuple[str, ...], values: pd.Series) -> ObservedSeries:
    """An observed annual series drawn at 1 July of each year."""
    return ObservedSeries(
        variable=name,
        series_id="+".join(series_ids),
        time=[f"{int(year)}-07-01" for year in values.index],
        values=[float(value) for value in values.to_numpy()],
    )


def observed_history(scenario: Scenario) -> dict[str, ObservedSeries]:
    """Observed values next to the fans: year-end stocks over the ten years before the scenario,
    applications as the monthly average of each year, and the planned COA and IND budgets."""
    since = scenario.start_year - OBSERVED_SINCE_YEARS
    overlays = asylum.observed_year_ends(since)
    observed = {
        name: ObservedSeries(
            variable=name,
            series_id=asylum.OBSERVED_OVERLAY[name],
            time=[str(stamp.date()) for stamp in series.index],
            values=[float(value) for value in series.to_numpy()],
        )
        for name, series in overlays.items()
    }
    applications = summed_series(APPLICATION_SERIES, since, 1 / 12)
    budgets = summed_series(BUDGET_SERIES, since, 1e-6)
    observed["applications"] = mid_year("applications", APPLICATION_SERIES, applications)
    observed["cost_meur_year"] = mid_year("cost_meur_year", BUDGET_SERIES, budgets)
    return observed


def simulation_sources(scenario: Scenario) -> list[str]:
    """Citations of the observed series and of the scenario's parameters."""
    shown = [*asylum.OBSERVED_OVERLAY.values(), *APPLICATION_SERIES, *BUDGET_SERIES]
    series = [series_citation(series_id) for series_id in shown]
    return series + parameter_citations(asylum.checked_parameters(scenario))


def simulate(scenario: Scenario) -> SimulationResult:
    """Evaluate every policy of a (capped) scenario on the same inflow futures."""
    return SimulationResult(
        scenario=scenario,
        results=[policy_result(scenario, policy) for policy in asylum.policies_of(scenario)],
        observed=observed_history(scenario),
        sources=simulation_sources(scenario),
    )


def what_if(request: WhatIfRequest) -> SimulationResult:
    """One policy (the request's levers, or the scenario's first policy) on the scenario's inflow future."""
    policy = request.policy or asylum.policies_of(bundled_scenario(request.scenario).scenario)[0]
    return simulate(build_scenario(request, [policy]))


def compare(request: CompareRequest) -> SimulationResult:
    """The request's policies (or the scenario's) side by side on the same inflow futures."""
    bundled = asylum.policies_of(bundled_scenario(request.scenario).scenario)
    policies = request.policies or bundled[:MAX_POLICIES]
    return simulate(build_scenario(request, policies))


# ------------------------------------------------------------------ population and migration plans


def projection_fans(result: xr.Dataset) -> dict[str, YearFan]:
    """Yearly fan quantiles of the headline population variables."""
    quantiles = result[list(POPULATION_FANS)].quantile(list(FAN_QUANTILES), dim="run")
    years = [int(year) for year in result["year"].to_numpy()]
    return {
        name: YearFan(
            variable=name,
            years=years,
            quantiles=quantile_lists(quantiles[name].transpose("quantile", "year").to_numpy(), 4),
        )
        for name in POPULATION_FANS
    }


def summary_of(result: xr.Dataset) -> list[dict[str, float | int | None]]:
    """Yearly medians of the headline indicators; NaN becomes None."""
    return [
        {key: finite(value) if isinstance(value, float) else value for key, value in record.items()}
        for record in population.summary_records(result)
    ]


def project(request: VariantRequest) -> ProjectionResult:
    """Project a demographic variant with the population service: yearly medians and fans."""
    result = population.project_variant(
        request.start, request.end, request.tfr, request.e0_female, request.e0_male,
        request.net_migration, request.runs, request.seed,
    )  # fmt: skip
    return ProjectionResult(request=request, summary=summary_of(result), fans=projection_fans(result))


def project_migration_plan(request: PlanRequest) -> PlanProjectionResult:
    """Project the request's migration plan (optionally with asylum numbers from the asylum chain)
    and its comparison variant with the population service: yearly medians and fans of both."""
    plan = request.plan()
    grants: list[float] | None = None
    if request.asylum_chain:
        result = population.project_plan(population.with_asylum_chain(plan), detail=False)
        chain_grants = result["arrivals"].sel(inflow="asylum").isel(year=slice(None, -1))
        grants = [round(float(v), 1) for v in chain_grants.median("run").to_numpy()]
    else:
        result = population.project_plan(plan, detail=False)
    fans = projection_fans(result)
    return PlanProjectionResult(
        request=request,
        summary=summary_of(result),
        fans={name: fans[name] for name in PLAN_FANS},
        variant=project(request.variant()),
        asylum_grants=grants,
        arrivals=arrivals_by_motive(result),
    )


def arrivals_by_motive(result: xr.Dataset) -> dict[str, list[float]]:
    """Median immigration per motive and flow year (persons per year; the last year has no flows)."""
    medians = result["arrivals"].isel(year=slice(None, -1)).median("run")
    return {
        str(inflow): [round(float(value), 1) for value in medians.sel(inflow=inflow).to_numpy()]
        for inflow in medians["inflow"].to_numpy()
    }
