"""The n-state chain of Osband, Blundell, Pritzel and Van Roy (2016), a test of deep exploration.

States s1 .. sN lie in a row; the agent starts each episode in s2 and moves one state left or right
per step. s1 pays a little, sN pays a lot, and nothing in between hints at sN: an agent that
dithers (epsilon-greedy) settles for s1, and needs a number of episodes exponential in N to stumble
on sN. Source: "Deep Exploration via Bootstrapped DQN", NeurIPS 2016, section 5.1 and Figure 3
(arXiv:1602.04621). ``docs/envs/diagnostic.md`` gives the rules with their sources.

This module also holds the few helpers that :mod:`rlx_envs.envs.diagnostic.deep_sea` shares
(argument checks, colours, sprites).

>>> from rlx_envs.envs.diagnostic.chain import ChainEnv
>>> env = ChainEnv(length=4)
>>> env.reset(seed=0)
(1, {'cell': (1,)})
>>> env.step(1)[:4]
(2, 0.0, False, False)
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.core.arguments import integer

# The rules and their constants live in rules.py, shared with the vector twin.
from rlx_envs.rules.diagnostic import (
    LEFT,
    LEFT_REWARD,
    RIGHT,
    RIGHT_REWARD,
    START,
    chain_step,
    chain_tables,
)

#: Action names, by index (:data:`LEFT`, :data:`RIGHT`).
ACTION_NAMES = ("left", "right")
#: An episode lasts ``length + EXTRA_STEPS`` steps (section 5.1: "N + 9 steps").
EXTRA_STEPS = 9
#: The shortest chain: s2 must not be an end. (The paper's chains have N > 3.)
MIN_LENGTH = 3
#: Default chain length.
DEFAULT_LENGTH = 10
#: ``"index"``: Discrete(N); ``"onehot"``: 1{x = s}; ``"thermometer"``: 1{x <= s} (section 5.1).
OBS_MODES = ("index", "onehot", "thermometer")
#: Supported render modes.
RENDER_MODES = ("rgb_array", "ansi")

# -- drawing: shared with deep_sea.py ---------------------------------------------------------
#: Pixels per cell before scaling, and the scale of the returned picture.
CELL, SCALE = 16, 2
#: Colours (RGB).
COLOURS = {
    "floor": (222, 226, 232),
    "grid": (90, 96, 110),
    "agent": (220, 50, 47),
    "agent_eye": (255, 255, 255),
    "gold": (250, 196, 30),
    "gold_rim": (160, 110, 10),
    "copper": (190, 130, 80),
    "bar": (70, 110, 200),
    "bar_back": (180, 186, 196),
    "trail": (255, 255, 255),
}


def _disk(radius: float) -> np.ndarray:
    """A CELL x CELL boolean mask of a centred disk."""
    y, x = np.mgrid[0:CELL, 0:CELL] + 0.5 - CELL / 2
    return x * x + y * y <= radius * radius


#: Sprite masks, CELL x CELL.
SPRITES = {
    "coin": _disk(7.0),
    "coin_core": _disk(5.5),
    "small_coin": _disk(3.5),
    "agent": _disk(5.2),
    "trail": _disk(2.0),
}
SPRITES["agent_eye"] = np.zeros((CELL, CELL), bool)
SPRITES["agent_eye"][5:8, 8:11] = True


def paint(image: np.ndarray, row: int, col: int, sprite: str, colour: str) -> None:
    """Paint a sprite of :data:`SPRITES` in a :data:`COLOURS` colour into cell (row, col)."""
    cell = image[row * CELL : (row + 1) * CELL, col * CELL : (col + 1) * CELL]
    cell[SPRITES[sprite]] = COLOURS[colour]


def draw_coin(image: np.ndarray, row: int, col: int) -> None:
    """The big reward: a gold coin with a darker rim."""
    paint(image, row, col, "coin", "gold_rim")
    paint(image, row, col, "coin_core", "gold")


def draw_agent(image: np.ndarray, row: int, col: int) -> None:
    """The agent: a red disk with one white eye (drawn over a coin, the coin's rim shows)."""
    paint(image, row, col, "agent", "agent")
    paint(image, row, col, "agent_eye", "agent_eye")


def finish(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Scale the picture by :data:`SCALE` and draw grid lines around the first rows x cols cells."""
    big = image.repeat(SCALE, axis=0).repeat(SCALE, axis=1)
    step = CELL * SCALE
    grid = COLOURS["grid"]
    for r in range(rows + 1):
        y = min(r * step, rows * step - 1)
        big[y, : cols * step] = grid
    for c in range(cols + 1):
        x = min(c * step, cols * step - 1)
        big[: rows * step, x] = grid
    return big


def check_choice(name: str, value: Any, choices: tuple) -> None:
    """Raise a ValueError naming the valid choices unless ``value`` is one of them."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; valid choices: {list(choices)}")


def check_render_mode(render_mode: str | None) -> None:
    """Raise a ValueError unless ``render_mode`` is None or one of :data:`RENDER_MODES`."""
    if render_mode is not None:
        check_choice("render_mode", render_mode, RENDER_MODES)


def as_action(action: Any) -> int:
    """An action as 0 (left) or 1 (right), or a ValueError naming the valid actions.

    The step functions call this only when ``action`` is not a plain int (numpy integers and
    0-d integer arrays are accepted; bools, floats and strings are not).
    """
    if type(action) is int or (
        isinstance(action, (np.integer, np.ndarray))
        and np.ndim(action) == 0
        and np.asarray(action).dtype.kind in "iu"
    ):
        a = int(action)
        if a == LEFT or a == RIGHT:
            return a
    raise ValueError(f"invalid action {action!r}; valid actions: 0 (left), 1 (right)")


# -- observations and pictures (shared with the vector twin) ------------------------------------
def observation_space(length: int, obs_mode: str) -> spaces.Space:
    """One env's observation space: ``Discrete(N)`` or ``Box(0, 1, (N,), float32)``."""
    if obs_mode == "index":
        return spaces.Discrete(length)
    return spaces.Box(0.0, 1.0, (length,), np.float32)


def observation_table(length: int, obs_mode: str) -> np.ndarray | None:
    """Row ``s`` is the observation of state ``s`` (None for ``"index"``, the state itself)."""
    if obs_mode == "index":
        return None
    if obs_mode == "onehot":
        return np.eye(length, dtype=np.float32)
    return np.tril(np.ones((length, length), np.float32))


def chain_text(length: int, state: int, t: int, horizon: int, total: float) -> str:
    """The ``"ansi"`` render: the chain as one line, then the step count and the return."""
    cells = ["l"] + ["."] * (length - 2) + ["$"]
    cells[state] = "@"
    return f"|{'|'.join(cells)}|  step {t}/{horizon}  return {total:.3f}"


def chain_picture(length: int, state: int, t: int, horizon: int) -> np.ndarray:
    """The chain as a row of cells over a time bar; small coin at s1, big coin at sN."""
    n = length
    bar_h = CELL // 2
    image = np.empty((CELL + bar_h, n * CELL, 3), np.uint8)
    image[:] = COLOURS["floor"]
    paint(image, 0, 0, "small_coin", "copper")
    draw_coin(image, 0, n - 1)
    draw_agent(image, 0, state)
    bar = image[CELL:]
    bar[:] = COLOURS["bar_back"]
    done = round(n * CELL * t / horizon)
    bar[1:-1, :done] = COLOURS["bar"]
    return finish(image, 1, n)


# -- the environment ---------------------------------------------------------------------------
class ChainEnv(gym.Env):
    """The chain s1 .. sN of Osband et al. (2016): a little reward at s1, a lot at sN.

    Rules (section 5.1 and Figure 3 of "Deep Exploration via Bootstrapped DQN"):

    - states s1 .. sN, observed as indices 0 .. N-1; every episode starts in s2 (index 1);
    - actions 0 (left) and 1 (right) move one state; at an end, moving outward stays put (our
      rule; the paper does not spell it out);
    - a step that ends in s1 pays :data:`LEFT_REWARD` (0.001), one that ends in sN pays
      :data:`RIGHT_REWARD` (1); staying at an end pays again at every step;
    - an episode lasts N + 9 steps and then is *truncated* (time is not part of the state).

    Moving right at every step is optimal and returns 12 for every N (sN is reached on step
    N - 2 and held for the 11 steps left); moving left at every step returns 0.001 (N + 9).

    Args:
        length: N, the number of states (at least 3; the paper's chains have N > 3).
        obs_mode: ``"index"`` (``Discrete(N)``, the default), ``"onehot"`` or ``"thermometer"``
            (``Box(0, 1, (N,), float32)``: ones at x = s, or at every x <= s, as in the paper).
        render_mode: ``"rgb_array"`` or ``"ansi"``.

    ``info["cell"]`` is ``(s,)``, the state index, after every reset and step. The vector twin,
    :class:`~rlx_envs.envs.diagnostic.vector.ChainVectorEnv`, steps N chains with the same rules
    (``gym.make_vec(..., vectorization_mode="vector_entry_point")``).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> env = gym.make("rlx/Chain-v0", obs_mode="thermometer")
        >>> obs, info = env.reset(seed=0)
        >>> obs
        array([1., 1., 0., 0., 0., 0., 0., 0., 0., 0.], dtype=float32)
        >>> total = sum(env.step(1)[1] for _ in range(19))
        >>> round(total, 6)
        12.0
    """

    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 4}
    #: Every step's info carries a hashable int tuple ``cell`` (the bonus wrappers count it).
    provides_cell = True

    def __init__(
        self,
        length: int = DEFAULT_LENGTH,
        obs_mode: str = "index",
        render_mode: str | None = None,
    ):
        self.length = integer("length", length, minimum=MIN_LENGTH)
        check_choice("obs_mode", obs_mode, OBS_MODES)
        check_render_mode(render_mode)
        self.obs_mode, self.render_mode = obs_mode, render_mode
        #: Steps per episode: N + 9.
        self.horizon = self.length + EXTRA_STEPS
        n = self.length
        self.action_space = spaces.Discrete(2)
        self.observation_space = observation_space(n, obs_mode)
        self._rules = chain_tables(n)
        table = observation_table(n, obs_mode)
        # One row per state, copied out (a list indexes faster).
        self._table = None if table is None else list(table)
        self._state: int | None = None
        self._t = self.horizon  # steps taken; at the horizon until the first reset, so step raises
        self._return = 0.0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode in s2. The chain is deterministic: ``seed`` only seeds ``np_random``."""
        super().reset(seed=seed)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; this env takes none")
        self._state, self._t, self._return = START, 0, 0.0
        return self._observation(START), {"cell": (START,)}

    def step(self, action):
        """Move left (0) or right (1); see the class docstring for the rewards."""
        if type(action) is not int or action >> 1:  # not the int 0 or 1 (a cheap test: hot loop)
            action = as_action(action)  # raises, naming the valid actions, unless 0 or 1
        t = self._t
        if t >= self.horizon:
            raise gym.error.ResetNeeded("call reset() before step() (the episode is over)")
        s, reward = chain_step(self._rules, self._state, action)
        self._state = s
        self._t = t = t + 1
        if self.render_mode is not None:  # only render() reads it: skipped in the hot loop
            self._return += reward
        table = self._table  # the observation, inline: this is the hot loop
        obs = s if table is None else table[s].copy()
        return obs, reward, False, t >= self.horizon, {"cell": (s,)}

    def _observation(self, s: int):
        return s if self._table is None else self._table[s].copy()

    def render(self):
        """A picture (``"rgb_array"``) or a line of text (``"ansi"``) of the chain."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make()")
            return None
        s, t = (START, 0) if self._state is None else (self._state, self._t)
        if self.render_mode == "ansi":
            return chain_text(self.length, s, t, self.horizon, self._return)
        return chain_picture(self.length, s, t, self.horizon)

    def close(self):
        """Nothing to release."""


__all__ = [
    "ACTION_NAMES",
    "DEFAULT_LENGTH",
    "EXTRA_STEPS",
    "LEFT",
    "LEFT_REWARD",
    "MIN_LENGTH",
    "OBS_MODES",
    "RENDER_MODES",
    "RIGHT",
    "RIGHT_REWARD",
    "START",
    "ChainEnv",
]
