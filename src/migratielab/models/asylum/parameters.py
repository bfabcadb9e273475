"""Asylum-chain parameters as arrays: per-run scalars shaped (run,), dated values shaped (month,)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from migratielab.params import ParameterSet

FAMILY_HORIZON_MONTHS = 48  # follow-on family scheduled up to four years ahead
FAMILY_LAG_SHAPE = 3.0  # gamma shape of the grant-to-arrival lag of follow-on family
STAFF_PIPELINE_MONTHS = 24  # IND hires graduate to trained staff after two years


def gamma_lag_weights(mean_months: np.ndarray, shape: float = FAMILY_LAG_SHAPE) -> np.ndarray:
    """Monthly weights (run, months ahead 1..horizon) of a gamma lag with the given mean; rows sum to one."""
    months = np.arange(1, FAMILY_HORIZON_MONTHS + 1, dtype=float)
    scale = mean_months[:, None] / shape
    density = months ** (shape - 1.0) * np.exp(-months / scale)
    return np.asarray(density / density.sum(axis=1, keepdims=True))


PER_RUN = (
    "ter_apel_capacity",
    "registration_capacity",
    "planning_occupancy_norm",
    "max_regular_opening_per_month",
    "max_regular_closing_per_month",
    "emergency_opening_months",
    "emergency_closing_months",
    "crisis_opening_months",
    "first_instance_decisions_per_year",
    "ind_asylum_fte",
    "ramp_up_months",
    "ind_max_shrink_per_month",
    "backlog_clearance_months",
    "ind_budget_coverage",
    "fast_track_work_share",
    "track_share_safe_country",
    "recognition_rate_safe_country",
    "dublin_transfer_share",
    "appeal_share",
    "court_lag_months",
    "appeal_grant_share",
    "rejected_mean_months_in_reception",
    "departure_share_independent",
    "departure_share_forced",
    "remain_share",
    "unsupervised_registered_share",
    "family_per_grant",
    "family_lag_mean_months",
    "family_share_in_reception",
    "housing_quota_catch_up",
    "housing_realisation",
    "housing_max_per_month",
    "housing_min_wait_months",
    "outside_reception_share",
    "cost_crisis_per_resident_year",
    "cost_vacant_place_per_year",
    "cost_reserve_place_per_year",
    "cost_opening_place",
    "cost_closing_place",
    "cost_ind_fte_per_year",
    "penalty_per_case",
    "penalty_claim_share",
    "cost_detention_place_per_day",
    "cost_forced_departure",
    "cost_independent_departure",
    "cost_lighter_measure_per_person_month",
)
DATED = (
    "track_share_dublin",
    "recognition_rate_general",
    "cost_regular_per_resident_year",
    "cost_emergency_per_resident_year",
)


@dataclass(frozen=True)
class ChainParameters:
    """Numeric parameters of one ensemble: see ``params/asylum.yaml`` for units and sources."""

    ter_apel_capacity: np.ndarray
    registration_capacity: np.ndarray
    planning_occupancy_norm: np.ndarray
    max_regular_opening_per_month: np.ndarray
    max_regular_closing_per_month: np.ndarray
    emergency_opening_months: np.ndarray
    emergency_closing_months: np.ndarray
    crisis_opening_months: np.ndarray
    first_instance_decisions_per_year: np.ndarray
    ind_asylum_fte: np.ndarray
    ramp_up_months: np.ndarray
    ind_max_shrink_per_month: np.ndarray
    backlog_clearance_months: np.ndarray
    ind_budget_coverage: np.ndarray
    fast_track_work_share: np.ndarray
    track_share_safe_country: np.ndarray
    recognition_rate_safe_country: np.ndarray
    dublin_transfer_share: np.ndarray
    appeal_share: np.ndarray
    court_lag_months: np.ndarray
    appeal_grant_share: np.ndarray
    rejected_mean_months_in_reception: np.ndarray
    departure_share_independent: np.ndarray
    departure_share_forced: np.ndarray
    remain_share: np.ndarray
    unsupervised_registered_share: np.ndarray
    family_per_grant: np.ndarray
    family_lag_mean_months: np.ndarray
    family_share_in_reception: np.ndarray
    housing_quota_catch_up: np.ndarray
    housing_realisation: np.ndarray
    housing_max_per_month: np.ndarray
    housing_min_wait_months: np.ndarray
    outside_reception_share: np.ndarray
    cost_crisis_per_resident_year: np.ndarray
    cost_vacant_place_per_year: np.ndarray
    cost_reserve_place_per_year: np.ndarray
    cost_opening_place: np.ndarray
    cost_closing_place: np.ndarray
    cost_ind_fte_per_year: np.ndarray
    penalty_per_case: np.ndarray
    penalty_claim_share: np.ndarray
    track_share_dublin: np.ndarray
    recognition_rate_general: np.ndarray
    cost_regular_per_resident_year: np.ndarray
    cost_emergency_per_resident_year: np.ndarray
    cost_detention_place_per_day: np.ndarray
    cost_forced_departure: np.ndarray
    cost_independent_departure: np.ndarray
    cost_lighter_measure_per_person_month: np.ndarray

    @property
    def decisions_per_fte_month(self) -> np.ndarray:
        """IND productivity: general-procedure decisions per productive FTE per month."""
        return self.first_instance_decisions_per_year / 12.0 / self.ind_asylum_fte

    @cached_property
    def family_lag_weights(self) -> np.ndarray:
        """Arrival weights (run, months ahead 1..FAMILY_HORIZON_MONTHS) of follow-on family after a grant."""
        return gamma_lag_weights(self.family_lag_mean_months)

    @cached_property
    def work_weights(self) -> np.ndarray:
        """Work per case in general-case units (run, track: Dublin, safe country, general)."""
        fast = self.fast_track_work_share
        return np.stack([fast, fast, np.ones_like(fast)], axis=1)

    @cached_property
    def ramp_weights(self) -> np.ndarray:
        """Productive share (run, months since hire 1..STAFF_PIPELINE_MONTHS) of a hire: a linear ramp-up."""
        months_since_hire = np.arange(1, STAFF_PIPELINE_MONTHS + 1, dtype=float)
        return np.minimum(1.0, months_since_hire[None, :] / self.ramp_up_months[:, None])

    @property
    def runs(self) -> int:
        """Ensemble size these parameters were built for."""
        return int(self.ter_apel_capacity.shape[0])


def build_parameters(
    parameters: ParameterSet,
    runs: int,
    start_year: int,
    months: int,
    per_run_values: dict[str, np.ndarray] | None = None,
) -> ChainParameters:
    """Arrays for ``runs`` runs over ``months`` months from January of ``start_year``.

    ``per_run_values`` replaces per-run scalars with sampled values, shaped (run,).
    """
    sampled = per_run_values or {}
    unknown = set(sampled) - set(PER_RUN)
    if unknown:
        raise KeyError(f"cannot vary per run: {sorted(unknown)}; per-run parameters are {PER_RUN}")
    years = start_year + np.arange(months) // 12
    values: dict[str, np.ndarray] = {}
    for name in PER_RUN:
        column = sampled.get(name)
        values[name] = (
            np.broadcast_to(np.asarray(column, dtype=float), (runs,)).copy()
            if column is not None
            else np.full(runs, parameters.scalar(name))
        )
    for name in DATED:
        values[name] = np.array([parameters.scalar(name, int(year)) for year in years])
    assert {field.name for field in fields(ChainParameters)} == set(values)
    return ChainParameters(**values)
