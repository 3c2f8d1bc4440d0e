"""Bonus scales over time (beta schedules) and running normalisers of the bonus.

Both have a scalar path (one env step, plain Python floats, for speed) and a batch path (numpy,
for vector envs) that give identical numbers: the batch path folds its elements in order, as
the scalar path would one at a time. The per-env normalisers (``make_normaliser(name, envs=N)``,
for ``per_env=True``) keep N independent states as arrays: env i's bonuses are normalised exactly
as a lone normaliser fed env i's bonuses alone would normalise them. The running-std normalisers
keep their statistics in a :class:`~rlx_envs.core.running.RunningMeanVar` (one stream, or one per
env), whose per-stream updates are the lone update's float64 operations, elementwise.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rlx_envs.core.arguments import integer, number, real
from rlx_envs.core.running import RunningMeanVar
from rlx_envs.estimators.keys import occurrence_rank


class Schedule:
    """beta(t) over env steps t = 0, 1, 2, ... (summed over the envs of a vector env)."""

    def __call__(self, t: int) -> float:
        raise NotImplementedError

    def many(self, t: np.ndarray) -> np.ndarray:
        """beta at each of the steps ``t``."""
        return np.array([self(int(s)) for s in t], dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class Constant(Schedule):
    """beta(t) = value.

    >>> Constant(0.1)(10**6)
    0.1
    """

    value: float

    def __post_init__(self):
        object.__setattr__(self, "value", real("beta", self.value, minimum=0))

    def __call__(self, t: int) -> float:
        return self.value

    def many(self, t: np.ndarray) -> np.ndarray:
        return np.full(len(t), self.value)


@dataclasses.dataclass(frozen=True)
class Linear(Schedule):
    """From ``start`` to ``end`` linearly over ``steps`` env steps, then ``end``.

    >>> Linear(1.0, 0.0, 10)(5), Linear(1.0, 0.0, 10)(50)
    (0.5, 0.0)
    """

    start: float
    end: float
    steps: int

    def __post_init__(self):
        object.__setattr__(self, "start", real("Linear start", self.start, minimum=0))
        object.__setattr__(self, "end", real("Linear end", self.end, minimum=0))
        object.__setattr__(self, "steps", integer("Linear steps", self.steps, minimum=1))

    def __call__(self, t: int) -> float:
        if t >= self.steps:
            return self.end
        return self.start + (self.end - self.start) * (t / self.steps)

    def many(self, t: np.ndarray) -> np.ndarray:
        frac = np.minimum(np.asarray(t, dtype=np.float64) / self.steps, 1.0)
        out = self.start + (self.end - self.start) * frac
        return np.where(np.asarray(t) >= self.steps, self.end, out)


@dataclasses.dataclass(frozen=True)
class Exponential(Schedule):
    """``start * 0.5 ** (t / half_life)``, never below ``floor``.

    >>> Exponential(1.0, half_life=100)(100)
    0.5
    """

    start: float
    half_life: float
    floor: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "start", real("Exponential start", self.start, minimum=0))
        object.__setattr__(self, "floor", real("Exponential floor", self.floor, minimum=0))
        half_life = real("Exponential half_life", self.half_life, above=0)
        object.__setattr__(self, "half_life", half_life)

    def __call__(self, t: int) -> float:
        return max(self.floor, self.start * 0.5 ** (t / self.half_life))

    def many(self, t: np.ndarray) -> np.ndarray:
        values = self.start * 0.5 ** (np.asarray(t, dtype=np.float64) / self.half_life)
        return np.maximum(self.floor, values)


def as_schedule(beta) -> Schedule:
    """A :class:`Schedule` from a number or a schedule; negative or non-finite values refused."""
    if isinstance(beta, Schedule):
        return beta
    requirement = "a non-negative number or a schedule (Constant, Linear, Exponential)"
    return Constant(number("beta", beta, requirement))


# -- normalisers ---------------------------------------------------------------------------------
class Normaliser:
    """Turns raw bonuses into normalised ones, learning from the stream it sees."""

    def one(self, x: float) -> float:
        """Update on one raw bonus and return it normalised."""
        return float(self.many(np.array([x]))[0])

    def many(self, x: np.ndarray) -> np.ndarray:
        """Update on raw bonuses in order and return each normalised (as :meth:`one` would)."""
        return np.array([self.one(float(v)) for v in x])

    def state_dict(self) -> dict:
        return dict(self.__dict__)

    def load_state_dict(self, state: dict) -> None:
        self.__dict__.update(state)


class Identity(Normaliser):
    """No normalisation."""

    def one(self, x: float) -> float:
        return x

    def many(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64)


#: Below this running variance the std normalisers divide by 1 (the bonus passes unchanged).
MIN_VARIANCE = 1e-16


class RunningStd(Normaliser):
    """Divide by the running standard deviation of all raw bonuses so far, this one included
    (Burda et al. 2018 divide RND's bonus by a running std). Until the variance exceeds
    :data:`MIN_VARIANCE`, the bonus passes unchanged.

    >>> normaliser = RunningStd()
    >>> normaliser.one(2.0), normaliser.one(4.0)  # std 0: unchanged; then std 1
    (2.0, 4.0)
    >>> normaliser.many(np.array([1.0, 7.0])).round(6).tolist()  # stds sqrt(14/9), sqrt(21/4)
    [0.801784, 3.05505]
    """

    def __init__(self):
        self.statistics = RunningMeanVar()

    def one(self, x: float) -> float:
        statistics = self.statistics
        statistics.add(x)
        var = statistics.var
        return x / math.sqrt(var) if var > MIN_VARIANCE else x

    def many(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        var = np.array(self.statistics.add_each(x.tolist()))  # :meth:`one`'s updates, in order
        return x / np.sqrt(np.where(var > MIN_VARIANCE, var, 1.0))

    def state_dict(self) -> dict:
        return self.statistics.state_dict()

    def load_state_dict(self, state: dict) -> None:
        self.statistics.load_state_dict(state)


class DecayingMax(Normaliser):
    """Divide by the largest raw bonus so far, decayed by ``decay`` per step (Stadie et al. 2015
    normalise prediction errors by their running maximum)."""

    def __init__(self, decay: float = 0.9999):
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"decay must lie in (0, 1], got {decay!r}")
        self.decay, self.maximum = float(decay), 0.0

    def one(self, x: float) -> float:
        self.maximum = max(self.maximum * self.decay, x)
        return x / self.maximum if self.maximum > 0 else 0.0


class PerEnvNormaliser:
    """N independent normalisers of one kind, one per env, their states stacked as arrays.

    ``many(x, envs)`` normalises raw bonuses ``x`` of envs ``envs`` (in order; an env listed twice
    is updated twice, its first entry first), each as that env's lone normaliser would.

    >>> per_env = make_normaliser("std", envs=2)
    >>> per_env.many(np.array([1.0, 5.0, 3.0]), np.array([0, 1, 0])).tolist()  # env 0: 1, 3
    [1.0, 5.0, 3.0]
    """

    def __init__(self, envs: int):
        self.envs = int(envs)

    def many(self, x: np.ndarray, envs: np.ndarray) -> np.ndarray:
        x, envs = np.asarray(x, dtype=np.float64), np.asarray(envs, dtype=np.int64)
        rank = occurrence_rank(envs)
        if not rank.any():  # the usual case: one bonus per env
            return self._distinct(x, envs)
        out = np.empty(len(x))
        for r in range(int(rank.max()) + 1):
            chosen = np.flatnonzero(rank == r)
            out[chosen] = self._distinct(x[chosen], envs[chosen])
        return out

    def _distinct(self, x: np.ndarray, envs: np.ndarray) -> np.ndarray:
        """:meth:`many` for distinct envs: elementwise, the scalar normaliser's operations."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in self.__dict__.items()}

    def load_state_dict(self, state: dict) -> None:
        if int(state["envs"]) != self.envs:
            raise ValueError(f"normaliser state holds {state['envs']} envs, this one {self.envs}")
        for k, v in state.items():
            setattr(self, k, v.copy() if isinstance(v, np.ndarray) else v)


class PerEnvIdentity(PerEnvNormaliser):
    """No normalisation, per env."""

    def _distinct(self, x: np.ndarray, envs: np.ndarray) -> np.ndarray:
        return x


class PerEnvRunningStd(PerEnvNormaliser):
    """:class:`RunningStd` per env."""

    def __init__(self, envs: int):
        super().__init__(envs)
        self.statistics = RunningMeanVar(streams=self.envs)

    def _distinct(self, x: np.ndarray, envs: np.ndarray) -> np.ndarray:
        self.statistics.add_at(envs, x)
        var = self.statistics.var[envs]  # RunningStd.one's operations, elementwise
        return x / np.sqrt(np.where(var > MIN_VARIANCE, var, 1.0))

    def state_dict(self) -> dict:
        return {"envs": self.envs, **self.statistics.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        if int(state["envs"]) != self.envs:
            raise ValueError(f"normaliser state holds {state['envs']} envs, this one {self.envs}")
        self.statistics.load_state_dict(state)


class PerEnvDecayingMax(PerEnvNormaliser):
    """:class:`DecayingMax` per env."""

    def __init__(self, envs: int, decay: float = 0.9999):
        super().__init__(envs)
        self.decay = DecayingMax(decay).decay
        self.maximum = np.zeros(self.envs)

    def _distinct(self, x: np.ndarray, envs: np.ndarray) -> np.ndarray:
        maximum = np.maximum(self.maximum[envs] * self.decay, x)
        self.maximum[envs] = maximum
        return np.divide(x, maximum, out=np.zeros(len(x)), where=maximum > 0)


NORMALISERS = {"none": Identity, "std": RunningStd, "max": DecayingMax}
PER_ENV_NORMALISERS = {"none": PerEnvIdentity, "std": PerEnvRunningStd, "max": PerEnvDecayingMax}


def make_normaliser(name: str, envs: int | None = None) -> Normaliser | PerEnvNormaliser:
    """A normaliser by name: "none", "std" (running std) or "max" (decaying maximum); with
    ``envs=N``, N independent ones (:class:`PerEnvNormaliser`)."""
    if name not in NORMALISERS:
        raise ValueError(f"unknown normalize {name!r}; valid choices: {sorted(NORMALISERS)}")
    return NORMALISERS[name]() if envs is None else PER_ENV_NORMALISERS[name](envs)
