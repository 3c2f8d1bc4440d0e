"""Density models for pseudo-counts: an exact empirical model and a CTS-style model of grids.

A pseudo-count (Bellemare et al. 2016, "Unifying count-based exploration and intrinsic
motivation") needs two numbers per state x from a *sequential* density model: rho(x), the
probability the model gives x before it sees x, and rho'(x), the *recoding probability*, the
probability it gives x again just after one update on x. :class:`DensityModel` is that
interface: :meth:`~DensityModel.log_prob_and_update` returns both logs.
:mod:`rlx_envs.estimators.pseudo_counts` turns them into counts and bonuses.

Two models:

* :class:`EmpiricalDensity`: exact visit counts with an escape mass, rho(x) = N(x) / (n + 1).
  Its pseudo-count is exactly N(x); it is the known-answer reference for the formulas.
* :class:`CTSDensity`: a factored model of 2-D grids of small integers (symbolic observations,
  or images after :func:`preprocess_image`), in the spirit of the CTS model of Bellemare et al.
  (2014, "Skip context tree switching") used for pseudo-counts in the 2016 paper: each cell is
  predicted from a few already-known neighbours by Krichevsky-Trofimov estimators, mixed per cell
  by Bayesian model averaging. Vectorised over cells: a frame costs a few dozen numpy calls.
  Its layout (:mod:`~rlx_envs.estimators.cts_layout`) is shared with
  :class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity`, N independent models as arrays.

Neither model is random; both save and load their exact state as plain data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# The CTS layout and preprocessing live beside the batched model that shares them; both names
# stay importable from here.
from rlx_envs.estimators.cts_layout import DEFAULT_CONTEXTS, CTSLayout, preprocess_image
from rlx_envs.estimators.quantise import VectorQuantiser

__all__ = ["CTSDensity", "DEFAULT_CONTEXTS", "DensityModel", "EmpiricalDensity", "preprocess_image"]


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

    def __repr__(self) -> str:
        return "EmpiricalDensity()"

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
        quantiser: a :class:`~rlx_envs.estimators.quantise.VectorQuantiser`, given alone: the
            model takes vectors (any numeric observation of the quantiser's shape), read as
            one row of base-16 digits (``shape`` (1, digits), ``levels`` 16).

    Example (vectors):
        >>> import numpy as np
        >>> from rlx_envs.estimators.quantise import VectorQuantiser
        >>> quantiser = VectorQuantiser([-1.0, 0], [1.0, 9], [False, True], bins=16)
        >>> model = CTSDensity(quantiser=quantiser)
        >>> model.shape  # 0.5: one digit of 16 bins; 3: one digit
        (1, 2)
        >>> log_p, log_p_recoding = model.log_prob_and_update(np.array([0.5, 3]))
        >>> bool(log_p_recoding > log_p)
        True
    """

    def __init__(
        self,
        shape: tuple[int, int] | None = None,
        levels: int = 8,
        *,
        image_size: tuple[int, int] | None = None,
        contexts: Sequence[Sequence[tuple[int, int]]] = DEFAULT_CONTEXTS,
        max_contexts: int = 256,
        quantiser: VectorQuantiser | None = None,
    ):
        self.layout = CTSLayout(shape, levels, image_size, contexts, max_contexts, quantiser)
        layout = self.layout
        self.shape, self.image, self.levels = layout.shape, layout.image, layout.levels
        self.contexts, self.max_contexts = layout.contexts, layout.max_contexts
        self.reset()

    def __repr__(self) -> str:
        return f"CTSDensity({self.layout.describe()})"

    @property
    def n(self) -> int:
        """How many frames the model has been updated on since construction or :meth:`reset`."""
        return self._n

    def _gather(self, grid: np.ndarray):
        """Flat table indices (counts of x's values; totals) and the int32 counts found there."""
        layout = self.layout
        rows = layout.context_rows(grid)
        rows *= layout.stride
        index = np.empty((2,) + rows.shape, dtype=np.int64)
        np.add(rows, grid.reshape(-1), out=index[0])
        np.add(rows, layout.levels, out=index[1])
        found = self._table.take(index)
        return index, found

    def log_prob(self, x) -> float:
        """log rho(x) of a grid or image, without updating the model."""
        _, found = self._gather(self.layout.grid(x))
        return float(np.log(self.layout.mix(found, self._weights)).sum())

    def log_prob_and_update(self, x) -> tuple[float, float]:
        """``(log rho(x), log rho'(x))`` of a grid or image; the model is then updated on it."""
        layout = self.layout
        index, found = self._gather(layout.grid(x))
        weighted = layout.mix(found, self._weights, summed=False)
        mixture = weighted.sum(axis=0)
        log_p = float(np.log(mixture).sum())
        found += 1
        self._table[index] = found  # every index differs: one scatter of counts + 1
        np.divide(weighted, mixture, out=self._weights)  # Bayes: w_k <- w_k p_k / p
        self._n += 1
        # The recoding probability: the same estimators one count on, with the new weights.
        return log_p, float(np.log(layout.mix(found, self._weights)).sum())

    def reset(self) -> None:
        """Forget every frame: all counts 0, uniform weights over the context models."""
        self._table = np.zeros(self.layout.table_size, dtype=np.int32)
        self._weights = np.full(self.layout.row_base.shape, 1.0 / len(self.contexts))
        self._n = 0

    def state_dict(self) -> dict:
        """Counts, weights and n, with the construction arguments to check a load against."""
        return {
            "table": self._table.copy(),
            "weights": self._weights.copy(),
            "n": int(self._n),
            **self.layout.config(),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` of a model built with the same arguments."""
        self.layout.check_config(state)
        table = np.asarray(state["table"], dtype=np.int32)
        weights = np.asarray(state["weights"], dtype=np.float64)
        if table.shape != self._table.shape or weights.shape != self._weights.shape:
            raise ValueError("CTSDensity state: table or weights have the wrong shape")
        self._table = table.copy()
        self._weights = weights.copy()
        self._n = int(state["n"])

    def check_space(self, space) -> None:
        """Refuse spaces whose observations this model cannot take, naming what would fit.

        Grids: a ``Box`` of integer dtype, a ``MultiDiscrete`` or a ``MultiBinary`` of shape
        ``shape`` with values in 0..levels-1. Images: a uint8 ``Box`` of shape (H, W, C) or
        (H, W).
        """
        self.layout.check_space(space)
