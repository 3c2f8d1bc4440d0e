"""Batched tabular agents for ``python -m rlx_envs perf --only agents``: env steps per second of
Q-learning over MiniMontezuma's cell, the single-env agent (one seed, ``gym.make``) against the
same agent running many seeds at once on the native vector env, in the same run."""

from __future__ import annotations

import time

import gymnasium as gym

from rlx_envs.agents import QLearning
from rlx_envs.agents.base import run_batch
from rlx_envs.wrappers import CellObservation, VectorCellObservation

ENV = "rlx/MiniMontezumaFirstRoom-v0"
SEEDS = (1, 64, 1024)
#: The agent: the hard-exploration claim's optimistic epsilon-greedy learner.
AGENT = {"alpha": 0.5, "gamma": 0.99, "epsilon": 0.05, "initial_q": 10.0}


def single_agent_steps_per_second(steps: int) -> float:
    """Env steps per second of one seed: ``agent.act``/``agent.observe`` on ``gym.make``."""
    env = CellObservation(gym.make(ENV))
    agent = QLearning(**AGENT)
    agent.reset(env.observation_space, env.action_space, seed=0)
    obs, _ = env.reset(seed=0)
    start = time.perf_counter()
    for _ in range(steps):
        action = agent.act(obs)
        next_obs, reward, terminated, truncated, _ = env.step(action)
        agent.observe(obs, action, reward, next_obs, terminated, truncated)
        obs = env.reset()[0] if terminated or truncated else next_obs
    return steps / (time.perf_counter() - start)


def batched_agent_steps_per_second(seeds: int, batch_steps: int) -> float:
    """Env steps per second of ``seeds`` seeds at once (``act_batch``/``observe_batch``)."""
    envs = VectorCellObservation(gym.make_vec(ENV, num_envs=seeds,
                                        vectorization_mode="vector_entry_point"))  # fmt: skip
    agent = QLearning(**AGENT)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, range(seeds))
    start = time.perf_counter()
    run_batch(envs, agent, batch_steps, seed=0)
    return batch_steps * seeds / (time.perf_counter() - start)


def agents_table(steps: int) -> None:
    """Print the single-env agent's rate and the batched agent's at 1, 64 and 1,024 seeds."""
    single = single_agent_steps_per_second(steps)
    print(f"\n{ENV}, tabular Q-learning over the cell, env steps/s (agent included)")
    print("| agent | seeds | env steps/s | vs single-env agent |")
    print("|---|---:|---:|---:|")
    print(f"| single env (act/observe) | 1 | {single:,.0f} | 1.0x |")
    for n in SEEDS:
        rate = batched_agent_steps_per_second(n, max(50, steps // max(1, n // 8)))
        print(f"| batched (act_batch/observe_batch) | {n} | {rate:,.0f} | {rate / single:.1f}x |")


#: Go-Explore's figure: the pyramid, batch size, and budgets (batch steps) of the two runs.
EXPLORE_ENV, EXPLORE_ENVS, EXPLORE_BUDGETS = "rlx/MiniMontezuma-v0", 1024, (300, 1500)


def bare_batch_steps_per_second(batch_steps: int) -> float:
    """The bare numpy batch of the pyramid (random actions, no agent): the anchor."""
    import numpy as np

    envs = gym.make_vec(EXPLORE_ENV, num_envs=EXPLORE_ENVS, sticky_action_prob=0.0,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    envs.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 8, (batch_steps, EXPLORE_ENVS))
    start = time.perf_counter()
    for row in actions:
        envs.step(row)
    return batch_steps * EXPLORE_ENVS / (time.perf_counter() - start)


def go_explore_steps_per_second(batch_steps: int) -> tuple[float, int, float]:
    """(env steps/s, cells found, the env's own steps/s inside the run) of Go-Explore on the
    pyramid, returns included, for a budget of ``batch_steps`` steps of the whole batch. The
    third figure times the batch's ``step`` calls in place: the bare batch on the very states
    Go-Explore visits, at the same moment (immune to the machine's speed drifting)."""
    from rlx_envs.agents import GoExplore

    envs = gym.make_vec(EXPLORE_ENV, num_envs=EXPLORE_ENVS, sticky_action_prob=0.0,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    step, spent = envs.step, [0.0]

    def timed_step(actions):
        started = time.perf_counter()
        out = step(actions)
        spent[0] += time.perf_counter() - started
        return out

    envs.step = timed_step
    agent = GoExplore(seed=0)
    start = time.perf_counter()
    archive = agent.run(envs, batch_steps * EXPLORE_ENVS, seed=0)
    return agent.steps / (time.perf_counter() - start), len(archive), agent.steps / spent[0]


def go_explore_table() -> None:
    """Go-Explore's env steps per second against the bare batch, measured before and after."""
    print(f"\n{EXPLORE_ENV}, {EXPLORE_ENVS:,} envs: Go-Explore (returns included) against the "
          "bare numpy batch (mean of a run before and one after)")  # fmt: skip
    print("| budget (env steps) | cells found | Go-Explore steps/s | bare batch steps/s | ratio "
          "| its env.step in the run, steps/s | ratio to it |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for batch_steps in EXPLORE_BUDGETS:
        before = bare_batch_steps_per_second(200)
        rate, cells, inside = go_explore_steps_per_second(batch_steps)
        bare = (before + bare_batch_steps_per_second(200)) / 2
        print(f"| {batch_steps * EXPLORE_ENVS:,} | {cells:,} | {rate:,.0f} | {bare:,.0f} | "
              f"{rate / bare:.2f}x | {inside:,.0f} | {rate / inside:.2f}x |")  # fmt: skip
