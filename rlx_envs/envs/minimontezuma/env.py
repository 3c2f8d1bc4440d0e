"""MiniMontezuma as a Gymnasium environment (one env; see ``vector.py`` for the batched one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.envs.minimontezuma import render, snapshot
from rlx_envs.envs.minimontezuma.options import (
    OBS_MODES,
    RENDER_MODES,
    SEMANTICS,
    MiniMontezumaOptions,
    ProceduralLevels,
    observation_space,
    resolve_level,
    step_info,
)
from rlx_envs.rules.minimontezuma import appearance, observe, rules
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.level import Level

# Kept importable from here, where they were first defined.
__all__ = ["OBS_MODES", "RENDER_MODES", "SEMANTICS", "MiniMontezumaEnv", "MiniMontezumaProcgenEnv",
           "check_action", "observation_space", "resolve_level"]  # fmt: skip


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


class MiniMontezumaEnv(MiniMontezumaOptions, gym.Env):
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
        self._set_options(obs_mode, render_mode, lives, fall_damage_height, sticky_action_prob,
                          rewards, reward_scale, semantics)  # fmt: skip
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

    # -- levels (the procedural env overrides _first_level and this) --------------------------
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

    # -- snapshots ---------------------------------------------------------------------------
    def get_state(self) -> snapshot.Snapshot:
        """This game at this step, immutable and picklable (see :mod:`.snapshot`)."""
        if self._state is None:
            raise gym.error.ResetNeeded("call reset() before get_state()")
        return snapshot.of_state(self._state, self._key, self._score, self._perm)

    def set_state(self, saved: snapshot.Snapshot) -> None:
        """Continue from ``saved`` (from this env, another one of the same level, or a batch's
        env): the same observations, rewards and future under the same actions."""
        (saved,) = snapshot.check_snapshots(saved, 1)
        level = self._episode_level(saved.key)
        if level is not self.level:
            self._set_level(level)
        self._state, self._key, self._score = saved.state(), saved.key, saved.score
        self._perm = saved.permutation_array()

    def observation(self):
        """The observation of the current state (as ``reset`` and ``step`` return it)."""
        return self._observation()

    # -- observations and info ---------------------------------------------------------------
    def key_counts(self) -> tuple[int, ...]:
        """Keys held, per colour (red, green, blue, yellow)."""
        return observe.key_counts(self._state.inventory)

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
        return step_info(self._state, self.level.num_rooms, died, rules.SCALAR)


class MiniMontezumaProcgenEnv(ProceduralLevels, MiniMontezumaEnv):
    """MiniMontezuma on a new procedurally generated, solvable level every episode.

    Args:
        num_levels: size of the level set (0 = unlimited), as in Procgen.
        start_level: the first level id; ids ``start_level .. start_level + num_levels - 1`` are
            used, so train and test sets split cleanly (e.g. 0..499 and 500..).
        **kwargs: as :class:`MiniMontezumaEnv` (except ``level``).

    Example:
        >>> env = MiniMontezumaProcgenEnv(num_levels=5, start_level=100)
        >>> _ = env.reset(seed=0)
        >>> env.level.name in {f"procgen-{i}" for i in range(100, 105)}
        True
    """

    def __init__(self, num_levels: int = 0, start_level: int = 0, **kwargs):
        super().__init__(level=self._procedural(num_levels, start_level, kwargs), **kwargs)

    def _episode_level(self, key: int) -> Level:
        return self._generated_level(key)
