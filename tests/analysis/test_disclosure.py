"""Disclosure control: small counts suppressed, others rounded to 5, lonely suppressions protected."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.analysis import disclosure


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-500, 5_000), min_size=2, max_size=30), seed=st.integers(0, 99))
def test_no_small_count_is_shown_and_no_group_has_one_lonely_suppression(
    values: list[float], seed: int
) -> None:
    series = pd.Series(values)
    groups = pd.Series(np.random.default_rng(seed).integers(0, 3, len(values)))
    shown, flags = disclosure.protect_counts(series, groups)
    visible = shown.dropna()
    assert np.all(
        (visible.abs() >= disclosure.MIN_COUNT - disclosure.ROUND_TO / 2) | (series[visible.index] == 0)
    )
    assert np.all(visible % disclosure.ROUND_TO == 0)
    assert set(flags[shown.isna()]) <= {disclosure.SUPPRESSED, disclosure.SECONDARY}
    hidden = shown.isna().groupby(groups).sum()
    many = series.groupby(groups).size()
    assert not np.any((hidden == 1) & (many > 1))


def test_rates_need_a_denominator_of_one_hundred() -> None:
    rate, flags = disclosure.protect_rate(pd.Series([0.5, 0.4]), pd.Series([99.0, 100.0]))
    assert np.isnan(rate[0]) and rate[1] == 0.4 and list(flags) == ["s", ""]


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.floats(-50, 500), min_size=1, max_size=20),
    bases=st.lists(st.floats(0, 1_000), min_size=20, max_size=20),
)
def test_a_ratio_is_shown_only_from_a_safe_count_and_base(counts: list[float], bases: list[float]) -> None:
    count = pd.Series(counts)
    base = pd.Series(bases[: len(counts)])
    ratio = count / base.where(base > 0, 1.0)
    shown, flags = disclosure.protect_ratio(ratio, count, base)
    visible = shown.notna()
    assert np.all((count[visible].abs() >= disclosure.MIN_COUNT) | (count[visible] == 0))
    assert np.all(base[visible] >= disclosure.MIN_DENOMINATOR)
    assert (flags[~visible] == disclosure.SUPPRESSED).all() and (flags[visible] == "").all()


def test_a_group_statistic_needs_enough_members() -> None:
    values = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    shown, flags = disclosure.protect_groups(values, pd.Series([2, 3, 1]))
    assert shown.iloc[[0, 2]].isna().all().all() and shown.iloc[1].tolist() == [2.0, 5.0]
    assert (flags.iloc[[0, 2]] == disclosure.SUPPRESSED).all().all() and (flags.iloc[1] == "").all()


def test_a_balance_near_zero_is_shown_rounded_unless_built_on_a_small_count() -> None:
    # backlogs of municipalities that keep up with their task: small balances, many persons housed
    balance = pd.Series([0.4, -3.2, 7.6, -8.5, 2.0, 1.0])
    # flags of the persons housed (protect_counts): four rounded, a small count, a secondary cell
    housed_flags = pd.Series(["r", "r", "r", "r", "s", "s2"])
    shown, flags = disclosure.protect_balance(balance, housed_flags)
    assert shown.iloc[:4].tolist() == [0.0, -5.0, 10.0, -10.0]
    assert np.isnan(shown.iloc[4]) and np.isnan(shown.iloc[5])
    assert flags.tolist() == ["r", "r", "r", "r", disclosure.SUPPRESSED, disclosure.SECONDARY]


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.tuples(st.floats(-50, 50), st.floats(0, 500)), min_size=1, max_size=20))
def test_a_balance_hides_exactly_where_its_count_is_hidden(cells: list[tuple[float, float]]) -> None:
    balance, count = (pd.Series(column) for column in zip(*cells, strict=True))
    count_shown, count_flags = disclosure.protect_counts(count, pd.Series(0, index=count.index))
    shown, flags = disclosure.protect_balance(balance, count_flags)
    hidden = shown.isna()
    assert (hidden == count_shown.isna()).all() and (flags[hidden] == count_flags[hidden]).all()
    assert np.all(shown.dropna() % disclosure.ROUND_TO == 0)
    assert np.all((shown.dropna() - balance[~hidden]).abs() <= disclosure.ROUND_TO / 2)
