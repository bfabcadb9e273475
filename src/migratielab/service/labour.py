"""Labour use cases: the shortage list with its evidence, and migration channels compared on broad welfare
with a plan's shortage coverage and the levers for migrants already here. Services return domain
objects (pydantic models); faces render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import xarray as xr
from pydantic import BaseModel

from migratielab.models.labour import channels as ch
from migratielab.models.labour.data import LabourData, data_sources, load_labour_data
from migratielab.models.labour.outlook import MAX_DURATION, initial_state
from migratielab.models.labour.setup import (
    Judgement,
    build_model,
    class_mix,
    draws,
    employment_with_levers,
    judge,
    labour_parameters,
    lever_cost,
    lever_reserve_workers,
    partnership_mix,
    plan_arrivals,
    shortage_config,
)
from migratielab.models.labour.shortage import (
    VERDICTS,
    ShortageConfig,
    indicator_names,
    indicators,
    load_weights,
    wage_measured,
)
from migratielab.models.population.paths import UNCERTAIN as POPULATION_UNCERTAIN
from migratielab.models.population.paths import plan_builder, uniform_draws
from migratielab.models.system import (
    LabourPart,
    PopulationPart,
    System,
    follow_plan_cohort,
    population_part,
    run,
)
from migratielab.params import ParameterSet, default_parameters
from migratielab.scenario import LabourSection, Scenario, bundled_scenario_path, load_scenario
from migratielab.yamlio import validate_mapping

COVERAGE_YEARS = (2030, 2035)


class IndicatorEvidence(BaseModel):
    """One indicator for one occupation: value, threshold, whether it passes, weight, source."""

    name: str
    nl: str
    en: str
    unit_nl: str
    unit_en: str
    value: float | None
    threshold: float
    passes_when: str
    passes: bool | None
    weight: float
    source: str


class OccupationAssessment(BaseModel):
    """The shortage assessment of one occupation group with its evidence and the sensible test."""

    code: str
    name: str
    rank: int
    score: float
    in_shortage: bool
    verdict: str
    reasons: list[str]
    indicators: list[IndicatorEvidence]
    employment: float
    openings_2030: float
    unfilled_2030: float
    median_wage: float
    wage_ratio: float
    wage_basis: str
    domestic_reserve: float


class ShortageList(BaseModel):
    """All occupations ranked, with the weights, thresholds and cutoff used and the data sources."""

    weights: dict[str, float]
    thresholds: dict[str, float]
    cutoff: float
    occupations: list[OccupationAssessment]
    sources: dict[str, object]

    def counts(self) -> dict[str, int]:
        """Number of occupations per verdict."""
        return {verdict: sum(o.verdict == verdict for o in self.occupations) for verdict in VERDICTS}


def _reasons(judgement: Judgement, i: int) -> list[str]:
    """Codes of the sensible-test findings that hold for occupation ``i``."""
    test = judgement.test
    flags = {"low_pay": test.low_pay, "temporary": test.temporary, "domestic_reserve": test.domestic_reserve}
    flags["wages_rising"] = test.wages_rising
    flags["wage_unmeasured"] = ~wage_measured(load_labour_data())
    return [name for name, mask in flags.items() if bool(mask[i])]


def _evidence(judgement: Judgement, i: int) -> list[IndicatorEvidence]:
    """The indicator rows of occupation ``i``."""
    a, config = judgement.assessment, judgement.config
    rows = []
    for k, indicator in enumerate(indicators()):
        has = bool(a.available[k, i])
        rows.append(
            IndicatorEvidence(
                name=indicator.name,
                nl=indicator.nl,
                en=indicator.en,
                unit_nl=indicator.unit.nl,
                unit_en=indicator.unit.en,
                value=float(a.values[k, i]) if has else None,
                threshold=config.thresholds[indicator.name],
                passes_when=indicator.passes,
                passes=bool(a.passes[k, i]) if has else None,
                weight=config.weights[indicator.name],
                source=indicator.source,
            )
        )
    return rows


def _occupation(data: LabourData, judgement: Judgement, i: int) -> OccupationAssessment:
    """Domain object of occupation ``i``."""
    a, t = judgement.assessment, judgement.test
    return OccupationAssessment(
        code=data.codes[i],
        name=data.names[i],
        rank=int(a.rank[i]),
        score=float(a.score[i]),
        in_shortage=bool(a.in_shortage[i]),
        verdict=VERDICTS[int(t.verdict[i])],
        reasons=_reasons(judgement, i),
        indicators=_evidence(judgement, i),
        employment=float(data.employment[i]),
        openings_2030=float(data.openings_6y[i]),
        unfilled_2030=float(t.unfilled_2030[i]),
        median_wage=float(data.median_wage[i]),
        wage_ratio=float(t.wage_ratio[i]),
        wage_basis=data.wage_basis[i],
        domestic_reserve=float(t.reserve[i]),
    )


def shortage_list(weights: Path | None = None, section: LabourSection | None = None) -> ShortageList:
    """The ranked shortage list under the default weights, a scenario section's, or a weights file's."""
    params = labour_parameters(section)
    config: ShortageConfig = shortage_config(params, section, "scenario")
    if weights is not None:
        config = load_weights(weights, config)
    data = load_labour_data()
    judgement = judge(data, params, config)
    order = np.argsort(judgement.assessment.rank)
    return ShortageList(
        weights=dict(config.weights),
        thresholds=dict(config.thresholds),
        cutoff=config.cutoff,
        occupations=[_occupation(data, judgement, int(i)) for i in order],
        sources=data_sources(),
    )


class Spread(BaseModel):
    """Median and 5-95% range over runs."""

    p5: float
    median: float
    p95: float


def _spread(values: np.ndarray) -> Spread:
    """Spread of a (run,) array."""
    low, mid, high = np.percentile(values, [5, 50, 95])
    return Spread(p5=float(low), median=float(mid), p95=float(high))


class ChannelSummary(BaseModel):
    """One channel on the broad-welfare themes, per arrival aged 18-64 (fiscal in euro, 2016 prices)."""

    channel: str
    plan_per_year: float
    employment: dict[int, float]
    earnings_ratio: float
    stay: dict[int, float]
    dwellings_per_person: float
    integration_cost: float
    fiscal: dict[str, Spread]
    shortage_share: float
    present: dict[int, float]
    """share of a plan year's arrivals still here (and alive) after 10, 20, 30 years (population pillar)"""
    below_pension: dict[int, float]
    """of those present, the share below the state pension age after 10, 20, 30 years"""


