"""``python -m rlx_envs perf``: speed of our envs as ratios to an anchor measured in the same run.

Shared machines are noisy, so every figure is printed next to MiniGrid's rate from the same run
(``pip install -e .[bench]`` installs MiniGrid). Random actions; envs made with ``gym.make`` so
that the usual wrappers are included on both sides.
"""

from __future__ import annotations

import platform

import gymnasium as gym
import numpy as np

from rlx_envs.analysis.provenance import cpu
from rlx_envs.apps.perf.agents import agents_table, go_explore_table
from rlx_envs.apps.perf.batched import batched_table
from rlx_envs.apps.perf.bonus import bonus_tables
from rlx_envs.apps.perf.grid import grid_table
from rlx_envs.apps.perf.jax import jax_table
from rlx_envs.apps.perf.physics import physics_table
from rlx_envs.apps.perf.timing import minigrid_anchor
from rlx_envs.apps.perf.visual import visual_table

#: Sections of the report, in order: MiniMontezuma single env, batched, physics randomization,
#: exploration bonuses, visual randomization, batched agents, the JAX batch.
SECTIONS = ("grid", "batched", "physics", "bonus", "visual", "agents", "explore", "jax")


def main(args) -> int:
    """Print the tables of the chosen sections (all by default)."""
    steps = args.steps
    print(f"machine: {platform.machine()}, {cpu()}, "
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
        grid_table(args.env, steps, anchor)
    if "batched" in sections:
        batched_table(args.env, anchor)
    if "physics" in sections:
        physics_table(max(1000, steps // 4))
    if "bonus" in sections:
        bonus_tables()
    if "agents" in sections:
        agents_table(max(2000, steps // 4))
    if "explore" in sections:
        go_explore_table()
    if "visual" in sections:
        visual_table(max(1000, steps // 4))
    if "jax" in sections:
        jax_table(args.env)
    return 0
