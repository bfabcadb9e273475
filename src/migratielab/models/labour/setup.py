"""Set-up of the labour pillar from data, parameters and a scenario's ``labour`` section.

Per-run draws come from ``pillar_stream(seed, "labour", run)``: one row of uniforms per run in a
fixed column order (``UNCERTAIN``), so a run's numbers do not depend on chunking or other pillars.
With ``sample=False`` every run takes the central values (the published figures are reproduced).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from migratielab.errors import InputError
from migratielab.models.labour import channels
from migratielab.models.labour.data import FloatArray, LabourData, load_labour_data
from migratielab.models.labour.outlook import MAX_DURATION, Model
from migratielab.models.labour.shortage import (
    VERDICTS,
    Assessment,
    SensibleTest,
    ShortageConfig,
    WeightsFile,
    apply_overrides,
    assess,
    default_config,
    reserve_open,
    sensible_test,
)
from migratielab.models.random import pillar_stream
from migratielab.params import ParameterSet, default_parameters, did_you_mean
from migratielab.scenario import LabourSection
from migratielab.yamlio import validate_mapping

UNCERTAIN = (
    "unfilled_share_multiplier",
    "net_per_employed_year",
    "net_per_nonemployed_year",
    "collective_goods_share",
    "lever_diploma_recognition_effect",
    "lever_intensive_guidance_effect",
    "reserve_status_holders",
    "reserve_family_migrants",
)
"""Parameters drawn per run (uniform over their uncertainty range), in stream column order."""


def labour_parameters(section: LabourSection | None, source: str = "scenario") -> ParameterSet:
    """The labour parameters with the section's overrides (unknown names: InputError)."""
    params = default_parameters("labour")
    if section is None or not section.parameters:
        return params
    return params.with_values(section.parameters, f"{source}: labour.parameters")


def shortage_config(params: ParameterSet, section: LabourSection | None, source: str) -> ShortageConfig:
    """Default weights and thresholds changed by the section's (validated like a weights file)."""
    config = default_config(params)
    if section is None:
        return config
    raw = {
        "weights": section.weights,
        "thresholds": section.thresholds,
        "shortage_cutoff": section.shortage_cutoff,
    }
    overrides = validate_mapping(raw, WeightsFile, f"{source}: labour")
    return apply_overrides(config, overrides, f"{source}: labour")


def check_occupations(data: LabourData, codes: Sequence[str], source: str, key: str) -> np.ndarray:
    """Indices of BRC ``codes``; an unknown code is an InputError naming the nearest known codes."""
    known = {code: i for i, code in enumerate(data.codes)}
    for position, code in enumerate(codes):
        if code not in known:
            near = did_you_mean(code, known) or f" (codes such as {', '.join(data.codes[:3])}, ...)"
            raise InputError(
                source, f"{key}[{position}]", f"a BRC 2014 occupation group code{near}, got {code!r}"
            )
    return np.array([known[code] for code in codes], dtype=int)


def draws(params: ParameterSet, seed: int, run_ids: Sequence[int], sample: bool) -> dict[str, FloatArray]:
    """Per-run values (run,) of the uncertain parameters: uniform over their range, or central."""
    runs = len(run_ids)
    if not sample:
        return {name: np.full(runs, params.scalar(name)) for name in UNCERTAIN}
    u = np.array([pillar_stream(seed, "labour", int(run)).random(len(UNCERTAIN)) for run in run_ids])
    values = {}
    for column, name in enumerate(UNCERTAIN):
        spread = params[name].uncertainty
        assert spread is not None, f"{name} needs an uncertainty range to be sampled"
        values[name] = spread.low + (spread.high - spread.low) * u[:, column]
    return values


def class_mix(data: LabourData, params: ParameterSet) -> FloatArray:
    """(channel, occupation) shares: the channel's class shares spread over a class by employment."""
    shares = params.vector("channel_class_mix").reshape(len(channels.CHANNELS), 13)
    klasse = np.array([int(k) - 1 for k in data.klasse])
    one_hot = np.eye(13)[klasse]
    class_employment = one_hot.T @ data.employment
    within = data.employment / np.where(class_employment[klasse] > 0, class_employment[klasse], 1.0)
    return np.asarray(shares[:, klasse] * within[None, :])


@dataclass(frozen=True)
class Judgement:
    """The shortage assessment and sensible test under the scenario's weights."""

    config: ShortageConfig
    assessment: Assessment
    test: SensibleTest


def judge(data: LabourData, params: ParameterSet, config: ShortageConfig) -> Judgement:
    """Assess every occupation and apply the sensible test."""
    assessment = assess(data, config)
    return Judgement(config, assessment, sensible_test(data, assessment, params))