class CoverageRow(BaseModel):
    """Shortage coverage of one occupation in one year (persons, medians over runs)."""

    code: str
    name: str
    year: int
    unfilled: float
    by_channel: dict[str, float]
    levers: float
    remaining: float
    closed_by_plan: float
    """the part of the gap the plan's migrants fill (at most the gap)"""
    closed_by_levers: float
    """the part of the rest of the gap the levers fill; with ``remaining`` the three add up to the gap
    in every run (the medians nearly)"""


class LeverSummary(BaseModel):
    """The levers for migrants already here against new labour migration."""

    diploma_recognition: float
    intensive_guidance: float
    extra_workers: Spread
    cost: Spread
    shortage_closed_by_levers: dict[int, float]
    shortage_closed_by_plan: dict[int, float]
    unfilled_total: dict[int, float]


class ChannelComparison(BaseModel):
    """Channels compared, the plan's coverage of the projected shortage, and the levers."""

    scenario: str
    runs: int
    population_coupled: bool
    channels: list[ChannelSummary]
    coverage: list[CoverageRow]
    levers: LeverSummary


def plan_cohort(labour: ParameterSet, start_year: int) -> ch.Cohort:
    """A plan year's arrivals per channel followed through the population pillar over the fiscal horizon."""
    years = int(labour.scalar("fiscal_horizon_years"))
    present, below = follow_plan_cohort(labour, default_parameters("population"), start_year, years)
    return ch.Cohort(present, below)


