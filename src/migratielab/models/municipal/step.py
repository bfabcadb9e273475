"""The municipal pillar's monthly step: housing of status holders and civic integration per municipality.

Arrays have a leading run axis and a municipality axis (run, M); the integration pipeline adds the
months since housing (run, M, L). The month runs in two pure parts around the asylum chain:

1. ``offer(state, params, task)``: the national task in force (persons per month) is spread pro rata
   population; each municipality's due is its backlog (or lead, negative) plus its task; what it can
   house is its lettings to status holders (more when behind) plus flexible homes; it offers the
   smaller of the two (a lead of ``lead_months`` of task allowed). The sum is the chain's capacity.
2. ``step(state, params, inputs, t)``: the chain housed ``inputs.housed`` (persons, <= the offer);
   they are shared over municipalities in proportion to their offers; when the chain had fewer
   eligible status holders than offered, the unfilled due is written off (the half-yearly
   re-evaluation of the task). Backlog' = backlog + task - housed - written off. Housed status
   holders who are obliged to integrate, and family migrants, enter the integration pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migratielab.errors import ConservationError

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Params:
    """Parameters as arrays broadcastable to (run, M) (or (run, L) for the pass-time distribution)."""

    population_share: np.ndarray  # (M,) share of the national population
    lettings_per_month: np.ndarray  # (M,) housing-association lettings, dwellings per month
    base_share: np.ndarray  # (run, M) share of lettings to status holders when on schedule
    max_share: np.ndarray  # (run, 1) share when a full ``pressure_months`` behind
    pressure_months: np.ndarray  # (run, 1) backlog, in months of own task, of full pressure
    lead_months: np.ndarray  # (run, 1) lead allowed, months of own task
    persons_per_dwelling: np.ndarray  # (run, 1)
    flexible_persons_per_month: np.ndarray  # (run, M) status holders housed in flexible homes a month
    obliged_share: np.ndarray  # (run, 1) housed status holders obliged to integrate
    family_obliged_per_month: np.ndarray  # (M,) family migrants obliged to integrate, persons per month
    pass_rate: np.ndarray  # (run, M) share passing within the term
    pass_pmf: np.ndarray  # (run, L) when those who pass do so, by months since housing (sums to 1)
    fined_share: np.ndarray  # (run, 1) share of those missing the term who are fined
    fine_amount: float  # EUR per fine
    cost_per_person: np.ndarray  # (run, 1) route budget plus execution, EUR per obliged person
    employment_gain: np.ndarray  # (run, M) extra chance of work after passing
    voluntary_per_month: np.ndarray  # (run, M) invited non-obliged newcomers taking a course, persons
    voluntary_cost_public: np.ndarray  # (run, 1) EUR per voluntary learner paid publicly


@dataclass(frozen=True)
class State:
    """Stocks at the end of a month."""

    backlog: np.ndarray  # (run, M) persons still to house (negative: ahead of the task)
    pipeline: np.ndarray  # (run, M, L) obliged persons by months since housing, as they entered
    head: int = 0
    """The pipeline is a ring: months since housing m is at index (head + m) % L (the compiled
    month writes its entrants over those leaving instead of shifting the pipeline)."""

    def months_since_housing(self) -> np.ndarray:
        """The pipeline (run, M, L) in order of months since housing (a copy unless ``head`` is 0)."""
        return self.pipeline if self.head == 0 else np.roll(self.pipeline, -self.head, axis=2)


@dataclass(frozen=True)
class MonthInputs:
    """What a month needs from outside: the national task in force and what the chain housed."""

    task: np.ndarray  # (run,) national task, persons per month
    housed: np.ndarray  # (run,) status holders the chain housed this month, persons


@dataclass(frozen=True)
class Offer:
    """Task and offer per municipality for one month (persons)."""

    task: np.ndarray  # (run, M) task of the month
    due: np.ndarray  # (run, M) backlog plus task (negative: still ahead)
    capacity: np.ndarray  # (run, M) what the municipality can house this month
    offered: np.ndarray  # (run, M) what it offers the chain


@dataclass(frozen=True)
class Flows:
    """Flows of one month per run and municipality."""

    task: np.ndarray  # persons
    capacity: np.ndarray  # persons
    housed: np.ndarray  # persons
    written_off: np.ndarray  # persons of task written off (no status holder to link)
    obliged_started: np.ndarray  # persons entering the integration obligation
    passed: np.ndarray  # persons passing within the term
    missed_term: np.ndarray  # persons reaching the end of the term without passing
    fined: np.ndarray  # persons fined
    fines_eur: np.ndarray  # EUR
    cost_eur: np.ndarray  # EUR, routes, execution and publicly paid voluntary courses
    voluntary_learners: np.ndarray  # persons starting a voluntary course
    extra_employed: np.ndarray  # persons in work thanks to passing (added this month)


def offer(state: State, params: Params, task: np.ndarray) -> Offer:
    """Each municipality's task, due, capacity and offer for a national ``task`` (run,) persons/month."""
    own_task = task[:, None] * params.population_share[None, :]
    due = state.backlog + own_task
    months_behind = np.divide(
        state.backlog, own_task * params.pressure_months, out=np.zeros_like(due), where=own_task > 1e-9
    )
    pressure = np.clip(months_behind, 0.0, 1.0)
    share = params.base_share + np.maximum(params.max_share - params.base_share, 0.0) * pressure
    capacity = (
        params.lettings_per_month * share * params.persons_per_dwelling + params.flexible_persons_per_month
    )
    offered = np.clip(np.minimum(capacity, due + params.lead_months * own_task), 0.0, None)
    return Offer(task=own_task, due=due, capacity=capacity, offered=offered)


