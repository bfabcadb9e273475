"""Return levers: direction of each lever, bounds of the shares, and a forward run under them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.analysis.indicators import run_indicators
from migratielab.models.asylum.parameters import build_parameters
from migratielab.models.asylum.returns import departure_shares, with_return_levers
from migratielab.models.asylum.substeps import DAYS_PER_MONTH
from migratielab.params import default_parameters
from migratielab.scenario import BandInflow, Policy, ReturnPolicy, Scenario
from migratielab.service import asylum as service
from tests.models.asylum.synthetic import run_chain, surge

PARAMS = default_parameters("asylum")
CHAIN = build_parameters(PARAMS, 2, 2025, 12)


def shares(**levers: float) -> tuple[float, float]:
    """Independent and forced departure shares (run 0) under the given levers."""
    independent, forced = departure_shares(CHAIN, ReturnPolicy.model_validate(levers), PARAMS)
    return float(independent[0]), float(forced[0])


def test_default_levers_leave_the_calibrated_shares_unchanged() -> None:
    """The defaults describe 2015-2019, the period the DT&V shares come from."""
    chain = with_return_levers(CHAIN, ReturnPolicy(), PARAMS)
    assert np.array_equal(chain.departure_share_forced, CHAIN.departure_share_forced)
    assert np.array_equal(chain.departure_share_independent, CHAIN.departure_share_independent)


def test_each_lever_moves_departures_in_its_direction() -> None:
    """Cooperation raises both; detention below the places in use lowers forced return only;
    places beyond those in use add nothing; lighter measures raise independent departure only."""
    independent, forced = shares()
    assert shares(origin_cooperation=1.5)[0] > independent and shares(origin_cooperation=1.5)[1] > forced
    assert shares(origin_cooperation=0.5)[1] < forced
    assert shares(detention_places=200)[1] < forced and shares(detention_places=200)[0] == independent
    assert shares(detention_places=2000) == (independent, forced)
    assert shares(lighter_measures_share=1.0)[0] > independent
    assert shares(lighter_measures_share=1.0)[1] == forced


@settings(max_examples=60, deadline=None)
@given(
    cooperation=st.floats(0.0, 2.0),
    places=st.integers(0, 5000),
    lighter=st.floats(0.0, 1.0),
)
def test_shares_stay_within_their_bounds(cooperation: float, places: int, lighter: float) -> None:
    """Forced plus independent never exceed the share that does not stay; none is negative."""
    independent, forced = departure_shares(
        CHAIN,
        ReturnPolicy(origin_cooperation=cooperation, detention_places=places, lighter_measures_share=lighter),
        PARAMS,
    )
    assert np.all(independent >= 0) and np.all(forced >= 0)
    assert np.all(independent + forced <= 1.0 - CHAIN.remain_share + 1e-12)


def test_forward_run_with_low_cooperation_returns_fewer_people() -> None:
    """A two-year forward run (conservation is checked every month) with half the cooperation:
    fewer forced and independent departures, more without supervision."""
    runs = {}
    for name, cooperation in (("as-is", 1.0), ("half", 0.5)):
        policy = Policy(name=name, returns=ReturnPolicy(origin_cooperation=cooperation))
        scenario = Scenario.model_validate(
            {
                "name": "returns",
                "start_year": 2025,
                "end_year": 2027,
                "runs": 2,
                "inflow": BandInflow(band="medium"),
                "policies": [policy],
            }
        )
        runs[name] = service.simulate_policy(scenario, policy, np.arange(2)).monthly.sum("time")
    assert float(runs["half"]["departures_forced"][0]) < float(runs["as-is"]["departures_forced"][0])
    assert float(runs["half"]["departures_independent"][0]) < float(
        runs["as-is"]["departures_independent"][0]
    )
    assert float(runs["half"]["departures_unsupervised"][0]) > float(
        runs["as-is"]["departures_unsupervised"][0]
    )


def test_detention_places_cost_every_day_they_are_open() -> None:
    """With the same departures (levers not applied to the shares here), the cost of return differs
    by exactly the extra places times the price per place-day over the months simulated."""
    applications = surge(months=24)
    cost = {}
    for places in (933, 2000):
        policy = Policy(name="p", returns=ReturnPolicy(detention_places=places))
        cost[places] = run_chain(applications, policy).monthly["cost_returns"].sum("time")
    extra = float(cost[2000][0] - cost[933][0])
    expected = (2000 - 933) * PARAMS.scalar("cost_detention_place_per_day") * 24 * DAYS_PER_MONTH
    assert extra == pytest.approx(expected, rel=1e-9)


def test_lighter_measures_cost_per_rejected_applicant_under_them() -> None:
    """Putting every rejected applicant under a lighter measure costs more, at most the monthly
    cost per person for everyone in the chain."""
    applications = surge(months=24)
    runs = {
        share: run_chain(applications, Policy(name="p", returns=ReturnPolicy(lighter_measures_share=share)))
        for share in (0.0, 1.0)
    }
    extra = float((runs[1.0].monthly["cost_returns"] - runs[0.0].monthly["cost_returns"]).sum())
    per_person = PARAMS.scalar("cost_lighter_measure_per_person_month")
    bound = float(runs[0.0].monthly["in_chain"].sum()) * per_person
    assert 0.0 < extra <= bound


def test_return_costs_enter_the_total_cost_of_a_forward_run() -> None:
    """More detention places raise the total cost indicator of a forward run by their cost."""
    totals = {}
    for places in (933, 1500):
        policy = Policy(name="p", returns=ReturnPolicy(detention_places=places))
        scenario = Scenario.model_validate(
            {"name": "costs", "start_year": 2025, "end_year": 2025, "runs": 2,
             "inflow": BandInflow(band="medium"), "policies": [policy]}
        )  # fmt: skip
        result = service.simulate_policy(scenario, policy, np.arange(2))
        totals[places] = run_indicators(result.monthly, result.wait_histogram)["total_cost_eur"]
    assert np.all(totals[1500] > totals[933])


def test_unregistered_leavers_split_the_unsupervised_without_changing_the_chain() -> None:
    low, high = (
        run_chain(surge(months=36), overrides={"unsupervised_registered_share": share}).monthly.isel(run=0)
        for share in (0.4, 1.0)
    )
    np.testing.assert_allclose(low["in_chain"], high["in_chain"], rtol=1e-12)
    np.testing.assert_allclose(
        low["departures_unsupervised"] + low["left_unregistered"], high["departures_unsupervised"], rtol=1e-9
    )
    assert float(high["left_unregistered"].sum()) == 0.0
    np.testing.assert_allclose(
        low["departures_unsupervised"], 0.4 * high["departures_unsupervised"], rtol=1e-9
    )
