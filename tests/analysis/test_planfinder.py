"""The plan finder's question (limits schema, fuzzed), margins, confidence and the conflict diagnosis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from migratielab.analysis.planfinder import (
    Limit,
    PlanLimits,
    binding,
    diagnose,
    limit_margins,
    load_limits,
    needed_futures,
    share_met,
)
from migratielab.errors import InputError
from migratielab.yamlio import validate_mapping

VALID: dict[str, Any] = {
    "scenario": "integral_example.yaml",
    "channels": {"labour_eu": {"low": 10, "high": 20}},
    "limits": [{"indicator": "labour_force_2040", "at_least": 1.0, "share": 0.8}],
    "objectives": [{"indicator": "chain_cost"}],
}


def test_bundled_example_limits_file_is_valid() -> None:
    """The example limits file of the docs loads."""
    spec = load_limits(
        Path(__file__).resolve().parents[2] / "scenarios" / "limits" / "labour_and_housing.yaml"
    )
    assert spec.limits and spec.objectives


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (
            {"limits": [{"indicator": "labour_forse_2040", "at_least": 1}]},
            "limits[item 1]",
            "did you mean labour_force_2040",
        ),
        (
            {"limits": [{"indicator": "chain_cost", "at_least": 1, "at_most": 2}]},
            "limits[item 1]",
            "exactly one",
        ),
        ({"channels": {"labour_eu": {"low": 30, "high": 20}}}, "channels.labour_eu", "must not exceed"),
        ({"channels": {"labour_uk": {"low": 1, "high": 2}}}, "", "unknown channel 'labour_uk'"),
        ({"objectives": [{"indicator": "dwellings_needed"}]}, "objectives[item 1]", "give direction"),
        ({"futures": 1}, "futures", "greater than or equal to 2"),
        ({"limit": []}, "limit", "unknown key"),
    ],
)
def test_bad_limits_get_one_clear_message(change: dict[str, Any], key: str, expected: str) -> None:
    """Typos and impossible bands name the file, the key and the expectation."""
    with pytest.raises(InputError, match=expected) as raised:
        validate_mapping({**VALID, **change}, PlanLimits, "limits.yaml")
    assert str(raised.value).startswith(f"limits.yaml: {key}")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*VALID, "futures", "seed", "policy", "search", "confidence", "end_year", "extra"]),
        JSONISH,
        max_size=6,
    ),
    st.data(),
)
def test_fuzzed_limits_either_validate_or_raise_input_error(
    mutation: dict[str, Any], data: st.DataObject
) -> None:
    """Any mapping gives a valid question or one InputError; never another exception."""
    content = {**VALID, **mutation}
    if data.draw(st.booleans()):
        content["limits"] = [
            {"indicator": data.draw(st.sampled_from(["chain_cost", "decision_wait", "nope"])), **mutation}
        ]
    try:
        spec = validate_mapping(content, PlanLimits, "limits.yaml")
    except InputError as error:
        assert str(error).startswith("limits.yaml")
    else:
        assert all(band.low <= band.high for band in spec.channels.values())
        assert all(np.isfinite(limit.bound) and 0 < limit.share <= 1 for limit in spec.limits)


def test_margins_hold_exactly_when_enough_futures_reach_the_bound() -> None:
    """``at_least``: margin >= 0 iff at least ``needed`` futures reach the bound; NaN never counts."""
    values = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 4.0], [np.nan, 3.0, 3.0, 3.0]])
    limit = Limit(indicator="chain_cost", at_least=3.0, share=0.5)
    margins = limit_margins(values, limit, needed=2)
    assert (margins >= 0).tolist() == [True, False, True]
    assert share_met(values, limit).tolist() == [0.5, 0.25, 0.75]
    upper = Limit(indicator="chain_cost", at_most=1.0, share=0.75)
    assert (limit_margins(values, upper, needed=3) >= 0).tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("futures", "share", "confidence"), [(30, 0.8, 0.9), (100, 0.9, 0.95), (10, 0.5, 0.9)]
)
def test_needed_futures_is_the_smallest_count_a_weaker_plan_rarely_reaches(
    futures: int, share: float, confidence: float
) -> None:
    """A plan with true share ``share`` reaches ``k`` futures with probability <= 1 - confidence; k-1 not."""
    k = needed_futures(futures, share, confidence)
    assert binom.sf(k - 1, futures, share) <= 1 - confidence < binom.sf(k - 2, futures, share)
    assert needed_futures(futures, share, 0.0) == int(np.ceil(share * futures))


def test_diagnosis_names_unreachable_limits_then_conflicting_pairs() -> None:
    """A limit no plan meets is named alone; otherwise the pairs never met together are named."""
    limits = [
        Limit(indicator="labour_force_2040", at_least=1.0),
        Limit(indicator="dwellings_needed", at_most=1.0),
        Limit(indicator="chain_cost", at_most=1.0),
    ]
    alone = diagnose(np.array([[-0.1, 0.2, 0.1], [-0.2, -0.1, 0.3]]), limits, 2)
    assert alone.unreachable == [limits[0].name] and "even alone" in alone.message
    pairs = diagnose(np.array([[0.1, -0.1, 0.1], [-0.1, 0.1, 0.1]]), limits, 2)
    assert pairs.conflicts == [(limits[0].name, limits[1].name)]
    assert limits[0].name in pairs.message and limits[1].name in pairs.message


def test_a_limit_binds_only_where_a_lever_moves_it_and_the_plan_sits_at_its_edge() -> None:
    """Margins near zero relative to their range bind; a limit with the same margin everywhere never binds."""
    limits = [Limit(indicator="labour_force_2040", at_least=1.0), Limit(indicator="chain_cost", at_most=1.0)]
    evaluated = np.array([[-1.0, 0.001], [0.01, 0.001], [0.5, 0.001], [1.0, 0.001]])
    shares = binding(evaluated[1:3], evaluated, limits)
    assert shares == {limits[0].name: 0.5, limits[1].name: 0.0}
