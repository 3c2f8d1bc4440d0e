"""Tiny tabular diagnostics for deep exploration: Osband et al.'s chain and bsuite's DeepSea.

Both are registered with Gymnasium (``rlx/Chain-v0``, ``rlx/DeepSea-v0``) and step in plain Python;
their vector twins (:mod:`rlx_envs.envs.diagnostic.vector`) step N envs as numpy arrays, with
the same rules (:mod:`rlx_envs.rules.diagnostic`).
On both, epsilon-greedy needs a number of episodes exponential in the size N; see
``docs/envs/diagnostic.md``.

>>> import gymnasium as gym
>>> import rlx_envs
>>> env = gym.make("rlx/DeepSea-v0", size=5, obs_mode="onehot")
>>> obs, info = env.reset(seed=0)
>>> obs.shape, info
((5, 5), {'cell': (0, 0)})
"""

from rlx_envs.envs.diagnostic.chain import ChainEnv
from rlx_envs.envs.diagnostic.deep_sea import DeepSeaEnv
from rlx_envs.envs.diagnostic.vector import ChainVectorEnv, DeepSeaVectorEnv

__all__ = ["ChainEnv", "ChainVectorEnv", "DeepSeaEnv", "DeepSeaVectorEnv"]
