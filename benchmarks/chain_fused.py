"""The asylum chain's monthly arithmetic as ONE compiled loop nest over runs and cells (benchmark only).

The best compiled form of ``chain.step`` that this benchmark's author could write, for the policy the
benchmark runs (forecast-linked reception, staffing and housing quota; no observed inputs, no
housing pillar, no suspended returns; applicants outside reception, the partition check and
return costs included): per run, every sub-step of the month in one pass with the run's cells in L1
cache, the state updated in place and the month's flows written straight into the recording
arrays (flow, month, run). It is the yardstick ``bench_asylum.py`` holds the production step
against (the issue's "fused reference"); it is not used by the model and is checked against it
(every flow to 1e-9 relative, floor 1) before it is timed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from migratielab.models.asylum.chain import ChainConfig, ChainInputs, Flows, State
from migratielab.models.asylum.policies import is_decision_month
from migratielab.models.asylum.substeps import DAYS_PER_MONTH, OUTSIDE_FROM_MONTH, PLANNING_WINDOW_MONTHS

SCALARS = (
    "ac_unregistered",
    "ac_registered",
    "appeals",
    "rejected",
    "regular_capacity",
    "regular_target",
    "buffer_active",
    "emergency_capacity",
    "crisis_capacity",
    "staff_trained",
    "staff_target",
    "quota_per_month",
)
PARAMETERS = (
    "family_share_in_reception",
    "registration_capacity",
    "decisions_per_fte_month",
    "track_share_safe_country",
    "dublin_transfer_share",
    "recognition_rate_safe_country",
    "appeal_share",
    "court_lag_months",
    "appeal_grant_share",
    "rejected_mean_months_in_reception",
    "departure_share_independent",
    "departure_share_forced",
    "remain_share",
    "housing_realisation",
    "housing_max_per_month",
    "housing_first_bin",
    "planning_occupancy_norm",
    "max_regular_opening_per_month",
    "max_regular_closing_per_month",
    "emergency_opening_months",
    "emergency_closing_months",
    "crisis_opening_months",
    "ter_apel_capacity",
    "backlog_clearance_months",
    "ind_budget_coverage",
    "ind_max_shrink_per_month",
    "housing_quota_catch_up",
    "family_per_grant",
    "cost_crisis_per_resident_year",
    "cost_vacant_place_per_year",
    "cost_reserve_place_per_year",
    "cost_opening_place",
    "cost_closing_place",
    "cost_ind_fte_per_year",
    "penalty_per_case",
    "penalty_claim_share",
    "fast_track_work_share",
    "detention_cost_per_month",
    "cost_forced_departure",
    "cost_independent_departure",
    "lighter_measures_share",
    "cost_lighter_measure_per_person_month",
    "outside_reception_share",
    "unsupervised_registered_share",
)
FLOWS = tuple(Flows.scalar_names())


@dataclass
class FusedChain:
    """The chain's state and parameters packed for the fused kernel (arrays updated in place)."""

    scalars: np.ndarray  # (run, SCALARS)
    queue: np.ndarray  # (run, track, bin)
    holders: np.ndarray  # (run, bin)
    pipeline: np.ndarray  # (run, months since hire)
    family: np.ndarray  # (run, months ahead)
    need_history: np.ndarray  # (run, months ago)
    work_history: np.ndarray  # (run, months ago)
    grants_history: np.ndarray  # (run, months ago)
    histogram: np.ndarray  # (run, months waited) decisions over the run
    parameters: np.ndarray  # (run, PARAMETERS)
    ramp: np.ndarray  # (run, months since hire)
    family_weights: np.ndarray  # (run, months ahead)
    dated: np.ndarray  # (4, month): Dublin share, general recognition, regular and emergency cost
    term_bins: np.ndarray  # (month,) decision-term bin
    published_quota: np.ndarray  # (month,) quota published for the month, persons per month (NaN: none)
    lags: tuple[int, int]  # forecast lag of reception, staffing lag (months)


