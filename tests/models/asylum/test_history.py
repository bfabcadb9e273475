"""Observed inputs of the replay: flows spread over their periods, and the replay following them."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.analysis.indicators import annual_values
from migratielab.data import store
from migratielab.models.asylum import history
from migratielab.models.asylum.setup import REPLAY_START, replay
from migratielab.params import default_parameters


def test_half_years_win_over_their_year_and_unknown_months_stay_unknown() -> None:
    housed = history.monthly_housed(REPLAY_START, 2024)
    frame = store.get_series(history.HOUSED).set_index("period")["value"]
    first_half_2022 = 12 * (2022 - REPLAY_START)
    assert housed[first_half_2022 : first_half_2022 + 6].sum() == pytest.approx(frame["2022-H1"])
    assert np.isnan(housed[:12]).all()
    assert history.period_months("2022-Q1", REPLAY_START) is None


def test_a_realised_task_is_quota_plus_backlog_in_minus_backlog_out() -> None:
    quota = store.get_series(history.QUOTA).set_index("period")["value"]
    backlog = store.get_series(history.BACKLOG_CARRIED).set_index("period")["value"]
    realised = history.realised_task(REPLAY_START, 2024)
    known = [
        p
        for p in backlog.index
        if p in quota.index and f"{int(p[:4]) + (p[-1] == '2')}-H{1 if p[-1] == '2' else 2}" in backlog.index
    ]
    assert known
    for period in known:
        first = 12 * (int(period[:4]) - REPLAY_START) + 6 * (int(period[-1]) - 1)
        following = f"{int(period[:4]) + (period[-1] == '2')}-H{1 if period[-1] == '2' else 2}"
        expected = quota[period] + backlog[period] - backlog[following]
        assert realised[first : first + 6].sum() == pytest.approx(expected)
    assert np.isnan(realised).sum() > 6 * len(known)


def test_decision_counts_of_different_scope_never_overlap() -> None:
    everything = history.monthly_decisions(REPLAY_START, 2024)
    merits = history.monthly_decisions(REPLAY_START, 2024, merits_only=True)
    assert not (~np.isnan(everything) & ~np.isnan(merits)).any()
    assert (~np.isnan(everything)).any() and (~np.isnan(merits)).any()


@pytest.fixture(scope="module")
def annual():  # type: ignore[no-untyped-def]
    return annual_values(replay(default_parameters("asylum"), 2024).monthly).isel(run=0)


def test_the_replay_decides_as_many_cases_as_the_ind_published(annual) -> None:  # type: ignore[no-untyped-def]
    observed = store.annual(history.DECISIONS)
    frame = store.get_series(history.DECISIONS).set_index("period")
    merits_years = {int(p) for p in frame.index if "on the merits" in str(frame.loc[p, "note"])}
    for year, value in observed.items():
        if not REPLAY_START <= year <= 2024:
            continue
        modelled = float(annual["decisions"].sel(year=year))
        if year in merits_years:  # Dublin decisions come on top of the published count
            modelled -= float(
                replay(default_parameters("asylum"), year).monthly["decisions_dublin"].isel(run=0)[-12:].sum()
            )
        assert modelled == pytest.approx(value, rel=1e-6), year


def test_the_replay_never_houses_more_than_published() -> None:
    monthly = replay(default_parameters("asylum"), 2024).monthly.isel(run=0)
    observed = history.monthly_housed(REPLAY_START, 2024)
    known = ~np.isnan(observed)
    assert known.any()
    assert np.all(monthly["housed"].to_numpy()[known] <= observed[known] * (1 + 1e-9))


def test_returns_were_suspended_from_mid_march_to_june_2020_only() -> None:
    shares = history.returns_suspended(2019, 2021)
    in_2020 = shares[12:24]
    assert in_2020[2] == pytest.approx(14 / 31) and np.all(in_2020[3:6] == 1.0)
    assert shares[:12].sum() == 0.0 and in_2020[6:].sum() == 0.0 and shares[24:].sum() == 0.0
