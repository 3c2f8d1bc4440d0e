"""``python -m rlx_envs perf``: speed of our envs as ratios to an anchor measured in the same run.

Shared machines are noisy, so every figure is printed next to MiniGrid's rate from the same run
(``pip install -e .[bench]`` installs MiniGrid). Random actions; envs made with ``gym.make`` so
that the usual wrappers are included on both sides.
"""

from __future__ import annotations

import platform
import time

import gymnasium as gym
import numpy as np

OBS_MODES = ("ram", "symbolic", "pixels", "dict")
#: Sections of the report, in order: MiniMontezuma single env, batched, physics randomization,
#: exploration bonuses, visual randomization.
SECTIONS = ("grid", "batched", "physics", "bonus", "visual", "agents")


def steps_per_second(env, steps: int, seed: int = 0) -> float:
    """Steps per second of a single env under uniformly random actions (resets included).

    The actions are drawn before the clock starts, from the action space seeded with ``seed``.
    """
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(steps)]
    if isinstance(env.action_space, gym.spaces.Discrete):
        actions = [int(a) for a in actions]
    env.reset(seed=seed)
    start = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = env.step(a)
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def reset_microseconds(env, resets: int = 2000) -> float:
    """Mean wall time of an unseeded ``reset()`` in microseconds."""
    env.reset(seed=0)
    start = time.perf_counter()
    for _ in range(resets):
        env.reset()
    return (time.perf_counter() - start) / resets * 1e6


def minigrid_anchor(steps: int) -> dict[str, float] | None:
    """MiniGrid DoorKey-8x8 steps/s, default observation and RGBImgObsWrapper (None if absent)."""
    try:
        import minigrid  # noqa: F401
        from minigrid.wrappers import RGBImgObsWrapper
    except ImportError:
        return None
    plain = gym.make("MiniGrid-DoorKey-8x8-v0")
    rgb = RGBImgObsWrapper(gym.make("MiniGrid-DoorKey-8x8-v0"))
    return {"default": steps_per_second(plain, steps), "rgb": steps_per_second(rgb, steps // 4)}


def main(args) -> int:
    """Print the tables of the chosen sections (all by default)."""
    steps = args.steps
    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}, "
          f"python {platform.python_version()}, numpy {np.__version__}")  # fmt: skip
    import pygame

    flavour = "pygame-ce" if getattr(pygame, "IS_CE", False) else "pygame"
    print(f"gymnasium {gym.__version__}, {flavour} {pygame.version.ver}")
    sections = args.only or list(SECTIONS)
    grid = bool({"grid", "batched"} & set(sections))
    anchor = minigrid_anchor(steps) if grid else None
    if grid and anchor is None:
        print("minigrid not installed (pip install -e .[bench]); ratios omitted")
    elif grid:
        print(f"MiniGrid-DoorKey-8x8-v0: {anchor['default']:,.0f} steps/s (default obs), "
              f"{anchor['rgb']:,.0f} steps/s (RGBImgObsWrapper)")  # fmt: skip
    if "grid" in sections:
        _grid_table(args.env, steps, anchor)
    if "batched" in sections:
        from rlx_envs.perf_batched import batched_table

        batched_table(args.env, anchor)
    if "physics" in sections:
        from rlx_envs.perf_physics import physics_table

        physics_table(max(1000, steps // 4))
    if "bonus" in sections:
        from rlx_envs.perf_bonus import bonus_tables

        bonus_tables()
    if "agents" in sections:
        from rlx_envs.perf_agents import agents_table

        agents_table(max(2000, steps // 4))
    if "visual" in sections:
        from rlx_envs.perf_visual import visual_table

        visual_table(max(1000, steps // 4))
    return 0


def _grid_table(env_id: str, steps: int, anchor: dict[str, float] | None) -> None:
    print(f"\n{env_id}, single env, gym.make, random actions")
    print("| obs_mode | steps/s | vs MiniGrid | reset (us) |")
    print("|---|---:|---:|---:|")
    for mode in OBS_MODES:
        env = gym.make(env_id, obs_mode=mode)
        rate = steps_per_second(env, steps if mode in ("ram", "symbolic") else steps // 4)
        reset_us = reset_microseconds(env)
        if anchor is None:
            ratio = "-"
        else:
            base = anchor["default"] if mode in ("ram", "symbolic") else anchor["rgb"]
            ratio = f"{rate / base:.1f}x"
        print(f"| {mode} | {rate:,.0f} | {ratio} | {reset_us:.0f} |")
