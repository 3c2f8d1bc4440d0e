"""Verdicts from intervals: every comparison of a claim is judged on the 95% CI of a difference.

A :class:`Comparison` is one predicted effect, written as a difference that the claim predicts to
be positive (method minus control, control minus method, ...). Its verdict:

* **PASS**: the whole interval lies above 0 (the predicted side);
* **FAIL**: the whole interval lies below 0 (the effect is reversed, and resolved);
* **UNRESOLVED**: the interval contains 0 (the data cannot tell).

A claim's verdict combines its comparisons (:func:`combine`): FAIL if any fails, PASS only if
all pass, UNRESOLVED otherwise. Its headline is the *binding* comparison (:func:`binding`): the
one that decides the verdict.

Intervals come from a seeded two-sample bootstrap (:func:`difference_ci`) or, for success
counts, where a bootstrap of a few 0/1 values degenerates (10/10 against 0/10 resamples to
[1, 1]), from Newcombe's hybrid score interval of a difference of proportions, continuity-corrected
(:func:`proportion_difference_ci`).

>>> c = Comparison("count minus epsilon-greedy, solved fraction", 0.8, (0.42, 0.95))
>>> c.verdict
'PASS'
>>> combine([c, Comparison("b", 0.1, (-0.2, 0.4))])
'UNRESOLVED'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

import numpy as np

from rlx_envs.analysis.statistics import _finite, _generator
from rlx_envs.core.arguments import integer

PASS, FAIL, UNRESOLVED = "PASS", "FAIL", "UNRESOLVED"
VERDICTS = (PASS, UNRESOLVED, FAIL)
#: z of a two-sided 95% interval.
Z95 = 1.959963984540054


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One predicted effect: ``value`` (a difference predicted > 0) with its 95% ``ci``.

    ``method`` says how the interval was made ("bootstrap", "newcombe", ...); ``arms`` names the
    two arms compared (first minus second).
    """

    name: str
    value: float
    ci: tuple[float, float]
    method: str = "bootstrap"
    arms: tuple[str, str] | None = None

    def __post_init__(self):
        low, high = (float(b) for b in self.ci)
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"ci must be two finite numbers, low <= high, got {self.ci!r}")
        if not math.isfinite(float(self.value)):
            raise ValueError(f"value must be finite, got {self.value!r}")
        object.__setattr__(self, "ci", (low, high))
        object.__setattr__(self, "value", float(self.value))

    @property
    def verdict(self) -> str:
        """PASS (CI above 0), FAIL (CI below 0) or UNRESOLVED (CI contains 0)."""
        low, high = self.ci
        return PASS if low > 0 else FAIL if high < 0 else UNRESOLVED

    @property
    def margin(self) -> float:
        """How far the interval is from deciding the other way, in widths: low / (high - low)
        (negative when it contains or lies below 0)."""
        low, high = self.ci
        return (
            low / max(high - low, 1e-12) if low > 0 else min(low, -1e-12) / max(high - low, 1e-12)
        )

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "ci": list(self.ci), "verdict": self.verdict}


def combine(comparisons: Sequence[Comparison]) -> str:
    """FAIL if any comparison fails, PASS if all pass, UNRESOLVED otherwise."""
    if not comparisons:
        raise ValueError("a claim needs at least one comparison")
    verdicts = {c.verdict for c in comparisons}
    return FAIL if FAIL in verdicts else PASS if verdicts == {PASS} else UNRESOLVED


def binding(comparisons: Sequence[Comparison]) -> Comparison:
    """The comparison that decides the verdict: the first FAIL with the highest upper bound
    (the least reversed), else the unresolved or passing one nearest to the other verdict
    (smallest :attr:`Comparison.margin`).

    >>> a, b = Comparison("a", 1.0, (0.5, 1.5)), Comparison("b", 0.3, (0.05, 0.6))
    >>> binding([a, b]).name
    'b'
    """
    if not comparisons:
        raise ValueError("a claim needs at least one comparison")
    failed = [c for c in comparisons if c.verdict == FAIL]
    if failed:
        return max(failed, key=lambda c: c.ci[1])
    return min(comparisons, key=lambda c: c.margin)


