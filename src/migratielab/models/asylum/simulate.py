"""The asylum chain on its own: the initial state of a replay of history, and its monthly driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from migratielab.models.asylum.chain import (
    HISTORY_MONTHS,
    HOLDER_MONTHS,
    QUEUE_MONTHS,
    TRACKS,
    ChainConfig,
    ChainInputs,
    State,
    step,
)
from migratielab.models.asylum.parameters import FAMILY_HORIZON_MONTHS, STAFF_PIPELINE_MONTHS, ChainParameters
from migratielab.models.asylum.policies import PolicyArrays
from migratielab.models.asylum.record import ChainRecorder, ChainRun
from migratielab.models.asylum.substeps import track_shares

ProgressCallback = Callable[[int, int], None]
Correct = Callable[[int, State], State]


@dataclass(frozen=True)
class InitialComposition:
    """Who is in reception at the start of a replay (persons), split by status."""

    residents: float
    share_in_procedure: float
    share_in_appeal: float
    share_rejected: float
    share_status_holders: float
    applications_per_month: float


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
    work = composition.applications_per_month * (track_shares(params, 0) * params.work_weights).sum(axis=1)
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


def simulate(
    state: State,
    params: ChainParameters,
    policy: PolicyArrays,
    inputs: ChainInputs,
    record: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    correct: Correct | None = None,
) -> ChainRun:
    """Step the chain alone through every month of ``inputs``; record the named flows (default: all).

    ``correct(t, state)``, if given, returns the state after month ``t`` corrected to observations
    (the replay's state estimation, ``assimilate.analyse``); flows are recorded before it.

    The chain's own driver, for the replay of observed history and the pillar's tests; scenario runs
    go through the system loop (``models.system.run``), which steps every pillar of a scenario.
    """
    runs, months = inputs.applications.shape
    recorder = ChainRecorder(runs, months, record)
    config = ChainConfig(parameters=params, policy=policy)
    for t in range(months):
        state, flows = step(state, config, inputs.month(t), t)
        recorder.add(t, flows)
        if correct is not None:
            state = correct(t, state)
        if progress is not None:
            progress(t + 1, months)
    return recorder.result(inputs.start_year, state)
