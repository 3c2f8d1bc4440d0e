"""Count-based estimators: exact visit counts, and SimHash counts (Tang et al. 2016).

Both report the visit count N of the state reached, **this visit included** (the first visit of
a state has N = 1), and the raw bonus of one of the classic forms, before the wrapper's scale
beta. That is the papers' own convention: Strehl and Littman (2008)'s MBIE-EB n(s, a) counts
the current experience, and Tang et al. (2017, #Exploration, Algorithm 1) increment the count of
a state's code before computing beta / sqrt(n). The pseudo-counts of
:mod:`~rlx_envs.estimators.pseudo_counts` follow the same convention. The forms:

* ``"mbie"``: 1 / sqrt(N), the MBIE-EB bonus (Strehl and Littman 2008);
* ``"beb"``: 1 / N, the BEB-style bonus (Kolter and Ng 2009);
* ``"ucb"``: sqrt(2 ln t / N), with t the number of visits of all states so far (UCB1).
"""

from __future__ import annotations

import math

import numpy as np
from gymnasium import spaces
from numpy.typing import ArrayLike

from rlx_envs.core.arguments import integer
from rlx_envs.estimators.base import Batch, Estimator
from rlx_envs.estimators.keys import hash_rows, key_hash, occurrence_rank
from rlx_envs.estimators.tables import CountMinSketch, ExactTable

FORMS = ("mbie", "beb", "ucb")
#: The single-env path remembers the codes of observations up to this size, this many at most.
_MEMO_BYTES, _MEMO_ENTRIES = 4096, 1 << 20


def count_bonus(form: str, n: ArrayLike, t: ArrayLike | None = None) -> np.ndarray:
    """The raw bonus of ``form`` for counts ``n`` (>= 1, this visit included) after ``t`` (>= 1)
    visits in all (``t`` is read by "ucb" only). The one count bonus of the suite: the
    pseudo-count estimators of :mod:`~rlx_envs.estimators.pseudo_counts` give "mbie" of their
    counts.

    >>> count_bonus("mbie", [1.0, 4.0]).tolist(), count_bonus("beb", [1, 4]).tolist()
    ([1.0, 0.5], [1.0, 0.25])
    >>> float(count_bonus("ucb", 2, t=np.e**2))
    1.4142135623730951
    """
    n = np.asarray(n, dtype=np.float64)
    if form == "mbie":
        return 1.0 / np.sqrt(n)
    if form == "beb":
        return 1.0 / n
    if t is None:
        raise ValueError('the "ucb" bonus needs t, the number of visits of all states so far')
    return np.sqrt(2.0 * np.log(np.asarray(t, dtype=np.float64)) / n)


def _count_bonus_one(form: str, n: int, t: int) -> float:
    if form == "mbie":
        return 1.0 / math.sqrt(n)
    if form == "beb":
        return 1.0 / n
    return math.sqrt(2.0 * math.log(t) / n)


def _check_form(form: str) -> str:
    if form not in FORMS:
        raise ValueError(f"unknown bonus form {form!r}; valid forms: {list(FORMS)}")
    return form


