"""Claim: count bonuses solve MiniMontezuma's first room where epsilon-greedy does not.

Bellemare et al. (2016) and Tang et al. (2016) show that count-based bonuses make progress on
Montezuma's Revenge, where epsilon-greedy DQN scores nothing. Here: tabular Q-learning over
MiniMontezuma's cell (room, x, y, keys, used objects), on `rlx/MiniMontezumaFirstRoom-v0` with the
default sticky actions (0.25) and scores scaled by 0.01, for a fixed step budget, three ways:

* **count**: :class:`~rlx_envs.wrappers.CountBonus` (beta / sqrt(N(cell)), beta = 0.1);
* **pseudo-count**: :class:`~rlx_envs.wrappers.PseudoCountBonus` with the CTS-style density of
  the symbolic screen (beta = 0.1);
* **epsilon-greedy**: no bonus, epsilon = 0.1.

The bonus agents start optimistic (Q = beta / (1 - gamma), the value of a bonus of beta forever),
as the theory behind these bonuses assumes; epsilon-greedy starts at 0, as DQN does. A seed
*solves* the room when it reaches an exit with the key used on a door (the exit pays 10,000).
"""

from __future__ import annotations

import json
import multiprocessing

import gymnasium as gym
import numpy as np

from rlx_envs.agents import QLearning
from rlx_envs.plotting import pyplot, save
from rlx_envs.transfer import stats
from rlx_envs.validate.base import Result, Settings
from rlx_envs.wrappers import CountBonus, PseudoCountBonus

NAME = "hard-exploration"
STATEMENT = (
    "On MiniMontezuma's first room, count-bonus and pseudo-count Q-learning collect the "
    "key and leave the room within the budget; epsilon-greedy does not (Bellemare et al. "
    "2016; Tang et al. 2016)."
)
RULE = (
    "count and pseudo-count solve the room in more than half their seeds; epsilon-greedy "
    "in at most a third"
)
ENV = "rlx/MiniMontezumaFirstRoom-v0"
METHODS = ("count", "pseudo-count", "epsilon-greedy")
BETA, GAMMA, ALPHA = 0.1, 0.99, 0.5
#: Env steps per run, and seeds per method.
BUDGET = {True: 800_000, False: 3_000_000}
SEEDS = {True: 3, False: 8}


class CellObservation(gym.Wrapper):
    """The observation replaced by ``info["cell"]``: the tabular agent's state."""

    def __init__(self, env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 2**62, (5,), np.int64)

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        return np.array(info["cell"]), info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        return np.array(info["cell"]), reward, terminated, truncated, info


def make(method: str) -> tuple[gym.Env, QLearning]:
    """The env (with its bonus) and the agent of ``method``."""
    if method == "count":
        env = CountBonus(gym.make(ENV, reward_scale=0.01), beta=BETA)
    elif method == "pseudo-count":
        env = PseudoCountBonus(gym.make(ENV, reward_scale=0.01, obs_mode="symbolic"), beta=BETA)
    else:
        env = gym.make(ENV, reward_scale=0.01)
    optimistic = BETA / (1 - GAMMA) if method != "epsilon-greedy" else 0.0
    epsilon = 0.05 if method != "epsilon-greedy" else 0.1
    return CellObservation(env), QLearning(ALPHA, GAMMA, epsilon, initial_q=optimistic)


def run_one(method: str, seed: int, budget: int) -> dict:
    """One run: steps to the key and to the exit (None if never), best episode score."""
    env, agent = make(method)
    agent.reset(env.observation_space, env.action_space, seed)
    obs, info = env.reset(seed=seed)
    key_at = exit_at = None
    score = best = 0.0
    cells = set()
    for t in range(budget):
        action = agent.act(obs)
        next_obs, reward, terminated, truncated, info = env.step(action)
        agent.observe(obs, action, reward, next_obs, terminated, truncated)
        extrinsic = info.get("extrinsic_reward", reward)
        score += extrinsic
        cells.add(info["cell"])
        if key_at is None and info["inventory"].sum() > 0:
            key_at = t + 1
        if exit_at is None and terminated and extrinsic >= 100 and not info["life_lost"]:
            exit_at = t + 1
            break  # solved: the rest of the budget would change no figure of the claim
        obs = next_obs
        if terminated or truncated:
            best, score = max(best, score), 0.0
            obs, info = env.reset()
    return {
        "method": method,
        "seed": seed,
        "key_step": key_at,
        "exit_step": exit_at,
        "best_score": best * 100,
        "cells": len(cells),
        "rooms_visited": 1,
    }


def _job(args):
    return run_one(*args)


def run(settings: Settings, budget: int | None = None) -> Result:
    """The experiment and its verdict."""
    budget = budget or BUDGET[settings.quick]
    seeds = settings.seeds or SEEDS[settings.quick]
    jobs = [(m, settings.seed + s, budget) for m in METHODS for s in range(seeds)]
    runs = []
    with multiprocessing.get_context("fork").Pool(max(1, settings.workers)) as pool:
        for i, row in enumerate(pool.imap(_job, jobs)):
            runs.append(row)
            settings.progress((i + 1) / len(jobs))
    solved = {
        m: np.array([r["exit_step"] is not None for r in runs if r["method"] == m], float)
        for m in METHODS
    }
    gap = solved["count"] - solved["epsilon-greedy"]
    low, high = stats.bootstrap_ci(gap, np.mean, reps=2000, seed=settings.seed)
    passed = bool(
        solved["count"].mean() > 0.5
        and solved["pseudo-count"].mean() > 0.5
        and solved["epsilon-greedy"].mean() <= 1 / 3
    )
    details = {
        "budget": budget,
        "seeds": seeds,
        "env": ENV,
        "runs": runs,
        "solved_fraction": {m: float(v.mean()) for m, v in solved.items()},
    }
    (settings.out / "details.json").write_text(json.dumps(details, indent=1))
    plots = _plot(runs, budget, settings.out / "hard_exploration.png")
    return Result(
        "fraction of seeds solving the room: count minus epsilon-greedy",
        float(gap.mean()),
        (float(low), float(high)),
        passed,
        details,
        plots,
    )


def _plot(runs: list[dict], budget: int, path) -> list:
    """Steps to the key and to the exit per seed and method (a cross at the budget: never)."""
    plt = pyplot()
    if plt is None:
        return []
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    colours = {"key_step": "C0", "exit_step": "C1"}
    for row, method in enumerate(METHODS):
        for run_ in (r for r in runs if r["method"] == method):
            for field, offset in (("key_step", 0.0), ("exit_step", 0.12)):
                step = run_[field]
                ax.scatter(
                    step or budget, row + offset, color=colours[field], marker="o" if step else "x"
                )
    ax.scatter([], [], color="C0", label="first key")
    ax.scatter([], [], color="C1", label="first exit")
    ax.set(
        yticks=range(len(METHODS)),
        yticklabels=METHODS,
        xlabel="env steps (x: never)",
        title="MiniMontezuma first room",
    )
    ax.legend(loc="lower right")
    save(fig, path)
    return [path]
