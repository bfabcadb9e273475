"""Bundled base data of the municipal pillar (data/municipal/, registry in sources.yaml).

The municipality axis has the 342 municipalities of 1 January 2024 (the same code set as 2025) in
CBS code order. Counts in persons, areas in hectares.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from migratielab.errors import InputError

SIZE_CLASSES = (
    (0, 20_000, "< 20k"),
    (20_000, 50_000, "20k-50k"),
    (50_000, 100_000, "50k-100k"),
    (100_000, 10**9, ">= 100k"),
)
"""Population size classes (lower bound inclusive, upper exclusive, label) for benchmarks."""


def read_csv(name: str) -> pd.DataFrame:
    """A CSV file from data/municipal (``#`` lines are comments)."""
    resource = resources.files("migratielab.data").joinpath(f"municipal/{name}")
    with resources.as_file(resource) as path:
        return pd.read_csv(path, comment="#")


@dataclass(frozen=True)
class Municipalities:
    """The municipality axis and its attributes (arrays of length 342, CBS code order)."""

    codes: np.ndarray  # (M,) str, GM....
    names: np.ndarray  # (M,) str
    province_codes: np.ndarray  # (M,) str, PV20..PV31
    provinces: np.ndarray  # (M,) str
    population: np.ndarray  # (M,) persons on 1 January 2024
    households: np.ndarray  # (M,) private households
    urbanity: np.ndarray  # (M,) int, 1 very strongly urban .. 5 not urban
    share_non_european: np.ndarray  # (M,) share of inhabitants of non-European origin

    @property
    def size(self) -> int:
        """Number of municipalities."""
        return int(self.codes.size)

    @property
    def population_share(self) -> np.ndarray:
        """Share of the national population (sums to 1)."""
        return self.population / self.population.sum()

    @property
    def household_share(self) -> np.ndarray:
        """Share of the national number of households (sums to 1)."""
        return self.households / self.households.sum()

    def size_class(self) -> np.ndarray:
        """Label of each municipality's population size class."""
        labels = np.empty(self.size, dtype=object)
        for low, high, label in SIZE_CLASSES:
            labels[(self.population >= low) & (self.population < high)] = label
        return labels

    def index_of(self, text: str, source: str = "municipality") -> int:
        """Position of a municipality given its CBS code (GM0363 or 363) or name (case-insensitive).

        InputError naming up to five nearest names or codes if nothing matches.
        """
        wanted = text.strip()
        code = _as_code(wanted)
        exact = np.flatnonzero(
            (self.codes == code) | (np.char.lower(self.names.astype(str)) == wanted.lower())
        )
        if exact.size:
            return int(exact[0])
        nearest = self.nearest(wanted)
        hint = ", ".join(f"{self.names[i]} ({self.codes[i]})" for i in nearest) if nearest else "none close"
        raise InputError(source, wanted, f"a known municipality code or name; nearest: {hint}")

    def nearest(self, text: str, count: int = 5, cutoff: float = 0.5, codes: bool = True) -> list[int]:
        """Positions of up to ``count`` municipalities whose name (or, with ``codes``, CBS code)
        resembles ``text`` (difflib ratio at least ``cutoff``, case-insensitive), most similar first."""
        keys = {name.lower(): i for i, name in enumerate(self.names.tolist())}
        if codes:
            keys.update({code.lower(): i for i, code in enumerate(self.codes.tolist())})
        close = difflib.get_close_matches(text.strip().lower(), list(keys), n=count, cutoff=cutoff)
        return list(dict.fromkeys(keys[key] for key in close))


def _as_code(text: str) -> str:
    """``GM0363`` from ``gm363``, ``363`` or ``GM0363``; other text unchanged."""
    digits = text.upper().removeprefix("GM")
    return f"GM{int(digits):04d}" if digits.isdigit() else text


@cache
def municipalities() -> Municipalities:
    """The 342 municipalities with population 2024 (CBS Kerncijfers wijken en buurten 2024)."""
    frame = read_csv("gemeenten_2024.csv").sort_values("gemeentecode").reset_index(drop=True)
    if frame["gemeentecode"].duplicated().any() or frame["inwoners_2024_01_01"].le(0).any():
        raise InputError("data/municipal/gemeenten_2024.csv", "gemeentecode", "unique codes, population > 0")
    return Municipalities(
        codes=frame["gemeentecode"].to_numpy(dtype=str),
        names=frame["gemeentenaam"].to_numpy(dtype=str),
        province_codes=frame["provinciecode"].to_numpy(dtype=str),
        provinces=frame["provincie"].to_numpy(dtype=str),
        population=frame["inwoners_2024_01_01"].to_numpy(dtype=float),
        households=frame["huishoudens"].to_numpy(dtype=float),
        urbanity=frame["stedelijkheid_1_5"].to_numpy(dtype=int),
        share_non_european=frame["pct_herkomst_buiten_europa"].to_numpy(dtype=float) / 100.0,
    )


@dataclass(frozen=True)
class ProvincialTargets:
    """Published Spreidingswet provincial targets (first cycle), by province code."""

    codes: np.ndarray  # (12,) PV20..PV31
    names: np.ndarray  # (12,)
    places: np.ndarray  # (12,) places incl. unaccompanied minors


@cache
def provincial_targets() -> ProvincialTargets:
    """Spreidingswet provincial targets for 1 January 2025 (Stcrt. 2024-3320, as reported)."""
    frame = read_csv("spreidingswet_provinces.csv").sort_values("provinciecode")
    return ProvincialTargets(
        codes=frame["provinciecode"].to_numpy(dtype=str),
        names=frame["provincie"].to_numpy(dtype=str),
        places=frame["spreidingswet_target_places_incl_amv"].to_numpy(dtype=float),
    )


@cache
def published_points() -> pd.DataFrame:
    """Published indicative municipal Spreidingswet numbers (five municipalities; a check, not an input)."""
    return read_csv("spreidingswet_municipal_points.csv")


@cache
def national_task_series() -> pd.DataFrame:
    """National half-yearly housing task, backlog carried in and realisation where found."""
    return read_csv("taakstelling_national.csv")


@cache
def boundaries() -> dict[str, Any]:
    """Municipal boundaries 2024 as GeoJSON (CBS/Kadaster, CC BY 4.0), features keyed by ``code``."""
    resource = resources.files("migratielab.data").joinpath("municipal/gemeenten_2024.geojson")
    parsed: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return parsed


BOUNDARY_CREDIT = "CBS, Kadaster (Wijk- en buurtkaart 2024, CC BY 4.0)"


def sources() -> dict[str, str]:
    """Each bundled file's source as one line (publisher, table, date), from ``sources.yaml``."""
    resource = resources.files("migratielab.data").joinpath("municipal/sources.yaml")
    files: dict[str, dict[str, str]] = yaml.safe_load(resource.read_text(encoding="utf-8"))["files"]
    return {
        name: f"{entry['publisher']}: {entry['table']} ({entry['date']})" for name, entry in files.items()
    }