def _channel_summaries(
    section: LabourSection | None,
    employment: np.ndarray,
    values: dict[str, np.ndarray],
    mix: np.ndarray,
    judgement: Judgement,
    cohort: ch.Cohort,
) -> list[ChannelSummary]:
    """Per-channel broad-welfare figures (fiscal spread over runs), stay and age from the followed cohort."""
    labour, population = labour_parameters(section), default_parameters("population")
    years = int(labour.scalar("fiscal_horizon_years"))
    padded = np.concatenate(
        [employment, np.repeat(employment[..., -1:], years - employment.shape[-1], axis=-1)], -1
    )
    fiscal_draws = ch.FiscalDraws(
        values["net_per_employed_year"], values["net_per_nonemployed_year"], values["collective_goods_share"]
    )
    pv = ch.present_values(labour, population, padded, fiscal_draws, cohort)
    stay = cohort.present
    plan = plan_arrivals(section, 1, 1)[0, 0]
    in_shortage = judgement.assessment.in_shortage
    central = employment.mean(axis=0)
    summaries = []
    for c, name in enumerate(ch.CHANNELS):
        labels = [*map(str, ch.HORIZONS), "lifetime"]
        summaries.append(
            ChannelSummary(
                channel=name,
                plan_per_year=float(plan[c]),
                employment={k: float(central[c, k]) for k in (1, 5, 10)},
                earnings_ratio=float(labour.vector("channel_earnings_ratio")[c]),
                stay={k: float(stay[c, k]) for k in (5, 10)},
                dwellings_per_person=float(labour.vector("dwellings_per_person")[c]),
                integration_cost=float(labour.vector("integration_cost")[c]),
                fiscal={label: _spread(pv[:, c, j]) for j, label in enumerate(labels)},
                shortage_share=float(mix[c] @ in_shortage / max(mix[c].sum(), 1e-12)),
                present={k: float(stay[c, k]) for k in ch.HORIZONS},
                below_pension={k: float(cohort.below_pension[c, k]) for k in ch.HORIZONS},
            )
        )
    return summaries


def _population(scenario: Scenario, run_ids: list[int]) -> PopulationPart | None:
    """The population part when the scenario has a population section (it drives demand after 2030)."""
    if scenario.population is None:
        return None
    params = default_parameters("population")
    builder = plan_builder(
        scenario.population, scenario.start_year, scenario.end_year + 1, params, len(run_ids) > 1
    )
    paths = builder(uniform_draws(scenario.seed, run_ids, len(POPULATION_UNCERTAIN)))
    return population_part(paths, params, detail=False)


def _coverage(
    data: LabourData, result: xr.Dataset, mix: np.ndarray, levers: np.ndarray, year: int
) -> tuple[list[CoverageRow], float, float, float]:
    """Coverage rows of ``year`` (occupations with a gap) and totals: unfilled, by plan, by levers."""
    at = result.sel(year=year)
    unfilled = at["unfilled_cumulative"].to_numpy()
    by_channel = at["working"].to_numpy()[:, :, None] * mix[None]
    lever = levers if year > int(result.year[0]) else np.zeros_like(levers)
    plan = by_channel.sum(axis=1)
    remaining = np.maximum(unfilled - plan - lever, 0.0)
    gap = np.maximum(unfilled, 0.0)
    closed_plan = np.minimum(plan, gap)
    closed_levers = np.minimum(lever, gap - closed_plan)
    med = {
        "unfilled": np.median(unfilled, 0),
        "channel": np.median(by_channel, 0),
        "lever": np.median(lever, 0),
        "remaining": np.median(remaining, 0),
        "closed_plan": np.median(closed_plan, 0),
        "closed_levers": np.median(closed_levers, 0),
    }
    rows = [
        CoverageRow(
            code=data.codes[i],
            name=data.names[i],
            year=year,
            unfilled=float(med["unfilled"][i]),
            by_channel={c: float(med["channel"][k, i]) for k, c in enumerate(ch.CHANNELS)},
            levers=float(med["lever"][i]),
            remaining=float(med["remaining"][i]),
            closed_by_plan=float(med["closed_plan"][i]),
            closed_by_levers=float(med["closed_levers"][i]),
        )
        for i in np.argsort(-med["unfilled"])
        if med["unfilled"][i] > 0
    ]
    return (
        rows,
        float(np.median(gap.sum(1))),
        float(np.median(closed_plan.sum(1))),
        float(np.median(closed_levers.sum(1))),
    )


@dataclass(frozen=True)
class LabourSetUp:
    """The labour pillar set up for some runs: parameters, data, shortage judgement, per-run draws,
    employment paths, occupation mix per channel, and its part of a system run."""

    params: ParameterSet
    data: LabourData
    judgement: Judgement
    values: dict[str, np.ndarray]
    employment: np.ndarray
    mix: np.ndarray
    part: LabourPart


