"""Results on disk: Parquet in long format (scenario, policy, run, variable, unit, period, value).

Variable names (IAMC style, ``Reception|Occupancy|Total``) and units come from the variable registry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from migratielab.analysis.indicators import INDICATORS
from migratielab.files import atomic_path
from migratielab.models.variables import variable

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
