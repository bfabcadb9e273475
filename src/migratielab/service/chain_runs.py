"""Asylum-chain runs for the web faces: lean, remembered set-up, and several requests in one chain run.

An interactive what-if of 100 runs spends most of its time in the chain's per-month overhead, not
in its per-run arithmetic (the chain is vectorised over runs, and runs never interact). So jobs
(a policy on a scenario's ensemble) that differ only in per-run values - seeds and thus inflow
paths, reception places, buffer, FTE, fixed housing quota, return levers - are stacked along the
run axis and simulated together; each job's runs are then exactly what they are alone (tested).
Jobs that differ in a rule, a decision term or a horizon run separately.

Set-up that does not depend on the request's levers (the start state and the chain parameters for
an ensemble size, the inflow paths of a seed) is remembered in the worker process, read-only.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import Any, TypeVar

import numpy as np

from migratielab import progress as progress_report
from migratielab.analysis.indicators import COST_VARIABLES, run_indicators
from migratielab.errors import refused_outcomes
from migratielab.models import system
from migratielab.models.asylum.chain import ChainConfig, State
from migratielab.models.asylum.parameters import PER_RUN
from migratielab.models.asylum.policies import PolicyArrays, policy_arrays
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.scenario import Policy, Scenario
from migratielab.service.asylum import FAN_VARIABLES

CHUNK_RUNS = 2_000
"""Most runs simulated in one chain run (memory: the recorded (run, month) arrays)."""
CAPACITY_VARIABLES = ("regular_capacity", "buffer_active", "emergency_capacity", "crisis_capacity")
DECISION_VARIABLES = ("decisions_dublin", "decisions_safe_country", "decisions_general")
RECORDED = tuple(
    dict.fromkeys(
        (
            *FAN_VARIABLES,
            *COST_VARIABLES,
            *CAPACITY_VARIABLES,
            *DECISION_VARIABLES,
            "decision_wait_sum_months",
            "ind_staff",
            "nights_without_shelter",
            "cases_crossing_term",
        )
    )
)
"""The monthly flows the web results use (the chain records only these)."""
PER_RUN_LEVERS: dict[str, Any] = {
    "name": True,
    "reception": {"base_places", "buffer_places", "activation_months", "trigger_share"},
    "staffing": {"fte"},
    "housing": {"per_half_year"},
    "returns": True,
}
"""Policy fields that become per-run values: policies differing only in these can share a run."""
REMEMBERED = 32

Item = TypeVar("Item")


class UnbatchableError(ValueError):
    """Two jobs differ in something that is not a per-run value: they must run separately."""


@dataclass(frozen=True)
class Job:
    """One policy over a scenario's ensemble (runs 0..runs-1, the scenario's seed)."""

    scenario: Scenario
    policy: Policy

    @property
    def parameter_key(self) -> str:
        """The scenario's asylum parameter overrides as text (set-up is remembered per overrides)."""
        section = self.scenario.asylum
        assert section is not None
        return json.dumps(section.parameters, sort_keys=True, default=str)


@dataclass(frozen=True)
class Trajectories:
    """A job's recorded monthly flows, (run, month) each, its (run, months waited) wait histogram and
    its scalar indicators per run (``analysis.indicators.run_indicators``)."""

    monthly: dict[str, np.ndarray]
    histogram: np.ndarray
    indicators: dict[str, np.ndarray]


def batch_key(job: Job) -> str:
    """Jobs with equal keys can be stacked along the run axis (parameters, inflow future,
    horizon, rules and decision term equal; seeds, runs and per-run levers may differ)."""
    section = job.scenario.asylum
    assert section is not None
    return json.dumps(
        [
            job.parameter_key,
            job.scenario.start_year,
            job.scenario.end_year,
            section.inflow.model_dump(mode="json"),
            job.policy.model_dump(mode="json", exclude=PER_RUN_LEVERS),
        ],
        sort_keys=True,
    )


