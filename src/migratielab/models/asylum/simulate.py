"""Run the asylum chain over time for an ensemble, and build the initial state of a replay."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.models.asylum.chain import (
    HISTORY_MONTHS,
    HOLDER_MONTHS,
    QUEUE_MONTHS,
    STAFF_PIPELINE_MONTHS,
    TRACKS,
    ChainConfig,
    ChainInputs,
    Flows,
    State,
    step,
)
from migratielab.models.asylum.parameters import FAMILY_HORIZON_MONTHS, ChainParameters
from migratielab.models.asylum.policies import PolicyArrays
from migratielab.models.asylum.substeps import track_shares, work_weights

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class InitialComposition:
    """Who is in reception at the start of a replay (persons), split by status."""

    residents: float
    share_in_procedure: float
    share_in_appeal: float
    share_rejected: float
    share_status_holders: float
    applications_per_month: float


@dataclass(frozen=True)
class ChainRun:
    """The result of one simulation: monthly variables, the decision-wait histogram, the final state."""

    monthly: xr.Dataset  # dims (run, time); one variable per Flows field
    wait_histogram: np.ndarray  # (run, months waited) decisions over the whole run
    final_state: State


def initial_state(composition: InitialComposition, params: ChainParameters, policy: PolicyArrays) -> State:
    """A steady-looking start: residents split by status, capacity and staff matching them."""
    runs = params.runs
    ones = np.ones(runs)
    residents = composition.residents * ones
    queue = np.zeros((runs, len(TRACKS), QUEUE_MONTHS))
    in_procedure = residents * composition.share_in_procedure
    spread_months = 6
    queue[:, :, :spread_months] = (in_procedure[:, None] * track_shares(params, 0))[
        :, :, None
    ] / spread_months
    holders = np.zeros((runs, HOLDER_MONTHS))
    holders[:, :spread_months] = (residents * composition.share_status_holders)[:, None] / spread_months
    work = composition.applications_per_month * (track_shares(params, 0) * work_weights(params)).sum(axis=1)
    staff = work / params.decisions_per_fte_month
    regular = residents / params.planning_occupancy_norm
    if policy.reception_rule == "fixed_buffer":
        regular = np.maximum(regular, policy.base_places)
    shares = track_shares(params, 0)
    safe_grants = shares[:, 1] * params.recognition_rate_safe_country
    grant_share = safe_grants + shares[:, 2] * params.recognition_rate_general[0]
    grants_per_month = composition.applications_per_month * grant_share
    return State(
        ac_unregistered=np.zeros(runs),
        ac_registered=np.zeros(runs),
        queue=queue,
        appeals=residents * composition.share_in_appeal,
        rejected=residents * composition.share_rejected,
        holders=holders,
        regular_capacity=regular,
        regular_target=regular,
        buffer_active=np.zeros(runs),
        emergency_capacity=np.zeros(runs),
        crisis_capacity=np.zeros(runs),
        staff_trained=staff,
        staff_pipeline=np.zeros((runs, STAFF_PIPELINE_MONTHS)),
        staff_target=staff,
        quota_per_month=residents * composition.share_status_holders / 6.0,
        family_scheduled=np.zeros((runs, FAMILY_HORIZON_MONTHS)),
        need_history=np.repeat(residents[:, None], HISTORY_MONTHS, axis=1),
        work_history=np.repeat(work[:, None], HISTORY_MONTHS, axis=1),
        grants_history=np.repeat(grants_per_month[:, None], 6, axis=1),
    )


def broadcast_state(state: State, runs: int) -> State:
    """Repeat a one-run state for ``runs`` runs (used to start ensembles from a replayed history)."""
    values = {
        field.name: np.repeat(getattr(state, field.name)[:1], runs, axis=0).copy() for field in fields(State)
    }
    return State(**values)


def month_index(start_year: int, months: int) -> pd.DatetimeIndex:
    """First day of each simulated month."""
    return pd.date_range(f"{start_year}-01-01", periods=months, freq="MS")


def simulate(
    state: State,
    params: ChainParameters,
    policy: PolicyArrays,
    inputs: ChainInputs,
    record: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ChainRun:
    """Step the chain through every month of ``inputs``; record the named flows (default: all)."""
    names = list(record) if record is not None else Flows.scalar_names()
    runs, months = inputs.applications.shape
    recorded = {name: np.empty((months, runs)) for name in names}
    histogram = np.zeros((runs, QUEUE_MONTHS))
    config = ChainConfig(parameters=params, policy=policy)
    for t in range(months):
        state, flows = step(state, config, inputs.month(t), t)
        for name in names:
            recorded[name][t] = getattr(flows, name)
        histogram += flows.decided_by_wait
        if progress is not None:
            progress(t + 1, months)
    coords = {"run": np.arange(runs), "time": month_index(inputs.start_year, months)}
    dataset = xr.Dataset(
        {name: (("run", "time"), np.ascontiguousarray(values.T)) for name, values in recorded.items()},
        coords=coords,
    )
    return ChainRun(monthly=dataset, wait_histogram=histogram, final_state=state)
