"""What a claim is: an experiment over seeds, a measured figure with a 95% interval, and a rule
declared before the experiment runs (never tuned after the fact).

Each claim is one module in :mod:`rlx_envs.validate.claims` (as bsuite keeps one experiment per
folder: environment, sweep and analysis together) defining:

* ``NAME``: a short id (``"deep-exploration"``);
* ``STATEMENT``: the claim, one sentence, with its source;
* ``RULE``: the pass rule, in words, exactly what :func:`run` checks;
* ``run(settings: Settings) -> Result``: the experiment and its verdict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Settings:
    """How a claim runs: quick (under a few minutes) or full, seeds, workers, where to save."""

    quick: bool = True
    #: Seeds per configuration (each claim has its own default when None).
    seeds: int | None = None
    #: Parallel processes a claim may use.
    workers: int = 2
    #: Folder for the claim's results (JSON) and plots (PNG, when matplotlib is installed).
    out: Path = Path("results/validate")
    #: Called with the fraction done (0..1) as the claim progresses.
    progress: Callable[[float], None] = lambda fraction: None
    #: Base seed of every generator the claim uses.
    seed: int = 0


@dataclasses.dataclass
class Result:
    """A claim's outcome: the headline figure with its 95% interval, the verdict, the details."""

    #: What the figure is ("episodes to first reward, growth exponent of epsilon-greedy", ...).
    figure: str
    value: float
    ci: tuple[float, float]
    passed: bool
    #: Everything measured, JSON-serialisable (per-seed numbers, per-size figures, ...).
    details: dict = dataclasses.field(default_factory=dict)
    #: Plots saved (empty without matplotlib).
    plots: list[Path] = dataclasses.field(default_factory=list)
