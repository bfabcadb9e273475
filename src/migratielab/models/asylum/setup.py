"""Set-up of the asylum chain from data: the replay of observed history, the start state of forward
runs, the inflow futures, and the scenario's parameters.

Two replays: the free replay (observed inputs only: applications, follow-on family, municipal
quotas and decision terms) is what the backtest scores; the assimilated replay also corrects the
stocks to every observed snapshot of reception occupancy, IND backlog and status holders waiting
(``assimilate``). Forward runs start from the assimilated replay's state at the end of the year
before the scenario starts, so they continue where the observed line ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np

from migratielab.data import store
from migratielab.errors import InputError
from migratielab.models.asylum import history
from migratielab.models.asylum.assimilate import ASSIMILATED, Correction, analyse
from migratielab.models.asylum.chain import ChainInputs, State
from migratielab.models.asylum.forecast import calibrated_paths, standard_draws
from migratielab.models.asylum.inflow import InflowGenerator, annual_path_to_monthly, band_level, calibrate
from migratielab.models.asylum.parameters import ChainParameters, build_parameters
from migratielab.models.asylum.policies import PolicyArrays, policy_arrays
from migratielab.models.asylum.record import ChainRun
from migratielab.models.asylum.returns import with_return_levers
from migratielab.models.asylum.simulate import (
    Correct,
    InitialComposition,
    broadcast_state,
    initial_state,
    simulate,
)
from migratielab.models.random import PillarGenerators
from migratielab.params import ParameterSet, default_parameters
from migratielab.scenario import (
    AsylumSection,
    BandInflow,
    ForecastInflow,
    ForecastLinkedStaffing,
    PathInflow,
    Policy,
    Scenario,
)

REPLAY_START = 2012  # the replay starts from the observed end-2011 COA occupancy
REPLAY_STAFFING_LAG_MONTHS = 6


def section(scenario: Scenario, source: str | None = None) -> AsylumSection:
    """The scenario's asylum section; InputError if it has none."""
    if scenario.asylum is None:
        raise InputError(source or scenario.name, "asylum", "an asylum section (inflow and policies)")
    return scenario.asylum


def scenario_parameters(
    scenario: Scenario, base: ParameterSet | None = None, source: str | None = None
) -> ParameterSet:
    """Asylum parameters (``base`` or the defaults) with the scenario's overrides applied.

    ``source`` names the scenario file in errors about unknown parameter names.
    """
    chosen = base if base is not None else default_parameters("asylum")
    overrides = section(scenario, source).parameters
    return chosen.with_values(overrides, source=f"{source or scenario.name}: asylum.parameters")


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


@dataclass(frozen=True)
class AssimilatedReplay:
    """The replay corrected to observed stocks, and every correction it made."""

    run: ChainRun
    corrections: list[Correction]


def replay(parameters: ParameterSet, end_year: int, assimilate: bool = False) -> ChainRun:
    """Replay the chain from January 2012 to December ``end_year`` with observed inputs (one run).

    With ``assimilate`` the stocks are corrected at every observed snapshot (see
    ``assimilated_replay``, which also returns the corrections).
    """
    if assimilate:
        return assimilated_replay(parameters, end_year).run
    return _replay(parameters, end_year, None)


def assimilated_replay(parameters: ParameterSet, end_year: int) -> AssimilatedReplay:
    """The replay with its stocks corrected to every observed snapshot up to December ``end_year``."""
    observed = history.observed_stocks(ASSIMILATED, REPLAY_START, end_year)
    corrections: list[Correction] = []
    outside_share = parameters.scalar("outside_reception_share")

    def correct(t: int, state: State) -> State:
        if t not in observed:
            return state
        corrected, made = analyse(state, observed[t], t, outside_share)
        corrections.extend(made)
        return corrected

    return AssimilatedReplay(run=_replay(parameters, end_year, correct), corrections=corrections)


