"""What a claim is: an experiment over seeds, its controls, and comparisons judged on intervals,
under a rule declared (with budgets and hyperparameters) before the evaluation seeds run.

Each claim is one module in :mod:`rlx_envs.apps.validate.claims` (as bsuite keeps one experiment per
folder: environment, sweep and analysis together) defining:

* ``NAME``: a short id (``"deep-exploration"``);
* ``STATEMENT``: the claim, one sentence, with its source;
* ``RULE``: the rule in words: which differences must have their 95% CI above 0
  (:mod:`rlx_envs.apps.validate.verdict`);
* ``PILOT_SEEDS``: the base seeds on which the budgets and hyperparameters were fixed (never the
  evaluation seed :data:`EVALUATION_SEED`);
* ``run(settings: Settings) -> Result``: the experiment, its arms and its comparisons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from rlx_envs.apps.validate.verdict import Comparison, binding, combine

#: The base seed of the recorded evaluation runs (every claim's pilots used other base seeds).
EVALUATION_SEED = 0


@dataclasses.dataclass(frozen=True)
class Settings:
    """How a claim runs: quick (minutes) or full, seeds, workers and backend, where to save,
    base seed."""

    quick: bool = True
    #: Seeds per arm (each claim has its own default when None).
    seeds: int | None = None
    #: Parallel processes a claim may use (on Ray: jobs in flight).
    workers: int = 2
    #: Where the jobs run: ``"local"`` processes or ``"ray"`` (:mod:`rlx_envs.apps.executor`).
    backend: str = "local"
    #: The Ray cluster to join (None: start or join a local instance); only with ``"ray"``.
    address: str | None = None
    #: Folder for the claim's results (JSON) and plots (PNG, when matplotlib is installed).
    out: Path = Path("results/validate")
    #: Called with the fraction done (0..1) as the claim progresses.
    progress: Callable[[float], None] = lambda fraction: None
    #: Base seed of every generator the claim uses (:data:`EVALUATION_SEED` for the record).
    seed: int = EVALUATION_SEED

    def executor(self) -> dict:
        """The executor's options: ``run_jobs(f, jobs, **settings.executor())``."""
        return {"workers": self.workers, "backend": self.backend, "address": self.address}

    def jobs_progress(self) -> Callable[[int, int], None]:
        """The executor's (done, total) progress, fed to :attr:`progress` as a fraction."""
        return lambda done, total: self.progress(done / max(total, 1))


@dataclasses.dataclass
class Result:
    """A claim's outcome: every arm's figures, the comparisons with their CIs, the details.

    ``arms`` maps an arm (controls included) to a one-line summary of what it measured, for the
    verdict table; ``comparisons`` are the rule's predicted differences; the verdict and the
    headline (the binding comparison) follow from them.
    """

    arms: dict[str, str]
    comparisons: list[Comparison]
    #: Everything measured, JSON-serialisable (per-seed numbers, per-size figures, ...).
    details: dict = dataclasses.field(default_factory=dict)
    #: Plots saved (empty without matplotlib).
    plots: list[Path] = dataclasses.field(default_factory=list)

    @property
    def verdict(self) -> str:
        """PASS, FAIL or UNRESOLVED (:func:`rlx_envs.apps.validate.verdict.combine`)."""
        return combine(self.comparisons)

    @property
    def headline(self) -> Comparison:
        """The binding comparison (:func:`rlx_envs.apps.validate.verdict.binding`)."""
        return binding(self.comparisons)
