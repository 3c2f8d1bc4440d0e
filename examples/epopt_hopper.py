"""EPOpt-epsilon on the randomized Hopper: train on the worst quarter of sampled physics.

``python examples/epopt_hopper.py`` trains for 40 iterations (a few minutes) and prints the
return at torso masses 3, 6 and 9; ``--smoke`` runs 2 iterations of short episodes.
"""

import sys

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401
from rlx_envs.agents import EPOpt, run_episode

smoke = "--smoke" in sys.argv
horizon = 20 if smoke else 200
env = gym.make("rlx/HopperRandom-v0", max_episode_steps=horizon)
agent = EPOpt(
    n_directions=4 if smoke else 16,
    top_directions=2 if smoke else 8,
    epsilon=0.25,
    warm_start_iterations=1 if smoke else 20,
)
curve = agent.train(env, iterations=2 if smoke else 40, seed=0)
print(f"training returns: first {curve['returns'][0]:.1f}, last {curve['returns'][-1]:.1f}")

evaluation = gym.make("rlx/HopperRandom-v0", max_episode_steps=horizon)
physics = evaluation.env
while not hasattr(physics, "set_parameters"):
    physics = physics.env
for mass in (3.0, 6.0, 9.0):
    physics.set_parameters(
        {
            **physics.nominal_values,
            "torso_mass": mass,
            "ground_friction": 2.0,
            "joint_damping": 2.5,
            "armature": 1.0,
        }
    )
    returns = [
        run_episode(evaluation, agent, seed=1000 + i, learn=None, greedy=True)[0] for i in range(3)
    ]
    print(f"torso mass {mass:.1f}: return {np.mean(returns):.1f}")
