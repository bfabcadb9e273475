"""Scorecard use cases: one integral scorecard for a scenario, and up to four plans side by side.

A scenario with a migration plan runs coupled (``service.population.with_asylum_chain``): the asylum
chain (the scenario's first policy, or forecast-linked on the plan's asylum level) month by month
beside the population, its grants and follow-on family entering the population. An asylum-only
scenario runs the chain alone (``service.asylum.evaluate_policy``). The catalogue entries
(``analysis/scorecard.yaml``) are then reduced from the pillar outputs, one value per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.analysis.indicators import run_indicators
from migratielab.analysis.scorecard import (
    ROBUST_SHARE,
    Difference,
    Entry,
    EntryResult,
    catalogue,
    entry_values,
    paired_difference,
    variable_per_year,
)
from migratielab.data import store
from migratielab.errors import InputError
from migratielab.models.population.paths import plan_builder
from migratielab.models.system import SystemRun
from migratielab.models.variables import lookup
from migratielab.params import default_parameters
from migratielab.scenario import Scenario
from migratielab.service.asylum import evaluate_policy, policies_of
from migratielab.service.citations import Citation, parameter_citation, series_citation, variable_citation
from migratielab.service.population import (
    MAX_RUNS_PER_CHUNK,
    Ensemble,
    Levers,
    system_chunk,
    with_asylum_chain,
)

MAX_PLANS = 4
Datasets = dict[str, xr.Dataset]


def coupled(scenario: Scenario) -> Scenario:
    """The scenario as the scorecard runs it: with a plan, its asylum numbers come from the chain."""
    return scenario if scenario.population is None else with_asylum_chain(scenario)


def _chunk_datasets(result: SystemRun, rows: np.ndarray) -> Datasets:
    """A chunk's pillar outputs as the scorecard's datasets, runs numbered by ``rows``."""
    datasets: Datasets = {}
    if result.asylum is not None:
        monthly = result.asylum.monthly.assign_coords(run=rows)
        indicators = run_indicators(monthly, result.asylum.wait_histogram)
        datasets["asylum"] = monthly
        datasets["asylum.indicators"] = xr.Dataset(
            {k: ("run", v) for k, v in indicators.items()}, {"run": rows}
        )
    if result.population is not None:
        datasets["population"] = result.population.assign_coords(run=rows)
    for pillar in ("municipal", "labour"):
        output = getattr(result, pillar)
        if output is not None:
            datasets[pillar] = output.assign_coords(run=rows)
    return datasets


def plan_datasets(scenario: Scenario, levers: Levers | None = None) -> Datasets:
    """Pillar outputs of a coupled scenario with a plan, per row of ``levers`` (default: its runs).

    Rows are run in chunks; a row's numbers depend only on its future (run id) and levers.
    """
    plan = scenario.population
    assert plan is not None and plan.asylum_from_chain
    levers = levers or Levers(np.arange(scenario.runs), {}, {})
    params = default_parameters("population")
    builder = plan_builder(plan, scenario.start_year, scenario.end_year + 1, params, scenario.runs > 1)
    ensemble = Ensemble(scenario.start_year, scenario.runs, scenario.seed)
    parts: list[Datasets] = []
    for first in range(0, len(levers.futures), MAX_RUNS_PER_CHUNK):
        rows = np.arange(first, min(first + MAX_RUNS_PER_CHUNK, len(levers.futures)))
        result = system_chunk(
            ensemble, builder, params, False, scenario, levers.rows(slice(first, rows[-1] + 1)), None
        )
        parts.append(_chunk_datasets(result, rows))
    return {key: xr.concat([part[key] for part in parts], dim="run") for key in parts[0]}


def pillar_datasets(scenario: Scenario) -> Datasets:
    """Pillar outputs of every run of the scenario as the scorecard runs it (see ``coupled``)."""
    scenario = coupled(scenario)
    if scenario.population is not None:
        return plan_datasets(scenario)
    outcome = evaluate_policy(scenario, policies_of(scenario)[0])
    assert outcome.monthly is not None
    indicators = xr.Dataset.from_dataframe(outcome.indicators)
    return {"asylum": outcome.monthly, "asylum.indicators": indicators}


def series_denominator(entry: Entry) -> float | None:
    """The latest annual value of the entry's ``per_series`` (None without one)."""
    if entry.per_series is None:
        return None
    return float(store.annual(entry.per_series).iloc[-1])


def entry_result(entry: Entry, datasets: Datasets, years: list[int]) -> EntryResult:
    """One entry's values per run, or why it is missing (pillar not run, year outside the horizon)."""
    absent = sorted(pillar for pillar in entry.pillars if pillar not in datasets)
    if absent:
        pillars = ", ".join(absent)
        return EntryResult(entry, None, f"pillar not in this scenario: {pillars}", ("pillars", pillars))
    try:
        values = entry_values(entry, datasets, years, series_denominator(entry))
    except KeyError:
        horizon = f"{years[0]}-{years[-1]}"
        return EntryResult(entry, None, f"outside the horizon {horizon}", ("horizon", horizon))
    return EntryResult(entry, values)


@dataclass(frozen=True)
class Scorecard:
    """The integral scorecard of one scenario: every catalogue entry's values per run."""

    scenario: Scenario
    results: list[EntryResult]

    def result(self, entry_id: str) -> EntryResult:
        """The line of one entry (KeyError if unknown)."""
        for result in self.results:
            if result.entry.id == entry_id:
                return result
        raise KeyError(entry_id)


