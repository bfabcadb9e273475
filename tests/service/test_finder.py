"""The plan finder: found plans meet the limits (also on other futures), reproduce their scores,
and an infeasible set of limits gets an answer naming the limits that conflict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from migratielab.analysis.planfinder import PlanLimits, needed_futures, share_met
from migratielab.errors import InputError
from migratielab.service.finder import find_plans, prepare
from migratielab.service.scorecard import scorecard

SOURCE = Path(__file__).resolve().parents[2] / "scenarios" / "limits" / "test.yaml"
FUTURES = 10


def spec(limits: list[dict[str, Any]], **extra: Any) -> PlanLimits:
    """A small question on the integral example: two channels, a short horizon."""
    return PlanLimits.model_validate(
        {
            "scenario": "../integral_example.yaml",
            "futures": FUTURES,
            "end_year": 2028,
            "channels": {
                "labour_non_eu": {"low": 10000, "high": 90000},
                "study": {"low": 20000, "high": 60000},
            },
            "limits": limits,
            "objectives": [
                {"indicator": "labour_force_end"},
                {"indicator": "dwellings_needed", "direction": "minimise"},
            ],
            "search": {"population": 6, "generations": 2},
            **extra,
        }
    )


@pytest.fixture(scope="module")
def corners() -> dict[str, np.ndarray]:
    """Entry values (corner, futures) of the all-low and the all-high plan."""
    question = prepare(spec([]), SOURCE)
    return question.values(np.array([question.lower, question.upper]))


def kth(values: np.ndarray, share: float, largest: bool) -> float:
    """The value reached in ``ceil(share n)`` of the futures (largest or smallest side)."""
    ordered = np.sort(values)[::-1] if largest else np.sort(values)
    return float(ordered[needed_futures(len(values), share, 0.0) - 1])


def test_found_plans_meet_the_limits_reproduce_and_hold_on_other_futures(
    corners: dict[str, np.ndarray],
) -> None:
    """A labour-force target between the corners: every plan found meets it on the search futures,
    its scorecard (same seed) reproduces the finder's values, and re-run with another seed it holds
    in at least the stated share of futures."""
    low, high = (kth(corners["labour_force_end"][i], 0.8, True) for i in (0, 1))
    target = low + 0.3 * (high - low)
    question = spec([{"indicator": "labour_force_end", "at_least": target, "share": 0.8}])
    result = find_plans(question, SOURCE)
    assert result.plans and result.diagnosis is None
    limit = question.limits[0]
    for plan in result.plans:
        assert plan.shares[limit.name] >= 0.8
        card = scorecard(plan.scenario)
        np.testing.assert_allclose(
            card.result("labour_force_end").values, plan.values["labour_force_end"], rtol=1e-9
        )
        other = scorecard(
            plan.scenario.model_copy(update={"seed": plan.scenario.seed + 7, "runs": 2 * FUTURES})
        )
        assert share_met(other.result("labour_force_end").values, limit) >= limit.share


def test_a_limit_beyond_reach_is_named(corners: dict[str, np.ndarray]) -> None:
    """A labour force above what the all-high plan reaches: no plan, and the answer names that limit."""
    above = kth(corners["labour_force_end"][1], 0.8, True) * 1.05
    question = spec([{"indicator": "labour_force_end", "at_least": above, "share": 0.8}], confidence=0)
    result = find_plans(question, SOURCE)
    assert not result.plans and result.diagnosis is not None
    assert result.diagnosis.unreachable == [question.limits[0].name]


def test_limits_each_reachable_but_not_together_are_named_as_a_conflict(
    corners: dict[str, np.ndarray],
) -> None:
    """The labour force of the all-high plan and the household growth of the all-low plan: each corner
    meets one, no plan meets both; the answer names the pair."""
    limits = [
        {
            "indicator": "labour_force_end",
            "at_least": kth(corners["labour_force_end"][1], 0.8, True),
            "share": 0.8,
        },
        {
            "indicator": "dwellings_needed",
            "at_most": kth(corners["dwellings_needed"][0], 0.8, False),
            "share": 0.8,
        },
    ]
    question = spec(limits, confidence=0)
    result = find_plans(question, SOURCE)
    assert not result.plans and result.diagnosis is not None
    assert result.diagnosis.unreachable == []
    assert result.diagnosis.conflicts == [(question.limits[0].name, question.limits[1].name)]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"channels": {"asylum": {"low": 1, "high": 2}}}, "channels.asylum"),
        ({"policy": {"housing.per_half_year": {"low": 1, "high": 2}}}, "policy.housing.per_half_year"),
        ({"scenario": "missing.yaml"}, ""),
    ],
)
def test_levers_the_scenario_cannot_move_are_refused(change: dict[str, Any], key: str) -> None:
    """Asylum numbers come from the chain; a lever needs its rule in the first policy; the file must exist."""
    question = PlanLimits.model_validate({**spec([]).model_dump(), **change})
    with pytest.raises(InputError) as raised:
        prepare(question, SOURCE)
    assert key in str(raised.value)


def test_unknown_policy_lever_is_named() -> None:
    """A lever that cannot vary per run is refused with the list of those that can."""
    question = PlanLimits.model_validate(
        {**spec([]).model_dump(), "policy": {"staffing.ftee": {"low": 1, "high": 2}}}
    )
    with pytest.raises(InputError, match=r"policy\.staffing\.ftee: a per-run lever: .*staffing\.fte"):
        prepare(question, SOURCE)
