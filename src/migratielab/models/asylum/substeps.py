"""The pure sub-steps of one month of the asylum chain, in the order ``chain.step`` runs them.

Each sub-step reads the state at the start of the month, the parameters and the results of earlier
sub-steps, and returns a small frozen dataclass; none changes its inputs. Every array has a leading
run axis. Stocks are in persons (cases for the IND queue) at month end, flows in persons per month,
unless a field says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from migratielab.errors import ConservationError
from migratielab.models.asylum.kernels import schedule_family, shift_pipeline, sum_columns
from migratielab.models.asylum.parameters import ChainParameters
from migratielab.models.asylum.policies import (
    forecast_capacity_target,
    housing_quota_per_month,
    is_decision_month,
    next_buffer_active,
    next_regular_capacity,
    staffing_target,
)
from migratielab.models.asylum.queues import (
    check_balance_rows,
    serve_and_age,
    serve_per_track,
    serve_tracks,
    share_capacity,
)
from migratielab.models.asylum.rolling import shift_history

if TYPE_CHECKING:
    from migratielab.models.asylum.chain import ChainConfig, MonthInputs, State

DAYS_PER_MONTH = 365.25 / 12
PLANNING_WINDOW_MONTHS = 6  # grants behind a housing quota and planned work behind a staffing decision


def track_shares(params: ChainParameters, t: int) -> np.ndarray:
    """Shares of applications per track (run, track): Dublin, safe country, general."""
    dublin, safe = params.track_share_dublin[t], params.track_share_safe_country
    shares = np.empty((safe.shape[0], 3))
    shares[:, 0], shares[:, 1], shares[:, 2] = dublin, safe, 1.0 - dublin - safe
    return shares


def productive_staff(state: State, params: ChainParameters) -> np.ndarray:
    """Productive FTE (run,): trained staff plus new hires weighted by their linear ramp-up."""
    return np.asarray(state.staff_trained + np.einsum("rk,rk->r", state.staff_pipeline, params.ramp_weights))


def split_remainder(total: np.ndarray, shares: list[np.ndarray]) -> list[np.ndarray]:
    """Split ``total`` into parts by ``shares``; the last part takes the remainder so parts sum exactly."""
    parts = [total * share for share in shares]
    return [*parts, total - sum(parts)]


def per_run(values: np.ndarray | float, like: np.ndarray) -> np.ndarray:
    """A new (run,) array shaped like ``like`` holding ``values`` (broadcast from a number or (run,))."""
    result = np.empty_like(like)
    result[...] = values
    return result


def observed_or(observed: float | None, modelled: np.ndarray) -> np.ndarray:
    """``observed`` for every run when it is a number, else ``modelled`` (None or NaN: not observed)."""
    if observed is None or math.isnan(observed):
        return modelled
    return np.full(modelled.shape, float(observed))


OUTSIDE_FROM_MONTH = 2  # applicants who have waited this many months or more may live outside reception


def outside_reception(long_waiting: np.ndarray, params: ChainParameters) -> np.ndarray:
    """First-instance applicants living outside COA reception (run,), persons.

    The IND backlog counts applicants that COA occupancy does not: those staying with family or
    friends, minors placed in foster families, people in detention or gone to an unknown
    destination while their case is pending. They are taken as ``outside_reception_share`` of the
    ``long_waiting`` applicants (run,): those who have waited ``OUTSIDE_FROM_MONTH`` months or more
    (the queue pass counts them, ``Decisions.long_before`` and ``long_after``; ``outside_of`` from
    a queue). Newcomers pass the application centre and are in reception first.
    """
    return np.asarray(long_waiting * params.outside_reception_share)


def outside_of(queue: np.ndarray, share: np.ndarray | float) -> np.ndarray:
    """``share`` (per run or one for all) of the applicants in ``queue`` who waited long enough (run,)."""
    return np.asarray(queue[:, :, OUTSIDE_FROM_MONTH:].sum(axis=(1, 2)) * share)


@dataclass(frozen=True)
class Arrivals:
    """Arrivals at the application centre and registration this month (persons per month)."""

    applications: np.ndarray  # first and repeat asylum applications
    family: np.ndarray  # follow-on family arriving (observed, or scheduled by earlier grants)
    family_in: np.ndarray  # follow-on family who need reception
    arriving: np.ndarray  # applications plus follow-on family who need reception
    registered: np.ndarray  # registered at the application centre


def arrive(state: State, params: ChainParameters, inputs: MonthInputs) -> Arrivals:
    """Applicants and follow-on family reach the application centre; registration is capped per month.

    Follow-on family are ``inputs.family_observed`` (persons) when given, otherwise those scheduled
    for this month; registration is at most ``registration_capacity`` persons per month.
    """
    family = observed_or(inputs.family_observed, state.family_scheduled[:, 0])
    family_in = family * params.family_share_in_reception
    arriving = inputs.applications + family_in
    registered = np.minimum(state.ac_unregistered + arriving, params.registration_capacity)
    return Arrivals(inputs.applications, family, family_in, arriving, registered)


@dataclass(frozen=True)
class Decisions:
    """IND first-instance decisions this month (cases per month) and the queue left (cases)."""

    capacity: np.ndarray  # (run,) decisions the productive staff can take, general-case units per month
    decided: np.ndarray  # (run, track) decisions per track
    decided_by_wait: np.ndarray  # (run, months waited) decisions by months waited
    wait_sum: np.ndarray  # (run,) months waited summed over the decisions, case-months per month
    queue: np.ndarray  # (run, track, months waited) cases still waiting at month end, aged one month
    by_track: np.ndarray  # (run, track) cases still waiting at month end
    backlog: np.ndarray  # (run,) cases still waiting at month end
    past_term: np.ndarray  # (run,) cases at month end that have waited the statutory term or longer
    crossing_term: np.ndarray  # (run,) cases that reach the statutory term this month
    queue_before: np.ndarray  # (run,) cases waiting at the start of the month
    long_before: np.ndarray  # (run,) cases at the start that had waited ``OUTSIDE_FROM_MONTH`` months or more
    long_after: np.ndarray  # (run,) cases at month end that have waited ``OUTSIDE_FROM_MONTH`` months or more


def observed_decisions(waiting: np.ndarray, modelled: np.ndarray, inputs: MonthInputs | None) -> np.ndarray:
    """Decisions per track (run, track): ``modelled``, or the observed count where one is given.

    An observed count of all decisions (cases per month) is spent on the tracks in order (Dublin,
    safe country, general), one case each; an observed count on the merits keeps the modelled
    Dublin decisions and spends the count on the safe-country and general cases. Never more than
    ``waiting`` (run, track) cases are decided.
    """
    if inputs is None:
        return modelled
    total, merits = inputs.decisions_observed, inputs.merits_observed
    if total is not None and not math.isnan(total):
        return share_capacity(waiting, np.full(waiting.shape[0], total), np.ones_like(waiting))
    if merits is not None and not math.isnan(merits):
        decided = modelled.copy()
        capacity = np.full(waiting.shape[0], merits)
        decided[:, 1:] = share_capacity(waiting[:, 1:], capacity, np.ones_like(waiting[:, 1:]))
        return decided
    return modelled


def decide(
    state: State, config: ChainConfig, applications: np.ndarray, t: int, inputs: MonthInputs | None = None
) -> Decisions:
    """IND first instance: applications (persons) join the queue by track; the fast tracks go first.

    The productive staff's capacity (general-case decisions per month) is spent on Dublin, then
    safe-country, then general cases, each served oldest first; cases past the statutory decision
    term in force in month ``t`` are counted. Where ``inputs`` carry an observed count of decisions
    (the replay of history), the count replaces the staff's output (``observed_decisions``).
    """
    params = config.parameters
    capacity = productive_staff(state, params) * params.decisions_per_fte_month
    term_bin = min(round(float(config.policy.decision_term_months[t])), state.queue.shape[2] - 1)
    joining = applications[:, None] * track_shares(params, t)
    if inputs is None or not inputs.observes_decisions:
        weights = params.work_weights
        month = serve_tracks(state.queue, joining, capacity, weights, term_bin, OUTSIDE_FROM_MONTH)
    else:
        waiting = state.queue.sum(axis=2) + joining
        decided = observed_decisions(waiting, share_capacity(waiting, capacity, params.work_weights), inputs)
        month = serve_per_track(state.queue, joining, decided, term_bin, OUTSIDE_FROM_MONTH)
    return Decisions(
        capacity=capacity,
        decided=month.served,
        decided_by_wait=month.served_by_wait,
        wait_sum=month.wait_sum,
        queue=month.queue,
        by_track=month.left,
        backlog=sum_columns(month.left),
        past_term=month.past_term,
        crossing_term=month.at_term,
        queue_before=month.before_total,
        long_before=month.since_before,
        long_after=month.since_after,
    )


@dataclass(frozen=True)
class Outcomes:
    """Where decided cases, appeals and rejected people go (persons per month; stocks at month end)."""

    dublin: np.ndarray  # Dublin decisions leaving the chain (all but the transfers held)
    transferred: np.ndarray  # Dublin transfers (forced departures)
    transfers_held: np.ndarray  # Dublin transfers held in reception (rejected) while returns are suspended
    dublin_unsupervised: np.ndarray  # Dublin cases leaving without supervision
    grants_first: np.ndarray  # permits granted in first instance
    refused_final: np.ndarray  # refused in first instance without appeal
    appeals_lodged: np.ndarray
    appeals_decided: np.ndarray
    grants_appeal: np.ndarray  # permits granted on appeal
    appeals_rejected: np.ndarray
    leaving_rejected: np.ndarray  # finally rejected people leaving reception
    independent: np.ndarray  # of whom departing independently
    forced: np.ndarray  # of whom departing forcibly
    remained: np.ndarray  # of whom staying in the Netherlands outside reception
    unsupervised: np.ndarray  # of whom departing without supervision
    appeals: np.ndarray  # persons awaiting a judgment at month end
    rejected: np.ndarray  # finally rejected persons in reception at month end

    unsupervised_registered: (
        np.ndarray
    )  # of the rejected and Dublin cases leaving unsupervised: registered by DT&V

    @property
    def grants(self) -> np.ndarray:
        """Permits granted in first instance and on appeal (persons per month)."""
        return self.grants_first + self.grants_appeal


def resolve(
    state: State, params: ChainParameters, decided: np.ndarray, t: int, suspended: float = 0.0
) -> Outcomes:
    """Outcomes, appeals and departures from ``decided`` (run, track) cases this month.

    Dublin cases leave; other cases are granted, appeal or are rejected. Courts decide appeals after
    ``court_lag_months`` on average, and rejected people leave reception after
    ``rejected_mean_months_in_reception`` on average (both exponential outflows, per month). While
    forced returns are suspended (``suspended``: share of the month, 0-1), that share of the Dublin
    transfers waits in reception with the rejected, and that share of the rejected who would be
    returned by force stays in reception.
    """
    transfers, dublin_unsupervised = split_remainder(decided[:, 0], [params.dublin_transfer_share])
    transferred, held = transfers * (1.0 - suspended), transfers * suspended
    # Leaving without supervision: only ``unsupervised_registered_share`` of them is a DT&V case (the
    # rest leave reception for an unknown destination before the IND hands the case to DT&V).
    dublin = transferred + dublin_unsupervised
    grants_safe = decided[:, 1] * params.recognition_rate_safe_country
    grants_first = grants_safe + decided[:, 2] * params.recognition_rate_general[t]
    refused = decided[:, 1] + decided[:, 2] - grants_first
    appeals_lodged, refused_final = split_remainder(refused, [params.appeal_share])
    appeals_decided = state.appeals / np.maximum(params.court_lag_months, 1.0)
    grants_appeal, appeals_rejected = split_remainder(appeals_decided, [params.appeal_grant_share])
    would_leave = state.rejected / np.maximum(params.rejected_mean_months_in_reception, 1.0)
    independent, forced, remained, unsupervised = split_remainder(
        would_leave, [params.departure_share_independent, params.departure_share_forced, params.remain_share]
    )
    forced = forced * (1.0 - suspended)
    leaving = independent + forced + remained + unsupervised
    return Outcomes(
        dublin=dublin,
        transferred=transferred,
        transfers_held=held,
        dublin_unsupervised=dublin_unsupervised,
        grants_first=grants_first,
        refused_final=refused_final,
        appeals_lodged=appeals_lodged,
        appeals_decided=appeals_decided,
        grants_appeal=grants_appeal,
        appeals_rejected=appeals_rejected,
        leaving_rejected=leaving,
        independent=independent,
        forced=forced,
        remained=remained,
        unsupervised=unsupervised,
        unsupervised_registered=(unsupervised + dublin_unsupervised) * params.unsupervised_registered_share,
        appeals=state.appeals + appeals_lodged - appeals_decided,
        rejected=state.rejected + refused_final + appeals_rejected + held - leaving,
    )


@dataclass(frozen=True)
class Housing:
    """Status holders housed by municipalities this month and those still waiting."""

    quota: np.ndarray  # (run,) housing quota in force this month, persons per month
    housed: np.ndarray  # (run,) status holders housed, persons per month
    wait_sum: np.ndarray  # (run,) months waited summed over those housed, person-months per month
    holders: np.ndarray  # (run, months waited) status holders waiting at month end, aged one month
    waiting: np.ndarray  # (run,) status holders waiting at month end
    waiting_before: np.ndarray  # (run,) status holders waiting at the start of the month


def house(state: State, params: ChainParameters, inputs: MonthInputs, newcomers: np.ndarray) -> Housing:
    """Status holders: ``newcomers`` (persons) join the waiting list; municipalities house the oldest first.

    The quota in force (persons per month) is ``inputs.quota_observed`` when given, else the state's.
    Municipalities house ``inputs.housing_capacity`` persons when given (a coupled municipal pillar),
    else the observed number housed (``inputs.housed_observed``, the replay of history), else the
    quota times ``housing_realisation`` up to ``housing_max_per_month``; only those who have
    waited ``housing_min_wait_months`` or longer are eligible.
    """
    quota = observed_or(inputs.quota_observed, state.quota_per_month)
    capacity = inputs.housing_capacity
    if capacity is None:
        capacity = observed_or(
            inputs.housed_observed,
            np.minimum(quota * params.housing_realisation, params.housing_max_per_month),
        )
    bins = state.holders.shape[1]
    # the first bin with ``bin >= housing_min_wait_months`` (months waited)
    first = np.clip(np.ceil(params.housing_min_wait_months), 0, bins).astype(np.int64)
    rows = serve_and_age(state.holders, capacity, first, bins, newcomers)
    return Housing(
        quota=quota,
        housed=rows.served_total,
        wait_sum=rows.wait_sum,
        holders=rows.after,
        waiting=rows.after_total,
        waiting_before=rows.before_total,
    )


@dataclass(frozen=True)
class Reception:
    """Reception places for the month (places), before crisis places in use are kept open."""

    target: np.ndarray  # regular places decided at the last half-yearly decision
    regular: np.ndarray  # regular places (excluding the buffer)
    buffer: np.ndarray  # activated iron-buffer places
    emergency: np.ndarray  # COA emergency places
    crisis: np.ndarray  # crisis emergency shelter outside the COA

    @property
    def base(self) -> np.ndarray:
        """Regular places including the activated buffer."""
        return self.regular + self.buffer


def plan_reception(
    state: State, config: ChainConfig, residents_before: np.ndarray, need: np.ndarray, t: int
) -> Reception:
    """Reception capacity: regular places, buffer, emergency and crisis places for the month.

    Regular places follow the policy rule (half-yearly forecast decisions on the need for places
    lagged ``forecast_lag_months``, a fixed base or a path) within opening and closing rates; the
    buffer, emergency and crisis places respond to ``need`` (persons in the chain at month end).
    ``residents_before`` are the persons in reception at the start of the month.
    """
    params, policy = config.parameters, config.policy
    if is_decision_month(t):
        lag = min(policy.forecast_lag_months, state.need_history.shape[1] - 1)
        target = forecast_capacity_target(state.need_history[:, lag], params.planning_occupancy_norm)
    else:
        target = state.regular_target
    occupied = np.minimum(residents_before, state.regular_capacity + state.buffer_active)
    regular = next_regular_capacity(
        policy,
        t,
        state.regular_capacity,
        target,
        occupied,
        params.max_regular_opening_per_month,
        params.max_regular_closing_per_month,
    )
    buffer = next_buffer_active(
        policy, state.buffer_active, regular, need, np.maximum(0.0, occupied - regular)
    )
    emergency, crisis = emergency_places(state, params, need - (regular + buffer))
    return Reception(target=target, regular=regular, buffer=buffer, emergency=emergency, crisis=crisis)


def emergency_places(
    state: State, params: ChainParameters, beyond_base: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """COA emergency and crisis places (places) for a need ``beyond_base`` the regular places and buffer.

    Emergency places move towards the gap over the opening or closing time (months); crisis shelter
    opens towards what remains over ``crisis_opening_months`` and closes at once.
    """
    gap = np.maximum(0.0, beyond_base)
    opening = gap > state.emergency_capacity
    emergency_time = np.where(opening, params.emergency_opening_months, params.emergency_closing_months)
    emergency = state.emergency_capacity + (gap - state.emergency_capacity) / np.maximum(emergency_time, 1.0)
    crisis_gap = np.maximum(0.0, beyond_base - emergency)
    crisis = np.where(
        crisis_gap > state.crisis_capacity,
        state.crisis_capacity
        + (crisis_gap - state.crisis_capacity) / np.maximum(params.crisis_opening_months, 1.0),
        crisis_gap,
    )
    return emergency, crisis


@dataclass(frozen=True)
class Placement:
    """Where people are at month end after exits and moves to reception (persons)."""

    exits: np.ndarray  # persons leaving the chain this month (housed, Dublin, rejected leaving)
    exits_from_centre: np.ndarray  # exits beyond the reception residents, leaving from the centre
    moved: np.ndarray  # registered persons moved from the centre to reception this month
    ac_unregistered: np.ndarray  # at the application centre, not yet registered
    ac_registered: np.ndarray  # registered, waiting at the centre for a reception place
    residents: np.ndarray  # in reception places
    crisis_capacity: np.ndarray  # crisis places, including any kept in use (places)
    regular: np.ndarray  # in regular places (including the buffer)
    emergency: np.ndarray  # in COA emergency places
    crisis: np.ndarray  # in crisis shelter outside the COA
    at_centre: np.ndarray  # at the application centre
    without_shelter: np.ndarray  # at the centre beyond its agreed maximum (Ter Apel), without proper shelter


def place(
    state: State,
    params: ChainParameters,
    arrivals: Arrivals,
    exits: np.ndarray,
    residents_before: np.ndarray,
    reception: Reception,
    to_outside: np.ndarray | float = 0.0,
) -> Placement:
    """Exits leave reception (any beyond its residents leave the centre); registered people move in.

    Nobody is moved out of a place: crisis capacity below the residents is kept in use. Reception
    fills regular places first, then emergency places, then crisis shelter. ``exits`` are persons per
    month, ``residents_before`` the persons in reception at the start of the month, ``to_outside``
    the net number of applicants who moved from reception to live outside it (negative: back in).
    """
    after_exits = residents_before - exits - to_outside
    exits_from_centre = np.maximum(0.0, -after_exits)
    from_registered = np.minimum(exits_from_centre, state.ac_registered + arrivals.registered)
    ac_unregistered = (
        state.ac_unregistered
        + arrivals.arriving
        - arrivals.registered
        - (exits_from_centre - from_registered)
    )
    waiting_registered = state.ac_registered + arrivals.registered - from_registered
    staying = np.maximum(0.0, after_exits)
    base = reception.base
    total_places = np.maximum(base + reception.emergency + reception.crisis, staying)
    moved = np.minimum(waiting_registered, total_places - staying)
    residents = staying + moved
    regular = np.minimum(residents, base)
    emergency = np.minimum(residents - regular, reception.emergency)
    ac_registered = waiting_registered - moved
    at_centre = ac_unregistered + ac_registered
    return Placement(
        exits=exits,
        exits_from_centre=exits_from_centre,
        moved=moved,
        ac_unregistered=ac_unregistered,
        ac_registered=ac_registered,
        residents=residents,
        crisis_capacity=np.maximum(0.0, total_places - base - reception.emergency),
        regular=regular,
        emergency=emergency,
        crisis=residents - regular - emergency,
        at_centre=at_centre,
        without_shelter=np.maximum(0.0, at_centre - params.ter_apel_capacity),
    )


@dataclass(frozen=True)
class Staffing:
    """IND decision staff at month end (FTE) and the planned-work history behind staffing decisions."""

    target: np.ndarray  # (run,) FTE wanted by the staffing rule
    trained: np.ndarray  # (run,) fully productive FTE
    pipeline: np.ndarray  # (run, months since hire) FTE still ramping up
    pipeline_total: np.ndarray  # (run,) FTE still ramping up, summed over the pipeline's months
    work_history: np.ndarray  # (run, months ago) planned work, general-case units per month

    @cached_property
    def total(self) -> np.ndarray:
        """All decision FTE, trained and ramping up."""
        return self.trained + self.pipeline_total


def staff(
    state: State, config: ChainConfig, applications: np.ndarray, by_track: np.ndarray, t: int
) -> Staffing:
    """IND staffing: hire towards the rule's target at half-yearly decisions; shed gradually.

    Planned work (general-case units per month) is this month's ``applications`` (persons) plus the
    share of the backlog ``by_track`` (cases) to clear per month; the forecast-linked rule funds the
    work planned ``staffing_lag_months`` ago. Hires become trained staff after the pipeline months.
    """
    params, policy = config.parameters, config.policy
    weights = params.work_weights
    backlog_work = sum_columns(by_track * weights)
    work = sum_columns(applications[:, None] * track_shares(params, t) * weights)
    planned_work = work + backlog_work / np.maximum(params.backlog_clearance_months, 1.0)
    deciding = is_decision_month(t)
    if deciding:
        lag = min(policy.staffing_lag_months, state.work_history.shape[1] - PLANNING_WINDOW_MONTHS)
        lagged_work = state.work_history[:, lag : lag + PLANNING_WINDOW_MONTHS].mean(axis=1)
        wanted = staffing_target(
            policy, lagged_work, params.decisions_per_fte_month, params.ind_budget_coverage
        )
    else:
        wanted = state.staff_target
    staff_total = state.staff_trained + sum_columns(state.staff_pipeline)
    hires = np.maximum(0.0, wanted - staff_total) if deciding else 0.0
    shed = np.minimum(
        np.maximum(0.0, staff_total - wanted), state.staff_trained * params.ind_max_shrink_per_month
    )
    pipeline, pipeline_total = shift_pipeline(state.staff_pipeline, per_run(hires, staff_total))
    return Staffing(
        target=per_run(wanted, staff_total),
        trained=state.staff_trained - shed + state.staff_pipeline[:, -1],
        pipeline=pipeline,
        pipeline_total=pipeline_total,
        work_history=shift_history(state.work_history, planned_work),
    )


@dataclass(frozen=True)
class HousingPlan:
    """The housing quota and follow-on family scheduled for the coming months."""

    quota: np.ndarray  # (run,) quota in force from next month, persons per month
    family_scheduled: np.ndarray  # (run, months ahead) follow-on family due to arrive, persons
    grants_history: np.ndarray  # (run, months ago) grants in the last six months, persons per month


def plan_housing(
    state: State, config: ChainConfig, grants: np.ndarray, holders_waiting: np.ndarray, t: int
) -> HousingPlan:
    """Housing quota for the coming half-year, and follow-on family due from this month's grants.

    At half-yearly decisions the quota rule sets a quota (persons per month) from the status holders
    waiting and the grants (persons per month) of the last six months; each grant brings
    ``family_per_grant`` follow-on family, spread over the coming months by the family lag weights.
    """
    params = config.parameters
    grants_history = shift_history(state.grants_history, grants)
    if is_decision_month(t):
        quota = housing_quota_per_month(
            config.policy, holders_waiting, grants_history.sum(axis=1), params.housing_quota_catch_up, t
        )
    else:
        quota = state.quota_per_month
    family_due = grants * params.family_per_grant
    family_scheduled = schedule_family(state.family_scheduled, family_due, params.family_lag_weights)
    return HousingPlan(
        quota=per_run(quota, grants),
        family_scheduled=family_scheduled,
        grants_history=grants_history,
    )


@dataclass(frozen=True)
class Month:
    """The results of every sub-step of one month, in the order they run."""

    in_chain_before: np.ndarray  # (run,) persons in the chain at the start of the month
    arrivals: Arrivals
    decisions: Decisions
    outcomes: Outcomes
    housing: Housing
    need: np.ndarray  # (run,) persons in the chain at month end (in reception or outside it)
    outside: np.ndarray  # (run,) applicants in the chain living outside reception at month end
    reception: Reception
    placement: Placement
    staffing: Staffing
    plan: HousingPlan


@dataclass(frozen=True)
class Costs:
    """Costs of the month (euros per month)."""

    regular: np.ndarray  # residents of regular places
    emergency: np.ndarray  # residents of COA emergency places
    crisis: np.ndarray  # residents of crisis shelter
    vacant: np.ndarray  # vacant regular and buffer places
    reserve: np.ndarray  # buffer places kept in reserve
    opening_closing: np.ndarray  # opening and closing regular places
    ind: np.ndarray  # IND decision staff
    penalties: np.ndarray  # penalty payments for cases crossing the decision term
    returns: np.ndarray  # detention places, forced and independent departures, lighter measures


def return_costs(state: State, config: ChainConfig, outcomes: Outcomes) -> np.ndarray:
    """Costs of return in the month (euros per month, (run,)).

    Detention places cost every day they are kept open (the DJI funds places, not detainees);
    forced and supervised independent departures cost per departure; a lighter measure costs per
    rejected applicant under it per month (the rejected stock at the start of the month).
    """
    params, policy = config.parameters, config.policy
    return np.asarray(
        policy.detention_places * params.cost_detention_place_per_day * DAYS_PER_MONTH
        + outcomes.forced * params.cost_forced_departure
        + outcomes.independent * params.cost_independent_departure
        + state.rejected * policy.lighter_measures_share * params.cost_lighter_measure_per_person_month
    )


def costs(state: State, config: ChainConfig, month: Month, t: int) -> Costs:
    """Costs of reception places and residents, IND staff and penalty payments (euros per month)."""
    reception, placement, staffing = month.reception, month.placement, month.staffing
    params = config.parameters
    month_share = 1.0 / 12.0
    change = reception.regular - state.regular_capacity
    reserve = config.policy.buffer_places - reception.buffer
    return Costs(
        regular=placement.regular * params.cost_regular_per_resident_year[t] * month_share,
        emergency=placement.emergency * params.cost_emergency_per_resident_year[t] * month_share,
        crisis=placement.crisis * params.cost_crisis_per_resident_year * month_share,
        vacant=(reception.base - placement.regular) * params.cost_vacant_place_per_year * month_share,
        reserve=reserve * params.cost_reserve_place_per_year * month_share,
        opening_closing=np.maximum(change, 0.0) * params.cost_opening_place
        + np.maximum(-change, 0.0) * params.cost_closing_place,
        ind=staffing.total * params.cost_ind_fte_per_year * month_share,
        penalties=month.decisions.crossing_term * params.penalty_claim_share * params.penalty_per_case,
        returns=return_costs(state, config, month.outcomes),
    )


def check_conservation(before: State, after: State, month: Month) -> None:
    """Raise ConservationError unless every stock balances, stays non-negative and fits its places.

    One check over all stocks at once (``queues.check_balance_rows``): before + in - out = after.
    """
    arrivals, decisions, outcomes, housing = month.arrivals, month.decisions, month.outcomes, month.housing
    placement = month.placement
    balances = {
        "people in the chain": (month.in_chain_before, arrivals.arriving, placement.exits, month.need),
        "first-instance queue": (
            decisions.queue_before,
            arrivals.applications,
            sum_columns(decisions.decided),
            decisions.backlog,
        ),
        "status holders waiting": (
            housing.waiting_before,
            outcomes.grants + arrivals.family_in,
            housing.housed,
            housing.waiting,
        ),
        "appeals": (before.appeals, outcomes.appeals_lodged, outcomes.appeals_decided, outcomes.appeals),
        "rejected in reception": (
            before.rejected,
            outcomes.refused_final + outcomes.appeals_rejected + outcomes.transfers_held,
            outcomes.leaving_rejected,
            outcomes.rejected,
        ),
        "application centre": (
            before.at_centre,
            arrivals.arriving,
            placement.moved + placement.exits_from_centre,
            placement.at_centre,
        ),
    }
    balances[PARTITION] = partition(month)
    check_balance_rows(list(balances), list(balances.values()))
    check_places(after, placement.residents)


PARTITION = "people in the chain = in reception + at the centre + outside reception"


def partition(month: Month) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The partition of the chain's people as a balance row (start, in, out, end), persons (run,):
    those in reception and at the centre, plus those outside, less nobody, must be everyone in the
    chain (checked with the stocks by ``check_balance_rows``, relative to the people located)."""
    placement = month.placement
    return placement.residents + placement.at_centre, month.outside, np.zeros_like(month.need), month.need


def check_places(state: State, residents: np.ndarray) -> None:
    """Raise ConservationError if reception residents exceed all places (a place never holds two)."""
    places = state.regular_capacity + state.buffer_active + state.emergency_capacity + state.crisis_capacity
    excess = residents - places
    if (excess > 1e-9 * np.maximum(1.0, residents)).any():
        run = int(np.argmax(excess))
        raise ConservationError(f"run {run}: {residents[run]:.6g} residents exceed {places[run]:.6g} places")
