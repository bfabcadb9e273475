"""Asylum-chain use cases: replay history, simulate and compare policies, backtest.

The CLI, the HTTP API and reports call these functions, so they always agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.analysis.indicators import INDICATORS, annual_values, fan_quantiles, run_indicators
from migratielab.data import store
from migratielab.data.periods import parse_period
from migratielab.errors import InputError
from migratielab.models.asylum import history
from migratielab.models.asylum.chain import ChainInputs, State
from migratielab.models.asylum.inflow import (
    InflowGenerator,
    annual_path_to_monthly,
    band_level,
    calibrate,
)
from migratielab.models.asylum.parameters import ChainParameters, build_parameters
from migratielab.models.asylum.policies import policy_arrays
from migratielab.models.asylum.simulate import (
    ChainRun,
    InitialComposition,
    broadcast_state,
    initial_state,
    simulate,
)
from migratielab.params import ParameterSet, default_parameters
from migratielab.report.asylum import comparison_report
from migratielab.results import long_format, write_parquet
from migratielab.scenario import BandInflow, ForecastLinkedStaffing, PathInflow, Policy, Scenario

REPLAY_START = 2012  # the replay starts from the observed end-2011 COA occupancy
BACKTEST_YEARS = (2014, 2024)
DEFAULT_CHUNK = 500
FAN_VARIABLES = [
    "in_chain",
    "regular_occupancy",
    "emergency_occupancy",
    "crisis_occupancy",
    "without_shelter",
    "ind_backlog",
    "cases_past_term",
    "holders_waiting",
    "applications",
]

Progress = Callable[[int, int], None]


def scenario_parameters(
    scenario: Scenario, base: ParameterSet | None = None, source: str | None = None
) -> ParameterSet:
    """Asylum parameters (``base`` or the defaults) with the scenario's overrides applied.

    ``source`` names the scenario file in errors about unknown parameter names.
    """
    chosen = base if base is not None else default_parameters("asylum")
    return chosen.with_values(scenario.parameters, source=f"{source or scenario.name}: parameters")


REPLAY_STAFFING_LAG_MONTHS = 6


def replay_policy() -> Policy:
    """The policy in force historically: forecast-linked capacity, staffing and housing quota.

    Reception capacity follows the Rekenkamer's 14-month budget lag. IND staffing is taken to follow
    the half-yearly Meerjaren Productie Prognose with a shorter lag (REPLAY_STAFFING_LAG_MONTHS, an
    estimate: the IND hired temporary staff within months in 2015-2016 and 2022).
    """
    return Policy(
        name="historical (forecast-linked)",
        staffing=ForecastLinkedStaffing(forecast_lag_months=REPLAY_STAFFING_LAG_MONTHS),
    )


def replay(parameters: ParameterSet, end_year: int = BACKTEST_YEARS[1]) -> ChainRun:
    """Replay the chain from January 2012 to December ``end_year`` with observed inputs (one run)."""
    months = 12 * (end_year - REPLAY_START + 1)
    chain_parameters = build_parameters(parameters, 1, REPLAY_START, months)
    policy = policy_arrays(
        replay_policy(),
        1,
        REPLAY_START,
        months,
        term_path=history.decision_term_history(REPLAY_START, end_year),
    )
    applications = history.monthly_applications(REPLAY_START, end_year)
    composition = InitialComposition(
        residents=float(store.annual("coa.occupancy")[REPLAY_START - 1]),
        share_in_procedure=parameters.scalar("initial_share_in_procedure"),
        share_in_appeal=parameters.scalar("initial_share_in_appeal"),
        share_rejected=parameters.scalar("initial_share_rejected"),
        share_status_holders=parameters.scalar("initial_share_status_holders"),
        applications_per_month=float(applications[:12].mean()),
    )
    inputs = ChainInputs(
        start_year=REPLAY_START,
        applications=applications[None, :],
        family_observed=history.monthly_family(REPLAY_START, end_year),
        quota_observed=history.monthly_quota(REPLAY_START, end_year),
    )
    return simulate(initial_state(composition, chain_parameters, policy), chain_parameters, policy, inputs)


@lru_cache(maxsize=4)
def default_replay(end_year: int) -> ChainRun:
    """The replay with default parameters (cached: it is the start of every forward run)."""
    return replay(default_parameters("asylum"), end_year)


@lru_cache(maxsize=1)
def inflow_generator() -> InflowGenerator:
    """The stochastic inflow generator calibrated on the observed annual applications."""
    return calibrate(history.annual_applications())


def inflow_paths(scenario: Scenario, run_ids: np.ndarray) -> np.ndarray:
    """Applications per month (run, month) for the scenario's inflow future."""
    spec = scenario.inflow
    months = scenario.months
    if isinstance(spec, BandInflow):
        level = band_level(history.annual_applications(), spec.band)
        return np.full((len(run_ids), months), level / 12.0)
    if isinstance(spec, PathInflow):
        path = annual_path_to_monthly(spec.per_year, scenario.start_year, months)
        return np.repeat(path[None, :], len(run_ids), axis=0)
    observed = history.annual_applications()
    last_level = float(observed.get(scenario.start_year - 1, observed.iloc[-1])) / 12.0
    return inflow_generator().paths(scenario.seed, run_ids, months, last_level, spec.level_multiplier)


