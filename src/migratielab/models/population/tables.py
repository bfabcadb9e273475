"""Brass life tables for many runs in one compiled pass (numba), beside their numpy reference.

``projection.life_tables_reference`` states the arithmetic in numpy (``components.solve_brass_alpha``,
``brass_lx``, ``person_years``, ``survival_ratios``); ``brass_tables`` computes the same values run
by run: the same expressions per age in the same order, only the sums over ages accumulated in
another order (differences of the order of 1e-15). ``tests/models/population/test_tables.py`` holds
the two together to 1e-9 relative with Hypothesis-drawn life expectancies.

Units: life expectancy in years; survivors l_x (radix 1), person-years L_x and survival ratios are
per person.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from migratielab.models.population.components import (
    N_AGES,
    FloatArray,
    StandardLifeTable,
    brass_e0_grid,
)
from migratielab.models.population.kernel import FAST

NEWTON_STEPS = 4
"""Newton steps after interpolating the level on a grid (as ``components.solve_brass_alpha``)."""
E65_AGE = 65


def brass_tables(
    standards: tuple[StandardLifeTable, StandardLifeTable], e0: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Survival ratios (run, 2, 106), births alive on the next 1 January L_0 (run, 2) and the
    sex-neutral remaining life expectancy at 65 (run,) in years, for target e0 (run, 2) in years."""
    runs = e0.shape[0]
    odds = np.array([(1.0 - s.lx[1:]) / s.lx[1:] for s in standards])
    weights = np.array([s.e0_weights for s in standards])
    grids = [brass_e0_grid(s.lx.tobytes(), s.a0, s.e_open) for s in standards]
    e0_grids = np.array([np.ascontiguousarray(e0_grid[::-1]) for _, e0_grid in grids])
    levels = np.array([np.ascontiguousarray(grid[::-1]) for grid, _ in grids])
    shape = (np.array([s.a0 for s in standards]), np.array([s.e_open for s in standards]))
    ratios, infants, e65 = np.empty((runs, 2, N_AGES)), np.empty((runs, 2)), np.zeros(runs)
    _brass_tables(
        np.ascontiguousarray(e0, dtype=np.float64),
        (odds, weights, e0_grids, levels, *shape),
        (ratios, infants, e65),
    )
    return ratios, infants, e65


@njit(cache=True, nogil=True, fastmath=FAST)
def _brass_tables(
    e0: FloatArray,
    standard: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    out: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    """Every run's tables into ``out`` = (ratios, infants, e65 (zeroed)); ``standard`` = per sex:
    odds of dying (2, 105), e0 weights (2, 105), e0 grid and levels in ascending e0 (2, grid),
    a0 (2,), open-interval expectancy (2,)."""
    odds, weights, e0_grids, levels, a0, e_open = standard
    ratios, infants, e65 = out
    lx = np.empty(N_AGES)
    lived = np.empty(N_AGES)
    for run in range(e0.shape[0]):
        for sex in range(2):
            target = e0[run, sex]
            alpha = np.interp(target, e0_grids[sex], levels[sex])
            for _ in range(NEWTON_STEPS):
                _survivors(alpha, odds[sex], lx)
                expectancy, derivative = _e0_and_slope(lx, weights[sex], a0[sex])
                alpha = alpha - (expectancy - target) / derivative
            _survivors(alpha, odds[sex], lx)
            _person_years(lx, a0[sex], e_open[sex], lived)
            _survival_ratios(lived, ratios[run, sex])
            infants[run, sex] = lived[0]
            e65[run] += 0.5 * (lived[E65_AGE:].sum() / lx[E65_AGE])


@njit(cache=True, nogil=True, inline="always", fastmath=FAST)
def _survivors(alpha: float, odds: FloatArray, lx: FloatArray) -> None:
    """l_x (106,) for Brass level ``alpha``: l_0 = 1, l_x = 1 / (1 + exp(2 alpha) odds_x)."""
    scale = np.exp(2.0 * alpha)
    lx[0] = 1.0
    for age in range(odds.shape[0]):
        lx[age + 1] = 1.0 / (1.0 + scale * odds[age])


@njit(cache=True, nogil=True, inline="always", fastmath=FAST)
def _e0_and_slope(lx: FloatArray, weights: FloatArray, a0: float) -> tuple[float, float]:
    """e0 (years) of l_x and its derivative with respect to the Brass level."""
    total, slope = 0.0, 0.0
    for age in range(weights.shape[0]):
        survivors = lx[age + 1]
        total += survivors * weights[age]
        slope += -2.0 * survivors * (1.0 - survivors) * weights[age]
    return a0 + total, slope


@njit(cache=True, nogil=True, inline="always", fastmath=FAST)
def _person_years(lx: FloatArray, a0: float, e_open: float, lived: FloatArray) -> None:
    """Person-years L_x (106,) from l_x; the last entry is T_105."""
    lived[0] = a0 * lx[0] + (1.0 - a0) * lx[1]
    for age in range(1, N_AGES - 1):
        lived[age] = 0.5 * (lx[age] + lx[age + 1])
    lived[N_AGES - 1] = lx[N_AGES - 1] * e_open


@njit(cache=True, nogil=True, inline="always", fastmath=FAST)
def _survival_ratios(lived: FloatArray, ratios: FloatArray) -> None:
    """S_x = L_{x+1} / L_x (106,); ages 104 and 105+ both survive into 105+."""
    for age in range(N_AGES - 2):
        ratios[age] = lived[age + 1] / lived[age]
    closing = lived[N_AGES - 1] / (lived[N_AGES - 2] + lived[N_AGES - 1])
    ratios[N_AGES - 2] = closing
    ratios[N_AGES - 1] = closing
