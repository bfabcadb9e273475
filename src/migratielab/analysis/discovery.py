"""Scenario discovery with PRIM (EMA Workbench's implementation, an optional dependency).

PRIM peels the uncertainty space towards a box where the runs of interest (for example futures in
which a policy misses a threshold) are dense. Coverage is the share of all cases of interest inside
the box, density the share of runs inside the box that are cases of interest.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

MISSING_PRIM = (
    "PRIM scenario discovery needs EMA Workbench: pip install 'migratielab[discovery]' (ema-workbench==2.5.3)"
)
DEFAULT_DENSITY = 0.8


class MissingDependencyError(ImportError):
    """An optional dependency needed for an analysis is not installed."""


def prim_module() -> Any:
    """EMA Workbench's PRIM module, or a clear error naming the package to install."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError as error:
        raise MissingDependencyError(MISSING_PRIM) from error
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def prim_box(inputs: pd.DataFrame, of_interest: np.ndarray, density: float = DEFAULT_DENSITY) -> pd.DataFrame:
    """The PRIM box with the highest coverage among those with at least ``density``.

    Returns one row per restricted input: input, low, high, coverage, density, mass (shares 0..1).
    Empty when there are no cases of interest or no restriction is found.
    """
    cases = np.asarray(of_interest, dtype=bool)
    if not cases.any() or cases.all():
        return pd.DataFrame(columns=["input", "low", "high", "coverage", "density", "mass"])
    prim = prim_module()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        algorithm = prim.Prim(inputs.reset_index(drop=True), cases, threshold=density)
        box = algorithm.find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= density]
    chosen = int(dense["coverage"].idxmax() if not dense.empty else trajectory["density"].idxmax())
    limits = box.box_lims[chosen]
    initial = algorithm.box_init
    stats = trajectory.loc[chosen]
    rows = [
        {
            "input": str(name),
            "low": float(limits[name].iloc[0]),
            "high": float(limits[name].iloc[1]),
            "coverage": float(stats["coverage"]),
            "density": float(stats["density"]),
            "mass": float(stats["mass"]),
        }
        for name in limits.columns
        if not limits[name].equals(initial[name])
    ]
    return pd.DataFrame(rows, columns=["input", "low", "high", "coverage", "density", "mass"])
