"""Tests of the random streams: the cheap per-run generators equal ``pillar_stream``'s exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migratielab.models.random import PILLAR_KEYS, PillarGenerators, pillar_stream


@given(
    seed=st.integers(0, 2**140),
    pillar=st.sampled_from(sorted(PILLAR_KEYS)),
    runs=st.lists(st.integers(0, 2**33), min_size=1, max_size=6),
)
def test_pillar_generators_give_the_streams_of_pillar_stream(seed: int, pillar: str, runs: list[int]) -> None:
    """Same bit-generator state and the same draws, run by run (run ids past one word included)."""
    for generator, run in zip(PillarGenerators(seed, pillar, runs), runs, strict=True):
        expected = pillar_stream(seed, pillar, run)
        assert generator.bit_generator.state == expected.bit_generator.state
        np.testing.assert_array_equal(generator.standard_normal(5), expected.standard_normal(5))
        np.testing.assert_array_equal(generator.random(3), expected.random(3))


def test_pillar_generators_count_runs_and_refuse_unknown_pillars() -> None:
    assert len(PillarGenerators(1, "asylum", range(4))) == 4
    with pytest.raises(KeyError, match="unknown pillar"):
        PillarGenerators(1, "weather", [0])
