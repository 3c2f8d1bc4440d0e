"""What the vector twins of the small tabular envs share: seeds, autoreset, episode limits, info.

The twins of Chain, DeepSea and the top-down grids (:mod:`rlx_envs.envs.diagnostic.vector`,
:mod:`rlx_envs.envs.topdown.vector`) keep each env's state in a few numpy arrays and step them with
the single env's own rules. This base does the Gymnasium plumbing around those rules, the way a
``SyncVectorEnv`` of ``gym.make`` envs (``TimeLimit`` included) does it, so that the twins equal
that, step for step:

- ``reset(seed=s)`` gives env ``i`` the seed ``s + i``, ``reset(seed=[s0, s1, ...])`` env ``i``
  the seed ``s_i`` (None: no new seed), and each env keeps its own generator (:meth:`_rng`),
  made lazily as the single env's ``np_random`` is, so unseeded resets continue it;
- ``autoreset_mode``: ``NEXT_STEP`` (the default), ``SAME_STEP`` (``final_obs`` and
  ``final_info`` in ``info``) or ``DISABLED`` (reset finished envs with
  ``reset(options={"reset_mask": mask})``);
- ``max_episode_steps`` truncates, as ``TimeLimit`` does (the registry passes its limit);
- every ``info`` array ``key`` comes with its ``_key`` mask.

>>> env_seeds(3, 4)
[3, 4, 5, 6]
>>> env_seeds([7, None], 2), env_seeds(None, 2)
([7, None], [None, None])
"""

from __future__ import annotations

import dataclasses
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from rlx_envs.core.arguments import integer, is_integer

#: Render modes of every twin (each returns a tuple: one frame or text per env).
RENDER_MODES = ("rgb_array", "ansi")


def as_arrays(tables: Any) -> Any:
    """A rules module's tables (a dataclass of lists) with numpy arrays for fields: the twin's
    backend, on which the single env's step function steps every env at once."""
    fields = dataclasses.fields(tables)
    return type(tables)(*(np.asarray(getattr(tables, field.name)) for field in fields))


def check_num_envs(num_envs: Any) -> int:
    """``num_envs`` as an int, or a ValueError unless it is an integer >= 1."""
    return integer("num_envs", num_envs, minimum=1)


def check_autoreset_mode(mode: Any) -> AutoresetMode:
    """``mode`` as an :class:`~gymnasium.vector.AutoresetMode`, or a ValueError naming them.

    Takes a member, its value (``"SameStep"``) or its name (``"same_step"``, any case).
    """
    if isinstance(mode, str) and mode.upper() in AutoresetMode.__members__:
        return AutoresetMode[mode.upper()]
    try:
        return AutoresetMode(mode)
    except ValueError:
        valid = [m.value for m in AutoresetMode]
        raise ValueError(f"unknown autoreset_mode {mode!r}; valid choices: {valid} (or "
                         "AutoresetMode members, or their names)") from None  # fmt: skip


def env_seeds(seed: Any, num_envs: int) -> list[int | None]:
    """One seed (or None: no new seed) per env, as ``SyncVectorEnv.reset`` deals them out."""
    if seed is None:
        return [None] * num_envs
    if is_integer(seed):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        return [int(seed) + i for i in range(num_envs)]
    message = (f"seed must be None, an int >= 0 (env i gets seed + i) or a list of num_envs = "
               f"{num_envs} ints >= 0 or None, got {seed!r}")  # fmt: skip
    if isinstance(seed, (str, bytes, dict)) or not hasattr(seed, "__len__"):
        raise ValueError(message)
    seeds = list(seed)
    if len(seeds) != num_envs or not all(s is None or (is_integer(s) and s >= 0) for s in seeds):
        raise ValueError(message)
    return [None if s is None else int(s) for s in seeds]


