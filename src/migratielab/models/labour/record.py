"""Recording the labour pillar's yearly flows into an xarray Dataset (dims run, year, occupation, channel)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from migratielab.models.labour.channels import CHANNELS
from migratielab.models.labour.outlook import Flows

OCCUPATION_FLOWS = ("openings", "domestic_supply", "unfilled", "migrant_workers")
CHANNEL_FLOWS = ("arrivals", "departures", "working")


class Recorder:
    """Collects one ``Flows`` per year; ``dataset`` names variables as in the labour registry."""

    def __init__(self, runs: int, years: list[int], codes: tuple[str, ...]) -> None:
        self.years, self.codes = years, codes
        self.arrays = {name: np.zeros((runs, len(years), len(codes))) for name in OCCUPATION_FLOWS}
        self.arrays.update({name: np.zeros((runs, len(years), len(CHANNELS))) for name in CHANNEL_FLOWS})

    def add(self, index: int, flows: Flows) -> None:
        """Store the flows of year ``index`` (years since the start)."""
        for name in (*OCCUPATION_FLOWS, *CHANNEL_FLOWS):
            self.arrays[name][:, index] = getattr(flows, name)

    def dataset(self) -> xr.Dataset:
        """All recorded years; unfilled demand also cumulated from the start (``unfilled_cumulative``), and
        totals over occupations (``*_total``; the remaining shortage is the cumulative gap not met by the
        plan's working migrants, per occupation, at least 0)."""
        occupation: tuple[str, ...] = ("run", "year", "occupation")
        channel: tuple[str, ...] = ("run", "year", "channel")
        variables: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
            name: (occupation, self.arrays[name]) for name in OCCUPATION_FLOWS
        }
        variables.update({name: (channel, self.arrays[name]) for name in CHANNEL_FLOWS})
        cumulative = np.cumsum(self.arrays["unfilled"], axis=1)
        variables["unfilled_cumulative"] = (occupation, cumulative)
        remaining = np.maximum(cumulative - self.arrays["migrant_workers"], 0.0)
        totals = {
            "openings_total": self.arrays["openings"],
            "unfilled_total": self.arrays["unfilled"],
            "shortage_cumulative_total": cumulative,
            "migrant_workers_total": self.arrays["migrant_workers"],
            "shortage_remaining_total": remaining,
        }
        variables.update({name: (("run", "year"), values.sum(axis=2)) for name, values in totals.items()})
        coords = {"year": self.years, "occupation": list(self.codes), "channel": list(CHANNELS)}
        return xr.Dataset(variables, coords=coords)
