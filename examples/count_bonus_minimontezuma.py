"""A count bonus makes tabular Q-learning solve MiniMontezuma's first room.

``python examples/count_bonus_minimontezuma.py`` trains for 800,000 steps (a few minutes) and
prints when the agent first held the key and first left the room; ``--smoke`` runs 5,000 steps.
The agent's state is MiniMontezuma's cell (room, x, y, keys, used objects); the bonus is
beta / sqrt(N(cell)), and the agent starts optimistic (Q = beta / (1 - gamma)).
"""

import sys

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401
from rlx_envs.agents import QLearning
from rlx_envs.wrappers import CountBonus

BETA, GAMMA = 0.1, 0.99
steps = 5_000 if "--smoke" in sys.argv else 800_000

env = CountBonus(gym.make("rlx/MiniMontezumaFirstRoom-v0", reward_scale=0.01), beta=BETA)
agent = QLearning(alpha=0.5, gamma=GAMMA, epsilon=0.05, initial_q=BETA / (1 - GAMMA))
agent.reset(env.observation_space, env.action_space, seed=0)

_, info = env.reset(seed=0)
state = np.array(info["cell"])
key_step = None
for t in range(1, steps + 1):
    action = agent.act(state)
    _, reward, terminated, truncated, info = env.step(action)
    next_state = np.array(info["cell"])
    agent.observe(state, action, reward, next_state, terminated, truncated)
    state = next_state
    if key_step is None and info["inventory"].sum():
        key_step = t
        print(f"step {t:,}: first key")
    if terminated and info["extrinsic_reward"] >= 100:
        print(f"step {t:,}: left the room through an exit")
        break
    if terminated or truncated:
        _, info = env.reset()
        state = np.array(info["cell"])
print(f"{t:,} steps, {len(agent.table):,} cells in the Q-table")
