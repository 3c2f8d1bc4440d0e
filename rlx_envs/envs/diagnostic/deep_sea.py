"""DeepSea, the deep-exploration experiment of the Behaviour Suite (bsuite).

An N x N grid: the agent starts at the top left and falls one row per step, moving one column left
or right as it falls. Every move right costs a little; only moving right at *every* one of the N
steps earns the treasure. Which action means "right" is drawn at random for every cell, so no
fixed action sequence solves every instance. A uniformly random policy finds the treasure with
probability 2^-N per episode. Sources: Osband et al., "Behaviour Suite for Reinforcement
Learning", ICLR 2020, section 2.2, and bsuite's ``bsuite/environments/deep_sea.py``, whose
deterministic version this is; Osband, Van Roy, Russo and Wen, "Deep Exploration via Randomized
Value Functions", JMLR 20(124), 2019. ``docs/envs/diagnostic.md`` gives the rules with sources.

>>> from rlx_envs.envs.diagnostic.deep_sea import DeepSeaEnv
>>> env = DeepSeaEnv(size=3, randomize_actions=False)   # action 1 means right everywhere
>>> env.reset(seed=0)[1]
{'cell': (0, 0)}
>>> [env.step(1)[1] for _ in range(3)]   # three moves right: two costs, then treasure - cost
[-0.0033333333333333335, -0.0033333333333333335, 0.9966666666666667]
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.core.arguments import integer
from rlx_envs.envs.diagnostic.chain import (
    CELL,
    COLOURS,
    RENDER_MODES,
    SCALE,
    as_action,
    check_choice,
    check_render_mode,
    draw_agent,
    draw_coin,
    finish,
    paint,
)

# The rules and their constants live in rules.py, shared with the vector twin.
from rlx_envs.rules.diagnostic import (
    MOVE_COST,
    RIGHT,
    TREASURE,
    deep_sea_step,
    deep_sea_tables,
    draw_mapping,
)

#: Default grid size N.
DEFAULT_SIZE = 10
#: ``"index"``: ``(row, column)`` as ``MultiDiscrete([N + 1, N])``; ``"onehot"``: bsuite's N x N
#: 0/1 grid.
OBS_MODES = ("index", "onehot")

#: Largest N for which the index observations of all cells are made once and copied out.
INDEX_TABLE_MAX_SIZE = 128
#: Colours of the sea (top and bottom rows, blended between) and of the sea bed.
SEA_TOP, SEA_BOTTOM, SEABED = (96, 170, 224), (12, 44, 104), (196, 172, 122)


def check_options(size, obs_mode, randomize_actions, mapping_seed, render_mode) -> int:
    """``size`` as an int, or a ValueError for a bad option (shared with the vector twin)."""
    n = integer("size", size, minimum=1)
    check_choice("obs_mode", obs_mode, OBS_MODES)
    if not isinstance(randomize_actions, (bool, np.bool_)):
        raise ValueError(f"randomize_actions must be True or False, got {randomize_actions!r}")
    if mapping_seed is not None:
        integer("mapping_seed", mapping_seed, minimum=0)
    check_render_mode(render_mode)
    return n


def observation_space(size: int, obs_mode: str) -> spaces.Space:
    """One env's observation space: ``MultiDiscrete([N + 1, N])`` or ``Box(0, 1, (N, N))``."""
    if obs_mode == "index":
        return spaces.MultiDiscrete([size + 1, size])
    return spaces.Box(0.0, 1.0, (size, size), np.float32)


def deep_sea_text(size: int, row: int, trail: list[int], total: float) -> str:
    """The ``"ansi"`` render: a head line, one line per row ('.' sea, '*' path, '@' agent,
    '$' treasure), then the sea bed. ``trail`` holds the agent's column in rows 0 .. ``row``."""
    n = size
    rows = [["."] * n for _ in range(n)] + [["_"] * n]
    for r, col in enumerate(trail[:-1]):
        rows[r][col] = "*"
    rows[n - 1][n - 1] = "$"
    rows[row][trail[-1]] = "@"
    head = f"DeepSea {n}x{n}  step {row}/{n}  return {total:.4f}"
    return "\n".join([head] + ["".join(r) for r in rows])


