"""Count tables over 64-bit keys: exact (a dict) or approximate (a count-min sketch).

Both count a batch of keys *in order*: the count returned for an element includes the earlier
elements of the same batch, exactly as if the keys came one at a time, and neither loops over
the batch in Python (the exact table's dict is read and written through C-level ``map`` and
``dict.update``).
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

from rlx_envs.core.arguments import integer
from rlx_envs.estimators.keys import occurrence_rank


class ExactTable:
    """Exact visit counts per key."""

    def __init__(self):
        self.counts: dict[int, int] = {}
        self.total = 0

    def add_one(self, key: int) -> int:
        """Count one visit of ``key``; return its count, this visit included."""
        n = self.counts.get(key, 0) + 1
        self.counts[key] = n
        self.total += 1
        return n

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Count a batch of visits in order; return each element's count, its own visit included."""
        keys = np.asarray(keys, dtype=np.int64)
        unique, inverse, repeats = np.unique(keys, return_inverse=True, return_counts=True)
        listed = unique.tolist()
        before = np.fromiter(map(self.counts.get, listed, repeat(0)), np.int64, len(listed))
        self.counts.update(zip(listed, (before + repeats).tolist(), strict=True))
        self.total += len(keys)
        return before[inverse] + occurrence_rank(keys) + 1

    def get(self, key: int) -> int:
        """Visits of ``key`` so far."""
        return self.counts.get(key, 0)

    def state_dict(self) -> dict:
        keys = np.fromiter(self.counts.keys(), np.int64, len(self.counts))
        values = np.fromiter(self.counts.values(), np.int64, len(self.counts))
        return {"kind": "exact", "keys": keys, "counts": values, "total": self.total}

    def load_state_dict(self, state: dict) -> None:
        self.counts = dict(zip(state["keys"].tolist(), state["counts"].tolist(), strict=True))
        self.total = int(state["total"])


class CountMinSketch:
    """A count-min sketch (Cormode and Muthukrishnan 2005): ``depth`` rows of ``width`` counters.

    A key's count is the smallest of its ``depth`` counters: never below the true count, and
    above it by at most ``e * total / width`` with probability ``1 - exp(-depth)``. Memory is
    fixed (``depth * width`` int64), however many states are seen. The row hashes are salted
    from ``seed``.
    """

    def __init__(self, width: int = 1 << 20, depth: int = 4, seed: int = 0):
        self.width = integer("count-min sketch width", width, minimum=1)
        self.depth = integer("count-min sketch depth", depth, minimum=1)
        salts = np.random.default_rng(seed).integers(1, 2**63 - 1, size=depth, dtype=np.int64)
        self.salts = salts.astype(np.uint64) | np.uint64(1)
        self.table = np.zeros((self.depth, self.width), np.int64)
        self.total = 0

    def _buckets(self, keys: np.ndarray) -> np.ndarray:
        x = keys.astype(np.int64).view(np.uint64)[None, :] * self.salts[:, None]
        with np.errstate(over="ignore"):
            x ^= x >> np.uint64(29)
            x *= np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(32)
        return (x % np.uint64(self.width)).astype(np.int64)

    def add_one(self, key: int) -> int:
        """Count one visit of ``key``; return its estimated count, this visit included."""
        return int(self.add(np.array([key], dtype=np.int64))[0])

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Count a batch of visits in order; return each element's estimated count."""
        keys = np.asarray(keys, dtype=np.int64)
        buckets = self._buckets(keys)
        rows = np.arange(self.depth)[:, None]
        before = self.table[rows, buckets]
        ranks = np.stack([occurrence_rank(b) for b in buckets])
        for r in range(self.depth):
            np.add.at(self.table[r], buckets[r], 1)
        self.total += len(keys)
        return (before + ranks).min(axis=0) + 1

    def get(self, key: int) -> int:
        """Estimated visits of ``key`` so far."""
        buckets = self._buckets(np.array([key], dtype=np.int64))
        return int(self.table[np.arange(self.depth), buckets[:, 0]].min())

    def state_dict(self) -> dict:
        return {"kind": "sketch", "table": self.table.copy(), "total": self.total}

    def load_state_dict(self, state: dict) -> None:
        if state["table"].shape != self.table.shape:
            raise ValueError(
                f"sketch shape {state['table'].shape} does not match this one's {self.table.shape}"
            )
        self.table = state["table"].copy()
        self.total = int(state["total"])
