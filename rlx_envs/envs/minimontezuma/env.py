"""MiniMontezuma as a Gymnasium environment (one env; see ``vector.py`` for the batched one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.envs.minimontezuma import render
from rlx_envs.rules.minimontezuma import appearance, observe, rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.checker import check_level
from rlx_envs.rules.minimontezuma.level import Level, load_level, parse_level, shipped_levels

OBS_MODES = ("ram", "symbolic", "pixels", "dict")
SEMANTICS = ("plain", "masked")
RENDER_MODES = ("rgb_array", "human", "ansi")


def validate_config(
    obs_mode: str,
    render_mode: str | None,
    lives: int,
    fall_damage_height: int,
    sticky_action_prob: float,
    rewards: dict[str, float] | None,
    reward_scale: float,
    semantics: str,
) -> None:
    """Raise a clear error for any bad option (shared by the single and the batched env)."""
    if obs_mode not in OBS_MODES:
        raise ValueError(f"unknown obs_mode {obs_mode!r}; valid modes: {list(OBS_MODES)}")
    if render_mode is not None and render_mode not in RENDER_MODES:
        raise ValueError(f"unknown render_mode {render_mode!r}; valid modes: {list(RENDER_MODES)}")
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; valid choices: {list(SEMANTICS)}")
    for name, value, lo, hi in (
        ("lives", lives, 1, 255),
        ("fall_damage_height", fall_damage_height, 1, 250),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or not lo <= value <= hi
        ):
            raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    if not isinstance(sticky_action_prob, (int, float)) or not 0.0 <= sticky_action_prob <= 1.0:
        raise ValueError(
            f"sticky_action_prob must be a number in [0, 1], got {sticky_action_prob!r}"
        )
    if not isinstance(reward_scale, (int, float)) or not np.isfinite(reward_scale):
        raise ValueError(f"reward_scale must be a finite number, got {reward_scale!r}")
    for event, value in (rewards or {}).items():
        if event not in rules.DEFAULT_REWARDS:
            raise ValueError(f"unknown reward event {event!r}; valid events: {list(rules.EVENTS)}")
        if not isinstance(value, (int, float)) or not np.isfinite(value):
            raise ValueError(f"reward for {event!r} must be a finite number, got {value!r}")


def resolve_level(level: str | Path | Level, fall_damage_height: int) -> Level:
    """A shipped level name, a level file path, level text, or a :class:`Level`.

    Levels that do not ship with the package are checked for solvability first.
    """
    if isinstance(level, Level):
        lv = level
    elif isinstance(level, str) and level in shipped_levels():
        return load_level(level)
    elif isinstance(level, str) and "\n" in level:
        lv = parse_level(level)
    elif isinstance(level, (str, Path)):
        lv = load_level(level)
    else:
        raise TypeError(f"level must be a level name, a path, level text or a Level, got {level!r}")
    check_level(lv, fall_damage_height)
    return lv


def check_action(action: Any) -> int:
    """The action as an int, or a clear error."""
    if type(action) is int or (
        isinstance(action, (np.integer, np.ndarray))
        and np.ndim(action) == 0
        and np.asarray(action).dtype.kind in "iu"
    ):
        a = int(action)
        if 0 <= a < rules.NUM_ACTIONS:
            return a
        raise ValueError(f"action {a} out of range; valid actions 0..7: {list(rules.ACTION_NAMES)}")
    raise TypeError(
        f"action must be an integer in [0, {rules.NUM_ACTIONS - 1}] "
        f"({', '.join(rules.ACTION_NAMES)}), got {action!r} of type {type(action).__name__}"
    )


def observation_space(obs_mode: str, height: int, width: int) -> spaces.Space:
    """The observation space of one env."""
    tile = sprites.TILE
    parts = {
        "ram": spaces.Box(0, 255, (observe.RAM_SIZE,), np.uint8),
        "symbolic": spaces.Box(0, T.NUM_CODES - 1, (height, width), np.uint8),
        "pixels": spaces.Box(0, 255, (height * tile, width * tile, 3), np.uint8),
    }
    return spaces.Dict(parts) if obs_mode == "dict" else parts[obs_mode]


class MiniMontezumaEnv(gym.Env):
    """A side-view, Montezuma's-Revenge-like gridworld with sparse rewards.

    Rooms of cells joined at their edges; gravity, ladders, ropes, coloured keys and doors,
    patrolling skulls, lava, timed lasers, jewels, an exit, and lives. See
    ``docs/envs/minimontezuma.md`` for the full rules.

    Args:
        level: a shipped level name (``"first_room"``, ``"pyramid"``, ...), a path to a level file,
            level text, or a :class:`~rlx_envs.rules.minimontezuma.level.Level`.
        obs_mode: ``"ram"``, ``"symbolic"``, ``"pixels"`` or ``"dict"`` (all three).
        render_mode: ``"rgb_array"``, ``"human"`` or ``"ansi"``.
        lives: lives at the start (the game has 5).
        fall_damage_height: the longest fall (in cells) that does not cost a life.
        sticky_action_prob: probability of repeating the previous action instead of the chosen
            one (Machado et al. 2018; 0.25 as in ALE v5).
        rewards: scores per event (``key``, ``door``, ``jewel``, ``exit``) replacing the defaults.
        reward_scale: a factor applied to every score.
        semantics: ``"plain"``, or ``"masked"`` to shuffle what objects look like, per seed.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> env = gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="symbolic")
        >>> obs, info = env.reset(seed=0)
        >>> obs.shape, info["lives"]
        ((18, 24), 5)
    """

    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 15}
    #: Every step's info carries a hashable int tuple ``cell`` (the bonus wrappers count it).
    provides_cell = True

    def __init__(
        self,
        level: str | Path | Level = "pyramid",
        obs_mode: str = "ram",
        render_mode: str | None = None,
        lives: int = 5,
        fall_damage_height: int = 3,
        sticky_action_prob: float = 0.25,
        rewards: dict[str, float] | None = None,
        reward_scale: float = 1.0,
        semantics: str = "plain",
    ):
        validate_config(obs_mode, render_mode, lives, fall_damage_height, sticky_action_prob,
                        rewards, reward_scale, semantics)  # fmt: skip
        self.obs_mode, self.render_mode, self.lives = obs_mode, render_mode, int(lives)
        self.fall_damage_height = int(fall_damage_height)
        self.sticky_action_prob = float(sticky_action_prob)
        self.rewards = {e: float((rewards or {}).get(e, d)) * reward_scale
                        for e, d in rules.DEFAULT_REWARDS.items()}  # fmt: skip
        self.semantics = semantics
        self._threshold = round(self.sticky_action_prob * 2**32)
        self._set_level(self._first_level(level))
        self.action_space = spaces.Discrete(rules.NUM_ACTIONS)
        self.observation_space = observation_space(obs_mode, self.level.height, self.level.width)
        self.reward_range = (0.0, float(max(self.rewards.values())))
        self._key: int | None = None
        self._perm = np.arange(T.NUM_CODES, dtype=np.uint8)
        self._state: rules.State | None = None
        self._score = 0.0
        self._window = None
        self._appearance: tuple[np.ndarray, tuple[int, int]] | None = None

    # -- levels (the procedural env overrides these two) -------------------------------------
    def _first_level(self, level) -> Level:
        return resolve_level(level, self.fall_damage_height)

    def _episode_level(self, key: int) -> Level:
        return self.level

    def _set_level(self, level: Level) -> None:
        self.level = level
        self._tables = rules.Tables([level], self.rewards, self.fall_damage_height)
        self._observer = observe.Observer([level], level.laser_on)

    # -- Gymnasium API -----------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode; ``reset(seed=s)`` fixes the level, masking and sticky draws."""
        super().reset(seed=seed)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; this env takes none")
        if seed is not None:
            self._key = rules.key_from_seed(int(seed))
        elif self._key is None:
            self._key = int(self.np_random.integers(2**32))
        else:
            self._key = rules.next_key(self._key)
        if seed is not None or self._state is None:
            self._perm = (observe.masked_permutation(self._key) if self.semantics == "masked"
                          else np.arange(T.NUM_CODES, dtype=np.uint8))  # fmt: skip
        level = self._episode_level(self._key)
        if level is not self.level:
            self._set_level(level)
        self._state = rules.initial_state(self._tables, 0, self.lives, self._key)
        self._score = 0.0
        if self.render_mode == "human":
            self.render()
        return self._observation(), self._info(False)

    def step(self, action):
        """One step: the action (maybe replaced by the previous one, see sticky actions)."""
        a = check_action(action)
        s = self._state
        if s is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        if self._threshold:
            a = rules.sticky(self._tables, s, a, self._threshold, rules.SCALAR)
        reward, terminated, died = rules.step(self._tables, s, a, rules.SCALAR)
        self._score += reward
        if self.render_mode == "human":
            self.render()
        return self._observation(), reward, terminated, False, self._info(died)

    def render(self):
        """An RGB frame with status bar, text, or a frame shown in a pygame window."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make()")
            return None
        s = self._state
        codes = self._perm[self._observer.symbolic(s)]
        keys = self.key_counts()
        if self.render_mode == "ansi":
            return render.text(codes, self.level.title, self._score, s.lives, keys)
        image = render.frame(observe.pixels(codes), self._score, s.lives, keys)
        if self.render_mode == "rgb_array":
            return image
        if self._window is None:
            self._window = render.Window(f"MiniMontezuma: {self.level.title}")
        self._window.show(image, self.metadata["render_fps"])
        return None

    def close(self):
        """Close the window, if any."""
        if self._window is not None:
            self._window.close()
            self._window = None

    def set_appearance(self, table: np.ndarray | None = None, shift=(0, 0)) -> None:
        """Draw pixel observations with sprite ``table`` ((19, 8, 8, 3) uint8, see
        :mod:`rlx_envs.rules.minimontezuma.appearance`) and the camera moved by ``shift = (dy, dx)``
        pixels (|dy|, |dx| < 8; the uncovered strip shows the empty sprite's top-left colour).
        ``None`` restores the package sprites. The ram and symbolic observations, and
        ``render()``, never change."""
        self._appearance = None if table is None else appearance.check_appearance(table, shift)

    # -- observations and info ---------------------------------------------------------------
    def key_counts(self) -> tuple[int, ...]:
        """Keys held, per colour (red, green, blue, yellow)."""
        inv = self._state.inventory
        return tuple((inv >> (4 * c)) & 15 for c in range(len(T.COLOURS)))

    def _observation(self):
        mode, s = self.obs_mode, self._state
        if mode == "ram":
            return self._observer.ram(s)
        codes = self._perm[self._observer.symbolic(s)]
        if mode == "symbolic":
            return codes
        look = self._appearance
        pixels = observe.pixels(codes) if look is None else appearance.draw(codes, *look)
        if mode == "pixels":
            return pixels
        return {"ram": self._observer.ram(s), "symbolic": codes, "pixels": pixels}

    def _info(self, died: bool) -> dict[str, Any]:
        s = self._state
        room = s.room - s.slot * self.level.num_rooms
        return {
            "room": room,
            "x": s.x,
            "y": s.y,
            "lives": s.lives,
            "inventory": np.array(self.key_counts(), dtype=np.int64),
            "rooms_visited": s.visited.bit_count(),
            "life_lost": bool(died),
            "cell": (room, s.x, s.y, s.inventory, s.used),
        }


class MiniMontezumaProcgenEnv(MiniMontezumaEnv):
    """MiniMontezuma on a new procedurally generated, solvable level every episode.

    Args:
        num_levels: size of the level set (0 = unlimited), as in Procgen.
        start_level: the first level id; ids ``start_level .. start_level + num_levels - 1`` are
            used, so train and test sets split cleanly (e.g. 0..499 and 500..).
        **kwargs: as :class:`MiniMontezumaEnv` (except ``level``).
    """

    def __init__(self, num_levels: int = 0, start_level: int = 0, **kwargs):
        from rlx_envs.rules.minimontezuma import procgen

        if "level" in kwargs:
            raise ValueError(
                "the procedural env makes its own levels; use MiniMontezuma-v0 for a level"
            )
        for name, value in (("num_levels", num_levels), ("start_level", start_level)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        self.num_levels, self.start_level = int(num_levels), int(start_level)
        self._procgen = procgen
        super().__init__(level=procgen.generate(self.start_level), **kwargs)

    def _first_level(self, level) -> Level:
        return level

    def level_id(self, key: int) -> int:
        """The level id an episode key selects."""
        return self._procgen.level_id(key, self.start_level, self.num_levels)

    def _episode_level(self, key: int) -> Level:
        return self._procgen.generate(self.level_id(key))
