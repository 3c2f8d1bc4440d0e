"""``python -m rlx_envs baselines [--quick]``: the table of reference results on MiniMontezuma.

Per level (:data:`~rlx_envs.apps.baselines.methods.LEVELS`) and method
(:data:`~rlx_envs.apps.baselines.methods.METHODS`), at a fixed env-step budget per seed: the best
score, the rooms visited, the fraction of seeds that reach the exit and the steps to the exit
(median, censored at the budget), each with a 95% interval over the seeds (percentile bootstrap
of the mean or median, seeded; Wilson's interval with continuity correction for the fraction),
and a plot of rooms visited against env steps. The sweep runs on the one job executor of the
validation suite, with its progress bar; results (``baselines.json``, ``baselines.md``) and the
plot (``baselines.png``) are saved in ``--out``.

**Pre-registration.** Budgets, seeds and every hyperparameter were fixed on the pilot base seed
:data:`PILOT_SEEDS` before the evaluation base seed 0 ran. The pilot (quick, 15,000 steps per
seed everywhere, 6 min on 2 cores) left every method in the pyramid's first room, so the quick
pyramid budget became 30,000 steps; on the teaching levels the optimistic and bonus arms and
Go-Explore (climb, hazards) reached the exit well within 15,000 steps, so the full budgets give
them 30,000, the first room 100,000 and the pyramid 200,000 (a pilot of the Go-Explore claim
put Go-Explore ahead of count-bonus Q in rooms there: 16.5 against 11.0, 4 seeds). The
hyperparameters are those of the validation claims (tabular arms as hard-exploration's,
bootstrapped Q as deep-exploration's, Go-Explore's defaults), not tuned here; see
``docs/baselines.md``.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np

from rlx_envs.analysis.intervals import wilson_interval
from rlx_envs.analysis.plotting import pyplot, save
from rlx_envs.analysis.provenance import versions
from rlx_envs.analysis.statistics import bootstrap_ci
from rlx_envs.apps.baselines.methods import LEVELS, METHODS, groups, run_group
from rlx_envs.apps.executor import ProgressBar, run_jobs

#: The base seed of the pilot run that fixed the budgets (never the evaluation seed 0).
PILOT_SEEDS = (1000,)
#: Env steps per seed and level, by budget (quick: True).
BUDGET = {
    True: {"first_room": 15_000, "pyramid": 30_000, "lesson_climb": 15_000,
           "lesson_keys": 15_000, "lesson_hazards": 15_000},
    False: {"first_room": 100_000, "pyramid": 200_000, "lesson_climb": 30_000,
            "lesson_keys": 30_000, "lesson_hazards": 30_000},
}  # fmt: skip
SEEDS = 10
#: Relative cost of a job, for the executor's ordering (the CTS density is the slow one).
_COST = {"pseudo-count": 6.0, "go-explore": 1.0, "bootstrapped": 1.5, "simhash": 1.5}


def _job(job: dict) -> list[dict]:
    return run_group(job["level"], job["methods"], job["seeds"], job["base"], job["budget"])


def run(quick: bool = True, seeds: int = SEEDS, workers: int = 2, seed: int = 0,
        levels=None, out: Path | str = "results/baselines", progress=True,
        backend: str = "local", address: str | None = None) -> dict:  # fmt: skip
    """Run the sweep, save and return ``{"rows": [...], "records": [...], ...}``.

    ``workers``, ``backend`` and ``address`` go to :func:`rlx_envs.apps.executor.run_jobs`.
    """
    started = time.perf_counter()
    levels = list(LEVELS) if levels is None else list(levels)
    jobs = [{"level": level, "methods": group, "seeds": seeds, "base": seed,
             "budget": BUDGET[quick][level]} for level in levels for group in groups()]  # fmt: skip
    bar = ProgressBar("baselines") if progress else None
    cost = lambda job: _COST.get(job["methods"][-1], len(job["methods"])) * job["budget"]  # noqa: E731
    results = run_jobs(_job, jobs, workers=workers, progress=bar, cost=cost, backend=backend,
                       address=address)  # fmt: skip
    records = [record for group in results for record in group]
    rows = summarise(records, seed)
    details = {
        "command": f"python -m rlx_envs baselines{' --quick' if quick else ''}",
        "quick": quick, "seeds": seeds, "base_seed": seed, "pilot_seeds": list(PILOT_SEEDS),
        "budgets": {level: BUDGET[quick][level] for level in levels},
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {workers} workers, "
                   f"{backend}",
        "versions": versions(), "seconds": time.perf_counter() - started,
        "rows": rows, "records": records,
    }  # fmt: skip
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "baselines.json").write_text(json.dumps(details, indent=1))
    (out / "baselines.md").write_text(markdown(rows) + "\n")
    details["plots"] = [str(p) for p in plot(records, levels, out / "baselines.png")]
    return details


def summarise(records: list[dict], seed: int = 0) -> list[dict]:
    """One row per (level, method) with the four figures and their 95% intervals."""
    rows = []
    for level in dict.fromkeys(r["level"] for r in records):
        for k, method in enumerate(METHODS):
            mine = [r for r in records if r["level"] == level and r["method"] == method]
            if not mine:
                continue
            budget = mine[0]["budget"]
            score = np.array([r["best_score"] for r in mine])
            rooms = np.array([r["rooms"] for r in mine], float)
            exits = [r["exit_step"] for r in mine]
            reached = sum(e is not None for e in exits)
            steps = np.array([e if e is not None else budget for e in exits], float)
            draw = seed * 1000 + 10 * k + len(rows)
            rows.append({
                "level": level, "method": method, "seeds": len(mine), "budget": budget,
                "best_score": float(score.mean()),
                "best_score_ci": list(bootstrap_ci(score, np.mean, seed=draw)),
                "rooms": float(rooms.mean()),
                "rooms_ci": list(bootstrap_ci(rooms, np.mean, seed=draw + 1)),
                "exit_fraction": reached / len(mine),
                "exit_fraction_ci": list(wilson_interval(reached, len(mine))),
                "steps_to_exit": float(np.median(steps)),
                "steps_to_exit_ci": list(bootstrap_ci(steps, np.median, seed=draw + 2)),
            })  # fmt: skip
    return rows


def _steps(value: float, budget: int) -> str:
    return f">{budget:,}" if value >= budget else f"{value:,.0f}"


def markdown(rows: list[dict]) -> str:
    """The table in Markdown: means (best score, rooms), fraction, median steps, 95% CIs."""
    lines = ["| level | method | best score | rooms visited | reached the exit | steps to the "
             "exit |", "|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for row in rows:
        s, r, e, t = (row[k] for k in ("best_score_ci", "rooms_ci", "exit_fraction_ci",
                                       "steps_to_exit_ci"))  # fmt: skip
        budget = row["budget"]
        lines.append(
            f"| {row['level']} | {row['method']} | {row['best_score']:,.0f} [{s[0]:,.0f}, "
            f"{s[1]:,.0f}] | {row['rooms']:.1f} [{r[0]:.1f}, {r[1]:.1f}] | "
            f"{row['exit_fraction']:.0%} [{e[0]:.0%}, {e[1]:.0%}] | "
            f"{_steps(row['steps_to_exit'], budget)} [{_steps(t[0], budget)}, "
            f"{_steps(t[1], budget)}] |"
        )
    return "\n".join(lines)


def plot(records: list[dict], levels: list[str], path: Path) -> list[Path]:
    """Mean rooms visited against env steps, a panel per level, a line per method."""
    plt = pyplot()
    if plt is None:
        return []
    fig, axes = plt.subplots(1, len(levels), figsize=(3.2 * len(levels), 3.2), squeeze=False)
    for ax, level in zip(axes[0], levels, strict=True):
        for k, method in enumerate(METHODS):
            mine = [r for r in records if r["level"] == level and r["method"] == method]
            if not mine:
                continue
            curve = np.mean([r["curve"] for r in mine], axis=0)
            steps = np.arange(1, len(curve) + 1) * mine[0]["budget"] / len(curve)
            ax.plot(steps, curve, label=method, color=f"C{k}",
                    linestyle="--" if method == "go-explore" else "-")  # fmt: skip
        ax.set(title=level, xlabel="env steps per seed")
    axes[0][0].set_ylabel("rooms visited (mean over seeds)")
    axes[0][-1].legend(fontsize=7, loc="upper left")
    save(fig, path)
    return [path]
