"""Demographic components as pure, vectorised functions (leading ``run`` axis where it applies).

Units: ages in completed years (0..105, 105 = 105 and older), rates per person per year,
life expectancy in years, counts in persons.

* Fertility: an age schedule (CBS-derived ASFR 2019, ages 15..49) normalised to sum 1 and
  scaled to a total fertility rate: ``asfr_x = TFR * shape_x``.
* Mortality: Brass relational logit model with slope 1 (Brass 1971): for a standard life
  table ``l_x``, ``logit(l_x(alpha)) = alpha + logit(l_x^std)`` with
  ``logit(l) = 0.5 ln((1-l)/l)``. ``alpha`` is solved per run and sex so that life expectancy
  at birth equals the target (interpolation on a grid, then Newton steps; ``e0`` is linear in
  ``l_x`` so the derivative is exact).
* Model migration schedule: Rogers & Castro (1981) age profile, used where no observed age
  profile exists (immigrants by motive, emigration of people born in NL).
* Departure of immigrants: piecewise-constant hazards by years since arrival.
* State pension (AOW) age: the statutory link to remaining life expectancy at 65.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

N_AGES = 106
"""Ages 0..104 plus the open interval 105+."""
MAX_DURATION = 10
"""Years since arrival 0..9 plus the open class 10+."""


def row_dot(rows: FloatArray, weights: FloatArray) -> FloatArray:
    """``rows @ weights`` summed row by row, so a run's result does not depend on the batch size.

    BLAS picks kernels by matrix size, so ``@`` may round a run differently in a chunk of another
    size; an elementwise product summed over the last axis does not.
    """
    return np.asarray((rows * weights).sum(axis=-1), dtype=np.float64)


def scale_fertility(shape: FloatArray, tfr: FloatArray) -> FloatArray:
    """Age-specific fertility rates (run, age) from a schedule shape (age,) summing to 1 and TFR (run,)."""
    return np.asarray(tfr[:, None] * (shape / shape.sum())[None, :], dtype=np.float64)


@dataclass(frozen=True)
class StandardLifeTable:
    """A standard life table for the Brass model, one sex.

    ``lx`` survivors at exact ages 0..105 (radix 1), ``a0`` the mean fraction of the first year
    lived by infants who die, ``e_open`` the life expectancy in the open interval 105+ (years).
    """

    lx: FloatArray
    a0: float
    e_open: float

    @property
    def logit(self) -> FloatArray:
        """Brass logit of l_x for ages 1..105 (age 0 has l_0 = 1 and is left out)."""
        lx = self.lx[1:]
        return np.asarray(0.5 * np.log((1.0 - lx) / lx), dtype=np.float64)

    @property
    def e0_weights(self) -> FloatArray:
        """Weights c_x (ages 1..105) so that e0 = a0 + sum_x c_x l_x (exact for this table layout)."""
        weights = np.ones(N_AGES - 1)
        weights[0] = (1.0 - self.a0) + 0.5
        weights[-1] = 0.5 + self.e_open
        return weights


def brass_lx(standard: StandardLifeTable, alpha: FloatArray) -> FloatArray:
    """Survivors l_x (..., 106) for Brass level ``alpha`` (...) with slope 1; l_0 = 1.

    1 / (1 + exp(2 (alpha + logit_x))) written as 1 / (1 + exp(2 alpha) odds_x), with the standard's
    odds of dying (1 - l_x) / l_x = exp(2 logit_x): one exponential per level instead of one per age.
    """
    lx = standard.lx[1:]
    survivors = 1.0 / (1.0 + np.exp(2.0 * alpha)[..., None] * ((1.0 - lx) / lx))
    ones = np.ones((*alpha.shape, 1))
    return np.concatenate([ones, survivors], axis=-1)


def life_expectancy_at_birth(standard: StandardLifeTable, lx: FloatArray) -> FloatArray:
    """e0 in years from l_x (..., 106) with the standard's a0 and open-interval expectancy."""
    return standard.a0 + row_dot(lx[..., 1:], standard.e0_weights)


def person_years(standard: StandardLifeTable, lx: FloatArray) -> FloatArray:
    """Person-years L_x (..., 106) lived in each age interval; the last entry is T_105."""
    lived = np.empty_like(lx)
    lived[..., 0] = standard.a0 * lx[..., 0] + (1.0 - standard.a0) * lx[..., 1]
    lived[..., 1:-1] = 0.5 * (lx[..., 1:-1] + lx[..., 2:])
    lived[..., -1] = lx[..., -1] * standard.e_open
    return lived


def remaining_life_expectancy(lived: FloatArray, lx: FloatArray, age: int) -> FloatArray:
    """Remaining life expectancy e_age (years) from person-years and survivors."""
    return np.asarray(lived[..., age:].sum(axis=-1) / lx[..., age], dtype=np.float64)


def solve_brass_alpha(
    standard: StandardLifeTable, target_e0: FloatArray, newton_steps: int = 4
) -> FloatArray:
    """The Brass level alpha (same shape as target_e0) that reproduces target e0 (years)."""
    grid, e0_grid = brass_e0_grid(standard.lx.tobytes(), standard.a0, standard.e_open)
    # e0 decreases in alpha: interpolate on the reversed grid
    alpha = np.interp(target_e0, e0_grid[::-1], grid[::-1])
    for _ in range(newton_steps):
        lx = brass_lx(standard, alpha)
        derivative = row_dot(-2.0 * lx[..., 1:] * (1.0 - lx[..., 1:]), standard.e0_weights)
        alpha = alpha - (life_expectancy_at_birth(standard, lx) - target_e0) / derivative
    return np.asarray(alpha, dtype=np.float64)


