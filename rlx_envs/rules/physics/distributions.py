"""Distributions of physical parameters, each sampled through its inverse CDF.

Every distribution maps one uniform draw ``u`` in [0, 1) to a value (:meth:`ppf`), so a physics
sample costs exactly one uniform per parameter: the same seed gives the same physics, whatever
the distributions. Every distribution is bounded (``low``, ``high``), which gives the observation
space of the exposed parameters; ``mean`` and ``std`` are the moments of the distribution itself
(for the truncated normal, of the truncated law, not of its parent).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from statistics import NormalDist

from rlx_envs.core.arguments import real

_STANDARD = NormalDist()


def _ordered(low: float, high: float, what: str) -> None:
    if low > high:
        raise ValueError(f"{what}: low must not exceed high, got low={low} > high={high}")


class Distribution:
    """Base of the distributions: a bounded law sampled by its inverse CDF."""

    low: float
    high: float

    def ppf(self, u: float) -> float:
        """The value at quantile ``u`` in [0, 1)."""
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """Mean of the distribution."""
        raise NotImplementedError

    @property
    def std(self) -> float:
        """Standard deviation of the distribution."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value`` (a nominal or test-time setting).

    >>> Fixed(6.0).ppf(0.3)
    6.0
    """

    value: float

    def __post_init__(self):
        object.__setattr__(self, "value", real("Fixed value", self.value))

    low = property(lambda self: self.value)
    high = property(lambda self: self.value)

    def ppf(self, u: float) -> float:
        return self.value

    mean = property(lambda self: self.value)
    std = property(lambda self: 0.0)


@dataclasses.dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high].

    >>> Uniform(1.0, 3.0).ppf(0.5)
    2.0
    """

    low: float
    high: float

    def __post_init__(self):
        for name in ("low", "high"):
            object.__setattr__(self, name, real(f"Uniform {name}", getattr(self, name)))
        _ordered(self.low, self.high, "Uniform")

    def ppf(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def std(self) -> float:
        return (self.high - self.low) / math.sqrt(12)


@dataclasses.dataclass(frozen=True)
class LogUniform(Distribution):
    """Uniform in log space on [low, high], with 0 < low (scales: 0.5x to 2x equally likely).

    >>> round(LogUniform(0.5, 2.0).ppf(0.5), 12)
    1.0
    """

    low: float
    high: float

    def __post_init__(self):
        for name in ("low", "high"):
            object.__setattr__(self, name, real(f"LogUniform {name}", getattr(self, name)))
        if self.low <= 0:
            raise ValueError(f"LogUniform needs 0 < low, got low={self.low}")
        _ordered(self.low, self.high, "LogUniform")

    def ppf(self, u: float) -> float:
        return self.low * (self.high / self.low) ** u

    # With r = log(high / low), high - low = low * expm1(r): written that way, the moments stay
    # exact when high is within rounding of low (a difference of two floats would not).
    @property
    def mean(self) -> float:
        r = math.log(self.high / self.low)
        return self.low if r == 0 else self.low * math.expm1(r) / r

    @property
    def std(self) -> float:
        r = math.log(self.high / self.low)
        if r == 0:
            return 0.0
        second = self.low**2 * math.expm1(2 * r) / (2 * r)
        return math.sqrt(max(0.0, second - self.mean**2))


@dataclasses.dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """A normal law N(mean, std) truncated to [low, high]: EPOpt's source distributions.

    ``loc`` and ``scale`` are the parent normal's mean and standard deviation (the figures of
    the EPOpt tables); :attr:`mean` and :attr:`std` are the truncated law's own moments.

    >>> d = TruncatedNormal(6.0, 1.5, 3.0, 9.0)
    >>> d.ppf(0.5), round(d.mean, 12)
    (6.0, 6.0)
    """

    loc: float
    scale: float
    low: float
    high: float

    def __post_init__(self):
        for name in ("loc", "scale", "low", "high"):
            value = real(f"TruncatedNormal {name}", getattr(self, name))
            object.__setattr__(self, name, value)
        if self.scale < 0:
            raise ValueError(f"TruncatedNormal std (scale) must be >= 0, got {self.scale}")
        _ordered(self.low, self.high, "TruncatedNormal")
        if self.scale == 0 and not self.low <= self.loc <= self.high:
            raise ValueError(
                f"TruncatedNormal with std 0 needs low <= mean <= high, got mean {self.loc} "
                f"outside [{self.low}, {self.high}]"
            )
        if self.scale > 0 and self._mass() <= 1e-12:
            raise ValueError(
                f"TruncatedNormal({self.loc}, {self.scale}) has no mass on "
                f"[{self.low}, {self.high}]; move the range nearer the mean"
            )

    def _bounds(self) -> tuple[float, float]:
        return (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale

    def _mass(self) -> float:
        a, b = self._bounds()
        return _STANDARD.cdf(b) - _STANDARD.cdf(a)

    @functools.cached_property
    def _cdf_bounds(self) -> tuple[float, float]:
        a, b = self._bounds()
        return _STANDARD.cdf(a), _STANDARD.cdf(b)

    def ppf(self, u: float) -> float:
        if self.scale == 0:
            return self.loc
        ca, cb = self._cdf_bounds
        q = ca + u * (cb - ca)
        q = min(max(q, 1e-16), 1 - 1e-16)
        return min(max(self.loc + self.scale * _STANDARD.inv_cdf(q), self.low), self.high)

    @property
    def mean(self) -> float:
        if self.scale == 0:
            return self.loc
        a, b = self._bounds()
        return self.loc + self.scale * (_STANDARD.pdf(a) - _STANDARD.pdf(b)) / self._mass()

    @property
    def std(self) -> float:
        if self.scale == 0:
            return 0.0
        a, b = self._bounds()
        z = self._mass()
        pa, pb = _STANDARD.pdf(a), _STANDARD.pdf(b)
        fa = a * pa if math.isfinite(a) else 0.0
        fb = b * pb if math.isfinite(b) else 0.0
        var = 1 + (fa - fb) / z - ((pa - pb) / z) ** 2
        return self.scale * math.sqrt(max(var, 0.0))


@dataclasses.dataclass(frozen=True)
class Outside(Distribution):
    """Uniform over the two bands [low, inner_low) and (inner_high, high]: values *outside* a
    training range, for out-of-distribution tests. Each band is drawn in proportion to its width.

    >>> d = Outside(1.5, 3.0, 9.0, 12.0)
    >>> d.ppf(0.0), d.ppf(0.999) > 9.0
    (1.5, True)
    """

    low: float
    inner_low: float
    inner_high: float
    high: float

    def __post_init__(self):
        for name in ("low", "inner_low", "inner_high", "high"):
            object.__setattr__(self, name, real(f"Outside {name}", getattr(self, name)))
        if not self.low <= self.inner_low < self.inner_high <= self.high:
            raise ValueError(
                "Outside needs low <= inner_low < inner_high <= high, got "
                f"{self.low}, {self.inner_low}, {self.inner_high}, {self.high}"
            )
        if self.inner_low == self.low and self.inner_high == self.high:
            raise ValueError("Outside: both bands are empty; widen low or high")

    def _widths(self) -> tuple[float, float]:
        return self.inner_low - self.low, self.high - self.inner_high

    def ppf(self, u: float) -> float:
        below, above = self._widths()
        t = u * (below + above)
        return self.low + t if t < below else self.inner_high + (t - below)

    @property
    def mean(self) -> float:
        below, above = self._widths()
        return (below * (self.low + self.inner_low) + above * (self.inner_high + self.high)) / (
            2 * (below + above)
        )

    @property
    def std(self) -> float:
        below, above = self._widths()

        def second(a: float, b: float) -> float:  # integral of x^2 over [a, b]
            return (b**3 - a**3) / 3

        total = second(self.low, self.inner_low) + second(self.inner_high, self.high)
        return math.sqrt(max(0.0, total / (below + above) - self.mean**2))
