"""Claim: Go-Explore crosses MiniMontezuma's pyramid where count-bonus Q-learning does not, and
returning to remembered cells is what does it (Ecoffet et al. 2021).

Ecoffet et al. ("First return, then explore", Nature 2021) solve Montezuma's Revenge's first
level by remembering cells, returning to them and exploring from there, where count-based
intrinsic motivation leaves most of the pyramid unseen. Here, on ``rlx/MiniMontezuma-v0`` (the
24-room pyramid, sticky actions off, as Go-Explore's phase 1 assumes a deterministic game), the
same env-step budget per seed for every arm (:mod:`rlx_envs.apps.baselines.methods`):

* **random** (control): uniform random actions;
* **count**: tabular Q-learning over the cell with an optimistic start and a count bonus
  beta / sqrt(N(cell)), one count table per seed;
* **go-explore**: Go-Explore's exploration phase on 16 envs per seed;
* **go-explore, no return** (the ablation of what the claim credits): the same agent, every
  exploration starting from the first state; its archive is still kept.

Comparisons, each predicted > 0 (all must have their 95% CI above 0 to PASS):

1. rooms visited, go-explore minus count; 2. rooms visited, go-explore minus random;
3. rooms visited, go-explore minus go-explore without returns; and with the full budget also
4. the fraction of seeds reaching the pyramid's exit, go-explore minus count (Newcombe).

**What is compared depends on the budget**: the quick budget (``BUDGET[True]`` env steps per
seed) is far too small for any arm to reach the exit, so it judges rooms only; the full budget
(``BUDGET[False]``) judges the exit too. Rooms: seeded bootstrap CI of the difference of means.

**Pre-registration.** The arms, comparisons and budgets were fixed on the pilot base seed
:data:`PILOT_SEEDS` before the evaluation seed 0 ran. At 30,000 steps per seed (10 seeds)
count-bonus Q had left the first room (2.0 rooms, the key and a door) where Go-Explore had barely
(1.2 rooms; its cells tell every position and key apart, and it spreads its returns over them):
go-explore minus count was -0.8 [-1.3, -0.3], a FAIL. With 4 seeds at 200,000 steps, read off
the curve: at 60,000 steps count 3.3 rooms, Go-Explore 3.0; at 100,000 count 5.5, Go-Explore
4.8; at 200,000 count 11.0, Go-Explore 16.5 (8 to 20), none at the exit; without returns Go-
Explore never left the first room; random never did. The quick budget is 60,000 steps (its Q
arms take about two minutes, which keeps the quick suite near ten), where the pilot saw no
difference: an UNRESOLVED is the expected honest verdict there. The full budget, 2,000,000 steps
per seed, judges the exit as well. Its evaluation run (base seed 0, 2026-12-02, 44 minutes on 2
cores at low priority): rooms go-explore minus count 3.6 [3.1, 4.1], minus random and minus no
return 22 [22, 22], all PASS; the exit 0 of 10 in every arm (Go-Explore stalls one room short,
23 of 24), so UNRESOLVED (``docs/validation.md``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from rlx_envs.analysis.intervals import difference_ci, proportion_difference_ci
from rlx_envs.apps.baselines.methods import run_group
from rlx_envs.apps.baselines.table import plot
from rlx_envs.apps.executor import run_jobs
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.verdict import Comparison

NAME = "go-explore"
STATEMENT = (
    "On MiniMontezuma's 24-room pyramid, Go-Explore visits more rooms than count-bonus "
    "Q-learning, a random policy and itself without returns (quick budget), and reaches the exit "
    "in more seeds than count-bonus Q-learning (full budget) (Ecoffet et al. 2021)."
)
RULE = (
    "the 95% CI of the difference lies above 0 for go-explore - count, go-explore - random and "
    "go-explore - go-explore without returns in rooms visited within the budget (bootstrap), and, "
    "with the full budget, for go-explore - count in the fraction of seeds reaching the exit "
    "(Newcombe)"
)
#: Base seeds of the pilot runs that fixed the budgets.
PILOT_SEEDS = (1000,)
LEVEL = "pyramid"
#: Env steps per seed, by budget (quick: True).
BUDGET = {True: 60_000, False: 2_000_000}
SEEDS = {True: 10, False: 10}
ARMS = ("random", "count", "go-explore", "go-explore, no return")
#: The job groups: the two Q arms share a batch; each Go-Explore arm runs alone.
GROUPS = (("random", "count"), ("go-explore",), ("go-explore, no return",))
#: (first, second, figure): first minus second is predicted > 0.
COMPARED = (
    ("go-explore", "count", "rooms"),
    ("go-explore", "random", "rooms"),
    ("go-explore", "go-explore, no return", "rooms"),
    ("go-explore", "count", "exit"),
)


def _job(job: dict) -> list[dict]:
    return run_group(LEVEL, job["methods"], job["seeds"], job["base"], job["budget"])


def run(settings: Settings) -> Result:
    """The experiment, its arms and its comparisons."""
    started = time.perf_counter()
    budget = BUDGET[settings.quick]
    seeds = settings.seeds or SEEDS[settings.quick]
    jobs = [{"methods": group, "seeds": seeds, "base": settings.seed, "budget": budget}
            for group in GROUPS]  # fmt: skip
    runs = [r for rows in run_jobs(_job, jobs, **settings.executor(),
                                   progress=settings.jobs_progress()) for r in rows]  # fmt: skip
    rooms = {a: np.array([r["rooms"] for r in runs if r["method"] == a], float) for a in ARMS}
    exits = {a: sum(r["exit_step"] is not None for r in runs if r["method"] == a) for a in ARMS}
    comparisons = []
    for k, (first, second, figure) in enumerate(COMPARED):
        if figure == "exit":
            if settings.quick:
                continue
            comparisons.append(Comparison(
                f"exit fraction, {first} minus {second}", (exits[first] - exits[second]) / seeds,
                proportion_difference_ci(exits[first], seeds, exits[second], seeds),
                "newcombe", (first, second),
            ))  # fmt: skip
        else:
            comparisons.append(Comparison(
                f"rooms visited, {first} minus {second}",
                float(rooms[first].mean() - rooms[second].mean()),
                difference_ci(rooms[first], rooms[second], seed=settings.seed + k),
                "bootstrap", (first, second),
            ))  # fmt: skip
    arms = {}
    for a in ARMS:
        best = np.median([r["best_score"] for r in runs if r["method"] == a])
        arms[a] = (f"rooms {rooms[a].mean():.1f} (mean); reached the exit {exits[a]}/{seeds}; "
                   f"median best score {best:,.0f}")  # fmt: skip
    details = {
        "statement": STATEMENT, "rule": RULE, "pilot_seeds": list(PILOT_SEEDS),
        "base_seed": settings.seed, "budget": budget, "seeds": seeds, "level": LEVEL,
        "comparisons": [c.to_dict() for c in comparisons], "runs": runs,
        "seconds": time.perf_counter() - started,
    }  # fmt: skip
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "details.json").write_text(json.dumps(details, indent=1))
    plots = plot(runs, [LEVEL], out / "go_explore.png")
    return Result(arms, comparisons, details, plots)


__all__ = ["ARMS", "BUDGET", "NAME", "PILOT_SEEDS", "RULE", "STATEMENT", "run"]
