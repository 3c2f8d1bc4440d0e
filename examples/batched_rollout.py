"""Step 4096 MiniMontezuma envs at once with random actions and count what they found."""

import time

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401

envs = gym.make_vec(
    "rlx/MiniMontezumaFirstRoom-v0", num_envs=4096, vectorization_mode="vector_entry_point"
)
obs, info = envs.reset(seed=0)
rng = np.random.default_rng(0)
cells, rewarded = set(), 0
start = time.perf_counter()
for _ in range(500):
    obs, reward, terminated, truncated, info = envs.step(rng.integers(8, size=envs.num_envs))
    rewarded += int((reward > 0).sum())
    cells.update(map(tuple, info["cell"][:, :3].tolist()))
elapsed = time.perf_counter() - start
print(
    f"{500 * envs.num_envs / elapsed:,.0f} steps/s; {len(cells)} distinct (room, x, y) cells; "
    f"{rewarded} rewarded steps"
)
