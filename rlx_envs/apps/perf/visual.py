"""Visual randomization figures for ``python -m rlx_envs perf --only visual``: the cost of
randomized pixels as a ratio to plain pixels, single env and batched, measured in the same run."""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np

from rlx_envs.apps.perf.timing import steps_per_second
from rlx_envs.wrappers import VectorVisualRandomization, VisualRandomization

ENV_ID = "rlx/MiniMontezumaFirstRoom-v0"
TARGET = 1.5


def _batched_rate(envs, steps: int) -> float:
    envs.reset(seed=0)
    actions = np.random.default_rng(0).integers(8, size=(steps, envs.num_envs))
    envs.step(actions[0])
    start = time.perf_counter()
    for a in actions:
        envs.step(a)
    return steps * envs.num_envs / (time.perf_counter() - start)


def visual_table(steps: int, num_envs: int = 1024, repeats: int = 3) -> dict[str, float]:
    """Print steps/s of plain and randomized pixels (median of ``repeats`` interleaved runs)
    and their ratio, for one env and a batch of ``num_envs``; return the two ratios."""
    print(f"\n{ENV_ID}, pixels, visual randomization (defaults) vs plain, random actions")
    print("| setting | plain steps/s | randomized steps/s | cost ratio | target |")
    print("|---|---:|---:|---:|---:|")

    def single(randomized):
        env = gym.make(ENV_ID, obs_mode="pixels")
        return steps_per_second(VisualRandomization(env) if randomized else env, steps)

    def batched(randomized):
        envs = gym.make_vec(ENV_ID, num_envs=num_envs, vectorization_mode="vector_entry_point",
                            obs_mode="pixels")  # fmt: skip
        envs = VectorVisualRandomization(envs) if randomized else envs
        return _batched_rate(envs, max(5, 20_000 // num_envs))

    ratios = {}
    for name, run in (("single env", single), (f"batched, {num_envs} envs", batched)):
        rates = np.array([[run(False), run(True)] for _ in range(repeats)])
        plain, rand = np.median(rates, axis=0)
        ratios[name] = plain / rand
        print(f"| {name} | {plain:,.0f} | {rand:,.0f} | {plain / rand:.2f}x | <= {TARGET}x |")
    return ratios
