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
import xarray as xr

from migratielab.analysis.indicators import COST_VARIABLES, run_indicators
from migratielab.errors import ConservationError
from migratielab.experiments.schema import (
    INFLOW_LEVEL,
    LABOUR_LEVERS,
    LABOUR_PARAMETERS,
    LABOUR_PLAN,
    LABOUR_TARGETS,
    MUNICIPAL_PREFIX,
    MUNICIPAL_TARGETS,
    PER_RUN_LEVERS,
    POPULATION_TARGETS,
    Experiment,
    parse_outcome,
)
from migratielab.experiments.sketch import SparseCounts, chunk_counts
from migratielab.models import system
from migratielab.models.asylum.parameters import PER_RUN
from migratielab.models.asylum.record import ChainRun
from migratielab.models.asylum.setup import inflow_generator, scenario_parameters
from migratielab.models.labour.channels import CHANNELS as LABOUR_CHANNELS
from migratielab.models.labour.data import load_labour_data
from migratielab.models.labour.outlook import initial_state
from migratielab.models.labour.setup import (
    build_model,
    class_mix,
    employment_with_levers,
    judge,
    labour_parameters,
    partnership_mix,
    plan_arrivals,
    section_reach,
    shortage_config,
)
from migratielab.models.labour.setup import draws as labour_draws
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.models.population.projection import INFLOWS
from migratielab.models.population.simulate import Paths
from migratielab.params import default_parameters
from migratielab.scenario import Policy

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
FAMILY = ("grants_first_instance", "grants_appeal", "family_arrivals")
"""Monthly variables the system loop passes from the chain to the population."""


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
class SystemModel:
    """The pillars of an experiment through the system loop: sampled inputs, per-run levers, outcomes."""

    experiment: Experiment

    @property
    def outcome_names(self) -> list[str]:
        """Outcomes asked for (outcomes and thresholds), then December values of ``yearly`` variables."""
        experiment = self.experiment
        names = list(dict.fromkeys([*experiment.outcomes, *(t.outcome for t in experiment.thresholds)]))
        years = range(experiment.start_year, experiment.end_year + 1)
        return names + [yearly_column(variable, year) for variable in experiment.yearly for year in years]

    @property
    def summaries(self) -> list[str]:
        """Monthly variables of the chain summarised by quantiles per time step."""
        return list(self.experiment.summaries)

    @property
    def months(self) -> int:
        """Simulated months."""
        return self.experiment.months

    def inflow_factor(self, task: ChunkTask) -> np.ndarray | None:
        """Per-run factor (run, month) on the inflow paths for a sampled inflow level, or None."""
        levels = [u.name for u in self.experiment.uncertainties if u.target == INFLOW_LEVEL]
        if not levels:
            return None
        base = self.experiment.inflow.level_multiplier
        return level_factor(task.values[levels[0]], base, inflow_generator().phi, self.months)

    def asylum(self, task: ChunkTask) -> system.AsylumPart:
        """The chain's part for the chunk: sampled parameters, per-run levers, scaled inflow."""
        assert task.policy is not None
        experiment = self.experiment
        scenario = experiment.scenario()
        per_run = {u.target: task.values[u.name] for u in experiment.uncertainties if u.target in PER_RUN}
        record = list(dict.fromkeys([*INDICATOR_INPUTS, *experiment.summaries, *experiment.yearly, *FAMILY]))
        record += [variable for pillar, variable, _ in self.references() if pillar == "asylum"]
        part = system.asylum_part(
            scenario,
            task.policy,
            task.futures,
            scenario_parameters(scenario),
            per_run,
            list(dict.fromkeys(record)),
        )
        levers: dict[str, Any] = {
            PER_RUN_LEVERS[lv.field]: task.values[lv.name]
            for lv in experiment.levers
            if lv.field in PER_RUN_LEVERS
        }
        factor = self.inflow_factor(task)
        inputs = (
            part.inputs
            if factor is None
            else replace(part.inputs, applications=part.inputs.applications * factor)
        )
        config = replace(part.config, policy=replace(part.config.policy, **levers))
        return replace(part, config=config, inputs=inputs)

    def population(self, task: ChunkTask) -> system.PopulationPart:
        """The population's part for the chunk: the plan's paths with per-run population inputs."""
        experiment = self.experiment
        plan = experiment.population
        assert plan is not None
        params = default_parameters("population")
        builder = plan_builder(plan, experiment.start_year, experiment.end_year + 1, params, sample=True)
        paths = builder(uniform_draws(experiment.seed, task.futures.tolist(), len(UNCERTAIN)))
        values = {
            target: task.values[name]
            for target, name in self.columns().items()
            if target in POPULATION_TARGETS
        }
        return system.population_part(
            with_population_values(paths, values), params, False, plan.asylum_from_chain
        )

    def columns(self) -> dict[str, str]:
        """Uncertainty target or lever field -> the column of per-run values that feeds it."""
        experiment = self.experiment
        return {u.target: u.name for u in experiment.uncertainties} | {
            lv.field: lv.name for lv in experiment.levers
        }

    def municipal(self, task: ChunkTask) -> system.MunicipalPart:
        """The municipalities' part for the chunk: the section's levers, per-run municipal inputs.

        Parameters that are not uncertainties of the experiment keep their registry values; each
        future keeps its own draws of the municipalities' spread (its stream is the future's).
        """
        experiment = self.experiment
        section = experiment.municipal_section()
        assert section is not None
        per_run = {
            target.removeprefix(MUNICIPAL_PREFIX): task.values[name]
            for target, name in self.columns().items()
            if target in MUNICIPAL_TARGETS
        }
        params = default_parameters("municipal")
        return system.municipal_part(
            section, params, experiment.seed, task.futures.tolist(), experiment.start_year, False, per_run
        )

    def labour(self, task: ChunkTask) -> system.LabourPart:
        """The labour market's part for the chunk: its plan, levers and draws with per-run labour inputs."""
        experiment = self.experiment
        columns = self.columns()
        values = {target: task.values[name] for target, name in columns.items() if target in LABOUR_TARGETS}
        return labour_part(experiment, task.futures.tolist(), values)

    def references(self) -> list[tuple[str, str, int]]:
        """The ``pillar.variable@year`` outcomes, parsed."""
        parsed = (parse_outcome(name) for name in self.outcome_names)
        return [reference for reference in parsed if reference is not None]

    def __call__(self, task: ChunkTask) -> ModelOutput:
        """Run the chunk through the system loop and compute its outcomes and monthly summaries."""
        pillars = self.experiment.pillars
        asylum = self.asylum(task) if "asylum" in pillars else None
        population = self.population(task) if "population" in pillars else None
        municipal = self.municipal(task) if "municipal" in pillars else None
        labour = self.labour(task) if "labour" in pillars else None
        start = self.experiment.start_year
        result = system.run(
            system.System(
                start, self.months, asylum=asylum, population=population, municipal=municipal, labour=labour
            )
        )
        outcomes: dict[str, Any] = {}
        monthly = np.empty((0, len(task.runs), self.months))
        if result.asylum is not None:
            outcomes.update(self.chain_outcomes(result.asylum))
            if self.summaries:
                monthly = np.stack([result.asylum.monthly[name].to_numpy() for name in self.summaries])
        yearly = (
            ("population", result.population),
            ("municipal", result.municipal),
            ("labour", result.labour),
        )
        for pillar, dataset in yearly:
            if dataset is not None:
                outcomes.update(self.yearly_outcomes(pillar, dataset))
        return ModelOutput(outcomes=outcomes, monthly=monthly)

    def chain_outcomes(self, run: ChainRun) -> dict[str, np.ndarray]:
        """Indicators asked for, December values of ``yearly`` variables and ``asylum.variable@year``."""
        indicators = run_indicators(run.monthly, run.wait_histogram)
        outcomes = {name: indicators[name] for name in self.outcome_names if name in indicators}
        december = run.monthly.isel(time=slice(11, None, 12))
        years = list(range(self.experiment.start_year, self.experiment.end_year + 1))
        for variable in self.experiment.yearly:
            values = december[variable].to_numpy()
            for offset, year in enumerate(years):
                outcomes[yearly_column(variable, year)] = values[:, offset]
        for pillar, variable, year in self.references():
            if pillar == "asylum":
                outcomes[f"asylum.{variable}@{year}"] = december[variable].to_numpy()[:, years.index(year)]
        return outcomes

    def yearly_outcomes(self, of: str, result: xr.Dataset) -> dict[str, np.ndarray]:
        """``<of>.variable@year`` values per run from a pillar's (run, year) variables."""
        return {
            f"{of}.{variable}@{year}": result[variable].sel(year=year).to_numpy()
            for pillar, variable, year in self.references()
            if pillar == of
        }