def scorecard_of(scenario: Scenario, datasets: Datasets) -> Scorecard:
    """The scorecard from already computed pillar outputs."""
    return Scorecard(
        scenario, [entry_result(entry, datasets, scenario.years) for entry in catalogue().indicators]
    )


def scorecard(scenario: Scenario) -> Scorecard:
    """Run the scenario (coupled) and compute its integral scorecard."""
    return scorecard_of(scenario, pillar_datasets(scenario))


@dataclass(frozen=True)
class PlanComparison:
    """Plans on the same futures: their scorecards and, per entry, each plan against the first."""

    scorecards: list[Scorecard]
    differences: list[dict[str, Difference]]  # one per plan after the first, by entry id


def _paired(scenarios: list[Scenario]) -> list[Scenario]:
    """The plans on the first plan's runs and seed (paired futures); InputError if horizons differ."""
    if not 2 <= len(scenarios) <= MAX_PLANS:
        raise InputError("plans", "", f"between 2 and {MAX_PLANS} plans to compare, got {len(scenarios)}")
    first = scenarios[0]
    for scenario in scenarios[1:]:
        if scenario.years != first.years:
            raise InputError(
                scenario.name,
                "start_year/end_year",
                f"the horizon of {first.name!r} ({first.start_year}-{first.end_year})",
            )
    return [scenario.model_copy(update={"runs": first.runs, "seed": first.seed}) for scenario in scenarios]


def compare_plans(scenarios: list[Scenario]) -> PlanComparison:
    """Scorecards of 2-4 plans on the same futures (the first plan's runs and seed), paired differences."""
    return _with_differences([scorecard(scenario) for scenario in _paired(scenarios)])


def compare_plans_and_paths(
    scenarios: list[Scenario], keys: Sequence[str]
) -> tuple[PlanComparison, list[dict[str, xr.DataArray]]]:
    """``compare_plans``, and per plan the registered variables ``keys`` per run and year (monthly
    stocks at December, flows summed over the year; extra dimensions summed), from the same runs."""
    cards, paths = [], []
    for scenario in _paired(scenarios):
        datasets = pillar_datasets(scenario)
        cards.append(scorecard_of(scenario, datasets))
        paths.append({key: variable_per_year(datasets, key) for key in keys})
    return _with_differences(cards), paths


def _with_differences(cards: list[Scorecard]) -> PlanComparison:
    """The scorecards with each later plan's paired differences to the first."""
    reference = cards[0]
    differences = []
    for card in cards[1:]:
        differences.append(
            {
                result.entry.id: paired_difference(result.entry.better, base.values, result.values)
                for result, base in zip(card.results, reference.results, strict=True)
                if result.values is not None and base.values is not None
            }
        )
    return PlanComparison(cards, differences)


def variable_citations(key: str) -> list[Citation]:
    """A registered variable and the statistics series observing it (none when it is not observed)."""
    variable = lookup(key)
    observed = [series_citation(variable.observed)] if variable.observed else []
    return [variable_citation(variable), *observed]


def entry_citations(entry: Entry) -> list[Citation]:
    """Where an entry comes from: its registry variables and the series observing them, then its own
    statistics series (``per_series``) and its parameters."""
    citations = [citation for key in (*entry.variables, *entry.per) for citation in variable_citations(key)]
    if entry.per_series:
        citations.append(series_citation(entry.per_series))
    modules_and_names = (name.split(".", 1) for name in entry.parameters)
    return citations + [parameter_citation(module, name) for module, name in modules_and_names]


def _summary(values: np.ndarray | None) -> dict[str, float | None]:
    """Median and 5-95% band over runs with a finite value."""
    result = EntryResult(catalogue().indicators[0], values)
    return {"median": result.quantile(0.5), "p5": result.quantile(0.05), "p95": result.quantile(0.95)}


def scorecard_records(card: Scorecard) -> list[dict[str, object]]:
    """One JSON-ready record per entry: definition, unit (computed values), better, median and band."""
    return [
        {
            "id": result.entry.id,
            "group": result.entry.group,
            "theme": result.entry.theme,
            "nl": result.entry.nl,
            "en": result.entry.en,
            "unit": result.entry.result_unit.code,
            "better": str(result.entry.better),
            **_summary(result.values),
            "missing": result.missing,
            "sources": [citation.line() for citation in entry_citations(result.entry)],
        }
        for result in card.results
    ]


def comparison_records(comparison: PlanComparison) -> dict[str, object]:
    """The comparison as JSON-ready data: plans, the robustness rule and per entry each plan's values."""
    names = [card.scenario.name for card in comparison.scorecards]
    entries = []
    for index, result in enumerate(comparison.scorecards[0].results):
        differences = [
            d[result.entry.id].__dict__ if result.entry.id in d else None for d in comparison.differences
        ]
        entries.append(
            {
                "id": result.entry.id,
                "unit": result.entry.result_unit.code,
                "better": str(result.entry.better),
                "plans": [_summary(card.results[index].values) for card in comparison.scorecards],
                "differences_to_first": differences,
            }
        )
    rule = f"robust: on the same side of the first plan in >= {ROBUST_SHARE:.0%} of paired futures"
    first = comparison.scorecards[0].scenario
    return {"plans": names, "runs": first.runs, "seed": first.seed, "rule": rule, "entries": entries}