class ExactCounts(Estimator):
    """Exact visit counts of state keys (or of state-action pairs), with a classic bonus form.

    With ``envs=N`` it keeps N independent counts, one per stream (env) of a vector env: each
    transition's ``batch.envs`` says whose it is, and stream i gets exactly the counts (and UCB's
    totals t) a lone ``ExactCounts`` fed stream i alone would give. The N counts are one table
    keyed by the hash of (stream, key), so a batch is still array operations, not a loop.

    Args:
        form: "mbie" (default), "beb" or "ucb".
        count: "state" (default) or "state_action" (N(s, a) for the action that led to s').
        envs: None (one count shared by every transition) or the number of independent streams.

    Example:
        >>> import numpy as np
        >>> from rlx_envs.estimators.base import Batch
        >>> figures, bonuses = ExactCounts("beb").observe(Batch(obs=None, keys=np.array([7, 7, 9])))
        >>> figures.tolist(), bonuses.tolist()
        ([1.0, 2.0, 1.0], [1.0, 0.5, 1.0])
        >>> per_env = ExactCounts(envs=2)
        >>> per_env.observe(Batch(obs=None, keys=np.array([7, 7, 7]), envs=np.array([0, 1, 0])))[0]
        array([1., 1., 2.])
    """

    figure = "count"

    def __init__(self, form: str = "mbie", count: str = "state", envs: int | None = None):
        self.form = _check_form(form)
        if count not in ("state", "state_action"):
            raise ValueError(f"unknown count {count!r}; valid choices: ['state', 'state_action']")
        self.count = count
        self.envs = None if envs is None else integer("envs (streams)", envs, minimum=1)
        self.needs = frozenset({"keys", "actions"} if count == "state_action" else {"keys"})
        self.reset()

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        keys = np.asarray(batch.keys, dtype=np.int64)
        if self.count == "state_action":
            actions = np.asarray(batch.actions).reshape(len(keys), -1)
            keys = hash_rows(np.concatenate([keys[:, None], actions.astype(np.int64)], axis=1))
        if self.envs is None:
            before = self.table.total
            n = self.table.add(keys)
            t = before + np.arange(1, len(keys) + 1)
            return n.astype(np.float64), count_bonus(self.form, n, t)
        envs = _stream_indices(batch.envs, len(keys), self.envs)
        n = self.table.add(hash_rows(np.stack([envs, keys], axis=1)))  # one key per (env, key)
        t = None  # UCB's t: each stream's visits so far, this one included
        if self.form == "ucb":
            t = self.totals[envs] + occurrence_rank(envs) + 1
        self.totals += np.bincount(envs, minlength=self.envs)
        return n.astype(np.float64), count_bonus(self.form, n, t)

    def observe_one(self, obs, prev_obs, action, key: int) -> tuple[float, float]:
        """The scalar fast path of :meth:`observe` for one transition."""
        if self.count == "state_action":
            key = key_hash((key, *np.asarray(action).ravel().tolist()))
        table = self.table
        n = table.add_one(key)
        if self.form == "mbie":  # the common case, inlined
            return float(n), 1.0 / math.sqrt(n)
        return float(n), _count_bonus_one(self.form, n, table.total)

    def __repr__(self) -> str:
        envs = "" if self.envs is None else f", envs={self.envs}"
        return f"ExactCounts(form={self.form!r}, count={self.count!r}{envs})"

    def reset(self) -> None:
        self.table = ExactTable()
        if self.envs is not None:
            self.totals = np.zeros(self.envs, dtype=np.int64)  # visits of all states, per stream

    def state_dict(self) -> dict:
        if self.envs is None:
            return {"table": self.table.state_dict()}
        return {"table": self.table.state_dict(), "totals": self.totals.copy()}

    def load_state_dict(self, state: dict) -> None:
        saved = None if "totals" not in state else len(state["totals"])
        if saved != self.envs:
            raise ValueError(
                f"ExactCounts state was saved with envs={saved}, this one has envs={self.envs}: "
                "per_env and num_envs must match"
            )
        self.table.load_state_dict(state["table"])
        if self.envs is not None:
            self.totals = np.asarray(state["totals"], dtype=np.int64).copy()

    def check_actions(self, space) -> None:
        """State-action counts need discrete actions."""
        if self.count == "state_action" and not isinstance(
            space, (spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)
        ):
            raise ValueError(f"count='state_action' needs discrete actions, got {space}")


def _stream_indices(envs, size: int, streams: int) -> np.ndarray:
    """``batch.envs`` checked: ``size`` stream indices in 0..streams-1, as int64."""
    if envs is None:
        raise ValueError(
            f"this estimator keeps {streams} per-env counts: each batch needs envs=, the "
            "stream (env) index of each transition"
        )
    envs = np.asarray(envs, dtype=np.int64)
    if envs.shape != (size,) or (size and (envs.min() < 0 or envs.max() >= streams)):
        raise ValueError(f"batch.envs must be {size} indices in 0..{streams - 1}, got {envs}")
    return envs


