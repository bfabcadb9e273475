"""Bundled base data of the population model (data/demography/, registry in sources.yaml).

Sex index 0 = male, 1 = female; ages 0..105 (105 = 105+). Counts in persons.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from migratielab.errors import InputError
from migratielab.models.population.components import N_AGES, FloatArray, StandardLifeTable

SEXES = ("male", "female")
STANDARD_LIFE_TABLE_YEAR = 2024
ASFR_YEAR = 2019


def _read(name: str) -> pd.DataFrame:
    """A CSV file from data/demography (``#`` lines are comments)."""
    resource = resources.files("migratielab.data").joinpath(f"demography/{name}")
    with resources.as_file(resource) as path:
        return pd.read_csv(path, comment="#")


def _by_sex_age(frame: pd.DataFrame, value: str, age: str = "age") -> FloatArray:
    """A (2, 106) array from a long table with columns sex, ``age`` and ``value``."""
    table = frame.pivot(index="sex", columns=age, values=value).reindex(
        index=list(SEXES), columns=range(N_AGES), fill_value=0.0
    )
    return np.asarray(table.to_numpy(dtype=float), dtype=np.float64)


@dataclass(frozen=True)
class BaseData:
    """Observed inputs: population, fertility shape, standard life tables, e0, net-migration profile."""

    population: dict[int, FloatArray]
    asfr_shape: FloatArray
    standards: tuple[StandardLifeTable, StandardLifeTable]
    e0_observed: dict[int, tuple[float, float]]
    net_migration_profile: FloatArray

    def population_at(self, year: int) -> FloatArray:
        """Population on 1 January of ``year`` (2, 106); raises InputError outside 2000-2025."""
        if year not in self.population:
            years = sorted(self.population)
            raise InputError("start", "start", f"a year with observed population ({years[0]}-{years[-1]})")
        return self.population[year]

    def e0_at(self, year: int) -> tuple[float, float]:
        """Observed life expectancy at birth (male, female) in ``year`` or the latest year before."""
        known = [y for y in self.e0_observed if y <= year]
        return self.e0_observed[max(known)]


def _standard_life_table(frame: pd.DataFrame) -> StandardLifeTable:
    """A Brass standard from one sex-year of the derived CBS life table."""
    frame = frame.sort_values("age")
    lx = frame["lx"].to_numpy(dtype=float) / 100_000.0
    infant = frame.iloc[0]
    mx, qx = float(infant["mx"]), float(infant["qx"])
    a0 = 1.0 - (mx - qx) / (qx * mx)
    e_open = 1.0 / float(frame.iloc[-1]["mx"])
    return StandardLifeTable(lx=lx, a0=a0, e_open=e_open)


@cache
def load_base_data() -> BaseData:
    """Read and shape the bundled demographic tables (cached)."""
    population_frame = _read("population_1jan_cbs7461bev.csv")
    population = {
        int(str(year)): _by_sex_age(group, "population") for year, group in population_frame.groupby("year")
    }

    asfr = _read("asfr_2011_2019_derived.csv")
    asfr = asfr[asfr["year"] == ASFR_YEAR]
    shape = np.zeros(N_AGES)
    shape[asfr["age"].to_numpy(dtype=int)] = asfr["asfr"].to_numpy(dtype=float)

    life = _read("lifetable_2019_2023_2024_derived.csv")
    life = life[life["year"] == STANDARD_LIFE_TABLE_YEAR]
    male, female = (_standard_life_table(life[life["sex"] == sex]) for sex in SEXES)

    e0 = _read("e0_by_sex_wpp2024.csv")
    observed = {
        int(str(row.year)): (float(str(row.e0_male_wpp2024)), float(str(row.e0_female_wpp2024)))
        for row in e0.itertuples()
    }
    infants = life[life["age"] == 0].set_index("sex")["ex"]
    observed[STANDARD_LIFE_TABLE_YEAR] = (float(infants["male"]), float(infants["female"]))

    net = _read("net_migration_by_sex_age_derived.csv")
    shares = [
        _by_sex_age(group, "net_migration_derived", age="age_on_31dec") / group["net_migration_derived"].sum()
        for _, group in net.groupby("year")
    ]
    profile = np.mean(shares, axis=0)
    return BaseData(
        population=population,
        asfr_shape=shape / shape.sum(),
        standards=(male, female),
        e0_observed=observed,
        net_migration_profile=np.asarray(profile / profile.sum(), dtype=np.float64),
    )
