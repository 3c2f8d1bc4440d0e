"""Natively batched top-down grids: N envs stepped with array operations.

The transition is :func:`~rlx_envs.rules.topdown.grid_step`, the very function the single env
calls, here on numpy tables. Env ``i`` after ``reset(seed=s)`` is exactly the single env made by
``gym.make(id, ...)`` after ``reset(seed=s + i)``: same observations, rewards, terminations,
truncations (its ``TimeLimit`` included) and info, in every autoreset mode; ``info["cell"]`` is
an (N, 2) int64 array of the single env's ``(x, y)`` tuples, ``info["success"]`` a bool array.
Made by ``gym.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point", **kwargs)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

from rlx_envs.envs.tabular_vector import TabularVectorEnv, as_arrays
from rlx_envs.envs.topdown.env import check_options, find_start, grid_picture, grid_text
from rlx_envs.rules.topdown import ACTION_NAMES, grid_step, grid_tables, slip


class TopDownGridVectorEnv(TabularVectorEnv):
    """``num_envs`` top-down grids of one layout in one set of arrays.

    Takes :class:`~rlx_envs.envs.topdown.env.TopDownGridEnv`'s options (``layout``, ``slip_prob``,
    ``render_mode``) plus ``max_episode_steps`` (the registry passes its limit) and
    ``autoreset_mode`` (``NEXT_STEP``, the default, ``SAME_STEP`` or ``DISABLED``).

    With ``slip_prob`` > 0 each step loops over the envs in Python: each env's slips are drawn
    from its own seeded generator, exactly as the single env draws them, so that env ``i``
    equals the single env seeded ``s + i``. With ``slip_prob`` = 0 (the registered ids'
    default) nothing is drawn and a step is array operations only.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> envs = gym.make_vec("rlx/GridCorridor-v0", num_envs=2,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.tolist()
        [[7, 7], [7, 7]]
        >>> for _ in range(6):
        ...     obs, reward, terminated, truncated, info = envs.step([1, 3])  # EAST, WEST
        >>> obs.tolist(), reward.tolist(), info["success"].tolist()
        ([[13, 7], [1, 7]], [1.0, 0.0], [True, False])
    """

    metadata = {**TabularVectorEnv.metadata, "render_fps": 10}

    def __init__(
        self,
        num_envs: int = 1,
        layout: str | Path = "room",
        slip_prob: float = 0.0,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
    ):
        self.rows = rows = check_options(layout, slip_prob, render_mode)
        self.layout_name = str(layout) if "\n" not in str(layout) else "custom"
        self.height, self.width = len(rows), len(rows[0])
        self.start = find_start(rows)
        self.slip_prob = float(slip_prob)
        super().__init__(num_envs, spaces.MultiDiscrete([self.width, self.height]),
                         spaces.Discrete(4), ACTION_NAMES, render_mode, max_episode_steps,
                         autoreset_mode)  # fmt: skip
        self._rules = as_arrays(grid_tables(rows))
        self._start_cell = self.start[1] * self.width + self.start[0]
        self._cell = np.full(self.num_envs, self._start_cell, np.int64)
        self._success = np.zeros(self.num_envs, bool)

    def _restart(self, envs: np.ndarray, seeded: np.ndarray) -> None:
        self._cell[envs] = self._start_cell
        self._success[envs] = False

    def _move(self, envs: np.ndarray, actions: np.ndarray) -> tuple[Any, Any, Any]:
        if self.slip_prob:
            # The one Python loop over envs: per-env generators, drawn as the single env does.
            for j, i in enumerate(envs.tolist()):
                actions[j] = slip(self._rng(i), self.slip_prob, int(actions[j]))
        cell, reward, success = grid_step(self._rules, self._cell[envs], actions)
        self._cell[envs], self._success[envs] = cell, success
        return reward, success, False

    def _observation(self) -> np.ndarray:
        return self._rules.xy[self._cell]

    def _info(self) -> dict[str, np.ndarray]:
        return {"cell": self._rules.xy[self._cell], "success": self._success.copy()}

    def _render(self, i: int) -> Any:
        x, y = self._rules.xy[self._cell[i]].tolist()
        if self.render_mode == "ansi":
            return grid_text(self.rows, (x, y))
        return grid_picture(self.rows, (x, y))


__all__ = ["TopDownGridVectorEnv"]
