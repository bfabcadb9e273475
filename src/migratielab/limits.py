"""Limits of every input, defined once: scenarios, parameters, plans, experiments, CLI options, API bodies.

A limit is a closed range with its unit and the reason for it. Scenario and request models take
their bounds from here (``Limit.field``), the CLI checks options with ``Limit.check`` and the
parameter files with ``check_parameter_values``; so the same value is accepted or refused
everywhere with the same message. Every number must be finite (pydantic models refuse NaN and
infinity through the ``allow_inf_nan=False`` of ``yamlio.Strict``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from migratielab.errors import InputError


@dataclass(frozen=True)
class Limit:
    """A closed range ``[low, high]`` of a quantity in ``unit``; ``why`` says where the bounds come from."""

    low: float
    high: float
    unit: str
    why: str = ""

    @property
    def expectation(self) -> str:
        """The range as text, e.g. ``a finite number from 60 to 100 (years)``."""
        return f"a finite number from {self.low:,g} to {self.high:,g} ({self.unit})"

    def contains(self, value: float) -> bool:
        """True for a finite value inside the range."""
        return math.isfinite(value) and self.low <= value <= self.high

    def check(self, value: float, source: str, key: str) -> float:
        """``value`` if inside the range, else InputError naming ``source`` and ``key``."""
        if not self.contains(value):
            raise InputError(source, key, f"{self.expectation}, got {value:g}")
        return value

    def nearest(self, value: float) -> float:
        """The value in the range nearest to a finite ``value`` (for derived band edges, never for inputs)."""
        return min(max(value, self.low), self.high)

    def field(self, default: Any = ..., **kwargs: Any) -> Any:
        """A pydantic ``Field`` with these bounds (``ge``/``le``) and a description naming the unit."""
        kwargs.setdefault("description", self.unit)
        return Field(default, ge=self.low, le=self.high, **kwargs)


# --------------------------------------------------------------------------- horizons and ensembles
FIRST_POPULATION_START = 2020
"""The earliest 1 January a population projection may start from (CBS population by age bundled)."""
LAST_POPULATION_START = 2025
"""The latest 1 January a population projection may start from (the newest bundled CBS population)."""
LAST_YEAR = 2100
"""The last year any projection or simulation reaches."""
YEAR = Limit(2000, LAST_YEAR, "calendar year", "the bundled statistics start in 2000; horizon to 2100")
RUNS = Limit(
    1, 1_000_000, "runs", "an ensemble of a million runs streams in under 4 GB; more is a cluster job"
)
SHORTAGE_WEIGHT = Limit(0, 1_000, "relative weight", "weights are relative; a bound keeps their sum finite")
SEED = Limit(0, 2**32 - 1, "integer seed", "numpy's SeedSequence entropy; 32 bits are plenty")

# --------------------------------------------------------------------------------------- demography
TFR = Limit(0.3, 5.0, "children per woman", "below and above every observed national TFR since 1950")
LIFE_EXPECTANCY = Limit(
    60.0, 100.0, "years", "life expectancy at birth; the Brass life table is solved reliably in this range"
)
NET_MIGRATION = Limit(
    -200_000, 500_000, "persons per year", "about -1% to +3% of the Dutch population per year"
)
ANNUAL_INFLOW = Limit(0, 1_000_000, "persons per year", "gross immigration of one channel or asylum inflow")

# ------------------------------------------------------------------------------------ asylum levers
PLACES = Limit(0, 300_000, "places", "about ten times the largest reception capacity ever (2023)")
FTE = Limit(0, 20_000, "FTE", "about ten times the IND's asylum staff")
HALF_YEAR_QUOTA = Limit(0, 100_000, "persons per half year", "about four times the largest task (2023)")
INFLOW_LEVEL_MULTIPLIER = Limit(0.0, 10.0, "dimensionless", "scales the long-run inflow level")

# ----------------------------------------------------------------------------------- file sizes
MAX_FILE_BYTES = 5_000_000
"""Largest YAML input file (scenario, parameters, plan, experiment) in bytes."""
MAX_CSV_BYTES = 200_000_000
"""Largest CSV export accepted by the importers, in bytes."""
MAX_CSV_FIELD_CHARACTERS = 65_536
"""Largest single CSV field, in characters."""
MAX_REQUEST_BYTES = 1_000_000
"""Largest HTTP request body, in bytes."""
MAX_STATISTIC = 1e12
"""Largest absolute value of an imported statistic (euro amounts included)."""

# ---------------------------------------------------------------------------------- parameters
SHARE = Limit(0.0, 1.0, "share")
NON_NEGATIVE = Limit(0.0, 1e12, "non-negative number")
SIGNED = Limit(-1e12, 1e12, "number")
SHARE_UNITS = ("share", "fraction", "fraction of population", "share per month")
PARAMETER_LIMITS: dict[str, Limit] = {
    "ind_budget_coverage": Limit(0.0, 2.0, "share", "the budget may fund more than the need"),
    "housing_quota_catch_up": Limit(0.0, 2.0, "share", "part of the waiting list added to the quota"),
    "fiscal_net_contribution": SIGNED,
    "asylum_employment_curve": NON_NEGATIVE,
}
"""Parameters whose range differs from the one implied by their unit (see ``parameter_limit``)."""
POSITIVE_PARAMETERS = (
    "emergency_opening_months",
    "emergency_closing_months",
    "crisis_opening_months",
    "ramp_up_months",
    "court_lag_months",
    "rejected_mean_months_in_reception",
    "family_lag_mean_months",
    "backlog_clearance_months",
    "planning_occupancy_norm",
    "average_household_size",
)
"""Parameters that divide: they must be above zero."""
SHARE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("track_share_dublin", "track_share_safe_country"),
    ("departure_share_independent", "departure_share_forced", "remain_share"),
    (
        "initial_share_in_procedure",
        "initial_share_in_appeal",
        "initial_share_rejected",
        "initial_share_status_holders",
    ),
)
"""Shares of one whole: together they must not exceed 1 (the rest is the remainder)."""
SHARE_SUM_TOLERANCE = 1e-9


def parameter_limit(name: str, unit: str) -> Limit:
    """The range of a parameter: its own entry, else shares in [0, 1], else non-negative."""
    if name in PARAMETER_LIMITS:
        return PARAMETER_LIMITS[name]
    return SHARE if unit in SHARE_UNITS else NON_NEGATIVE


def _numbers(value: float | Sequence[float] | Mapping[int, Any]) -> Iterable[float]:
    """Every number in a parameter value (a number, a list, or dated values of either)."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (list, tuple)):
        yield from (float(item) for item in value)
    else:
        yield float(value)  # type: ignore[arg-type]


def check_parameter_value(name: str, unit: str, value: Any, source: str, key: str) -> None:
    """InputError unless every number of ``value`` lies in the parameter's range (and is above zero
    for the parameters in ``POSITIVE_PARAMETERS``)."""
    limit = parameter_limit(name, unit)
    for number in _numbers(value):
        limit.check(number, source, key)
        if name in POSITIVE_PARAMETERS and number <= 0:
            raise InputError(source, key, f"a number above zero ({unit}), got {number:g}")


def check_share_groups(largest: Mapping[str, float], source: str) -> None:
    """InputError if the largest values of a group of shares (``SHARE_GROUPS``) sum above 1."""
    for group in SHARE_GROUPS:
        if not all(name in largest for name in group):
            continue
        total = sum(largest[name] for name in group)
        if total > 1.0 + SHARE_SUM_TOLERANCE:
            parts = " + ".join(f"{name} {largest[name]:g}" for name in group)
            raise InputError(
                source, ", ".join(group), f"shares of one whole summing to at most 1, got {parts}"
            )
