"""Go-Explore crosses MiniMontezuma's pyramid on a laptop; the same agent explores the real game.

``python examples/go_explore.py`` runs the exploration phase of Go-Explore (Ecoffet et al. 2021)
on the 24-room pyramid, 512 envs of the numpy batch restored to their chosen cells in one call,
for 20 million env steps (sticky actions off, as the paper's phase 1), then replays the best
trajectory from reset: without sticky actions it must reach the same score; with them (0.25),
the fraction of 20 replays that still do is printed. ``--smoke`` runs 100,000 steps.
``--real-game`` explores ALE's Montezuma's Revenge instead (``pip install "rlx-envs[atari]"``),
one emulator returning through cloneState/restoreState, over the RAM cell (level, room, coarse
position, inventory): 200,000 steps, or 2,000 with ``--smoke``.
"""

import sys
import time

import gymnasium as gym

import rlx_envs  # noqa: F401
from rlx_envs.agents.go_explore import GoExplore, OneEnv, robustness

smoke = "--smoke" in sys.argv
agent = GoExplore(seed=0)
started = time.perf_counter()
if "--real-game" in sys.argv:
    from rlx_envs.presets import montezuma_revenge

    budget = 2_000 if smoke else 200_000
    archive = agent.run(OneEnv(montezuma_revenge(sticky_action_prob=0.0, frame_stack=1)),
                        budget, seed=0)  # fmt: skip
    rooms = sorted({int(cell[1]) for cell in archive.cells})
else:
    budget = 100_000 if smoke else 20_000_000
    envs = gym.make_vec("rlx/MiniMontezuma-v0", num_envs=512, sticky_action_prob=0.0,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    archive = agent.run(envs, budget, seed=0)
    rooms = sorted({int(cell[0]) for cell in archive.cells})
seconds = time.perf_counter() - started
score, trajectory = agent.best_trajectory()
print(
    f"{agent.steps:,} env steps in {seconds:.0f} s ({agent.steps / seconds:,.0f} steps/s): "
    f"{len(archive):,} cells, rooms {rooms}, best score {score:,.0f} "
    f"({'an ending' if agent.best_ending else 'a cell'}, {len(trajectory):,} actions)"
)
if "--real-game" not in sys.argv:
    make = lambda sticky: gym.make("rlx/MiniMontezuma-v0", sticky_action_prob=sticky)  # noqa: E731
    check = robustness(make, trajectory, score, seed=0, replays=3 if smoke else 20)
    print(f"replayed from reset: {check['replayed']:,.0f} without sticky actions "
          f"({'the same' if check['deterministic'] else 'NOT the same'}); with sticky actions "
          f"0.25, {check['sticky_success']:.0%} of the replays reach {score:,.0f}")  # fmt: skip
