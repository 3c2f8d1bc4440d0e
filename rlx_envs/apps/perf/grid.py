"""MiniMontezuma single-env figures for ``python -m rlx_envs perf --only grid``: steps/s and
reset time per observation mode, as ratios to MiniGrid measured in the same run."""

from __future__ import annotations

import gymnasium as gym

from rlx_envs.apps.perf.timing import reset_microseconds, steps_per_second

#: The observation modes measured, in the order of the table.
OBS_MODES = ("ram", "symbolic", "pixels", "dict")


def grid_table(env_id: str, steps: int, anchor: dict[str, float] | None) -> None:
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
