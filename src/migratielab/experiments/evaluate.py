"""Evaluate chunks of runs through a vectorised model; failed runs are recorded, not fatal.

A chunk is one policy and a slice of runs. The model gets per-run values (uncertainties and
per-run levers) as arrays and returns scalar outcomes per run plus the monthly variables to
summarise. When the model raises an arithmetic or conservation error for a chunk, the chunk is
bisected until the failing runs are isolated; a run with a NaN outcome or summary value is marked
failed directly (runs do not interact, so its neighbours are unaffected).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from migratielab.analysis.indicators import COST_VARIABLES, run_indicators
from migratielab.errors import ConservationError
from migratielab.experiments.schema import INFLOW_LEVEL, PER_RUN_LEVERS, Experiment
from migratielab.experiments.sketch import SparseCounts, chunk_counts
from migratielab.models.asylum.chain import ChainInputs
from migratielab.models.asylum.parameters import build_parameters
from migratielab.models.asylum.policies import policy_arrays
from migratielab.models.asylum.simulate import simulate
from migratielab.scenario import Policy
from migratielab.service import asylum

RUN_FAILURES = (ConservationError, ArithmeticError)
"""Errors that mean "this run cannot be computed" (anything else is a bug and propagates)."""
INDICATOR_INPUTS = (
    "applications",
    "cases_crossing_term",
    "in_chain",
    "emergency_occupancy",
    "crisis_occupancy",
    "nights_without_shelter",
    *COST_VARIABLES,
)
"""Monthly variables ``run_indicators`` reads."""


@dataclass(frozen=True)
class ChunkTask:
    """One policy on a slice of runs, with the per-run values of the sampled columns."""

    policy_id: int
    policy: Policy | None
    runs: np.ndarray  # global run ids (int64)
    futures: np.ndarray  # inflow stream ids (int64)
    values: dict[str, np.ndarray]  # column name -> (runs,) values

    def split(self) -> tuple[ChunkTask, ChunkTask]:
        """The two halves of this chunk."""
        middle = len(self.runs) // 2
        halves = (slice(None, middle), slice(middle, None))
        return tuple(  # type: ignore[return-value]
            replace(
                self,
                runs=self.runs[part],
                futures=self.futures[part],
                values={name: column[part] for name, column in self.values.items()},
            )
            for part in halves
        )


@dataclass(frozen=True)
class ModelOutput:
    """What a model returns for a chunk: outcomes per run and the monthly variables to summarise."""

    outcomes: dict[str, np.ndarray]  # name -> (runs,)
    monthly: np.ndarray  # (summary variables, runs, months)


class RunModel(Protocol):
    """A vectorised model over a chunk of runs (picklable, so it can travel to workers)."""

    @property
    def outcome_names(self) -> list[str]:
        """Names of the scalar outcomes per run, in output order."""

    @property
    def summaries(self) -> list[str]:
        """Names of the monthly variables summarised by quantiles."""

    @property
    def months(self) -> int:
        """Length of the monthly output."""

    def __call__(self, task: ChunkTask) -> ModelOutput:
        """Evaluate the chunk."""


@dataclass(frozen=True)
class ChunkResult:
    """Outcomes of the runs that succeeded, sketch counts, and the runs that failed with reasons."""

    policy_id: int
    runs: np.ndarray
    outcomes: dict[str, np.ndarray]
    counts: SparseCounts
    failed_runs: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    reasons: list[str] = field(default_factory=list)


def failed_result(task: ChunkTask, names: list[str], reasons: list[str], runs: np.ndarray) -> ChunkResult:
    """A result in which ``runs`` of ``task`` failed with ``reasons``."""
    empty = np.empty(0, dtype=np.int64)
    return ChunkResult(
        policy_id=task.policy_id,
        runs=empty,
        outcomes={name: np.empty(0) for name in names},
        counts=SparseCounts(index=empty, count=empty),
        failed_runs=runs,
        reasons=reasons,
    )


def merge_results(first: ChunkResult, second: ChunkResult) -> ChunkResult:
    """One result from two results of the same policy."""
    return ChunkResult(
        policy_id=first.policy_id,
        runs=np.concatenate([first.runs, second.runs]),
        outcomes={
            name: np.concatenate([first.outcomes[name], second.outcomes[name]]) for name in first.outcomes
        },
        counts=SparseCounts(
            index=np.concatenate([first.counts.index, second.counts.index]),
            count=np.concatenate([first.counts.count, second.counts.count]),
        ),
        failed_runs=np.concatenate([first.failed_runs, second.failed_runs]),
        reasons=first.reasons + second.reasons,
    )


def evaluate_chunk(model: RunModel, task: ChunkTask) -> ChunkResult:
    """Evaluate a chunk; isolate failing runs by bisection and NaN checks, keep the rest."""
    names = model.outcome_names
    try:
        output = model(task)
    except RUN_FAILURES as error:
        if len(task.runs) == 1:
            return failed_result(task, names, [f"{type(error).__name__}: {error}"], task.runs)
        left, right = task.split()
        return merge_results(evaluate_chunk(model, left), evaluate_chunk(model, right))
    outcome_nan = np.zeros(len(task.runs), dtype=bool)
    for name in names:
        outcome_nan |= np.isnan(output.outcomes[name])
    monthly_nan = np.isnan(output.monthly).any(axis=(0, 2))
    good = ~(outcome_nan | monthly_nan)
    reasons = [
        f"NaN in {'outcomes' if outcome_bad else 'monthly summaries'}" for outcome_bad in outcome_nan[~good]
    ]
    return ChunkResult(
        policy_id=task.policy_id,
        runs=task.runs[good],
        outcomes={name: output.outcomes[name][good] for name in names},
        counts=chunk_counts(output.monthly[:, good, :]),
        failed_runs=task.runs[~good],
        reasons=reasons,
    )


def level_factor(multipliers: np.ndarray, base: float, phi: float, months: int) -> np.ndarray:
    """Factor (run, month) that turns inflow paths at level ``base`` into paths at ``multipliers``.

    The generator's log deviation starts at the last observed level and decays with ``phi``, so a
    level multiplier ``m`` scales month ``t`` (from 0) by ``m ** (1 - phi ** (t + 1))``: exactly
    what ``InflowGenerator.paths(..., level_multiplier=m)`` gives, but for a multiplier per run.
    """
    decay = 1.0 - phi ** (np.arange(months) + 1.0)
    return np.asarray((multipliers / base)[:, None] ** decay[None, :])


@dataclass(frozen=True)
class AsylumModel:
    """The asylum chain for an experiment: sampled parameters, per-run levers and inflow level."""

    experiment: Experiment

    @property
    def outcome_names(self) -> list[str]:
        """Indicators asked for (outcomes and thresholds), then December values of ``yearly`` variables."""
        experiment = self.experiment
        names = list(dict.fromkeys([*experiment.outcomes, *(t.outcome for t in experiment.thresholds)]))
        years = range(experiment.start_year, experiment.end_year + 1)
        return names + [yearly_column(variable, year) for variable in experiment.yearly for year in years]

    @property
    def summaries(self) -> list[str]:
        """Monthly variables summarised by quantiles per time step."""
        return list(self.experiment.summaries)

    @property
    def months(self) -> int:
        """Simulated months."""
        return self.experiment.months

    def inflow(self, task: ChunkTask) -> np.ndarray:
        """Applications per month (run, month); the inflow stream of a run depends only on its future id."""
        scenario = self.experiment.scenario()
        paths = asylum.inflow_paths(scenario, task.futures)
        levels = [u.name for u in self.experiment.uncertainties if u.target == INFLOW_LEVEL]
        if not levels:
            return paths
        base = self.experiment.inflow.level_multiplier
        return paths * level_factor(task.values[levels[0]], base, asylum.inflow_generator().phi, self.months)

    def __call__(self, task: ChunkTask) -> ModelOutput:
        """Simulate the chunk and compute its outcomes and monthly summaries."""
        assert task.policy is not None
        experiment = self.experiment
        scenario = experiment.scenario()
        runs = len(task.runs)
        per_run = {
            u.target: task.values[u.name] for u in experiment.uncertainties if u.target != INFLOW_LEVEL
        }
        parameters = build_parameters(
            asylum.scenario_parameters(scenario), runs, experiment.start_year, experiment.months, per_run
        )
        levers: dict[str, Any] = {
            PER_RUN_LEVERS[lv.field]: task.values[lv.name] for lv in experiment.levers if lv.per_run
        }
        arrays = replace(policy_arrays(task.policy, runs, experiment.start_year, experiment.months), **levers)
        inputs = ChainInputs(start_year=experiment.start_year, applications=self.inflow(task))
        record = list(dict.fromkeys([*INDICATOR_INPUTS, *experiment.summaries, *experiment.yearly]))
        result = simulate(asylum.start_state(scenario, runs), parameters, arrays, inputs, record=record)
        indicators = run_indicators(result.monthly, result.wait_histogram)
        outcomes: dict[str, Any] = {
            name: indicators[name] for name in self.outcome_names if name in indicators
        }
        december = result.monthly.isel(time=slice(11, None, 12))
        for variable in experiment.yearly:
            values = december[variable].to_numpy()
            for offset, year in enumerate(range(experiment.start_year, experiment.end_year + 1)):
                outcomes[yearly_column(variable, year)] = values[:, offset]
        monthly = np.stack([result.monthly[name].to_numpy() for name in experiment.summaries])
        return ModelOutput(outcomes=outcomes, monthly=monthly)


def yearly_column(variable: str, year: int) -> str:
    """Per-run column name of a monthly variable's December value."""
    return f"{variable}@{year}"