def deep_sea_picture(size: int, row: int, trail: list[int]) -> np.ndarray:
    """The sea darkening with depth, the sea bed below, the treasure, the path, the agent."""
    n = size
    image = np.empty(((n + 1) * CELL, n * CELL, 3), np.uint8)
    depth = np.linspace(0.0, 1.0, n)[:, None]
    sea = (1 - depth) * np.array(SEA_TOP) + depth * np.array(SEA_BOTTOM)
    image[: n * CELL] = sea.round().astype(np.uint8).repeat(CELL, axis=0)[:, None, :]
    image[n * CELL :] = SEABED
    draw_coin(image, n - 1, n - 1)
    for r, col in enumerate(trail[:-1]):
        paint(image, r, col, "trail", "trail")
    draw_agent(image, row, trail[-1])
    big = finish(image, n, n)
    big[-1, :] = COLOURS["grid"]  # close the sea bed at the bottom
    big[n * CELL * SCALE :, [0, -1]] = COLOURS["grid"]
    return big


class DeepSeaEnv(gym.Env):
    """bsuite's DeepSea: N steps down an N x N grid; +1 only for moving right at every step.

    Rules (bsuite, Osband et al. 2020, section 2.2, and its reference implementation):

    - the agent starts each episode at row 0, column 0 (top left); each step takes it one row
      down and one column left or right, clipped at the walls;
    - each cell has its own random mapping from the actions {0, 1} to "left" and "right"
      (:attr:`action_mapping`; ``randomize_actions=False`` makes 1 mean right everywhere);
    - every move right pays ``-MOVE_COST / N`` (-0.01 / N); moving left pays 0;
    - moving right from the bottom-right cell (N-1, N-1) also pays :data:`TREASURE` (+1). The
      agent can only be there if it moved right at every step before, so the treasure is paid
      exactly when all N moves are right, for a return of 1 - 0.01 = 0.99; every other episode
      returns at most 0;
    - the N-th step takes the agent out of the bottom of the grid (row N) and the episode
      *terminates*.

    When the mapping is drawn:

    - with ``mapping_seed`` given, once, at construction, from ``numpy.random.default_rng(
      mapping_seed)``; it then never changes (bsuite's ``mapping_seed``);
    - otherwise from :attr:`np_random` at the first ``reset()`` and at every ``reset(seed=s)``:
      the mapping is a function of the last seed given, and resets without a seed keep it. So
      one seed is one fixed MDP, as in bsuite, where the mapping is fixed per environment.

    Args:
        size: N, the grid's size (at least 1).
        obs_mode: ``"index"`` (default) or ``"onehot"``. ``"index"`` gives ``(row, column)`` as
            ``MultiDiscrete([N + 1, N])``: row N is only seen in the last observation, after the
            agent has left the grid. ``"onehot"`` gives bsuite's observation, an N x N float32
            grid with a 1 at the agent, all zeros in the last observation.
        randomize_actions: draw the per-cell mapping (default; bsuite calls the other setting a
            debugging mode, where the same action sequence solves every instance).
        mapping_seed: fix the mapping at construction, independent of the reset seeds.
        render_mode: ``"rgb_array"`` or ``"ansi"``.

    ``info["cell"]`` is ``(row, column)`` after every reset and step. The vector twin,
    :class:`~rlx_envs.envs.diagnostic.vector.DeepSeaVectorEnv`, steps N DeepSeas with the same rules
    (``gym.make_vec(..., vectorization_mode="vector_entry_point")``).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> env = gym.make("rlx/DeepSea-v0", size=4)
        >>> obs, info = env.reset(seed=0)
        >>> obs, info
        (array([0, 0]), {'cell': (0, 0)})
        >>> mapping = env.unwrapped.action_mapping   # the action meaning "right", per cell
        >>> total = 0.0
        >>> for _ in range(4):
        ...     row, col = info["cell"]
        ...     obs, reward, terminated, truncated, info = env.step(mapping[row, col])
        ...     total += reward
        >>> round(total, 6), terminated, info
        (0.99, True, {'cell': (4, 3)})
    """

    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 4}
    #: Every step's info carries a hashable int tuple ``cell`` (the bonus wrappers count it).
    provides_cell = True

    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        obs_mode: str = "index",
        randomize_actions: bool = True,
        mapping_seed: int | None = None,
        render_mode: str | None = None,
    ):
        self.size = n = check_options(size, obs_mode, randomize_actions, mapping_seed, render_mode)
        self.obs_mode, self.render_mode = obs_mode, render_mode
        self.randomize_actions = bool(randomize_actions)
        self.mapping_seed = mapping_seed
        #: Reward of one move right.
        self.move_reward = -MOVE_COST / n
        self._rules = deep_sea_tables(n)
        self.action_space = spaces.Discrete(2)
        # Index observations to copy out, per cell, for grids small enough to keep them all.
        self._cells: list[np.ndarray] | None = None
        self.observation_space = observation_space(n, obs_mode)
        if obs_mode == "index" and n <= INDEX_TABLE_MAX_SIZE:
            self._cells = [np.array((r, c), np.int64) for r in range(n + 1) for c in range(n)]
        # The action meaning "right" in cell (r, c) is _right[r * n + c]: a list, read per step.
        self._right: list[int] | None = None
        if not self.randomize_actions:
            self._right = [RIGHT] * (n * n)
        elif mapping_seed is not None:
            self._right = self._draw(np.random.default_rng(mapping_seed))
        self._row: int | None = None
        self._col = 0
        self._return = 0.0
        self._trail: list[int] = []

    def _draw(self, rng: np.random.Generator) -> list[int]:
        return draw_mapping(rng, self.size).tolist()

    @property
    def action_mapping(self) -> np.ndarray | None:
        """The action that means "right" in each cell, an N x N int array (a copy).

        None before the first reset when the mapping is drawn at reset.
        """
        if self._right is None:
            return None
        return np.array(self._right, dtype=np.int64).reshape(self.size, self.size)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start at the top left; ``reset(seed=s)`` (re)draws the mapping from ``s``."""
        super().reset(seed=seed)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; this env takes none")
        if self.randomize_actions and self.mapping_seed is None:
            if seed is not None or self._right is None:
                self._right = self._draw(self.np_random)
        self._row, self._col, self._return = 0, 0, 0.0
        self._trail = [0]
        return self._observation(0, 0), {"cell": (0, 0)}

    def step(self, action):
        """Fall one row, moving right if ``action`` is this cell's "right" action, else left."""
        if type(action) is not int or action >> 1:  # not the int 0 or 1 (a cheap test: hot loop)
            action = as_action(action)  # raises, naming the valid actions, unless 0 or 1
        r, c, n = self._row, self._col, self.size
        if r is None or r >= n:
            raise gym.error.ResetNeeded("call reset() before step() (the episode is over)")
        r, c, reward = deep_sea_step(self._rules, r, c, action, self._right[r * n + c])
        self._row, self._col = r, c
        if self.render_mode is not None:  # what only render() reads: skipped in the hot loop
            self._return += reward
            self._trail.append(c)
        cells = self._cells  # the observation, inline for the index table: this is the hot loop
        obs = self._observation(r, c) if cells is None else cells[r * n + c].copy()
        return obs, reward, r == n, False, {"cell": (r, c)}

    def _observation(self, r: int, c: int) -> np.ndarray:
        if self._cells is not None:
            return self._cells[r * self.size + c].copy()
        if self.obs_mode == "index":
            return np.array((r, c), dtype=np.int64)
        obs = np.zeros((self.size, self.size), np.float32)
        if r < self.size:
            obs[r, c] = 1.0
        return obs

    def render(self):
        """A picture (``"rgb_array"``) or text (``"ansi"``) of the grid, the path and the agent."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make()")
            return None
        r = 0 if self._row is None else self._row
        trail = self._trail or [0]
        if self.render_mode == "ansi":
            return deep_sea_text(self.size, r, trail, self._return)
        return deep_sea_picture(self.size, r, trail)

    def close(self):
        """Nothing to release."""


__all__ = ["DEFAULT_SIZE", "MOVE_COST", "OBS_MODES", "TREASURE", "DeepSeaEnv"]
