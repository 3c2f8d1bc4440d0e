"""Timing helpers of the benchmarks: steps per second, reset time, the MiniGrid anchor."""

from __future__ import annotations

import time

import gymnasium as gym


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
