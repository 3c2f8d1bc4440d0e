"""Natively batched MiniMontezuma: N envs stepped with array operations, no loop over envs.

The transition is :func:`rules.step`, the very function the single env calls, run on the array
backend; observations come from :mod:`batch`. Env ``i`` of ``reset(seed=s)`` is exactly the single
env after ``reset(seed=s + i)``: same observations, rewards, terminations, truncations and info.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from rlx_envs.core.arguments import integer
from rlx_envs.envs.minimontezuma import render, snapshot
from rlx_envs.envs.minimontezuma.batch import BatchObserver, SlotTables
from rlx_envs.envs.minimontezuma.options import (
    MiniMontezumaOptions,
    ProceduralLevels,
    observation_space,
    step_info,
)
from rlx_envs.rules.minimontezuma import appearance, observe, rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T


class MiniMontezumaVectorEnv(MiniMontezumaOptions, snapshot.BatchSnapshots, VectorEnv):
    """``num_envs`` MiniMontezuma envs in one set of arrays.

    Made by ``gym.make_vec(id, num_envs, vectorization_mode="vector_entry_point")``. Takes the
    single env's options plus ``max_episode_steps`` (from the registry) and ``autoreset_mode``
    (``AutoresetMode.NEXT_STEP``, the default, ``SAME_STEP`` or ``DISABLED``).

    The only difference from a ``SyncVectorEnv`` of single envs is the type of ``info["cell"]``:
    an (N, 5) int64 array whose rows are the single env's cell tuples.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=8,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape, info["lives"].tolist()[:3]
        ((8, 128), [5, 5, 5])
    """

    metadata = {"render_modes": ["rgb_array", "ansi"], "autoreset_mode": AutoresetMode.NEXT_STEP}
    #: ``info["cell"]`` is an (N, 5) int array of the single env's cell tuples.
    provides_cell = True

    def __init__(
        self,
        num_envs: int = 1,
        level="pyramid",
        obs_mode: str = "ram",
        render_mode: str | None = None,
        lives: int = 5,
        fall_damage_height: int = 3,
        sticky_action_prob: float = 0.25,
        rewards: dict[str, float] | None = None,
        reward_scale: float = 1.0,
        semantics: str = "plain",
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
    ):
        num_envs = integer("num_envs", num_envs, minimum=1)
        if render_mode == "human":
            raise ValueError("the batched env renders 'rgb_array' or 'ansi'; valid modes: "
                             f"{self.metadata['render_modes']}")  # fmt: skip
        self._set_options(obs_mode, render_mode, lives, fall_damage_height, sticky_action_prob,
                          rewards, reward_scale, semantics)  # fmt: skip
        if max_episode_steps is not None:
            max_episode_steps = integer("max_episode_steps", max_episode_steps, minimum=1)
        try:
            self.autoreset_mode = AutoresetMode(autoreset_mode)
        except ValueError:
            raise ValueError(f"unknown autoreset_mode {autoreset_mode!r}; valid modes: "
                             f"{[m.value for m in AutoresetMode]}") from None  # fmt: skip
        self.metadata = {**self.metadata, "autoreset_mode": self.autoreset_mode}
        self.num_envs = num_envs
        self.max_episode_steps = max_episode_steps
        first = self._first_level(level)
        self.level = first
        slots = self._slots()
        self._slot_tables = SlotTables(first, slots, self.rewards, self.fall_damage_height)
        self._tables = self._slot_tables.tables
        self._observer = BatchObserver(first, slots, first.laser_on)
        self._slot = np.arange(self.num_envs, dtype=np.int64) % slots
        self.levels = [first] * slots

        self.single_action_space = spaces.Discrete(rules.NUM_ACTIONS)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.single_observation_space = observation_space(obs_mode, first.height, first.width)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self._state: rules.State | None = None
        self._keys: np.ndarray | None = None
        self._perms = None
        self._elapsed = np.zeros(self.num_envs, np.int64)
        self._autoreset = np.zeros(self.num_envs, bool)
        self._score = np.zeros(self.num_envs)
        self._looks: tuple[np.ndarray, np.ndarray] | None = None  # (N, 19, 8, 8, 3), (N, 2)

    # -- levels (the procedural batch overrides _first_level and these) ----------------------
    def _slots(self) -> int:
        return 1

    def _start_levels(self, envs: np.ndarray, keys: np.ndarray) -> None:
        """Load the levels that envs ``envs`` play next (nothing to do for a fixed level)."""

    # -- Gymnasium vector API ----------------------------------------------------------------
    def reset(self, *, seed: int | list[int] | None = None, options: dict | None = None):
        """Reset all envs (or those in ``options["reset_mask"]``); env i gets seed ``seed + i``."""
        super().reset(seed=seed if isinstance(seed, (int, np.integer)) or seed is None else None)
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; valid: ['reset_mask']")
        if mask is None:
            mask = np.ones(self.num_envs, bool)
        mask = np.asarray(mask)
        if mask.shape != (self.num_envs,) or mask.dtype != bool:
            raise ValueError(f"reset_mask must be a bool array of shape ({self.num_envs},)")
        envs = np.flatnonzero(mask)
        if seed is not None:
            if isinstance(seed, (int, np.integer)):
                seeds = np.arange(self.num_envs, dtype=np.int64) + int(seed)
            else:
                seeds = np.asarray(seed, dtype=np.int64)
            if seeds.shape != (self.num_envs,):
                raise ValueError(f"seed must be an int or a list of {self.num_envs} ints")
            keys = rules.key_from_seed(seeds[envs])
        elif self._keys is None:
            keys = self.np_random.integers(2**32, size=len(envs), dtype=np.int64)
        else:
            keys = rules.next_key(self._keys[envs])
        if self._state is None:
            if len(envs) != self.num_envs:
                raise ValueError("the first reset must reset every env")
            self._keys = keys
            self._perms = self._new_perms(keys)
            self._start_levels(envs, keys)
            state = rules.initial_state(self._tables, self._slot.copy(), self.lives, keys)
            for name in rules.FIELDS:  # own arrays: resets write into them in place
                value = getattr(state, name)
                setattr(state, name, [v.copy() for v in value] if isinstance(value, list)
                        else np.array(value, dtype=np.int64))  # fmt: skip
            self._state = state
        else:
            if seed is not None and self._perms is not None:
                self._perms[envs] = self._new_perms(keys)
            self._reset_envs(envs, keys)
        self._autoreset[envs] = False
        obs = self._observation()
        return obs, self._info(np.zeros(self.num_envs, bool))

    def step(self, actions):
        """Step every env; envs that finished on the previous step reset instead (NEXT_STEP)."""
        if self._state is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        a = self._check_actions(actions)
        s = self._state
        if self._threshold:
            a = rules.sticky(self._tables, s, a, self._threshold, rules.ARRAY)
        reward, terminated, died = rules.step(self._tables, s, a, rules.ARRAY)
        self._elapsed += 1
        truncated = (self._elapsed >= self.max_episode_steps if self.max_episode_steps
                     else np.zeros(self.num_envs, bool))  # fmt: skip
        self._score += reward
        infos: dict[str, Any] = {}
        if self.autoreset_mode == AutoresetMode.NEXT_STEP and self._autoreset.any():
            envs = np.flatnonzero(self._autoreset)
            self._reset_envs(envs, rules.next_key(self._state.key[envs]))
            reward[envs], terminated[envs], truncated[envs], died[envs] = 0.0, False, False, False
        done = terminated | truncated
        if self.autoreset_mode == AutoresetMode.SAME_STEP and done.any():
            envs = np.flatnonzero(done)
            infos = self._final(envs, died)
            self._reset_envs(envs, rules.next_key(self._state.key[envs]))
            died = died.copy()
            died[envs] = False
        elif self.autoreset_mode == AutoresetMode.DISABLED and self._autoreset.any():
            raise RuntimeError(
                "autoreset_mode DISABLED: reset finished envs with options['reset_mask']"
            )
        self._autoreset = done
        infos.update(self._info(died))
        return self._observation(), reward, terminated, truncated, infos

    def _snapshots(self, envs: np.ndarray) -> snapshot.Snapshots:
        identity = np.arange(T.NUM_CODES, dtype=np.uint8)
        perms = identity if self._perms is None else self._perms[envs]
        return snapshot.of_batch_envs(self._state, envs, self.level.num_rooms, self._keys[envs],
                                      self._score[envs], perms)  # fmt: skip

    def _restore(self, table: snapshot.Snapshots, envs: np.ndarray) -> None:
        self._keys[envs] = table.keys
        self._start_levels(envs, table.keys)
        snapshot.write_batch_envs(self._state, envs, table, self._slot[envs], self.level.num_rooms)
        if self._perms is not None:
            self._perms[envs] = table.permutations
        self._score[envs] = table.scores
        self._elapsed[envs] = self._state.t[envs]
        self._autoreset[envs] = False

    def observation(self):
        """The observations of the current states (as ``reset`` and ``step`` return them)."""
        return self._observation()

    def render(self):
        """A tuple with a frame (rgb_array) or text (ansi) per env."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make_vec()")
            return None
        codes = self._observer.symbolic(self._tables, self._state, self._perms)
        s, out = self._state, []
        for i in range(self.num_envs):
            keys = observe.key_counts(int(s.inventory[i]))
            if self.render_mode == "ansi":
                out.append(render.text(codes[i], self.levels[self._slot[i]].title, self._score[i],
                                       int(s.lives[i]), keys))  # fmt: skip
            else:
                out.append(render.frame(sprites.tiles_to_image(codes[i]), self._score[i],
                                        int(s.lives[i]), keys))  # fmt: skip
        return tuple(out)

    def set_appearance(self, tables=None, shifts=None, envs=None) -> None:
        """Draw env ``envs[j]``'s pixels with sprite table ``tables[j]`` and camera shift
        ``shifts[j] = (dy, dx)`` (as the single env's ``set_appearance``). ``envs`` defaults to
        every env; ``tables=None`` restores the package sprites (and no shift) for ``envs``."""
        envs = np.arange(self.num_envs) if envs is None else np.asarray(envs, np.int64).ravel()
        if tables is None:
            if self._looks is not None:
                self._looks[0][envs] = sprites.SPRITES
                self._looks[1][envs] = 0
            return
        tables = np.asarray(tables)
        shifts = np.zeros((len(envs), 2), np.int64) if shifts is None else np.asarray(shifts)
        if tables.shape != (len(envs), *sprites.SPRITES.shape) or tables.dtype != np.uint8:
            raise ValueError(f"tables must be a ({len(envs)}, 19, 8, 8, 3) uint8 array, got "
                             f"{tables.shape} {tables.dtype}")  # fmt: skip
        if shifts.shape != (len(envs), 2) or np.abs(shifts).max(initial=0) >= sprites.TILE:
            raise ValueError(f"shifts must be ({len(envs)}, 2) ints with |dy|, |dx| < 8")
        if self._looks is None:
            self._looks = (np.repeat(sprites.SPRITES[None], self.num_envs, axis=0),
                           np.zeros((self.num_envs, 2), np.int64))  # fmt: skip
        self._looks[0][envs] = tables
        self._looks[1][envs] = shifts

    def draw_pixels(self, envs=None) -> np.ndarray:
        """The pixel observation of ``envs`` (default: all) now, in their current appearance."""
        envs = np.arange(self.num_envs) if envs is None else np.asarray(envs, np.int64).ravel()
        codes = self._observer.symbolic(self._tables, self._state, self._perms)[envs]
        return self._pixels(codes, envs)

    # -- internals ---------------------------------------------------------------------------
    def _pixels(self, codes: np.ndarray, envs=None) -> np.ndarray:
        if self._looks is None:
            return sprites.tiles_to_image(codes)
        tables, shifts = self._looks
        if envs is not None:
            tables, shifts = tables[envs], shifts[envs]
        return appearance.draw_batch(codes, tables, shifts)

    def _check_actions(self, actions) -> np.ndarray:
        a = np.asarray(actions)
        if a.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},), got {a.shape}")
        if a.dtype.kind not in "iu":
            names = ", ".join(rules.ACTION_NAMES)
            raise TypeError(f"actions must be integers in [0, 7] ({names}), got dtype {a.dtype}")
        if a.size and (a.min() < 0 or a.max() >= rules.NUM_ACTIONS):
            raise ValueError(
                f"actions out of range: valid actions are 0..7, got min {a.min()} max {a.max()}"
            )
        return a.astype(np.int64, copy=False)

    def _new_perms(self, keys):
        if self.semantics != "masked":
            return None
        return observe.masked_permutation(keys)

    def _reset_envs(self, envs: np.ndarray, keys: np.ndarray) -> None:
        """Start new episodes in ``envs`` with generator ``keys``."""
        self._keys[envs] = keys
        self._start_levels(envs, keys)
        fresh = rules.initial_state(self._tables, self._slot[envs], self.lives, keys)
        s = self._state
        for name in rules.FIELDS:
            value = getattr(fresh, name)
            if name in ("skull_x", "skull_dir"):
                for k in range(rules.K):
                    getattr(s, name)[k][envs] = value[k]
            else:
                getattr(s, name)[envs] = value
        self._elapsed[envs] = 0
        self._score[envs] = 0.0

    def _final(self, envs: np.ndarray, died: np.ndarray) -> dict[str, Any]:
        """SAME_STEP: the final observation and info of the envs that just finished."""
        obs = self._observation()
        info = self._info(died)
        final_obs = np.full(self.num_envs, None, dtype=object)
        mask = np.zeros(self.num_envs, bool)
        mask[envs] = True
        for i in envs:
            final_obs[i] = {k: v[i] for k, v in obs.items()} if isinstance(obs, dict) else obs[i]
        final_info = {}
        for key, value in info.items():
            if not key.startswith("_"):
                final_info[key] = value.copy()
                final_info[f"_{key}"] = mask.copy()
        return {"final_obs": final_obs, "_final_obs": mask.copy(), "final_info": final_info,
                "_final_info": mask.copy()}  # fmt: skip

    def _observation(self):
        s, mode = self._state, self.obs_mode
        if mode == "ram":
            return self._observer.ram(s)
        codes = self._observer.symbolic(self._tables, s, self._perms)
        if mode == "symbolic":
            return codes
        if mode == "pixels":
            return self._pixels(codes)
        return {"ram": self._observer.ram(s), "symbolic": codes, "pixels": self._pixels(codes)}

    def _info(self, died: np.ndarray) -> dict[str, Any]:
        info = step_info(self._state, self.level.num_rooms, died, rules.ARRAY)
        every = np.ones(self.num_envs, bool)
        for key in list(info):
            info[f"_{key}"] = every
        return info


class MiniMontezumaProcgenVectorEnv(ProceduralLevels, MiniMontezumaVectorEnv):
    """The batched procedural env: every env plays its own generated level.

    Takes ``num_levels`` and ``start_level`` as
    :class:`~rlx_envs.envs.minimontezuma.env.MiniMontezumaProcgenEnv`.

    Example:
        >>> envs = MiniMontezumaProcgenVectorEnv(num_envs=2, num_levels=3)
        >>> _ = envs.reset(seed=0)
        >>> all(level.name in {"procgen-0", "procgen-1", "procgen-2"} for level in envs.levels)
        True
    """

    def __init__(self, num_envs: int = 1, num_levels: int = 0, start_level: int = 0, **kwargs):
        first = self._procedural(num_levels, start_level, kwargs)
        super().__init__(num_envs=num_envs, level=first, **kwargs)

    def _slots(self) -> int:
        return self.num_envs

    def _start_levels(self, envs: np.ndarray, keys: np.ndarray) -> None:
        for i, key in zip(envs.tolist(), keys.tolist(), strict=True):
            level = self._generated_level(key)
            if level is not self.levels[i]:
                self._slot_tables.write(i, level)
                self._observer.write(i, level)
                self.levels[i] = level
