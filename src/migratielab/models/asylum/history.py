"""Observed inputs for replays and backtests, read from the statistics store.

Applications are first plus repeat applications. Where the repeat count of a year is unknown it is
taken as the mean ratio of repeat to first applications over the years where both are known
(derived from the same IND series). Annual totals are spread over months by the observed monthly
or quarterly profile of first applications where the store has one, and evenly otherwise.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from migratielab.data import store
from migratielab.data.observations import split_flags
from migratielab.data.periods import parse_period

FIRST = "asylum.first_applications"
REPEAT = "asylum.repeat_applications"
FAMILY = "asylum.family_followers"
QUOTA = "municipal.housing_quota"
DECISIONS = "ind.decisions"
HOUSED = "municipal.status_holders_housed"
BACKLOG_CARRIED = "municipal.housing_backlog"


def annual_applications() -> pd.Series:
    """First plus repeat applications per year (persons); repeat imputed by the mean observed ratio."""
    first = store.annual(FIRST)
    repeat = store.annual(REPEAT).reindex(first.index)
    both = repeat.notna()
    ratio = float((repeat[both] / first[both]).mean())
    return (first + repeat.fillna(first * ratio)).rename("applications")


def first_observed_year() -> int:
    """The first calendar year with observed first applications in the store (2010)."""
    return int(store.annual(FIRST).index.min())


def monthly_profile(year: int) -> np.ndarray:
    """Share of the year's first applications in each month (12 values summing to one)."""
    frame = store.get_series(FIRST)
    periods = dict(zip(frame["period"].astype(str), frame["value"].astype(float), strict=True))
    months = [periods.get(f"{year}-{month:02d}") for month in range(1, 13)]
    if all(value is not None for value in months):
        values = np.array(months, dtype=float)
        return values / values.sum()
    quarters = [periods.get(f"{year}-Q{quarter}") for quarter in range(1, 5)]
    if all(value is not None for value in quarters):
        values = np.repeat(np.array(quarters, dtype=float) / 3.0, 3)
        return values / values.sum()
    return np.full(12, 1.0 / 12.0)


def monthly_applications(start_year: int, end_year: int) -> np.ndarray:
    """Observed applications per month from January ``start_year`` to December ``end_year``."""
    annual = annual_applications()
    missing = [year for year in range(start_year, end_year + 1) if year not in annual.index]
    if missing:
        raise ValueError(f"no observed applications for {missing} in {FIRST}")
    return np.concatenate([annual[year] * monthly_profile(year) for year in range(start_year, end_year + 1)])


def monthly_family(start_year: int, end_year: int) -> np.ndarray:
    """Observed follow-on family per month (even within a year); NaN in years without data."""
    annual = store.annual(FAMILY)
    return np.concatenate(
        [np.full(12, annual.get(year, np.nan) / 12.0) for year in range(start_year, end_year + 1)]
    )


def monthly_quota(start_year: int, end_year: int) -> np.ndarray:
    """Observed municipal housing quota per month from half-yearly quotas; NaN where unknown."""
    return monthly_flow(QUOTA, start_year, end_year)


def monthly_flow(series_id: str, start_year: int, end_year: int, annual: bool = True) -> np.ndarray:
    """An observed flow spread evenly over the months of its half-years (and years, if ``annual``).

    Persons (or decisions) per month from January ``start_year`` to December ``end_year``; NaN
    where unknown. A half-year's value wins over its year's (the finer period is the better guide
    to the months); values flagged ``partial`` are left out (they do not cover their period).
    """
    frame = store.get_series(series_id)
    flow = np.full(12 * (end_year - start_year + 1), np.nan)
    rows = [
        (str(period), float(value))
        for period, value, flags in zip(frame["period"], frame["value"], frame["flags"], strict=True)
        if "partial" not in split_flags(flags)
    ]
    for period, value in sorted(rows, key=lambda row: -len(row[0])):
        span = period_months(period, start_year) if annual or len(period) > 4 else None
        if span is None:
            continue
        first, length = span
        window = flow[max(first, 0) : max(first + length, 0)]
        window[np.isnan(window)] = value / length
    return flow


def period_months(period: str, start_year: int) -> tuple[int, int] | None:
    """First month index (0 = January ``start_year``) and length of a year or half-year period."""
    if match := re.fullmatch(r"(\d{4})-H([12])", period):
        return 12 * (int(match.group(1)) - start_year) + 6 * (int(match.group(2)) - 1), 6
    if re.fullmatch(r"\d{4}", period):
        return 12 * (int(period) - start_year), 12
    return None


def monthly_decisions(start_year: int, end_year: int, merits_only: bool = False) -> np.ndarray:
    """Observed IND first-instance decisions per month (even within a year); NaN in years without data.

    The published counts differ in scope (``ind.decisions``): a row whose note says it counts
    decisions "on the merits" leaves out Dublin decisions. With ``merits_only`` only those rows are
    returned, otherwise only the others (all first-instance decisions), so the two never overlap.
    """
    frame = store.get_series(DECISIONS)
    merits = frame["note"].astype(str).str.contains("on the merits")
    flow = monthly_flow(DECISIONS, start_year, end_year)
    for period in frame.loc[merits != merits_only, "period"].astype(str):
        span = period_months(period, start_year)
        if span is not None:
            flow[max(span[0], 0) : max(span[0] + span[1], 0)] = np.nan
    return flow


