"""Use cases behind the HTTP API, the dashboard and the "State of migration" report.

Each function takes a validated request model (``service.web_models``) and calls the asylum,
population and data services, so the API, the dashboard, the report and the CLI agree. The
functions are deterministic for a given request (the seed is part of it), so the server may share
and remember their results (see ``api.pool``). Fan units are the variable registry's unit codes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr

from migratielab import progress
from migratielab.analysis.indicators import (
    COST_VARIABLES,
    FAN_QUANTILES,
    INDICATORS,
    WEEKS_PER_MONTH,
)
from migratielab.data import store
from migratielab.models.asylum import history
from migratielab.models.variables import variable
from migratielab.scenario import Policy, Scenario, bundled_scenario_names
from migratielab.service import asylum, population
from migratielab.service.chain_runs import (
    CAPACITY_VARIABLES,
    DECISION_VARIABLES,
    Job,
    Trajectories,
    batch_key,
    run_jobs,
)
from migratielab.service.citations import Citation, series_citation
from migratielab.service.overview import parameter_citations
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
    Pyramid,
    PyramidYear,
    ScenarioInfo,
    SimulationRequest,
    SimulationResult,
    VariantRequest,
    WhatIfRequest,
    YearFan,
    bundled_scenario,
)

OBSERVED_SINCE_YEARS = 10
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
PYRAMID_GROUP_YEARS = 5
PYRAMID_OPEN_AGE = 100
"""The pyramid's age groups: five years wide, the last one open (100 and older)."""
PLAN_SHARE_OF_WORK = 0.6
"""Share of a plan projection's progress that the plan takes (its variant the rest)."""
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


FAN_DIGITS = 1
"""Decimals of the fan quantiles in answers (persons, weeks, FTE and EUR million: a tenth is plenty)."""
DERIVED_FANS = (
    "mean_wait_weeks",
    "cost_meur",
    "capacity_total",
    "decisions_total",
    "ind_staff",
    "nights_without_shelter",
    "nights_without_shelter_total",
)
INDICATOR_QUANTILES = (0.05, 0.5, 0.95)


