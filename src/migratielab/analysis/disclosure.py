"""Statistical disclosure control for municipal outputs, after the rules CBS states for its tables.

The rule applied to every municipal output about persons (CBS, "Aanvullende onderzoeksbeschrijving
Inkomensstatistiek", criteria for disclosure risk, 2021; CBS Kerncijfers wijken en buurten):

* counts of persons: a count below ``MIN_COUNT`` (10) is suppressed (an exact zero is shown); other
  counts are rounded to a multiple of ``ROUND_TO`` (5), as CBS rounds neighbourhood counts;
* amounts in euro tied to a count (costs, fines) are suppressed with that count;
* shares and rates: shown only when their denominator has at least ``MIN_DENOMINATOR`` (100) persons;
  a ratio built from a count (per 1,000 inhabitants of a group of municipalities) is also suppressed
  when that count is a small count (below ``MIN_COUNT``, not zero);
* statistics of a group of municipalities (the median of similar municipalities) are shown only for
  groups of at least ``MIN_GROUP`` (3) municipalities, so no median is one municipality's own value;
* secondary suppression: where a group (province) has exactly one suppressed count, the next smallest
  count in that group is suppressed too, so the province total cannot reveal it;
* balances of an administrative figure against persons (the housing backlog: the part of a task set by
  law not yet met) are not counts of persons: a small balance reveals nobody, so it is rounded to
  ``ROUND_TO`` like a count and suppressed only where the count of persons it is built from (those
  housed) is a small count, with that count's flag (``protect_balance``). Treating the balance as a
  count would suppress every municipality that keeps up with its task (a balance near 0).

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
MIN_GROUP = 3
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


def protect_balance(balance: pd.Series, count_flags: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A balance (persons, may be negative) rounded to ``ROUND_TO``, suppressed where the count of persons
    it is built from is suppressed (``count_flags`` from ``protect_counts``: ``s`` a small count, ``s2``
    protecting another cell), with the same reason as the flag."""
    rounded = (balance / ROUND_TO).round() * ROUND_TO + 0.0  # + 0.0: no negative zero
    hidden = count_flags.isin([SUPPRESSED, SECONDARY])
    reason = np.where(count_flags == SECONDARY, SECONDARY, SUPPRESSED)
    flags = np.where(hidden, reason, np.where(rounded != balance, ROUNDED, ""))
    return rounded.where(~hidden), pd.Series(flags, index=balance.index)


def protect_rate(rate: pd.Series, denominator: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rates shown only where the denominator has at least ``MIN_DENOMINATOR`` persons."""
    return protect_ratio(rate, denominator, denominator)


def protect_ratio(ratio: pd.Series, count: pd.Series, denominator: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ratios built from ``count`` over ``denominator`` (persons): suppressed where the count is a small
    count (below ``MIN_COUNT``, not zero) or the denominator is below ``MIN_DENOMINATOR``."""
    small = ((count.abs() < MIN_COUNT) & (count != 0)) | (denominator < MIN_DENOMINATOR)
    return ratio.where(~small), pd.Series(np.where(small, SUPPRESSED, ""), index=ratio.index)


def protect_groups(values: pd.DataFrame, members: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statistics of groups (one row per unit, ``members`` the size of its group): every cell of a
    group with fewer than ``MIN_GROUP`` members suppressed and flagged."""
    small = (members < MIN_GROUP).to_numpy()[:, None] & np.ones(values.shape, dtype=bool)
    flags = pd.DataFrame(np.where(small, SUPPRESSED, ""), index=values.index, columns=values.columns)
    return values.mask(small), flags


def follow(amounts: pd.Series, count_flags: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts (euro) suppressed wherever the count they belong to is suppressed."""
    hidden = count_flags.isin([SUPPRESSED, SECONDARY])
    return amounts.where(~hidden), count_flags.where(hidden, "")
