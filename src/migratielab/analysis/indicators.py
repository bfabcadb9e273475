"""Indicators of asylum-chain runs: scalar outcomes per run, and quantiles over runs per month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.models.asylum.queues import quantile_from_histogram
from migratielab.models.variables import Variable, indicator

WEEKS_PER_MONTH = 52.1775 / 12
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
COST_VARIABLES = (
    "cost_regular",
    "cost_emergency",
    "cost_crisis",
    "cost_vacant",
    "cost_reserve",
    "cost_opening_closing",
    "cost_ind",
    "cost_penalties",
    "cost_returns",
)


@dataclass(frozen=True)
class Indicator:
    """A scalar outcome per run; its labels, unit and display scale come from the variable registry."""

    variable: Variable

    @property
    def name(self) -> str:
        """The indicator's name (a key of ``run_indicators``)."""
        return self.variable.name

    @property
    def label(self) -> str:
        """The English label (faces take the label in their language from ``variable``)."""
        return self.variable.en

    @property
    def unit(self) -> str:
        """The unit code (``models/units.yaml``) of the computed values."""
        return self.variable.unit.code


INDICATOR_NAMES = (
    "median_wait_weeks",
    "p90_wait_weeks",
    "share_within_6_months",
    "cases_past_term",
    "peak_occupancy",
    "emergency_place_years",
    "nights_without_shelter",
    "total_cost_eur",
    "cost_per_applicant_eur",
)
INDICATORS = tuple(Indicator(indicator("asylum", name)) for name in INDICATOR_NAMES)
"""The indicators ``run_indicators`` computes, in the order tables show them (registry: asylum)."""


def run_indicators(monthly: xr.Dataset, wait_histogram: np.ndarray) -> dict[str, np.ndarray]:
    """Scalar indicators per run over the whole horizon (see INDICATORS for units)."""
    decided = wait_histogram.sum(axis=1)
    within = wait_histogram[:, :6].sum(axis=1)
    total_cost = sum(monthly[name].sum("time").to_numpy() for name in COST_VARIABLES)
    applications = monthly["applications"].sum("time").to_numpy()
    return {
        "median_wait_weeks": quantile_from_histogram(wait_histogram, 0.5) * WEEKS_PER_MONTH,
        "p90_wait_weeks": quantile_from_histogram(wait_histogram, 0.9) * WEEKS_PER_MONTH,
        "share_within_6_months": np.divide(
            within, decided, out=np.full_like(decided, np.nan), where=decided > 0
        ),
        "cases_past_term": monthly["cases_crossing_term"].sum("time").to_numpy(),
        "peak_occupancy": monthly["in_chain"].max("time").to_numpy(),
        "emergency_place_years": (monthly["emergency_occupancy"] + monthly["crisis_occupancy"])
        .sum("time")
        .to_numpy()
        / 12.0,
        "nights_without_shelter": monthly["nights_without_shelter"].sum("time").to_numpy(),
        "total_cost_eur": np.asarray(total_cost),
        "cost_per_applicant_eur": np.asarray(total_cost) / np.maximum(applications, 1.0),
    }


def fan_quantiles(monthly: xr.Dataset, variables: list[str]) -> xr.Dataset:
    """Quantiles over runs per month for the named variables (dims: quantile, time)."""
    return monthly[variables].quantile(list(FAN_QUANTILES), dim="run", skipna=False)


def annual_values(monthly: xr.Dataset) -> xr.Dataset:
    """Calendar-year aggregates: flows summed, stocks at December, waits as decision-weighted means."""
    years = monthly["time"].dt.year
    flows = (
        monthly[
            [
                "applications",
                "decisions_dublin",
                "decisions_safe_country",
                "decisions_general",
                "housed",
                "departures_independent",
                "departures_forced",
                "departures_unsupervised",
                "remained",
                "decision_wait_sum_months",
                "cost_penalties",
                "grants_first_instance",
                "grants_appeal",
                "family_arrivals",
            ]
        ]
        .groupby(years)
        .sum()
    )
    stocks = monthly[["in_chain", "ind_backlog", "holders_waiting", "without_shelter"]].groupby(years).last()
    decisions = flows["decisions_dublin"] + flows["decisions_safe_country"] + flows["decisions_general"]
    return xr.Dataset(
        {
            "coa_occupancy_end": stocks["in_chain"],
            "ind_backlog_end": stocks["ind_backlog"],
            "status_holders_waiting_end": stocks["holders_waiting"],
            "mean_wait_weeks": flows["decision_wait_sum_months"] / decisions * WEEKS_PER_MONTH,
            "penalties_eur": flows["cost_penalties"],
            "departures": flows["departures_independent"]
            + flows["departures_forced"]
            + flows["departures_unsupervised"],
            "departures_independent": flows["departures_independent"],
            "departures_forced": flows["departures_forced"],
            "departures_unsupervised": flows["departures_unsupervised"],
            "decisions": decisions,
            "applications": flows["applications"],
            "housed": flows["housed"],
            "grants": flows["grants_first_instance"] + flows["grants_appeal"],
            "family_arrivals": flows["family_arrivals"],
            "permits": flows["grants_first_instance"] + flows["grants_appeal"] + flows["family_arrivals"],
        }
    )
