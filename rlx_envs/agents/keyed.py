"""Counter-based random draws for agents that run one seed or many seeds at once.

An agent run with seed s draws its d-th number of stream j as a pure function of (s, d, j): a
splitmix64-style mix of the three (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
number generators", the finaliser of SplitMix64), as JAX keys and MiniMontezuma's sticky actions
do. Nothing depends on which other seeds share the batch or on their order, so seed i of a
batch of agents draws exactly what a single agent seeded with i draws, without a Python loop
over per-seed generators.

>>> batch = uniform(seed_keys([0, 1]), np.array([5, 5]), 0)   # two seeds at once
>>> alone = uniform(seed_keys([1]), np.array([5]), 0)              # seed 1 on its own
>>> bool(batch[1] == alone[0]), bool(0 <= batch[0] < 1)
(True, True)
"""

from __future__ import annotations

import numpy as np

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SEED_SALT = np.uint64(0x5EED_0F_A6E17)
#: Streams per draw counter (a draw's stream index must lie in [0, STREAMS)).
STREAMS = 64
_TWO_53 = 2.0**-53


def mix64(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser of a uint64 array (a bijection of 64-bit words)."""
    x = np.asarray(x, dtype=np.uint64)
    if x.ndim == 0:  # numpy warns on scalar overflow only; the words wrap by design
        return mix64(x[None])[0]
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def seed_keys(seeds) -> np.ndarray:
    """(N,) uint64 keys of integer seeds >= 0."""
    array = np.asarray(seeds)
    if array.ndim != 1 or array.dtype.kind not in "iu" or np.any(array < 0):
        raise ValueError(f"seeds must be a sequence of integers >= 0, got {seeds!r}")
    return mix64(array.astype(np.uint64) ^ _SEED_SALT)


def words(keys: np.ndarray, counters: np.ndarray, stream: int | np.ndarray) -> np.ndarray:
    """Random 64-bit words: draw ``counters`` of ``stream`` for each key (broadcast)."""
    counters = np.atleast_1d(np.asarray(counters, dtype=np.uint64))
    mixed = mix64(counters * np.uint64(STREAMS) + np.asarray(stream, dtype=np.uint64))
    return mix64(keys ^ (mixed * _GAMMA))


def uniform(keys: np.ndarray, counters: np.ndarray, stream: int | np.ndarray) -> np.ndarray:
    """Uniform float64 draws in [0, 1) (53 random bits), shaped like the broadcast inputs."""
    return (words(keys, counters, stream) >> np.uint64(11)).astype(np.float64) * _TWO_53


def normal(keys: np.ndarray, labels: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Standard normal draws labelled by (key, label, index) (Box-Muller on two uniforms):
    the same label and index always give the same number for the same key.

    ``labels`` are int64 (state hashes, say), ``index`` small non-negative ints; all broadcast.
    """
    base = mix64(np.asarray(labels).astype(np.int64).view(np.uint64) ^ _SEED_SALT)
    index = np.asarray(index, dtype=np.uint64)
    u1 = uniform(keys ^ base, 2 * index, 0)
    u2 = uniform(keys ^ base, 2 * index + np.uint64(1), 0)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


__all__ = ["STREAMS", "mix64", "normal", "seed_keys", "uniform", "words"]