def check_start_year(scenario: Scenario, source: str | None = None) -> None:
    """Raise InputError unless history up to the year before ``start_year`` is observed in the store."""
    last_observed = int(history.annual_applications().index.max())
    if scenario.start_year - 1 > last_observed:
        raise InputError(
            source or scenario.name,
            "start_year",
            f"at most {last_observed + 1}: forward runs start from the replay of observed history, which "
            f"ends in {last_observed} (import newer figures with `migratielab data import-cbs` to go later)",
        )


def start_state(scenario: Scenario, runs: int) -> State:
    """The state at the start of the scenario: the default replay's end state, for every run."""
    check_start_year(scenario)
    return broadcast_state(default_replay(scenario.start_year - 1).final_state, runs)


def simulate_policy(
    scenario: Scenario,
    policy: Policy,
    run_ids: np.ndarray,
    parameters: ParameterSet | None = None,
    per_run_values: dict[str, np.ndarray] | None = None,
    progress: Progress | None = None,
) -> ChainRun:
    """Simulate one policy for the given run ids (identical per run id whatever the chunking)."""
    chosen = parameters if parameters is not None else scenario_parameters(scenario)
    runs = len(run_ids)
    chain_parameters: ChainParameters = build_parameters(
        chosen, runs, scenario.start_year, scenario.months, per_run_values
    )
    arrays = policy_arrays(policy, runs, scenario.start_year, scenario.months)
    inputs = ChainInputs(start_year=scenario.start_year, applications=inflow_paths(scenario, run_ids))
    result = simulate(start_state(scenario, runs), chain_parameters, arrays, inputs, progress=progress)
    return ChainRun(
        monthly=result.monthly.assign_coords(run=run_ids),
        wait_histogram=result.wait_histogram,
        final_state=result.final_state,
    )


def offset_progress(progress: Progress | None, offset: int, total: int) -> Progress | None:
    """A callback that reports ``offset + done`` of ``total`` to ``progress`` (None stays None)."""
    if progress is None:
        return None
    report_to = progress

    def report(done: int, _part_total: int) -> None:
        report_to(offset + done, total)

    return report


@dataclass(frozen=True)
class PolicyOutcome:
    """Everything a face needs about one policy: per-run indicators, fan quantiles, annual medians."""

    policy: Policy
    indicators: pd.DataFrame  # index run, one column per indicator
    fan: xr.Dataset  # dims (quantile, time)
    monthly: xr.Dataset | None  # full trajectories when kept (dims run, time)


@dataclass(frozen=True)
class Comparison:
    """The outcome of every policy of a scenario."""

    scenario: Scenario
    outcomes: list[PolicyOutcome]
    parameters: ParameterSet

    def summary(self) -> pd.DataFrame:
        """Indicator table: rows indicators, columns policies, with median, P5 and P95 over runs."""
        rows = []
        for indicator in INDICATORS:
            for outcome in self.outcomes:
                values = outcome.indicators[indicator.name]
                rows.append(
                    {
                        "indicator": indicator.name,
                        "label": indicator.label,
                        "unit": indicator.unit,
                        "policy": outcome.policy.name,
                        "median": float(values.median()),
                        "p5": float(values.quantile(0.05)),
                        "p95": float(values.quantile(0.95)),
                        "mean": float(values.mean()),
                    }
                )
        return pd.DataFrame(rows)


