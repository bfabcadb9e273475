"""Random streams: one ``numpy.random.Generator`` per pillar and run, spawned from the scenario's seed.

The key of a stream is ``(pillar key, run)``: a run's numbers do not depend on how runs are
chunked, which backend ran them, or which other pillars are switched on. Adding a pillar takes a
new key and never changes another pillar's numbers. Samplers of experiments use two-part keys
starting at ``SAMPLER_KEY``, which no pillar uses.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

PILLAR_KEYS = {"asylum": 1, "population": 2, "labour": 3, "municipal": 4}
"""Spawn-key prefix per pillar; never reuse or renumber a key (results would change)."""
SAMPLER_KEY = 1 << 32
"""Spawn-key prefix of the experiment samplers' streams."""


def pillar_stream(seed: int, pillar: str, run: int) -> np.random.Generator:
    """The generator of ``pillar`` for run ``run`` of an ensemble seeded with ``seed``."""
    if pillar not in PILLAR_KEYS:
        raise KeyError(f"unknown pillar {pillar!r}; known: {', '.join(PILLAR_KEYS)}")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(PILLAR_KEYS[pillar], int(run))))


def pillar_streams(seed: int, pillar: str, runs: Iterable[int]) -> list[np.random.Generator]:
    """One generator per run id (in the order given)."""
    return [pillar_stream(seed, pillar, run) for run in runs]