def capacity(state: State, params: Params, task: np.ndarray) -> np.ndarray:
    """National capacity (run,): status holders the municipalities offer to house this month."""
    return offer(state, params, task).offered.sum(axis=1)


def check_housed(housed: np.ndarray, offered: np.ndarray) -> None:
    """ConservationError if the chain housed (run,) more than the national offer (run,) or less than 0."""
    if np.any(housed > offered * (1 + TOLERANCE) + TOLERANCE) or np.any(housed < 0):
        raise ConservationError("the chain housed more status holders than the municipalities offered")


def _share_housed(offered: np.ndarray, due: np.ndarray, housed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Housed and written off per municipality when the chain housed ``housed`` (run,) of the offer."""
    total = offered.sum(axis=1)
    check_housed(housed, total)
    filled = np.divide(housed, total, out=np.zeros_like(total), where=total > 0)
    filled = np.minimum(filled, 1.0)
    by_town = offered * filled[:, None]
    written_off = (1.0 - filled[:, None]) * np.minimum(offered, np.maximum(due, 0.0))
    return by_town, written_off


def reference_integrate(
    state: State, params: Params, obliged: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The integration pipeline one month on (in order, head 0) with ``obliged`` (run, M) persons
    entering, and the month's integration flows."""
    pipeline = np.concatenate([obliged[:, :, None], state.months_since_housing()[:, :, :-1]], axis=2)
    passed = params.pass_rate * np.einsum("rml,rl->rm", pipeline, params.pass_pmf)
    return pipeline, _integration_flows(params, obliged, pipeline, passed)


def _integration_flows(
    params: Params, obliged: np.ndarray, pipeline: np.ndarray, passed: np.ndarray
) -> dict[str, np.ndarray]:
    """The month's integration flows (persons or EUR, run x M) from the shifted pipeline."""
    missed = pipeline[:, :, -1] * (1.0 - params.pass_rate)
    fined = missed * params.fined_share
    voluntary_passed = params.voluntary_per_month * params.pass_rate
    return {
        "passed": passed,
        "missed_term": missed,
        "fined": fined,
        "fines_eur": fined * params.fine_amount,
        "cost_eur": obliged * params.cost_per_person
        + params.voluntary_per_month * params.voluntary_cost_public,
        "voluntary_learners": params.voluntary_per_month,
        "extra_employed": (passed + voluntary_passed) * params.employment_gain,
    }


def step(state: State, params: Params, inputs: MonthInputs, t: int) -> tuple[State, Flows]:
    """Advance month ``t``: share what the chain housed, carry backlogs over, integrate newcomers.

    The pure numpy statement of the month (``kernel.offer`` and ``kernel.settle`` compute it in
    place for the system loop and are tested against it); the new state's pipeline is in order.
    """
    month = offer(state, params, inputs.task)
    housed, written_off = _share_housed(month.offered, month.due, inputs.housed)
    backlog = month.due - housed - written_off
    obliged = housed * params.obliged_share + params.family_obliged_per_month[None, :]
    pipeline, integration = reference_integrate(state, params, obliged)
    after = State(backlog=backlog, pipeline=pipeline)
    flows = Flows(
        task=month.task,
        capacity=month.capacity,
        housed=housed,
        written_off=written_off,
        obliged_started=obliged,
        **integration,
    )
    check(state, after, flows, inputs)
    return after, flows


def check(before: State, after: State, flows: Flows, inputs: MonthInputs) -> None:
    """Conservation: task and housed add up to the national figures; backlogs carry over; no negatives."""
    scale = 1.0 + np.abs(inputs.task).max() + np.abs(inputs.housed).max()
    problems = {
        "task adds up to the national task": np.abs(flows.task.sum(axis=1) - inputs.task).max(),
        "housed adds up to the chain's housed": np.abs(flows.housed.sum(axis=1) - inputs.housed).max(),
        "backlog carries over": np.abs(
            before.backlog + flows.task - flows.housed - flows.written_off - after.backlog
        ).max(),
    }
    for what, error in problems.items():
        if error > TOLERANCE * scale:
            raise ConservationError(f"municipal step: {what} (off by {error:.3g})")
    for name in ("housed", "written_off", "obliged_started", "passed", "missed_term", "capacity"):
        if np.any(getattr(flows, name) < -TOLERANCE):
            raise ConservationError(f"municipal step: negative {name}")
