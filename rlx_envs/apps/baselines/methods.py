"""The reference methods of the baselines table, run on MiniMontezuma levels, seeds batched.

Every method gets the same env-step budget per seed on a level and reports, per seed: the best
score (the best episode's return in game points; Go-Explore: the best trajectory it found), the
rooms visited, whether and when it first reached the exit, and the rooms visited at
:data:`CHECKPOINTS` points of the budget (the curve of the plot).

* **tabular Q-learning arms** over MiniMontezuma's cell (room, x, y, keys, opened doors), one
  seed per env of the numpy batch (seed i of a batch is the single agent seeded i): ``random``
  (epsilon = 1), ``epsilon-greedy`` (Q0 = 0), ``optimistic`` (Q0 = beta / (1 - gamma)), and the
  optimistic start plus a bonus of beta / sqrt(N), each seed its own estimate: ``count`` (exact
  counts of the cell), ``pseudo-count`` (the CTS density of the symbolic screen; Bellemare et al.
  2016), ``simhash`` (counts of a ``SIMHASH_BITS``-bit SimHash of the RAM; Tang et al. 2017);
* ``bootstrapped``: bootstrapped Q-learning with randomised priors (Osband et al. 2016, 2018);
* ``go-explore``: Go-Explore's exploration phase (Ecoffet et al. 2021) on its own batch of
  ``GO_EXPLORE_ENVS`` envs per seed, the budget counting its exploration steps; and
  ``go-explore, no return``, the ablation of its return (every exploration from the start).

Rewards are scaled by ``REWARD_SCALE`` for learning; sticky actions are off for every method (Go-
Explore's phase 1 assumes a deterministic game; the other methods are run alike so that the
table compares exploration, not robustness).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.agents import BootstrappedQ, QLearning
from rlx_envs.agents.base import run_batch
from rlx_envs.agents.go_explore import GoExplore
from rlx_envs.wrappers import (
    VectorCellObservation,
    VectorCountBonus,
    VectorHashCountBonus,
    VectorPseudoCountBonus,
)

#: Level name -> registered id (the pyramid, the first room, the three teaching levels).
LEVELS = {
    "first_room": "rlx/MiniMontezumaFirstRoom-v0",
    "pyramid": "rlx/MiniMontezuma-v0",
    "lesson_climb": "rlx/MiniMontezumaClimb-v0",
    "lesson_keys": "rlx/MiniMontezumaKeys-v0",
    "lesson_hazards": "rlx/MiniMontezumaHazards-v0",
}
REWARD_SCALE = 0.01
BETA, GAMMA, ALPHA, EPSILON = 0.1, 0.99, 0.5, 0.05
OPTIMISTIC_Q = BETA / (1 - GAMMA)
SIMHASH_BITS = 16
BOOTSTRAPPED = {"heads": 10, "mask_probability": 0.5, "prior_scale": 30.0}
GO_EXPLORE_ENVS = 16
#: Tabular arm -> (epsilon, Q0, bonus): bonus None, "count", "pseudo-count" or "simhash".
Q_ARMS = {
    "random": (1.0, 0.0, None),
    "epsilon-greedy": (EPSILON, 0.0, None),
    "optimistic": (EPSILON, OPTIMISTIC_Q, None),
    "count": (EPSILON, OPTIMISTIC_Q, "count"),
    "pseudo-count": (EPSILON, OPTIMISTIC_Q, "pseudo-count"),
    "simhash": (EPSILON, OPTIMISTIC_Q, "simhash"),
}
#: The last is the ablation of Go-Explore's return (every exploration from the start).
METHODS = (*Q_ARMS, "bootstrapped", "go-explore", "go-explore, no return")
#: Rooms visited are read at this many evenly spaced points of the budget.
CHECKPOINTS = 20
#: A scaled extrinsic reward at least this large ends an episode at the exit (10,000 points).
EXIT_REWARD = 100.0


def groups() -> list[tuple[str, ...]]:
    """The methods that share one batch (one job per level): the arms without a bonus with the
    count arm, each other bonus alone, bootstrapped Q, Go-Explore."""
    return [("random", "epsilon-greedy", "optimistic", "count"), ("pseudo-count",), ("simhash",),
            ("bootstrapped",), ("go-explore",), ("go-explore, no return",)]  # fmt: skip


def seeds_of(base: int, seeds: int) -> tuple[list[int], list[int]]:
    """(agent seeds, env seeds) of seed indices 0..seeds-1: the same for every method."""
    agent = [int(s) for s in np.random.SeedSequence([base, 11]).generate_state(seeds)]
    env = [int(s) for s in np.random.SeedSequence([base, 12]).generate_state(seeds)]
    return agent, env


def _tabular(level: str, methods: tuple[str, ...], seeds: int, base: int, budget: int):
    """Run tabular methods (one seed per env) for ``budget`` steps per seed."""
    n = len(methods) * seeds
    kwargs = {"reward_scale": REWARD_SCALE, "sticky_action_prob": 0.0}
    bonus = None if methods == ("bootstrapped",) else Q_ARMS[methods[-1]][2]
    if bonus == "pseudo-count":
        kwargs["obs_mode"] = "symbolic"
    envs = gym.make_vec(LEVELS[level], num_envs=n, vectorization_mode="vector_entry_point",
                        **kwargs)  # fmt: skip
    if bonus == "count":
        envs = VectorCountBonus(envs, beta=1.0, per_env=True, mix=False)
    elif bonus == "pseudo-count":
        envs = VectorPseudoCountBonus(envs, beta=1.0, per_env=True, mix=False)
    elif bonus == "simhash":
        envs = VectorHashCountBonus(envs, beta=1.0, per_env=True, mix=False, k=SIMHASH_BITS)
    envs = VectorCellObservation(envs)
    if methods == ("bootstrapped",):
        agent = BootstrappedQ(alpha=ALPHA, gamma=GAMMA, **BOOTSTRAPPED)
        betas = np.zeros(n)
    else:
        arms = np.repeat([Q_ARMS[m][:2] for m in methods], seeds, axis=0)
        agent = QLearning(ALPHA, GAMMA, epsilon=arms[:, 0], initial_q=arms[:, 1])
        betas = np.repeat([BETA if Q_ARMS[m][2] else 0.0 for m in methods], seeds)
    agent_seeds, env_seeds = seeds_of(base, seeds)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space,
                      [agent_seeds[i % seeds] for i in range(n)])  # fmt: skip
    steps, score, best = np.zeros(n, np.int64), np.zeros(n), np.zeros(n)
    exit_at = np.full(n, -1, np.int64)
    rooms = np.zeros((n, 64), bool)
    curve = np.zeros((n, CHECKPOINTS), np.int64)
    marks = (np.arange(1, CHECKPOINTS + 1) * budget) // CHECKPOINTS

    def learning_reward(rewards, infos):
        return rewards + betas * infos["intrinsic_reward"] if betas.any() else rewards

    def on_step(t, active, rewards, terminated, truncated, infos) -> bool:
        running = active & (steps < budget)
        steps[running] += 1
        extrinsic = np.asarray(infos.get("extrinsic_reward", rewards))
        score[running] += extrinsic[running] / REWARD_SCALE
        rooms[np.flatnonzero(running), infos["room"][running]] = True
        solved = running & terminated & (extrinsic >= EXIT_REWARD) & ~infos["life_lost"]
        exit_at[solved & (exit_at < 0)] = steps[solved & (exit_at < 0)]
        ended = running & (terminated | truncated)
        best[ended] = np.maximum(best[ended], score[ended])
        score[ended] = 0.0
        at_mark = running & np.isin(steps, marks)
        if at_mark.any():
            curve[at_mark, np.searchsorted(marks, steps[at_mark])] = rooms[at_mark].sum(axis=1)
        return bool(np.all(steps >= budget))

    run_batch(envs, agent, 2 * budget, seed=[env_seeds[i % seeds] for i in range(n)],
              on_step=on_step, reward=learning_reward)  # fmt: skip
    envs.close()
    return [_record(level, methods[i // seeds], i % seeds, agent_seeds[i % seeds],
                    env_seeds[i % seeds], max(best[i], score[i]), int(rooms[i].sum()),
                    int(exit_at[i]) if exit_at[i] >= 0 else None, curve[i].tolist(), budget)
            for i in range(n)]  # fmt: skip


def _go_explore(level: str, seeds: int, base: int, budget: int, method: str) -> list[dict]:
    """Go-Explore (or its ablation without returns), one run of ``GO_EXPLORE_ENVS`` envs per
    seed."""
    agent_seeds, env_seeds = seeds_of(base, seeds)
    marks = (np.arange(1, CHECKPOINTS + 1) * budget) // CHECKPOINTS
    records = []
    for j in range(seeds):
        envs = gym.make_vec(LEVELS[level], num_envs=GO_EXPLORE_ENVS, sticky_action_prob=0.0,
                            vectorization_mode="vector_entry_point")  # fmt: skip
        agent = GoExplore(seed=agent_seeds[j], returns=method == "go-explore")
        history = []
        agent.run(envs, budget, seed=env_seeds[j], on_record=history.append)
        envs.close()
        steps = np.array([h["steps"] for h in history])
        rooms = np.array([h["rooms"] for h in history])
        curve = [int(rooms[max(np.searchsorted(steps, m, side="right") - 1, 0)]) for m in marks]
        score, _ = agent.best_trajectory()
        records.append(_record(level, method, j, agent_seeds[j], env_seeds[j], score,
                               len(agent.rooms), agent.first_ending_step, curve,
                               budget))  # fmt: skip
    return records


def _record(level, method, index, agent_seed, env_seed, best, rooms, exit_step, curve, budget):
    return {"level": level, "method": method, "seed_index": index, "agent_seed": agent_seed,
            "env_seed": env_seed, "best_score": float(best), "rooms": rooms,
            "exit_step": exit_step, "curve": curve, "budget": budget}  # fmt: skip


def run_group(level: str, methods: tuple[str, ...], seeds: int, base: int, budget: int):
    """Per-seed records of ``methods`` (one of :func:`groups`) on ``level``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; valid levels: {list(LEVELS)}")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown methods {unknown}; valid methods: {list(METHODS)}")
    if methods[0].startswith("go-explore"):
        return _go_explore(level, seeds, base, budget, methods[0])
    return _tabular(level, methods, seeds, base, budget)
