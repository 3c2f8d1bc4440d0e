"""Aggregate statistics over runs and tasks, with seeded stratified-bootstrap intervals.

The definitions follow Agarwal et al. (2021), "Deep reinforcement learning at the edge of the
statistical precipice" (NeurIPS), and its library rliable, written here in numpy alone with an
explicit seeded generator: rliable's bootstrap draws from numpy's global state and ignores the
``random_state`` it is given, so its intervals are not reproducible from a seed.

Scores are laid out as rliable lays them out: a ``(runs, tasks)`` array per algorithm, ``scores
[n, m]`` the score of run ``n`` on task ``m`` (see :func:`to_rliable`). Every function rejects
NaN and infinite scores with a ``ValueError``.

>>> import numpy as np
>>> scores = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 7.0], [4.0, 8.0]])
>>> iqm(scores)
4.5
>>> low, high = bootstrap_ci(scores, reps=500, seed=0)
>>> bool(low <= 4.5 <= high)
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from rlx_envs.core.arguments import integer, is_integer

#: Largest number of resampled scores held in memory at once by the bootstrap.
_CHUNK_ELEMENTS = 1 << 20


# ------------------------------------------------------------------------------------ checking
def finite_array(scores: ArrayLike, name: str = "scores") -> np.ndarray:
    """``scores`` as a float64 array, refusing empty input, non-numbers, NaN and infinities.

    >>> finite_array([1, 2]).tolist()
    [1.0, 2.0]
    """
    try:
        array = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers, got {scores!r}") from error
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(array)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} must be finite; {name}{list(where)} = {float(array[where])}")
    return array


def _runs_by_tasks(scores: ArrayLike, name: str = "scores") -> np.ndarray:
    array = finite_array(scores, name)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be shaped (runs, tasks) (or (runs,) for one task), "
            f"got shape {array.shape}"
        )
    return array


def seeded_generator(seed: int | np.random.Generator) -> np.random.Generator:
    """A numpy generator from an integer seed (or the generator itself): never global state."""
    if isinstance(seed, np.random.Generator):
        return seed
    if not is_integer(seed):
        raise ValueError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(seed)


def _check_bootstrap_args(reps: int, confidence: float) -> None:
    integer("reps", reps, minimum=1)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


# -------------------------------------------------------------------------- point statistics
def _trim(n: int) -> int:
    # scipy.stats.trim_mean(proportiontocut=0.25): int(0.25 * n) whole points off each end.
    return int(0.25 * n)


def _iqm_rows(sorted_rows: np.ndarray) -> np.ndarray:
    k = _trim(sorted_rows.shape[-1])
    return sorted_rows[..., k : sorted_rows.shape[-1] - k].mean(axis=-1)


def iqm(scores: ArrayLike, *, fractional: bool = False) -> float:
    """Interquartile mean over all runs and tasks: the mean of the middle 50% of the scores.

    Agarwal et al. (2021), section 4. The default matches rliable's ``aggregate_iqm`` exactly,
    which is ``scipy.stats.trim_mean(scores, 0.25, axis=None)``: flatten, sort, drop
    ``floor(n / 4)`` whole scores from each end, average the rest. That is *not* fractional:
    with ``n`` not a multiple of 4 the kept block is more than half the data. With
    ``fractional=True`` the boundary scores are weighted by the part of them inside the
    quartiles instead (the mean of the empirical quantile function over [0.25, 0.75]); both
    agree when ``n`` is a multiple of 4.

    >>> iqm([1, 2, 3, 4, 5, 6, 7, 8])  # mean of 3, 4, 5, 6
    4.5
    >>> iqm([1, 2, 3, 4, 5, 6])  # floor(6 / 4) = 1 off each end: mean of 2, 3, 4, 5
    3.5
    >>> iqm([1, 2, 3, 4, 5, 10], fractional=True)  # (0.5 * 2 + 3 + 4 + 0.5 * 5) / 3
    3.5
    """
    values = np.sort(finite_array(scores).ravel())
    if not fractional:
        return float(_iqm_rows(values))
    n = values.size
    edges = np.arange(n + 1) / n  # score i covers quantiles [i / n, (i + 1) / n]
    weights = np.clip(np.minimum(edges[1:], 0.75) - np.maximum(edges[:-1], 0.25), 0.0, None)
    return float(np.dot(weights, values) / 0.5)


def performance_profile(scores: ArrayLike, taus: ArrayLike) -> np.ndarray:
    """Score distribution: for each ``tau``, the fraction of all scores (runs x tasks) > ``tau``.

    Agarwal et al. (2021), section 4.1, the run-score distribution (rliable's default
    ``score_distributions``): every run of every task counts once, strictly above ``tau``.

    >>> performance_profile([[0.0, 1.0], [2.0, 3.0]], taus=[0.0, 1.5, 3.0]).tolist()
    [0.75, 0.5, 0.0]
    """
    values = finite_array(scores).ravel()
    thresholds = finite_array(taus, "taus")
    if thresholds.ndim > 1:
        raise ValueError(f"taus must be a number or 1-D, got shape {thresholds.shape}")
    ordered = np.sort(values)
    above = values.size - np.searchsorted(ordered, np.atleast_1d(thresholds), side="right")
    return (above / values.size).reshape(thresholds.shape)


def probability_of_improvement(x: ArrayLike, y: ArrayLike) -> float:
    """P(X > Y): the chance a run of X beats a run of Y on a task, ties half, averaged over tasks.

    Agarwal et al. (2021), section 4.2, as rliable's ``probability_of_improvement``: per task
    ``m``, the Mann-Whitney statistic ``U / (runs_x * runs_y)`` with ``U`` counting pairs where
    X's score is higher as 1 and ties as 1/2; then the mean over tasks. ``x`` is
    ``(runs_x, tasks)`` and ``y`` is ``(runs_y, tasks)``; the run counts may differ.

    >>> probability_of_improvement([[2.0], [3.0]], [[0.0], [1.0]])
    1.0
    >>> probability_of_improvement([[1.0], [2.0]], [[1.0], [2.0]])
    0.5
    """
    a, b = _runs_by_tasks(x, "x"), _runs_by_tasks(y, "y")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x and y must cover the same tasks, got {a.shape[1]} and {b.shape[1]}")
    pairs_x, pairs_y = a[:, None, :], b[None, :, :]
    wins = (pairs_x > pairs_y).mean(axis=(0, 1)) + 0.5 * (pairs_x == pairs_y).mean(axis=(0, 1))
    return float(wins.mean())


# ----------------------------------------------------------------------------------- bootstrap
def _resamples(scores: np.ndarray, reps: int, rng: np.random.Generator):
    """Stratified bootstrap resamples of a (runs, tasks) array, in chunks of (c, runs, tasks).

    As rliable's ``StratifiedBootstrap`` (``task_bootstrap=False``): each task's column is
    resampled with replacement over its runs, independently of the other tasks. The chunk size
    depends only on the shape, so a seed gives the same draws whatever the statistic.
    """
    runs, tasks = scores.shape
    chunk = max(1, min(reps, _CHUNK_ELEMENTS // scores.size))
    columns = np.arange(tasks)
    for start in range(0, reps, chunk):
        c = min(chunk, reps - start)
        rows = rng.integers(0, runs, size=(c, runs, tasks))
        yield scores[rows, columns]


def _interval(stats: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    # Percentile interval, as rliable's default method="percentile" (linear interpolation).
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(stats, [tail, 1.0 - tail], axis=0)
    return low, high


def _batched(statistic: Callable) -> Callable[[np.ndarray], np.ndarray] | None:
    """A vectorised form of the statistic over resamples (c, runs, tasks), where one is known."""
    if statistic is iqm:
        return lambda b: _iqm_rows(np.sort(b.reshape(b.shape[0], -1), axis=1))
    if statistic is np.mean:
        return lambda b: b.mean(axis=(1, 2))
    return None


def bootstrap_ci(
    scores: ArrayLike,
    statistic: Callable[[np.ndarray], float] = iqm,
    *,
    reps: int = 2000,
    confidence: float = 0.95,
    seed: int | np.random.Generator,
) -> tuple[float, float]:
    """Percentile confidence interval of ``statistic`` by a stratified bootstrap over runs.

    Agarwal et al. (2021), section 3 / rliable's ``get_interval_estimates`` with its defaults
    (stratified over tasks, ``method="percentile"``): ``scores`` is ``(runs, tasks)`` (a 1-D
    array is one task); each of ``reps`` resamples draws, for every task independently, that
    many runs with replacement from the task's runs; ``statistic`` maps a resampled
    ``(runs, tasks)`` array to a number; the interval is the ``(1 - confidence) / 2`` and
    ``(1 + confidence) / 2`` quantiles of the ``reps`` values. ``seed`` (an int or a numpy
    ``Generator``) is required: the same seed gives the same interval. :func:`iqm` and
    ``np.mean`` run vectorised; other statistics are called once per resample.

    >>> scores = np.arange(20.0).reshape(10, 2)
    >>> bootstrap_ci(scores, reps=200, seed=1) == bootstrap_ci(scores, reps=200, seed=1)
    True
    >>> low, high = bootstrap_ci(scores, np.median, reps=200, seed=1)
    >>> bool(low < np.median(scores) < high)
    True
    """
    values = _runs_by_tasks(scores)
    _check_bootstrap_args(reps, confidence)
    rng = seeded_generator(seed)
    fast = _batched(statistic)
    parts = []
    for block in _resamples(values, reps, rng):
        if fast is not None:
            parts.append(fast(block))
            continue
        block_stats = [statistic(sample) for sample in block]
        if any(np.ndim(s) != 0 for s in block_stats):
            raise ValueError("statistic must return one number per resample")
        parts.append(np.asarray(block_stats, dtype=np.float64))
    stats = np.concatenate(parts)
    if not np.all(np.isfinite(stats)):
        raise ValueError("statistic returned a NaN or infinite value on a resample")
    low, high = _interval(stats, confidence)
    return float(low), float(high)


def performance_profile_bands(
    scores: ArrayLike,
    taus: ArrayLike,
    *,
    reps: int = 2000,
    confidence: float = 0.95,
    seed: int | np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise bootstrap bands ``(low, high)`` of :func:`performance_profile` at each ``tau``.

    The same stratified bootstrap and percentile interval as :func:`bootstrap_ci` (rliable's
    ``create_performance_profile``, whose default is 2000 reps), with the same seed rule.

    >>> low, high = performance_profile_bands(np.arange(8.0).reshape(4, 2), [1.5], seed=0)
    >>> bool(low[0] <= 0.75 <= high[0])
    True
    """
    values = _runs_by_tasks(scores)
    thresholds = np.atleast_1d(finite_array(taus, "taus"))
    if thresholds.ndim > 1:
        raise ValueError(f"taus must be a number or 1-D, got shape {thresholds.shape}")
    _check_bootstrap_args(reps, confidence)
    rng = seeded_generator(seed)
    parts = []
    for block in _resamples(values, reps, rng):
        flat = block.reshape(block.shape[0], -1)
        parts.append(np.stack([(flat > tau).mean(axis=1) for tau in thresholds], axis=1))
    return _interval(np.concatenate(parts), confidence)


