"""Samplers over the unit hypercube, distributions that map unit draws to values, and the run design.

Every sampler draws unit values in [0, 1] per dimension (scipy.stats.qmc, SALib or numpy); the
inverse CDF of each uncertainty maps them to values, so Latin hypercube, Sobol, Morris and full
factorial designs share one code path. The sampler's random stream is a child of the experiment's
``SeedSequence`` that no pillar uses (pillars use ``spawn_key=(pillar key, run)``, ``models.random``).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from migratielab.analysis.sensitivity import unit_problem
from migratielab.experiments.schema import (
    MAX_FACTORIAL_RUNS,
    Experiment,
    Lever,
    Sampler,
    Uncertainty,
    apply_levers,
    lever_values,
    target_pillar,
)
from migratielab.models.random import SAMPLER_KEY
from migratielab.params import ParameterSet, default_parameters
from migratielab.scenario import Policy

SAMPLER_SPAWN_KEY = (SAMPLER_KEY, 1)  # never equal to a pillar's (pillar key, run)


def sampler_rng(seed: int) -> np.random.Generator:
    """The sampler's own random stream, a child of the experiment seed."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=SAMPLER_SPAWN_KEY))


def unit_sample(sampler: Sampler, names: list[str], seed: int) -> np.ndarray:
    """Unit draws (rows, dimensions) of the sampler; the row count follows the sampler's scheme."""
    dims = len(names)
    rng = sampler_rng(seed)
    if dims == 0:
        return np.empty((1, 0))
    if sampler.kind == "latin_hypercube":
        return np.asarray(qmc.LatinHypercube(d=dims, seed=rng).random(sampler.size))
    if sampler.kind == "monte_carlo":
        return rng.random((sampler.size, dims))
    if sampler.kind == "full_factorial":
        if sampler.levels**dims > MAX_FACTORIAL_RUNS:
            raise ValueError(f"full factorial of {sampler.levels} levels over {dims} dimensions is too large")
        grid = (np.arange(sampler.levels) + 0.5) / sampler.levels
        return np.array(list(itertools.product(grid, repeat=dims)), dtype=float)
    from SALib.sample import morris, sobol

    problem = unit_problem(names)
    if sampler.kind == "sobol":
        return np.asarray(sobol.sample(problem, sampler.size, calc_second_order=False, seed=rng))
    return np.asarray(morris.sample(problem, sampler.size, num_levels=sampler.levels, seed=rng))


def resolve_registry(uncertainty: Uncertainty, parameters: ParameterSet) -> Uncertainty:
    """Replace ``distribution: registry`` by the range the parameter registry gives (uniform/triangular)."""
    if uncertainty.distribution != "registry":
        return uncertainty
    target = uncertainty.target
    pillar = target_pillar(target)
    if pillar in ("population", "municipal", "labour"):
        given = default_parameters(pillar)[target.removeprefix(f"{pillar}.")].uncertainty
    else:
        given = parameters[target].uncertainty
    if given is None or given.distribution not in ("uniform", "triangular"):
        raise ValueError(f"parameter {uncertainty.target!r} has no uniform or triangular registry range")
    return uncertainty.model_copy(
        update={"distribution": given.distribution, "low": given.low, "high": given.high, "mode": given.mode}
    )


def truncated_normal_ppf(unit: np.ndarray, mean: float, sd: float, low: float, high: float) -> np.ndarray:
    """Inverse CDF of a normal(mean, sd) truncated to [low, high]."""
    a, b = (low - mean) / sd, (high - mean) / sd
    return np.asarray(stats.truncnorm(a, b, loc=mean, scale=sd).ppf(unit))


def uncertainty_values(uncertainty: Uncertainty, unit: np.ndarray) -> np.ndarray:
    """Values of a (resolved) uncertainty for unit draws in [0, 1], in the target's unit."""
    low, high = uncertainty.low, uncertainty.high
    kind = uncertainty.distribution
    if kind == "uniform":
        assert low is not None and high is not None
        return low + unit * (high - low)
    if kind == "triangular":
        assert low is not None and high is not None and uncertainty.mode is not None
        shape = (uncertainty.mode - low) / (high - low)
        return np.asarray(stats.triang(shape, loc=low, scale=high - low).ppf(unit))
    if kind == "normal":
        assert low is not None and high is not None and uncertainty.mean is not None and uncertainty.sd
        return truncated_normal_ppf(unit, uncertainty.mean, uncertainty.sd, low, high)
    if kind == "lognormal":
        assert low is not None and high is not None and uncertainty.median is not None and uncertainty.sd
        logs = truncated_normal_ppf(
            unit, np.log(uncertainty.median), uncertainty.sd, np.log(low), np.log(high)
        )
        return np.exp(logs)
    assert kind == "discrete" and uncertainty.values is not None
    weights = np.asarray(uncertainty.weights or [1.0] * len(uncertainty.values), dtype=float)
    cumulative = np.cumsum(weights) / weights.sum()
    index = np.minimum(np.searchsorted(cumulative, unit, side="right"), len(weights) - 1)
    return np.asarray(uncertainty.values, dtype=float)[index]


def option_index(unit: np.ndarray, count: int) -> np.ndarray:
    """Index of one of ``count`` equally likely options for unit draws."""
    return np.minimum((unit * count).astype(np.int64), count - 1)


