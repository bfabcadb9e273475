"""Files the ``run`` verb writes: the HTML report and the long-format Parquet results of a comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import xarray as xr

from migratielab.report.asylum import comparison_report
from migratielab.results import long_format, write_parquet
from migratielab.service.asylum import FAN_VARIABLES, Comparison, observed_sources, observed_stock_points


def slug(text: str) -> str:
    """A file-name-safe version of a scenario name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower() or "scenario"


def fan_frame(quantiles: xr.DataArray) -> pd.DataFrame:
    """Quantiles over runs as a frame: index time, one column per quantile."""
    return pd.DataFrame(
        quantiles.transpose("time", "quantile").to_numpy(),
        index=quantiles["time"].to_index(),
        columns=quantiles["quantile"].to_numpy(),
    )


def write_outputs(comparison: Comparison, out_dir: Path) -> tuple[Path, Path]:
    """Write the HTML report and the long-format Parquet results; return both paths."""
    scenario = comparison.scenario
    folder = out_dir / slug(scenario.name)
    tables = []
    for outcome in comparison.outcomes:
        assert outcome.monthly is not None, "trajectories are needed for the Parquet results"
        tables.append(long_format(scenario.name, outcome.policy.name, outcome.monthly, outcome.indicators))
    parquet = write_parquet(pd.concat(tables, ignore_index=True), folder / "results.parquet")
    fans = {
        variable: {outcome.policy.name: fan_frame(outcome.fan[variable]) for outcome in comparison.outcomes}
        for variable in FAN_VARIABLES
        if variable not in ("regular_occupancy",)
    }
    report = comparison_report(
        folder / "report.html",
        title=f"migratielab: {scenario.name}",
        description=scenario.description,
        summary=comparison.summary(),
        fans=fans,
        observed=observed_stock_points(scenario.start_year - 10, scenario.end_year),
        parameters=comparison.parameters,
        data_sources=observed_sources(),
    )
    return report, parquet
