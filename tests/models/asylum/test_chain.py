"""Properties of the asylum-chain model: conservation, non-negativity, monotonicity, sensible dynamics."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migratielab.analysis.indicators import run_indicators
from migratielab.errors import ConservationError
from migratielab.models.asylum import substeps
from migratielab.models.asylum.chain import Flows
from migratielab.models.asylum.kernels import schedule_family_reference, shift_pipeline_reference
from migratielab.models.asylum.queues import check_balances, serve_and_age_reference, serve_tracks_reference
from migratielab.scenario import FixedBufferReception, Policy, StableStaffing
from tests.models.asylum.synthetic import run_chain, surge

PATHS = st.lists(st.floats(0, 15_000), min_size=24, max_size=48).map(lambda values: np.array([values]))
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(applications=PATHS, family_per_grant=st.floats(0, 1.5), registration=st.floats(500, 10_000))
def test_every_stock_balances_and_stays_non_negative(
    applications: np.ndarray, family_per_grant: float, registration: float
) -> None:
    result = run_chain(
        applications, overrides={"family_per_grant": family_per_grant, "registration_capacity": registration}
    )
    for name in Flows.scalar_names():
        assert np.all(result.monthly[name].to_numpy() >= -1e-9), name
    monthly = result.monthly.isel(run=0)
    occupied = (
        monthly["at_centre"]
        + monthly["regular_occupancy"]
        + monthly["emergency_occupancy"]
        + monthly["crisis_occupancy"]
    )
    np.testing.assert_allclose(occupied, monthly["in_chain"], rtol=1e-9)


@PROPERTY_SETTINGS
@given(applications=PATHS, fte=st.floats(300, 3_000), extra=st.floats(1, 2_000))
def test_more_ind_capacity_never_raises_the_mean_wait(
    applications: np.ndarray, fte: float, extra: float
) -> None:
    """Mean wait per applicant, counting cases still waiting at the end (case-months over applications)."""
    mean_waits = []
    for staff in (fte, fte + extra):
        monthly = run_chain(applications, Policy(name="s", staffing=StableStaffing(fte=staff))).monthly
        case_months = float(monthly["ind_backlog"].sum())
        mean_waits.append(case_months / max(float(monthly["applications"].sum()), 1.0))
    assert mean_waits[1] <= mean_waits[0] * (1 + 1e-9) + 1e-9


@PROPERTY_SETTINGS
@given(
    applications=PATHS,
    buffer=st.integers(0, 30_000),
    extra=st.integers(1, 30_000),
    base=st.integers(10_000, 60_000),
)
def test_larger_buffer_never_raises_nights_without_shelter(
    applications: np.ndarray, buffer: int, extra: int, base: int
) -> None:
    nights = []
    for size in (buffer, buffer + extra):
        policy = Policy(name="b", reception=FixedBufferReception(base_places=base, buffer_places=size))
        nights.append(float(run_chain(applications, policy).monthly["nights_without_shelter"].sum()))
    assert nights[1] <= nights[0] + 1e-6


def test_surge_fills_emergency_places_then_they_close() -> None:
    result = run_chain(surge()).monthly.isel(run=0)
    emergency = result["emergency_occupancy"] + result["crisis_occupancy"]
    assert float(emergency.max()) > 10_000
    assert float(emergency[-1]) < 0.1 * float(emergency.max())


def test_waits_rise_when_inflow_exceeds_capacity() -> None:
    fixed_staff = Policy(name="stable", staffing=StableStaffing(fte=1_500))
    calm = run_chain(surge(peak=2_000), fixed_staff)
    busy = run_chain(surge(peak=8_000), fixed_staff)
    calm_wait = run_indicators(calm.monthly, calm.wait_histogram)["median_wait_weeks"][0]
    busy_wait = run_indicators(busy.monthly, busy.wait_histogram)["median_wait_weeks"][0]
    assert busy_wait > calm_wait + 4


def test_runs_are_independent_of_their_neighbours() -> None:
    paths = np.vstack([surge()[0], surge(peak=4_000)[0], surge()[0]])
    result = run_chain(paths).monthly
    np.testing.assert_array_equal(result["in_chain"][0], result["in_chain"][2])
    single = run_chain(surge(peak=4_000)).monthly
    np.testing.assert_allclose(result["in_chain"][1], single["in_chain"][0], rtol=1e-12)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    base=st.floats(min_value=200, max_value=6_000),
    peak=st.floats(min_value=1_000, max_value=20_000),
    at=st.integers(0, 30),
)
def test_compiled_queues_reproduce_the_numpy_chain(
    base: float, peak: float, at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain with compiled kernels equals the chain on their numpy references to 1e-9 relative."""
    applications = np.concatenate([surge(48, base, peak, at), surge(48, peak, base, at)])
    compiled = run_chain(applications)
    with monkeypatch.context() as patch:
        patch.setattr(substeps, "serve_and_age", serve_and_age_reference)
        patch.setattr(substeps, "serve_tracks", serve_tracks_reference)
        patch.setattr(substeps, "schedule_family", schedule_family_reference)
        patch.setattr(substeps, "shift_pipeline", shift_pipeline_reference)
        reference = run_chain(applications)
    for name in Flows.scalar_names():
        expected = reference.monthly[name].to_numpy()
        actual = compiled.monthly[name].to_numpy()
        scale = np.maximum(np.abs(expected), 1.0)
        assert np.max(np.abs(actual - expected) / scale) <= 1e-9, name


@PROPERTY_SETTINGS
@given(applications=PATHS, share=st.floats(0.0, 0.3))
def test_applicants_outside_reception_leave_the_chain_whole(applications: np.ndarray, share: float) -> None:
    """People in reception plus applicants outside it are everyone in the chain, month by month."""
    inside = run_chain(applications, overrides={"outside_reception_share": share}).monthly.isel(run=0)
    everyone = run_chain(applications, overrides={"outside_reception_share": 0.0}).monthly.isel(run=0)
    outside = inside["outside_reception"].to_numpy()
    assert np.all(outside >= 0.0) and np.all(outside <= share * inside["ind_backlog"].to_numpy() + 1e-9)
    assert np.all(everyone["outside_reception"].to_numpy() == 0.0)
    np.testing.assert_allclose(inside["in_chain"] + outside, everyone["in_chain"], rtol=1e-9, atol=1e-6)


def test_a_broken_partition_is_refused() -> None:
    people = np.array([100.0])
    month = SimpleNamespace(
        placement=SimpleNamespace(residents=people * 0.5, at_centre=people * 0.2),
        outside=people * 0.2,
        need=people,
    )

    def check() -> None:
        rows = substeps.partition(month)  # type: ignore[arg-type]
        check_balances([substeps.PARTITION], *(np.array([part]) for part in rows))

    with pytest.raises(ConservationError, match="in reception"):
        check()
    month.outside = people * 0.3
    check()
