"""Vectors of numbers as rows of small digits, so that a grid density model can read them.

:class:`VectorQuantiser` turns each observation (any shape, read flat) into one row of base-16
digits, which a CTS-style model (:class:`~rlx_envs.estimators.density.CTSDensity`) reads as a
(1, D') grid: the model predicts each digit from the one before it, so a value's low digit is
predicted from its high digit and the first digit of a value from the last digit of the value
before. Per dimension, from its bounds:

* **integers** (an integer dtype, a Discrete, MultiDiscrete or MultiBinary space): the offset
  from the lower bound, written exactly in as many digits as the range needs (a byte takes two,
  a bit one): no information is lost;
* **bounded floats** (both bounds finite): ``bins`` equal bins between the bounds, the upper
  bound in the last bin;
* **unbounded floats** (a bound infinite): ``bins`` equal bins of ``symlog(x) = sign(x) ln(1 +
  |x|)`` (the squashing of DreamerV3, Hafner et al. 2023) over ``[-symlog_range,
  symlog_range]``; the two outer bins are open-ended, as the real line must end somewhere.

A value outside its declared bounds, or not finite, is refused with an error naming the
dimension; nothing is clamped.

>>> import numpy as np
>>> q = VectorQuantiser(low=[0, -1.0], high=[255, 1.0], integer=[True, False], bins=16)
>>> q.width, q.levels  # two digits for the byte, one for the float's 16 bins
(3, 16)
>>> q.codes(np.array([[18, 1.0], [255, -1.0]])).tolist()  # 18 = 0x12; 1.0 in the last bin
[[[1, 2, 15]], [[15, 15, 0]]]
"""

from __future__ import annotations

import numpy as np

from rlx_envs.core.arguments import integer as integer_argument
from rlx_envs.core.arguments import real

#: The base of the digits (the ``levels`` of the grid model that reads them).
BASE = 16


def _digits_for(size: float) -> int:
    """How many base-16 digits write 0 .. size - 1 (at least one)."""
    digits = 1
    while BASE**digits < size:
        digits += 1
    return digits


class VectorQuantiser:
    """Observations with per-dimension bounds as one row of base-16 digits (see the module).

    Args:
        low, high: the bounds of each dimension (arrays of one shape, the observations' shape);
            infinite bounds make a float dimension unbounded.
        integer: per dimension (or one bool for all), whether it holds integers.
        bins: bins per float dimension, >= 2 (256 by default: two digits).
        symlog_range: the symlog interval that unbounded dimensions are binned over, > 0
            (5 by default: |x| up to e^5 - 1, about 147, before the outer bins).
    """

    def __init__(self, low, high, integer=False, *, bins: int = 256, symlog_range: float = 5.0):
        low = np.asarray(low, dtype=np.float64)
        high = np.asarray(high, dtype=np.float64)
        if low.shape != high.shape:
            raise ValueError(f"low has shape {low.shape}, high {high.shape}: give one shape")
        if np.isnan(low).any() or np.isnan(high).any() or (low > high).any():
            raise ValueError("VectorQuantiser needs low <= high in every dimension (no NaN)")
        self.shape = low.shape
        self.bins = integer_argument("bins", bins, minimum=2)
        self.symlog_range = real("symlog_range", symlog_range, above=0)
        self.low, self.high = low.ravel(), high.ravel()
        self.integer = np.broadcast_to(np.asarray(integer, dtype=bool), self.shape).ravel()
        if (self.integer & ~(np.isfinite(self.low) & np.isfinite(self.high))).any():
            # Integer dtypes always have finite bounds; infinite ones here mean a float space.
            raise ValueError("integer dimensions need finite bounds")
        self.bounded = np.isfinite(self.low) & np.isfinite(self.high)
        sizes = np.where(self.integer, self.high - self.low + 1, self.bins)
        digits = np.array([_digits_for(size) for size in sizes], dtype=np.int64)
        #: Per output digit: the dimension it writes, and the power of 16 it holds.
        self._source = np.repeat(np.arange(len(digits)), digits)
        places = [BASE ** np.arange(d - 1, -1, -1, dtype=np.int64) for d in digits]
        self._place = np.concatenate(places) if places else np.zeros(0, np.int64)
        #: Digits per observation, the width of the (1, width) grid.
        self.width = int(digits.sum())
        self.levels = BASE

    def __repr__(self) -> str:
        kinds = (
            f"{int(self.integer.sum())} integer, "
            f"{int((~self.integer & self.bounded).sum())} bounded float, "
            f"{int((~self.integer & ~self.bounded).sum())} unbounded float"
        )
        return f"VectorQuantiser({self.low.size} dims: {kinds}; {self.width} base-16 digits)"

    def indices(self, xs) -> np.ndarray:
        """(N, dims) int64 bin (or offset) of each dimension of a batch of observations."""
        xs = np.asarray(xs)
        if xs.shape[1:] != self.shape:
            raise ValueError(
                f"VectorQuantiser takes observations of shape {self.shape}, got {xs.shape[1:]}"
            )
        x = xs.reshape(len(xs), -1).astype(np.float64)
        if not np.isfinite(x).all():
            row, dim = np.argwhere(~np.isfinite(x))[0]
            raise ValueError(f"observation {row} has a non-finite value in dimension {dim}")
        outside = self.bounded & ((x < self.low) | (x > self.high))
        if outside.any():
            row, dim = np.argwhere(outside)[0]
            raise ValueError(
                f"observation {row} has {x[row, dim]} in dimension {dim}, outside its bounds "
                f"[{self.low[dim]}, {self.high[dim]}] (the observation space is wrong)"
            )
        span = np.where(self.bounded, self.high - self.low, 1.0)
        span = np.where(span > 0, span, 1.0)
        scaled = np.where(self.bounded, (x - np.where(self.bounded, self.low, 0.0)) / span, 0.0)
        bounded_bin = np.minimum(np.floor(scaled * self.bins), self.bins - 1)
        symlog = np.sign(x) * np.log1p(np.abs(x))
        unit = (symlog + self.symlog_range) / (2 * self.symlog_range)
        open_bin = np.clip(np.floor(unit * self.bins), 0, self.bins - 1)  # the outer bins' ends
        offset = x - np.where(self.integer, self.low, 0.0)
        index = np.where(self.integer, offset, np.where(self.bounded, bounded_bin, open_bin))
        return index.astype(np.int64)

    def codes(self, xs) -> np.ndarray:
        """(N, 1, width) int64 digits 0..15 of a batch of observations (a row of a grid each)."""
        index = self.indices(xs)
        digits = (index[:, self._source] // self._place) % BASE
        return digits[:, None, :]

    def config(self) -> dict:
        """The construction arguments, as plain data (saved with a model that reads codes)."""
        return {
            "quantiser_low": self.low.copy(),
            "quantiser_high": self.high.copy(),
            "quantiser_integer": self.integer.astype(np.int64),
            "quantiser_bins": self.bins,
            "quantiser_symlog_range": self.symlog_range,
        }