class SimHashCounts(Estimator):
    """Counts of SimHash codes sign(A g(s)) (Tang et al. 2016, #Exploration).

    ``g`` flattens the observation, centred for uint8 data (so that codes do not just follow the
    brightness); with ``image=True`` an (H, W, C) frame is first subsampled every ``downsample``
    pixels and turned grey (the channel sum). ``A`` is a (k, D) matrix of standard normal entries
    drawn from ``seed``, rounded to multiples of 1/1024 so that integer observations give codes
    computed exactly, whatever the batch. Codes of up to 64 bits are
    counted as the integers they spell (so distinct codes never collide); longer codes are hashed
    to 64 bits. ``table`` is "exact" (a dict) or "sketch" (a count-min sketch of fixed memory).

    Args:
        k: code length in bits (granularity: more bits, finer cells).
        form: bonus form, as for :class:`ExactCounts`.
        image: preprocess (H, W, C) frames: grey, subsample (default: when the observations are
            (H, W, C) uint8 frames).
        downsample: subsampling stride for images.
        table: "exact" or "sketch"; ``sketch_width`` and ``sketch_depth`` size the sketch.
        seed: seed of the projection ``A`` (and of the sketch's hashes).
        envs: None (one count table) or the number of independent streams: per-env counts of
            the codes (an :class:`ExactCounts` with ``envs``, keyed by (stream, code); exact
            table only), the projection shared (it is a fixed function of ``seed``).
    """

    figure = "count"
    needs = frozenset({"obs"})

    def __init__(
        self,
        k: int = 64,
        form: str = "mbie",
        image: bool | None = None,
        downsample: int = 2,
        table: str = "exact",
        sketch_width: int = 1 << 20,
        sketch_depth: int = 4,
        seed: int = 0,
        envs: int | None = None,
    ):
        k = integer("code length k", k, minimum=1, maximum=4096)
        if envs is not None and table != "exact":
            raise ValueError("per-env SimHash counts (envs=...) need table='exact'")
        self.envs = envs
        self._per_env = None if envs is None else ExactCounts(form, envs=envs)
        downsample = integer("downsample", downsample, minimum=1)
        if table not in ("exact", "sketch"):
            raise ValueError(f"unknown table {table!r}; valid choices: ['exact', 'sketch']")
        self.k, self.form, self.image = int(k), _check_form(form), image
        self.downsample, self.table_kind, self.seed = downsample, table, int(seed)
        self.sketch_size = (int(sketch_width), int(sketch_depth))
        self._projection: np.ndarray | None = None
        self._memo: dict[bytes, int] = {}  # observation bytes -> code (derived, never saved)
        self.reset()

    def features(self, obs: np.ndarray) -> tuple[np.ndarray, float]:
        """g(s) for a batch, up to scale and centre: (N, D) float64 of integer values for integer
        observations, and the value that stands for the middle of the range (0 for floats)."""
        x = np.asarray(obs)
        middle = 0.0
        if self.image is None:  # decided by the first observations: (H, W, C) uint8 are frames
            self.image = x.ndim == 4 and x.dtype == np.uint8
        if self.image:
            if x.ndim != 4:
                raise ValueError(f"image=True needs (N, H, W, C) frames, got shape {x.shape}")
            sub = x[:, :: self.downsample, :: self.downsample]
            grey = sub[..., 0].astype(np.float64)
            for c in range(1, sub.shape[-1]):
                grey += sub[..., c]  # channel sum: grey up to a factor
            x, middle = grey, 255.0 * sub.shape[-1] / 2
        elif x.dtype == np.uint8:
            middle = 255.0 / 2
        return x.reshape(len(x), -1).astype(np.float64, copy=False), middle

    def codes(self, obs: np.ndarray) -> np.ndarray:
        """(N,) int64 codes of a batch of observations."""
        g, middle = self.features(obs)
        if self._projection is None or self._projection.shape[0] != g.shape[1]:
            # Gaussian entries on a grid of 1/1024: with integer features every product and sum
            # is an exact float64 integer, so a code never depends on the batch it came in.
            rng = np.random.default_rng(self.seed)
            self._projection = np.round(rng.standard_normal((g.shape[1], self.k)) * 1024)
            self._threshold = middle * self._projection.sum(axis=0)
        bits = (g @ self._projection) > self._threshold
        packed = np.packbits(bits, axis=1, bitorder="little")
        if self.k <= 64:  # the code is the integer its bits spell
            return np.pad(packed, ((0, 0), (0, 8 - packed.shape[1]))).view("<i8")[:, 0].copy()
        return hash_rows(packed)

    def observe_one(self, obs, prev_obs, action, key) -> tuple[float, float]:
        """The fast path of :meth:`observe` for one transition (the same code, fewer numpy calls;
        codes of small observations are remembered, as environments revisit states)."""
        if type(obs) is not np.ndarray:
            obs = np.asarray(obs)
        small = obs.nbytes <= _MEMO_BYTES
        code = self._memo.get(obs.tobytes()) if small else None
        if code is None:
            if self.k > 64 or self._projection is None:
                code = int(self.codes(obs[None])[0])
            else:
                g, _ = self.features(obs[None])
                bits = (g[0] @ self._projection) > self._threshold
                code = int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
                code = code - (1 << 64) if code >= 1 << 63 else code  # the batch's int64
            if small:
                if len(self._memo) >= _MEMO_ENTRIES:
                    self._memo.clear()
                self._memo[obs.tobytes()] = code
        table = self.table
        n = table.add_one(code)
        if self.form == "mbie":  # the common case, inlined
            return float(n), 1.0 / math.sqrt(n)
        return float(n), _count_bonus_one(self.form, n, table.total)

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        codes = self.codes(batch.obs)
        if self._per_env is not None:  # each stream's own counts of the codes
            return self._per_env.observe(Batch(obs=None, keys=codes, envs=batch.envs))
        before = self.table.total
        n = self.table.add(codes)
        t = before + np.arange(1, len(codes) + 1)
        return n.astype(np.float64), count_bonus(self.form, n, t)

    def __repr__(self) -> str:
        seen = {True: "frames", False: "vectors", None: "decided by the first batch"}
        envs = "" if self.envs is None else f", envs={self.envs}"
        return f"SimHashCounts(k={self.k}, {seen[self.image]}, table={self.table_kind!r}{envs})"

    def reset(self) -> None:
        if self._per_env is not None:
            self._per_env.reset()
        if self.table_kind == "exact":
            self.table = ExactTable()
        else:
            width, depth = self.sketch_size
            self.table = CountMinSketch(width, depth, seed=self.seed)

    def state_dict(self) -> dict:
        if self._per_env is not None:
            return {"per_env": self._per_env.state_dict()}
        return {"table": self.table.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        if ("per_env" in state) != (self._per_env is not None):
            raise ValueError("SimHashCounts state: per-env counts load only into envs=... models")
        if self._per_env is not None:
            self._per_env.load_state_dict(state["per_env"])
        else:
            self.table.load_state_dict(state["table"])

    def check_space(self, space) -> None:
        if not isinstance(space, spaces.Box):
            raise ValueError(f"SimHash needs Box observations (vectors or images), got {space}")
        if self.image is None:
            self.image = len(space.shape) == 3 and space.dtype == np.uint8
        if self.image and (len(space.shape) != 3 or space.dtype != np.uint8):
            raise ValueError(f"image=True needs (H, W, C) uint8 frames, got {space}")
