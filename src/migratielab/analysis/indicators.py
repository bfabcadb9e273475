"""Indicators of asylum-chain runs: scalar outcomes per run, and quantiles over runs per month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.models.asylum.queues import quantile_from_histogram

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
)


@dataclass(frozen=True)
class Indicator:
    """A scalar outcome per run, with its label and unit (and how tables show it)."""

    name: str
    label: str
    unit: str
    display_unit: str = ""
    display_scale: float = 1.0

    @property
    def shown_unit(self) -> str:
        """The unit tables show (values divided by ``display_scale``)."""
        return self.display_unit or self.unit


INDICATORS = (
    Indicator("median_wait_weeks", "Median wait to a first decision", "weeks"),
    Indicator("p90_wait_weeks", "90th percentile wait to a first decision", "weeks"),
    Indicator("share_within_6_months", "Share decided within 6 months", "share"),
    Indicator("cases_past_term", "Cases that passed the statutory term", "cases"),
    Indicator("peak_occupancy", "Peak number of people in reception", "persons"),
    Indicator("emergency_place_years", "Emergency and crisis place-years", "place-years"),
    Indicator("nights_without_shelter", "Person-nights without proper shelter", "person-nights"),
    Indicator("total_cost_eur", "Total cost including penalties", "EUR", "EUR million", 1e6),
    Indicator("cost_per_applicant_eur", "Cost per applicant", "EUR per applicant"),
)


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
            "decisions": decisions,
            "applications": flows["applications"],
            "housed": flows["housed"],
            "grants": flows["grants_first_instance"] + flows["grants_appeal"],
            "family_arrivals": flows["family_arrivals"],
        }
    )
