"""rlx-envs: Gymnasium environments and wrappers for research on exploration and transfer.

Importing the package registers every environment under the ``rlx/`` namespace::

    import gymnasium as gym
    import rlx_envs

    env = gym.make("rlx/MiniMontezuma-v0")

``gym.make("rlx_envs:rlx/MiniMontezuma-v0")`` imports the package for you.
"""

from rlx_envs.envs.minimontezuma.env import MiniMontezumaEnv, MiniMontezumaProcgenEnv
from rlx_envs.registration import ENVS, register_envs
from rlx_envs.rules.minimontezuma.level import Level, LevelError, load_level, parse_level

__version__ = "0.1.0"
__all__ = [
    "ENVS",
    "Level",
    "LevelError",
    "MiniMontezumaEnv",
    "MiniMontezumaProcgenEnv",
    "load_level",
    "parse_level",
    "register_envs",
]

register_envs()
