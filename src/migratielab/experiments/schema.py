"""Experiment files: uncertainties, levers, outcomes, sampler and how futures and policies combine.

An experiment is YAML validated by these pydantic models (unknown keys rejected), in the spirit of
EMA Workbench: an *uncertainty* has a distribution and is sampled into *futures*; a *lever* has
options (or a range) and makes *policies*; *outcomes* are indicator names of
``migratielab.analysis.indicators.INDICATORS`` or any registered variable of a pillar that takes
part, at a year: ``population.potential_labour_force@2040``, ``asylum.in_chain@2030`` (December).

Pillars: ``asylum`` (the chain; its parameters and policy fields), ``population`` (a migration plan;
per-run inputs ``population.tfr_multiplier``, ``population.departure_multiplier``,
``population.native_net_emigration_rate`` and ``population.inflows.<channel>``, a multiplier of that
channel's plan levels). With both and ``population.asylum_from_chain`` the chain's grants feed the
population month by month in the system loop. ``municipal`` (the municipalities, with the chain:
they take its housing task and their realisation is its outflow of status holders; an optional
``municipal`` section of the scenario): per-run inputs ``municipal.<parameter>`` for its uncertain
parameters (``params/municipal.yaml``) and the national levers ``municipal.flexible_homes_per_year``,
``municipal.share_allocated``, ``municipal.quality_lift`` and ``municipal.budget_per_person``;
outcomes are its national totals per year, e.g. ``municipal.total_housed@2030``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from migratielab.analysis.indicators import INDICATORS
from migratielab.analysis.robustness import Threshold
from migratielab.errors import InputError
from migratielab.limits import SEED, check_share_groups, parameter_limit
from migratielab.models.asylum.chain import Flows
from migratielab.models.asylum.parameters import PER_RUN
from migratielab.models.labour.channels import CHANNELS as LABOUR_CHANNELS
from migratielab.models.labour.setup import UNCERTAIN as LABOUR_UNCERTAIN
from migratielab.models.municipal.setup import LEVERS as MUNICIPAL_LEVERS
from migratielab.models.municipal.setup import UNCERTAIN as MUNICIPAL_UNCERTAIN
from migratielab.models.population.projection import INFLOWS
from migratielab.models.variables import registry
from migratielab.params import ParamValue, default_parameters
from migratielab.scenario import (
    AsylumSection,
    LabourSection,
    MigrationPlan,
    MunicipalSection,
    Policy,
    Scenario,
    StochasticInflow,
    check_asylum_overrides,
)
from migratielab.yamlio import Strict, load_model

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
Pillar = Literal["asylum", "population", "labour", "municipal"]
DEFAULT_PILLARS: tuple[Pillar, ...] = ("asylum",)
ASYLUM_PREFIX = "asylum."
POPULATION_CHANNELS = tuple(f"population.inflows.{channel}" for channel in INFLOWS)
"""Per-run multipliers of a channel's plan levels (dimensionless): uncertainties or levers."""
POPULATION_TARGETS = (
    "population.tfr_multiplier",
    "population.departure_multiplier",
    "population.native_net_emigration_rate",
    *POPULATION_CHANNELS,
)
"""Population inputs that vary per run: TFR multiplier, departure-hazard multiplier, native net
emigration rate (per person per year), and channel multipliers."""
MUNICIPAL_PREFIX = "municipal."
MUNICIPAL_LEVER_TARGETS = tuple(MUNICIPAL_PREFIX + name for name in MUNICIPAL_LEVERS)
"""National municipal levers that vary per run: extra flexible homes per year (dwellings per year),
share of lettings to status holders (fraction), pass-rate lift (share), route budget (EUR per person)."""
MUNICIPAL_TARGETS = (*(MUNICIPAL_PREFIX + name for name in MUNICIPAL_UNCERTAIN), *MUNICIPAL_LEVER_TARGETS)
"""Municipal inputs that vary per run: its uncertain parameters (units as in ``params/municipal.yaml``)
and its national levers."""
REGISTRY_LESS = ("population.tfr_multiplier", *POPULATION_CHANNELS, *MUNICIPAL_LEVER_TARGETS)
"""Uncertainty targets without a range in a parameter registry."""
LABOUR_PLAN = tuple(f"labour.plan.{channel}" for channel in LABOUR_CHANNELS)
"""Per-run multipliers of a labour channel's plan level (dimensionless)."""
LABOUR_LEVERS = ("labour.levers.diploma_recognition", "labour.levers.intensive_guidance")
"""Per-run reach of the levers for migrants already here (share 0..1, replaces the section's)."""
LABOUR_PARAMETERS = tuple(f"labour.{name}" for name in LABOUR_UNCERTAIN)
"""Labour parameters drawn per run (``distribution: registry`` takes params/labour.yaml's range)."""
LABOUR_TARGETS = (*LABOUR_PLAN, *LABOUR_LEVERS, *LABOUR_PARAMETERS)
"""Labour inputs that vary per run: uncertainties or levers (ranges or options)."""