def _replay(parameters: ParameterSet, end_year: int, correct: Correct | None) -> ChainRun:
    """The replay from January 2012 to December ``end_year``, corrected by ``correct`` if given."""
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
        decisions_observed=history.monthly_decisions(REPLAY_START, end_year),
        merits_observed=history.monthly_decisions(REPLAY_START, end_year, merits_only=True),
        housed_observed=history.monthly_housed(REPLAY_START, end_year),
        returns_suspended=history.returns_suspended(REPLAY_START, end_year),
    )
    start = initial_state(composition, chain_parameters, policy)
    return simulate(start, chain_parameters, policy, inputs, correct=correct)


@lru_cache(maxsize=4)
def default_replay(end_year: int) -> ChainRun:
    """The assimilated replay with default parameters (cached: it is the start of every forward run)."""
    return replay(default_parameters("asylum"), end_year, assimilate=True)


@lru_cache(maxsize=1)
def inflow_generator() -> InflowGenerator:
    """The stochastic inflow generator calibrated on the observed annual applications."""
    return calibrate(history.annual_applications())


def inflow_paths(scenario: Scenario, run_ids: np.ndarray) -> np.ndarray:
    """Applications per month (run, month) for the scenario's inflow future.

    Stochastic futures draw from each run's asylum stream (``pillar_stream(seed, "asylum", run)``).
    """
    spec = section(scenario).inflow
    months = scenario.months
    if isinstance(spec, BandInflow):
        level = band_level(history.annual_applications(), spec.band)
        return np.full((len(run_ids), months), level / 12.0)
    if isinstance(spec, PathInflow):
        path = annual_path_to_monthly(spec.per_year, scenario.start_year, months)
        return np.repeat(path[None, :], len(run_ids), axis=0)
    streams = PillarGenerators(scenario.seed, "asylum", run_ids.tolist())  # the pillar_stream of each run
    if isinstance(spec, ForecastInflow):
        observed_months = history.monthly_applications(history.first_observed_year(), scenario.start_year - 1)
        return calibrated_paths(observed_months, standard_draws(streams, months))
    observed = history.annual_applications()
    last_level = float(observed.get(scenario.start_year - 1, observed.iloc[-1])) / 12.0
    return inflow_generator().paths(streams, months, last_level, spec.level_multiplier)


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
    """The state at the start of the scenario: the assimilated replay's end state, for every run."""
    check_start_year(scenario)
    return broadcast_state(default_replay(scenario.start_year - 1).final_state, runs)


Piece = TypeVar("Piece")
Remember = Callable[[str, Callable[[], Piece]], Piece]
"""How a set-up piece named "parameters", "inflow" or "start" is obtained from its computation (a
caller may remember pieces between calls; they depend on the scenario, the parameters and the runs)."""


def computed(_name: str, compute: Callable[[], Piece]) -> Piece:
    """``Remember`` that computes every piece afresh."""
    return compute()


def forward_set_up(
    scenario: Scenario,
    policy: Policy,
    run_ids: np.ndarray,
    parameters: ParameterSet,
    per_run_values: dict[str, np.ndarray] | None = None,
    remember: Remember[Any] = computed,
) -> tuple[State, ChainParameters, PolicyArrays, ChainInputs]:
    """Start state, parameters, policy arrays and inputs of a forward run of ``policy`` for ``run_ids``."""
    runs = len(run_ids)
    built: ChainParameters = remember(
        "parameters",
        lambda: build_parameters(parameters, runs, scenario.start_year, scenario.months, per_run_values),
    )
    chain_parameters = with_return_levers(built, policy.returns, parameters)
    published = history.monthly_quota(scenario.start_year, scenario.end_year)
    arrays = policy_arrays(policy, runs, scenario.start_year, scenario.months, published_quota=published)
    applications: np.ndarray = remember("inflow", lambda: inflow_paths(scenario, run_ids))
    inputs = ChainInputs(start_year=scenario.start_year, applications=applications)
    state: State = remember("start", lambda: start_state(scenario, runs))
    return state, chain_parameters, arrays, inputs
