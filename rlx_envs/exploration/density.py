"""Density models for pseudo-counts: an exact empirical model and a CTS-style model of grids.

A pseudo-count (Bellemare et al. 2016, "Unifying count-based exploration and intrinsic
motivation") needs two numbers per state x from a *sequential* density model: rho(x), the
probability the model gives x before it sees x, and rho'(x), the *recoding probability*, the
probability it gives x again just after one update on x. :class:`DensityModel` is that
interface: :meth:`~DensityModel.log_prob_and_update` returns both logs.
:mod:`rlx_envs.exploration.pseudo_counts` turns them into counts and bonuses.

Two models:

* :class:`EmpiricalDensity`: exact visit counts with an escape mass, rho(x) = N(x) / (n + 1).
  Its pseudo-count is exactly N(x); it is the known-answer reference for the formulas.
* :class:`CTSDensity`: a factored model of 2-D grids of small integers (symbolic observations,
  or images after :func:`preprocess_image`), in the spirit of the CTS model of Bellemare et al.
  (2014, "Skip context tree switching") used for pseudo-counts in the 2016 paper: each cell is
  predicted from a few already-known neighbours by Krichevsky-Trofimov estimators, mixed per cell
  by Bayesian model averaging. Vectorised over cells: a frame costs a few dozen numpy calls.

Neither model is random; both save and load their exact state as plain data.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

#: The context models of :class:`CTSDensity` by default: (dy, dx) offsets of the neighbours each
#: one reads, relative to the cell it predicts: none; up; left and up; left, up, up-left and
#: up-right (the context of Bellemare et al. 2014).
DEFAULT_CONTEXTS: tuple[tuple[tuple[int, int], ...], ...] = (
    (),
    ((-1, 0),),
    ((0, -1), (-1, 0)),
    ((0, -1), (-1, 0), (-1, -1), (-1, 1)),
)

#: Knuth's multiplicative hashing constant (2^32 / golden ratio), for hashed contexts.
_HASH_MULTIPLIER = np.uint64(2654435761)
_LOW32 = np.uint64(0xFFFFFFFF)


def _space_kinds():
    """The Gymnasium space classes used by ``check_space`` (imported late: models need no gym)."""
    from gymnasium import spaces

    return spaces


class DensityModel:
    """A sequential density model over observations, as pseudo-counts need it.

    Bellemare et al. (2016), section 3: the model sees states one at a time; rho_n(x) is the
    probability of x after n states, rho'_n(x) = rho_{n+1}(x) the probability of x again after an
    update on x itself. Subclasses implement :meth:`log_prob_and_update`, :meth:`log_prob`,
    :meth:`reset`, :meth:`state_dict`, :meth:`load_state_dict` and :meth:`check_space`.
    """

    @property
    def n(self) -> int:
        """How many states the model has been updated on since construction or :meth:`reset`."""
        raise NotImplementedError

    def log_prob_and_update(self, x) -> tuple[float, float]:
        """Return ``(log rho(x), log rho'(x))`` and leave the model updated on ``x``.

        ``log rho(x)`` is the natural log of the probability of ``x`` *before* the update;
        ``log rho'(x)`` (the recoding probability) the same just *after* it. May be ``-inf``.
        """
        raise NotImplementedError

    def log_prob(self, x) -> float:
        """The natural log of the probability of ``x`` now, without updating the model."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget every state seen: back to the model just constructed."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        """A copy of the model's state as plain data (numpy arrays, ints, floats)."""
        raise NotImplementedError

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly from a :meth:`state_dict` of a model built with the same arguments."""
        raise NotImplementedError

    def check_space(self, space) -> None:
        """Raise ``ValueError`` naming the problem if observations of ``space`` cannot be taken."""
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Empirical density: exact counts with an escape mass.
# --------------------------------------------------------------------------------------------


def _state_key(x) -> bytes:
    """The exact identity of a state: its dtype, its shape and its bytes."""
    x = np.ascontiguousarray(x)
    if x.dtype.hasobject:
        raise ValueError(
            f"EmpiricalDensity takes numeric arrays, got dtype {x.dtype}: pass the observation "
            "as a numpy array of numbers or booleans"
        )
    return f"{x.dtype.str}{x.shape}|".encode() + x.tobytes()


class EmpiricalDensity(DensityModel):
    """Exact empirical distribution of the states seen, with room for the unseen.

    After n states, of which N(x) were equal to x, rho(x) = N(x) / (n + 1): the missing 1/(n+1)
    is an escape mass for states never seen, so the model is never degenerate (no 0/0 at the
    first state). The recoding probability is rho'(x) = (N(x) + 1) / (n + 2), and the
    pseudo-count of Bellemare et al. (2016, eq. 2), rho (1 - rho') / (rho' - rho), is then
    *exactly* N(x): the model against which pseudo-count code is checked. A state never seen has
    rho(x) = 0, log rho(x) = -inf and pseudo-count 0.

    States are told apart by the bytes of the array together with its shape and dtype, so
    ``np.int64(1)`` and ``np.uint8(1)`` are different states. Memory grows with the number of
    distinct states.

    Example:
        >>> import numpy as np
        >>> model = EmpiricalDensity()
        >>> _ = model.log_prob_and_update(np.array([3]))
        >>> [round(float(np.exp(v)), 3) for v in model.log_prob_and_update(np.array([3]))]
        [0.5, 0.667]
    """

    def __init__(self):
        self._visits: dict[bytes, int] = {}
        self._n = 0

    @property
    def n(self) -> int:
        """How many states the model has been updated on since construction or :meth:`reset`."""
        return self._n

    def visits(self, x) -> int:
        """N(x): how many times ``x`` has been seen."""
        return self._visits.get(_state_key(x), 0)

    def log_prob(self, x) -> float:
        """log rho(x) = log(N(x) / (n + 1)), ``-inf`` for a state never seen."""
        return _log_ratio(self.visits(x), self._n + 1)

    def log_prob_and_update(self, x) -> tuple[float, float]:
        """``(log(N / (n + 1)), log((N + 1) / (n + 2)))``, then count ``x`` once more."""
        key = _state_key(x)
        count = self._visits.get(key, 0)
        log_p = _log_ratio(count, self._n + 1)
        self._visits[key] = count + 1
        self._n += 1
        return log_p, _log_ratio(count + 1, self._n + 1)

    def reset(self) -> None:
        """Forget every state seen."""
        self._visits.clear()
        self._n = 0

    def state_dict(self) -> dict:
        """The counts as arrays: the keys' bytes end to end, their lengths, their visits, n."""
        keys = list(self._visits)
        return {
            "keys": np.frombuffer(b"".join(keys), dtype=np.uint8).copy(),
            "key_lengths": np.array([len(k) for k in keys], dtype=np.int64),
            "visits": np.array(list(self._visits.values()), dtype=np.int64),
            "n": int(self._n),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` (the keys keep their order)."""
        blob = np.asarray(state["keys"], dtype=np.uint8).tobytes()
        ends = np.cumsum(np.asarray(state["key_lengths"], dtype=np.int64))
        starts = ends - np.asarray(state["key_lengths"], dtype=np.int64)
        visits = np.asarray(state["visits"], dtype=np.int64)
        if len(visits) != len(ends) or (len(ends) and ends[-1] != len(blob)):
            raise ValueError("EmpiricalDensity state: keys, key_lengths and visits do not agree")
        pieces = zip(starts.tolist(), ends.tolist(), visits.tolist(), strict=True)
        self._visits = {blob[start:end]: count for start, end, count in pieces}
        self._n = int(state["n"])

    def check_space(self, space) -> None:
        """Take any space whose observations are numpy arrays of one shape.

        Valid: ``Box``, ``Discrete``, ``MultiDiscrete``, ``MultiBinary``. Structured spaces
        (``Dict``, ``Tuple``, ...) are refused: flatten them first
        (``gymnasium.wrappers.FlattenObservation``) or pick one part.
        """
        spaces = _space_kinds()
        valid = (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)
        if not isinstance(space, valid):
            raise ValueError(
                f"EmpiricalDensity cannot take a {type(space).__name__} space: it needs "
                "observations that are arrays of one shape (Box, Discrete, MultiDiscrete or "
                "MultiBinary); flatten the observation (gymnasium.wrappers.FlattenObservation) "
                "or select one part of it"
            )


def _log_ratio(num: int, den: int) -> float:
    """log(num / den) for counts, ``-inf`` when ``num`` is 0."""
    return float(np.log(num) - np.log(den)) if num > 0 else -np.inf


# --------------------------------------------------------------------------------------------
# Image preprocessing for CTS.
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _sample_indices(length: int, size: int) -> np.ndarray:
    """Centre-of-block indices that shrink (or stretch) an axis of ``length`` to ``size``."""
    return ((2 * np.arange(size) + 1) * length) // (2 * size)


def preprocess_image(frame, size: tuple[int, int] = (42, 42), levels: int = 8) -> np.ndarray:
    """An RGB (or grey) uint8 image as a small grid of ``levels`` grey levels, for CTS.

    The preprocessing of Bellemare et al. (2016, section 5: 42x42 frames, 8 grey levels): each
    output cell takes the pixel at the centre of its block (index sampling, no averaging, so
    thin sprites may be skipped at high shrink factors), the grey level is the mean of its
    channels, and 0..255 is cut into ``levels`` equal bins.

    Args:
        frame: uint8 array (H, W, C) or (H, W), values 0..255.
        size: (height, width) of the output grid.
        levels: number of grey levels, 2..256.

    Returns:
        uint8 array of shape ``size`` with values in ``0 .. levels - 1``.
    """
    frame = np.asarray(frame)
    if frame.dtype != np.uint8:
        raise ValueError(
            f"preprocess_image takes uint8 images (values 0..255), got dtype {frame.dtype}; "
            "convert with (frame * 255).astype(np.uint8) for images in [0, 1]"
        )
    if frame.ndim not in (2, 3):
        raise ValueError(
            f"preprocess_image takes an image of shape (H, W, C) or (H, W), got {frame.shape}"
        )
    if not 2 <= levels <= 256:
        raise ValueError(f"levels must be in 2..256, got {levels}")
    height, width = (int(s) for s in size)
    rows = _sample_indices(frame.shape[0], height)
    cols = _sample_indices(frame.shape[1], width)
    small = frame.take(rows, axis=0).take(cols, axis=1)
    if small.ndim == 2:
        small = small[:, :, None]
    channels = small.shape[2]
    grey = small[:, :, 0].astype(np.int32)
    for channel in range(1, channels):  # faster than sum(axis=2) on a short last axis
        grey += small[:, :, channel]
    # floor(mean * levels / 256) in exact integer arithmetic.
    grey *= levels
    grey //= 256 * channels
    return grey.astype(np.uint8)


# --------------------------------------------------------------------------------------------
# CTS-style density of grids.
# --------------------------------------------------------------------------------------------


class CTSDensity(DensityModel):
    """A CTS-style factored density over 2-D grids of small integers (or preprocessed images).

    The grid is read in raster order; the value of each cell (y, x) is predicted from a context,
    the values of neighbours already read (above it, or to its left in its row). Each *context
    model* k reads a fixed set of neighbour offsets (:data:`DEFAULT_CONTEXTS`: none; up; left and
    up; left, up, up-left and up-right) and keeps, per (cell, context value), a
    Krichevsky-Trofimov estimator: p_k(v) = (count(v) + 1/2) / (total + levels/2). Per cell, the
    context models are mixed by Bayesian model averaging: p(v) = sum_k w_k p_k(v), with weights
    starting uniform and updated after each frame by w_k <- w_k p_k(v) / p(v), as in context
    tree weighting and CTS (Bellemare et al. 2014, "Skip context tree switching"; used for
    pseudo-counts by Bellemare et al. 2016). The density of a frame is the product over cells,
    so log rho(x) is a sum of logs. Each factor is a distribution over the cell's value given the
    cells before it, so rho is a proper distribution over grids.

    Neighbours outside the grid read as the out-of-range symbol ``levels``. A context model whose
    exact number of context values, (levels + 1) ** len(offsets), exceeds ``max_contexts`` has
    its context values hashed (multiplicatively) into ``max_contexts`` buckets per cell; hashed
    contexts that collide share an estimator, which blurs the model a little but keeps it a
    proper distribution. Memory: 4 * H * W * (levels + 1) * sum_k min((levels + 1) ** m_k,
    max_contexts) bytes (about 22 MB at 42x42, 8 levels, the defaults); counts are int32, good
    for 2**31 frames. Weights are a pure Bayesian posterior: a context model that keeps losing
    sees its weight shrink towards 0 in that cell (and may reach it).

    Two kinds of input:

    * grids: ``CTSDensity(shape=(H, W), levels=L)`` takes integer (or boolean) arrays of shape
      (H, W) with values in 0..L-1, such as the ``"symbolic"`` observations of MiniMontezuma;
    * images: ``CTSDensity(image_size=(42, 42), levels=8)`` takes uint8 images (H', W', C) or
      (H', W') of any size and applies :func:`preprocess_image` to each.

    The recoding probability comes from the same gathered counts (the counts of x's own contexts,
    one more each, with the updated weights). The mixture always makes learning progress on the
    frame it sees (rho' > rho, by Cauchy-Schwarz on the weights), up to rounding.

    Args:
        shape: (H, W) of the grids (or omit it and give ``image_size``).
        levels: number of values of a cell, >= 2.
        image_size: (H, W) of the preprocessed images; makes the model take images.
        contexts: the context models, each a sequence of (dy, dx) neighbour offsets with
            dy < 0, or dy == 0 and dx < 0 (cells read before the one predicted).
        max_contexts: estimators per cell and context model before hashing, >= 1.
    """

    def __init__(
        self,
        shape: tuple[int, int] | None = None,
        levels: int = 8,
        *,
        image_size: tuple[int, int] | None = None,
        contexts: Sequence[Sequence[tuple[int, int]]] = DEFAULT_CONTEXTS,
        max_contexts: int = 256,
    ):
        self.shape, self.image = _grid_shape(shape, image_size)
        self.levels = int(levels)
        if self.levels < 2 or (self.image and self.levels > 256):
            limit = "2..256 for images" if self.image else ">= 2"
            raise ValueError(f"levels must be {limit}, got {levels}")
        self.max_contexts = int(max_contexts)
        if not 1 <= self.max_contexts <= 2**32:
            raise ValueError(f"max_contexts must be in 1..2**32, got {max_contexts}")
        self.contexts = _check_contexts(contexts)
        self._build_layout()
        self.reset()

    # -- layout: where each (model, cell, context, value) count lives -------------------------

    def _build_layout(self) -> None:
        """Precompute the neighbour gather indices and the table layout (no Python per cell)."""
        height, width = self.shape
        cells = height * width
        offsets = [o for ctx in self.contexts for o in ctx]
        top = max([-dy for dy, _ in offsets], default=0)
        left = max([-dx for _, dx in offsets] + [0])
        right = max([dx for _, dx in offsets] + [0])
        # The grid framed by the out-of-range symbol; float64 so that contexts are one matmul.
        self._canvas = np.full((height + top, width + left + right), float(self.levels))
        self._inner = (slice(top, top + height), slice(left, left + width))
        rows, cols = np.divmod(np.arange(cells), width)
        # One row per neighbour read: its flat index in the canvas for every cell.
        self._neighbour_index = np.array(
            [(rows + top + dy) * self._canvas.shape[1] + cols + left + dx for dy, dx in offsets],
            dtype=np.int64,
        ).reshape(len(offsets), cells)
        # Context value of model k = digits[k] @ neighbours: its neighbours in base levels + 1.
        base = self.levels + 1
        self._digits = np.zeros((len(self.contexts), len(offsets)))
        n_contexts, start = [], 0
        for k, ctx in enumerate(self.contexts):
            for j in range(len(ctx)):
                self._digits[k, start + j] = float(base ** (len(ctx) - 1 - j))
            start += len(ctx)
            if base ** len(ctx) > 2**53:
                raise ValueError(
                    f"context model {ctx} has (levels + 1) ** {len(ctx)} context values, more "
                    "than 2**53: use fewer neighbours or fewer levels"
                )
            n_contexts.append(min(base ** len(ctx), self.max_contexts))
        n_contexts = np.array(n_contexts, dtype=np.int64)
        self._hashed = np.flatnonzero(
            n_contexts < base ** np.array([len(c) for c in self.contexts])
        )
        self._hash_buckets = n_contexts[self._hashed, None].astype(np.uint64)
        # First table row of each (model, cell); a row holds the counts of each value, then the
        # total, so that a cell's count and total are fetched from one place in memory.
        model_start = np.concatenate([[0], np.cumsum(cells * n_contexts)[:-1]])
        self._row_base = model_start[:, None] + np.arange(cells) * n_contexts[:, None]
        self._stride = self.levels + 1
        self._table_size = int(np.sum(cells * n_contexts)) * self._stride

    def _context_rows(self, grid: np.ndarray) -> np.ndarray:
        """(K, cells) table rows of the estimators that predict each cell of ``grid``."""
        self._canvas[self._inner] = grid
        neighbours = self._canvas.take(self._neighbour_index)  # (offsets, cells)
        contexts = (self._digits @ neighbours).astype(np.int64)  # exact: < 2**53
        if len(self._hashed):
            mixed = (contexts[self._hashed].astype(np.uint64) * _HASH_MULTIPLIER) & _LOW32
            contexts[self._hashed] = (mixed * self._hash_buckets) >> np.uint64(32)
        contexts += self._row_base
        return contexts

    def _gather(self, grid: np.ndarray):
        """Flat table indices (counts of x's values; totals) and the int32 counts found there."""
        rows = self._context_rows(grid)
        rows *= self._stride
        index = np.empty((2,) + rows.shape, dtype=np.int64)
        np.add(rows, grid.reshape(-1), out=index[0])
        np.add(rows, self.levels, out=index[1])
        found = self._table.take(index)
        return index, found

    # -- the model ----------------------------------------------------------------------------

    @property
    def n(self) -> int:
        """How many frames the model has been updated on since construction or :meth:`reset`."""
        return self._n

    def log_prob(self, x) -> float:
        """log rho(x) of a grid or image, without updating the model."""
        _, found = self._gather(self._grid(x))
        return float(np.log(self._mix(found)).sum())

    def log_prob_and_update(self, x) -> tuple[float, float]:
        """``(log rho(x), log rho'(x))`` of a grid or image; the model is then updated on it."""
        index, found = self._gather(self._grid(x))
        weighted = self._mix(found, summed=False)
        mixture = weighted.sum(axis=0)
        log_p = float(np.log(mixture).sum())
        found += 1
        self._table[index] = found  # every index differs: one scatter of counts + 1
        np.divide(weighted, mixture, out=self._weights)  # Bayes: w_k <- w_k p_k / p
        self._n += 1
        # The recoding probability: the same estimators one count on, with the new weights.
        return log_p, float(np.log(self._mix(found)).sum())

    def _mix(self, found: np.ndarray, summed: bool = True) -> np.ndarray:
        """Per cell, sum_k w_k p_k(x), p_k the KT estimate (count + 1/2) / (total + levels/2).

        ``found`` holds the gathered counts of x's values (row 0) and the totals (row 1);
        ``summed=False`` returns the (K, cells) terms w_k p_k(x) instead.
        """
        probs = found[0] + 0.5
        probs /= found[1] + 0.5 * self.levels
        probs *= self._weights
        return probs.sum(axis=0) if summed else probs

    def reset(self) -> None:
        """Forget every frame: all counts 0, uniform weights over the context models."""
        self._table = np.zeros(self._table_size, dtype=np.int32)
        self._weights = np.full(self._row_base.shape, 1.0 / len(self.contexts))
        self._n = 0

    def state_dict(self) -> dict:
        """Counts, weights and n, with the construction arguments to check a load against."""
        return {
            "table": self._table.copy(),
            "weights": self._weights.copy(),
            "n": int(self._n),
            **self._config(),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` of a model built with the same arguments."""
        for name, value in self._config().items():
            if not np.array_equal(np.asarray(state[name]), np.asarray(value)):
                raise ValueError(
                    f"CTSDensity state was saved with {name}={np.asarray(state[name]).tolist()}, "
                    f"this model has {name}={np.asarray(value).tolist()}: build the model with "
                    "the same shape, levels, image_size, contexts and max_contexts"
                )
        table = np.asarray(state["table"], dtype=np.int32)
        weights = np.asarray(state["weights"], dtype=np.float64)
        if table.shape != self._table.shape or weights.shape != self._weights.shape:
            raise ValueError("CTSDensity state: table or weights have the wrong shape")
        self._table = table.copy()
        self._weights = weights.copy()
        self._n = int(state["n"])

    def _config(self) -> dict:
        """The construction arguments, as plain data."""
        return {
            "shape": np.array(self.shape, dtype=np.int64),
            "levels": self.levels,
            "image": int(self.image),
            "max_contexts": self.max_contexts,
            "context_offsets": np.array(
                [(k, dy, dx) for k, ctx in enumerate(self.contexts) for dy, dx in ctx],
                dtype=np.int64,
            ).reshape(-1, 3),
            "context_models": len(self.contexts),
        }

    # -- inputs -------------------------------------------------------------------------------

    def _grid(self, x) -> np.ndarray:
        """Check one input and return it as an int64 (H, W) grid of values 0..levels-1."""
        x = np.asarray(x)
        if self.image:
            return preprocess_image(x, self.shape, self.levels).astype(np.int64)
        if x.shape != self.shape:
            raise ValueError(
                f"CTSDensity(shape={self.shape}) takes grids of shape {self.shape}, got "
                f"{x.shape}; for images use CTSDensity(image_size=...)"
            )
        if x.dtype.kind not in "biu":
            raise ValueError(
                f"CTSDensity takes integer grids, got dtype {x.dtype}; quantise float "
                "observations first (images: CTSDensity(image_size=...) or preprocess_image)"
            )
        if x.size and (int(x.min()) < 0 or int(x.max()) >= self.levels):
            raise ValueError(
                f"CTSDensity(levels={self.levels}) takes values 0..{self.levels - 1}, got values "
                f"in {int(x.min())}..{int(x.max())}; pass levels={int(x.max()) + 1} or more"
            )
        return x.astype(np.int64)

    def check_space(self, space) -> None:
        """Refuse spaces whose observations this model cannot take, naming what would fit.

        Grids: a ``Box`` of integer dtype, a ``MultiDiscrete`` or a ``MultiBinary`` of shape
        ``shape`` with values in 0..levels-1. Images: a uint8 ``Box`` of shape (H, W, C) or
        (H, W).
        """
        spaces = _space_kinds()
        name = type(space).__name__
        if self.image:
            if not (
                isinstance(space, spaces.Box)
                and space.dtype == np.uint8
                and len(space.shape) in (2, 3)
            ):
                raise ValueError(
                    f"CTSDensity(image_size=...) takes uint8 Box images of shape (H, W, C) or "
                    f"(H, W), got {space}; for grids of small integers use CTSDensity(shape=...)"
                )
            return
        if isinstance(space, spaces.Box):
            if space.dtype.kind not in "biu":
                raise ValueError(
                    f"CTSDensity takes integer grids, got a Box of dtype {space.dtype}; for "
                    "uint8 images use CTSDensity(image_size=(42, 42)), quantise other floats"
                )
            low, high = np.min(space.low), np.max(space.high)
        elif isinstance(space, spaces.MultiDiscrete):
            low, high = np.min(space.start), np.max(space.start + space.nvec - 1)
        elif isinstance(space, spaces.MultiBinary):
            low, high = 0, 1
        else:
            raise ValueError(
                f"CTSDensity cannot take a {name} space: it takes 2-D grids (an integer Box, "
                "MultiDiscrete or MultiBinary of shape (H, W)) or uint8 images (Box (H, W, C) "
                "with CTSDensity(image_size=...))"
            )
        if tuple(space.shape) != self.shape:
            raise ValueError(
                f"CTSDensity(shape={self.shape}) cannot take observations of shape "
                f"{tuple(space.shape)}: build it with shape={tuple(space.shape)}"
            )
        if low < 0 or high >= self.levels:
            raise ValueError(
                f"CTSDensity(levels={self.levels}) takes values 0..{self.levels - 1}, the space "
                f"allows {low}..{high}: build it with levels={int(high) + 1} (values must be "
                ">= 0), or use image_size=... for uint8 images"
            )


def _grid_shape(shape, image_size) -> tuple[tuple[int, int], bool]:
    """The (H, W) of the model and whether it takes images, from the constructor arguments."""
    if image_size is not None:
        image_size = tuple(int(s) for s in image_size)
        if shape is not None and tuple(int(s) for s in shape) != image_size:
            raise ValueError(f"shape={shape} and image_size={image_size} disagree: give one")
        shape = image_size
    if shape is None:
        raise ValueError("CTSDensity needs shape=(H, W) for grids or image_size=(H, W) for images")
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"CTSDensity models 2-D grids: shape must be (H, W), got {shape}")
    return shape, image_size is not None


def _check_contexts(contexts) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The context models as tuples, each offset checked to point at a cell read before."""
    checked = tuple(tuple((int(dy), int(dx)) for dy, dx in ctx) for ctx in contexts)
    if not checked:
        raise ValueError("CTSDensity needs at least one context model")
    for ctx in checked:
        for dy, dx in ctx:
            if not (dy < 0 or (dy == 0 and dx < 0)):
                raise ValueError(
                    f"context offset {(dy, dx)} is not read before the cell it predicts: use "
                    "dy < 0 (a row above) or dy == 0 and dx < 0 (to the left)"
                )
    return checked
