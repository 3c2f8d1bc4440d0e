"""What the CTS-style density models share: frame preprocessing, the table layout, the mixture.

:class:`~rlx_envs.estimators.density.CTSDensity` (one model) and
:class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity` (N independent models stacked as
arrays) read grids the same way and keep their counts in the same layout, so that model i of a
batch and a lone model fed the same frames give the same numbers. This module holds that common
part, written once:

* :func:`preprocess_image`: an RGB frame as a small grid of grey levels (Bellemare et al. 2016);
* :class:`CTSLayout`: for each cell and context model, which neighbours form its context and where
  in a flat count table its Krichevsky-Trofimov estimator lives; the checks of inputs and spaces;
* :meth:`CTSLayout.mix`: the per-cell Bayesian mixture of the context models' estimates.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from rlx_envs.estimators.quantise import VectorQuantiser

#: The context models of the CTS-style models by default: (dy, dx) offsets of the neighbours each
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

    Example:
        >>> import numpy as np
        >>> preprocess_image(np.full((84, 84, 3), 255, np.uint8), size=(2, 2), levels=8).tolist()
        [[7, 7], [7, 7]]
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
    return preprocess_images(frame[None], size, levels)[0]


def preprocess_images(frames, size: tuple[int, int] = (42, 42), levels: int = 8) -> np.ndarray:
    """:func:`preprocess_image` of each frame of a batch, (N, H, W, C) or (N, H, W) uint8, at
    once: (N, height, width) uint8 (the one downscaling rule of the CTS model and of
    Go-Explore's frame cells).

    >>> frames = np.zeros((2, 84, 84, 3), np.uint8); frames[1] = 255
    >>> preprocess_images(frames, size=(1, 2), levels=8).tolist()
    [[[0, 0]], [[7, 7]]]
    """
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim not in (3, 4):
        raise ValueError(
            f"preprocess_images takes uint8 frames (N, H, W, C) or (N, H, W), got "
            f"{frames.dtype} of shape {frames.shape}"
        )
    if not 2 <= levels <= 256:
        raise ValueError(f"levels must be in 2..256, got {levels}")
    height, width = (int(s) for s in size)
    rows = _sample_indices(frames.shape[1], height)
    cols = _sample_indices(frames.shape[2], width)
    small = frames.take(rows, axis=1).take(cols, axis=2)
    if small.ndim == 3:
        small = small[..., None]
    channels = small.shape[3]
    grey = small[..., 0].astype(np.int32)
    for channel in range(1, channels):  # faster than sum(axis=-1) on a short last axis
        grey += small[..., channel]
    # floor(mean * levels / 256) in exact integer arithmetic.
    grey *= levels
    grey //= 256 * channels
    return grey.astype(np.uint8)


class CTSLayout:
    """The shape of a CTS-style model: its contexts, and where each count lives in its table.

    Per (context model k, cell, context value) there is one table row of ``levels + 1`` int32
    entries: the counts of each value, then their total, so that a cell's count and total are
    fetched from one place in memory. ``table_size`` is the length of one model's flat table.
    Contexts with more than ``max_contexts`` values are hashed into ``max_contexts`` buckets.
    The arguments are those of :class:`~rlx_envs.estimators.density.CTSDensity`.

    Example:
        >>> layout = CTSLayout((2, 3), 2)
        >>> layout.context_rows(layout.grid([[0, 1, 1], [1, 0, 0]])).shape  # (models, cells)
        (4, 6)
    """

    def __init__(
        self,
        shape: tuple[int, int] | None = None,
        levels: int = 8,
        image_size: tuple[int, int] | None = None,
        contexts: Sequence[Sequence[tuple[int, int]]] = DEFAULT_CONTEXTS,
        max_contexts: int = 256,
        quantiser: VectorQuantiser | None = None,
    ):
        self.quantiser = quantiser
        if quantiser is not None:  # vectors, read as one row of digits
            if shape is not None or image_size is not None:
                raise ValueError("give quantiser=... alone: it sets the shape and the levels")
            shape, levels = (1, quantiser.width), quantiser.levels
        self.shape, self.image = _grid_shape(shape, image_size)
        self.levels = int(levels)
        if self.levels < 2 or (self.image and self.levels > 256):
            limit = "2..256 for images" if self.image else ">= 2"
            raise ValueError(f"levels must be {limit}, got {levels}")
        self.max_contexts = int(max_contexts)
        if not 1 <= self.max_contexts <= 2**32:
            raise ValueError(f"max_contexts must be in 1..2**32, got {max_contexts}")
        self.contexts = _check_contexts(contexts)
        self._build()

    def _build(self) -> None:
        """Precompute the neighbour gather indices and the table layout (no Python per cell)."""
        height, width = self.shape
        self.cells = cells = height * width
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
        # First table row of each (model, cell).
        model_start = np.concatenate([[0], np.cumsum(cells * n_contexts)[:-1]])
        self.row_base = model_start[:, None] + np.arange(cells) * n_contexts[:, None]
        self.stride = self.levels + 1
        self.table_size = int(np.sum(cells * n_contexts)) * self.stride

    def _hash(self, contexts: np.ndarray) -> None:
        """Hash, in place, the context values of the models with too many (axis -2: models)."""
        if len(self._hashed):
            chosen = contexts[..., self._hashed, :]
            mixed = (chosen.astype(np.uint64) * _HASH_MULTIPLIER) & _LOW32
            contexts[..., self._hashed, :] = (mixed * self._hash_buckets) >> np.uint64(32)

    def context_rows(self, grid: np.ndarray) -> np.ndarray:
        """(K, cells) table rows of the estimators that predict each cell of one ``grid``."""
        self._canvas[self._inner] = grid
        neighbours = self._canvas.take(self._neighbour_index)  # (offsets, cells)
        contexts = (self._digits @ neighbours).astype(np.int64)  # exact: < 2**53
        self._hash(contexts)
        contexts += self.row_base
        return contexts

    def context_rows_many(self, grids: np.ndarray) -> np.ndarray:
        """(B, K, cells) table rows for a batch of grids (B, H, W): :meth:`context_rows` each."""
        canvas = np.empty((len(grids),) + self._canvas.shape)
        canvas[:] = self.levels
        canvas[(slice(None),) + self._inner] = grids
        neighbours = canvas.reshape(len(grids), -1)[:, self._neighbour_index]  # (B, O, cells)
        contexts = (self._digits @ neighbours).astype(np.int64)  # exact integers, as one grid
        self._hash(contexts)
        contexts += self.row_base
        return contexts

    def mix(self, found: np.ndarray, weights: np.ndarray, summed: bool = True) -> np.ndarray:
        """Per cell, sum_k w_k p_k(x), p_k the KT estimate (count + 1/2) / (total + levels/2).

        ``found`` holds the gathered counts of x's values (``found[0]``) and the totals
        (``found[1]``), each (..., K, cells) like ``weights``; ``summed=False`` returns the terms
        w_k p_k(x) instead of their sum over k.
        """
        probs = found[0] + 0.5
        probs /= found[1] + 0.5 * self.levels
        probs *= weights
        return probs.sum(axis=-2) if summed else probs

    # -- inputs ---------------------------------------------------------------------------------

    def grid(self, x) -> np.ndarray:
        """Check one input and return it as an int64 (H, W) grid of values 0..levels-1."""
        x = np.asarray(x)
        if self.image:
            return preprocess_image(x, self.shape, self.levels).astype(np.int64)
        if self.quantiser is not None:
            return self.quantiser.codes(x[None])[0]
        return self._checked(x, x.shape)

    def grids(self, xs) -> np.ndarray:
        """Check a batch of inputs and return it as an int64 (B, H, W) array of grids."""
        if self.image:
            return np.array([self.grid(x) for x in xs], np.int64).reshape((-1,) + self.shape)
        if self.quantiser is not None:
            return self.quantiser.codes(xs)
        xs = np.asarray(xs)
        return self._checked(xs, xs.shape[1:])

    def _checked(self, x: np.ndarray, shape: tuple) -> np.ndarray:
        if shape != self.shape:
            raise ValueError(
                f"CTSDensity(shape={self.shape}) takes grids of shape {self.shape}, got "
                f"{shape}; for images use CTSDensity(image_size=...)"
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

    def describe(self) -> str:
        """What the model reads, in words (for the bonus wrappers' ``repr``)."""
        height, width = self.shape
        if self.image:
            return f"frames as {height}x{width} grids of {self.levels} grey levels"
        if self.quantiser is not None:
            return f"vectors through {self.quantiser!r}"
        return f"{height}x{width} grids of {self.levels} levels"

    def config(self) -> dict:
        """The construction arguments, as plain data (saved with a model's state)."""
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
            **(self.quantiser.config() if self.quantiser is not None else {}),
        }

    def check_config(self, state: dict) -> None:
        """Refuse a saved state whose construction arguments differ from this layout's."""
        for name, value in self.config().items():
            if not np.array_equal(np.asarray(state[name]), np.asarray(value)):
                raise ValueError(
                    f"CTSDensity state was saved with {name}={np.asarray(state[name]).tolist()}, "
                    f"this model has {name}={np.asarray(value).tolist()}: build the model with "
                    "the same shape, levels, image_size, contexts and max_contexts"
                )

    def check_space(self, space) -> None:
        """Refuse spaces whose observations this layout cannot take, naming what would fit.

        Grids: a ``Box`` of integer dtype, a ``MultiDiscrete`` or a ``MultiBinary`` of shape
        ``shape`` with values in 0..levels-1. Images: a uint8 ``Box`` of shape (H, W, C) or
        (H, W).
        """
        from gymnasium import spaces  # imported late: the models themselves need no Gymnasium

        name = type(space).__name__
        if self.quantiser is not None:
            numeric = (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)
            if not isinstance(space, numeric) or tuple(space.shape) != self.quantiser.shape:
                raise ValueError(
                    f"this CTSDensity reads observations of shape {self.quantiser.shape} through "
                    f"its {self.quantiser!r}, not {space}: build its quantiser from this space"
                )
            return
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
