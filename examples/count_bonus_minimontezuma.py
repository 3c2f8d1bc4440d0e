"""A count bonus makes tabular Q-learning solve MiniMontezuma's first room; the same agent and the
same bonus, unchanged, play the real Montezuma's Revenge.

``python examples/count_bonus_minimontezuma.py`` trains for 800,000 steps (a few minutes) and
prints when the agent first held a key and first left the room; ``--smoke`` runs 5,000 steps.
``--real-game`` plays ALE's Montezuma's Revenge instead (``pip install "rlx-envs[atari]"``;
200,000 steps, about ten minutes, or 2,000 with ``--smoke``), counting its Go-Explore cell
(level, room, coarse position, inventory) read from the console RAM.
The agent's state is the env's cell (MiniMontezuma's: room, x, y, keys, used objects); the bonus
is beta / sqrt(N(cell)), rewards are scaled by 0.01, and the agent starts optimistic
(Q = beta / (1 - gamma)).
"""

import sys
import time

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401
from rlx_envs.agents import QLearning
from rlx_envs.wrappers import CountBonus

BETA, GAMMA = 0.1, 0.99
real_game = "--real-game" in sys.argv
smoke = "--smoke" in sys.argv
if real_game:
    steps = 2_000 if smoke else 200_000
    game = gym.wrappers.TransformReward(gym.make("rlx/MontezumaRevenge-v0"), lambda r: 0.01 * r)
else:
    steps = 5_000 if smoke else 800_000
    game = gym.make("rlx/MiniMontezumaFirstRoom-v0", reward_scale=0.01)

env = CountBonus(game, beta=BETA)
agent = QLearning(alpha=0.5, gamma=GAMMA, epsilon=0.05, initial_q=BETA / (1 - GAMMA))
agent.reset(env.observation_space, env.action_space, seed=0)

_, info = env.reset(seed=0)
state = np.array(info["cell"])
start_room, rooms, key_step, score, best = info["room"], {info["room"]}, None, 0.0, 0.0
started = time.perf_counter()
for t in range(1, steps + 1):
    action = agent.act(state)
    _, reward, terminated, truncated, info = env.step(action)
    next_state = np.array(info["cell"])
    agent.observe(state, action, reward, next_state, terminated, truncated)
    state = next_state
    score += info["extrinsic_reward"] / 0.01
    if key_step is None and np.any(info["inventory"]):
        key_step = t
        print(f"step {t:,}: first key")
    if info["room"] not in rooms:
        rooms.add(info["room"])
        print(f"step {t:,}: entered room {info['room']}")
    if terminated and not real_game and info["extrinsic_reward"] >= 100:
        print(f"step {t:,}: left the room through an exit")
        break
    if terminated or truncated:
        best, score = max(best, score), 0.0
        _, info = env.reset()
        state = np.array(info["cell"])
seconds = time.perf_counter() - started
print(f"{t:,} steps at {t / seconds:,.0f} steps/s; {len(agent.table):,} cells in the Q-table; "
      f"rooms visited {sorted(rooms)} (start {start_room}); best episode score "
      f"{max(best, score):,.0f}")  # fmt: skip
