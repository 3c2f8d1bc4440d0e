"""Batched figures for ``python -m rlx_envs perf``: steps/s by batch size, and memory."""

from __future__ import annotations

import time
import tracemalloc

import gymnasium as gym
import numpy as np

SIZES = (1, 64, 1024, 4096)


def batched_steps_per_second(env_id: str, num_envs: int, obs_mode: str, steps: int) -> float:
    """Env steps per second (batch steps x num_envs) under random actions, autoreset included."""
    envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="vector_entry_point",
                        obs_mode=obs_mode)  # fmt: skip
    envs.reset(seed=0)
    actions = np.random.default_rng(0).integers(8, size=(steps, num_envs))
    envs.step(actions[0])
    start = time.perf_counter()
    for a in actions:
        envs.step(a)
    return steps * num_envs / (time.perf_counter() - start)


def peak_bytes(env_id: str, num_envs: int, obs_mode: str = "ram", steps: int = 5) -> int:
    """Peak memory traced while making, resetting and stepping a batch (numpy buffers included)."""
    tracemalloc.start()
    envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="vector_entry_point",
                        obs_mode=obs_mode)  # fmt: skip
    envs.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        envs.step(rng.integers(8, size=num_envs))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def _ratio(rate: float, base: float) -> str:
    """``rate / base`` with one decimal below 10, whole numbers above."""
    r = rate / base
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


def batched_table(env_id: str, anchor: dict[str, float] | None) -> None:
    """Print steps/s for each batch size and obs mode, with the MiniGrid rate beside them."""
    print(f"\n{env_id}, batched (vector_entry_point), random actions")
    print("| num_envs | ram steps/s | vs MiniGrid | pixels steps/s | vs MiniGrid RGB |")
    print("|---:|---:|---:|---:|---:|")
    for n in SIZES:
        batch_steps = max(20, 20_000 // n)
        ram = batched_steps_per_second(env_id, n, "ram", batch_steps)
        pix = batched_steps_per_second(env_id, n, "pixels", max(5, batch_steps // 8))
        r1 = _ratio(ram, anchor["default"]) if anchor else "-"
        r2 = _ratio(pix, anchor["rgb"]) if anchor else "-"
        print(f"| {n} | {ram:,.0f} | {r1} | {pix:,.0f} | {r2} |")
    n = 65_536
    peak = peak_bytes(env_id, n)
    print(f"\npeak memory, {n} envs, ram obs: {peak / 2**20:,.0f} MiB "
          f"({peak / n:,.0f} bytes per env)")  # fmt: skip