class TabularVectorEnv(VectorEnv):
    """Base of the vector twins: the Gymnasium vector API around a subclass's array rules.

    A subclass sets up its state arrays and implements five hooks, each over numpy index arrays
    of envs, never a Python loop over envs (unless it must draw from the per-env generators):
    :meth:`_restart` (start new episodes), :meth:`_move` (one step of the rules),
    :meth:`_observation`, :meth:`_info` and :meth:`_render` (one env's frame or text).

    Example (with the chain's twin):
        >>> from rlx_envs.envs.diagnostic.vector import ChainVectorEnv
        >>> envs = ChainVectorEnv(num_envs=2, length=3, autoreset_mode="same_step")
        >>> envs.reset(seed=0)[0]
        array([1, 1])
        >>> obs, reward, terminated, truncated, info = envs.step([1, 0])
        >>> obs, reward, info["cell"].tolist()
        (array([2, 0]), array([1.   , 0.001]), [[2], [0]])
    """

    metadata = {"render_modes": list(RENDER_MODES), "autoreset_mode": AutoresetMode.NEXT_STEP}
    #: ``info["cell"]`` is an (N, d) int64 array whose rows are the single env's cell tuples.
    provides_cell = True

    def __init__(
        self,
        num_envs: int,
        single_observation_space: spaces.Space,
        single_action_space: spaces.Discrete,
        action_names: tuple[str, ...],
        render_mode: str | None,
        max_episode_steps: int | None,
        autoreset_mode: AutoresetMode | str,
    ):
        self.num_envs = check_num_envs(num_envs)
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"unknown render_mode {render_mode!r} for a vector env; valid "
                             f"choices: {list(RENDER_MODES)}")  # fmt: skip
        steps = max_episode_steps
        if steps is not None and (not is_integer(steps) or steps < 1):
            raise ValueError(f"max_episode_steps must be an integer >= 1 or None, got {steps!r}")
        self.autoreset_mode = check_autoreset_mode(autoreset_mode)
        self.metadata = {**self.metadata, "autoreset_mode": self.autoreset_mode}
        self.render_mode = render_mode
        self.max_episode_steps = None if steps is None else int(steps)
        self.single_observation_space = single_observation_space
        self.single_action_space = single_action_space
        self.observation_space = batch_space(single_observation_space, self.num_envs)
        self.action_space = batch_space(single_action_space, self.num_envs)
        self._action_names = action_names
        n = self.num_envs
        self._every = np.arange(n)
        self._elapsed = np.zeros(n, np.int64)  # steps in the episode, as TimeLimit counts them
        self._autoreset = np.zeros(n, bool)  # finished on the last step
        self._started = np.zeros(n, bool)  # reset at least once
        self._all_started = False
        self._seeds: list[int | None] = [None] * n  # the seed each env's generator starts from
        self._rngs: list[np.random.Generator | None] = [None] * n  # made on first use

    # -- Gymnasium vector API ----------------------------------------------------------------
    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """Reset every env, or those in ``options["reset_mask"]``; env i gets seed ``seed + i``
        (or ``seed[i]`` from a list of ``num_envs`` seeds)."""
        seeds = env_seeds(seed, self.num_envs)
        super().reset(seed=int(seed) if is_integer(seed) else None)
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; valid choices: "
                             "['reset_mask']")  # fmt: skip
        if mask is None:
            mask = np.ones(self.num_envs, bool)
        elif not (isinstance(mask, np.ndarray) and mask.dtype == bool
                  and mask.shape == (self.num_envs,) and mask.any()):  # fmt: skip
            raise ValueError("options['reset_mask'] must be a bool numpy array of shape "
                             f"({self.num_envs},) with at least one True, "
                             f"got {mask!r}")  # fmt: skip
        envs = np.flatnonzero(mask)
        seeded = np.zeros(len(envs), bool)
        if seed is not None:
            for j, i in enumerate(envs.tolist()):
                if seeds[i] is not None:
                    self._seeds[i], self._rngs[i], seeded[j] = seeds[i], None, True
        self._restart(envs, seeded)
        self._elapsed[envs] = 0
        self._autoreset[envs] = False
        self._started[envs] = True
        self._all_started = bool(self._started.all())
        return self._observation(), self._masked(self._info(), mask)

    def step(self, actions):
        """Step every env; an env that finished on the last step resets instead (NEXT_STEP),
        at once after finishing (SAME_STEP), or must be reset by hand first (DISABLED)."""
        if not self._all_started:
            raise gym.error.ResetNeeded("call reset() before step() (every env needs a reset)")
        actions = self._check_actions(actions)
        n = self.num_envs
        reward, terminated, truncated = np.zeros(n), np.zeros(n, bool), np.zeros(n, bool)
        envs, restart = self._every, None
        if self._autoreset.any():
            if self.autoreset_mode == AutoresetMode.DISABLED:
                raise gym.error.ResetNeeded(
                    f"envs {np.flatnonzero(self._autoreset).tolist()} have finished: with "
                    "autoreset_mode DISABLED, reset them with options={'reset_mask': mask}"
                )
            envs, restart = np.flatnonzero(~self._autoreset), np.flatnonzero(self._autoreset)
        if len(envs):
            self._elapsed[envs] += 1
            r, term, trunc = self._move(envs, actions[envs])
            if self.max_episode_steps is not None:
                trunc = trunc | (self._elapsed[envs] >= self.max_episode_steps)
            reward[envs], terminated[envs], truncated[envs] = r, term, trunc
        infos: dict[str, Any] = {}
        if restart is not None:
            self._restart_unseeded(restart)
        done = terminated | truncated
        if self.autoreset_mode == AutoresetMode.SAME_STEP and done.any():
            infos = self._final(done)
            self._restart_unseeded(np.flatnonzero(done))
            self._autoreset = np.zeros(n, bool)
        else:
            self._autoreset = done
        infos.update(self._masked(self._info(), np.ones(n, bool)))
        return self._observation(), reward, terminated, truncated, infos

    def render(self) -> tuple | None:
        """A tuple with one frame (``"rgb_array"``) or text (``"ansi"``) per env."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make_vec()")
            return None
        return tuple(self._render(i) for i in range(self.num_envs))

    # -- hooks for the subclasses ------------------------------------------------------------
    def _restart(self, envs: np.ndarray, seeded: np.ndarray) -> None:
        """Start new episodes in ``envs``; ``seeded[j]``: env ``envs[j]`` got a new seed now."""
        raise NotImplementedError

    def _move(self, envs: np.ndarray, actions: np.ndarray) -> tuple[Any, Any, Any]:
        """Step ``envs`` with their (checked) ``actions``: (reward, terminated, truncated)."""
        raise NotImplementedError

    def _observation(self) -> Any:
        """Every env's observation now."""
        raise NotImplementedError

    def _info(self) -> dict[str, np.ndarray]:
        """Every env's info now, one array per key (without the ``_key`` masks)."""
        raise NotImplementedError

    def _render(self, i: int) -> Any:
        """Env ``i``'s frame or text, as the single env renders it."""
        raise NotImplementedError

    def _rng(self, i: int) -> np.random.Generator:
        """Env ``i``'s generator: made on first use, as the single env's ``np_random`` is,
        from the env's last seed (or from fresh entropy if it never had one)."""
        rng = self._rngs[i]
        if rng is None:
            rng, _ = seeding.np_random(self._seeds[i])
            self._rngs[i] = rng
        return rng

    # -- internals ---------------------------------------------------------------------------
    def _restart_unseeded(self, envs: np.ndarray) -> None:
        self._restart(envs, np.zeros(len(envs), bool))
        self._elapsed[envs] = 0

    def _check_actions(self, actions) -> np.ndarray:
        a = np.asarray(actions)
        count = self.single_action_space.n
        valid = f"integers in 0..{count - 1} {list(self._action_names)}"
        if a.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},), one per env, got "
                             f"shape {a.shape}; valid actions: {valid}")  # fmt: skip
        if a.dtype.kind not in "iu":
            raise ValueError(f"actions must be {valid}, got dtype {a.dtype}")
        if a.min() < 0 or a.max() >= count:
            bad = a[(a < 0) | (a >= count)]
            raise ValueError(f"actions must be {valid}, got {bad.tolist()}")
        return a.astype(np.int64, copy=False)

    def _final(self, done: np.ndarray) -> dict[str, Any]:
        """SAME_STEP: the last observation and info of the envs that just finished."""
        obs = self._observation()
        final_obs = np.full(self.num_envs, None, dtype=object)
        for i in np.flatnonzero(done).tolist():
            final_obs[i] = obs[i]
        final_info = self._masked(self._info(), done)
        return {"final_obs": final_obs, "_final_obs": done.copy(), "final_info": final_info,
                "_final_info": done.copy()}  # fmt: skip

    @staticmethod
    def _masked(info: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for key, value in info.items():
            out[key], out[f"_{key}"] = value, mask.copy()
        return out


__all__ = [
    "RENDER_MODES",
    "TabularVectorEnv",
    "as_arrays",
    "check_autoreset_mode",
    "check_num_envs",
    "env_seeds",
]