def total(monthly: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """The sum of the named (run, month) variables."""
    return np.sum([monthly[name] for name in names], axis=0)


def derived_monthly(monthly: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Derived (run, month) variables: mean decision wait (weeks; NaN without decisions), total cost
    (EUR million per month), places, decisions, IND staff (FTE), person-nights without proper shelter
    per month and summed from the start (whose last month is the scorecard's indicator: rare
    shortages at different months vanish in monthly percentiles)."""
    decisions = total(monthly, DECISION_VARIABLES)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = np.where(decisions > 0, monthly["decision_wait_sum_months"] / decisions, np.nan)
    return {
        "mean_wait_weeks": wait * WEEKS_PER_MONTH,
        "cost_meur": total(monthly, COST_VARIABLES) / 1e6,
        "capacity_total": total(monthly, CAPACITY_VARIABLES),
        "decisions_total": decisions,
        "ind_staff": monthly["ind_staff"],
        "nights_without_shelter": monthly["nights_without_shelter"],
        "nights_without_shelter_total": np.cumsum(monthly["nights_without_shelter"], axis=1),
    }


def quantiles_over_runs(values: np.ndarray, quantiles: tuple[float, ...] = FAN_QUANTILES) -> np.ndarray:
    """Quantiles along the first (run) axis, linear between order statistics, skipping NaN (NaN where
    a column has no value): shape (quantile, *other axes). One sort for every column at once."""
    ordered = np.sort(values, axis=0)  # NaN sorts last
    last = np.maximum(np.sum(~np.isnan(values), axis=0) - 1, 0)
    position = np.asarray(quantiles).reshape(-1, *([1] * (values.ndim - 1))) * last
    below = np.floor(position).astype(np.intp)
    low = np.take_along_axis(ordered, below, axis=0)
    high = np.take_along_axis(ordered, np.minimum(below + 1, last), axis=0)
    return low + (high - low) * (position - below)


def quantile_lists(values: np.ndarray, digits: int) -> dict[str, list[float | None]]:
    """``{"0.05": [...], ...}`` from a (quantile, time) array, rounded to ``digits``; NaN becomes None."""
    rows = np.round(values, digits)
    missing = np.isnan(values)
    if missing.any():
        rows = rows.astype(object)
        rows[missing] = None
    return {f"{q:g}": row.tolist() for q, row in zip(FAN_QUANTILES, rows, strict=True)}


@lru_cache(maxsize=32)
def month_labels(start_year: int, months: int) -> tuple[str, ...]:
    """``YYYY-MM-01`` of each simulated month."""
    return tuple(f"{start_year + t // 12}-{t % 12 + 1:02d}-01" for t in range(months))


def monthly_fans(values: dict[str, np.ndarray], start_year: int) -> dict[str, Fan]:
    """Fans (quantiles over runs per month) of the chain's fan variables and the derived ones (in
    ``values``), with the registry's unit of each variable, all from one quantile computation."""
    names = (*asylum.FAN_VARIABLES, *DERIVED_FANS)
    quantiles = quantiles_over_runs(np.stack([values[name] for name in names], axis=1))
    times = list(month_labels(start_year, quantiles.shape[-1]))
    return {
        name: Fan.model_construct(
            variable=name,
            unit=variable("asylum", name).unit.code,
            time=times,
            quantiles=quantile_lists(quantiles[:, number], FAN_DIGITS),
        )
        for number, name in enumerate(names)
    }


def annual_cost_fan(cost: np.ndarray, start_year: int) -> Fan:
    """Fan of the chain's cost per calendar year (EUR million) from the (run, month) cost in EUR
    million per month, dated 1 July of each year."""
    runs, months = cost.shape
    annual = cost.reshape(runs, months // 12, 12).sum(axis=2)
    return Fan.model_construct(
        variable="cost_meur_year",
        unit=variable("asylum", "cost_meur_year").unit.code,
        time=[f"{start_year + year}-07-01" for year in range(months // 12)],
        quantiles=quantile_lists(quantiles_over_runs(annual), 1),
    )


def finite(value: object) -> float | None:
    """``value`` or None when it is not finite (JSON has no NaN)."""
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None


def indicator_values(trajectories: Trajectories) -> list[IndicatorValue]:
    """Median and 5th-95th percentile over runs of each scorecard indicator (NaN runs skipped)."""
    per_run = trajectories.indicators
    table = quantiles_over_runs(
        np.stack([per_run[item.name] for item in INDICATORS], axis=1), INDICATOR_QUANTILES
    )
    return [
        IndicatorValue(
            indicator=item.name,
            label=item.label,
            unit=item.unit,
            median=finite(table[1, number]),
            p5=finite(table[0, number]),
            p95=finite(table[2, number]),
        )
        for number, item in enumerate(INDICATORS)
    ]


def policy_result(policy: Policy, trajectories: Trajectories, start_year: int) -> PolicyResult:
    """Fan quantiles and indicator summaries of one policy's runs."""
    values = trajectories.monthly | derived_monthly(trajectories.monthly)
    fans = monthly_fans(values, start_year)
    fans["cost_meur_year"] = annual_cost_fan(values["cost_meur"], start_year)
    return PolicyResult(policy=policy, indicators=indicator_values(trajectories), fans=fans)


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
    """Observed values next to the fans: stocks over the ten years before the scenario (every dated
    observation), first plus repeat applications as the monthly average of each year (repeat
    applications estimated where not published, as the chain's inflow calibration does), and the
    planned COA and IND budgets."""
    since = scenario.start_year - OBSERVED_SINCE_YEARS
    overlays = asylum.observed_stock_points(since, scenario.end_year)
    observed = {
        name: ObservedSeries(
            variable=name,
            series_id=asylum.OBSERVED_OVERLAY[name],
            time=[str(stamp.date()) for stamp in series.index],
            values=[float(value) for value in series.to_numpy()],
        )
        for name, series in overlays.items()
    }
    applications = history.annual_applications() / 12
    applications = applications[applications.index >= since]
    budgets = summed_series(BUDGET_SERIES, since, 1e-6)
    observed["applications"] = mid_year("applications", APPLICATION_SERIES, applications)
    observed["cost_meur_year"] = mid_year("cost_meur_year", BUDGET_SERIES, budgets)
    return observed


def simulation_citations(scenario: Scenario) -> list[Citation]:
    """Citations of the observed series and of the scenario's parameters."""
    shown = [*asylum.OBSERVED_OVERLAY.values(), *APPLICATION_SERIES, *BUDGET_SERIES]
    series = [series_citation(series_id) for series_id in shown]
    return series + parameter_citations("asylum", asylum.checked_parameters(scenario))


def answer(scenario: Scenario, jobs: list[Job], outcomes: list[Trajectories | Exception]) -> SimulationResult:
    """The simulation result of ``jobs`` (the policies of ``scenario``); the first refusal is raised."""
    results = []
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Exception):
            raise outcome
        results.append(policy_result(job.policy, outcome, scenario.start_year))
    observed, citations = history_and_citations(scenario)
    return SimulationResult(scenario=scenario, results=results, observed=observed, citations=citations)


def history_and_citations(scenario: Scenario) -> tuple[dict[str, ObservedSeries], list[Citation]]:
    """Observed history and citations of a scenario, remembered per start year and parameter overrides."""
    section = asylum.asylum_section(scenario)
    return remembered_history(
        scenario.start_year, json.dumps(section.parameters, sort_keys=True, default=str)
    )


@lru_cache(maxsize=8)
def remembered_history(start_year: int, overrides: str) -> tuple[dict[str, ObservedSeries], list[Citation]]:
    """``observed_history`` and ``simulation_citations`` of a scenario with these overrides (JSON)."""
    scenario = bundled_scenario("default").scenario
    data = scenario.model_dump(by_alias=True)
    data.update(start_year=start_year, end_year=max(start_year, scenario.end_year))
    data["asylum"]["parameters"] = json.loads(overrides)
    shown = Scenario.model_validate(data)
    return observed_history(shown), simulation_citations(shown)


def simulate(scenario: Scenario) -> SimulationResult:
    """Evaluate every policy of a (capped) scenario on the same inflow futures."""
    jobs = [Job(scenario, policy) for policy in asylum.policies_of(scenario)]
    return answer(scenario, jobs, run_jobs(jobs))


def what_if_policy(request: WhatIfRequest) -> Policy:
    """The request's levers, or the scenario's first policy."""
    return request.policy or asylum.policies_of(bundled_scenario(request.scenario).scenario)[0]


def what_if(request: WhatIfRequest) -> SimulationResult:
    """One policy (the request's levers, or the scenario's first policy) on the scenario's inflow future."""
    found = what_if_batch((request,))[0]
    if isinstance(found, Exception):
        raise found
    return found


def what_if_batch(requests: Sequence[WhatIfRequest]) -> list[SimulationResult | Exception]:
    """The answers to several what-ifs, simulated together where they can share chain runs (each
    answer equals ``what_if`` of its request alone); a refused request gets its error."""
    scenarios = [build_scenario(request, [what_if_policy(request)]) for request in requests]
    jobs = [
        Job(scenario, what_if_policy(request)) for scenario, request in zip(scenarios, requests, strict=True)
    ]
    answers: list[SimulationResult | Exception] = []
    for scenario, job, outcome in zip(scenarios, jobs, run_jobs(jobs), strict=True):
        try:
            answers.append(answer(scenario, [job], [outcome]))
        except Exception as error:
            answers.append(error)
    return answers


def what_if_batch_key(request: WhatIfRequest) -> str:
    """What-ifs with equal keys can be simulated in one chain run (``service.chain_runs.batch_key``)."""
    policy = what_if_policy(request)
    return batch_key(Job(build_scenario(request, [policy]), policy))


def compare(request: CompareRequest) -> SimulationResult:
    """The request's policies (or the scenario's) side by side on the same inflow futures."""
    bundled = asylum.policies_of(bundled_scenario(request.scenario).scenario)
    policies = request.policies or bundled[:MAX_POLICIES]
    scenario = build_scenario(request, policies)
    jobs = [Job(scenario, policy) for policy in policies]
    return answer(scenario, jobs, run_jobs(jobs))


# ------------------------------------------------------------------ population and migration plans


def year_fan(key: str, values: xr.DataArray) -> YearFan:
    """Quantiles over runs per year of a (run, year) variable (NaN years stay gaps)."""
    years = [int(year) for year in values["year"].to_numpy()]
    quantiles = quantiles_over_runs(values.transpose("run", "year").to_numpy())
    return YearFan(variable=key, years=years, quantiles=quantile_lists(quantiles, 4))


def projection_fans(result: xr.Dataset) -> dict[str, YearFan]:
    """Yearly fan quantiles of the headline population variables (a year without values, such as the
    last year of a flow, stays a gap)."""
    return {name: year_fan(name, result[name]) for name in POPULATION_FANS}


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
    return ProjectionResult(
        request=request, summary=summary_of(result), fans=projection_fans(result), pyramid=pyramid_of(result)
    )


def pyramid_of(result: xr.Dataset) -> Pyramid | None:
    """Mean population by sex and five-year age group (last group open) in the projection's first and
    last year (persons); None when the projection kept no ages."""
    if "population_by_sex_age" not in result:
        return None
    by_age = result["population_by_sex_age"].isel(year=[0, -1]).mean("run").transpose("year", "sex", "age")
    ages = by_age["age"].to_numpy()
    starts = np.arange(0, int(ages.max()) + 1, PYRAMID_GROUP_YEARS)
    starts = starts[starts <= PYRAMID_OPEN_AGE]
    grouped = np.add.reduceat(by_age.to_numpy(), np.searchsorted(ages, starts), axis=2)
    labels = [f"{a}-{a + PYRAMID_GROUP_YEARS - 1}" for a in starts[:-1]] + [f"{starts[-1]}+"]
    sexes = [str(sex) for sex in by_age["sex"].to_numpy()]
    years = [
        PyramidYear(
            year=int(year),
            male=np.round(grouped[index, sexes.index("male")], 1).tolist(),
            female=np.round(grouped[index, sexes.index("female")], 1).tolist(),
        )
        for index, year in enumerate(by_age["year"].to_numpy())
    ]
    return Pyramid(age_groups=labels, years=years)


def project_migration_plan(request: PlanRequest) -> PlanProjectionResult:
    """Project the request's migration plan (optionally with asylum numbers from the asylum chain)
    and its comparison variant with the population service: yearly medians and fans of both."""
    plan = request.plan()
    grants: list[float] | None = None
    with progress.stage(0.0, PLAN_SHARE_OF_WORK):
        if request.asylum_chain:
            result = population.project_plan(population.with_asylum_chain(plan))
            chain_grants = result["arrivals"].sel(inflow="asylum").isel(year=slice(None, -1))
            grants = [round(float(v), 1) for v in chain_grants.median("run").to_numpy()]
        else:
            result = population.project_plan(plan)
    with progress.stage(PLAN_SHARE_OF_WORK, 1.0):
        variant = project(request.variant())
    fans = projection_fans(result)
    return PlanProjectionResult(
        request=request,
        summary=summary_of(result),
        fans={name: fans[name] for name in PLAN_FANS},
        variant=variant,
        asylum_grants=grants,
        arrivals=arrivals_by_motive(result),
        pyramid=pyramid_of(result),
    )


def arrivals_by_motive(result: xr.Dataset) -> dict[str, list[float]]:
    """Median immigration per motive and flow year (persons per year; the last year has no flows)."""
    medians = result["arrivals"].isel(year=slice(None, -1)).median("run")
    return {
        str(inflow): [round(float(value), 1) for value in medians.sel(inflow=inflow).to_numpy()]
        for inflow in medians["inflow"].to_numpy()
    }
