"""Transfer metrics on learning curves: one :class:`Curve` format for env steps and for shots.

A learning curve is a set of returns ``y`` measured at increasing amounts of experience ``x``:
env steps (``axis="steps"``) or target-domain episodes, *shots* (``axis="shots"``). The metrics
come from two papers:

* Taylor, M. E. and Stone, P. (2009). "Transfer learning for reinforcement learning domains: a
  survey", JMLR 10, section 2.1: jumpstart, asymptotic performance, total reward, transfer ratio,
  time to threshold.
* Rusu, A. A. et al. (2016). "Progressive neural networks", arXiv:1606.04671, section 5: transfer
  as the area under the learning curve of the transfer model, in percent of a baseline trained
  from scratch on the target task.

Decisions, in one place:

* **AUC** (area under the curve) is the trapezoid rule over the measured points, from the first
  ``x`` to the last (the curve's *budget*), in units of return x experience; nothing is
  extrapolated outside ``[x[0], x[-1]]``.
* **Baseline AUC <= 0**: a ratio of areas then has no meaning (its sign flips or it divides by
  zero), so :func:`transfer_ratio` and :func:`transfer_percentage` raise ``ValueError`` saying so.
  The opt-in policy is ``reference=``: both areas are measured above a floor (typically the
  random policy's score), i.e. ``AUC(y - reference)``; it still raises if the baseline's area
  above the floor is <= 0.
* **Never reaching a threshold** is not dropped: :func:`time_to_threshold` returns
  :class:`Censored`, a ``float`` equal to ``inf`` that remembers the budget and prints as
  ``> 1000``; :func:`median_time_to_threshold` aggregates such values honestly.
* **Comparing two curves** needs the same axis and the same budget (first and last ``x``);
  :func:`asymptotic_gain`, which compares tail points, also needs the same ``x`` grid. Anything
  else is a ``ValueError``; :func:`resample` puts a curve on another grid.

>>> scratch = Curve([0, 500, 1000], [0.0, 0.5, 1.0])
>>> transfer = Curve([0, 500, 1000], [0.5, 1.0, 1.0])
>>> jumpstart(transfer, scratch)
0.5
>>> total_reward(scratch), total_reward(transfer)
(500.0, 875.0)
>>> transfer_percentage(transfer, scratch)
175.0
>>> print(time_to_threshold(scratch, 2.0))
> 1000
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import overload

import numpy as np
from numpy.typing import ArrayLike

from rlx_envs.core.arguments import integer, is_integer, is_real, real

__all__ = [
    "AXES",
    "Censored",
    "Curve",
    "asymptotic_gain",
    "asymptotic_performance",
    "jumpstart",
    "median_time_to_threshold",
    "normalise",
    "normalise_by_target",
    "resample",
    "time_to_threshold",
    "total_reward",
    "transfer_percentage",
    "transfer_ratio",
]

#: The two kinds of experience a curve can be measured against.
AXES = ("steps", "shots")


# ----------------------------------------------------------------------------------- the curve
def _read_only(values: ArrayLike, name: str) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers, got {values!r}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    array.flags.writeable = False
    return array


@dataclasses.dataclass(frozen=True, eq=False)
class Curve:
    """A learning curve: returns ``y`` measured at strictly increasing experience ``x``.

    ``x`` counts env steps (``axis="steps"``) or target-domain episodes (``axis="shots"``).
    Both arrays are stored as read-only float64 copies. Construction checks that ``x`` and ``y``
    are 1-D, non-empty and of the same length, that ``x`` is finite and strictly increasing,
    that ``y`` is finite, and that ``axis`` is known. The *budget* is the last ``x``.

    >>> c = Curve([0, 10, 20], [1.0, 2.0, 4.0], axis="shots")
    >>> c.budget, len(c)
    (20.0, 3)
    >>> Curve([0, 10, 10], [1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: x must be strictly increasing; x[2] = 10.0 follows x[1] = 10.0
    """

    x: np.ndarray
    y: np.ndarray
    axis: str = "steps"

    def __post_init__(self) -> None:
        x, y = _read_only(self.x, "x"), _read_only(self.y, "y")
        if x.size == 0:
            raise ValueError("a curve needs at least one point; x and y are empty")
        if x.size != y.size:
            raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"x must be finite, got {x.tolist()}")
        steps = np.diff(x)
        if np.any(steps <= 0):
            i = int(np.argmax(steps <= 0)) + 1
            raise ValueError(
                f"x must be strictly increasing; x[{i}] = {float(x[i])!r} follows "
                f"x[{i - 1}] = {float(x[i - 1])!r}"
            )
        if not np.all(np.isfinite(y)):
            bad = int(np.argmax(~np.isfinite(y)))
            raise ValueError(f"y must be finite; y[{bad}] = {float(y[bad])!r}")
        if self.axis not in AXES:
            raise ValueError(f"axis must be one of {AXES}, got {self.axis!r}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Curve):
            return NotImplemented
        return (
            self.axis == other.axis
            and np.array_equal(self.x, other.x)
            and np.array_equal(self.y, other.y)
        )

    def __hash__(self) -> int:
        return hash((self.axis, self.x.tobytes(), self.y.tobytes()))

    @property
    def budget(self) -> float:
        """The experience spent by the end of the curve: its last ``x``."""
        return float(self.x[-1])


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _span(curve: Curve) -> str:
    return f"[{_fmt(curve.x[0])}, {_fmt(curve.x[-1])}] {curve.axis}"


def _check_same_budget(a: Curve, b: Curve, names: tuple[str, str]) -> None:
    if a.axis != b.axis:
        raise ValueError(
            f"{names[0]} is measured in {a.axis} and {names[1]} in {b.axis}: curves on different "
            "axes cannot be compared"
        )
    if a.x[0] != b.x[0] or a.x[-1] != b.x[-1]:
        raise ValueError(
            f"budgets differ: {names[0]} covers {_span(a)}, {names[1]} covers {_span(b)}; "
            "compare curves over the same budget (see resample)"
        )


def _check_same_grid(a: Curve, b: Curve, names: tuple[str, str]) -> None:
    _check_same_budget(a, b, names)
    if len(a) != len(b):
        raise ValueError(
            f"x grids differ: {names[0]} has {len(a)} points, {names[1]} has {len(b)}; "
            "put both on one grid with resample"
        )
    if not np.array_equal(a.x, b.x):
        i = int(np.argmax(a.x != b.x))
        raise ValueError(
            f"x grids differ at point {i}: {names[0]} has x = {_fmt(a.x[i])}, {names[1]} has "
            f"x = {_fmt(b.x[i])}; put both on one grid with resample"
        )


def resample(curve: Curve, x: ArrayLike) -> Curve:
    """The curve linearly interpolated at the points ``x`` (inside its range only).

    Use it to put two curves on one grid before comparing them. Points outside
    ``[curve.x[0], curve.x[-1]]`` raise ``ValueError``: nothing is extrapolated.

    >>> resample(Curve([0, 10], [0.0, 1.0]), [0, 5, 10]).y.tolist()
    [0.0, 0.5, 1.0]
    """
    grid = _read_only(x, "x")
    if grid.size and (grid.min() < curve.x[0] or grid.max() > curve.x[-1]):
        raise ValueError(
            f"resample points must lie in the curve's range {_span(curve)}, got "
            f"[{_fmt(grid.min())}, {_fmt(grid.max())}]"
        )
    return Curve(grid, np.interp(grid, curve.x, curve.y), curve.axis)


# ------------------------------------------------------------------------- single-curve metrics
def _tail_points(n: int, tail: float | int) -> int:
    if not is_real(tail):
        raise ValueError(f"tail must be a fraction in (0, 1] or a count >= 1, got {tail!r}")
    if is_integer(tail):
        return min(integer("tail as a number of points", tail, minimum=1), n)
    fraction = real("tail as a fraction", tail, above=0.0, maximum=1.0)
    return max(1, math.ceil(fraction * n - 1e-9))


def asymptotic_performance(curve: Curve, tail: float | int = 0.1) -> float:
    """Final performance: the mean return over the last part of the curve.

    Taylor and Stone (2009), section 2.1: "the final learned performance of an agent in the
    target task". ``tail`` is a fraction of the points (a float in (0, 1], rounded up to at
    least one point) or a number of points (an int >= 1, capped at the curve's length).

    >>> c = Curve([0, 1, 2, 3], [0.0, 2.0, 4.0, 6.0])
    >>> asymptotic_performance(c, tail=2), asymptotic_performance(c, tail=0.25)
    (5.0, 6.0)
    """
    k = _tail_points(len(curve), tail)
    return float(np.mean(curve.y[-k:]))


def total_reward(curve: Curve, reference: float = 0.0) -> float:
    """Area under the curve, by the trapezoid rule over ``x``, from the first x to the budget.

    Taylor and Stone (2009), section 2.1: "the total reward accumulated by an agent", read as
    the area under its learning curve. The trapezoid rule joins consecutive measurements by
    straight lines: ``sum((y[i] + y[i+1]) / 2 * (x[i+1] - x[i]))``, in return x experience.
    With ``reference`` the area is measured above that floor: ``AUC(y - reference)``. A curve
    of one point has no area and raises ``ValueError``.

    >>> total_reward(Curve([0, 10, 30], [0.0, 1.0, 1.0]))  # 10 * 0.5 + 20 * 1.0
    25.0
    >>> total_reward(Curve([0, 10, 30], [0.0, 1.0, 1.0]), reference=1.0)  # 10 * -0.5
    -5.0
    """
    if len(curve) < 2:
        raise ValueError(f"the area under a curve needs at least two points, got {len(curve)}")
    y = curve.y - float(reference)
    return float(np.sum((y[1:] + y[:-1]) * 0.5 * np.diff(curve.x)))


class Censored(float):
    """The time to a threshold a run never reached within ``budget``: ``> budget``.

    It is a ``float`` equal to ``inf`` (so sorting, ``max``, ``np.median`` and ``>`` treat it as
    later than every reached time) that keeps the budget and prints as ``> budget``. Two
    censored times are equal when their budgets are.

    >>> t = Censored(1000)
    >>> print(t)
    > 1000
    >>> f"{t:.1f}", t.budget, t > 999_999
    ('> 1000.0', 1000.0, True)
    >>> sorted([Censored(1000), 250.0])
    [250.0, Censored(budget=1000.0)]
    """

    __slots__ = ("budget",)
    budget: float

    def __new__(cls, budget: float) -> Censored:
        b = float(budget)
        if not math.isfinite(b):
            raise ValueError(f"a censored time needs a finite budget, got {budget!r}")
        self = super().__new__(cls, math.inf)
        object.__setattr__(self, "budget", b)
        return self

    def __repr__(self) -> str:
        return f"Censored(budget={self.budget!r})"

    def __str__(self) -> str:
        return f"> {_fmt(self.budget)}"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else f"> {format(self.budget, spec)}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Censored):
            return self.budget == other.budget
        return float.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = float.__hash__

    def __reduce__(self):
        return (Censored, (self.budget,))


def time_to_threshold(curve: Curve, threshold: float) -> float | Censored:
    """The first ``x`` at which the return reaches ``threshold`` (``y >= threshold``).

    Taylor and Stone (2009), section 2.1: "the learning time needed by the agent to achieve a
    pre-specified performance level". Only measured points count (no interpolation between
    them). A curve that never reaches the threshold gives ``Censored(curve.budget)``, which
    reads ``> budget`` and compares as later than any reached time; it is never dropped.

    >>> c = Curve([0, 100, 200], [0.0, 0.4, 0.9])
    >>> time_to_threshold(c, 0.4), time_to_threshold(c, 1.0)
    (100.0, Censored(budget=200.0))
    """
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    reached = curve.y >= threshold
    if not reached.any():
        return Censored(curve.budget)
    return float(curve.x[int(np.argmax(reached))])


def median_time_to_threshold(times: Iterable[float]) -> float | Censored:
    """Median of times to threshold, some of them possibly :class:`Censored`.

    Censored times sort after every reached time, so the median is exact while fewer than half
    the runs are censored. Otherwise it is reported as censored with the tightest bound the
    data support: with an odd count it is the middle censored time; with an even count whose
    upper middle is censored (true time ``> B``) and lower middle ``a`` is reached, the median
    ``(a + T) / 2`` is ``> (a + B) / 2``; with both middle times censored it is ``> min(B)``.

    >>> median_time_to_threshold([100.0, 300.0, Censored(1000)])
    300.0
    >>> print(median_time_to_threshold([100.0, Censored(1000)]))
    > 550
    """
    values = sorted(times, key=lambda t: (float(t), getattr(t, "budget", 0.0)))
    if not values:
        raise ValueError("the median of no times is undefined; pass at least one time")
    for t in values:
        if math.isnan(t) or (math.isinf(t) and not isinstance(t, Censored)):
            raise ValueError(f"times must be finite or Censored, got {t!r}")
    n = len(values)
    if n % 2:
        middle = values[n // 2]
        return middle if isinstance(middle, Censored) else float(middle)
    low, high = values[n // 2 - 1], values[n // 2]
    if isinstance(low, Censored):
        return Censored(min(low.budget, high.budget))
    if isinstance(high, Censored):
        return Censored((float(low) + high.budget) / 2)
    return (float(low) + float(high)) / 2


# ---------------------------------------------------------------------------- two-curve metrics
def jumpstart(transfer: Curve, scratch: Curve) -> float:
    """Initial performance gain: the transfer curve's first return minus the scratch curve's.

    Taylor and Stone (2009), section 2.1: "the initial performance of an agent in a target task
    may be improved by transfer from a source task". Both curves must share axis and budget.

    >>> jumpstart(Curve([0, 10], [0.75, 1.0]), Curve([0, 10], [0.25, 1.0]))
    0.5
    """
    _check_same_budget(transfer, scratch, ("transfer", "scratch"))
    return float(transfer.y[0] - scratch.y[0])


def asymptotic_gain(transfer: Curve, scratch: Curve, tail: float | int = 0.1) -> float:
    """Difference in :func:`asymptotic_performance` (transfer minus scratch) over the same tail.

    Taylor and Stone (2009), section 2.1. The curves must share axis and ``x`` grid, so that the
    tail covers the same experience on both.

    >>> asymptotic_gain(Curve([0, 1, 2], [0.0, 1.0, 3.0]), Curve([0, 1, 2], [0.0, 1.0, 2.0]))
    1.0
    """
    _check_same_grid(transfer, scratch, ("transfer", "scratch"))
    return asymptotic_performance(transfer, tail) - asymptotic_performance(scratch, tail)


def _auc_ratio(method: Curve, baseline: Curve, reference: float, names: tuple[str, str]) -> float:
    _check_same_budget(method, baseline, names)
    base = total_reward(baseline, reference)
    if base <= 0:
        floor = f"above reference {reference:g} " if reference else ""
        raise ValueError(
            f"the {names[1]} area under the curve {floor}is {base:g} (<= 0) over {_span(baseline)}"
            ": a ratio of areas is undefined or flips sign. Pass reference=<a score below every "
            "curve, e.g. the random policy's> to measure areas above that floor, or normalise "
            "the curves first"
        )
    return total_reward(method, reference) / base


def transfer_ratio(transfer: Curve, scratch: Curve, *, reference: float = 0.0) -> float:
    """Total reward with transfer divided by total reward from scratch: ``AUC_T / AUC_S``.

    Taylor and Stone (2009), section 2.1: "the ratio of the total reward accumulated by the
    transfer learner and the total reward accumulated by the non-transfer learner", with total
    reward the trapezoid area of :func:`total_reward` over the shared budget. 1 means no
    effect; the relative gain ``(AUC_T - AUC_S) / AUC_S`` is ``transfer_ratio(...) - 1``.

    A scratch area <= 0 raises ``ValueError`` (the ratio would be undefined or sign-flipped)
    unless ``reference`` moves the floor so that it is positive: both areas are then measured
    above ``reference`` (e.g. the random policy's score). Curves on other axes or budgets raise.

    >>> transfer_ratio(Curve([0, 10], [1.0, 1.0]), Curve([0, 10], [0.0, 1.0]))  # 10 / 5
    2.0
    >>> transfer_ratio(Curve([0, 10], [0.0, 0.0]), Curve([0, 10], [-1.0, 0.0]), reference=-1)
    2.0
    """
    return _auc_ratio(transfer, scratch, reference, ("transfer", "scratch"))


def transfer_percentage(method: Curve, baseline: Curve, *, reference: float = 0.0) -> float:
    """Progressive Networks' transfer: ``100 * AUC(method) / AUC(baseline)`` over one budget.

    Rusu et al. (2016), "Progressive neural networks", section 5: transfer is the area under the
    learning curve of the transfer architecture relative to a single-column baseline trained
    from scratch on the target task, in percent (100% = no transfer). Areas are trapezoids over
    the shared budget (:func:`total_reward`). The curves must share axis and budget (else
    ``ValueError``); a baseline area <= 0 raises ``ValueError`` unless ``reference`` (a floor
    both areas are measured above) makes it positive, as in :func:`transfer_ratio`.

    >>> baseline = Curve([0, 50, 100], [0.0, 1.0, 1.0])   # area 25 + 50 = 75
    >>> method = Curve([0, 50, 100], [1.0, 1.0, 1.0])     # area 100
    >>> round(transfer_percentage(method, baseline), 2)
    133.33
    """
    return 100.0 * _auc_ratio(method, baseline, reference, ("method", "baseline"))


# ------------------------------------------------------------------------------- normalisation
def _normaliser(random_score: float, expert_score: float) -> tuple[float, float]:
    r, e = float(random_score), float(expert_score)
    if not (math.isfinite(r) and math.isfinite(e)):
        raise ValueError(f"random and expert scores must be finite, got {r!r} and {e!r}")
    if r == e:
        raise ValueError(f"random and expert scores must differ to normalise, both are {r!r}")
    return r, e - r


@overload
def normalise(scores: Curve, random_score: float, expert_score: float) -> Curve: ...
@overload
def normalise(scores: ArrayLike, random_score: float, expert_score: float) -> np.ndarray: ...
def normalise(scores, random_score, expert_score):
    """Scores rescaled so that the random policy reads 0 and the expert 1.

    ``(y - random_score) / (expert_score - random_score)``, the human-normalised score of Mnih
    et al. (2015) with any reference pair. Takes a :class:`Curve` (returns a ``Curve`` with the
    same ``x`` and axis) or an array of scores (returns an array). Equal scores raise.

    >>> normalise(Curve([0, 1], [10.0, 55.0]), random_score=10, expert_score=100).y.tolist()
    [0.0, 0.5]
    >>> normalise([10.0, 100.0], 10, 100).tolist()
    [0.0, 1.0]
    """
    r, scale = _normaliser(random_score, expert_score)
    if isinstance(scores, Curve):
        return Curve(scores.x, (scores.y - r) / scale, scores.axis)
    return (np.asarray(scores, dtype=np.float64) - r) / scale


def normalise_by_target(
    curves: Mapping[str, Curve], table: Mapping[str, Sequence[float]]
) -> dict[str, Curve]:
    """Each target's curve normalised with that target's ``(random_score, expert_score)``.

    ``table`` maps a target name to its reference pair; a target missing from it raises
    ``ValueError`` (entries for targets not in ``curves`` are ignored).

    >>> table = {"maze": (0.0, 2.0), "corridor": (-1.0, 1.0)}
    >>> out = normalise_by_target({"maze": Curve([0, 1], [1.0, 2.0])}, table)
    >>> out["maze"].y.tolist()
    [0.5, 1.0]
    """
    missing = sorted(set(curves) - set(table))
    if missing:
        raise ValueError(f"no (random, expert) scores for targets {missing}")
    out = {}
    for name, curve in curves.items():
        pair = tuple(table[name])
        if len(pair) != 2:
            raise ValueError(f"table[{name!r}] must be (random_score, expert_score), got {pair}")
        out[name] = normalise(curve, *pair)
    return out
