"""Results on disk: Parquet in long format (scenario, policy, run, variable, unit, period, value),
the IAMC long format (model, scenario, region, variable, unit, year; read by pyam and pandas)
and netCDF (xarray through h5netcdf)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from migratielab.analysis.indicators import INDICATORS
from migratielab.files import atomic_path
from migratielab.models.variables import registry, variable

MONTHLY_VARIABLES = (
    "applications",
    "in_chain",
    "at_centre",
    "regular_occupancy",
    "emergency_occupancy",
    "crisis_occupancy",
    "without_shelter",
    "regular_capacity",
    "buffer_active",
    "ind_backlog",
    "cases_past_term",
    "ind_staff",
    "holders_waiting",
    "housed",
)
"""The asylum-chain variables written per run and month (names in ``models/asylum/variables.yaml``)."""


def long_format(scenario: str, policy: str, monthly: xr.Dataset, indicators: pd.DataFrame) -> pd.DataFrame:
    """Monthly trajectories and per-run indicators of one policy as long-format rows."""
    frames = []
    for name in MONTHLY_VARIABLES:
        entry = variable("asylum", name)
        frame = monthly[name].to_dataframe().reset_index()
        frames.append(
            pd.DataFrame(
                {
                    "run": frame["run"].to_numpy(),
                    "variable": entry.iamc,
                    "unit": entry.unit.code,
                    "period": frame["time"].dt.strftime("%Y-%m").to_numpy(),
                    "value": frame[name].to_numpy(),
                }
            )
        )
    start, end = (str(monthly["time"].dt.year.min().item()), str(monthly["time"].dt.year.max().item()))
    for indicator in INDICATORS:
        frames.append(
            pd.DataFrame(
                {
                    "run": indicators.index.to_numpy(),
                    "variable": indicator.variable.iamc,
                    "unit": indicator.unit,
                    "period": f"{start}/{end}",
                    "value": indicators[indicator.name].to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "policy", policy)
    table.insert(0, "scenario", scenario)
    return table


def write_parquet(table: pd.DataFrame, path: Path) -> Path:
    """Write a table to Parquet (zstd) atomically."""
    with atomic_path(path) as temporary:
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), temporary, compression="zstd")
    return path


IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]


def iamc_table(scenario: str, policy: str, monthly: xr.Dataset, model: str = "migratielab") -> pd.DataFrame:
    """The median over runs of every registered asylum stock (year-end) and flow (year sum) per year,
    named and united by the variable registry, in the IAMC long format (one row per variable and year).
    """
    rows = []
    years = monthly["time"].dt.year
    for name, entry in registry("asylum").items():
        if name not in monthly or set(monthly[name].dims) != {"run", "time"}:
            continue
        grouped = monthly[name].groupby(years)
        annual = grouped.last() if entry.kind == "stock" else grouped.sum()
        median = annual.median("run")
        for year, value in zip(median["year"].to_numpy(), median.to_numpy(), strict=True):
            rows.append(
                (
                    model,
                    f"{scenario}|{policy}",
                    "Netherlands",
                    entry.iamc,
                    entry.unit.code,
                    int(year),
                    float(value),
                )
            )
    return pd.DataFrame(rows, columns=IAMC_COLUMNS)


def write_iamc_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write an IAMC long-format table as CSV atomically."""
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False)
    return path


def write_netcdf(monthly: xr.Dataset, path: Path) -> Path:
    """Write a run's monthly dataset (dims run, time) to netCDF through h5netcdf, atomically; each
    variable carries its registered unit and IAMC name as attributes."""
    entries = registry("asylum")
    dataset = monthly.copy()
    for name in dataset.data_vars:
        if str(name) in entries:
            entry = entries[str(name)]
            dataset[name].attrs.update({"units": entry.unit.code, "iamc": entry.iamc, "long_name": entry.en})
    with atomic_path(path) as temporary:
        dataset.to_netcdf(temporary, engine="h5netcdf")
    return path