def difference_ci(
    a,
    b,
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    reps: int = 4000,
    seed: int | np.random.Generator,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(a) - statistic(b)``, two independent samples
    (each resampled with replacement on its own, as two strata), from a seeded generator.

    >>> difference_ci([3.0, 4.0, 5.0], [1.0, 1.0, 2.0], reps=500, seed=0)[0] > 0
    True
    """
    x, y = _finite(a, "a").ravel(), _finite(b, "b").ravel()
    rng = _generator(seed)
    if statistic is np.mean:
        ia = rng.integers(0, x.size, (reps, x.size))
        ib = rng.integers(0, y.size, (reps, y.size))
        stats = x[ia].mean(axis=1) - y[ib].mean(axis=1)
    else:
        stats = np.empty(reps)
        for r in range(reps):
            stats[r] = statistic(x[rng.integers(0, x.size, x.size)]) - statistic(
                y[rng.integers(0, y.size, y.size)]
            )
    if not np.all(np.isfinite(stats)):
        raise ValueError("statistic returned a NaN or infinite value on a resample")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(stats, [tail, 1.0 - tail])
    return float(low), float(high)


def wilson_interval(
    successes: int, trials: int, z: float = Z95, continuity: bool = True
) -> tuple[float, float]:
    """Wilson's score interval of a proportion (Wilson 1927), with Yates' continuity correction
    by default (Newcombe 1998, method 4), which keeps its coverage at or above 95% for the
    small counts of a validation claim.

    >>> [round(v, 4) for v in wilson_interval(0, 10, continuity=False)]
    [0.0, 0.2775]
    >>> [round(v, 4) for v in wilson_interval(0, 10)]
    [0.0, 0.3445]
    """
    successes, trials = _counts(successes, trials)
    n, p, zz = trials, successes / trials, z * z
    if not continuity:
        centre = (p + zz / (2 * n)) / (1 + zz / n)
        half = z / (1 + zz / n) * math.sqrt(p * (1 - p) / n + zz / (4 * n * n))
        return max(0.0, centre - half), min(1.0, centre + half)
    low = 0.0
    if successes > 0:
        low = 2 * n * p + zz - 1 - z * math.sqrt(zz - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))
        low /= 2 * (n + zz)
    high = 1.0
    if successes < n:
        high = 2 * n * p + zz + 1 + z * math.sqrt(zz + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))
        high /= 2 * (n + zz)
    return max(0.0, low), min(1.0, high)


def proportion_difference_ci(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int, z: float = Z95
) -> tuple[float, float]:
    """95% interval of p_a - p_b by Newcombe's hybrid score method with continuity correction
    (Newcombe 1998, "Interval estimation for the difference between independent proportions",
    Statistics in Medicine 17, method 11): sound down to 0/n and n/n, where the Wald interval
    and a bootstrap of the 0/1 outcomes collapse to a point, and conservative for small n.

    >>> [round(v, 3) for v in proportion_difference_ci(10, 10, 0, 10)]
    [0.513, 1.0]
    >>> [round(v, 3) for v in proportion_difference_ci(5, 10, 5, 10)]
    [-0.422, 0.422]
    >>> [round(v, 4) for v in proportion_difference_ci(56, 70, 48, 80)]  # Newcombe's Table II
    [0.0428, 0.3422]
    """
    pa = successes_a / _counts(successes_a, trials_a)[1]
    pb = successes_b / _counts(successes_b, trials_b)[1]
    la, ua = wilson_interval(successes_a, trials_a, z)
    lb, ub = wilson_interval(successes_b, trials_b, z)
    d = pa - pb
    low = d - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return max(-1.0, low), min(1.0, high)


def _counts(successes, trials) -> tuple[int, int]:
    successes, trials = integer("successes", successes), integer("trials", trials)
    if trials < 1 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials >= 1, got {successes}/{trials}")
    return successes, trials


__all__ = [
    "FAIL",
    "PASS",
    "UNRESOLVED",
    "VERDICTS",
    "Comparison",
    "binding",
    "combine",
    "difference_ci",
    "proportion_difference_ci",
    "wilson_interval",
]