def pack(state: State, config: ChainConfig) -> FusedChain:
    """Copies of ``state`` and ``config`` in the fused kernel's layout."""
    params, policy = config.parameters, config.policy
    if (policy.reception_rule, policy.staffing_rule, policy.housing_rule) != (
        "forecast_linked",
        "forecast_linked",
        "forecast",
    ):
        raise ValueError("the fused reference implements the forecast-linked policy only")
    bins = state.holders.shape[1]
    first = np.clip(np.ceil(params.housing_min_wait_months), 0, bins)
    per_run = {
        "housing_first_bin": first,
        "decisions_per_fte_month": params.decisions_per_fte_month,
        "detention_cost_per_month": policy.detention_places
        * params.cost_detention_place_per_day
        * DAYS_PER_MONTH,
        "lighter_measures_share": policy.lighter_measures_share,
    }
    queue_bins = state.queue.shape[2]
    return FusedChain(
        scalars=np.array([getattr(state, name) for name in SCALARS]).T.copy(),
        queue=state.queue.copy(),
        holders=state.holders.copy(),
        pipeline=state.staff_pipeline.copy(),
        family=state.family_scheduled.copy(),
        need_history=state.need_history.copy(),
        work_history=state.work_history.copy(),
        grants_history=state.grants_history.copy(),
        histogram=np.zeros((state.queue.shape[0], queue_bins)),
        parameters=np.array([per_run.get(name, getattr(params, name, None)) for name in PARAMETERS]).T.copy(),
        ramp=params.ramp_weights.copy(),
        family_weights=params.family_lag_weights.copy(),
        dated=np.array(
            [
                params.track_share_dublin,
                params.recognition_rate_general,
                params.cost_regular_per_resident_year,
                params.cost_emergency_per_resident_year,
            ]
        ),
        term_bins=np.minimum(np.round(policy.decision_term_months), queue_bins - 1).astype(np.int64),
        published_quota=policy.published_quota.copy(),
        lags=(
            min(policy.forecast_lag_months, state.need_history.shape[1] - 1),
            min(policy.staffing_lag_months, state.work_history.shape[1] - PLANNING_WINDOW_MONTHS),
        ),
    )


def run(chain: FusedChain, inputs: ChainInputs, record: np.ndarray) -> None:
    """Every month of ``inputs`` through the fused kernel; flows into ``record`` (month, run, FLOWS)."""
    for t in range(inputs.months):
        month(chain, inputs.applications[:, t], t, record)


def month(chain: FusedChain, applications: np.ndarray, t: int, record: np.ndarray) -> None:
    """Month ``t``: the fused kernel, then its conservation verdict."""
    worst = _month(
        (chain.scalars, chain.queue, chain.holders, chain.pipeline, chain.family, chain.histogram),
        (chain.need_history, chain.work_history, chain.grants_history),
        (chain.parameters, chain.ramp, chain.family_weights, chain.dated[:, t].copy()),
        (applications, int(chain.term_bins[t]), is_decision_month(t), chain.lags, published_next(chain, t)),
        record[t],
    )
    if worst > 1e-9:
        raise ArithmeticError(f"month {t}: a stock does not balance (relative error {worst:.3g})")


def published_next(chain: FusedChain, t: int) -> float:
    """The quota published for the month after ``t`` (the last month's for the last), or NaN."""
    return float(chain.published_quota[min(t + 1, len(chain.published_quota) - 1)])


@njit(cache=True, nogil=True, inline="always")
def _serve(
    row: np.ndarray, joining: float, capacity: float, first: int, served: np.ndarray
) -> tuple[float, float, float]:
    """Serve oldest first and age ``row`` in place; ``served`` per bin; (before, served, wait) sums.

    Only bins with cases are visited when serving (the production kernel's trick, same values).
    """
    last = row.shape[0] - 1
    before, oldest = 0.0, 0 if joining != 0.0 else -1
    for age in range(last + 1):
        before += row[age]
        served[age] = 0.0
        if row[age] != 0.0:
            oldest = age
    waiting, served_total, wait_sum = 0.0, 0.0, 0.0
    for age in range(oldest, first - 1, -1):
        cases = row[age] + joining if age == 0 else row[age]
        if cases == 0.0:
            continue
        waiting += cases
        serving = min(max(capacity - (waiting - cases), 0.0), cases)
        served[age] = serving
        served_total += serving
        wait_sum += serving * (age + 0.5)
    row[last] = (row[last - 1] - served[last - 1]) + (row[last] - served[last])
    for age in range(last - 2, 0, -1):
        row[age + 1] = row[age] - served[age]
    row[1] = (row[0] + joining) - served[0]
    row[0] = 0.0
    return before, served_total, wait_sum


