"""Pseudo-counts from density models, and the estimators that turn them into bonuses.

Two ways to read a count off a sequential density model (:mod:`rlx_envs.estimators.density`)
that gives a state x probability rho before seeing it and rho' (the recoding probability) just
after one update on it:

* :func:`pseudo_count`: N_hat = rho (1 - rho') / (rho' - rho) (Bellemare et al. 2016, "Unifying
  count-based exploration and intrinsic motivation", eq. 2), the count that makes the model's
  step from rho to rho' look like one more visit of an empirical count;
* :func:`prediction_gain_count`: N_hat = 1 / (exp(c n^-1/2 PG) - 1) with the prediction gain
  PG = log rho' - log rho (Ostrovski et al. 2017, "Count-based exploration with neural density
  models", eq. 4 and section 3.2), which stays usable when the model learns slowly.

Both are finite by construction: no learning progress (rho' <= rho) gives :data:`MAX_COUNT`, a
state the model gave probability 0 gives 0.

**Counting convention.** Bellemare et al.'s N_hat is the count *before* the visit: rho =
N_hat / n_hat and rho' = (N_hat + 1) / (n_hat + 1) for a pseudo-count total n_hat, so the
first visit of a state has N_hat = 0 and their bonus (N_hat + 0.01)^-1/2 needs the 0.01 to stay
finite. The count bonuses of :mod:`~rlx_envs.estimators.counts` count the current visit
instead, as Strehl and Littman (2008)'s MBIE-EB n(s, a) and Tang et al. (2017, #Exploration,
Algorithm 1, which increments the count before computing beta / sqrt(n)) do. So that every bonus
here means the same thing, the estimators :class:`PseudoCounts` and :class:`PredictionGain`
count the current visit too: they report the *recoded* count N_hat + 1, the numerator of rho'
(for :class:`~rlx_envs.estimators.density.EmpiricalDensity`, exactly the visit count of x, this
visit included, as :class:`~rlx_envs.estimators.counts.ExactCounts` reports it), and their bonus
is (N_hat + 1)^-1/2 (the "mbie" form of :func:`~rlx_envs.estimators.counts.count_bonus`:
Bellemare et al.'s (N_hat + 0.01)^-1/2 with the current visit counted, so no 0.01 is needed to
keep it finite), which the wrapper scales by beta. A never-seen state scores 1, as a first visit
does under exact counts; the functions :func:`pseudo_count` and :func:`prediction_gain_count`
keep the papers' N_hat.

With a :class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity` (N independent models) the
estimators are per-env: each transition's ``batch.envs`` picks its model.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.estimators.base import Batch, Estimator
from rlx_envs.estimators.counts import count_bonus
from rlx_envs.estimators.cts_batch import BatchedCTSDensity
from rlx_envs.estimators.density import DensityModel
from rlx_envs.estimators.keys import occurrence_rank

#: N_hat when the model made no learning progress on a state (rho' <= rho, or a prediction
#: gain <= 0), where the formulas give infinity (or 0/0): large enough to mean "seen very often"
#: (the estimators report MAX_COUNT + 1, bonus about 1e-6), finite so that no NaN or inf reaches
#: the reward.
MAX_COUNT = 1e12


def pseudo_count(log_p, log_p_recoding):
    """The pseudo-count rho (1 - rho') / (rho' - rho) from natural logs of rho and rho'.

    Bellemare et al. (2016), eq. 2. Computed stably as (1 - rho') / expm1(log rho' - log rho):
    no subtraction of nearly equal probabilities. Special cases, all finite:

    * ``log_p == -inf`` (the model gave the state probability 0): 0;
    * rho' <= rho (no learning progress, where the formula is infinite or negative):
      :data:`MAX_COUNT`; larger results are also capped at :data:`MAX_COUNT`;
    * logs slightly above 0 (rounding in a sum of logs) are read as 0 (probability 1).

    Args:
        log_p: log rho(x), probability before the update; float or array.
        log_p_recoding: log rho'(x), probability after it; same shape (or broadcastable).

    Returns:
        A float for scalar inputs, else a float64 array; every value in [0, MAX_COUNT].

    Raises:
        ValueError: a log is NaN or +inf.
    """
    log_p, log_p_recoding = _logs(log_p, log_p_recoding)
    with np.errstate(all="ignore"):  # NaN where both logs are -inf, inf at rho = 0: replaced
        gain = log_p_recoding - log_p
        count = (0.0 - np.expm1(log_p_recoding)) / np.expm1(gain)
    count = np.where(gain > 0, np.minimum(count, MAX_COUNT), MAX_COUNT)
    count = np.where(log_p == -np.inf, 0.0, count)
    return _scalar_or_array(count)


def prediction_gain_count(prediction_gain, n, c):
    """The count 1 / (exp(c n^-1/2 max(PG, 0)) - 1) read off a prediction gain.

    Ostrovski et al. (2017), section 3.2: with PG = log rho' - log rho, exp(PG) - 1 approximates
    1 / N for a well-behaved model; the factor c n^-1/2 (n: states seen so far) makes the count
    grow when a slow learner's gain shrinks too slowly. PG <= 0 (no progress) gives
    :data:`MAX_COUNT`; results are capped at it; PG = +inf gives 0.

    Args:
        prediction_gain: PG, float or array (nats).
        n: number of states the model has been updated on, this one included, >= 1.
        c: decay constant, > 0 (Ostrovski et al. use 0.1).

    Returns:
        A float for scalar inputs, else a float64 array; every value in [0, MAX_COUNT].

    Raises:
        ValueError: PG is NaN, n < 1 or c is not a positive finite number.
    """
    gain = np.asarray(prediction_gain, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if np.isnan(gain).any():
        raise ValueError("prediction_gain_count: the prediction gain is NaN")
    if not (n >= 1).all():
        raise ValueError(
            f"prediction_gain_count: n counts the states the model was updated on, this one "
            f"included, so n >= 1; got {n}"
        )
    if not (np.isfinite(c) and c > 0):
        raise ValueError(f"prediction_gain_count: c must be a positive number, got {c}")
    scaled = c * np.maximum(gain, 0.0) / np.sqrt(n)
    with np.errstate(all="ignore"):
        count = 1.0 / np.expm1(scaled)
    count = np.where(scaled > 0, np.minimum(count, MAX_COUNT), MAX_COUNT)
    return _scalar_or_array(count)


class _DensityEstimator(Estimator):
    """What the density-model estimators share: the model holds all the state."""

    figure = "pseudo_count"
    needs = frozenset({"obs"})

    def __init__(self, model: DensityModel | BatchedCTSDensity):
        self.model = model

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model!r})"

    def reset(self) -> None:
        """Reset the density model."""
        self.model.reset()

    def state_dict(self) -> dict:
        """The density model's state, under ``"model"``."""
        return {"model": self.model.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        """Load the density model's state."""
        self.model.load_state_dict(state["model"])

    def check_space(self, space) -> None:
        """Whatever the density model takes."""
        self.model.check_space(space)


class PseudoCounts(_DensityEstimator):
    """Pseudo-counts of the states reached, from a density model (Bellemare et al. 2016).

    For each s' in stream order: (log rho, log rho') from ``model.log_prob_and_update(s')``, the
    figure N = :func:`pseudo_count` + 1 (the current visit counted, see the module docstring),
    the bonus 1 / sqrt(N). With :class:`~rlx_envs.estimators.density.EmpiricalDensity` the
    figure is the exact visit count of s', this visit included. Density models are sequential,
    so with one model a batch is a loop; with a
    :class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity` each transition goes to the model
    of its ``batch.envs``, all at once.

    Args:
        model: the density model (updated in place), or a batch of models (per-env).

    Example:
        >>> import numpy as np
        >>> from rlx_envs.estimators.base import Batch
        >>> from rlx_envs.estimators.density import EmpiricalDensity
        >>> batch = Batch(obs=np.array([[1], [1], [2], [1]]))
        >>> figures, bonuses = PseudoCounts(EmpiricalDensity()).observe(batch)
        >>> [round(float(f), 9) for f in figures]  # the visits so far, this one included
        [1.0, 2.0, 1.0, 3.0]
        >>> [round(float(b), 9) for b in bonuses]
        [1.0, 0.707106781, 1.0, 0.577350269]
    """

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Update on each state of ``batch`` in order; ``(counts N_hat + 1, bonuses)``."""
        log_p, log_p_recoding, _ = _feed(self.model, batch)
        count = np.asarray(pseudo_count(log_p, log_p_recoding), dtype=np.float64) + 1.0
        return count, count_bonus("mbie", count)


class PredictionGain(_DensityEstimator):
    """Counts from the prediction gain of a density model (Ostrovski et al. 2017).

    For each s' in stream order: PG = log rho' - log rho from
    ``model.log_prob_and_update(s')``, the figure N = :func:`prediction_gain_count` (PG, n, c)
    + 1 with n the number of states the model has now been updated on (this one included), the
    bonus 1 / sqrt(N). The + 1 counts the current visit, as :class:`PseudoCounts` does (see the
    module docstring). A state the model gave probability 0 has PG = +inf and count 0 + 1.

    Args:
        model: the density model (updated in place), or a batch of models (per-env).
        c: decay constant of the gain, > 0 (0.1 as in Ostrovski et al.).

    Example:
        >>> import numpy as np
        >>> from rlx_envs.estimators.base import Batch
        >>> from rlx_envs.estimators.density import EmpiricalDensity
        >>> figures, _ = PredictionGain(EmpiricalDensity()).observe(Batch(obs=np.zeros((3, 1))))
        >>> figures[0]  # never seen before: PG = +inf, N_hat = 0, this visit counted
        np.float64(1.0)
    """

    def __init__(self, model: DensityModel | BatchedCTSDensity, c: float = 0.1):
        super().__init__(model)
        if not (np.isfinite(c) and c > 0):
            raise ValueError(f"PredictionGain: c must be a positive number, got {c}")
        self.c = float(c)

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Update on each state of ``batch`` in order; ``(counts, bonuses)``, float64."""
        log_p, log_p_recoding, n = _feed(self.model, batch)
        with np.errstate(invalid="ignore"):
            gain = np.where(log_p == -np.inf, np.inf, log_p_recoding - log_p)
        count = np.asarray(prediction_gain_count(gain, n, self.c), dtype=np.float64) + 1.0
        return count, count_bonus("mbie", count)


def _feed(model, batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Update ``model`` on each state of ``batch`` in order: log rho, log rho', n after each."""
    if getattr(model, "batched", False):  # a BatchedCTSDensity, or a product of them
        if batch.envs is None:
            raise ValueError(
                f"a {type(model).__name__} holds {model.models} per-env models: each batch needs "
                "envs=, the model (env) index of each transition"
            )
        log_p, log_p_recoding = model.log_prob_and_update(batch.obs, batch.envs)  # checks envs
        envs = np.asarray(batch.envs, dtype=np.int64)
        in_batch = np.bincount(envs, minlength=model.models)[envs]  # frames per model here
        return log_p, log_p_recoding, model.n[envs] - in_batch + occurrence_rank(envs) + 1
    size = len(batch)
    log_p, log_p_recoding = np.empty(size), np.empty(size)
    n = np.empty(size, dtype=np.int64)
    for i, x in enumerate(batch.obs):
        log_p[i], log_p_recoding[i] = model.log_prob_and_update(x)
        n[i] = model.n
    return log_p, log_p_recoding, n


def _logs(log_p, log_p_recoding) -> tuple[np.ndarray, np.ndarray]:
    """Both logs as float64 arrays of one shape, checked, clipped to <= 0."""
    log_p, log_p_recoding = np.broadcast_arrays(
        np.asarray(log_p, dtype=np.float64), np.asarray(log_p_recoding, dtype=np.float64)
    )
    for name, value in (("log_p", log_p), ("log_p_recoding", log_p_recoding)):
        if np.isnan(value).any() or (value == np.inf).any():
            raise ValueError(f"pseudo_count: {name} must be a log-probability, got {value}")
    return np.minimum(log_p, 0.0), np.minimum(log_p_recoding, 0.0)


def _scalar_or_array(values: np.ndarray):
    """A Python float for a 0-d result, else the float64 array."""
    return float(values) if values.ndim == 0 else values
