"""Claim: count bonuses solve MiniMontezuma's first room where epsilon-greedy does not, and the
bonus itself is what does it (Bellemare et al. 2016; Tang et al. 2017).

Bellemare et al. (2016) and Tang et al. (2017) show that count-based bonuses make progress on
Montezuma's Revenge, where epsilon-greedy DQN scores nothing. Here: tabular Q-learning over
MiniMontezuma's cell (room, x, y, keys, used objects), on ``rlx/MiniMontezumaFirstRoom-v0`` with
the default sticky actions (0.25) and scores scaled by 0.01, for a fixed step budget per seed.
Every arm has the same step size, discount and epsilon; they differ only in what the claim
credits (the bonus) and in the ablations that isolate it:

* **random** (control): uniform random actions (epsilon = 1);
* **epsilon-greedy**: no bonus, Q0 = 0;
* **optimistic**: no bonus, Q0 = ``OPTIMISTIC_Q`` (optimism alone, the ablation of the bonus);
* **count**: :class:`~rlx_envs.wrappers.VectorCountBonus` (beta / sqrt(N(cell)), one count table
  per seed), Q0 = ``OPTIMISTIC_Q``;
* **count, Q0 = 0**: the same bonus without optimism (the ablation of the optimistic start);
* **pseudo-count**: :class:`~rlx_envs.wrappers.VectorPseudoCountBonus` with the CTS density of the
  symbolic screen (one density model per seed), Q0 = ``OPTIMISTIC_Q``.

``OPTIMISTIC_Q`` = beta / (1 - gamma), the value of a bonus of beta forever (the theory behind
these bonuses assumes an optimistic start). Both bonuses count the current visit (the first visit
of a cell earns beta). A seed **solves** the room when an episode ends at an exit with the key
used on a door (the exit pays 10,000); the budget is ``BUDGET`` env steps per seed.

Arms that differ only in epsilon and Q0 and in the beta of a count bonus run as ONE batch (the
count bonus with beta = 0 is no bonus; per-seed epsilon and Q0), the pseudo-count arm as a
second: two jobs of :func:`rlx_envs.apps.executor.run_jobs`. Seed i of a batch is exactly the
single-env agent with seed i.

Comparisons (all must have their 95% CI above 0 to PASS):

1. count minus epsilon-greedy; 2. pseudo-count minus epsilon-greedy; 3. count minus random;
4. count minus optimistic (what the bonus adds to optimism); 5. count with Q0 = 0 minus
   epsilon-greedy (what the bonus does without optimism).

**What is compared depends on the budget**, because solving the room costs far more steps than
the quick suite can afford:

* quick (``BUDGET[True]`` = 30,000 steps per seed): the number of distinct cells each seed has
  met, how widely it explores, the quantity a bonus acts on (seeded bootstrap CI of the
  difference of means);
* full (``BUDGET[False]`` = 2,000,000 steps per seed): the fraction of seeds that solve the room
  (Newcombe's interval, continuity-corrected).

Reported in both: cells, solved seeds, steps to the first key and to the exit (median, censored
at the budget), best episode score (the solving episode included).

**Pre-registration.** The arms and comparisons were written first; the budgets were then fixed
on the pilot base seeds :data:`PILOT_SEEDS` before the evaluation seed 0 ran. Pilot seed 1000
(6 seeds per arm, 100,000 steps): no arm collected the key, let alone left the room (the older
version of this claim saw solves near 500,000 to 800,000 steps); the count arms met 140 to 165
cells, epsilon-greedy 85 to 101, random 81 to 97, optimistic 141 to 154, count with Q0 = 0 85 to
129, pseudo-count 130 to 153; the two batches (60 and 12 envs) cost about 1.5 and 3 ms per step
on a 2-core machine (the MiniMontezuma batch itself about 1 ms), so a solving budget takes
hours. Pilot seed 2000 (12 seeds per arm) at 50,000 and at 30,000 steps gave the same
picture (count minus epsilon-greedy +50 and +49.5 cells, count minus optimistic -2.6 and +1.0,
count with Q0 = 0 minus epsilon-greedy +3.5 and -5.7), and 30,000 steps took 105 s on 2 idle
cores: the quick budget measures coverage at 30,000 steps. The full budget, solving, is
documented but has not been run (``docs/validation.md``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.agents import QLearning
from rlx_envs.agents.base import run_batch
from rlx_envs.analysis.intervals import difference_ci, proportion_difference_ci
from rlx_envs.analysis.plotting import pyplot, save
from rlx_envs.apps.executor import run_jobs
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.verdict import Comparison
from rlx_envs.wrappers import VectorCellObservation, VectorCountBonus, VectorPseudoCountBonus

NAME = "hard-exploration"
STATEMENT = (
    "On MiniMontezuma's first room, count-bonus and pseudo-count Q-learning explore more of the "
    "room (quick budget) and leave it through an exit more often (full budget) than "
    "epsilon-greedy and a random policy, and the bonus adds to an optimistic start alone "
    "(Bellemare et al. 2016; Tang et al. 2017)."
)
RULE = (
    "the 95% CI of the difference lies above 0 for count - epsilon-greedy, pseudo-count - "
    "epsilon-greedy, count - random, count - optimistic (no bonus) and count with Q0 = 0 - "
    "epsilon-greedy, in distinct cells met within 30,000 steps per seed (quick; bootstrap) or in "
    "the fraction of seeds leaving the room within 2,000,000 steps (full; Newcombe)"
)
#: Base seeds of the pilot runs that fixed the budget, epsilon and seeds.
PILOT_SEEDS = (1000, 2000)
ENV = "rlx/MiniMontezumaFirstRoom-v0"
REWARD_SCALE = 0.01
BETA, GAMMA, ALPHA, EPSILON = 0.1, 0.99, 0.5, 0.05
OPTIMISTIC_Q = BETA / (1 - GAMMA)
#: arm -> (epsilon, Q0, count-bonus beta, pseudo-count beta)
ARMS = {
    "random": (1.0, 0.0, 0.0, 0.0),
    "epsilon-greedy": (EPSILON, 0.0, 0.0, 0.0),
    "optimistic": (EPSILON, OPTIMISTIC_Q, 0.0, 0.0),
    "count": (EPSILON, OPTIMISTIC_Q, BETA, 0.0),
    "count, Q0 = 0": (EPSILON, 0.0, BETA, 0.0),
    "pseudo-count": (EPSILON, OPTIMISTIC_Q, 0.0, BETA),
}
#: Env steps per seed, seeds per arm and the judged figure, by budget (quick: True): the quick
#: budget measures how widely each arm explores (distinct cells met), the full one whether it
#: solves the room (see the module docstring).
BUDGET = {True: 30_000, False: 2_000_000}
SEEDS = {True: 12, False: 30}
METRIC = {True: "cells", False: "solved"}
#: The comparisons, (first, second): first minus second is predicted > 0.
COMPARED = (("count", "epsilon-greedy"), ("pseudo-count", "epsilon-greedy"), ("count", "random"),
            ("count", "optimistic"), ("count, Q0 = 0", "epsilon-greedy"))  # fmt: skip
#: A scaled extrinsic reward at least this large ends a solved episode (the exit's 10,000).
EXIT_REWARD = 100.0
#: How the vector envs are made.
VECTORIZATION = "vector_entry_point"


def make(arms: list[str], seeds: int):
    """The vector env (one seed per env, arms in blocks of ``seeds``) and the batched agent."""
    per_env = np.repeat([ARMS[a] for a in arms], seeds, axis=0)
    pseudo = per_env[:, 3].any()
    envs = gym.make_vec(ENV, num_envs=len(per_env), vectorization_mode=VECTORIZATION,
                        reward_scale=REWARD_SCALE,
                        **({"obs_mode": "symbolic"} if pseudo else {}))  # fmt: skip
    if pseudo:
        envs = VectorPseudoCountBonus(envs, beta=1.0, per_env=True, mix=False)
    elif per_env[:, 2].any():
        envs = VectorCountBonus(envs, beta=1.0, per_env=True, mix=False)
    agent = QLearning(ALPHA, GAMMA, epsilon=per_env[:, 0], initial_q=per_env[:, 1])
    betas = per_env[:, 2] + per_env[:, 3]
    return VectorCellObservation(envs), agent, betas


def run_arms(arms: list[str], seeds: int, base: int, budget: int) -> list[dict]:
    """Run ``seeds`` seeds of each arm in one batch for at most ``budget`` steps per seed."""
    envs, agent, betas = make(arms, seeds)
    n = envs.num_envs
    agent_seeds = [int(s) for s in np.random.SeedSequence([base, 7]).generate_state(n)]
    env_seeds = [int(s) for s in np.random.SeedSequence([base, 8]).generate_state(n)]
    # the same seeds for every arm: seed index j of each arm meets the same env and generator
    agent_seeds = [agent_seeds[i % seeds] for i in range(n)]
    env_seeds = [env_seeds[i % seeds] for i in range(n)]
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, agent_seeds)
    key_at = np.full(n, -1, np.int64)
    exit_at = np.full(n, -1, np.int64)
    steps = np.zeros(n, np.int64)
    score = np.zeros(n)
    best = np.zeros(n)
    cells = np.zeros(n, np.int64)

    def learning_reward(rewards, infos):
        return rewards + betas * infos["intrinsic_reward"] if betas.any() else rewards

    def on_step(t, active, rewards, terminated, truncated, infos) -> bool:
        running = active & (exit_at < 0) & (steps < budget)
        steps[running] += 1
        extrinsic = np.asarray(infos.get("extrinsic_reward", rewards))
        score[running] += extrinsic[running] / REWARD_SCALE
        got_key = running & (infos["inventory"].sum(axis=1) > 0) & (key_at < 0)
        key_at[got_key] = steps[got_key]
        solved = running & terminated & (extrinsic >= EXIT_REWARD) & ~infos["life_lost"]
        exit_at[solved] = steps[solved]
        ended = running & (terminated | truncated)
        best[ended] = np.maximum(best[ended], score[ended])  # the solving episode included
        score[ended] = 0.0
        stopped = running & ((exit_at >= 0) | (steps >= budget))
        if stopped.any():  # cells met so far: the agent's table has a row per (seed, cell)
            table = agent.table
            cells[stopped] = np.bincount(table.row_env[: len(table)], minlength=n)[stopped]
        return bool(np.all((exit_at >= 0) | (steps >= budget)))

    run_batch(envs, agent, 2 * budget, seed=env_seeds, on_step=on_step, reward=learning_reward)
    envs.close()
    return [
        {"arm": arms[i // seeds], "seed_index": i % seeds, "agent_seed": agent_seeds[i],
         "env_seed": env_seeds[i], "key_step": int(key_at[i]) if key_at[i] >= 0 else None,
         "exit_step": int(exit_at[i]) if exit_at[i] >= 0 else None,
         "best_score": float(max(best[i], score[i])), "cells": int(cells[i]),
         "steps": int(steps[i])}
        for i in range(n)
    ]  # fmt: skip


def _job(job: dict) -> list[dict]:
    return run_arms(job["arms"], job["seeds"], job["base"], job["budget"])


def _median_steps(values: list[int | None], budget: int) -> str:
    censored = np.array([v if v is not None else budget for v in values], float)
    median = float(np.median(censored))
    return f"{median / 1000:.0f}k" if median < budget else f">{budget / 1000:.0f}k"


def run(settings: Settings, budget: int | None = None) -> Result:
    """The experiment, its arms and its comparisons (``budget`` overrides the steps per seed)."""
    started = time.perf_counter()
    budget = budget or BUDGET[settings.quick]
    seeds = settings.seeds or SEEDS[settings.quick]
    batches = [[a for a in ARMS if ARMS[a][3] == 0], [a for a in ARMS if ARMS[a][3] > 0]]
    jobs = [{"arms": arms, "seeds": seeds, "base": settings.seed, "budget": budget}
            for arms in batches]  # fmt: skip
    runs = [r for rows in run_jobs(_job, jobs, **settings.executor(),
                                   progress=settings.jobs_progress()) for r in rows]  # fmt: skip
    solved = {a: sum(r["exit_step"] is not None for r in runs if r["arm"] == a) for a in ARMS}
    cells = {a: np.array([r["cells"] for r in runs if r["arm"] == a], float) for a in ARMS}
    metric = METRIC[settings.quick]
    comparisons = []
    for k, (first, second) in enumerate(COMPARED):
        if metric == "solved":
            comparisons.append(Comparison(
                f"solved fraction, {first} minus {second}",
                (solved[first] - solved[second]) / seeds,
                proportion_difference_ci(solved[first], seeds, solved[second], seeds),
                "newcombe", (first, second),
            ))  # fmt: skip
        else:
            comparisons.append(Comparison(
                f"cells visited, {first} minus {second}",
                float(cells[first].mean() - cells[second].mean()),
                difference_ci(cells[first], cells[second], seed=settings.seed + k),
                "bootstrap", (first, second),
            ))  # fmt: skip
    arms = {}
    for a in ARMS:
        mine = [r for r in runs if r["arm"] == a]
        key = _median_steps([r["key_step"] for r in mine], budget)
        exit_ = _median_steps([r["exit_step"] for r in mine], budget)
        score = np.median([r["best_score"] for r in mine])
        arms[a] = (
            f"cells {cells[a].mean():.0f} (mean); solved {solved[a]}/{seeds}; median "
            f"steps to the key {key}, to the exit {exit_}; median best score {score:.0f}"
        )
    details = {
        "statement": STATEMENT,
        "rule": RULE,
        "pilot_seeds": list(PILOT_SEEDS),
        "base_seed": settings.seed,
        "budget": budget,
        "metric": metric,
        "seeds": seeds,
        "env": ENV,
        "hyperparameters": {"alpha": ALPHA, "gamma": GAMMA, "epsilon": EPSILON, "beta": BETA,
                            "optimistic_q": OPTIMISTIC_Q, "reward_scale": REWARD_SCALE,
                            "arms": {a: dict(zip(("epsilon", "q0", "count_beta", "pseudo_beta"),
                                                 v, strict=True)) for a, v in ARMS.items()}},
        "solved": solved,
        "comparisons": [c.to_dict() for c in comparisons],
        "runs": runs,
        "seconds": time.perf_counter() - started,
    }  # fmt: skip
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "details.json").write_text(json.dumps(details, indent=1))
    plots = _plot(runs, budget, out / "hard_exploration.png")
    return Result(arms, comparisons, details, plots)


def _plot(runs: list[dict], budget: int, path) -> list:
    """Steps to the key and to the exit per seed and arm (a cross at the budget: never)."""
    plt = pyplot()
    if plt is None:
        return []
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    colours = {"key_step": "C0", "exit_step": "C1"}
    for row, arm in enumerate(ARMS):
        for run_ in (r for r in runs if r["arm"] == arm):
            for field, offset in (("key_step", -0.12), ("exit_step", 0.12)):
                step = run_[field]
                ax.scatter(step or budget, row + offset, color=colours[field],
                           marker="o" if step else "x", s=16)  # fmt: skip
    ax.scatter([], [], color="C0", label="first key")
    ax.scatter([], [], color="C1", label="exit (solved)")
    ax.set(yticks=range(len(ARMS)), yticklabels=list(ARMS), xlabel="env steps (x: never)",
           title="MiniMontezuma first room, per seed")  # fmt: skip
    ax.legend(loc="lower right", fontsize=8)
    save(fig, path)
    return [path]


__all__ = ["ARMS", "BUDGET", "NAME", "PILOT_SEEDS", "RULE", "STATEMENT", "make", "run", "run_arms"]
