"""Statistical disclosure control for municipal outputs, after the rules CBS states for its tables.

The rule applied to every municipal output about persons (CBS, "Aanvullende onderzoeksbeschrijving
Inkomensstatistiek", criteria for disclosure risk, 2021; CBS Kerncijfers wijken en buurten):

* counts of persons: a count below ``MIN_COUNT`` (10) is suppressed (an exact zero is shown); other
  counts are rounded to a multiple of ``ROUND_TO`` (5), as CBS rounds neighbourhood counts;
* amounts in euro tied to a count (costs, fines) are suppressed with that count;
* shares and rates: shown only when their denominator has at least ``MIN_DENOMINATOR`` (100) persons;
* secondary suppression: where a group (province) has exactly one suppressed count, the next smallest
  count in that group is suppressed too, so the province total cannot reveal it.

Administrative figures (tasks set by law, reception places and targets) are not about persons and are
shown as they are. Every affected cell gets a flag: ``r`` rounded, ``s`` suppressed, ``s2`` suppressed
to protect another cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_COUNT = 10
ROUND_TO = 5
MIN_DENOMINATOR = 100
ROUNDED, SUPPRESSED, SECONDARY = "r", "s", "s2"


def protect_counts(values: pd.Series, groups: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts with small cells suppressed (NaN) and the rest rounded to ``ROUND_TO``; flags per cell."""
    primary = (values.abs() < MIN_COUNT) & (
        values != 0
    )  # an exact zero (a lever switched off) reveals nobody
    rounded = (values / ROUND_TO).round() * ROUND_TO
    flags = pd.Series(
        np.where(primary, SUPPRESSED, np.where(rounded != values, ROUNDED, "")), index=values.index
    )
    lonely = primary.groupby(groups).transform("sum") == 1
    candidates = values.where(~primary & lonely)
    smallest = candidates.groupby(groups).transform("min")
    secondary = candidates.notna() & (candidates == smallest)
    secondary &= ~secondary.groupby(groups).cumsum().gt(1)  # one cell per group
    flags = pd.Series(np.where(secondary, SECONDARY, flags), index=values.index)
    return rounded.where(~(primary | secondary)), flags


def protect_rate(rate: pd.Series, denominator: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rates shown only where the denominator has at least ``MIN_DENOMINATOR`` persons."""
    small = denominator < MIN_DENOMINATOR
    return rate.where(~small), pd.Series(np.where(small, SUPPRESSED, ""), index=rate.index)


def follow(amounts: pd.Series, count_flags: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts (euro) suppressed wherever the count they belong to is suppressed."""
    hidden = count_flags.isin([SUPPRESSED, SECONDARY])
    return amounts.where(~hidden), count_flags.where(hidden, "")
