"""Running mean and variance, written once: the ARS observation filter, RND's observation
normaliser and the running-std normalisers of bonuses all keep a :class:`RunningMeanVar`.

The state is the count, the mean and M2 (the sum of squared deviations from the mean), not the
sums of x and x squared, whose difference loses every digit when the mean is large next to the
spread. Samples come in three ways:

* :meth:`~RunningMeanVar.add`: one sample (Welford 1962); :meth:`~RunningMeanVar.add_each`:
  scalar samples one at a time, as many calls of ``add`` would, bit for bit (one Python loop);
* :meth:`~RunningMeanVar.add_batch`: a batch at once, merged with the parallel formula of Chan,
  Golub and LeVeque (1979), equal to one sample at a time up to rounding;
* :meth:`~RunningMeanVar.add_at`: with ``streams=N``, N independent statistics (one per env of
  a vector env); one sample to each of some distinct streams, each stream getting exactly the
  float64 operations of :meth:`~RunningMeanVar.add` on a lone statistic, so a stream's numbers
  equal, bit for bit, those of a lone ``RunningMeanVar`` fed that stream alone.

The variance is the population variance ``M2 / count`` (0 before any sample).

>>> stats = RunningMeanVar()
>>> for x in (1.0, 2.0, 3.0, 4.0):
...     stats.add(x)
>>> stats.count, stats.mean, stats.var
(4, 2.5, 1.25)
>>> batch = RunningMeanVar(2)
>>> batch.add_batch([[1.0, 10.0], [3.0, 10.0]])
>>> batch.mean.tolist(), batch.var.tolist()
([2.0, 10.0], [1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


class RunningMeanVar:
    """Running count, mean and variance of samples of one ``shape`` (``()``: scalars, kept
    as Python floats for speed; an int ``n``: vectors of n features), in one stream or, with
    ``streams=N``, in N independent streams (``count`` then has shape (N,), ``mean`` and
    ``var`` shape (N, *shape)).

    >>> per_env = RunningMeanVar(streams=3)
    >>> per_env.add_at([0, 2], [1.0, 5.0])
    >>> per_env.add_at([0], [3.0])
    >>> per_env.count.tolist(), per_env.mean.tolist(), per_env.var.tolist()
    ([2, 0, 1], [2.0, 0.0, 5.0], [1.0, 0.0, 0.0])
    >>> restored = RunningMeanVar(streams=3)
    >>> restored.load_state_dict(per_env.state_dict())
    >>> restored.mean.tolist()
    [2.0, 0.0, 5.0]
    """

    def __init__(self, shape: int | tuple[int, ...] = (), streams: int | None = None) -> None:
        self.shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        self.streams = None if streams is None else int(streams)
        self.count: Any
        self.mean: Any
        self.m2: Any
        self.reset()

    def reset(self) -> None:
        """Forget every sample."""
        if self.streams is not None:
            self.count = np.zeros(self.streams, dtype=np.int64)
            self.mean = np.zeros((self.streams, *self.shape))
            self.m2 = np.zeros((self.streams, *self.shape))
        elif self.shape == ():
            self.count, self.mean, self.m2 = 0, 0.0, 0.0
        else:
            self.count, self.mean, self.m2 = 0, np.zeros(self.shape), np.zeros(self.shape)

    # -- adding samples --------------------------------------------------------------------------
    def add(self, x: Any) -> None:
        """Add one sample (of ``shape``) to the one stream (Welford's update)."""
        self._one_stream("add")
        self.count += 1
        delta = x - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (x - self.mean)

    def add_each(self, values: Iterable[float]) -> list[float]:
        """Add scalar samples to the one scalar stream one at a time, in order, exactly as
        :meth:`add` would (Welford's update is sequential); the variance after each.

        >>> stats = RunningMeanVar()
        >>> stats.add_each([1.0, 3.0, 5.0])
        [0.0, 1.0, 2.6666666666666665]
        """
        self._one_stream("add_each")
        if self.shape != ():
            raise ValueError(f"add_each takes scalars; samples of shape {self.shape} take add")
        count, mean, m2 = self.count, self.mean, self.m2
        variances = []
        for x in values:  # add's operations on local names: the batch path of the normalisers
            count += 1
            delta = x - mean
            mean += delta / count
            m2 += delta * (x - mean)
            variances.append(m2 / count)
        self.count, self.mean, self.m2 = count, mean, m2
        return variances

    def add_batch(self, batch: ArrayLike) -> None:
        """Merge a batch of samples, shaped (n, *shape), into the one stream (Chan et al.'s
        parallel formula: the batch's own mean and M2, then the two sets combined)."""
        self._one_stream("add_batch")
        batch = np.asarray(batch, dtype=np.float64).reshape(-1, *self.shape)
        n = len(batch)
        if n == 0:
            return
        batch_mean = batch.mean(axis=0)
        delta, total = batch_mean - self.mean, self.count + n
        self.m2 = self.m2 + (
            ((batch - batch_mean) ** 2).sum(axis=0) + delta**2 * self.count * n / total
        )
        self.mean = self.mean + delta * n / total
        self.count = total

    def add_at(self, streams: ArrayLike, x: ArrayLike) -> None:
        """Add one sample to each of the *distinct* ``streams`` (``x[i]`` to stream
        ``streams[i]``): Welford's update, elementwise."""
        if self.streams is None:
            raise ValueError("add_at needs streams=N; a single stream takes add or add_batch")
        streams = np.asarray(streams, dtype=np.int64)
        x = np.asarray(x, dtype=np.float64).reshape(len(streams), *self.shape)
        self.count[streams] += 1
        count = self.count[streams].reshape(-1, *(1,) * len(self.shape))
        mean = self.mean[streams]
        delta = x - mean
        mean = mean + delta / count
        self.mean[streams] = mean
        self.m2[streams] += delta * (x - mean)

    def _one_stream(self, method: str) -> None:
        if self.streams is not None:
            raise ValueError(f"{method} is for one stream; with streams=N use add_at")

    # -- statistics ------------------------------------------------------------------------------
    @property
    def var(self) -> Any:
        """The population variance M2 / count (0 where no sample was added)."""
        if self.streams is None:
            return self.m2 / max(self.count, 1)
        count = np.maximum(self.count, 1).reshape(-1, *(1,) * len(self.shape))
        return self.m2 / count

    def std(self, eps: float = 0.0) -> Any:
        """``sqrt(var + eps)``.

        >>> stats = RunningMeanVar(1)
        >>> stats.add_batch([[0.0], [2.0]])
        >>> stats.std().tolist(), stats.std(eps=3.0).tolist()
        ([1.0], [2.0])
        """
        return np.sqrt(self.var + eps)

    # -- saving ----------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Count, mean and M2, copied."""
        return {"count": _copy(self.count), "mean": _copy(self.mean), "m2": _copy(self.m2)}

    def load_state_dict(self, state: dict) -> None:
        """Take the statistics of :meth:`state_dict` (checked against this one's shape)."""
        if self.streams is None and self.shape == ():
            count, mean, m2 = int(state["count"]), float(state["mean"]), float(state["m2"])
        else:
            want = self.shape if self.streams is None else (self.streams, *self.shape)
            mean = np.array(state["mean"], dtype=np.float64)
            m2 = np.array(state["m2"], dtype=np.float64)
            if mean.shape != want or m2.shape != want:
                raise ValueError(
                    f"running statistics of shape {mean.shape} do not fit this one's {want}"
                )
            if self.streams is None:
                count = int(state["count"])
            else:
                count = np.array(state["count"], dtype=np.int64).reshape(self.streams)
        self.count, self.mean, self.m2 = count, mean, m2

    def __repr__(self) -> str:
        streams = "" if self.streams is None else f", streams={self.streams}"
        return f"RunningMeanVar(shape={self.shape}{streams})"


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value
