"""Bonus scales over time (beta schedules) and running normalisers of the bonus.

Both have a scalar path (one env step, plain Python floats, for speed) and a batch path (numpy,
for vector envs) that give identical numbers: the batch path folds its elements in order, as
the scalar path would one at a time.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np


def _check(name: str, value, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return float(value)


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
        object.__setattr__(self, "value", _check("beta", self.value))

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
        object.__setattr__(self, "start", _check("Linear start", self.start))
        object.__setattr__(self, "end", _check("Linear end", self.end))
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 1:
            raise ValueError(f"Linear steps must be a positive integer, got {self.steps!r}")

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
        object.__setattr__(self, "start", _check("Exponential start", self.start))
        object.__setattr__(self, "floor", _check("Exponential floor", self.floor))
        half_life = _check("Exponential half_life", self.half_life)
        if half_life <= 0:
            raise ValueError(f"Exponential half_life must be > 0, got {half_life}")
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
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating, np.integer)):
        raise TypeError(
            f"beta must be a non-negative number or a schedule (Constant, Linear, Exponential), "
            f"got {beta!r}"
        )
    return Constant(float(beta))


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


class RunningStd(Normaliser):
    """Divide by the running standard deviation of all raw bonuses so far, this one included
    (Burda et al. 2018 divide RND's bonus by a running std). Until the std is positive, the bonus
    passes unchanged."""

    def __init__(self):
        self.count, self.sum, self.sum_sq = 0, 0.0, 0.0

    def one(self, x: float) -> float:
        self.count += 1
        self.sum += x
        self.sum_sq += x * x
        return x / self._std(self.count, self.sum, self.sum_sq)

    def many(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        counts = self.count + np.arange(1, len(x) + 1)
        sums = np.cumsum(np.r_[self.sum, x])[1:]  # left to right, as :meth:`one` adds
        sums_sq = np.cumsum(np.r_[self.sum_sq, x * x])[1:]
        if len(x):
            self.count, self.sum, self.sum_sq = int(counts[-1]), float(sums[-1]), float(sums_sq[-1])
        mean = sums / counts
        var = sums_sq / counts - mean * mean  # the same float64 operations as _std, elementwise
        return x / np.where(var > 1e-16, np.sqrt(np.maximum(var, 0.0)), 1.0)

    @staticmethod
    def _std(count: int, total: float, total_sq: float) -> float:
        mean = total / count
        var = total_sq / count - mean * mean
        return math.sqrt(var) if var > 1e-16 else 1.0


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


NORMALISERS = {"none": Identity, "std": RunningStd, "max": DecayingMax}


def make_normaliser(name: str) -> Normaliser:
    """A normaliser by name: "none", "std" (running std) or "max" (decaying maximum)."""
    if name not in NORMALISERS:
        raise ValueError(f"unknown normalize {name!r}; valid choices: {sorted(NORMALISERS)}")
    return NORMALISERS[name]()
