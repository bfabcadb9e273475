import numpy as np
import pytest

from migratielab.models.asylum.assimilate import BACKLOG, HOLDERS, OCCUPANCY, analyse
from migratielab.models.asylum.history import observed_stocks
from migratielab.models.asylum.setup import REPLAY_START, assimilated_replay, replay
from migratielab.params import default_parameters


@pytest.fixture(scope="module")
def corrected():  # type: ignore[no-untyped-def]
    return assimilated_replay(default_parameters("asylum"), 2024)


def test_the_replay_ends_at_the_observed_stocks(corrected) -> None:  # type: ignore[no-untyped-def]
    final = corrected.run.final_state
    assert float(final.queue[0].sum()) == pytest.approx(51_000)  # IND end 2024
    assert float(final.holders[0].sum()) == pytest.approx(20_000)  # December 2024
    observed = observed_stocks((BACKLOG, HOLDERS, OCCUPANCY), REPLAY_START, 2024)
    assert {c.t for c in corrected.corrections} == set(observed)


def test_corrections_add_up_to_the_difference_from_the_free_replay(corrected) -> None:  # type: ignore[no-untyped-def]
    for correction in corrected.corrections:
        if correction.series_id != OCCUPANCY:
            assert correction.modelled + correction.applied == pytest.approx(correction.observed)


def test_the_free_replay_is_unchanged_by_state_estimation() -> None:
    parameters = default_parameters("asylum")
    free = replay(parameters, 2016).monthly["in_chain"].to_numpy()
    again = replay(parameters, 2016, assimilate=False).monthly["in_chain"].to_numpy()
    corrected = replay(parameters, 2016, assimilate=True).monthly["in_chain"].to_numpy()
    assert np.array_equal(free, again) and not np.array_equal(free, corrected)


def test_analysis_keeps_the_shape_of_the_queue(corrected) -> None:  # type: ignore[no-untyped-def]
    state = corrected.run.final_state
    shares = state.queue / state.queue.sum()
    new_state, made = analyse(state, {BACKLOG: 2 * float(state.queue.sum())}, 0)
    assert np.allclose(new_state.queue / new_state.queue.sum(), shares)
    assert made[0].applied == pytest.approx(float(state.queue.sum()))
    assert (
        float(new_state.in_chain[0]) == pytest.approx(float(state.in_chain[0]))
        or new_state.appeals[0] == state.appeals[0]
    )
