"""Verdicts from intervals: every comparison of a claim is judged on the 95% CI of a difference.

A :class:`Comparison` is one predicted effect, written as a difference that the claim predicts to
be positive (method minus control, control minus method, ...). Its verdict:

* **PASS**: the whole interval lies above 0 (the predicted side);
* **FAIL**: the whole interval lies below 0 (the effect is reversed, and resolved);
* **UNRESOLVED**: the interval contains 0 (the data cannot tell).

A claim's verdict combines its comparisons (:func:`combine`): FAIL if any fails, PASS only if
all pass, UNRESOLVED otherwise. Its headline is the *binding* comparison (:func:`binding`): the
one that decides the verdict.

The intervals come from :mod:`rlx_envs.analysis.intervals`: a seeded two-sample bootstrap, or,
for success counts, Newcombe's hybrid score interval of a difference of proportions.

>>> c = Comparison("count minus epsilon-greedy, solved fraction", 0.8, (0.42, 0.95))
>>> c.verdict
'PASS'
>>> combine([c, Comparison("b", 0.1, (-0.2, 0.4))])
'UNRESOLVED'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

PASS, FAIL, UNRESOLVED = "PASS", "FAIL", "UNRESOLVED"
VERDICTS = (PASS, UNRESOLVED, FAIL)


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


__all__ = [
    "FAIL",
    "PASS",
    "UNRESOLVED",
    "VERDICTS",
    "Comparison",
    "binding",
    "combine",
]
