"""Natively batched Chain and DeepSea: N envs stepped with array operations, no loop over envs.

The transitions are :func:`~rlx_envs.rules.diagnostic.chain_step` and
:func:`~rlx_envs.rules.diagnostic.deep_sea_step`, the very functions the single envs call, here
on numpy tables. Env ``i`` after ``reset(seed=s)`` is exactly the single env made by
``gym.make(id, ...)`` after ``reset(seed=s + i)``: same observations, rewards, terminations,
truncations (its ``TimeLimit`` included) and info, in every autoreset mode; ``info["cell"]`` is
an (N, d) int64 array whose rows are the single env's cell tuples. Made by
``gym.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point", **kwargs)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

from rlx_envs.core.arguments import integer
from rlx_envs.envs.diagnostic import deep_sea
from rlx_envs.envs.diagnostic.chain import (
    ACTION_NAMES,
    DEFAULT_LENGTH,
    EXTRA_STEPS,
    MIN_LENGTH,
    OBS_MODES,
    chain_picture,
    chain_text,
    check_choice,
    check_render_mode,
    observation_space,
    observation_table,
)
from rlx_envs.envs.tabular_vector import TabularVectorEnv, as_arrays
from rlx_envs.rules.diagnostic import (
    RIGHT,
    START,
    chain_step,
    chain_tables,
    deep_sea_step,
    deep_sea_tables,
    draw_mapping,
)


class ChainVectorEnv(TabularVectorEnv):
    """``num_envs`` chains of Osband et al. (2016) in one set of arrays.

    Takes :class:`~rlx_envs.envs.diagnostic.chain.ChainEnv`'s options (``length``, ``obs_mode``,
    ``render_mode``) plus ``max_episode_steps`` (the registry passes its limit) and
    ``autoreset_mode`` (``NEXT_STEP``, the default, ``SAME_STEP`` or ``DISABLED``).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> envs = gym.make_vec("rlx/Chain-v0", num_envs=3, length=4, obs_mode="onehot",
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs
        array([[0., 1., 0., 0.],
               [0., 1., 0., 0.],
               [0., 1., 0., 0.]], dtype=float32)
        >>> obs, reward, terminated, truncated, info = envs.step([1, 1, 0])
        >>> reward, info["cell"].tolist()
        (array([0.   , 0.   , 0.001]), [[2], [2], [0]])
    """

    def __init__(
        self,
        num_envs: int = 1,
        length: int = DEFAULT_LENGTH,
        obs_mode: str = "index",
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
    ):
        self.length = n = integer("length", length, minimum=MIN_LENGTH)
        check_choice("obs_mode", obs_mode, OBS_MODES)
        check_render_mode(render_mode)
        super().__init__(num_envs, observation_space(n, obs_mode), spaces.Discrete(2),
                         ACTION_NAMES, render_mode, max_episode_steps, autoreset_mode)  # fmt: skip
        self.obs_mode = obs_mode
        #: Steps per episode: N + 9 (then the chain truncates).
        self.horizon = n + EXTRA_STEPS
        self._rules = as_arrays(chain_tables(n))
        self._table = observation_table(n, obs_mode)
        self._state = np.full(self.num_envs, START, np.int64)
        self._return = np.zeros(self.num_envs)

    def _restart(self, envs: np.ndarray, seeded: np.ndarray) -> None:
        self._state[envs] = START  # the chain is deterministic: seeds change nothing
        self._return[envs] = 0.0

    def _move(self, envs: np.ndarray, actions: np.ndarray) -> tuple[Any, Any, Any]:
        state, reward = chain_step(self._rules, self._state[envs], actions)
        self._state[envs] = state
        self._return[envs] += reward
        return reward, False, self._elapsed[envs] >= self.horizon

    def _observation(self) -> np.ndarray:
        return self._state.copy() if self._table is None else self._table[self._state]

    def _info(self) -> dict[str, np.ndarray]:
        return {"cell": self._state[:, None].copy()}

    def _render(self, i: int) -> Any:
        s, t = int(self._state[i]), int(self._elapsed[i])
        if self.render_mode == "ansi":
            return chain_text(self.length, s, t, self.horizon, float(self._return[i]))
        return chain_picture(self.length, s, t, self.horizon)


class DeepSeaVectorEnv(TabularVectorEnv):
    """``num_envs`` DeepSeas of bsuite in one set of arrays, each with its own action mapping.

    Takes :class:`~rlx_envs.envs.diagnostic.deep_sea.DeepSeaEnv`'s options (``size``, ``obs_mode``,
    ``randomize_actions``, ``mapping_seed``, ``render_mode``) plus ``max_episode_steps`` and
    ``autoreset_mode``. Env ``i``'s mapping is drawn as the single env draws it: from its own
    generator at its first reset and at every reset that gives it a seed (so ``reset(seed=s)``
    gives env ``i`` the mapping of the single env reset with ``s + i``); ``mapping_seed`` fixes
    one mapping for all envs at construction; ``randomize_actions=False`` makes 1 mean right
    everywhere. Drawing loops over the envs being seeded (one generator each), only at reset.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> envs = gym.make_vec("rlx/DeepSea-v0", num_envs=2, size=2,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> mapping = envs.unwrapped.action_mapping   # (N, size, size): the action meaning right
        >>> single = gym.make("rlx/DeepSea-v0", size=2)
        >>> _ = single.reset(seed=1)
        >>> (mapping[1] == single.unwrapped.action_mapping).all()
        np.True_
        >>> rights = mapping[:, 0, 0]                   # move right from (0, 0) in both envs
        >>> obs, reward, terminated, truncated, info = envs.step(rights)
        >>> obs.tolist(), reward.tolist()
        ([[1, 1], [1, 1]], [-0.005, -0.005])
    """

    def __init__(
        self,
        num_envs: int = 1,
        size: int = deep_sea.DEFAULT_SIZE,
        obs_mode: str = "index",
        randomize_actions: bool = True,
        mapping_seed: int | None = None,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
    ):
        self.size = n = deep_sea.check_options(size, obs_mode, randomize_actions, mapping_seed,
                                               render_mode)  # fmt: skip
        super().__init__(num_envs, deep_sea.observation_space(n, obs_mode), spaces.Discrete(2),
                         ACTION_NAMES, render_mode, max_episode_steps, autoreset_mode)  # fmt: skip
        self.obs_mode = obs_mode
        self.randomize_actions, self.mapping_seed = bool(randomize_actions), mapping_seed
        self._rules = as_arrays(deep_sea_tables(n))
        # _mapping[i, r * n + c]: the action meaning "right" in env i's cell (r, c).
        self._mapping = np.full((self.num_envs, n * n), RIGHT, np.int64)
        self._drawn = np.ones(self.num_envs, bool)  # mapping drawn (or fixed)
        if self.randomize_actions:
            if mapping_seed is None:
                self._drawn[:] = False  # drawn at reset, from each env's generator
            else:
                self._mapping[:] = draw_mapping(np.random.default_rng(mapping_seed), n)
        self._row = np.zeros(self.num_envs, np.int64)
        self._col = np.zeros(self.num_envs, np.int64)
        self._return = np.zeros(self.num_envs)
        self._trail = np.zeros((self.num_envs, n + 1), np.int64)  # column in each row so far

    @property
    def action_mapping(self) -> np.ndarray | None:
        """The action that means "right" in each env's cells, (N, size, size) (a copy).

        None until every env has its mapping (drawn at the first reset, unless fixed).
        """
        if not self._drawn.all():
            return None
        return self._mapping.reshape(self.num_envs, self.size, self.size).copy()

    def _restart(self, envs: np.ndarray, seeded: np.ndarray) -> None:
        if self.randomize_actions and self.mapping_seed is None:
            for i in envs[seeded | ~self._drawn[envs]].tolist():  # only at (seeded) resets
                self._mapping[i] = draw_mapping(self._rng(i), self.size)
                self._drawn[i] = True
        self._row[envs], self._col[envs], self._return[envs] = 0, 0, 0.0
        self._trail[envs] = 0

    def _move(self, envs: np.ndarray, actions: np.ndarray) -> tuple[Any, Any, Any]:
        row, col, n = self._row[envs], self._col[envs], self.size
        right = self._mapping[envs, row * n + col]
        row, col, reward = deep_sea_step(self._rules, row, col, actions, right)
        self._row[envs], self._col[envs] = row, col
        self._trail[envs, row] = col
        self._return[envs] += reward
        return reward, row == n, False

    def _observation(self) -> np.ndarray:
        row, col, n = self._row, self._col, self.size
        if self.obs_mode == "index":
            return np.stack([row, col], axis=1)
        obs = np.zeros((self.num_envs, n, n), np.float32)
        inside = np.flatnonzero(row < n)  # all zeros once the agent has left the grid
        obs[inside, row[inside], col[inside]] = 1.0
        return obs

    def _info(self) -> dict[str, np.ndarray]:
        return {"cell": np.stack([self._row, self._col], axis=1)}

    def _render(self, i: int) -> Any:
        row = int(self._row[i])
        trail = self._trail[i, : row + 1].tolist()
        if self.render_mode == "ansi":
            return deep_sea.deep_sea_text(self.size, row, trail, float(self._return[i]))
        return deep_sea.deep_sea_picture(self.size, row, trail)


__all__ = ["ChainVectorEnv", "DeepSeaVectorEnv"]