def partnership_mix(
    data: LabourData, judgement: Judgement, section: LabourSection | None, source: str
) -> FloatArray:
    """(occupation,) shares of partnership places: the chosen codes, else labour-migration cases by gap."""
    if section is not None and section.partnership is not None and section.partnership.occupations:
        chosen = check_occupations(
            data, section.partnership.occupations, source, "labour.partnership.occupations"
        )
        weight = np.zeros(data.size)
        np.add.at(weight, chosen, np.maximum(judgement.test.unfilled_2030[chosen], 1.0))
    else:
        weight = np.where(
            judgement.test.verdict == VERDICTS.index("labour_migration"), judgement.test.unfilled_2030, 0.0
        )
    total = weight.sum()
    return weight / total if total > 0 else np.full(data.size, 1.0 / data.size)


def employment_with_levers(
    labour: ParameterSet,
    population: ParameterSet,
    section: LabourSection | None,
    values: dict[str, FloatArray],
    reach: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Employment share (run, channel, duration) with the levers' per-run effects, capped at 1.

    ``reach``: per-run reach (run,) of diploma recognition and intensive guidance (shares 0..1),
    instead of the section's.
    """
    years = MAX_DURATION + 1
    base = channels.employment_curves(labour, population, years)
    reach_r, reach_g = reach if reach is not None else section_reach(section)
    first, last = labour.vector("lever_effect_years")
    window = (np.arange(years) >= first) & (np.arange(years) <= last)
    effect = (
        reach_r * values["lever_diploma_recognition_effect"]
        + reach_g * values["lever_intensive_guidance_effect"]
    )
    shift = effect[:, None, None] * (channels.LEVER_CHANNELS[:, None] & window[None, :])[None]
    return np.asarray(np.minimum(base[None] + shift, 1.0))


def section_reach(section: LabourSection | None) -> tuple[FloatArray, FloatArray]:
    """The section's reach of diploma recognition and intensive guidance (shares 0..1; 0 without levers)."""
    levers = section.levers if section is not None else None
    return (
        np.asarray(levers.diploma_recognition if levers else 0.0),
        np.asarray(levers.intensive_guidance if levers else 0.0),
    )


def build_model(
    start_year: int,
    labour: ParameterSet,
    population: ParameterSet,
    judgement: Judgement,
    mix: FloatArray,
    values: dict[str, FloatArray],
    employment: FloatArray,
) -> Model:
    """The pillar's step model for the runs whose per-run ``values`` are given."""
    data = load_labour_data()
    unfilled = judgement.test.unfilled_2030 / np.where(data.openings_6y > 0, data.openings_6y, 1.0)
    return Model(
        start_year=start_year,
        employment0=data.employment,
        expansion_roa=data.expansion_6y / 6.0,
        replacement_roa=data.replacement_6y / 6.0,
        unfilled_share=np.clip(values["unfilled_share_multiplier"][:, None] * unfilled[None, :], 0.0, 1.0),
        employment_curve=employment,
        hazard=channels.hazards(labour, population, MAX_DURATION + 1),
        mix=mix,
        elasticity=labour.scalar("labour_force_elasticity"),
    )


def lever_reserve_workers(
    data: LabourData, params: ParameterSet, section: LabourSection | None, values: dict[str, FloatArray]
) -> FloatArray:
    """Extra workers (run, occupation) from the levers among the domestic reserve, in open occupations."""
    weight = np.where(reserve_open(data, params), data.employment, 0.0)
    levers = section.levers if section is not None else None
    reach_r = levers.diploma_recognition if levers else 0.0
    reach_g = levers.intensive_guidance if levers else 0.0
    effect = (
        reach_r * values["lever_diploma_recognition_effect"]
        + reach_g * values["lever_intensive_guidance_effect"]
    )
    reserve = values["reserve_status_holders"] + values["reserve_family_migrants"]
    return np.asarray((reserve * effect)[:, None] * (weight / weight.sum())[None, :])


def lever_cost(
    params: ParameterSet, section: LabourSection | None, values: dict[str, FloatArray]
) -> FloatArray:
    """One-off public cost (run,) of reaching the reserve with the levers, euro."""
    if section is None:
        return np.zeros_like(values["reserve_status_holders"])
    reserve = values["reserve_status_holders"] + values["reserve_family_migrants"]
    per_person = section.levers.diploma_recognition * params.scalar("lever_diploma_recognition_cost")
    per_person += section.levers.intensive_guidance * params.scalar("lever_intensive_guidance_cost")
    return np.asarray(reserve * per_person)


def plan_arrivals(section: LabourSection | None, years: int, runs: int) -> FloatArray:
    """Plan arrivals (year, run, channel) persons aged 18-64 per year; the partnership's places last."""
    levels = np.zeros(len(channels.CHANNELS))
    if section is not None:
        for name, level in section.plan.items():
            levels[channels.CHANNELS.index(name)] = level
        if section.partnership is not None:
            levels[channels.CHANNELS.index("partnership")] = section.partnership.places_per_year
    return np.broadcast_to(levels, (years, runs, len(levels))).copy()