class Remembered:
    """A small least-recently-used store of set-up values (values must not be changed by callers)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self.values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Item]) -> Item:
        """The value remembered under ``key``, computed (and its arrays made read-only) if missing."""
        if key in self.values:
            self.values.move_to_end(key)
            found: Item = self.values[key]
            return found
        value = read_only(compute())
        self.values[key] = value
        while len(self.values) > self.size:
            self.values.popitem(last=False)
        return value


def read_only(value: Item) -> Item:
    """``value`` with its arrays (or a dataclass's array fields) marked read-only: a chain step that
    wrote into remembered set-up would raise instead of changing later results."""
    arrays = [value] if isinstance(value, np.ndarray) else list(vars(value).values())
    for array in arrays:
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return value


SET_UP = Remembered()


def set_up_key(job: Job, run_ids: np.ndarray, piece: str) -> Hashable:
    """What a set-up piece (``setup.forward_set_up``) of ``job`` for ``run_ids`` depends on."""
    scenario, runs = job.scenario, len(run_ids)
    if piece == "start":
        return (piece, scenario.start_year, runs)
    if piece == "inflow":
        section = scenario.asylum
        assert section is not None
        inflow = section.inflow.model_dump_json()
        return (piece, inflow, scenario.seed, scenario.start_year, scenario.months, int(run_ids[0]), runs)
    return (piece, job.parameter_key, runs, scenario.start_year, scenario.months)


def part(job: Job, run_ids: np.ndarray) -> system.AsylumPart:
    """The chain's part of ``run_ids`` of the job (``system.asylum_part``), its parameters before the
    return levers, inflow and start state remembered between calls (read-only)."""

    def remember(piece: str, compute: Callable[[], Item]) -> Item:
        return SET_UP.get(set_up_key(job, run_ids, piece), compute)

    scenario = job.scenario
    return system.asylum_part(
        scenario, job.policy, run_ids, scenario_parameters(scenario), record=RECORDED, remember=remember
    )


def same(first: object, other: object) -> bool:
    """Equal values (arrays element by element, NaN equal to NaN)."""
    if isinstance(first, np.ndarray) or isinstance(other, np.ndarray):
        return bool(np.array_equal(np.asarray(first), np.asarray(other), equal_nan=True))
    return first == other


def stacked(items: list[Item], per_run: Collection[str], runs: list[int]) -> Item:
    """One dataclass of the same type: ``per_run`` fields concatenated along the run axis, the others
    shared (UnbatchableError if they differ or a per-run field lacks the run axis)."""
    values = {}
    for field in fields(items[0]):  # type: ignore[arg-type]
        parts = [getattr(item, field.name) for item in items]
        if field.name in per_run:
            if any(np.shape(part)[:1] != (count,) for part, count in zip(parts, runs, strict=True)):
                raise UnbatchableError(f"{field.name} has no run axis")
            values[field.name] = np.concatenate(parts, axis=0)
        elif all(same(parts[0], part) for part in parts[1:]):
            values[field.name] = parts[0]
        else:
            raise UnbatchableError(field.name)
    return type(items[0])(**values)


def policy_run_fields(job: Job) -> frozenset[str]:
    """The policy arrays with a leading run axis: those whose length follows the ensemble size."""
    start, months = job.scenario.start_year, job.scenario.months
    one, two = (policy_arrays(job.policy, runs, start, months) for runs in (1, 2))
    return frozenset(
        field.name
        for field in fields(PolicyArrays)
        if np.shape(getattr(one, field.name))[:1] == (1,) and np.shape(getattr(two, field.name))[:1] == (2,)
    )


def merged(parts: list[system.AsylumPart], policy_per_run: Collection[str]) -> system.AsylumPart:
    """The parts as one part whose runs are the parts' runs one after the other (``policy_per_run``:
    the policy arrays with a run axis; the parameters' are ``PER_RUN``, every state array has one)."""
    if len(parts) == 1:
        return parts[0]
    runs = [len(part.inputs.applications) for part in parts]
    state_fields = [field.name for field in fields(State)]
    config = ChainConfig(
        stacked([part.config.parameters for part in parts], PER_RUN, runs),
        stacked([part.config.policy for part in parts], policy_per_run, runs),
    )
    inputs = stacked([part.inputs for part in parts], ("applications",), runs)
    return system.AsylumPart(
        stacked([part.state for part in parts], state_fields, runs), config, inputs, RECORDED
    )


@dataclass(frozen=True)
class Piece:
    """Runs ``run_ids`` of job number ``job``."""

    job: int
    run_ids: np.ndarray


def pieces(jobs: list[Job], chunk: int = CHUNK_RUNS) -> list[list[Piece]]:
    """The jobs' runs cut into chain runs of at most ``chunk`` runs, jobs with the same ``batch_key``
    together (a job's runs may span two chain runs; per run id the result does not depend on the cut)."""
    groups: list[list[Piece]] = []
    by_key: dict[str, list[int]] = {}
    for number, job in enumerate(jobs):
        by_key.setdefault(batch_key(job), []).append(number)
    for numbers in by_key.values():
        groups.append([])
        room = chunk
        for number in numbers:
            first, runs = 0, jobs[number].scenario.runs
            while first < runs:
                if room == 0:
                    groups.append([])
                    room = chunk
                take = min(room, runs - first)
                groups[-1].append(Piece(number, np.arange(first, first + take)))
                first, room = first + take, room - take
    return groups


def simulate_group(jobs: list[Job], group: list[Piece]) -> list[Trajectories | Exception]:
    """Simulate the pieces of ``group`` in one chain run, or each alone if they cannot share one or
    the shared run is refused (then each piece gets its own answer or error)."""
    try:
        per_run = policy_run_fields(jobs[group[0].job])
        together = merged([part(jobs[piece.job], piece.run_ids) for piece in group], per_run)
        return split(simulate_part(jobs[group[0].job], together), group)
    except Exception as error:
        if len(group) == 1:
            return [error]
    return [simulate_group(jobs, [piece])[0] for piece in group]


def simulate_part(job: Job, together: system.AsylumPart) -> Trajectories:
    """The chain run of ``together`` (a part of ``job`` or stacked parts of jobs like it)."""
    scenario = job.scenario
    with refused_outcomes(scenario.name, f"policy {job.policy.name!r} with the scenario's inflow"):
        result = system.run(system.System(scenario.start_year, scenario.months, asylum=together))
    assert result.asylum is not None
    chain = result.asylum
    monthly = {name: chain.monthly[name].to_numpy() for name in RECORDED}
    return Trajectories(monthly, chain.wait_histogram, run_indicators(chain.monthly, chain.wait_histogram))


def split(together: Trajectories, group: list[Piece]) -> list[Trajectories | Exception]:
    """The trajectories of each piece of a stacked chain run."""
    bounds = np.cumsum([0, *(len(piece.run_ids) for piece in group)])
    return [
        Trajectories(
            {name: values[a:b] for name, values in together.monthly.items()},
            together.histogram[a:b],
            {name: values[a:b] for name, values in together.indicators.items()},
        )
        for a, b in pairwise(bounds)
    ]


def joined(parts: list[Trajectories]) -> Trajectories:
    """One job's trajectories from its pieces, in run order."""
    if len(parts) == 1:
        return parts[0]
    monthly = {name: np.concatenate([part.monthly[name] for part in parts]) for name in parts[0].monthly}
    indicators = {
        name: np.concatenate([part.indicators[name] for part in parts]) for name in parts[0].indicators
    }
    return Trajectories(monthly, np.concatenate([part.histogram for part in parts]), indicators)


def run_jobs(jobs: list[Job], chunk: int = CHUNK_RUNS) -> list[Trajectories | Exception]:
    """Every job's trajectories, or the error that refused it, simulating compatible jobs together.

    Progress (``migratielab.progress``) is reported per simulated month over all chain runs.
    """
    outcomes: list[list[Trajectories]] = [[] for _ in jobs]
    failures: dict[int, Exception] = {}
    groups = pieces(jobs, chunk)
    for number, group in enumerate(groups):
        live = [piece for piece in group if piece.job not in failures]
        with progress_report.stage(number / len(groups), (number + 1) / len(groups)):
            answers = simulate_group(jobs, live) if live else []
        for piece, answer in zip(live, answers, strict=True):
            if isinstance(answer, Exception):
                failures[piece.job] = answer
            else:
                outcomes[piece.job].append(answer)
    return [failures.get(number) or joined(parts) for number, parts in enumerate(outcomes)]
