"""Wrapping any agent: a count bonus around Stable-Baselines3's PPO on MiniMontezuma.

The bonus is a Gymnasium wrapper, so a library agent needs no change: PPO sees r + beta/sqrt(N),
and ``info`` keeps the extrinsic reward apart. Needs the optional dependency
``pip install torch==2.13.0 stable-baselines3`` (CPU). ``python examples/sb3_ppo_count_bonus.py``
trains for 100,000 steps; ``--smoke`` for 512.
"""

import sys

import gymnasium as gym
from stable_baselines3 import PPO

import rlx_envs  # noqa: F401
from rlx_envs.wrappers import CountBonus

steps = 512 if "--smoke" in sys.argv else 100_000
env = CountBonus(
    gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="ram", reward_scale=0.01), beta=0.1
)
model = PPO("MlpPolicy", env, n_steps=256, batch_size=64, seed=0, verbose=0)
model.learn(total_timesteps=steps)

cells, extrinsic = set(), 0.0
obs, info = env.reset(seed=1)
for _ in range(1000):
    action, _ = model.predict(obs, deterministic=False)
    obs, reward, terminated, truncated, info = env.step(int(action))
    cells.add(info["cell"])
    extrinsic += info["extrinsic_reward"]
    if terminated or truncated:
        obs, info = env.reset()
print(
    f"PPO with a count bonus, {steps:,} training steps: {len(cells)} cells visited in 1,000 "
    f"test steps, extrinsic return {extrinsic:g}, last bonus {info['intrinsic_reward']:.3f}"
)