def labour_set_up(scenario: Scenario, run_ids: list[int], source: str = "scenario") -> LabourSetUp:
    """The labour pillar of ``scenario`` for ``run_ids`` (their draws depend only on the run id)."""
    section = scenario.labour
    params, data = labour_parameters(section, source), load_labour_data()
    judgement = judge(data, params, shortage_config(params, section, source))
    values = draws(params, scenario.seed, run_ids, scenario.runs > 1)
    employment = employment_with_levers(params, default_parameters("population"), section, values)
    mix = class_mix(data, params)
    mix[ch.CHANNELS.index("partnership")] = partnership_mix(data, judgement, section, source)
    model = build_model(
        scenario.start_year, params, default_parameters("population"), judgement, mix, values, employment
    )
    years = len(scenario.years)
    part = LabourPart(
        model, initial_state(model, len(run_ids)), plan_arrivals(section, years, len(run_ids)), data.codes
    )
    return LabourSetUp(params, data, judgement, values, employment, mix, part)


def channel_comparison(scenario: Scenario, source: str = "scenario") -> ChannelComparison:
    """Run the labour pillar (with the population if the scenario has it) and compare the channels."""
    section = scenario.labour
    run_ids = list(range(scenario.runs))
    setup = labour_set_up(scenario, run_ids, source)
    params, data, judgement, values = setup.params, setup.data, setup.judgement, setup.values
    employment, mix, part = setup.employment, setup.mix, setup.part
    population = _population(scenario, run_ids)
    outcome = run(System(scenario.start_year, 12 * len(scenario.years), population=population, labour=part))
    assert outcome.labour is not None
    levers = lever_reserve_workers(data, params, section, values)
    coverage, totals = [], {}
    for year in (y for y in COVERAGE_YEARS if y in scenario.years):
        rows, gap, plan_closed, lever_closed = _coverage(data, outcome.labour, mix, levers, year)
        coverage += rows
        totals[year] = (gap, plan_closed, lever_closed)
    return ChannelComparison(
        scenario=scenario.name,
        runs=scenario.runs,
        population_coupled=population is not None,
        channels=_channel_summaries(
            section,
            employment[:, :, : MAX_DURATION + 1],
            values,
            mix,
            judgement,
            plan_cohort(params, scenario.start_year),
        ),
        coverage=coverage,
        levers=LeverSummary(
            diploma_recognition=section.levers.diploma_recognition if section else 0.0,
            intensive_guidance=section.levers.intensive_guidance if section else 0.0,
            extra_workers=_spread(levers.sum(axis=1)),
            cost=_spread(lever_cost(params, section, values)),
            shortage_closed_by_levers={y: t[2] for y, t in totals.items()},
            shortage_closed_by_plan={y: t[1] for y, t in totals.items()},
            unfilled_total={y: t[0] for y, t in totals.items()},
        ),
    )


def shortage_indicators() -> tuple[str, ...]:
    """The names of the shortage indicators (keys of weights and thresholds)."""
    return tuple(indicator_names())


def shortage_list_with(overrides: dict[str, object], source: str = "request") -> ShortageList:
    """The shortage list under weights/thresholds/cutoff given as a mapping (API body, dashboard form)."""
    section = validate_mapping({"weights": {}, **overrides}, LabourSection, source)
    return shortage_list(section=section)


@cache
def bundled_channel_comparison(name: str = "labour") -> ChannelComparison:
    """The channel comparison of a bundled scenario (cached: bundled files do not change)."""
    path = bundled_scenario_path(name)
    return channel_comparison(load_scenario(path), name)


class TableSource(BaseModel):
    """Where one bundled labour table (or one column of it) comes from."""

    file: str
    column: str
    title: str
    publisher: str
    table: str
    date: str
    confidence: str
    note: str


def table_sources() -> list[TableSource]:
    """The registry of the labour pillar's bundled tables (data/labour/sources.yaml), one row per
    table or, where columns have their own source, per column."""
    rows = []
    for name, entry in data_sources()["files"].items():
        for column, item in (entry.get("columns") or {"": entry}).items():
            rows.append(
                TableSource(
                    file=name,
                    column=column,
                    title=str(entry.get("title", "")),
                    publisher=str(item.get("publisher", "")),
                    table=str(item.get("table", "")),
                    date=str(item.get("date", "")),
                    confidence=str(item.get("confidence", "")),
                    note=" ".join(str(item.get(key, "")) for key in ("note", "derived")).strip(),
                )
            )
    return rows
