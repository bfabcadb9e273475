"""The municipal pillar's months in place: the compiled ``kernel`` over state the loop owns.

The system loop asks for the national offer before the asylum chain's month (``offer``) and tells
who the chain housed after it (``settle``); the backlog and the integration pipeline (a ring) are
updated in place and the flows go straight into the recorder. The same checks as ``step.check``
run every month; ``step.step`` is the numpy reference of the same month.
"""

from __future__ import annotations

import numpy as np

from migratielab.errors import ConservationError
from migratielab.models.municipal import kernel
from migratielab.models.municipal.record import MunicipalRecorder
from migratielab.models.municipal.step import TOLERANCE, Params, State, check_housed


class InPlaceMonths:
    """A run of the pillar from ``state``: ``offer`` then ``settle`` every month, recorded."""

    def __init__(self, params: Params, state: State, months: int) -> None:
        runs, towns = state.backlog.shape
        self.fine_amount = float(params.fine_amount)
        self.backlog = np.array(state.backlog, dtype=np.float64, order="C")
        # (run, months since housing, municipality): a month's rows are read along municipalities
        self.ring = np.ascontiguousarray(state.months_since_housing().transpose(0, 2, 1), dtype=np.float64)
        self.head = 0
        self.cells = kernel.cells(params, runs, towns)
        self.pmf = np.ascontiguousarray(
            np.broadcast_to(params.pass_pmf, (runs, self.ring.shape[1])), dtype=np.float64
        )
        self.recorder = MunicipalRecorder(runs, months)
        self.task = np.zeros(runs)
        self.offered = np.zeros(runs)

    @property
    def state(self) -> State:
        """The stocks at the end of the last month settled (the loop's arrays, not copies)."""
        return State(backlog=self.backlog, pipeline=self.ring.transpose(0, 2, 1), head=self.head)

    def offer(self, task: np.ndarray) -> np.ndarray:
        """National capacity (run,): what the municipalities offer for the national ``task`` (run,)."""
        self.task = np.array(task, dtype=np.float64)  # writeable and contiguous: one compiled type
        self.offered = kernel.offer(self.backlog, self.cells, self.task)
        return self.offered

    def settle(self, t: int, housed: np.ndarray) -> dict[str, np.ndarray]:
        """Month ``t``: the chain housed ``housed`` (run,) of the offer; returns the national sums
        (run,) of ``kernel.NATIONAL`` (persons)."""
        housed = np.array(housed, dtype=np.float64)
        check_housed(housed, self.offered)
        out = kernel.settle(
            (self.backlog, self.ring, self.head),
            self.cells,
            self.pmf,
            (self.task, housed, self.offered, self.fine_amount),
            self.recorder.year_flows(t),
        )
        self.head = (self.head - 1) % self.ring.shape[1]
        national = {name: out[:, index] for index, name in enumerate(kernel.NATIONAL)}
        _check(national, out, self.task, housed)
        self.recorder.end_of_month(t, self.backlog, national)
        return national


def _check(national: dict[str, np.ndarray], out: np.ndarray, task: np.ndarray, housed: np.ndarray) -> None:
    """``step.check`` from the kernel's sums: task and housed add up, backlogs carry over, no negatives."""
    scale = 1.0 + np.abs(task).max() + np.abs(housed).max()
    problems = {
        "task adds up to the national task": np.abs(national["task"] - task).max(),
        "housed adds up to the chain's housed": np.abs(national["housed"] - housed).max(),
        "backlog carries over": out[:, len(kernel.NATIONAL)].max(),
    }
    for what, error in problems.items():
        if error > TOLERANCE * scale:
            raise ConservationError(f"municipal step: {what} (off by {error:.3g})")
    if out[:, len(kernel.NATIONAL) + 1].min() < -TOLERANCE:
        raise ConservationError("municipal step: a negative flow")
