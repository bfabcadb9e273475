from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.models.variables import registry
from migratielab.results import IAMC_COLUMNS, iamc_table, write_iamc_csv, write_netcdf


def monthly() -> xr.Dataset:
    time = pd.date_range("2025-01-01", periods=24, freq="MS")
    runs = np.arange(3)
    values = np.arange(72, dtype=float).reshape(3, 24)
    return xr.Dataset(
        {"in_chain": (("run", "time"), values), "applications": (("run", "time"), np.ones((3, 24)))},
        coords={"run": runs, "time": time},
    )


def test_iamc_long_format_reads_back_with_registry_names(tmp_path: Path) -> None:
    table = iamc_table("default", "current", monthly())
    path = write_iamc_csv(table, tmp_path / "results.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == IAMC_COLUMNS
    stock = back[back["variable"] == registry("asylum")["in_chain"].iamc].set_index("year")["value"]
    assert stock[2025] == 35.0  # median over runs of the December value (11, 35, 59)
    flow = back[back["variable"] == registry("asylum")["applications"].iamc].set_index("year")["value"]
    assert flow[2026] == 12.0  # a flow sums its months
    assert set(back["unit"]) == {
        registry("asylum")["in_chain"].unit.code,
        registry("asylum")["applications"].unit.code,
    }


def test_netcdf_round_trip_keeps_values_and_units(tmp_path: Path) -> None:
    path = write_netcdf(monthly(), tmp_path / "run.nc")
    back = xr.open_dataset(path, engine="h5netcdf")
    assert np.array_equal(back["in_chain"].to_numpy(), monthly()["in_chain"].to_numpy())
    assert back["in_chain"].attrs["iamc"] == registry("asylum")["in_chain"].iamc
    back.close()