def evaluate_policy(
    scenario: Scenario,
    policy: Policy,
    chunk_size: int = DEFAULT_CHUNK,
    keep_trajectories: bool = True,
    progress: Progress | None = None,
    parameters: ParameterSet | None = None,
) -> PolicyOutcome:
    """Simulate a policy over the scenario's ensemble in chunks of runs."""
    parameters = parameters if parameters is not None else scenario_parameters(scenario)
    chunks = [
        np.arange(start, min(start + chunk_size, scenario.runs))
        for start in range(0, scenario.runs, chunk_size)
    ]
    frames, trajectories = [], []
    for index, run_ids in enumerate(chunks):
        chunk_progress = offset_progress(progress, index * scenario.months, len(chunks) * scenario.months)
        result = simulate_policy(scenario, policy, run_ids, parameters, progress=chunk_progress)
        frames.append(pd.DataFrame(run_indicators(result.monthly, result.wait_histogram), index=run_ids))
        trajectories.append(result.monthly)
    monthly = xr.concat(trajectories, dim="run")
    indicators = pd.concat(frames)
    indicators.index.name = "run"
    return PolicyOutcome(
        policy=policy,
        indicators=indicators,
        fan=fan_quantiles(monthly, FAN_VARIABLES),
        monthly=monthly if keep_trajectories else None,
    )