@lru_cache(maxsize=16)
def brass_e0_grid(lx: bytes, a0: float, e_open: float) -> tuple[FloatArray, FloatArray]:
    """Brass levels -3..3 (step 0.005) and their e0 (years) for a standard given by its fields
    (cached: every year of every chunk solves against the same few standards)."""
    standard = StandardLifeTable(lx=np.frombuffer(lx, dtype=np.float64), a0=a0, e_open=e_open)
    grid = np.linspace(-3.0, 3.0, 1201)
    return grid, life_expectancy_at_birth(standard, brass_lx(standard, grid))


def survival_ratios(lived: FloatArray) -> FloatArray:
    """Annual survival ratios (..., 106) from age x on 1 Jan to x+1 on the next 1 Jan.

    Uses S_x = L_{x+1}/L_x; ages 104 and 105+ both survive into 105+ with T_105/(L_104+T_105).
    """
    ratios = np.empty_like(lived)
    ratios[..., :-2] = lived[..., 1:-1] / lived[..., :-2]
    closing = lived[..., -1] / (lived[..., -2] + lived[..., -1])
    ratios[..., -2] = closing
    ratios[..., -1] = closing
    return ratios


def rogers_castro(
    ages: FloatArray,
    child_level: float,
    child_rate: float,
    labour_level: float,
    labour_peak: float,
    labour_descent: float,
    labour_ascent: float,
    constant: float,
) -> FloatArray:
    """Rogers-Castro (1981) model migration schedule, normalised to sum 1 over ``ages``.

    m(x) = a1 exp(-alpha1 x) + a2 exp(-alpha2 (x - mu2) - exp(-lambda2 (x - mu2))) + c.
    """
    shifted = ages - labour_peak
    schedule = (
        child_level * np.exp(-child_rate * ages)
        + labour_level * np.exp(-labour_descent * shifted - np.exp(-labour_ascent * shifted))
        + constant
    )
    return np.asarray(schedule / schedule.sum(), dtype=np.float64)


def piecewise_survival(hazards: FloatArray, bounds: FloatArray, duration: FloatArray) -> FloatArray:
    """Share still present after ``duration`` years for annual departure probabilities per interval.

    ``hazards`` (..., k) are annual probabilities on intervals starting at ``bounds`` (k,)
    (the last interval is open); the continuous-time rate is -ln(1-h).
    """
    rates = -np.log1p(-hazards)
    upper = np.append(bounds[1:], np.inf)
    exposure = np.clip(duration[..., None] - bounds, 0.0, upper - bounds)
    return np.asarray(np.exp(-(exposure * rates[..., None, :]).sum(axis=-1)), dtype=np.float64)


def departure_by_duration(hazards: FloatArray, bounds: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Departure probabilities for the arrival year and for stocks at durations 0..10+.

    A cohort arrives on average mid-year; the stock with d completed years on 1 January has
    been present d + 0.5 years, so its departure probability over the coming year is
    1 - S(d + 1.5) / S(d + 0.5). Returns (arrival_year (..., ), by_duration (..., 11)).
    """
    mid = np.arange(MAX_DURATION + 1, dtype=float) + 0.5
    start = piecewise_survival(hazards, bounds, mid)
    end = piecewise_survival(hazards, bounds, mid + 1.0)
    arrival = 1.0 - piecewise_survival(hazards, bounds, np.array([0.5]))[..., 0]
    return arrival, 1.0 - end / start


def annual_hazard(
    share_left: float, years: float, share_left_before: float = 0.0, since: float = 0.0
) -> float:
    """Constant annual departure probability between ``since`` and ``years`` after arrival.

    From the cumulative shares that had left by those durations (CBS cohort figures).
    """
    remaining = (1.0 - share_left) / (1.0 - share_left_before)
    return float(1.0 - remaining ** (1.0 / (years - since)))


def aow_age_path(
    years: NDArray[np.int64],
    e65: FloatArray,
    fixed: dict[int, float],
    reference_e65: float,
    share_of_gain: float,
    step: float,
) -> FloatArray:
    """State pension (AOW) age per run and year (run, year), in years.

    Years with an age fixed by law use it. Later years follow art. 7a AOW (as amended in 2019):
    V = share_of_gain * (L - reference_e65) - (P - 67); the age rises by ``step`` (3 months)
    when V >= step and never falls. L is the (sex-neutral) remaining life expectancy at 65
    projected for that year, P the age in the previous year.
    """
    runs = e65.shape[0]
    path = np.empty((runs, years.size))
    first_fixed = min(fixed)
    previous = np.full(runs, fixed[first_fixed])
    for index, year in enumerate(years.tolist()):
        if year in fixed or year < first_fixed:
            current = np.full(runs, fixed.get(year, fixed[first_fixed]))
        else:
            increase = share_of_gain * (e65[:, index] - reference_e65) - (previous - 67.0)
            current = previous + np.where(increase >= step, step, 0.0)
        path[:, index] = current
        previous = current
    return path
