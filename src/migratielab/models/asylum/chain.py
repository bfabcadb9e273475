"""The asylum chain as a monthly stock-flow model over an ensemble (leading ``run`` axis).

Legal status and location are two partitions of the same people:

* status: first-instance queue (by track and months waited) -> appeal -> rejected -> departure,
  or -> status holders waiting for a municipal home (by months waited) -> housed;
* location: application centre (Ter Apel; above its agreed maximum people are without proper
  shelter) -> regular places (including an activated iron buffer) -> emergency places ->
  crisis emergency shelter outside the COA.

``step`` advances one month with the pillar contract ``step(state, params, inputs, t) -> (state, flows)``
by running the pure sub-steps of ``substeps`` in order; it loops over nothing but the three IND tracks.
Every stock is checked for conservation and non-negativity at every step (``queues.check_balance``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from migratielab.models.asylum.parameters import ChainParameters
from migratielab.models.asylum.policies import PolicyArrays
from migratielab.models.asylum.rolling import shift_history
from migratielab.models.asylum.substeps import (
    DAYS_PER_MONTH,
    Costs,
    Month,
    arrive,
    check_conservation,
    costs,
    decide,
    house,
    outside_reception,
    place,
    plan_housing,
    plan_reception,
    resolve,
    staff,
)

TRACKS = ("dublin", "safe_country", "general")
QUEUE_MONTHS = 37  # bins 0..35 months waited and a last bin for 36 or more
HOLDER_MONTHS = 25  # bins 0..23 months waited and a last bin for 24 or more
HISTORY_MONTHS = 48  # memory for lagged forecasts (lags up to 36 months plus a half-year window)


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
    # Observed drivers of the replay of history (NaN where not published): IND first-instance
    # decisions per month, all tracks or on the merits only (Dublin modelled), and status holders
    # housed per month.
    decisions_observed: np.ndarray | None = None
    merits_observed: np.ndarray | None = None
    housed_observed: np.ndarray | None = None
    returns_suspended: np.ndarray | None = None  # (month,) share of the month forced returns were suspended

    @property
    def months(self) -> int:
        """Number of months covered."""
        return int(self.applications.shape[1])

    def month(self, t: int) -> MonthInputs:
        """The inputs of month ``t`` (0 = January of ``start_year``)."""
        return MonthInputs(
            applications=self.applications[:, t],
            family_observed=value_at(self.family_observed, t),
            quota_observed=value_at(self.quota_observed, t),
            decisions_observed=value_at(self.decisions_observed, t),
            merits_observed=value_at(self.merits_observed, t),
            housed_observed=value_at(self.housed_observed, t),
            returns_suspended=value_at(self.returns_suspended, t),
        )


def value_at(series: np.ndarray | None, t: int) -> float | None:
    """Month ``t`` of an observed (month,) series, or None without a series."""
    return None if series is None else float(series[t])


@dataclass(frozen=True)
class MonthInputs:
    """Exogenous inputs of one month (the pillar contract's ``inputs``)."""

    applications: np.ndarray  # (run,) first plus repeat applications, persons this month
    family_observed: float | None  # follow-on family arriving, persons; None or NaN: modelled
    quota_observed: float | None  # municipal housing quota, persons per month; None or NaN: the quota rule
    # Coupling input: (run,) persons municipalities can house this month (a municipal pillar's answer
    # to ``Flows.housing_quota``). When given it replaces the quota times realisation, capped, as the
    # capacity served oldest first; the minimum wait before housing still applies.
    housing_capacity: np.ndarray | None = None
    # Observed drivers (replay of history); None or NaN: modelled. Decisions per month on all tracks
    # or on the merits (safe-country and general; Dublin then follows the staff), and status holders
    # housed per month (replaces the quota times realisation; the minimum wait still applies).
    decisions_observed: float | None = None
    merits_observed: float | None = None
    housed_observed: float | None = None
    # Share of the month (0-1) in which forced returns and Dublin transfers were suspended (2020).
    returns_suspended: float | None = None

    @property
    def observes_decisions(self) -> bool:
        """Whether an observed count of decisions (all tracks or on the merits) drives this month."""
        return any(
            count is not None and not math.isnan(count)
            for count in (self.decisions_observed, self.merits_observed)
        )


@dataclass(frozen=True)
class ChainConfig:
    """What stays fixed during a run (the pillar contract's ``params``): parameters and policy."""

    parameters: ChainParameters
    policy: PolicyArrays


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
    departures_unsupervised: np.ndarray  # departures without supervision registered by DT&V
    left_unregistered: np.ndarray  # left reception for an unknown destination without a DT&V registration
    transfers_held: np.ndarray  # Dublin transfers waiting in reception while returns were suspended
    remained: np.ndarray
    decision_wait_sum_months: np.ndarray
    housing_wait_sum_months: np.ndarray
    cases_past_term: np.ndarray
    cases_crossing_term: np.ndarray
    in_chain: np.ndarray  # people in COA reception (the application centre included)
    outside_reception: np.ndarray  # applicants in the chain living outside reception
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
    cost_returns: np.ndarray
    housing_quota: np.ndarray  # quota in force: persons per month the chain asks municipalities to house
    decided_by_wait: np.ndarray  # (run, months waited) decisions this month by wait

    @classmethod
    def scalar_names(cls) -> list[str]:
        """Names of the per-run monthly fields (all but the wait histogram)."""
        return [field.name for field in fields(cls) if field.name != "decided_by_wait"]


def step(state: State, params: ChainConfig, inputs: MonthInputs, t: int) -> tuple[State, Flows]:
    """Advance the chain by month ``t``; return the new state and the month's flows (pillar contract)."""
    parameters = params.parameters
    arrivals = arrive(state, parameters, inputs)
    decisions = decide(state, params, arrivals.applications, t, inputs)
    outcomes = resolve(state, parameters, decisions.decided, t, inputs.returns_suspended or 0.0)
    housing = house(state, parameters, inputs, outcomes.grants + arrivals.family_in)
    need = decisions.backlog + outcomes.appeals + outcomes.rejected + housing.waiting
    in_chain_before = decisions.queue_before + state.appeals + state.rejected + housing.waiting_before
    outside_before = outside_reception(decisions.long_before, parameters)
    outside = outside_reception(decisions.long_after, parameters)
    residents_before = in_chain_before - state.at_centre - outside_before
    reception = plan_reception(state, params, residents_before, need - outside, t)
    exits = housing.housed + outcomes.dublin + outcomes.leaving_rejected
    placement = place(
        state, parameters, arrivals, exits, residents_before, reception, outside - outside_before
    )
    month = Month(
        in_chain_before=in_chain_before,
        arrivals=arrivals,
        decisions=decisions,
        outcomes=outcomes,
        housing=housing,
        need=need,
        outside=outside,
        reception=reception,
        placement=placement,
        staffing=staff(state, params, arrivals.applications, decisions.by_track, t),
        plan=plan_housing(state, params, outcomes.grants, housing.waiting, t),
    )
    new_state = next_state(state, month)
    check_conservation(state, new_state, month)
    return new_state, month_flows(month, costs(state, params, month, t))


def next_state(state: State, month: Month) -> State:
    """The stocks at the start of the next month, from the sub-step results of this one."""
    return State(
        ac_unregistered=month.placement.ac_unregistered,
        ac_registered=month.placement.ac_registered,
        queue=month.decisions.queue,
        appeals=month.outcomes.appeals,
        rejected=month.outcomes.rejected,
        holders=month.housing.holders,
        regular_capacity=month.reception.regular,
        regular_target=month.reception.target,
        buffer_active=month.reception.buffer,
        emergency_capacity=month.reception.emergency,
        crisis_capacity=month.placement.crisis_capacity,
        staff_trained=month.staffing.trained,
        staff_pipeline=month.staffing.pipeline,
        staff_target=month.staffing.target,
        quota_per_month=month.plan.quota,
        family_scheduled=month.plan.family_scheduled,
        need_history=shift_history(state.need_history, month.need - month.outside),
        work_history=month.staffing.work_history,
        grants_history=month.plan.grants_history,
    )


def month_flows(month: Month, cost: Costs) -> Flows:
    """The month's flows (persons, places, FTE or euros per month; stocks at month end)."""
    arrivals, decisions, outcomes, placement = (
        month.arrivals,
        month.decisions,
        month.outcomes,
        month.placement,
    )
    reception, staffing = month.reception, month.staffing
    return Flows(
        applications=arrivals.applications,
        family_arrivals=arrivals.family,
        family_to_reception=arrivals.family_in,
        registered=arrivals.registered,
        moved_to_reception=placement.moved,
        decisions_dublin=decisions.decided[:, 0],
        decisions_safe_country=decisions.decided[:, 1],
        decisions_general=decisions.decided[:, 2],
        grants_first_instance=outcomes.grants_first,
        grants_appeal=outcomes.grants_appeal,
        appeals_lodged=outcomes.appeals_lodged,
        appeals_decided=outcomes.appeals_decided,
        housed=month.housing.housed,
        departures_independent=outcomes.independent,
        departures_forced=outcomes.forced + outcomes.transferred,
        transfers_held=outcomes.transfers_held,
        departures_unsupervised=outcomes.unsupervised_registered,
        left_unregistered=outcomes.unsupervised
        + outcomes.dublin_unsupervised
        - outcomes.unsupervised_registered,
        remained=outcomes.remained,
        decision_wait_sum_months=decisions.wait_sum,
        housing_wait_sum_months=month.housing.wait_sum,
        cases_past_term=decisions.past_term,
        cases_crossing_term=decisions.crossing_term,
        in_chain=month.need - month.outside,
        outside_reception=month.outside,
        ind_backlog=decisions.backlog,
        holders_waiting=month.housing.waiting,
        at_centre=placement.at_centre,
        regular_occupancy=placement.regular,
        emergency_occupancy=placement.emergency,
        crisis_occupancy=placement.crisis,
        without_shelter=placement.without_shelter,
        nights_without_shelter=placement.without_shelter * DAYS_PER_MONTH,
        regular_capacity=reception.regular,
        buffer_active=reception.buffer,
        emergency_capacity=reception.emergency,
        crisis_capacity=placement.crisis_capacity,
        ind_staff=staffing.total,
        decision_capacity=decisions.capacity,
        cost_regular=cost.regular,
        cost_emergency=cost.emergency,
        cost_crisis=cost.crisis,
        cost_vacant=cost.vacant,
        cost_reserve=cost.reserve,
        cost_opening_closing=cost.opening_closing,
        cost_ind=cost.ind,
        cost_penalties=cost.penalties,
        cost_returns=cost.returns,
        housing_quota=month.housing.quota,
        decided_by_wait=decisions.decided_by_wait,
    )
