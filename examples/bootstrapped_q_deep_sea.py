"""Bootstrapped Q-learning against epsilon-greedy on DeepSea: who finds the treasure, and when.

``python examples/bootstrapped_q_deep_sea.py`` runs size 10 for up to 2,000 episodes each;
``--smoke`` runs size 4 for 50 episodes. Bootstrapped Q samples one of its Q-heads per episode
and follows it for the whole episode (Osband et al. 2016): deep exploration by committing to a
randomized but consistent plan.
"""

import sys

import gymnasium as gym

import rlx_envs  # noqa: F401
from rlx_envs.agents import BootstrappedQ, QLearning, run_episode

smoke = "--smoke" in sys.argv
size, episodes = (4, 50) if smoke else (10, 2000)
for name, agent in (("bootstrapped Q", BootstrappedQ()), ("epsilon-greedy Q", QLearning())):
    env = gym.make("rlx/DeepSea-v0", size=size)
    agent.reset(env.observation_space, env.action_space, seed=0)
    first = None
    for episode in range(1, episodes + 1):
        episode_return, _, _ = run_episode(env, agent, seed=episode)
        if episode_return > 0.5:  # the treasure pays 1 minus the small cost of moving right
            first = episode
            break
    found = f"first treasure in episode {first}" if first else f"no treasure in {episodes}"
    print(f"DeepSea size {size}, {name}: {found}")