@njit(cache=True, nogil=True, inline="always")
def _decide(queue, applications, capacity, shares, weights, term, served, histogram, scratch, long_waits):
    """One run's IND month: ``capacity`` shared over the (track, bin) ``queue`` (served, aged in
    place); decisions and cases left per track into ``scratch``; decisions by wait into ``histogram``;
    cases waited ``OUTSIDE_FROM_MONTH`` months or more before and after into ``long_waits``."""
    remaining, queue_before, backlog, past_term, crossing, wait_sum = capacity, 0.0, 0.0, 0.0, 0.0, 0.0
    bins = queue.shape[1]
    long_waits[0], long_waits[1] = 0.0, 0.0
    for track in range(3):
        joining = applications * shares[track]
        waiting = queue[track, 0] + joining
        for age in range(1, bins):
            waiting += queue[track, age]
            if age >= OUTSIDE_FROM_MONTH:
                long_waits[0] += queue[track, age]
        share = min(waiting, remaining / weights[track])
        remaining = max(0.0, remaining - share * weights[track])
        before, scratch[0, track], wait = _serve(queue[track], joining, share, 0, served)
        queue_before += before
        wait_sum += wait
        left = 0.0
        for age in range(bins):
            histogram[age] += served[age]
            left += queue[track, age]
            if age >= OUTSIDE_FROM_MONTH:
                long_waits[1] += queue[track, age]
            if age >= term:
                past_term += queue[track, age]
        scratch[1, track] = left
        backlog += left
        crossing += queue[track, term]
    return queue_before, backlog, past_term, crossing, wait_sum


@njit(cache=True, nogil=True, inline="always")
def _shift(history: np.ndarray, newest: float) -> None:
    """Prepend ``newest`` to a (months ago,) history in place, dropping the oldest."""
    for k in range(history.shape[0] - 1, 0, -1):
        history[k] = history[k - 1]
    history[0] = newest


@njit(cache=True, nogil=True)
def _month(stocks, histories, constants, month_inputs, out):
    """One month of every run in place; flows into ``out`` (run, FLOWS); the worst balance error."""
    scalars, queue, holders, pipeline, family, histogram = stocks
    need_history, work_history, grants_history = histories
    p, ramp, family_weights, dated = constants
    applications, term, deciding, lags, published = month_inputs
    runs, _, bins = queue.shape
    served, scratch, long_waits = np.empty(bins), np.empty((2, 3)), np.empty(2)
    worst = 0.0
    for r in range(runs):
        worst = max(
            worst,
            _run_month(
                r,
                (scalars, queue, holders, pipeline, family),
                (need_history, work_history, grants_history),
                (p, ramp, family_weights, dated),
                (applications[r], term, deciding, lags, published),
                (served, histogram, scratch, long_waits),
                out,
            ),
        )
    return worst


@njit(cache=True, nogil=True, inline="always")
def _balance(before: float, inflow: float, outflow: float, after: float) -> float:
    """Relative balance error of one stock (0 when it balances)."""
    scale = max(1.0, abs(before) + abs(inflow) + abs(outflow))
    error = abs(after - (before + inflow - outflow)) / scale
    return error if after >= -1e-9 * scale else np.inf


