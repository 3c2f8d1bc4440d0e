"""What every exploration estimator is: the interface the bonus wrappers talk to.

An estimator turns a stream of transitions into a *figure* (a count, a pseudo-count, a prediction
error, an information gain) and a raw *bonus* per transition. The wrappers in
:mod:`rlx_envs.wrappers.bonus` add what all bonuses share (the beta schedule, normalisation, the
reward mix, ``info``, saving); the estimators know nothing of Gymnasium and can be used alone.

Transitions arrive in batches, in stream order: a single env sends batches of one, a vector env
sends one transition per env, env 0 first. An estimator must give exactly the figures and bonuses
it would give if the same transitions came one at a time; that is what makes a vector wrapper
sharing one estimator equal to a single wrapper fed the same stream. Where it can, an estimator
does this with array operations (exact counts do); otherwise it loops over the batch.

A *per-env* estimator keeps N independent estimates instead, one per stream (env): each
transition carries its stream index (:attr:`Batch.envs`), and stream i gets exactly what a lone
estimator fed stream i alone would give, still with array operations over the batch.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class Batch:
    """N transitions (s, a, s') in stream order; an estimator reads only the fields it needs."""

    #: (N, ...) the states reached, s' (the state whose novelty earns the bonus).
    obs: np.ndarray
    #: (N, ...) the states left, s.
    prev_obs: np.ndarray | None = None
    #: (N, ...) the actions taken.
    actions: np.ndarray | None = None
    #: (N,) int64 keys of the states reached (a hash of the pluggable state key, see keys.py).
    keys: np.ndarray | None = None
    #: (N,) int64 stream (env) index of each transition, for the per-env estimators (an
    #: ``ExactCounts(envs=N)``, pseudo-counts over a ``BatchedCTSDensity``); None otherwise.
    envs: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.obs)


class Estimator:
    """Base class of the estimators.

    Subclasses set :attr:`figure` and :attr:`needs` and implement :meth:`observe`,
    :meth:`reset`, :meth:`state_dict` and :meth:`load_state_dict`; they may override
    :meth:`check_space` to refuse observation spaces they cannot take.
    """

    #: Name of the figure in ``info`` ("count", "pseudo_count", "prediction_error", ...).
    figure: str = "count"
    #: The :class:`Batch` fields it reads, out of "obs", "prev_obs", "actions", "keys".
    needs: frozenset[str] = frozenset({"obs"})

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Update on ``batch`` as if its transitions came one at a time, in order.

        Returns ``(figure, bonus)``: two float64 arrays of shape (N,), finite, bonus >= 0 (before
        the wrapper's beta and normalisation).
        """
        raise NotImplementedError

    def reset(self) -> None:
        """Forget everything seen (per-episode counts call this at every episode start)."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        """Everything needed to continue exactly where this estimator is (plain data)."""
        raise NotImplementedError

    def load_state_dict(self, state: dict) -> None:
        """Continue from a :meth:`state_dict`: later figures and bonuses are identical."""
        raise NotImplementedError

    def check_space(self, space) -> None:
        """Raise ``ValueError`` naming the problem if observations of ``space`` cannot be taken."""
