"""Intervals of a difference, as the validation claims judge them.

* :func:`difference_ci`: a seeded two-sample percentile bootstrap of ``statistic(a) -
  statistic(b)``;
* :func:`proportion_difference_ci`: for success counts, where a bootstrap of a few 0/1 values
  degenerates (10/10 against 0/10 resamples to [1, 1]), Newcombe's hybrid score interval of a
  difference of proportions, continuity-corrected, built on :func:`wilson_interval`.

>>> [round(v, 3) for v in proportion_difference_ci(10, 10, 0, 10)]
[0.513, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from rlx_envs.analysis.statistics import finite_array, seeded_generator
from rlx_envs.core.arguments import integer

#: z of a two-sided 95% interval.
Z95 = 1.959963984540054


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
    x, y = finite_array(a, "a").ravel(), finite_array(b, "b").ravel()
    rng = seeded_generator(seed)
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