# -------------------------------------------------------------------------------------- export
def _task_order(results: Mapping, tasks: Sequence[str] | None) -> list[str] | None:
    nested = [r for r in results.values() if isinstance(r, Mapping)]
    if not nested:
        return None
    if tasks is not None:
        return list(tasks)
    return sorted(nested[0])


def to_rliable(
    results: Mapping[str, Mapping[str, Sequence[float]] | ArrayLike],
    tasks: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Results as rliable's ``score_dict``: algorithm -> float array shaped (runs, tasks).

    ``results`` maps each algorithm either to ``{task: [score of each run]}`` or to an array
    already shaped ``(runs, tasks)``. Task columns follow ``tasks`` if given, else the sorted task
    names. Every algorithm must have the same tasks, and within an algorithm every task the same
    number of runs (algorithms may differ in runs); scores must be finite.

    >>> out = to_rliable({"ppo": {"maze": [1, 2], "corridor": [3, 4]}})
    >>> out["ppo"].tolist()  # columns: corridor, maze
    [[3.0, 1.0], [4.0, 2.0]]
    """
    if not results:
        raise ValueError("results is empty")
    order = _task_order(results, tasks)
    out: dict[str, np.ndarray] = {}
    for algorithm, per_task in results.items():
        if isinstance(per_task, Mapping):
            if order is None or set(per_task) != set(order):
                raise ValueError(
                    f"{algorithm!r} has tasks {sorted(per_task)}, expected {sorted(order or [])}"
                )
            runs = {len(np.atleast_1d(per_task[t])) for t in order}
            if len(runs) != 1:
                counts = {t: len(np.atleast_1d(per_task[t])) for t in order}
                raise ValueError(f"{algorithm!r} has different numbers of runs per task: {counts}")
            columns = [np.atleast_1d(np.asarray(per_task[t], dtype=np.float64)) for t in order]
            array = np.stack(columns, axis=1)
        else:
            array = np.asarray(per_task, dtype=np.float64)
            if array.ndim != 2:
                raise ValueError(
                    f"{algorithm!r} scores must be shaped (runs, tasks), got shape {array.shape}"
                )
        out[str(algorithm)] = _runs_by_tasks(array, f"results[{algorithm!r}]")
    widths = {name: a.shape[1] for name, a in out.items()}
    if len(set(widths.values())) != 1:
        raise ValueError(f"algorithms cover different numbers of tasks: {widths}")
    return out


__all__ = [
    "bootstrap_ci",
    "iqm",
    "performance_profile",
    "performance_profile_bands",
    "probability_of_improvement",
    "to_rliable",
]
