"""Coupling of the modules: the asylum chain's grants become immigrants in the population model.

Status holders granted in the chain (first instance and appeal) enter the population as asylum
immigrants in the year of their grant; follow-on family who arrive enter as family immigrants.
The population model is annual, the chain monthly: flows are summed per calendar year.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

GRANT_FLOWS = ("grants_first_instance", "grants_appeal")
FAMILY_FLOW = "family_arrivals"


def annual_sum(monthly: xr.Dataset, names: tuple[str, ...], years: list[int]) -> np.ndarray:
    """Sum of monthly flows per calendar year, shaped (run, year) (persons per year)."""
    total = sum(monthly[name] for name in names)
    assert isinstance(total, xr.DataArray)
    per_year = total.groupby(total["time"].dt.year).sum()
    return per_year.sel(year=years).transpose("run", "year").to_numpy()


def population_arrivals(monthly: xr.Dataset, years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Asylum immigrants (grants) and their follow-on family per run and year from a chain run."""
    return annual_sum(monthly, GRANT_FLOWS, years), annual_sum(monthly, (FAMILY_FLOW,), years)
