"""Recording a chain run month by month: the chosen flows (month, run), the decision-wait histogram,
and the ``xarray.Dataset`` a run returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.models.asylum.chain import QUEUE_MONTHS, Flows, State


@dataclass(frozen=True)
class ChainRun:
    """The result of one simulation: monthly variables, the decision-wait histogram, the final state."""

    monthly: xr.Dataset  # dims (run, time); one variable per recorded Flows field
    wait_histogram: np.ndarray  # (run, months waited) decisions over the whole run
    final_state: State


def month_index(start_year: int, months: int) -> pd.DatetimeIndex:
    """First day of each simulated month."""
    return pd.date_range(f"{start_year}-01-01", periods=months, freq="MS")


class ChainRecorder:
    """Collects the named monthly flows of ``runs`` runs over ``months`` months (default: all)."""

    def __init__(self, runs: int, months: int, record: Sequence[str] | None = None) -> None:
        self.months = months
        self.names = list(record) if record is not None else Flows.scalar_names()
        self.recorded = {name: np.empty((months, runs)) for name in self.names}
        self.histogram = np.zeros((runs, QUEUE_MONTHS))

    def add(self, t: int, flows: Flows) -> None:
        """Keep month ``t``'s flows."""
        for name in self.names:
            self.recorded[name][t] = getattr(flows, name)
        self.histogram += flows.decided_by_wait

    def result(self, start_year: int, final_state: State) -> ChainRun:
        """The run's monthly dataset (dims run, time), wait histogram and final state."""
        runs = self.histogram.shape[0]
        coords = {"run": np.arange(runs), "time": month_index(start_year, self.months)}
        # (month, run) as recorded, seen as (run, time): a transposed view, not a copy
        dataset = xr.Dataset(
            {name: (("run", "time"), values.T) for name, values in self.recorded.items()}, coords=coords
        )
        return ChainRun(monthly=dataset, wait_histogram=self.histogram, final_state=final_state)
