"""Policy levers as arrays: reception capacity, IND staffing, decision term and housing quota rules.

Each rule is a small function of the current state and information available at decision time.
Capacity and staffing decisions are taken half-yearly (January and July), as the COA capacity
decision and the Meerjaren Productie Prognose are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from migratielab.scenario import (
    CapacityPathReception,
    FixedBufferReception,
    FixedHousingQuota,
    ForecastLinkedReception,
    ForecastLinkedStaffing,
    Policy,
    StableStaffing,
)

DECISION_MONTHS = (0, 6)  # January and July (0-based calendar month)


@dataclass(frozen=True)
class PolicyArrays:
    """One policy for an ensemble; numeric levers broadcast to (run,) or (month,) as noted."""

    reception_rule: Literal["forecast_linked", "fixed_buffer", "path"]
    staffing_rule: Literal["forecast_linked", "stable"]
    housing_rule: Literal["forecast", "fixed"]
    forecast_lag_months: int
    staffing_lag_months: int
    base_places: np.ndarray  # (run,) fixed-buffer regular places
    buffer_places: np.ndarray  # (run,) reserve places
    activation_months: np.ndarray  # (run,) months to activate the whole buffer
    trigger_share: np.ndarray  # (run,) occupancy share of regular places that triggers activation
    capacity_path: np.ndarray  # (month,) regular places for the path rule (NaN otherwise)
    stable_fte: np.ndarray  # (run,) FTE under stable staffing
    decision_term_months: np.ndarray  # (month,) statutory term in force
    fixed_quota_per_half_year: np.ndarray  # (run,)
    # (month,) the municipal quota published for the half-year of each month, persons per month; NaN
    # where none is published. The forecast rule takes it where given (the task already set).
    published_quota: np.ndarray
    detention_places: np.ndarray  # (run,) immigration detention places kept open
    lighter_measures_share: np.ndarray  # (run,) share of rejected applicants under a lighter measure


def monthly_path(points: dict[int, int] | dict[int, float], start_year: int, months: int) -> np.ndarray:
    """Linear interpolation of yearly points (1 January) onto months, held flat outside."""
    years = sorted(points)
    time = start_year + np.arange(months) / 12.0
    return np.interp(time, np.array(years, dtype=float), np.array([points[y] for y in years], dtype=float))


def policy_arrays(
    policy: Policy,
    runs: int,
    start_year: int,
    months: int,
    term_path: np.ndarray | None = None,
    published_quota: np.ndarray | None = None,
) -> PolicyArrays:
    """Arrays for ``policy``; ``term_path`` (month,) overrides the decision term (used in backtests);
    ``published_quota`` (month,) the quotas already published, persons per month (NaN: none)."""
    reception = policy.reception
    staffing = policy.staffing
    ones = np.ones(runs)
    return PolicyArrays(
        reception_rule=reception.rule,
        staffing_rule=staffing.rule,
        housing_rule=policy.housing.rule,
        forecast_lag_months=(
            reception.forecast_lag_months if isinstance(reception, ForecastLinkedReception) else 14
        ),
        staffing_lag_months=(
            staffing.forecast_lag_months if isinstance(staffing, ForecastLinkedStaffing) else 14
        ),
        base_places=ones * (reception.base_places if isinstance(reception, FixedBufferReception) else 0),
        buffer_places=ones * (reception.buffer_places if isinstance(reception, FixedBufferReception) else 0),
        activation_months=ones
        * (reception.activation_months if isinstance(reception, FixedBufferReception) else 1),
        trigger_share=ones * (reception.trigger_share if isinstance(reception, FixedBufferReception) else 1),
        capacity_path=(
            monthly_path(reception.places, start_year, months)
            if isinstance(reception, CapacityPathReception)
            else np.full(months, np.nan)
        ),
        stable_fte=ones * (staffing.fte if isinstance(staffing, StableStaffing) else 0.0),
        decision_term_months=(
            term_path if term_path is not None else np.full(months, float(policy.decision_term_months))
        ),
        fixed_quota_per_half_year=ones
        * (policy.housing.per_half_year if isinstance(policy.housing, FixedHousingQuota) else 0),
        published_quota=published_quota if published_quota is not None else np.full(months, np.nan),
        detention_places=ones * policy.returns.detention_places,
        lighter_measures_share=ones * policy.returns.lighter_measures_share,
    )


def is_decision_month(t: int) -> bool:
    """Whether month index ``t`` (0 = January of the start year) is January or July."""
    return t % 12 in DECISION_MONTHS


def next_regular_capacity(
    policy: PolicyArrays,
    t: int,
    current: np.ndarray,
    target: np.ndarray,
    occupied: np.ndarray,
    max_opening: np.ndarray,
    max_closing: np.ndarray,
) -> np.ndarray:
    """Regular places next month: towards ``target`` within opening/closing rates, not below ``occupied``."""
    if policy.reception_rule == "path":
        target = np.full_like(current, policy.capacity_path[t])
    elif policy.reception_rule == "fixed_buffer":
        target = policy.base_places
    step = np.clip(target - current, -max_closing, max_opening)
    return np.maximum(current + step, np.minimum(current, occupied))


def forecast_capacity_target(lagged_need: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """Regular places a forecast-linked decision provides: the lagged need divided by the occupancy norm."""
    return lagged_need / norm


def next_buffer_active(
    policy: PolicyArrays,
    active: np.ndarray,
    regular_capacity: np.ndarray,
    need: np.ndarray,
    occupied: np.ndarray,
) -> np.ndarray:
    """Active reserve places next month.

    The whole buffer is wanted while the need for places exceeds ``trigger_share`` of regular
    capacity; active places move towards that at ``buffer_places / activation_months`` per month
    and are never deactivated while occupied.
    """
    if policy.reception_rule != "fixed_buffer":
        return np.zeros_like(active)
    rate = policy.buffer_places / policy.activation_months
    wanted = np.where(need > policy.trigger_share * regular_capacity, policy.buffer_places, 0.0)
    moved = active + np.clip(wanted - active, -rate, rate)
    return np.maximum(moved, np.minimum(occupied, active))


def staffing_target(
    policy: PolicyArrays,
    lagged_monthly_work: np.ndarray,
    decisions_per_fte_month: np.ndarray,
    budget_coverage: np.ndarray,
) -> np.ndarray:
    """FTE wanted: the stable level, or the funded share of the lagged monthly workload over productivity."""
    if policy.staffing_rule == "stable":
        return policy.stable_fte
    return budget_coverage * lagged_monthly_work / decisions_per_fte_month


def housing_quota_per_month(
    policy: PolicyArrays,
    waiting: np.ndarray,
    recent_grants_half_year: np.ndarray,
    catch_up: np.ndarray,
    t: int,
) -> np.ndarray:
    """Monthly share of the half-yearly municipal quota set in month ``t`` for the months after it
    (persons per month): the fixed lever; or the quota already published for the next month; or
    the forecast rule, ``catch_up`` of the ``waiting`` status holders plus the grants of the last
    half-year."""
    if policy.housing_rule == "fixed":
        return policy.fixed_quota_per_half_year / 6.0
    published = policy.published_quota[min(t + 1, len(policy.published_quota) - 1)]
    if np.isfinite(published):
        return np.full(waiting.shape, float(published))
    return (catch_up * waiting + recent_grants_half_year) / 6.0