def labour_input_problem(target: str, distribution: str | None = None) -> str | None:
    """Why a labour ``target`` cannot be used (as uncertainty with ``distribution``, or as lever), or None."""
    if target not in LABOUR_TARGETS:
        return f"labour inputs are {', '.join(LABOUR_TARGETS)}"
    if distribution == "registry" and target not in LABOUR_PARAMETERS:
        return f"{target} has no registry range; give a distribution"
    return None


def without_asylum_prefix(name: str) -> str:
    """``asylum.family_per_grant`` -> ``family_per_grant`` (asylum names may be written either way)."""
    return name.removeprefix(ASYLUM_PREFIX)


def target_pillar(target: str) -> Pillar:
    """The pillar an uncertainty target or lever field belongs to."""
    if target.startswith(MUNICIPAL_PREFIX):
        return "municipal"
    if target.startswith("labour."):
        return "labour"
    return "population" if target.startswith("population.") else "asylum"


def parse_outcome(name: str) -> tuple[Pillar, str, int] | None:
    """``pillar.variable@year`` as its parts; None for an asylum indicator name."""
    if "@" not in name or "." not in name.split("@")[0]:
        return None
    reference, year = name.rsplit("@", 1)
    pillar, variable = reference.split(".", 1)
    if pillar not in get_args(Pillar) or not year.isdigit():
        raise ValueError(f"outcome {name!r}: expected pillar.variable@year, e.g. population.population@2040")
    return pillar, variable, int(year)  # type: ignore[return-value]


