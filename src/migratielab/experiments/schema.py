"""Experiment files: uncertainties, levers, outcomes, sampler and how futures and policies combine.

An experiment is YAML validated by these pydantic models (unknown keys rejected), in the spirit of
EMA Workbench: an *uncertainty* has a distribution and is sampled into *futures*; a *lever* has
options (or a range) and makes *policies*; *outcomes* are indicator names of
``migratielab.analysis.indicators.INDICATORS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from migratielab.analysis.indicators import INDICATORS
from migratielab.analysis.robustness import Threshold
from migratielab.models.asylum.chain import Flows
from migratielab.models.asylum.parameters import PER_RUN
from migratielab.params import ParamValue, Strict
from migratielab.scenario import Policy, Scenario, StochasticInflow
from migratielab.yamlio import load_model

INFLOW_LEVEL = "inflow.level_multiplier"
"""Uncertainty target that scales the stochastic inflow's long-run level (dimensionless)."""
INDICATOR_NAMES = tuple(indicator.name for indicator in INDICATORS)
PER_RUN_LEVERS = {
    "reception.base_places": "base_places",
    "reception.buffer_places": "buffer_places",
    "reception.activation_months": "activation_months",
    "reception.trigger_share": "trigger_share",
    "staffing.fte": "stable_fte",
    "housing.per_half_year": "fixed_quota_per_half_year",
}
"""Policy fields that vary per run inside one vectorised evaluation (field -> PolicyArrays attribute)."""
MAX_FACTORIAL_RUNS = 10_000_000


