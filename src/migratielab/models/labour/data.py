"""Bundled occupation-level statistics of the labour pillar (data/labour/, registry in sources.yaml).

All arrays are indexed by occupation in the order of ``occupations.csv`` (114 BRC 2014 groups).
Missing values (UWV publishes tightness for 89 groups) are NaN; indicators treat them as
"no data", never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from migratielab.yamlio import SAFE_LOADER

FloatArray = np.ndarray
ROA_FIRST_YEAR = 2025
ROA_LAST_YEAR = 2030
ROA_YEARS = ROA_LAST_YEAR - ROA_FIRST_YEAR + 1
"""ROA's AIS 2030 demand covers the six years 2025-2030."""
ITKB_TYPES = ("zeer groot", "groot", "enige", "vrijwel geen", "geen")
TIGHTENING = ("verdere verkrapping", "verkrapping", "blijft krap")
"""ROA directions 2025-2030 that mean the shortage persists or grows."""


def _read(name: str) -> pd.DataFrame:
    """A CSV file from data/labour (``#`` lines are comments; codes kept as text)."""
    resource = resources.files("migratielab.data").joinpath(f"labour/{name}")
    with resources.as_file(resource) as path:
        return pd.read_csv(path, comment="#", dtype={"brc": str, "klasse": str, "sbi": str})


@dataclass(frozen=True)
class LabourData:
    """The occupation table as arrays (occupation axis) plus class wages and sector vacancy rates."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    klasse: tuple[str, ...]
    employment: FloatArray
    """persons in the base year (derived from ROA, see sources.yaml)"""
    expansion_6y: FloatArray
    replacement_6y: FloatArray
    openings_6y: FloatArray
    """persons over 2025-2030"""
    openings_pct6: FloatArray
    itkb: FloatArray
    itkb_type: tuple[str, ...]
    uwv_tightness: FloatArray
    direction: tuple[str, ...]
    median_wage: FloatArray
    """euro per hour, 2022"""
    wage_basis: tuple[str, ...]
    sector: tuple[str, ...]
    class_wage_growth: FloatArray
    """per cent 2021-2022 of the occupation's class"""
    national_wage: float
    national_wage_growth: float
    sector_vacancy_rate: FloatArray
    """vacancies per 1,000 jobs of the occupation's sector (2024Q2)"""
    national_vacancy_rate: float

    @property
    def size(self) -> int:
        """Number of occupation groups."""
        return len(self.codes)

    def index(self, code: str) -> int:
        """Position of occupation ``code`` (KeyError if unknown)."""
        return self.codes.index(code)


def _growth(wages: pd.DataFrame) -> pd.Series:
    """Median wage growth 2021-2022 per class, per cent."""
    return 100.0 * (wages["median_wage_2022"] / wages["median_wage_2021"] - 1.0)


def _text(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    """A text column with blanks as empty strings."""
    return tuple(frame[column].fillna("").astype(str))


@cache
def load_labour_data() -> LabourData:
    """Read and join the bundled labour tables (cached: the tables are immutable)."""
    occ = _read("occupations.csv")
    wages = _read("wages_by_class.csv").set_index("klasse")
    sectors = _read("sectors.csv").set_index("sbi")["vacancy_rate_2024q2"].astype(float)
    growth = _growth(wages)
    return LabourData(
        codes=_text(occ, "brc"),
        names=_text(occ, "name"),
        klasse=_text(occ, "klasse"),
        employment=occ["employment"].to_numpy(float),
        expansion_6y=occ["expansion_6y"].to_numpy(float),
        replacement_6y=occ["replacement_6y"].to_numpy(float),
        openings_6y=occ["openings_6y"].to_numpy(float),
        openings_pct6=occ["openings_pct6"].to_numpy(float),
        itkb=occ["itkb_2030"].to_numpy(float),
        itkb_type=_text(occ, "itkb_type"),
        uwv_tightness=occ["uwv_tightness_2026q1"].to_numpy(float),
        direction=_text(occ, "roa_direction"),
        median_wage=occ["median_wage_2022"].to_numpy(float),
        wage_basis=_text(occ, "wage_basis"),
        sector=_text(occ, "sector"),
        class_wage_growth=growth.reindex(occ["klasse"]).to_numpy(float),
        national_wage=float(wages["median_wage_2022"].to_dict()["T"]),
        national_wage_growth=float(growth.to_dict()["T"]),
        sector_vacancy_rate=sectors.reindex(occ["sector"]).to_numpy(float),
        national_vacancy_rate=float(sectors.loc["A-U"]),
    )


@cache
def data_sources() -> dict[str, Any]:
    """The registry of the bundled tables (sources.yaml) as a mapping."""
    resource = resources.files("migratielab.data").joinpath("labour/sources.yaml")
    content: dict[str, Any] = yaml.load(resource.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return content