def compare(
    scenario: Scenario,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    parameters: ParameterSet | None = None,
) -> Comparison:
    """Evaluate every policy of the scenario on the same inflow futures.

    ``parameters`` are the effective parameters (default: the bundled ones with the scenario's
    overrides); forward runs start from the replay of history with the bundled parameters.
    """
    effective = parameters if parameters is not None else scenario_parameters(scenario)
    outcomes = []
    per_policy = -(-scenario.runs // chunk_size) * scenario.months
    total = per_policy * len(scenario.policies)
    for number, policy in enumerate(scenario.policies):
        policy_progress = offset_progress(progress, number * per_policy, total)
        outcomes.append(
            evaluate_policy(scenario, policy, chunk_size, progress=policy_progress, parameters=effective)
        )
    return Comparison(scenario=scenario, outcomes=outcomes, parameters=effective)


@dataclass(frozen=True)
class BacktestRecord:
    """One modelled-versus-observed value."""

    year: int
    variable: str
    modelled: float
    observed: float | None


BACKTEST_OBSERVED = {
    "coa_occupancy_end": "coa.occupancy",
    "ind_backlog_end": "ind.backlog",
    "status_holders_waiting_end": "coa.status_holders_waiting",
    "mean_wait_weeks": None,
    "penalties_eur": None,
    "departures": "departures.dtv_total",
}


def backtest(parameters: ParameterSet | None = None) -> list[BacktestRecord]:
    """Replay 2012-2024 with observed inputs and compare 2014-2024 with observed year-end values."""
    chosen = parameters if parameters is not None else default_parameters("asylum")
    annual = annual_values(replay(chosen).monthly).isel(run=0)
    records = []
    for variable, series_id in BACKTEST_OBSERVED.items():
        observed = store.annual(series_id) if series_id else pd.Series(dtype=float)
        for year in range(BACKTEST_YEARS[0], BACKTEST_YEARS[1] + 1):
            value = observed.get(year)
            records.append(
                BacktestRecord(
                    year=year,
                    variable=variable,
                    modelled=float(annual[variable].sel(year=year)),
                    observed=None if value is None or pd.isna(value) else float(value),
                )
            )
    return records


def mean_absolute_percentage_error(
    records: list[BacktestRecord], variable: str, years: tuple[int, int]
) -> float:
    """MAPE (percent) of a backtest variable over the years with an observation."""
    pairs = [
        (record.modelled, record.observed)
        for record in records
        if record.variable == variable and years[0] <= record.year <= years[1] and record.observed
    ]
    if not pairs:
        return float("nan")
    return float(np.mean([abs(modelled - observed) / observed for modelled, observed in pairs]) * 100.0)


OBSERVED_OVERLAY = {
    "in_chain": "coa.occupancy",
    "ind_backlog": "ind.backlog",
    "holders_waiting": "coa.status_holders_waiting",
}


def observed_year_ends(since: int) -> dict[str, pd.Series]:
    """Observed year-end values from ``since`` for the fan-chart overlay, indexed by 31 December."""
    overlays = {}
    for variable, series_id in OBSERVED_OVERLAY.items():
        annual = store.annual(series_id)
        annual = annual[annual.index >= since]
        annual.index = pd.to_datetime([f"{year}-12-31" for year in annual.index])
        overlays[variable] = annual
    return overlays


def slug(text: str) -> str:
    """A file-name-safe version of a scenario name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower() or "scenario"


def fan_frame(quantiles: xr.DataArray) -> pd.DataFrame:
    """Quantiles over runs as a frame: index time, one column per quantile."""
    return pd.DataFrame(
        quantiles.transpose("time", "quantile").to_numpy(),
        index=quantiles["time"].to_index(),
        columns=quantiles["quantile"].to_numpy(),
    )


def write_outputs(comparison: Comparison, out_dir: Path) -> tuple[Path, Path]:
    """Write the HTML report and the long-format Parquet results; return both paths."""
    scenario = comparison.scenario
    folder = out_dir / slug(scenario.name)
    tables = []
    for outcome in comparison.outcomes:
        assert outcome.monthly is not None, "trajectories are needed for the Parquet results"
        tables.append(long_format(scenario.name, outcome.policy.name, outcome.monthly, outcome.indicators))
    parquet = write_parquet(pd.concat(tables, ignore_index=True), folder / "results.parquet")
    fans = {
        variable: {outcome.policy.name: fan_frame(outcome.fan[variable]) for outcome in comparison.outcomes}
        for variable in FAN_VARIABLES
        if variable not in ("regular_occupancy",)
    }
    report = comparison_report(
        folder / "report.html",
        title=f"migratielab: {scenario.name}",
        description=scenario.description,
        summary=comparison.summary(),
        fans=fans,
        observed=observed_year_ends(scenario.start_year - 10),
        parameters=comparison.parameters,
        data_sources=[
            f"{info.series_id}: {info.publisher}, {info.table} ({info.date})"
            for info in (store.series_info(series_id) for series_id in OBSERVED_OVERLAY.values())
        ],
    )
    return report, parquet


SNAPSHOT_VARIABLES = {
    "coa.occupancy": "in_chain",
    "ind.backlog": "ind_backlog",
    "coa.status_holders_waiting": "holders_waiting",
}


def snapshot_month(period: str) -> pd.Timestamp | None:
    """The simulated month whose end-of-month stock matches an observed stock period.

    An annual value is taken as year-end, a month as its end, a dated snapshot as the nearest
    month end (1 July is the end of June, 25 September the end of September); half-years and
    quarters are not stock dates.
    """
    parsed = parse_period(period)
    if parsed.kind == "annual":
        return pd.Timestamp(parsed.year, 12, 1)
    if parsed.kind == "monthly":
        return pd.Timestamp(parsed.start)
    if parsed.kind == "snapshot":
        nearest_month_end = pd.Timestamp(parsed.start) - pd.Timedelta(days=15)
        return pd.Timestamp(nearest_month_end.year, nearest_month_end.month, 1)
    return None


def snapshot_comparison(monthly: xr.Dataset, series_id: str, years: tuple[int, int]) -> pd.DataFrame:
    """Every observed stock value of ``series_id`` in ``years`` next to the modelled run-0 value."""
    variable = monthly[SNAPSHOT_VARIABLES[series_id]].isel(run=0)
    frame = store.get_series(series_id)
    rows = []
    for period, observed in zip(frame["period"], frame["value"], strict=True):
        month = snapshot_month(str(period))
        if month is None or not years[0] <= month.year <= years[1] or month not in variable["time"]:
            continue
        rows.append(
            {"period": period, "observed": float(observed), "modelled": float(variable.sel(time=month))}
        )
    return pd.DataFrame(rows, columns=["period", "observed", "modelled"])
