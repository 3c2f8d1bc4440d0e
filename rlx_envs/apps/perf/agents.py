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
