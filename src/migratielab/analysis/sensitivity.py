"""Global sensitivity with SALib: Sobol first- and total-order indices with confidence intervals,
and Morris elementary effects, for scalar outcomes and per time step.

Inputs are the unit-hypercube draws of the design (so Morris ``mu_star`` is in outcome units per
full range of the input). Sobol needs the sample in Saltelli order, which the ``sobol`` sampler
produces; a failed run leaves its Y as NaN, and SALib then returns NaN indices for that outcome.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

CONFIDENCE = 0.95
RESAMPLES = 200


def unit_problem(names: list[str]) -> dict[str, Any]:
    """A SALib problem over the unit hypercube with the given dimension names."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu_star", "mu_star_conf", "sigma")


def indices_frame(names: Sequence[str], result: Mapping[str, Any], columns: Sequence[str]) -> pd.DataFrame:
    """One row per input with the named entries of a SALib result."""
    return pd.DataFrame({"input": list(names), **{column: result[column] for column in columns}})


def sobol_indices(names: Sequence[str], outputs: np.ndarray, seed: int) -> pd.DataFrame:
    """First (S1) and total (ST) order Sobol indices with 95% bootstrap half-widths, per input."""
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # constant outputs give 0/0 indices: reported as NaN
        result = sobol.analyze(
            unit_problem(list(names)),
            np.asarray(outputs, dtype=float),
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=seed,
        )
    return indices_frame(names, result, SOBOL_COLUMNS)


def morris_indices(
    names: Sequence[str], inputs: np.ndarray, outputs: np.ndarray, levels: int, seed: int
) -> pd.DataFrame:
    """Morris screening: mean absolute elementary effect (mu_star) with 95% CI half-width, and sigma."""
    from SALib.analyze import morris

    result = morris.analyze(
        unit_problem(list(names)),
        np.asarray(inputs, dtype=float),
        np.asarray(outputs, dtype=float),
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=levels,
        seed=seed,
    )
    return indices_frame(names, result, MORRIS_COLUMNS)


def sensitivity_table(
    method: str,
    names: Sequence[str],
    inputs: np.ndarray,
    outputs: pd.DataFrame,
    levels: int,
    seed: int,
) -> pd.DataFrame:
    """Indices of every output column (scalar outcomes and per-year columns ``variable@year``).

    ``method`` is ``sobol`` or ``morris``; ``outputs`` rows follow the sampler's row order.
    Columns: output, period (``all`` or the year), input, then the method's indices.
    """
    frames = []
    for column in outputs.columns:
        values = outputs[column].to_numpy(dtype=float)
        if method == "sobol":
            frame = sobol_indices(names, values, seed)
        else:
            frame = morris_indices(names, inputs, values, levels, seed)
        variable, _, period = str(column).partition("@")
        frame.insert(0, "period", period or "all")
        frame.insert(0, "output", variable)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