def lever_range_values(lever: Lever, unit: np.ndarray) -> np.ndarray:
    """Values of a range lever for unit draws (uniform over [low, high], rounded if integer)."""
    assert lever.low is not None and lever.high is not None
    values = lever.low + unit * (lever.high - lever.low)
    return np.round(values) if lever.integer else values


def option_label(value: Any) -> str:
    """A short text label of a lever option (numbers as given, objects as compact JSON)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Design:
    """Who runs what: one row per run with its future, policy and sampled values.

    ``table`` has index ``run`` and columns ``future`` (inflow stream id), ``policy`` (index into
    ``policies``), one column per uncertainty (in the target's unit) and one per lever (numbers for
    per-run levers, text labels otherwise). ``unit`` holds the unit draws of the sampled dimensions
    (``dimensions``) per future (cross) or per run (sampled), in sampler order.
    """

    table: pd.DataFrame
    policies: list[Policy]
    dimensions: list[str]
    unit: np.ndarray

    @property
    def runs(self) -> int:
        """Number of runs."""
        return len(self.table)


def future_columns(
    experiment: Experiment, unit: np.ndarray, parameters: ParameterSet
) -> dict[str, np.ndarray]:
    """Uncertainty values per row of ``unit`` (the first columns are the uncertainties, in order)."""
    columns = {}
    for index, uncertainty in enumerate(experiment.uncertainties):
        resolved = resolve_registry(uncertainty, parameters)
        columns[uncertainty.name] = uncertainty_values(resolved, unit[:, index])
    return columns


def policy_name(levers: list[Lever], values: list[Any]) -> str:
    """A readable policy name from lever values."""
    return ", ".join(
        f"{lever.name}={option_label(value)}" for lever, value in zip(levers, values, strict=True)
    )


def cross_design(experiment: Experiment, parameters: ParameterSet) -> Design:
    """Every policy (named, or the full cross of lever values) on every sampled future."""
    names = [uncertainty.name for uncertainty in experiment.uncertainties]
    unit = unit_sample(experiment.sampler, names, experiment.seed)
    futures = pd.DataFrame(future_columns(experiment, unit, parameters))
    levers = experiment.levers
    combos = list(itertools.product(*(lever_values(lever) for lever in levers)))
    if experiment.policies:
        policies = list(experiment.policies)
    elif levers:
        policies = [
            apply_levers(
                experiment.base_policy,
                {lever.field: value for lever, value in zip(levers, combo, strict=True)},
                policy_name(levers, list(combo)),
            )
            for combo in combos
        ]
    else:
        policies = [experiment.base_policy]
    frames = []
    for number in range(len(policies)):
        frame = futures.copy()
        frame.insert(0, "policy", number)
        frame.insert(0, "future", np.arange(len(futures)))
        for index, lever in enumerate(levers):
            value = combos[number][index]
            frame[lever.name] = float(value) if lever.per_run else option_label(value)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    table.index.name = "run"
    return Design(table=table, policies=policies, dimensions=names, unit=unit)


def sampled_design(experiment: Experiment, parameters: ParameterSet) -> Design:
    """Levers sampled jointly with the uncertainties: one run per sampled row, own inflow stream.

    Runs that share the options of the structural levers (those that cannot vary per run) form one
    policy; per-run levers enter the vectorised evaluation as arrays.
    """
    levers = experiment.levers
    names = [uncertainty.name for uncertainty in experiment.uncertainties] + [lever.name for lever in levers]
    unit = unit_sample(experiment.sampler, names, experiment.seed)
    table = pd.DataFrame(future_columns(experiment, unit, parameters))
    offset = len(experiment.uncertainties)
    structural: list[np.ndarray] = []
    for index, lever in enumerate(levers):
        draws = unit[:, offset + index]
        if lever.options is None:
            table[lever.name] = lever_range_values(lever, draws)
            continue
        chosen = option_index(draws, len(lever.options))
        table[lever.name] = (
            np.asarray(lever.options, dtype=float)[chosen]
            if lever.per_run
            else np.array([option_label(option) for option in lever.options])[chosen]
        )
        if not lever.per_run:
            structural.append(chosen)
    keys = np.stack(structural, axis=1) if structural else np.zeros((len(table), 1), dtype=np.int64)
    groups, group_of_run = np.unique(keys, axis=0, return_inverse=True)
    policies = [group_policy(experiment, group) for group in groups]
    table.insert(0, "policy", group_of_run.reshape(-1))
    table.insert(0, "future", np.arange(len(table)))
    table.index.name = "run"
    return Design(table=table, policies=policies, dimensions=names, unit=unit)


def group_policy(experiment: Experiment, option_indices: np.ndarray) -> Policy:
    """The policy of one group of structural lever options (per-run levers at their first value)."""
    structural = [lever for lever in experiment.levers if not lever.per_run]
    values: dict[str, Any] = {
        lever.field: lever_values(lever)[0] for lever in experiment.levers if lever.per_run
    }
    chosen = [
        lever_values(lever)[int(index)] for lever, index in zip(structural, option_indices, strict=False)
    ]
    values.update({lever.field: value for lever, value in zip(structural, chosen, strict=False)})
    return apply_levers(experiment.base_policy, values, policy_name(structural, chosen) or "sampled levers")


def build_design(experiment: Experiment, parameters: ParameterSet | None = None) -> Design:
    """The run design of an experiment (deterministic for its seed)."""
    chosen = parameters if parameters is not None else default_parameters("asylum")
    if experiment.combine == "sampled":
        return sampled_design(experiment, chosen)
    return cross_design(experiment, chosen)
