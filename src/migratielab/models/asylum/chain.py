"""The asylum chain as a monthly stock-flow model over an ensemble (leading ``run`` axis).

Legal status and location are two partitions of the same people:

* status: first-instance queue (by track and months waited) -> appeal -> rejected -> departure,
  or -> status holders waiting for a municipal home (by months waited) -> housed;
* location: application centre (Ter Apel; above its agreed maximum people are without proper
  shelter) -> regular places (including an activated iron buffer) -> emergency places ->
  crisis emergency shelter outside the COA.

``step`` advances one month; it loops over nothing but the three IND tracks. Every stock is
checked for conservation and non-negativity at every step (``queues.check_balance``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from migratielab.errors import ConservationError
from migratielab.models.asylum.parameters import ChainParameters
from migratielab.models.asylum.policies import (
    PolicyArrays,
    forecast_capacity_target,
    housing_quota_per_month,
    is_decision_month,
    next_buffer_active,
    next_regular_capacity,
    staffing_target,
)
from migratielab.models.asylum.queues import age_one_month, check_balance, serve_oldest_first

TRACKS = ("dublin", "safe_country", "general")
QUEUE_MONTHS = 37  # bins 0..35 months waited and a last bin for 36 or more
HOLDER_MONTHS = 25  # bins 0..23 months waited and a last bin for 24 or more
STAFF_PIPELINE_MONTHS = 24  # hires graduate to trained staff after two years
HISTORY_MONTHS = 48  # memory for lagged forecasts (lags up to 36 months plus a half-year window)
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class State:
    """Stocks at the start of a month; every array has a leading run axis."""

    ac_unregistered: np.ndarray  # persons at the application centre, not yet registered
    ac_registered: np.ndarray  # registered, waiting at the centre for a reception place
    queue: np.ndarray  # (run, track, months waited) first-instance cases
    appeals: np.ndarray  # persons awaiting a court judgment
    rejected: np.ndarray  # finally rejected persons in reception
    holders: np.ndarray  # (run, months waited) status holders waiting for a home
    regular_capacity: np.ndarray  # regular places (excluding the buffer)
    regular_target: np.ndarray  # regular places decided at the last half-yearly decision
    buffer_active: np.ndarray  # activated iron-buffer places
    emergency_capacity: np.ndarray  # COA emergency places
    crisis_capacity: np.ndarray  # crisis emergency shelter outside the COA
    staff_trained: np.ndarray  # fully productive IND decision FTE
    staff_pipeline: np.ndarray  # (run, months since hire) FTE still ramping up
    staff_target: np.ndarray  # FTE wanted by the staffing rule
    quota_per_month: np.ndarray  # municipal housing quota in force, persons per month
    family_scheduled: np.ndarray  # (run, months ahead) follow-on family due to arrive
    need_history: np.ndarray  # (run, months ago) people in the chain, for lagged forecasts
    work_history: (
        np.ndarray
    )  # (run, months ago) planned IND work: inflow plus backlog share (general-case units)
    grants_history: np.ndarray  # (run, months ago) grants in the last six months

    @property
    def in_chain(self) -> np.ndarray:
        """Everyone in the chain who needs a place (persons)."""
        return self.queue.sum(axis=(1, 2)) + self.appeals + self.rejected + self.holders.sum(axis=1)

    @property
    def at_centre(self) -> np.ndarray:
        """People at the application centre (persons)."""
        return self.ac_unregistered + self.ac_registered


@dataclass(frozen=True)
class ChainInputs:
    """Exogenous monthly inputs: applications per run, and observed series used in backtests."""

    start_year: int
    applications: np.ndarray  # (run, month) first plus repeat applications, persons per month
    family_observed: np.ndarray | None = None  # (month,) nareizigers; NaN where unknown
    quota_observed: np.ndarray | None = None  # (month,) municipal quota per month; NaN where unknown

    @property
    def months(self) -> int:
        """Number of months covered."""
        return int(self.applications.shape[1])


@dataclass(frozen=True)
class Flows:
    """What happened during one month (persons, places, FTE or euros per month; stocks at month end)."""

    applications: np.ndarray
    family_arrivals: np.ndarray
    family_to_reception: np.ndarray
    registered: np.ndarray
    moved_to_reception: np.ndarray
    decisions_dublin: np.ndarray
    decisions_safe_country: np.ndarray
    decisions_general: np.ndarray
    grants_first_instance: np.ndarray
    grants_appeal: np.ndarray
    appeals_lodged: np.ndarray
    appeals_decided: np.ndarray
    housed: np.ndarray
    departures_independent: np.ndarray
    departures_forced: np.ndarray
    departures_unsupervised: np.ndarray
    remained: np.ndarray
    decision_wait_sum_months: np.ndarray
    housing_wait_sum_months: np.ndarray
    cases_past_term: np.ndarray
    cases_crossing_term: np.ndarray
    in_chain: np.ndarray
    ind_backlog: np.ndarray
    holders_waiting: np.ndarray
    at_centre: np.ndarray
    regular_occupancy: np.ndarray
    emergency_occupancy: np.ndarray
    crisis_occupancy: np.ndarray
    without_shelter: np.ndarray
    nights_without_shelter: np.ndarray
    regular_capacity: np.ndarray
    buffer_active: np.ndarray
    emergency_capacity: np.ndarray
    crisis_capacity: np.ndarray
    ind_staff: np.ndarray
    decision_capacity: np.ndarray
    cost_regular: np.ndarray
    cost_emergency: np.ndarray
    cost_crisis: np.ndarray
    cost_vacant: np.ndarray
    cost_reserve: np.ndarray
    cost_opening_closing: np.ndarray
    cost_ind: np.ndarray
    cost_penalties: np.ndarray
    decided_by_wait: np.ndarray  # (run, months waited) decisions this month by wait

    @classmethod
    def scalar_names(cls) -> list[str]:
        """Names of the per-run monthly fields (all but the wait histogram)."""
        return [field.name for field in fields(cls) if field.name != "decided_by_wait"]


def track_shares(params: ChainParameters, t: int) -> np.ndarray:
    """Shares of applications per track (run, track)."""
    dublin = np.broadcast_to(params.track_share_dublin[t], params.track_share_safe_country.shape)
    safe = params.track_share_safe_country
    return np.stack([dublin, safe, 1.0 - dublin - safe], axis=1)


def work_weights(params: ChainParameters) -> np.ndarray:
    """Work per case in general-case units, per run and track (run, track)."""
    fast = params.fast_track_work_share
    return np.stack([fast, fast, np.ones_like(fast)], axis=1)


def productive_staff(state: State, params: ChainParameters) -> np.ndarray:
    """Productive FTE: trained staff plus new hires weighted by their linear ramp-up."""
    months_since_hire = np.arange(1, STAFF_PIPELINE_MONTHS + 1, dtype=float)
    ramp = np.minimum(1.0, months_since_hire[None, :] / params.ramp_up_months[:, None])
    return np.asarray(state.staff_trained + (state.staff_pipeline * ramp).sum(axis=1))


def shift_history(history: np.ndarray, newest: np.ndarray) -> np.ndarray:
    """Prepend this month's value to a (run, months ago) history, dropping the oldest."""
    return np.concatenate([newest[:, None], history[:, :-1]], axis=1)