class Uncertainty(Strict):
    """An uncertain input with its distribution; ``target`` is a per-run asylum parameter or the inflow level.

    ``low``/``high`` bound every distribution (normal and lognormal are truncated to them);
    ``distribution: registry`` takes the range given in the parameter registry (``params/asylum.yaml``).
    """

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    target: str = Field(description=f"a per-run asylum parameter, {INFLOW_LEVEL!r} or a population input")

    @field_validator("target")
    @classmethod
    def _plain_asylum_name(cls, target: str) -> str:
        return without_asylum_prefix(target)

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
        if target_pillar(self.target) == "labour":
            problem = labour_input_problem(self.target, self.distribution)
            if problem:
                raise ValueError(problem)
        elif self.target not in (INFLOW_LEVEL, *PER_RUN, *POPULATION_TARGETS, *MUNICIPAL_TARGETS):
            raise ValueError(
                f"target {self.target!r} cannot vary per run; use {INFLOW_LEVEL!r}, an asylum parameter "
                f"({', '.join(PER_RUN)}), a population input ({', '.join(POPULATION_TARGETS)}) "
                f"or a municipal input ({', '.join(MUNICIPAL_TARGETS)})"
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
        if self.distribution == "registry" and self.target in (INFLOW_LEVEL, *REGISTRY_LESS):
            raise ValueError(f"{self.target} has no registry range; give a distribution")
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
        if self.field.startswith("population.") and self.field not in POPULATION_CHANNELS:
            raise ValueError(f"population levers are channel multipliers: {', '.join(POPULATION_CHANNELS)}")
        if self.field.startswith(MUNICIPAL_PREFIX) and self.field not in MUNICIPAL_LEVER_TARGETS:
            raise ValueError(f"municipal levers are {', '.join(MUNICIPAL_LEVER_TARGETS)}")
        has_range = self.low is not None or self.high is not None
        if (self.options is not None) == has_range:
            raise ValueError("give either options or a range (low and high)")
        if has_range:
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError("a range needs low below high")
            if not self.per_run:
                raise ValueError(
                    f"a range is possible for {sorted(PER_RUN_LEVERS)}, {', '.join(POPULATION_CHANNELS)} "
                    f"{', '.join(MUNICIPAL_LEVER_TARGETS)} and labour inputs; use options for others"
                )
        if self.field.startswith(MUNICIPAL_PREFIX) and not all(
            isinstance(value, int | float) and not isinstance(value, bool) for value in self.options or ()
        ):
            raise ValueError("a municipal lever takes numbers")
        if self.field.startswith("population.") and self.field not in POPULATION_CHANNELS:
            raise ValueError(f"population levers are channel multipliers: {', '.join(POPULATION_CHANNELS)}")
        problem = labour_input_problem(self.field) if target_pillar(self.field) == "labour" else None
        if problem:
            raise ValueError(problem)
        return self

    @property
    def per_run(self) -> bool:
        """True when the lever's value can differ between runs of one vectorised evaluation."""
        return self.field in (
            *PER_RUN_LEVERS,
            *POPULATION_CHANNELS,
            *MUNICIPAL_LEVER_TARGETS,
            *LABOUR_TARGETS,
        )


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
    seed: int = SEED.field(20251127)
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
    pillars: list[Pillar] = Field(default_factory=lambda: list(DEFAULT_PILLARS), min_length=1)
    population: MigrationPlan | None = Field(None, description="the migration plan (population pillar)")
    labour: LabourSection | None = Field(
        None, description="the labour plan, weights and levers (labour pillar)"
    )
    municipal: MunicipalSection | None = Field(
        None, description="the municipalities' levers (municipal pillar; default: the sourced values)"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_chain_summaries_without_the_chain(cls, content: Any) -> Any:
        """Without the asylum pillar the default monthly summaries of the chain do not apply."""
        if isinstance(content, dict) and "asylum" not in content.get("pillars", ["asylum"]):
            return {"summaries": [], "yearly": [], **content}
        return content

    @model_validator(mode="after")
    def _check_pillars(self) -> Experiment:
        if ("population" in self.pillars) != (self.population is not None):
            raise ValueError("the population pillar needs a population plan, and a plan needs the pillar")
        if ("labour" in self.pillars) != (self.labour is not None):
            raise ValueError(
                "the labour pillar needs a labour section, and a labour section needs the pillar"
            )
        if self.population is not None and self.population.asylum_from_chain and "asylum" not in self.pillars:
            raise ValueError("population.asylum_from_chain needs the asylum pillar")
        if self.municipal is not None and "municipal" not in self.pillars:
            raise ValueError("a municipal section needs the municipal pillar in pillars")
        if "municipal" in self.pillars and "asylum" not in self.pillars:
            raise ValueError("the municipal pillar needs the asylum pillar (it houses its status holders)")
        used = [u.target for u in self.uncertainties] + [lever.field for lever in self.levers]
        missing = sorted({target_pillar(name) for name in used} - set(self.pillars))
        if missing:
            raise ValueError(f"uncertainties or levers of pillars {missing} that are not in pillars")
        if "asylum" not in self.pillars and (self.policies or self.summaries or self.yearly):
            raise ValueError("policies, summaries and yearly belong to the asylum chain; add its pillar")
        for name in self.outcomes:
            check_outcome(name, self.pillars, self.start_year, self.end_year)
        return self

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
        if not self.uncertainties and self.combine == "cross":
            raise ValueError("give at least one uncertainty")
        monthly = Flows.scalar_names()
        unknown = [name for name in (*self.summaries, *self.yearly) if name not in monthly]
        if unknown:
            raise ValueError(f"unknown monthly variables {unknown}; known: {', '.join(monthly)}")
        check_asylum_overrides(self.parameters)
        check_uncertainty_limits(self.uncertainties, self.parameters)
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
        """The scenario the experiment varies: horizon, seed, base inflow and policy, overrides, plan."""
        asylum = None
        if "asylum" in self.pillars:
            base = [self.base_policy]
            asylum = AsylumSection(inflow=self.inflow, policies=base, parameters=self.parameters)
        return Scenario(
            name=self.name,
            start_year=self.start_year,
            end_year=self.end_year,
            runs=1,
            seed=self.seed,
            asylum=asylum,
            population=self.population,
            municipal=self.municipal_section(),
            labour=self.labour,
        )

    def municipal_section(self) -> MunicipalSection | None:
        """The municipalities' section when their pillar takes part (the default levers if none given)."""
        if "municipal" not in self.pillars:
            return None
        return self.municipal or MunicipalSection()


def check_outcome(name: str, pillars: list[Pillar], start_year: int, end_year: int) -> None:
    """Raise ValueError unless ``name`` is an indicator of the chain or ``pillar.variable@year``."""
    parsed = parse_outcome(name)
    if parsed is None:
        if name not in INDICATOR_NAMES or "asylum" not in pillars:
            raise ValueError(
                f"unknown outcome {name!r}; give an asylum indicator ({', '.join(INDICATOR_NAMES)}) "
                "or a registered variable at a year, e.g. population.potential_labour_force@2040"
            )
        return
    pillar, variable, year = parsed
    if pillar not in pillars:
        raise ValueError(f"outcome {name!r} needs the {pillar} pillar")
    variables = registry(pillar)
    if variable not in variables or len(variables[variable].dims) != 2:
        known = [key for key, entry in variables.items() if len(entry.dims) == 2]
        raise ValueError(f"outcome {name!r}: unknown {pillar} variable; known: {', '.join(known)}")
    last = end_year + 1 if pillar == "population" else end_year
    if not start_year <= year <= last:
        raise ValueError(f"outcome {name!r}: year must lie in {start_year}-{last}")


def uncertainty_span(uncertainty: Uncertainty) -> tuple[float, float] | None:
    """Smallest and largest value an uncertainty can take (None for ``registry``: the registry's
    ranges are checked with the parameter files)."""
    if uncertainty.values is not None:
        return min(uncertainty.values), max(uncertainty.values)
    if uncertainty.low is None or uncertainty.high is None:
        return None
    return uncertainty.low, uncertainty.high


def check_uncertainty_limits(uncertainties: list[Uncertainty], overrides: dict[str, ParamValue]) -> None:
    """ValueError if an uncertainty of an asylum parameter leaves the parameter's limits, a
    population input goes below zero, or the largest values of a group of shares sum above 1."""
    defaults = default_parameters("asylum").with_values(overrides)
    largest = {name: defaults.largest(name) for name in defaults}
    for uncertainty in uncertainties:
        span = uncertainty_span(uncertainty)
        if span is None:
            continue
        if uncertainty.target in defaults:
            limit = parameter_limit(uncertainty.target, defaults[uncertainty.target].unit)
            largest[uncertainty.target] = span[1]
        elif uncertainty.target != INFLOW_LEVEL:
            limit = parameter_limit(uncertainty.target, "dimensionless")
        else:
            continue
        if not (limit.contains(span[0]) and limit.contains(span[1])):
            raise ValueError(
                f"uncertainty {uncertainty.name!r} ({uncertainty.target}) ranges over "
                f"{span[0]:g}-{span[1]:g}; its values must each be {limit.expectation}"
            )
    try:
        check_share_groups(largest, "")
    except InputError as error:
        raise ValueError(f"uncertainties of {error.key}: {error.expected}") from None


def lever_values(lever: Lever) -> list[Any]:
    """The values a lever takes in a full cross: its options, or ``steps`` evenly spaced range values."""
    if lever.options is not None:
        return list(lever.options)
    assert lever.low is not None and lever.high is not None
    step = (lever.high - lever.low) / (lever.steps - 1)
    values = [lever.low + index * step for index in range(lever.steps)]
    return [round(value) for value in values] if lever.integer else values


def apply_levers(base: Policy, values: dict[str, Any], name: str) -> Policy:
    """A copy of ``base`` named ``name`` with dotted ``field: value`` pairs set (whole objects first).

    Population and municipal levers are not policy fields and are skipped.
    """
    content = base.model_dump()
    content["name"] = name
    policy_fields = [path for path in values if target_pillar(path) == "asylum"]
    for field_path in sorted(policy_fields, key=lambda path: path.count(".")):
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