class Uncertainty(Strict):
    """An uncertain input with its distribution; ``target`` is a per-run asylum parameter or the inflow level.

    ``low``/``high`` bound every distribution (normal and lognormal are truncated to them);
    ``distribution: registry`` takes the range given in the parameter registry (``params/asylum.yaml``).
    """

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    target: str = Field(description=f"a per-run asylum parameter or {INFLOW_LEVEL!r}")
    distribution: Literal["uniform", "triangular", "normal", "lognormal", "discrete", "registry"]
    low: float | None = None
    high: float | None = None
    mode: float | None = Field(None, description="triangular: most likely value")
    mean: float | None = Field(None, description="normal: mean before truncation")
    sd: float | None = Field(None, gt=0, description="normal: standard deviation; lognormal: sd of log")
    median: float | None = Field(None, gt=0, description="lognormal: median before truncation")
    values: list[float] | None = Field(None, min_length=1, description="discrete: the possible values")
    weights: list[float] | None = Field(None, min_length=1, description="discrete: relative weights")

    @model_validator(mode="after")
    def _check(self) -> Uncertainty:
        if self.target != INFLOW_LEVEL and self.target not in PER_RUN:
            raise ValueError(
                f"target {self.target!r} cannot vary per run; use {INFLOW_LEVEL!r} or one of {PER_RUN}"
            )
        needed = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd", "low", "high"),
            "lognormal": ("median", "sd", "low", "high"),
            "discrete": ("values",),
            "registry": (),
        }[self.distribution]
        missing = [key for key in needed if getattr(self, key) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        lowest = -np.inf if self.low is None else self.low
        highest = np.inf if self.high is None else self.high
        if self.mode is not None and not lowest <= self.mode <= highest:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        if self.weights is not None and (self.values is None or len(self.weights) != len(self.values)):
            raise ValueError("weights must match values one to one")
        if self.weights is not None and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ValueError("weights must be non-negative and not all zero")
        if self.distribution == "lognormal" and self.low is not None and self.low <= 0:
            raise ValueError("a lognormal distribution needs low above zero")
        if self.distribution == "registry" and self.target == INFLOW_LEVEL:
            raise ValueError(f"{INFLOW_LEVEL} has no registry range; give a distribution")
        return self


class Lever(Strict):
    """A policy choice: a dotted ``field`` of ``Policy`` with options, or a numeric range.

    Ranges are sampled when futures and policies are sampled together (``combine: sampled``) and
    split into ``steps`` evenly spaced values for a full cross.
    """

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    field: str = Field(min_length=1, description="dotted path in Policy, e.g. reception.buffer_places")
    options: list[Any] | None = Field(None, min_length=1)
    low: float | None = None
    high: float | None = None
    integer: bool = Field(False, description="round range values to whole numbers")
    steps: int = Field(3, ge=2, le=50, description="values of a range in a full cross")

    @model_validator(mode="after")
    def _check(self) -> Lever:
        has_range = self.low is not None or self.high is not None
        if (self.options is not None) == has_range:
            raise ValueError("give either options or a range (low and high)")
        if has_range:
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError("a range needs low below high")
            if self.field not in PER_RUN_LEVERS:
                raise ValueError(f"a range is possible for {sorted(PER_RUN_LEVERS)}; use options for others")
        return self

    @property
    def per_run(self) -> bool:
        """True when the lever's value can differ between runs of one vectorised evaluation."""
        return self.field in PER_RUN_LEVERS


class Sampler(Strict):
    """How futures (and, when sampled together, policies) are drawn from the unit hypercube.

    ``sobol``: Saltelli's scheme (SALib), ``size`` a power of two, ``size * (dims + 2)`` rows;
    ``morris``: ``size`` trajectories of ``dims + 1`` rows; ``full_factorial``: ``levels`` per dimension.
    """

    kind: Literal["latin_hypercube", "sobol", "monte_carlo", "full_factorial", "morris"] = "latin_hypercube"
    size: int = Field(1000, ge=1, le=10_000_000)
    levels: int = Field(4, ge=2, le=100, description="full factorial and Morris grid levels per dimension")

    @model_validator(mode="after")
    def _check(self) -> Sampler:
        if self.kind == "sobol" and self.size & (self.size - 1):
            lower = 1 << (self.size.bit_length() - 1)
            raise ValueError(
                f"a sobol sample needs size a power of two (Saltelli); {self.size} is not, "
                f"use {lower} or {lower * 2}"
            )
        return self


class Experiment(Strict):
    """A complete exploration: horizon, base inflow, uncertainties, levers or policies, outcomes, sampler."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    start_year: int = Field(2025, ge=2015, le=2060)
    end_year: int = Field(2034, ge=2015, le=2100, description="last simulated year (inclusive)")
    seed: int = Field(20251127, ge=0)
    inflow: StochasticInflow = Field(default_factory=StochasticInflow)
    uncertainties: list[Uncertainty] = Field(default_factory=list)
    base_policy: Policy = Field(default_factory=lambda: Policy(name="base"))
    policies: list[Policy] = Field(default_factory=list, description="named policies (instead of levers)")
    levers: list[Lever] = Field(default_factory=list)
    combine: Literal["cross", "sampled"] = Field(
        "cross", description="cross: every policy on every future; sampled: levers sampled with futures"
    )
    sampler: Sampler = Field(default_factory=Sampler)
    outcomes: list[str] = Field(default_factory=lambda: list(INDICATOR_NAMES), min_length=1)
    summaries: list[str] = Field(
        default_factory=lambda: ["in_chain", "without_shelter", "ind_backlog", "holders_waiting"],
        description="monthly variables with streaming quantiles per time step",
    )
    yearly: list[str] = Field(
        default_factory=lambda: ["without_shelter", "ind_backlog"],
        description="monthly variables kept per run at each December (per-time-step sensitivity)",
    )
    thresholds: list[Threshold] = Field(default_factory=list)
    parameters: dict[str, ParamValue] = Field(default_factory=dict, description="parameter overrides")

    @model_validator(mode="after")
    def _check(self) -> Experiment:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year ({self.end_year}) must not precede start_year ({self.start_year})")
        names = [u.name for u in self.uncertainties] + [lever.name for lever in self.levers]
        if len(set(names)) != len(names):
            raise ValueError(f"uncertainty and lever names must be unique, got {names}")
        if self.policies and self.levers:
            raise ValueError("give either policies or levers, not both")
        if self.combine == "sampled" and not self.levers:
            raise ValueError("combine: sampled needs levers to sample")
        unknown = [name for name in self.outcomes if name not in INDICATOR_NAMES]
        if unknown:
            raise ValueError(f"unknown outcomes {unknown}; known: {', '.join(INDICATOR_NAMES)}")
        if not self.uncertainties and self.combine == "cross":
            raise ValueError("give at least one uncertainty")
        monthly = Flows.scalar_names()
        unknown = [name for name in (*self.summaries, *self.yearly) if name not in monthly]
        if unknown:
            raise ValueError(f"unknown monthly variables {unknown}; known: {', '.join(monthly)}")
        return self

    @field_validator("levers")
    @classmethod
    def _levers_make_policies(cls, levers: list[Lever], info: ValidationInfo) -> list[Lever]:
        """Every lever value must give a valid policy when applied to the base policy."""
        base = info.data.get("base_policy")
        if base is None:
            return levers
        first = {lever.field: lever_values(lever)[0] for lever in levers}
        for lever in levers:
            for value in lever_values(lever):
                try:
                    apply_levers(base, {**first, lever.field: value}, name="check")
                except ValueError as error:
                    raise ValueError(
                        f"lever {lever.name!r} value {value!r} on the base policy: {error}"
                    ) from None
        return levers

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return 12 * (self.end_year - self.start_year + 1)

    def scenario(self) -> Scenario:
        """The scenario the experiment varies: its horizon, seed, base inflow and parameter overrides."""
        return Scenario(
            name=self.name,
            start_year=self.start_year,
            end_year=self.end_year,
            runs=1,
            seed=self.seed,
            inflow=self.inflow,
            policies=[self.base_policy],
            parameters=self.parameters,
        )


def lever_values(lever: Lever) -> list[Any]:
    """The values a lever takes in a full cross: its options, or ``steps`` evenly spaced range values."""
    if lever.options is not None:
        return list(lever.options)
    assert lever.low is not None and lever.high is not None
    step = (lever.high - lever.low) / (lever.steps - 1)
    values = [lever.low + index * step for index in range(lever.steps)]
    return [round(value) for value in values] if lever.integer else values


def apply_levers(base: Policy, values: dict[str, Any], name: str) -> Policy:
    """A copy of ``base`` named ``name`` with dotted ``field: value`` pairs set (whole objects first)."""
    content = base.model_dump()
    content["name"] = name
    for field_path in sorted(values, key=lambda path: path.count(".")):
        *parents, leaf = field_path.split(".")
        target = content
        for part in parents:
            child = target.get(part)
            if not isinstance(child, dict):
                raise ValueError(f"{field_path!r} is not a field of a policy")
            target = child
        if leaf not in target and leaf != "name":
            raise ValueError(f"{field_path!r} is not a field of this policy (rule {target.get('rule')!r})")
        target[leaf] = values[field_path]
    return Policy.model_validate(content)


def load_experiment(path: str | Path) -> Experiment:
    """Load and validate an experiment YAML file (InputError names file, key and expectation)."""
    return load_model(path, Experiment)
