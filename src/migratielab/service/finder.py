"""The plan finder: search the plan space for plans that meet stated limits over an ensemble of futures.

The decision variables are the levels of the chosen immigration channels (persons per year, constant
from the first year, with the base plan's relative low-high spread) and optionally per-run asylum
levers (e.g. ``staffing.fte``) within their bands. Every generation's plans are evaluated together:
one batched run of the coupled system (``service.scorecard.plan_datasets``) over plans x futures,
each plan on the same futures (run ids, seed). The optimiser is pymoo's NSGA-II (or NSGA-III for
many objectives) with the limits as inequality constraints (see ``analysis.planfinder``).

A found plan is returned as a scenario; its scorecard (``service.scorecard.scorecard``) with the
same runs and seed reproduces the finder's values. Plans on the front are re-run on fresh futures
(another seed) to show whether the limits still hold there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.algorithms.moo.nsga3 import NSGA3
from pymoo.core.problem import Problem
from pymoo.optimize import minimize
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting
from pymoo.util.ref_dirs import get_reference_directions

from migratielab.analysis.planfinder import (
    Diagnosis,
    LevelBand,
    PlanLimits,
    at_edges,
    binding,
    diagnose,
    limit_margins,
    needed_futures,
    share_met,
)
from migratielab.analysis.scorecard import catalogue, entry_values
from migratielab.errors import InputError
from migratielab.experiments.schema import PER_RUN_LEVERS
from migratielab.scenario import (
    Band,
    Scenario,
    bundled_scenario_names,
    bundled_scenario_path,
    load_scenario,
)
from migratielab.service.population import Levers, with_asylum_chain
from migratielab.service.scorecard import plan_datasets, series_denominator

CHAIN_CHANNELS = ("asylum", "asylum_family")
INTEGER_LEVERS = (
    "reception.base_places",
    "reception.buffer_places",
    "reception.activation_months",
    "housing.per_half_year",
)
LEVER_RULES = {"reception": "fixed_buffer", "staffing": "stable", "housing": "fixed"}
FRESH_SEED_OFFSET = 1_000_003
"""Fresh futures for the check of found plans: the search seed plus this offset."""


def base_scenario(spec: PlanLimits, source: Path) -> Scenario:
    """The limits file's scenario (a file relative to it, or a bundled name) on its futures and horizon."""
    path = source.parent / spec.scenario
    if not path.is_file() and spec.scenario in bundled_scenario_names():
        path = bundled_scenario_path(spec.scenario)
    scenario = load_scenario(path)
    update: dict[str, Any] = {
        "runs": spec.futures,
        "seed": spec.seed if spec.seed is not None else scenario.seed,
    }
    if spec.end_year is not None:
        update["end_year"] = spec.end_year
    try:
        return Scenario.model_validate({**scenario.model_dump(by_alias=True), **update})
    except ValueError as error:
        raise InputError(source, "end_year", str(error).splitlines()[-1]) from None


def _spread(bands: list[Band], year: int) -> tuple[float, float]:
    """Low and high relative to central of the band in force in ``year`` (1, 1 when central is 0)."""
    applicable = [
        band for band in sorted(bands, key=lambda b: b.from_year) if band.from_year <= year
    ] or bands[:1]
    band = applicable[-1]
    return (band.low / band.central, band.high / band.central) if band.central > 0 else (1.0, 1.0)


def with_levels(scenario: Scenario, levels: dict[str, float], policy: dict[str, float]) -> Scenario:
    """The scenario with channel levels (persons per year from the first year, the base's spread kept)
    and asylum levers of its first policy set (fields like ``staffing.fte``)."""
    plan = scenario.population
    assert plan is not None
    inflows = plan.inflows.model_dump(by_alias=True)
    for channel, level in levels.items():
        low, high = _spread(getattr(plan.inflows, channel), scenario.start_year)
        inflows[channel] = [
            {"from": scenario.start_year, "central": level, "low": level * low, "high": level * high}
        ]
    content = scenario.model_dump(by_alias=True)
    content["population"]["inflows"] = inflows
    if policy and content.get("asylum"):
        first = content["asylum"]["policies"][0]
        for name, value in policy.items():
            part, key = name.split(".")
            first[part][key] = round(value) if name in INTEGER_LEVERS else value
    return Scenario.model_validate(content)


