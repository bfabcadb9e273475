"""The shortage assessment: named indicators with thresholds and weights, a score and rank per occupation,
and the "sensible" test saying whether a shortage is a case for labour migration or not, and why.

Everything is vectorised over the occupation axis: indicator values form an (indicator, occupation)
array; an indicator without data for an occupation is left out of that occupation's score (its
weight drops out of the denominator), as in MAC's "passes at least half of the indicators with data".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import Field, field_validator

from migratielab import limits
from migratielab.errors import InputError
from migratielab.models.labour.data import ITKB_TYPES, TIGHTENING, FloatArray, LabourData
from migratielab.params import ParameterSet, did_you_mean
from migratielab.yamlio import SAFE_LOADER, Strict, load_model

VERDICTS = (
    "not_in_shortage",
    "pay_and_conditions",
    "temporary",
    "domestic_reserve",
    "wages_adjusting",
    "labour_migration",
)
"""Verdict codes; for an occupation in shortage the first of 1-4 that holds wins, else labour_migration."""
EASING = ("richting evenwicht", "evenwicht", "verruiming")


class IndicatorText(Strict):
    """A name or unit in Dutch and English."""

    nl: str
    en: str


class Indicator(Strict):
    """One shortage indicator: the data it reads and the direction that passes its threshold."""

    name: str
    column: str
    passes: Literal["at_least", "at_most"]
    unit: IndicatorText
    nl: str
    en: str
    source: str


@cache
def indicators() -> tuple[Indicator, ...]:
    """The registered indicators (models/labour/indicators.yaml), in display order."""
    resource = resources.files("migratielab.models.labour").joinpath("indicators.yaml")
    content = yaml.load(resource.read_text(encoding="utf-8"), Loader=SAFE_LOADER)["indicators"]
    return tuple(Indicator(name=name, **entry) for name, entry in content.items())


def indicator_names() -> tuple[str, ...]:
    """Names of the registered indicators."""
    return tuple(indicator.name for indicator in indicators())


@dataclass(frozen=True)
class ShortageConfig:
    """Weights (>= 0), thresholds per indicator and the cutoff share of passing weight."""

    weights: Mapping[str, float]
    thresholds: Mapping[str, float]
    cutoff: float

    def weight_vector(self) -> FloatArray:
        """Weights in indicator order."""
        return np.array([self.weights[name] for name in indicator_names()])

    def threshold_vector(self) -> FloatArray:
        """Thresholds in indicator order."""
        return np.array([self.thresholds[name] for name in indicator_names()])


def default_config(params: ParameterSet) -> ShortageConfig:
    """Weights, thresholds and cutoff from the parameter file (``weight_<name>``, ``threshold_<name>``)."""
    names = indicator_names()
    return ShortageConfig(
        weights={name: params.scalar(f"weight_{name}") for name in names},
        thresholds={name: params.scalar(f"threshold_{name}") for name in names},
        cutoff=params.scalar("shortage_cutoff"),
    )


class WeightsFile(Strict):
    """A user's weights file: any of weights, thresholds, shortage_cutoff (the rest keeps its default)."""

    weights: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    shortage_cutoff: float | None = Field(None, gt=0, le=1)

    @field_validator("weights", "thresholds")
    @classmethod
    def _known_and_finite(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if name not in indicator_names():
                raise ValueError(f"unknown indicator {name!r}{did_you_mean(name, indicator_names())}")
            if not math.isfinite(value):
                raise ValueError(f"{name}: a finite number, got {value}")
        return values

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if not limits.SHORTAGE_WEIGHT.contains(value):
                high = limits.SHORTAGE_WEIGHT.high
                raise ValueError(f"{name}: a weight of at least 0 and at most {high:g}, got {value}")
        return values


def apply_overrides(config: ShortageConfig, overrides: WeightsFile, source: str | Path) -> ShortageConfig:
    """``config`` with the file's weights, thresholds and cutoff; all weights zero is refused."""
    weights = {**config.weights, **overrides.weights}
    if not any(value > 0 for value in weights.values()):
        raise InputError(source, "weights", "at least one indicator with a weight above 0")
    cutoff = config.cutoff if overrides.shortage_cutoff is None else overrides.shortage_cutoff
    return ShortageConfig(weights, {**config.thresholds, **overrides.thresholds}, cutoff)


def load_weights(path: str | Path, config: ShortageConfig) -> ShortageConfig:
    """``config`` changed by the weights file at ``path`` (InputError names file, key, expectation)."""
    return apply_overrides(config, load_model(path, WeightsFile), path)


def indicator_values(data: LabourData) -> FloatArray:
    """Indicator values (indicator, occupation); NaN where the source publishes nothing."""
    direction = np.array([d for d in data.direction])
    tightening = np.where(direction == "", np.nan, np.isin(direction, TIGHTENING).astype(float))
    columns = {
        "uwv_tightness": data.uwv_tightness,
        "itkb": data.itkb,
        "openings_pct6": np.where(data.employment > 0, data.openings_pct6, np.nan),
        "tightening": tightening,
        "sector_vacancy_ratio": data.sector_vacancy_rate / data.national_vacancy_rate,
        "relative_wage_growth": data.class_wage_growth - data.national_wage_growth,
    }
    return np.stack([columns[indicator.column] for indicator in indicators()])


@dataclass(frozen=True)
class Assessment:
    """Scores of all occupations: which indicators have data and pass, the weighted score and rank."""

    values: FloatArray
    available: np.ndarray
    passes: np.ndarray
    score: FloatArray
    in_shortage: np.ndarray
    rank: np.ndarray
    """1 = strongest shortage; ties broken by job openings to 2030"""
    config: ShortageConfig


def assess(data: LabourData, config: ShortageConfig) -> Assessment:
    """Score every occupation: passing weight / available weight (0..1), in shortage at the cutoff."""
    values = indicator_values(data)
    available = ~np.isnan(values)
    at_most = np.array([indicator.passes == "at_most" for indicator in indicators()])[:, None]
    threshold = config.threshold_vector()[:, None]
    with np.errstate(invalid="ignore"):
        passes = available & np.where(at_most, values <= threshold, values >= threshold)
    weights = config.weight_vector()[:, None]
    denominator = (weights * available).sum(axis=0)
    score = np.divide(
        (weights * passes).sum(axis=0), denominator, out=np.zeros(data.size), where=denominator > 0
    )
    order = np.lexsort((-data.openings_6y, -score))
    rank = np.empty(data.size, dtype=int)
    rank[order] = np.arange(1, data.size + 1)
    return Assessment(values, available, passes, score, score >= config.cutoff, rank, config)


def projected_unfilled(data: LabourData, params: ParameterSet, multiplier: FloatArray) -> FloatArray:
    """Openings 2025-2030 not filled from domestic supply (run, occupation), persons over six years."""
    shares = params.vector("unfilled_share_by_bottleneck")
    lookup = {name: shares[i] for i, name in enumerate(ITKB_TYPES)}
    per_occupation = np.array([lookup.get(kind, 0.0) for kind in data.itkb_type])
    return np.asarray(multiplier[:, None] * per_occupation[None, :] * data.openings_6y[None, :])


@dataclass(frozen=True)
class SensibleTest:
    """Per occupation: the four ways a shortage could be met otherwise, and the verdict."""

    low_pay: np.ndarray
    """pay below the low-pay line, only where the group's own wage is measured (not a class median)"""
    temporary: np.ndarray
    domestic_reserve: np.ndarray
    wages_rising: np.ndarray
    verdict: np.ndarray
    """index into VERDICTS"""
    wage_ratio: FloatArray
    reserve: FloatArray
    """persons of the domestic reserve who could take up the occupation"""
    unfilled_2030: FloatArray


def wage_measured(data: LabourData) -> np.ndarray:
    """Occupations whose own (group or segment) median wage is known, not only their class median."""
    return np.array([basis != "class" for basis in data.wage_basis])


def reserve_open(data: LabourData, params: ParameterSet) -> np.ndarray:
    """Occupations open to the domestic reserve without a long training (measured pay below the line)."""
    return wage_measured(data) & (
        data.median_wage <= params.scalar("reserve_wage_ratio") * data.national_wage
    )


def domestic_reserve(data: LabourData, params: ParameterSet) -> tuple[np.ndarray, FloatArray]:
    """Occupations open to the reserve without long training, and the reserve's share of each (persons)."""
    accessible = reserve_open(data, params)
    size = params.scalar("reserve_status_holders") + params.scalar("reserve_family_migrants")
    weight = np.where(accessible, data.employment, 0.0)
    return accessible, size * weight / weight.sum()


def sensible_test(data: LabourData, assessment: Assessment, params: ParameterSet) -> SensibleTest:
    """Could the shortage be met otherwise? Pay, training pipeline, domestic reserve, rising wages."""
    wage_ratio = data.median_wage / data.national_wage
    low_pay = wage_measured(data) & (wage_ratio < params.scalar("low_pay_ratio"))
    direction = np.array(list(data.direction))
    temporary = np.isin(direction, EASING)
    unfilled = projected_unfilled(data, params, np.ones(1))[0]
    accessible, reserve = domestic_reserve(data, params)
    reserve_flag = accessible & (reserve >= params.scalar("reserve_cover_share") * unfilled)
    rising = data.class_wage_growth - data.national_wage_growth >= params.scalar("wages_rising_points")
    reasons = np.stack([low_pay, temporary, reserve_flag, rising, np.ones(data.size, dtype=bool)])
    verdict = np.where(assessment.in_shortage, 1 + np.argmax(reasons, axis=0), 0)
    return SensibleTest(low_pay, temporary, reserve_flag, rising, verdict, wage_ratio, reserve, unfilled)
