"""The municipal housing quota of forward runs: published half-years first, then the quota rule."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.asylum import history
from migratielab.models.asylum.policies import housing_quota_per_month, policy_arrays
from migratielab.scenario import FixedHousingQuota, Policy, Scenario
from migratielab.service import asylum as service

FIRST_PUBLISHED = 2025  # the latest half-years with a published quota (Faber, April 2025)


def forward(policy: Policy) -> np.ndarray:
    """Monthly housing quota in force (persons per month, run 0) of a forward run 2025-2026."""
    scenario = Scenario(name="quota", start_year=2025, end_year=2026, runs=2, seed=3, policies=[policy])
    run = service.simulate_policy(scenario, policy, np.array([0, 1]))
    return np.asarray(run.monthly["housing_quota"].transpose("run", "time").to_numpy()[0])


def test_forward_runs_take_the_published_quota_then_the_rule() -> None:
    """The quota set at a half-yearly decision (January, July) applies from the month after it: the
    published quota of that month's half-year while one is published (2025), then the rule."""
    published = history.monthly_quota(FIRST_PUBLISHED, FIRST_PUBLISHED + 1)
    assert np.isfinite(published[:12]).all() and np.isnan(published[12:]).all()
    quota = forward(Policy(name="current practice"))
    np.testing.assert_allclose(quota[1:7], published[1])  # set in January 2025: the first half-year's
    np.testing.assert_allclose(quota[7:13], published[7])  # set in July 2025: the second half-year's
    assert not np.allclose(quota[13:], published[7])  # set in January 2026 by the rule


def test_a_fixed_quota_lever_wins_over_the_published_quota() -> None:
    """A what-if quota is the analyst's choice: it applies from the first decision, published or not."""
    quota = forward(Policy(name="fixed", housing=FixedHousingQuota(per_half_year=9_000)))
    np.testing.assert_allclose(quota[1:], 9_000 / 6)


@settings(max_examples=30, deadline=None)
@given(
    published=st.one_of(st.just(float("nan")), st.floats(min_value=0.0, max_value=10_000.0)),
    waiting=st.floats(min_value=0.0, max_value=50_000.0),
    grants=st.floats(min_value=0.0, max_value=20_000.0),
    catch_up=st.floats(min_value=0.0, max_value=1.0),
)
def test_the_rule_applies_only_where_nothing_is_published(
    published: float, waiting: float, grants: float, catch_up: float
) -> None:
    """Quota per month set in January: the published value for February when there is one, else
    ``catch_up`` of the waiting list plus the last half-year's grants, over six months."""
    arrays = policy_arrays(Policy(name="p"), 1, 2030, 12, published_quota=np.full(12, published))
    quota = housing_quota_per_month(arrays, np.array([waiting]), np.array([grants]), np.array([catch_up]), 0)
    expected = published if np.isfinite(published) else (catch_up * waiting + grants) / 6.0
    assert quota.shape == (1,) and quota[0] == expected
