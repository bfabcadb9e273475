"""Random streams: one ``numpy.random.Generator`` per pillar and run, spawned from the scenario's seed.

The key of a stream is ``(pillar key, run)``: a run's numbers do not depend on how runs are
chunked, which backend ran them, or which other pillars are switched on. Adding a pillar takes a
new key and never changes another pillar's numbers. Samplers of experiments use two-part keys
starting at ``SAMPLER_KEY``, which no pillar uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

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


class Streams(Protocol):
    """Random generators of several runs, used in turn: a list of them, or ``PillarGenerators``."""

    def __len__(self) -> int:
        """Number of runs."""
        ...

    def __iter__(self) -> Iterator[np.random.Generator]:
        """The generator of each run in turn."""
        ...


class PillarGenerators:
    """The generators of ``pillar_stream(seed, pillar, run)`` for several runs, in turn, cheaply.

    The streams are identical to ``pillar_stream``'s: the seed sequences of all runs are hashed at
    once (numpy's ``SeedSequence`` algorithm on uint32 arrays, ``seed_pools``) and ONE PCG64 bit
    generator is seeded as ``PCG64(SeedSequence(...))`` would be for each run in turn. So every
    generator the iteration yields is the same object: use it before taking the next.
    """

    def __init__(self, seed: int, pillar: str, runs: Sequence[int]) -> None:
        if pillar not in PILLAR_KEYS:
            raise KeyError(f"unknown pillar {pillar!r}; known: {', '.join(PILLAR_KEYS)}")
        self.seed, self.pillar, self.runs = seed, pillar, [int(run) for run in runs]

    def __len__(self) -> int:
        """Number of runs."""
        return len(self.runs)

    def __iter__(self) -> Iterator[np.random.Generator]:
        """The generator of each run in turn (one object, re-seeded)."""
        if any(run < 0 or run > _MASK for run in self.runs):  # a spawn-key word per run only
            yield from (pillar_stream(self.seed, self.pillar, run) for run in self.runs)
            return
        bit_generator = np.random.PCG64(0)
        generator = np.random.Generator(bit_generator)
        words = seed_pools(_words(self.seed), [PILLAR_KEYS[self.pillar]], np.array(self.runs, np.uint32))
        for seed, increment in zip(*_pcg64_seeds(words), strict=True):
            bit_generator.state = {
                "bit_generator": "PCG64",
                "state": {"state": seed, "inc": increment},
                "has_uint32": 0,
                "uinteger": 0,
            }
            yield generator


_MASK = 0xFFFFFFFF
_POOL = 4
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_LEFT, _MIX_RIGHT, _SHIFT = 0xCA01F9DD, 0x4973F715, 16
_PCG_MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341


def _words(value: int) -> list[int]:
    """A non-negative integer as uint32 words, least significant first (0 is one word)."""
    words = [value & _MASK]
    while value > _MASK:
        value >>= 32
        words.append(value & _MASK)
    return words


def seed_pools(entropy: list[int], keys: list[int], last: np.ndarray) -> np.ndarray:
    """Four uint32 state words per row (8, row) as ``SeedSequence(entropy, spawn_key=(*keys, last))
    .generate_state(8, np.uint32)`` gives them, for one-word ``last`` keys (row,), all rows at once."""
    rows = last.shape[0]
    padded = entropy + [0] * (_POOL - len(entropy))
    source = [np.full(rows, word, np.uint32) for word in padded + [w for key in keys for w in _words(key)]]
    source.append(last.astype(np.uint32))
    constant = [_INIT_A]

    def hashmix(value: np.ndarray) -> np.ndarray:
        value = value ^ np.uint32(constant[0])
        constant[0] = (constant[0] * _MULT_A) & _MASK
        value = value * np.uint32(constant[0])
        return np.asarray(value ^ (value >> np.uint32(_SHIFT)))

    def mix(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        result = np.asarray(np.uint32(_MIX_LEFT) * left - np.uint32(_MIX_RIGHT) * right, np.uint32)
        return np.asarray(result ^ (result >> np.uint32(_SHIFT)))

    with np.errstate(over="ignore"):
        pool = [hashmix(source[index]) for index in range(_POOL)]
        for source_index in range(_POOL):
            for target in range(_POOL):
                if source_index != target:
                    pool[target] = mix(pool[target], hashmix(pool[source_index]))
        for word in source[_POOL:]:
            for target in range(_POOL):
                pool[target] = mix(pool[target], hashmix(word))
        return _generate_state(pool, 8)


def _generate_state(pool: list[np.ndarray], words: int) -> np.ndarray:
    """``SeedSequence.generate_state(words, np.uint32)`` from the mixed pool, (word, row)."""
    state = np.empty((words, pool[0].shape[0]), np.uint32)
    constant = _INIT_B
    for index in range(words):
        value = pool[index % _POOL] ^ np.uint32(constant)
        constant = (constant * _MULT_B) & _MASK
        value = value * np.uint32(constant)
        state[index] = value ^ (value >> np.uint32(_SHIFT))
    return state


def _pcg64_seeds(words: np.ndarray) -> tuple[list[int], list[int]]:
    """PCG64's (state, increment) per row from its seed words (8, row), as ``PCG64(seed_sequence)``
    seeds itself (128-bit state and sequence from four uint64 words, then two steps)."""
    halves = words.astype(np.uint64)
    wide = [(halves[2 * index] | (halves[2 * index + 1] << np.uint64(32))).tolist() for index in range(4)]
    mask = (1 << 128) - 1
    states, increments = [], []
    for high, low, inc_high, inc_low in zip(*wide, strict=True):
        increment = ((((inc_high << 64) | inc_low) << 1) | 1) & mask
        state = (increment + ((high << 64) | low)) & mask
        states.append((state * _PCG_MULTIPLIER + increment) & mask)
        increments.append(increment)
    return states, increments
