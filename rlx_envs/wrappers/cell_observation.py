"""The observation replaced by ``info["cell"]``: the state a tabular agent learns over.

Envs that set ``provides_cell`` (MiniMontezuma, Chain, DeepSea, the top-down grids, and the real
game under :class:`~rlx_envs.wrappers.montezuma_cell.MontezumaCell`) report a
small integer tuple ``info["cell"]`` after every reset and step (MiniMontezuma's: room, x, y,
keys, used objects). :class:`CellObservation` makes it the observation of a single env,
:class:`VectorCellObservation` of every env of a vector env (an (N, d) array); the rest of the
step (rewards, ``info``, and so any bonus wrapper underneath) is unchanged.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs
from gymnasium.vector import VectorWrapper
from gymnasium.vector.utils import batch_space


def provides_cell(env) -> bool:
    """Whether ``env`` reports ``info["cell"]``: its base env, or a wrapper in its stack
    (:class:`~rlx_envs.wrappers.montezuma_cell.MontezumaCell` on the real game), says so."""
    if getattr(env.unwrapped, "provides_cell", False):
        return True
    while isinstance(env, (gym.Wrapper, VectorWrapper)):
        if getattr(type(env), "provides_cell", False):
            return True
        env = env.env
    return False


def cell_space(env) -> gym.spaces.Box:
    """The space of one env's cell (a single or a vector env): a Box of int64 with one entry per
    field of the cell, whose number is read off one ``reset(seed=0)`` at construction (reset
    the wrapped env with your own seed before use, as usual)."""
    if not provides_cell(env):
        raise ValueError(
            f"{env.unwrapped} does not report info['cell'] (provides_cell): use an env of the "
            "suite that does, or a key= function on a bonus wrapper"
        )
    _, info = env.reset(seed=0)  # the width of the cell, read once
    width = np.asarray(info["cell"]).shape[-1]
    return gym.spaces.Box(0, np.iinfo(np.int64).max, (width,), np.int64)


class CellObservation(gym.ObservationWrapper, RecordConstructorArgs):
    """A single env whose observation is ``info["cell"]`` (see the module docstring).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import CellObservation
        >>> env = CellObservation(gym.make("rlx/MiniMontezumaFirstRoom-v0"))
        >>> obs, info = env.reset(seed=0)
        >>> obs.tolist() == list(info["cell"]), env.observation_space.shape
        (True, (5,))
    """

    def __init__(self, env: gym.Env):
        RecordConstructorArgs.__init__(self)
        gym.ObservationWrapper.__init__(self, env)
        self.observation_space = cell_space(env)

    def reset(self, **kwargs):
        _, info = self.env.reset(**kwargs)
        return np.asarray(info["cell"], dtype=np.int64), info

    def step(self, action):
        _, reward, terminated, truncated, info = self.env.step(action)
        return np.asarray(info["cell"], dtype=np.int64), reward, terminated, truncated, info

    def observation(self, observation):  # pragma: no cover - reset and step read info instead
        raise NotImplementedError("CellObservation reads info['cell'] in reset and step")


class VectorCellObservation(VectorWrapper, RecordConstructorArgs):
    """A vector env whose observations are the rows of ``info["cell"]``, (N, d) int64.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorCellObservation
        >>> envs = VectorCellObservation(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezumaFirstRoom-v0", num_envs=3,
        ...         vectorization_mode="vector_entry_point",
        ...     )
        ... )
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape, obs.dtype, envs.single_observation_space.shape
        ((3, 5), dtype('int64'), (5,))
    """

    def __init__(self, env):
        RecordConstructorArgs.__init__(self)
        VectorWrapper.__init__(self, env)
        self.single_observation_space = cell_space(env)
        self.observation_space = batch_space(self.single_observation_space, env.num_envs)

    def reset(self, **kwargs):
        _, info = self.env.reset(**kwargs)
        return np.asarray(info["cell"], dtype=np.int64), info

    def step(self, actions):
        _, reward, terminated, truncated, info = self.env.step(actions)
        return np.asarray(info["cell"], dtype=np.int64), reward, terminated, truncated, info


__all__ = ["CellObservation", "VectorCellObservation", "cell_space"]
