"""Tables of per-(seed, state) rows for tabular agents that run many seeds at once.

A batched tabular agent keeps one Q-table per seed. :class:`StateRows` stores them all in one
set of arrays: every (env index, state) pair the agent has met gets a row, found through a dict
from a 64-bit hash of the pair (read and written through C-level ``map``, no Python loop over
the batch). Rows are made on first sight by the agent's ``initialise`` callback, so a row's
content depends only on its own seed's history: nothing leaks between the seeds of a batch.

States are observations hashed to one 64-bit word each by :func:`observation_hashes`
(a multiply-xorshift over the row's int64 words, finished by SplitMix64's mixer; integer
observations by value, float observations by their bit patterns). Two distinct states collide
with probability about 2**-64 per pair.

>>> import numpy as np
>>> rows = StateRows({"q": ((3,), 0.0)}, initialise=lambda new, envs, states: None)
>>> found = rows.lookup(np.array([0, 1, 0]), observation_hashes(np.array([7, 7, 8]), 3))
>>> found.tolist(), len(rows)
([0, 1, 2], 3)
>>> rows.lookup(np.array([1]), observation_hashes(np.array([7]), 1)).tolist()
[1]
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat

import numpy as np

from rlx_envs.agents.keyed import mix64


def observation_hashes(obs, n: int) -> np.ndarray:
    """(n,) int64 hashes of a batch of ``n`` observations (ints by value, floats by bits).

    >>> a = observation_hashes(np.array([[1, 2], [2, 1], [1, 2]]), 3)
    >>> bool(a[0] == a[2]), bool(a[0] == a[1])
    (True, False)
    """
    array = np.asarray(obs)
    if array.dtype == object:
        raise TypeError(f"tabular agents need array observations, got dtype object: {obs!r}")
    array = np.ascontiguousarray(array).reshape(n, -1)
    if array.dtype.kind == "f":
        array = array.astype(np.float64).view(np.int64)  # 0.5 and 1.0 differ; exact values
    words = array.astype(np.int64, copy=False).view(np.uint64)
    state = np.full(n, _ROW_SALT, dtype=np.uint64)
    for column in words.T:
        state = (state ^ column) * _ROW_MULTIPLIER
        state ^= state >> np.uint64(29)
    return mix64(state).view(np.int64)


_PAIR_SALT = np.uint64(0xA11_CE5_5EED)
_ROW_SALT = np.uint64(0x243F6A8885A308D3)
_ROW_MULTIPLIER = np.uint64(0x9FB21C651E98DF25)


class StateRows:
    """Named arrays with one row per (env index, state hash), grown on demand.

    Args:
        fields: name -> (shape of one row, fill value of the capacity not yet used).
        initialise: called as ``initialise(new_rows, env_indices, state_hashes)`` after new rows
            are made, to set their starting values.
    """

    def __init__(
        self,
        fields: dict[str, tuple[tuple[int, ...], float]],
        initialise: Callable[[np.ndarray, np.ndarray, np.ndarray], None],
        capacity: int = 256,
    ):
        self.fields = dict(fields)
        self.initialise = initialise
        self.index: dict[int, int] = {}
        self.arrays = {
            name: np.full((capacity, *shape), fill, dtype=np.float64)
            for name, (shape, fill) in self.fields.items()
        }
        #: The env index and the state hash of every row.
        self.row_env = np.zeros(capacity, np.int64)
        self.row_state = np.zeros(capacity, np.int64)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def lookup(self, envs: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Rows of the pairs (envs[i], states[i]), made (and initialised) where new."""
        # (env, state) -> one word: the state's hash XOR a mixed word of the env index
        salt = self._salts(envs)
        pairs = (states ^ salt).tolist()
        rows = np.fromiter(map(self.index.get, pairs, repeat(-1)), np.int64, len(pairs))
        new = np.flatnonzero(rows < 0)
        if new.size:
            new_pairs = [pairs[i] for i in new]
            unique = dict.fromkeys(new_pairs)  # the same pair may come twice in one call
            start = len(self.index)
            fresh = dict(zip(unique, range(start, start + len(unique)), strict=True))
            self.index.update(fresh)
            self._grow(len(self.index))
            rows[new] = np.fromiter(map(fresh.get, new_pairs), np.int64, new.size)
            first = new[np.unique(rows[new], return_index=True)[1]]
            self.row_env[rows[first]] = np.asarray(envs)[first]
            self.row_state[rows[first]] = states[first]
            self.initialise(rows[first], np.asarray(envs)[first], states[first])
        return rows

    def _salts(self, envs) -> np.ndarray:
        cached = getattr(self, "_salt_cache", None)
        if cached is not None and cached[0] is envs:
            return cached[1]  # the agent passes the same arange(N) every step
        salt = mix64(np.asarray(envs, np.int64).astype(np.uint64) + _PAIR_SALT).view(np.int64)
        self._salt_cache = (envs, salt)
        return salt

    def of_env(self, env: int, name: str) -> dict[int, np.ndarray]:
        """One env's rows of field ``name``: {state hash: values} (copies)."""
        rows = np.flatnonzero(self.row_env[: len(self)] == env)
        values = self.arrays[name]
        return {int(self.row_state[r]): values[r].copy() for r in rows}

    def _grow(self, size: int) -> None:
        capacity = len(next(iter(self.arrays.values())))
        if size <= capacity:
            return
        while capacity < size:
            capacity *= 2
        for name, (shape, fill) in self.fields.items():
            old = self.arrays[name]
            grown = np.full((capacity, *shape), fill, dtype=np.float64)
            grown[: len(old)] = old
            self.arrays[name] = grown
        for name in ("row_env", "row_state"):
            grown = np.zeros(capacity, np.int64)
            old = getattr(self, name)
            grown[: len(old)] = old
            setattr(self, name, grown)


__all__ = ["StateRows", "observation_hashes"]
