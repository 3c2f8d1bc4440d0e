"""Randomize a Walker2d's physics with PhysicsRandomization and watch it change the motion.

``python examples/physics_randomization.py`` prints the physics of three episodes and how far
the same open-loop torques carry the walker under each.
"""

import gymnasium as gym
import numpy as np

from rlx_envs.rules.physics import (
    LogUniform,
    TruncatedNormal,
    Uniform,
    body_mass,
    geom_friction,
    gravity,
)
from rlx_envs.wrappers import PhysicsRandomization

env = PhysicsRandomization(
    gym.make("Walker2d-v5"),
    [
        body_mass("torso", TruncatedNormal(3.5, 0.5, 2.5, 4.5)),
        geom_friction(
            ["floor", "foot_geom", "foot_left_geom"],
            LogUniform(0.5, 2.0),
            mode="scale",
            name="foot_friction",
        ),
        gravity(Uniform(-11.0, -8.5)),
    ],
)
torques = np.random.default_rng(0).uniform(-1, 1, size=(50, *env.action_space.shape))
obs, info = env.reset(seed=0)
for episode in range(3):
    if episode:
        obs, info = env.reset()
    for a in torques:
        obs, reward, terminated, truncated, step_info = env.step(a)
        if terminated or truncated:
            break
    physics = ", ".join(f"{k}={v:.2f}" for k, v in info["physics"].items())
    print(f"episode {episode}: {physics}; x = {env.unwrapped.data.qpos[0]:+.3f} m")
