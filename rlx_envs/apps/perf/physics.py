"""Physics figures for ``python -m rlx_envs perf``: the wrapper's cost per step and per reset.

Two ratios, each against an anchor measured in the same run: steps/s of ``rlx/HopperRandom-v0``
against Gymnasium's ``Hopper-v5`` (the wrapper should cost nothing per step), and the time to
draw and apply new physics against recompiling the model from its XML (what XML-editing tools
pay per context).
"""

from __future__ import annotations

import os
import time

import gymnasium as gym
import numpy as np

from rlx_envs.apps.perf.timing import steps_per_second


def step_rates(steps: int, rounds: int = 3) -> tuple[float, float]:
    """(Hopper-v5, rlx/HopperRandom-v0) steps/s, best of interleaved rounds (resets included)."""
    plain, randomized = gym.make("Hopper-v5"), gym.make("rlx/HopperRandom-v0")
    a, b = [], []
    for _ in range(rounds):  # interleaved, so that both see the same machine load
        a.append(steps_per_second(plain, steps))
        b.append(steps_per_second(randomized, steps))
    return max(a), max(b)


def resample_microseconds(draws: int = 5000) -> float:
    """Mean time to draw the EPOpt Hopper physics and write it into the model (mj_setConst too)."""
    env = gym.make("rlx/HopperRandom-v0")
    env.reset(seed=0)
    wrapper = _find_wrapper(env)
    inner = env.unwrapped
    rng = np.random.default_rng(0)
    binding = wrapper._binding
    start = time.perf_counter()
    for _ in range(draws):
        values, unmodeled = wrapper._draw(rng)
        binding.apply(inner.model, inner.data, values | unmodeled)
    return (time.perf_counter() - start) / draws * 1e6


def compile_microseconds(builds: int = 50) -> float:
    """Mean time to compile Gymnasium's hopper.xml into an MjModel."""
    import gymnasium.envs.mujoco as gym_mujoco
    import mujoco

    path = os.path.join(os.path.dirname(gym_mujoco.__file__), "assets", "hopper.xml")
    start = time.perf_counter()
    for _ in range(builds):
        mujoco.MjModel.from_xml_path(path)
    return (time.perf_counter() - start) / builds * 1e6


def _find_wrapper(env):
    from rlx_envs.wrappers import PhysicsRandomization

    while not isinstance(env, PhysicsRandomization):
        env = env.env
    return env


def physics_table(steps: int) -> None:
    """Print the two ratios with their anchors."""
    plain, randomized = step_rates(steps)
    resample, compile_ = resample_microseconds(), compile_microseconds()
    print("\nPhysics randomization, Hopper, random actions")
    print("| what | rlx | anchor (same run) | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    print(f"| steps/s, rlx/HopperRandom-v0 vs Hopper-v5 | {randomized:,.0f} | {plain:,.0f} | "
          f"{randomized / plain:.2f}x | >= 0.95x |")  # fmt: skip
    print(f"| new physics (us), draw + write + mj_setConst vs XML compile | {resample:.1f} | "
          f"{compile_:,.0f} | {compile_ / resample:,.0f}x faster | >= 50x, < 20 us |")  # fmt: skip
