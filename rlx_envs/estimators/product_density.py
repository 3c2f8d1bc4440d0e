"""Independent density models of the parts of an observation: rho(x) = prod_i rho_i(x_i).

An observation made of parts of different kinds (a frame, a grid of codes and a few numbers, as
MiniMontezuma's ``"dict"`` observations are) is best modelled part by part: each part by the
model that suits it. :class:`ProductDensity` multiplies their probabilities. Updating it on x
updates every part model on its part, so the recoding probability is the product of the parts'
recoding probabilities too, and the pseudo-count of Bellemare et al. (2016) applies unchanged.

The observation arrives flat (one vector, as :func:`gymnasium.spaces.flatten` writes a Dict);
each :class:`Part` names the positions of its part in that vector and the shape and dtype to
give the model. With per-env models (:class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity`
parts) the product is per-env as well.

>>> import numpy as np
>>> from rlx_envs.estimators.density import EmpiricalDensity
>>> model = ProductDensity([Part(np.array([0]), (1,), np.int64, EmpiricalDensity()),
...                         Part(np.array([1, 2]), (2,), np.int64, EmpiricalDensity())])
>>> _ = model.log_prob_and_update(np.array([4, 1, 2]))
>>> round(float(np.exp(model.log_prob(np.array([4, 1, 2])))), 3)  # (1/2) * (1/2)
0.25
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from rlx_envs.estimators.density import DensityModel


class Part(NamedTuple):
    """One part of a flat observation: its positions, the shape and dtype its model reads."""

    index: np.ndarray
    shape: tuple[int, ...]
    dtype: np.dtype
    model: object


class ProductDensity(DensityModel):
    """The product of independent density models, one per part (see the module docstring).

    Args:
        parts: the parts, which together cover positions 0..D-1 of the flat observations.
    """

    def __init__(self, parts: Sequence[Part]):
        if not parts:
            raise ValueError("ProductDensity needs at least one part")
        self.parts = [Part(np.asarray(p.index, np.int64), tuple(p.shape), np.dtype(p.dtype),
                           p.model) for p in parts]  # fmt: skip
        covered = np.sort(np.concatenate([p.index for p in self.parts]))
        if not np.array_equal(covered, np.arange(len(covered))):
            raise ValueError("the parts must cover each position of the observation exactly once")
        self.size = len(covered)
        #: Per-env models (``models`` of them) when the parts are batched models.
        self.batched = all(getattr(p.model, "batched", False) for p in self.parts)
        if not self.batched and any(getattr(p.model, "batched", False) for p in self.parts):
            raise ValueError("the parts must be all per-env models or none")
        self.models = self.parts[0].model.models if self.batched else None

    def __repr__(self) -> str:
        return "ProductDensity(" + " x ".join(repr(p.model) for p in self.parts) + ")"

    @property
    def n(self):
        """States seen (per model, for per-env parts): the same for every part."""
        return self.parts[0].model.n

    def _pieces(self, x, many: bool):
        x = np.asarray(x)
        if many:
            flat = x.reshape(len(x), -1)
            return [flat[:, p.index].reshape((len(x),) + p.shape).astype(p.dtype) for p in
                    self.parts]  # fmt: skip
        flat = x.reshape(-1)
        return [flat[p.index].reshape(p.shape).astype(p.dtype) for p in self.parts]

    def log_prob(self, x, models=None):
        """log rho(x): the sum of the parts' logs (``models``: per-env parts' indices)."""
        pieces = self._pieces(x, self.batched)
        if self.batched:
            return sum(p.model.log_prob(x_i, models) for p, x_i in zip(self.parts, pieces,
                                                                        strict=True))  # fmt: skip
        return float(sum(p.model.log_prob(x_i) for p, x_i in zip(self.parts, pieces, strict=True)))

    def log_prob_and_update(self, x, models=None):
        """``(log rho(x), log rho'(x))``, sums over the parts, each updated on its part."""
        pieces = self._pieces(x, self.batched)
        log_p = log_p_recoding = 0.0
        for part, piece in zip(self.parts, pieces, strict=True):
            if self.batched:
                before, after = part.model.log_prob_and_update(piece, models)
            else:
                before, after = part.model.log_prob_and_update(piece)
            log_p, log_p_recoding = log_p + before, log_p_recoding + after
        return log_p, log_p_recoding

    def reset(self, *args) -> None:
        """Reset every part (per-env parts: the models given, or all)."""
        for part in self.parts:
            part.model.reset(*args)

    def state_dict(self) -> dict:
        """Each part's state, in order."""
        return {"parts": [part.model.state_dict() for part in self.parts]}

    def load_state_dict(self, state: dict) -> None:
        """Load each part's state (from a product of the same parts)."""
        if len(state["parts"]) != len(self.parts):
            raise ValueError(
                f"ProductDensity state has {len(state['parts'])} parts, this model "
                f"{len(self.parts)}: build it for the same observation space"
            )
        for part, saved in zip(self.parts, state["parts"], strict=True):
            part.model.load_state_dict(saved)

    def check_space(self, space) -> None:
        """Take flat observations of the length the parts cover."""
        if tuple(getattr(space, "shape", ()) or ()) != (self.size,):
            raise ValueError(
                f"this ProductDensity reads flat observations of {self.size} numbers, not {space}"
            )