def split_remainder(total: np.ndarray, shares: list[np.ndarray]) -> list[np.ndarray]:
    """Split ``total`` into parts by ``shares``; the last part takes the remainder so parts sum exactly."""
    parts = [total * share for share in shares]
    return [*parts, total - sum(parts)]


def step(
    state: State, params: ChainParameters, policy: PolicyArrays, inputs: ChainInputs, t: int
) -> tuple[State, Flows]:
    """Advance the chain by month ``t``; return the new state and the month's flows."""
    runs = state.appeals.shape[0]
    need_before = state.in_chain

    # Arrivals: first and repeat applicants, and follow-on family who need reception.
    applications = inputs.applications[:, t]
    observed_family = None if inputs.family_observed is None else inputs.family_observed[t]
    family = (
        state.family_scheduled[:, 0]
        if observed_family is None or np.isnan(observed_family)
        else np.full(runs, float(observed_family))
    )
    family_in = family * params.family_share_in_reception
    arriving = applications + family_in
    registered = np.minimum(state.ac_unregistered + arriving, params.registration_capacity)

    # IND first instance: priority to the fast tracks, each served oldest first.
    queue = state.queue.copy()
    queue[:, :, 0] += applications[:, None] * track_shares(params, t)
    weights = work_weights(params)
    staff = productive_staff(state, params)
    capacity = staff * params.decisions_per_fte_month
    waiting = queue.sum(axis=2)
    decisions_by_track = np.empty_like(waiting)
    remaining = capacity
    for track in range(len(TRACKS)):
        decisions_by_track[:, track] = np.minimum(waiting[:, track], remaining / weights[:, track])
        remaining = np.maximum(0.0, remaining - decisions_by_track[:, track] * weights[:, track])
    served = serve_oldest_first(queue.reshape(-1, QUEUE_MONTHS), decisions_by_track.reshape(-1)).reshape(
        queue.shape
    )
    decided = served.sum(axis=2)
    decided_by_wait = served.sum(axis=1)
    wait_sum = (decided_by_wait * (np.arange(QUEUE_MONTHS) + 0.5)).sum(axis=1)
    queue_after = age_one_month(queue - served)

    # Outcomes: Dublin cases leave; others are granted, appeal or are rejected.
    dublin = decided[:, 0]
    transferred, dublin_unsupervised = split_remainder(dublin, [params.dublin_transfer_share])
    grants_safe = decided[:, 1] * params.recognition_rate_safe_country
    grants_general = decided[:, 2] * params.recognition_rate_general[t]
    grants_first = grants_safe + grants_general
    refused = decided[:, 1] + decided[:, 2] - grants_first
    appeals_lodged, refused_final = split_remainder(refused, [params.appeal_share])
    appeals_decided = state.appeals / np.maximum(params.court_lag_months, 1.0)
    grants_appeal, appeals_rejected = split_remainder(appeals_decided, [params.appeal_grant_share])
    leaving_rejected = state.rejected / np.maximum(params.rejected_mean_months_in_reception, 1.0)
    independent, forced, remained, unsupervised = split_remainder(
        leaving_rejected,
        [params.departure_share_independent, params.departure_share_forced, params.remain_share],
    )

    # Status holders: grants and family join the waiting list; municipalities house the oldest first.
    holders = state.holders.copy()
    holders[:, 0] += grants_first + grants_appeal + family_in
    quota = state.quota_per_month
    observed_quota = None if inputs.quota_observed is None else inputs.quota_observed[t]
    if observed_quota is not None and not np.isnan(observed_quota):
        quota = np.full(runs, float(observed_quota))
    housing_capacity = np.minimum(quota * params.housing_realisation, params.housing_max_per_month)
    eligible = np.arange(HOLDER_MONTHS)[None, :] >= params.housing_min_wait_months[:, None]
    housed_by_wait = serve_oldest_first(np.where(eligible, holders, 0.0), housing_capacity)
    housed = housed_by_wait.sum(axis=1)
    housing_wait_sum = (housed_by_wait * (np.arange(HOLDER_MONTHS) + 0.5)).sum(axis=1)
    holders_after = age_one_month(holders - housed_by_wait)

    appeals_after = state.appeals + appeals_lodged - appeals_decided
    rejected_after = state.rejected + refused_final + appeals_rejected - leaving_rejected
    exits = housed + dublin + leaving_rejected

    term = policy.decision_term_months[t]
    term_bin = min(round(float(term)), QUEUE_MONTHS - 1)
    cases_past_term = queue_after[:, :, term_bin:].sum(axis=(1, 2))
    cases_crossing_term = queue_after[:, :, term_bin].sum(axis=1)
    penalties = cases_crossing_term * params.penalty_claim_share * params.penalty_per_case

    queue_by_track = queue_after.sum(axis=2)
    backlog = queue_by_track.sum(axis=1)
    holders_waiting = holders_after.sum(axis=1)
    need = backlog + appeals_after + rejected_after + holders_waiting

    # Capacity decisions and responses.
    deciding = is_decision_month(t)
    if deciding:
        lagged_need = state.need_history[:, min(policy.forecast_lag_months, HISTORY_MONTHS - 1)]
        capacity_target = forecast_capacity_target(lagged_need, params.planning_occupancy_norm)
    else:
        capacity_target = state.regular_target
    at_centre_before = state.at_centre
    residents_before = need_before - at_centre_before
    regular_occupied_before = np.minimum(residents_before, state.regular_capacity + state.buffer_active)
    regular_capacity = next_regular_capacity(
        policy,
        t,
        state.regular_capacity,
        capacity_target,
        regular_occupied_before,
        params.max_regular_opening_per_month,
        params.max_regular_closing_per_month,
    )
    buffer_active = next_buffer_active(
        policy,
        state.buffer_active,
        regular_capacity,
        need,
        np.maximum(0.0, regular_occupied_before - regular_capacity),
    )
    base = regular_capacity + buffer_active
    emergency_gap = np.maximum(0.0, need - base)
    opening = emergency_gap > state.emergency_capacity
    emergency_time = np.where(opening, params.emergency_opening_months, params.emergency_closing_months)
    emergency_capacity = state.emergency_capacity + (emergency_gap - state.emergency_capacity) / np.maximum(
        emergency_time, 1.0
    )
    crisis_gap = np.maximum(0.0, need - base - emergency_capacity)
    crisis_capacity = np.where(
        crisis_gap > state.crisis_capacity,
        state.crisis_capacity
        + (crisis_gap - state.crisis_capacity) / np.maximum(params.crisis_opening_months, 1.0),
        crisis_gap,
    )

    # Exits leave from reception; any exits beyond the reception residents leave from the centre.
    residents_after_exits = residents_before - exits
    exits_from_centre = np.maximum(0.0, -residents_after_exits)
    from_registered = np.minimum(exits_from_centre, state.ac_registered + registered)
    ac_unregistered = state.ac_unregistered + arriving - registered - (exits_from_centre - from_registered)
    waiting_registered = state.ac_registered + registered - from_registered
    residents = np.maximum(0.0, residents_after_exits)
    # Nobody is moved out of a place: capacity below the residents is kept in use.
    total_places = np.maximum(base + emergency_capacity + crisis_capacity, residents)
    crisis_capacity = np.maximum(0.0, total_places - base - emergency_capacity)
    moved = np.minimum(waiting_registered, total_places - residents)
    ac_registered = waiting_registered - moved
    residents = residents + moved
    regular_occupancy = np.minimum(residents, base)
    emergency_occupancy = np.minimum(residents - regular_occupancy, emergency_capacity)
    crisis_occupancy = residents - regular_occupancy - emergency_occupancy
    at_centre = ac_unregistered + ac_registered
    without_shelter = np.maximum(0.0, at_centre - params.ter_apel_capacity)

    # IND staffing.
    backlog_work = (queue_by_track * weights).sum(axis=1)
    work = (applications[:, None] * track_shares(params, t) * weights).sum(axis=1)
    planned_work = work + backlog_work / np.maximum(params.backlog_clearance_months, 1.0)
    work_history = shift_history(state.work_history, planned_work)
    if deciding:
        lag = min(policy.staffing_lag_months, HISTORY_MONTHS - 6)
        lagged_work = state.work_history[:, lag : lag + 6].mean(axis=1)
        staff_wanted = staffing_target(
            policy, lagged_work, params.decisions_per_fte_month, params.ind_budget_coverage
        )
    else:
        staff_wanted = state.staff_target
    staff_total = state.staff_trained + state.staff_pipeline.sum(axis=1)
    hires = np.maximum(0.0, staff_wanted - staff_total) if deciding else 0.0
    shed = np.minimum(
        np.maximum(0.0, staff_total - staff_wanted), state.staff_trained * params.ind_max_shrink_per_month
    )
    pipeline = np.zeros_like(state.staff_pipeline)
    pipeline[:, 1:] = state.staff_pipeline[:, :-1]
    pipeline[:, 0] = hires
    staff_trained = state.staff_trained - shed + state.staff_pipeline[:, -1]

    # Housing quota for the coming half-year, and follow-on family due from this month's grants.
    grants = grants_first + grants_appeal
    grants_history = shift_history(state.grants_history, grants)
    if deciding:
        quota_next = housing_quota_per_month(
            policy, holders_waiting, grants_history.sum(axis=1), params.housing_quota_catch_up
        )
    else:
        quota_next = state.quota_per_month
    family_scheduled = np.zeros_like(state.family_scheduled)
    family_scheduled[:, :-1] = state.family_scheduled[:, 1:]
    family_scheduled += (grants * params.family_per_grant)[:, None] * params.family_lag_weights

    new_state = State(
        ac_unregistered=ac_unregistered,
        ac_registered=ac_registered,
        queue=queue_after,
        appeals=appeals_after,
        rejected=rejected_after,
        holders=holders_after,
        regular_capacity=regular_capacity,
        regular_target=capacity_target,
        buffer_active=buffer_active,
        emergency_capacity=emergency_capacity,
        crisis_capacity=crisis_capacity,
        staff_trained=staff_trained,
        staff_pipeline=pipeline,
        staff_target=np.broadcast_to(staff_wanted, (runs,)).copy(),
        quota_per_month=np.broadcast_to(quota_next, (runs,)).copy(),
        family_scheduled=family_scheduled,
        need_history=shift_history(state.need_history, need),
        work_history=work_history,
        grants_history=grants_history,
    )
    balances = [
        ("people in the chain", need_before, arriving, exits, need),
        (
            "first-instance queue",
            state.queue.sum(axis=(1, 2)),
            applications,
            decided.sum(axis=1),
            backlog,
        ),
        (
            "status holders waiting",
            state.holders.sum(axis=1),
            grants + family_in,
            housed,
            holders_waiting,
        ),
        ("appeals", state.appeals, appeals_lodged, appeals_decided, appeals_after),
        (
            "rejected in reception",
            state.rejected,
            refused_final + appeals_rejected,
            leaving_rejected,
            rejected_after,
        ),
        ("application centre", state.at_centre, arriving, moved + exits_from_centre, at_centre),
    ]
    for name, before, inflow, outflow, after in balances:
        check_balance(name, before, inflow, outflow, after)
    check_places(new_state, residents)

    month_share = 1.0 / 12.0
    capacity_change = regular_capacity - state.regular_capacity
    flows = Flows(
        applications=applications,
        family_arrivals=family,
        family_to_reception=family_in,
        registered=registered,
        moved_to_reception=moved,
        decisions_dublin=decided[:, 0],
        decisions_safe_country=decided[:, 1],
        decisions_general=decided[:, 2],
        grants_first_instance=grants_first,
        grants_appeal=grants_appeal,
        appeals_lodged=appeals_lodged,
        appeals_decided=appeals_decided,
        housed=housed,
        departures_independent=independent,
        departures_forced=forced + transferred,
        departures_unsupervised=unsupervised + dublin_unsupervised,
        remained=remained,
        decision_wait_sum_months=wait_sum,
        housing_wait_sum_months=housing_wait_sum,
        cases_past_term=cases_past_term,
        cases_crossing_term=cases_crossing_term,
        in_chain=need,
        ind_backlog=backlog,
        holders_waiting=holders_waiting,
        at_centre=at_centre,
        regular_occupancy=regular_occupancy,
        emergency_occupancy=emergency_occupancy,
        crisis_occupancy=crisis_occupancy,
        without_shelter=without_shelter,
        nights_without_shelter=without_shelter * DAYS_PER_MONTH,
        regular_capacity=regular_capacity,
        buffer_active=buffer_active,
        emergency_capacity=emergency_capacity,
        crisis_capacity=crisis_capacity,
        ind_staff=staff_trained + pipeline.sum(axis=1),
        decision_capacity=capacity,
        cost_regular=regular_occupancy * params.cost_regular_per_resident_year[t] * month_share,
        cost_emergency=emergency_occupancy * params.cost_emergency_per_resident_year[t] * month_share,
        cost_crisis=crisis_occupancy * params.cost_crisis_per_resident_year * month_share,
        cost_vacant=(base - regular_occupancy) * params.cost_vacant_place_per_year * month_share,
        cost_reserve=(policy.buffer_places - buffer_active)
        * params.cost_reserve_place_per_year
        * month_share,
        cost_opening_closing=np.maximum(capacity_change, 0.0) * params.cost_opening_place
        + np.maximum(-capacity_change, 0.0) * params.cost_closing_place,
        cost_ind=(staff_trained + pipeline.sum(axis=1)) * params.cost_ind_fte_per_year * month_share,
        cost_penalties=penalties,
        decided_by_wait=decided_by_wait,
    )
    return new_state, flows


def check_places(state: State, residents: np.ndarray) -> None:
    """Raise ConservationError if reception residents exceed all places (a place never holds two)."""
    places = state.regular_capacity + state.buffer_active + state.emergency_capacity + state.crisis_capacity
    excess = residents - places
    if np.any(excess > 1e-9 * np.maximum(1.0, residents)):
        run = int(np.argmax(excess))
        raise ConservationError(f"run {run}: {residents[run]:.6g} residents exceed {places[run]:.6g} places")
