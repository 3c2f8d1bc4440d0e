"""State keys for counting: any tuple of ints, hashed to one 64-bit integer.

A single env hashes its key with Python's own ``hash`` of a tuple of ints, which is fast and,
for ints, the same in every process (string hashing is salted; int and tuple hashing are not).
A vector env hashes a whole (N, D) array of keys at once with :func:`hash_rows`, a numpy replica
of CPython's tuple hash, so that a batch and a stream of single keys give the very same numbers
(``tests/test_exploration_counts.py`` checks it against ``hash``). Two distinct keys collide with
probability about 2**-64 per pair: for a million distinct states, about 3e-8 in all.
"""

from __future__ import annotations

import sys

import numpy as np

_M = sys.hash_info.modulus  # 2**61 - 1: ints hash to themselves modulo this
_P1 = np.uint64(11400714785074694791)
_P2 = np.uint64(14029467366897019727)
_P5 = np.uint64(2870177450012600261)
_LENGTH_SALT = 2870177450012600261 ^ 3527539
_REPLICA_OK = sys.implementation.name == "cpython" and sys.hash_info.width == 64


def key_hash(key) -> int:
    """The 64-bit hash of one key: a tuple (or sequence) of ints, or a single int."""
    if isinstance(key, tuple):
        return hash(key)
    if isinstance(key, (int, np.integer)):
        return hash((int(key),))
    return hash(tuple(int(v) for v in np.asarray(key).ravel().tolist()))


def hash_rows(rows: np.ndarray) -> np.ndarray:
    """(N,) int64 hashes of the rows of an (N, D) int array: ``key_hash(tuple(row))`` for each."""
    rows = np.asarray(rows)
    if rows.ndim == 1:
        rows = rows[:, None]
    if rows.dtype.kind not in "iub":
        raise TypeError(f"state keys must be integers, got dtype {rows.dtype}")
    if len(rows) == 0:  # (reshape cannot infer a width from no rows)
        return np.zeros(0, dtype=np.int64)
    rows = rows.reshape(len(rows), -1)
    if not _REPLICA_OK:  # pragma: no cover - other interpreters hash tuples differently
        return np.array([hash(tuple(r)) for r in rows.tolist()], dtype=np.int64)
    values = rows.astype(np.int64)
    acc = np.full(len(values), _P5, dtype=np.uint64)
    # Ints in [0, 2**61 - 1) hash to themselves: no sign or modulus to apply (the usual case).
    plain = bool(values.size == 0 or (values.min() >= 0 and values.max() < _M))
    with np.errstate(over="ignore"):
        for column in values.T:
            if plain:
                lane = column.astype(np.uint64)
            else:
                magnitude = np.abs(column) % _M
                lane = np.where(column < 0, -magnitude, magnitude)
                lane = np.where(lane == -1, -2, lane).astype(np.uint64)
            acc = acc + lane * _P2
            acc = (acc << np.uint64(31)) | (acc >> np.uint64(33))
            acc = acc * _P1
        acc = acc + np.uint64(values.shape[1] ^ _LENGTH_SALT)
    out = acc.view(np.int64)
    return np.where(out == -1, 1546275796, out)


def integer_key(value) -> tuple[int, ...]:
    """A key tuple from an observation or ``info["cell"]``; refuses non-integer data."""
    if isinstance(value, tuple):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "iub":
        raise TypeError(
            f"cannot count states of dtype {array.dtype}: pass key=... returning ints "
            "(a discretiser), or use a hash or density bonus"
        )
    return tuple(array.ravel().tolist())


def occurrence_rank(keys: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements of ``keys`` are equal to it (0, 1, 2, ...)."""
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - group_start
    return rank