def check_levers(spec: PlanLimits, scenario: Scenario, source: Path) -> Scenario:
    """The coupled scenario the search runs; InputError for levers it cannot move."""
    if scenario.population is None:
        raise InputError(source, "scenario", "a scenario with a population section (a migration plan)")
    for channel in spec.channels:
        if channel in CHAIN_CHANNELS:
            raise InputError(
                source, f"channels.{channel}", "not a lever: asylum numbers come from the asylum chain"
            )
    coupled = with_asylum_chain(scenario)
    assert coupled.asylum is not None
    first = coupled.asylum.policies[0]
    for name in spec.policy:
        if name not in PER_RUN_LEVERS:
            raise InputError(source, f"policy.{name}", f"a per-run lever: {', '.join(PER_RUN_LEVERS)}")
        part = name.split(".")[0]
        rule = getattr(first, part).rule
        if rule != LEVER_RULES[part]:
            raise InputError(
                source,
                f"policy.{name}",
                f"the first policy to use the {LEVER_RULES[part]!r} {part} rule (it uses {rule!r})",
            )
    return coupled


@dataclass
class Question:
    """A prepared search: the coupled base (unit channel levels), levers, bands and the archive of plans."""

    spec: PlanLimits
    scenario: Scenario  # the base as given (found plans are built from it)
    base: Scenario  # coupled, with every searched channel at level 1 (levels enter as multipliers)
    names: list[str]
    archive_x: list[np.ndarray] = field(default_factory=list)
    archive_values: list[dict[str, np.ndarray]] = field(default_factory=list)

    @property
    def lower(self) -> np.ndarray:
        """Lower bounds of the decision variables."""
        return np.array([self.band(name).low for name in self.names])

    @property
    def upper(self) -> np.ndarray:
        """Upper bounds of the decision variables."""
        return np.array([self.band(name).high for name in self.names])

    def band(self, name: str) -> LevelBand:
        """The band of a decision variable."""
        return self.spec.channels[name] if name in self.spec.channels else self.spec.policy[name]

    def entry_ids(self) -> list[str]:
        """Scorecard entries the limits and objectives need."""
        return list(
            dict.fromkeys(
                [
                    *(limit.indicator for limit in self.spec.limits),
                    *(o.indicator for o in self.spec.objectives),
                ]
            )
        )

    def rounded(self, x: np.ndarray) -> np.ndarray:
        """Decision values as the plans use them: whole persons per year, whole places."""
        x = np.clip(np.asarray(x, dtype=float), self.lower, self.upper)
        whole = [
            k for k, name in enumerate(self.names) if name in self.spec.channels or name in INTEGER_LEVERS
        ]
        x[:, whole] = np.round(x[:, whole])
        return x

    def values(self, x: np.ndarray, base: Scenario | None = None) -> dict[str, np.ndarray]:
        """Entry values (plans, futures) of plans ``x`` (plans, variables): one batched system run."""
        base = base or self.base
        plans, futures = x.shape[0], base.runs
        population = {
            f"population.inflows.{n}": np.repeat(x[:, k], futures)
            for k, n in enumerate(self.names)
            if n in self.spec.channels
        }
        policy = {
            PER_RUN_LEVERS[n]: np.repeat(x[:, k], futures)
            for k, n in enumerate(self.names)
            if n in self.spec.policy
        }
        levers = Levers(np.tile(np.arange(futures), plans), population, policy)
        datasets = plan_datasets(base, levers)
        result = {}
        for entry_id in self.entry_ids():
            entry = catalogue().entry(entry_id)
            values = entry_values(entry, datasets, base.years, series_denominator(entry))
            result[entry_id] = values.reshape(plans, futures)
        return result

    def margins(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Margins (plans, limits)."""
        plans, futures = next(iter(values.values())).shape
        columns = [
            limit_margins(
                values[limit.indicator], limit, needed_futures(futures, limit.share, self.spec.confidence)
            )
            for limit in self.spec.limits
        ]
        return np.stack(columns, axis=1) if columns else np.zeros((plans, 0))

    def objectives(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Objective values to minimise (plans, objectives): signed medians over futures."""
        return np.stack(
            [o.sign * np.nanmedian(values[o.indicator], axis=1) for o in self.spec.objectives], axis=1
        )


class PlanProblem(Problem):  # type: ignore[misc]
    """pymoo's view of a question: a population of plans evaluated in one batched run per generation."""

    def __init__(self, question: Question) -> None:
        spec = question.spec
        super().__init__(
            n_var=len(question.names),
            n_obj=len(spec.objectives),
            n_ieq_constr=len(spec.limits),
            xl=question.lower,
            xu=question.upper,
        )
        self.question = question

    def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        question = self.question
        plans = question.rounded(x)
        values = question.values(plans)
        question.archive_x.append(plans)
        question.archive_values.append(values)
        out["F"] = question.objectives(values)
        if question.spec.limits:
            out["G"] = -question.margins(values)


@dataclass(frozen=True)
class FoundPlan:
    """A plan that meets every limit on the search futures, with its scores."""

    levels: dict[str, float]
    scenario: Scenario
    medians: dict[str, float]
    shares: dict[str, float]  # share of search futures meeting each limit
    fresh_shares: dict[str, float]  # the same on fresh futures (another seed)
    values: dict[str, np.ndarray]  # (futures,) per entry on the search futures
    holds_on_fresh_futures: bool  # every limit met in its share of the fresh futures


@dataclass(frozen=True)
class FinderResult:
    """The answer: plans meeting the limits (the trade-off front among them), binding limits, or why none."""

    spec: PlanLimits
    plans: list[FoundPlan]
    binding: dict[str, float]  # limit -> share of found plans in which it binds
    edges: dict[str, float]  # "lever at low/high" -> share of found plans
    diagnosis: Diagnosis | None
    evaluated: int  # plans evaluated
    rows: int  # plan-futures run through the system
    seconds: float
    fresh_seed: int


def _algorithm(question: Question, start: np.ndarray) -> Any:
    """NSGA-II, or NSGA-III with Das-Dennis reference directions, starting from ``start``."""
    search = question.spec.search
    if search.algorithm == "nsga3":
        objectives = len(question.spec.objectives)
        directions = get_reference_directions("das-dennis", objectives, n_partitions=max(2, 12 // objectives))
        return NSGA3(ref_dirs=directions, pop_size=search.population, sampling=start)
    return NSGA2(pop_size=search.population, sampling=start)


def initial_plans(question: Question, seed: int) -> np.ndarray:
    """Random plans within the bands, plus the all-low and all-high corners (the extremes of each limit)."""
    rng = np.random.default_rng(seed)
    lower, upper = question.lower, question.upper
    start = lower + (upper - lower) * rng.random((question.spec.search.population, len(lower)))
    start[0], start[-1] = lower, upper
    return question.rounded(start)


def _feasible_front(question: Question) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Distinct evaluated plans that meet every limit and are not dominated among those, with margins."""
    x = np.concatenate(question.archive_x)
    values = {
        key: np.concatenate([v[key] for v in question.archive_values]) for key in question.archive_values[0]
    }
    margins = question.margins(values)
    _, first = np.unique(x, axis=0, return_index=True)
    keep = np.zeros(len(x), dtype=bool)
    keep[first] = True
    keep &= (margins >= 0).all(axis=1)
    chosen = np.flatnonzero(keep)
    if chosen.size:
        front = NonDominatedSorting().do(
            question.objectives({k: v[chosen] for k, v in values.items()}), only_non_dominated_front=True
        )
        chosen = chosen[np.sort(front)]
    return x[chosen], {k: v[chosen] for k, v in values.items()}, margins


def _found(
    question: Question, x: np.ndarray, values: dict[str, np.ndarray], fresh: dict[str, np.ndarray]
) -> list[FoundPlan]:
    """The found plans with their scenarios and scores."""
    spec, plans = question.spec, []
    for i, row in enumerate(x):
        levels = dict(zip(question.names, (float(v) for v in row), strict=True))
        channels = {n: v for n, v in levels.items() if n in spec.channels}
        policy = {n: v for n, v in levels.items() if n in spec.policy}
        scenario = with_levels(question.scenario, channels, policy).model_copy(
            update={"name": f"{question.scenario.name}: found plan {i + 1}"}
        )
        plans.append(
            FoundPlan(
                levels=levels,
                scenario=scenario,
                medians={key: float(np.nanmedian(v[i])) for key, v in values.items()},
                shares={
                    limit.name: float(share_met(values[limit.indicator][i], limit)) for limit in spec.limits
                },
                fresh_shares={
                    limit.name: float(share_met(fresh[limit.indicator][i], limit)) for limit in spec.limits
                },
                values={key: v[i] for key, v in values.items()},
                holds_on_fresh_futures=all(
                    share_met(fresh[limit.indicator][i], limit) >= limit.share for limit in spec.limits
                ),
            )
        )
    return plans


def prepare(spec: PlanLimits, source: Path) -> Question:
    """The question of a limits file: base scenario checked, channels at unit level for the search."""
    scenario = base_scenario(spec, source)
    check_levers(spec, scenario, source)
    base = with_asylum_chain(with_levels(scenario, dict.fromkeys(spec.channels, 1.0), {}))
    return Question(spec, scenario, base, [*spec.channels, *spec.policy])


def find_plans(spec: PlanLimits, source: str | Path = "limits") -> FinderResult:
    """Search plans meeting ``spec``'s limits; name the conflicting limits when none does."""
    started = time.perf_counter()
    question = prepare(spec, Path(source))
    problem = PlanProblem(question)
    seed = question.base.seed
    minimize(
        problem,
        _algorithm(question, initial_plans(question, seed)),
        ("n_gen", spec.search.generations),
        seed=seed % 2**31,
        verbose=False,
    )
    x, values, margins = _feasible_front(question)
    evaluated = len(margins)
    fresh_seed = question.base.seed + FRESH_SEED_OFFSET
    fresh = question.values(x, question.base.model_copy(update={"seed": fresh_seed})) if len(x) else {}
    diagnosis = None if len(x) else diagnose(margins, spec.limits, evaluated)
    found_margins = question.margins(values) if len(x) else np.zeros((0, len(spec.limits)))
    bands = [question.band(name) for name in question.names]
    return FinderResult(
        spec=spec,
        plans=_found(question, x, values, fresh),
        binding=binding(found_margins, margins, spec.limits),
        edges=at_edges(x, bands, question.names) if len(x) else {},
        diagnosis=diagnosis,
        evaluated=evaluated,
        rows=evaluated * question.base.runs + len(x) * question.base.runs,
        seconds=time.perf_counter() - started,
        fresh_seed=fresh_seed,
    )


def finder_records(result: FinderResult) -> dict[str, object]:
    """The finder's answer as JSON-ready data."""
    plans = [
        {
            "levels": plan.levels,
            "medians": plan.medians,
            "share_of_futures_meeting": plan.shares,
            "share_of_fresh_futures_meeting": plan.fresh_shares,
            "holds_on_fresh_futures": plan.holds_on_fresh_futures,
        }
        for plan in result.plans
    ]
    diagnosis = None if result.diagnosis is None else result.diagnosis.__dict__
    return {
        "plans_evaluated": result.evaluated,
        "futures": result.spec.futures,
        "plan_futures_run": result.rows,
        "seconds": round(result.seconds, 2),
        "fresh_seed": result.fresh_seed,
        "plans": plans,
        "binding": result.binding,
        "at_band_edges": result.edges,
        "no_plan": diagnosis,
    }