def monthly_housed(start_year: int, end_year: int) -> np.ndarray:
    """Status holders housed per month (even within a half-year or year); NaN where unknown.

    Published counts (``municipal.status_holders_housed``) where there are any; otherwise, for a
    half-year whose quota, backlog carried in and backlog carried into the next half-year are all
    published, the realisation of its task: quota plus backlog in minus backlog out (derived).
    """
    housed = monthly_flow(HOUSED, start_year, end_year)
    realised = realised_task(start_year, end_year)
    return np.where(np.isnan(housed), realised, housed)


def realised_task(start_year: int, end_year: int) -> np.ndarray:
    """Housing task realised per month (persons): (quota + backlog in - backlog out) / 6 by half-year.

    NaN in half-years where one of the three is not published (``municipal.housing_quota`` excludes
    the backlog carried over, ``municipal.housing_backlog`` is that backlog).
    """
    quota = monthly_flow(QUOTA, start_year, end_year, annual=False)
    backlog = monthly_flow(BACKLOG_CARRIED, start_year, end_year + 1, annual=False)
    following = backlog[6:]
    return np.asarray(quota + backlog[: quota.size] - following[: quota.size] * 1.0)


def decision_term_history(start_year: int, end_year: int) -> np.ndarray:
    """Statutory decision term in force per month: 6 months, 15 months from October 2022 to December 2024.

    Source: IND, "Maximale beslistermijn asielaanvraag van 6 naar 15 maanden" (28 Sep 2022), renewed
    for 2023 ("IND krijgt ook in 2023 meer tijd", 7 Feb 2023) and 2024.
    """
    months = pd.date_range(f"{start_year}-01-01", f"{end_year}-12-01", freq="MS")
    extended = (months >= pd.Timestamp("2022-10-01")) & (months <= pd.Timestamp("2024-12-01"))
    return np.where(extended, 15.0, 6.0)


def snapshot_month(period: str) -> pd.Timestamp | None:
    """The simulated month whose end-of-month stock matches an observed stock period.

    An annual value is taken as year-end, a month as its end, a dated snapshot as the nearest
    month end (1 July is the end of June, 25 September the end of September); half-years and
    quarters are not stock dates.
    """
    parsed = parse_period(period)
    if parsed.kind == "annual":
        return pd.Timestamp(parsed.year, 12, 1)
    if parsed.kind == "monthly":
        return pd.Timestamp(parsed.start)
    if parsed.kind == "snapshot":
        nearest_month_end = pd.Timestamp(parsed.start) - pd.Timedelta(days=15)
        return pd.Timestamp(nearest_month_end.year, nearest_month_end.month, 1)
    return None


def observed_stocks(
    series_ids: tuple[str, ...], start_year: int, end_year: int
) -> dict[int, dict[str, float]]:
    """Observed stock levels by simulated month index (0 = January ``start_year``) and series.

    Where two observations fall in the same month, the year-end (annual) value wins.
    """
    stocks: dict[int, dict[str, float]] = {}
    for series_id in series_ids:
        frame = store.get_series(series_id)
        ordered = sorted(
            zip(frame["period"].astype(str), frame["value"].astype(float), strict=True),
            key=lambda row: len(row[0]) == 4,
        )
        for period, value in ordered:
            month = snapshot_month(period)
            if month is None or not start_year <= month.year <= end_year:
                continue
            t = 12 * (month.year - start_year) + month.month - 1
            stocks.setdefault(t, {})[series_id] = value
    return stocks


#: Forced returns and Dublin transfers suspended: the Netherlands stopped Dublin transfers on
#: 18 March 2020 (DT&V, "Dublinoverdrachten liggen vrijwel stil", April 2020) and resumed them
#: gradually from 1 July 2020 (DT&V, "Dublinoverdrachten sinds 1 juli geleidelijk hervat",
#: 13 Jul 2020); DT&V held almost no departure interviews from 16 March 2020 (DT&V, "Activiteiten
#: DT&V op laag pitje door coronamaatregelen", 16 Mar 2020). Forced returns to countries of origin
#: are taken as suspended over the same period (their flights were grounded).
RETURNS_SUSPENDED = (pd.Timestamp("2020-03-18"), pd.Timestamp("2020-07-01"))


def returns_suspended(start_year: int, end_year: int) -> np.ndarray:
    """Share of each month (0-1) in which forced returns and Dublin transfers were suspended."""
    begin, end = RETURNS_SUSPENDED
    shares = []
    for month in pd.date_range(f"{start_year}-01-01", f"{end_year}-12-01", freq="MS"):
        following = month + pd.offsets.MonthBegin(1)
        overlap = (min(following, end) - max(month, begin)).days
        shares.append(max(overlap, 0) / (following - month).days)
    return np.array(shares, dtype=float)