def labour_part(
    experiment: Experiment, futures: list[int], values: dict[str, np.ndarray]
) -> system.LabourPart:
    """The labour part for runs ``futures`` (their labour streams) with per-run labour inputs applied:
    ``labour.plan.<channel>`` multiplies the channel's plan level, ``labour.levers.<lever>`` sets the
    reach (share 0..1), ``labour.<parameter>`` replaces that parameter's per-run draw."""
    section = experiment.labour
    assert section is not None
    params, data = labour_parameters(section, "experiment"), load_labour_data()
    judgement = judge(data, params, shortage_config(params, section, "experiment"))
    draws = labour_draws(params, experiment.seed, futures, True)
    draws.update({t.removeprefix("labour."): v for t, v in values.items() if t in LABOUR_PARAMETERS})
    reach = tuple(
        values.get(field, np.full(len(futures), default))
        for field, default in zip(LABOUR_LEVERS, section_reach(section), strict=True)
    )
    population = default_parameters("population")
    employment = employment_with_levers(params, population, section, draws, reach)  # type: ignore[arg-type]
    mix = class_mix(data, params)
    mix[LABOUR_CHANNELS.index("partnership")] = partnership_mix(data, judgement, section, "experiment")
    model = build_model(experiment.start_year, params, population, judgement, mix, draws, employment)
    years = experiment.end_year - experiment.start_year + 1
    arrivals = plan_arrivals(section, years, len(futures))
    for target, column in values.items():
        if target in LABOUR_PLAN:
            arrivals[:, :, LABOUR_CHANNELS.index(target.removeprefix("labour.plan."))] *= column[None, :]
    return system.LabourPart(model, initial_state(model, len(futures)), arrivals, data.codes)


def with_population_values(paths: Paths, values: dict[str, np.ndarray]) -> Paths:
    """``paths`` with per-run population inputs applied (multipliers scale, rates replace)."""
    tfr, departure, emigration = paths.tfr, paths.departure_multiplier, paths.native_emigration_rate
    arrivals = None if paths.arrivals is None else paths.arrivals.copy()
    for target, column in values.items():
        if target == "population.tfr_multiplier":
            tfr = tfr * column[:, None]
        elif target == "population.departure_multiplier":
            departure = column.copy()
        elif target == "population.native_net_emigration_rate":
            emigration = column.copy()
        elif arrivals is not None:
            channel = INFLOWS.index(target.removeprefix("population.inflows."))
            arrivals[:, channel] *= column[:, None]
    return replace(
        paths, tfr=tfr, departure_multiplier=departure, native_emigration_rate=emigration, arrivals=arrivals
    )


def yearly_column(variable: str, year: int) -> str:
    """Per-run column name of a monthly variable's December value."""
    return f"{variable}@{year}"
