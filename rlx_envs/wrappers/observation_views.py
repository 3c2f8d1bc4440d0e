"""What a bonus wrapper's estimator sees of any observation space, and what its defaults pick.

The estimators (:mod:`rlx_envs.estimators`) take arrays. A bonus wrapper shows them the env's
observations through an :class:`ObservationView`:

* ``Dict`` and ``Tuple`` observations (MiniGrid's default, MiniMontezuma's ``"dict"``) are
  flattened as :func:`gymnasium.spaces.flatten` flattens them (Discrete parts one-hot, Text as
  character indices), one row per env of a vector env at once;
* for the estimators that take only vectors (SimHash), ``Discrete``, ``MultiDiscrete`` and
  ``MultiBinary`` observations are flattened the same way;
* everything else is passed through unchanged.

:func:`is_image` is the one rule by which the defaults tell images from other arrays, and
:func:`quantiser_for` reads the bounds a density model of vectors needs off a space.

>>> import numpy as np
>>> from gymnasium import spaces
>>> view = view_of(spaces.Dict(door=spaces.Discrete(3), xy=spaces.Box(0, 9, (2,), np.int64)))
>>> view.space, view.one({"door": 1, "xy": np.array([4, 5])}).tolist()
(Box(0, [1 1 1 9 9], (5,), int64), [0, 1, 0, 4, 5])
>>> view_of(spaces.Discrete(4)).flattens, view_of(spaces.Discrete(4), vectors_only=True).flattens
(False, True)
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from gymnasium import spaces

from rlx_envs.estimators.quantise import VectorQuantiser

#: Spaces flattened for every estimator.
COMPOSITE = (spaces.Dict, spaces.Tuple)
#: Spaces flattened for the estimators that take only vectors.
DISCRETE = (spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)
#: Images are at least this many pixels high and wide; smaller (H, W, C) arrays are grids of
#: codes (MiniGrid's 7x7x3 symbolic view), not pictures.
MIN_IMAGE_SIDE = 16


def is_image(space: spaces.Space) -> bool:
    """Whether the defaults treat ``space`` as images: a uint8 ``Box`` of values up to 255, of
    shape (H, W, C) with C in (1, 3, 4) channels or (H, W) (grey), H and W at least
    :data:`MIN_IMAGE_SIDE`.

    >>> is_image(spaces.Box(0, 255, (84, 84, 3), np.uint8))
    True
    >>> is_image(spaces.Box(0, 255, (7, 7, 3), np.uint8))  # MiniGrid's symbolic view
    False
    """
    if not (isinstance(space, spaces.Box) and space.dtype == np.uint8):
        return False
    shape = space.shape
    return (
        (len(shape) == 2 or (len(shape) == 3 and shape[2] in (1, 3, 4)))
        and min(shape[:2]) >= MIN_IMAGE_SIDE
        and int(space.high.max()) == 255
    )


def quantiser_for(space: spaces.Space, bins: int = 256) -> VectorQuantiser:
    """A :class:`~rlx_envs.estimators.quantise.VectorQuantiser` for observations of ``space``
    (a Box, Discrete, MultiDiscrete or MultiBinary), from its bounds and dtype.

    >>> quantiser_for(spaces.Box(-np.inf, np.inf, (4,)))
    VectorQuantiser(4 dims: 0 integer, 0 bounded float, 4 unbounded float; 8 base-16 digits)
    """
    if isinstance(space, spaces.Box):
        integer = space.dtype.kind in "iub"
        return VectorQuantiser(space.low, space.high, integer, bins=bins)
    if isinstance(space, spaces.Discrete):
        return VectorQuantiser(space.start, space.start + space.n - 1, True)
    if isinstance(space, spaces.MultiDiscrete):
        return VectorQuantiser(space.start, space.start + space.nvec - 1, True)
    if isinstance(space, spaces.MultiBinary):
        return VectorQuantiser(np.zeros(space.shape), np.ones(space.shape), True)
    raise ValueError(
        f"cannot quantise observations of {space}: a Box, Discrete, MultiDiscrete or "
        "MultiBinary space is needed (Dict and Tuple are flattened first, see view_of)"
    )


@dataclasses.dataclass(frozen=True)
class ObservationView:
    """The observations of ``source`` as an estimator sees them: as they are, or flattened.

    ``space`` is what the estimator is built for; :meth:`one` converts one observation,
    :meth:`rows` a vector env's batch (a dict or tuple of batched arrays for composite spaces).
    ``left_out`` names the parts of a Dict or Tuple that cannot be flattened (MiniGrid's
    ``mission`` string), which the estimator does not see.
    """

    source: spaces.Space
    space: spaces.Space
    flattens: bool
    #: The part of ``source`` that is flattened (``source`` less ``left_out``).
    kept: spaces.Space | None = None
    #: The keys (Dict) or indices (Tuple) of the parts kept, when some were left out.
    parts: tuple | None = None
    left_out: tuple[str, ...] = ()

    def one(self, obs):
        """One observation as the estimator sees it."""
        if not self.flattens:
            return obs
        return spaces.flatten(self.kept, self._select(obs))

    def rows(self, batch, n: int):
        """A batch of ``n`` observations (a vector env's) as the estimator sees them."""
        if not self.flattens:
            return batch
        rows = _flat_rows(self.kept, self._select(batch), n)
        return rows.astype(self.space.dtype, copy=False)

    def _select(self, obs):
        """The parts of ``obs`` (one, or a batch) that the estimator sees."""
        if self.parts is None:
            return obs
        if isinstance(self.kept, spaces.Dict):
            return {name: obs[name] for name in self.parts}
        return tuple(obs[i] for i in self.parts)

    def describe(self) -> str:
        """How the observations reach the estimator, in words."""
        if not self.flattens:
            return "as they are"
        text = f"{type(self.source).__name__} flattened to {self.space.shape[0]} numbers"
        if self.left_out:
            text += f" ({', '.join(self.left_out)} left out: not flattenable)"
        return text


def view_of(space: spaces.Space, *, vectors_only: bool = False) -> ObservationView:
    """The view an estimator gets of ``space`` (see the module docstring).

    Parts of a Dict or Tuple that Gymnasium cannot flatten are left out with a warning that
    names them (and the wrapper's ``repr`` says so); if no part is left, a ``ValueError``.
    """
    if isinstance(space, COMPOSITE):
        kept, parts, left_out = _flattenable_parts(space)
        if not left_out:
            kept, parts = space, None
        elif not len(kept.spaces):
            raise ValueError(
                f"no part of {space} can be flattened for a bonus estimator; pass key=... to a "
                "CountBonus, or wrap the env to give array observations"
            )
        else:
            warnings.warn(
                f"the bonus estimator does not see {', '.join(left_out)} of the observations "
                "(Gymnasium cannot flatten these spaces)",
                stacklevel=4,
            )
        return ObservationView(space, spaces.flatten_space(kept), True, kept, parts, left_out)
    if vectors_only and isinstance(space, DISCRETE):
        return ObservationView(space, spaces.flatten_space(space), True, space)
    return ObservationView(space, space, False)


def _flattenable_parts(space):
    """(the flattenable part of a Dict or Tuple, its keys or indices, the parts left out)."""
    names = list(space.spaces) if isinstance(space, spaces.Dict) else range(len(space.spaces))
    kept, left_out = [], []
    for name in names:
        try:
            spaces.flatten_space(space[name])
            kept.append(name)
        except NotImplementedError:
            left_out.append(f"{name!r}" if isinstance(name, str) else f"part {name}")
    if isinstance(space, spaces.Dict):
        part = spaces.Dict({name: space[name] for name in kept})
    else:
        part = spaces.Tuple([space[i] for i in kept])
    return part, tuple(kept), tuple(left_out)


def _flat_rows(space: spaces.Space, batch, n: int) -> np.ndarray:
    """(n, D) rows equal to ``spaces.flatten`` of each observation of the batch."""
    if isinstance(space, spaces.Dict):
        return np.concatenate([_flat_rows(s, batch[k], n) for k, s in space.spaces.items()], 1)
    if isinstance(space, spaces.Tuple):
        parts = zip(space.spaces, batch, strict=True)
        return np.concatenate([_flat_rows(s, part, n) for s, part in parts], 1)
    if isinstance(space, (spaces.Box, spaces.MultiBinary)):
        return np.asarray(batch).reshape(n, -1)
    if isinstance(space, spaces.Discrete):
        out = np.zeros((n, space.n), space.dtype)
        out[np.arange(n), np.asarray(batch).reshape(n) - space.start] = 1
        return out
    if isinstance(space, spaces.MultiDiscrete):
        sizes = space.nvec.ravel()
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        values = np.asarray(batch).reshape(n, -1) - space.start.ravel()
        out = np.zeros((n, int(sizes.sum())), space.dtype)
        out[np.arange(n)[:, None], offsets + values] = 1
        return out
    return np.stack([spaces.flatten(space, row) for row in batch])  # Text, and the like