@njit(cache=True, nogil=True, inline="always")
def _run_month(r, stocks, histories, constants, inputs, work, out):
    """Run ``r``'s month: the arithmetic of ``chain.step`` for the forecast-linked policy."""
    s, queue, holders, pipeline, family = stocks
    need_history, work_history, grants_history = histories
    p, ramp, family_weights, dated = constants
    applications, term, deciding, (forecast_lag, staffing_lag), published = inputs
    served, histogram, scratch, long_waits = work
    ac_unregistered, ac_registered, appeals, rejected = s[r, 0], s[r, 1], s[r, 2], s[r, 3]
    regular_capacity, regular_target, buffer_active = s[r, 4], s[r, 5], s[r, 6]
    emergency_capacity, crisis_capacity, trained = s[r, 7], s[r, 8], s[r, 9]
    staff_target, quota = s[r, 10], s[r, 11]
    # arrive
    family_now = family[r, 0]
    family_in = family_now * p[r, 0]
    arriving = applications + family_in
    registered = min(ac_unregistered + arriving, p[r, 1])
    # decide: capacity shared over tracks, each served oldest first and aged
    productive, pipeline_total = 0.0, 0.0
    for k in range(pipeline.shape[1]):
        productive += pipeline[r, k] * ramp[r, k]
        pipeline_total += pipeline[r, k]
    capacity = (trained + productive) * p[r, 2]
    dublin_share, safe_share = dated[0], p[r, 3]
    shares = (dublin_share, safe_share, 1.0 - dublin_share - safe_share)
    fast = p[r, 36]
    weights = (fast, fast, 1.0)
    decided, by_track = scratch[0], scratch[1]
    queue_before, backlog, past_term, crossing, wait_sum_decisions = _decide(
        queue[r], applications, capacity, shares, weights, term, served, histogram[r], scratch, long_waits
    )
    # resolve
    transferred = decided[0] * p[r, 4]
    dublin_unsupervised = decided[0] - transferred
    dublin = transferred + dublin_unsupervised
    grants_first = decided[1] * p[r, 5] + decided[2] * dated[1]
    refused = decided[1] + decided[2] - grants_first
    appeals_lodged = refused * p[r, 6]
    refused_final = refused - appeals_lodged
    appeals_decided = appeals / max(p[r, 7], 1.0)
    grants_appeal = appeals_decided * p[r, 8]
    appeals_rejected = appeals_decided - grants_appeal
    leaving = rejected / max(p[r, 9], 1.0)
    independent, forced, remained = leaving * p[r, 10], leaving * p[r, 11], leaving * p[r, 12]
    unsupervised = leaving - (independent + forced + remained)
    unsupervised_registered = (unsupervised + dublin_unsupervised) * p[r, 43]
    appeals_after = appeals + appeals_lodged - appeals_decided
    rejected_after = rejected + refused_final + appeals_rejected - leaving
    grants = grants_first + grants_appeal
    # house: oldest status holders first, from the minimum wait
    housing_capacity = min(quota * p[r, 13], p[r, 14])
    holders_before, housed, housing_wait = _serve(
        holders[r], grants + family_in, housing_capacity, int(p[r, 15]), served
    )
    holders_waiting = 0.0
    for age in range(holders.shape[1]):
        holders_waiting += holders[r, age]
    need = backlog + appeals_after + rejected_after + holders_waiting
    in_chain_before = queue_before + appeals + rejected + holders_before
    at_centre_before = ac_unregistered + ac_registered
    outside_before, outside = long_waits[0] * p[r, 42], long_waits[1] * p[r, 42]
    residents_before = in_chain_before - at_centre_before - outside_before
    # plan reception (forecast-linked regular places, no buffer)
    target = need_history[r, forecast_lag] / p[r, 16] if deciding else regular_target
    occupied = min(residents_before, regular_capacity + buffer_active)
    step = min(max(target - regular_capacity, -p[r, 18]), p[r, 17])
    regular = max(regular_capacity + step, min(regular_capacity, occupied))
    buffer = 0.0
    beyond_base = (need - outside) - (regular + buffer)
    gap = max(0.0, beyond_base)
    emergency_time = p[r, 19] if gap > emergency_capacity else p[r, 20]
    emergency = emergency_capacity + (gap - emergency_capacity) / max(emergency_time, 1.0)
    crisis_gap = max(0.0, beyond_base - emergency)
    if crisis_gap > crisis_capacity:
        crisis = crisis_capacity + (crisis_gap - crisis_capacity) / max(p[r, 21], 1.0)
    else:
        crisis = crisis_gap
    # place
    exits = housed + dublin + leaving
    after_exits = residents_before - exits - (outside - outside_before)
    exits_from_centre = max(0.0, -after_exits)
    from_registered = min(exits_from_centre, ac_registered + registered)
    unregistered_after = ac_unregistered + arriving - registered - (exits_from_centre - from_registered)
    waiting_registered = ac_registered + registered - from_registered
    staying = max(0.0, after_exits)
    base = regular + buffer
    total_places = max(base + emergency + crisis, staying)
    moved = min(waiting_registered, total_places - staying)
    residents = staying + moved
    regular_occupancy = min(residents, base)
    emergency_occupancy = min(residents - regular_occupancy, emergency)
    registered_after = waiting_registered - moved
    at_centre = unregistered_after + registered_after
    crisis_kept = max(0.0, total_places - base - emergency)
    without_shelter = max(0.0, at_centre - p[r, 22])
    # staff (forecast-linked)
    backlog_work = by_track[0] * weights[0] + by_track[1] * weights[1] + by_track[2] * weights[2]
    work = 0.0
    for track in range(3):
        work += applications * shares[track] * weights[track]
    planned_work = work + backlog_work / max(p[r, 23], 1.0)
    if deciding:
        lagged = 0.0
        for k in range(staffing_lag, staffing_lag + 6):
            lagged += work_history[r, k]
        wanted = p[r, 24] * (lagged / 6.0) / p[r, 2]
    else:
        wanted = staff_target
    staff_total = trained + pipeline_total
    hires = max(0.0, wanted - staff_total) if deciding else 0.0
    shed = min(max(0.0, staff_total - wanted), trained * p[r, 25])
    trained_after = trained - shed + pipeline[r, pipeline.shape[1] - 1]
    _shift(pipeline[r], hires)
    staff_after = trained_after
    for k in range(pipeline.shape[1]):
        staff_after += pipeline[r, k]
    _shift(work_history[r], planned_work)
    # plan housing: quota at half-yearly decisions, follow-on family scheduled by lag weights
    _shift(grants_history[r], grants)
    if deciding:
        recent = 0.0
        for k in range(grants_history.shape[1]):
            recent += grants_history[r, k]
        quota_after = published if published == published else (p[r, 26] * holders_waiting + recent) / 6.0
    else:
        quota_after = quota
    family_due = grants * p[r, 27]
    for k in range(family.shape[1] - 1):
        family[r, k] = family[r, k + 1] + family_due * family_weights[r, k]
    family[r, family.shape[1] - 1] = family_due * family_weights[r, family.shape[1] - 1]
    _shift(need_history[r], need - outside)
    # conservation of every stock, one verdict
    worst = max(
        _balance(in_chain_before, arriving, exits, need),
        _balance(queue_before, applications, decided[0] + decided[1] + decided[2], backlog),
        _balance(holders_before, grants + family_in, housed, holders_waiting),
        _balance(appeals, appeals_lodged, appeals_decided, appeals_after),
        _balance(rejected, refused_final + appeals_rejected, leaving, rejected_after),
        _balance(at_centre_before, arriving, moved + exits_from_centre, at_centre),
        _balance(need, 0.0, 0.0, residents + at_centre + outside),
    )
    places = regular + buffer + emergency + crisis_kept
    if residents - places > 1e-9 * max(1.0, residents):
        worst = np.inf
    # the new state
    s[r, 0], s[r, 1], s[r, 2], s[r, 3] = unregistered_after, registered_after, appeals_after, rejected_after
    s[r, 4], s[r, 5], s[r, 6], s[r, 7] = regular, target, buffer, emergency
    s[r, 8], s[r, 9], s[r, 10], s[r, 11] = crisis_kept, trained_after, wanted, quota_after
    # costs and flows
    month_share = 1.0 / 12.0
    change = regular - regular_capacity
    values = (
        applications,
        family_now,
        family_in,
        registered,
        moved,
        decided[0],
        decided[1],
        decided[2],
        grants_first,
        grants_appeal,
        appeals_lodged,
        appeals_decided,
        housed,
        independent,
        forced + transferred,
        unsupervised_registered,
        unsupervised + dublin_unsupervised - unsupervised_registered,
        0.0,
        remained,
        wait_sum_decisions,
        housing_wait,
        past_term,
        crossing,
        need - outside,
        outside,
        backlog,
        holders_waiting,
        at_centre,
        regular_occupancy,
        emergency_occupancy,
        residents - regular_occupancy - emergency_occupancy,
        without_shelter,
        without_shelter * DAYS_PER_MONTH,
        regular,
        buffer,
        emergency,
        crisis_kept,
        staff_after,
        capacity,
        regular_occupancy * dated[2] * month_share,
        emergency_occupancy * dated[3] * month_share,
        (residents - regular_occupancy - emergency_occupancy) * p[r, 28] * month_share,
        (base - regular_occupancy) * p[r, 29] * month_share,
        (0.0 - buffer) * p[r, 30] * month_share,
        max(change, 0.0) * p[r, 31] + max(-change, 0.0) * p[r, 32],
        staff_after * p[r, 33] * month_share,
        crossing * p[r, 35] * p[r, 34],
        p[r, 37] + forced * p[r, 38] + independent * p[r, 39] + rejected * p[r, 40] * p[r, 41],
        quota,
    )
    for index in range(len(values)):
        out[r, index] = values[index]
    return worst
