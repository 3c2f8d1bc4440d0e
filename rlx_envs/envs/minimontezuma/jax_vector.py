"""The JAX batch behind Gymnasium's ``VectorEnv`` API: numpy in, numpy out.

For users of SB3/CleanRL-style loops who want the JAX batch's speed without writing JAX:
``gym.make_vec("rlx/MiniMontezuma-v0", num_envs=4096, vectorization_mode="vector_entry_point",
backend="jax")``. It steps :class:`~rlx_envs.envs.minimontezuma.jax_env.MiniMontezumaJax` under
one ``jax.jit`` per step and returns what the numpy batch
(:class:`~rlx_envs.envs.minimontezuma.vector.MiniMontezumaVectorEnv`) returns, step for step:
env ``i`` of ``reset(seed=s)`` is the single env after ``reset(seed=s + i)``, NEXT_STEP autoreset,
``info["cell"]`` an (N, 5) int64 array (the mask joined from its two words on the host).

>>> import gymnasium as gym
>>> import rlx_envs
>>> envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=4,
...                     vectorization_mode="vector_entry_point", backend="jax")
>>> obs, info = envs.reset(seed=0)
>>> obs.shape, obs.dtype.name, info["cell"].shape
((4, 128), 'uint8', (4, 5))
"""

from __future__ import annotations

from functools import partial
from typing import Any

import gymnasium as gym
import jax
import jax.numpy as jnp
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from rlx_envs.core.arguments import integer
from rlx_envs.envs.minimontezuma import snapshot
from rlx_envs.envs.minimontezuma.jax_env import MiniMontezumaJax
from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.jax_backend import JAX, masks_to_int64


class MiniMontezumaJaxVectorEnv(snapshot.BatchSnapshots, VectorEnv):
    """``num_envs`` MiniMontezuma envs stepped on JAX, behind the Gymnasium vector API.

    Takes :class:`~rlx_envs.envs.minimontezuma.jax_env.MiniMontezumaJax`'s options (``level`` or
    ``num_levels``/``start_level``, ``obs_mode``, ``sticky_action_prob``, ...). Autoreset is
    NEXT_STEP, the numpy batch's default; the other modes, ``reset_mask``, rendering and
    appearances run on the numpy batch (``backend="numpy"``).
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}
    provides_cell = True

    def __init__(self, num_envs: int = 1, autoreset_mode=AutoresetMode.NEXT_STEP,
                 render_mode: str | None = None, **options):  # fmt: skip
        self.num_envs = integer("num_envs", num_envs, minimum=1)
        if AutoresetMode(autoreset_mode) != AutoresetMode.NEXT_STEP:
            raise ValueError(f"the JAX batch autoresets NEXT_STEP; for {autoreset_mode!r} use the "
                             "numpy batch (backend='numpy')")  # fmt: skip
        if render_mode is not None:
            raise ValueError("the JAX batch does not render; use the numpy batch (backend='numpy')")
        self.render_mode = None
        self.env = MiniMontezumaJax(**options)
        self.params = self.env.default_params
        self.single_action_space = spaces.Discrete(rules.NUM_ACTIONS)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.single_observation_space = self.env.observation_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self._state = None
        self._pending = None
        initial = jax.vmap(self.env.initial_state, in_axes=(0, None))
        self._start = jax.jit(lambda keys, params: self._outputs(initial(keys, params), params))
        self._step = jax.jit(partial(_next_step, self.env))

    def _outputs(self, state, params):
        died = jnp.zeros(self.num_envs, bool)
        observe = jax.vmap(self.env.observation, in_axes=(0, None))
        info = jax.vmap(self.env.info, in_axes=(0, 0, None))(state, died, params)
        return state, observe(state, params), info

    def reset(self, *, seed: int | list[int] | None = None, options: dict | None = None):
        """Reset every env; env ``i`` gets seed ``seed + i`` (the numpy batch's keys)."""
        super().reset(seed=seed if isinstance(seed, (int, np.integer)) or seed is None else None)
        if options:
            raise ValueError(f"reset options {sorted(options)} run on the numpy batch "
                             "(backend='numpy'), which takes options['reset_mask']")  # fmt: skip
        if seed is not None:
            if isinstance(seed, (int, np.integer)):
                seeds = np.arange(self.num_envs, dtype=np.int64) + int(seed)
            else:
                seeds = np.asarray(seed, np.int64)
            if seeds.shape != (self.num_envs,):
                raise ValueError(f"seed must be an int or a list of {self.num_envs} ints")
            keys = rules.key_from_seed(seeds)
        elif self._state is None:
            keys = self.np_random.integers(2**32, size=self.num_envs, dtype=np.int64)
        else:  # the numpy batch's unseeded reset: each env's next episode key
            keys = rules.next_key(np.asarray(self._state.key, np.int64))
        self._state, obs, info = self._start(jnp.asarray(keys, jnp.uint32), self.params)
        self._pending = jnp.zeros(self.num_envs, bool)
        self._was_pending = self._pending
        self._score = np.zeros(self.num_envs)
        return _host(obs), _host_info(info)

    def step(self, actions):
        """Step every env; envs that finished on the previous step reset instead (NEXT_STEP)."""
        if self._state is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not np.issubdtype(actions.dtype, np.integer):
            raise ValueError(f"actions must be {self.num_envs} integers, got {actions!r}")
        if actions.min() < 0 or actions.max() >= rules.NUM_ACTIONS:
            raise ValueError(f"actions out of range: valid actions are 0..7, got {actions!r}")
        out = self._step(self._state, self._pending, jnp.asarray(actions, jnp.int32), self.params)
        self._state, obs, reward, terminated, truncated, info, self._pending = out
        host = jax.device_get((obs, reward, terminated, truncated))
        self._score = np.where(np.asarray(jax.device_get(self._was_pending)), 0.0, self._score)
        self._score = self._score + host[1]
        self._was_pending = self._pending
        return (_host(host[0]), host[1].astype(np.float64), host[2], host[3], _host_info(info))

    def _snapshots(self, envs: np.ndarray) -> snapshot.Snapshots:
        host = _host_state(self._state)
        identity = np.arange(T.NUM_CODES, dtype=np.uint8)
        keys = np.asarray(host.key).astype(np.int64)[envs]
        return snapshot.of_batch_envs(host, envs, self.env.level.num_rooms, keys,
                                      self._score[envs], identity)  # fmt: skip

    def _restore(self, table: snapshot.Snapshots, envs: np.ndarray) -> None:
        host = _host_state(self._state)
        levels = self.env.num_levels
        slots = np.zeros(len(envs), np.int64) if levels is None else table.keys % levels
        snapshot.write_batch_envs(host, envs, table, slots, self.env.level.num_rooms)
        self._score[envs] = table.scores
        self._state = _device_state(host)
        pending = np.asarray(self._pending).copy()
        pending[envs] = False
        self._pending = self._was_pending = jnp.asarray(pending)

    def observation(self):
        """The observations of the current states (as ``reset`` and ``step`` return them)."""
        observe = jax.vmap(self.env.observation, in_axes=(0, None))
        return _host(observe(self._state, self.params))

    def close_extras(self, **kwargs):
        self._state = None

    @property
    def state(self) -> rules.State:
        """The batch's state on the device (fields with a leading env axis)."""
        return self._state


def _next_step(env: MiniMontezumaJax, state, pending, actions, params):
    """One NEXT_STEP batch step: envs that finished last step start their next episode."""
    transition = jax.vmap(env.transition, in_axes=(0, 0, None))
    stepped, reward, terminated, truncated, died = transition(state, actions, params)
    fresh = jax.vmap(env.initial_state, in_axes=(0, None))(
        rules.next_key(state.key, JAX.mask32), params
    )

    def pick(new, old):
        return jnp.where(pending.reshape(pending.shape + (1,) * (new.ndim - 1)), new, old)

    state = jax.tree_util.tree_map(pick, fresh, stepped)
    reward = jnp.where(pending, 0.0, reward)
    terminated, truncated = terminated & ~pending, truncated & ~pending
    died = died & ~pending
    obs = jax.vmap(env.observation, in_axes=(0, None))(state, params)
    info = jax.vmap(env.info, in_axes=(0, 0, None))(state, died, params)
    return state, obs, reward, terminated, truncated, info, terminated | truncated


_MASKS = ("used", "visited")


def _host_state(state) -> rules.State:
    """The device state as int64 numpy arrays (masks joined from their two words)."""
    host = jax.device_get(state)
    fields = {}
    for name in rules.FIELDS:
        value = getattr(host, name)
        if isinstance(value, list):
            fields[name] = [np.array(v, dtype=np.int64) for v in value]
        elif name in _MASKS:
            fields[name] = masks_to_int64(value)
        else:
            fields[name] = np.array(value, dtype=np.int64)
    return rules.State(**fields)


def _device_state(host: rules.State) -> rules.State:
    """:func:`_host_state` back: uint32 key, counter and mask words, int32 otherwise."""
    fields = {}
    for name in rules.FIELDS:
        value = getattr(host, name)
        if isinstance(value, list):
            fields[name] = [jnp.asarray(v, jnp.int32) for v in value]
        elif name in _MASKS:
            words = np.stack([value & 0xFFFFFFFF, value >> 32], axis=-1).astype(np.uint32)
            fields[name] = jnp.asarray(words)
        elif name in ("key", "t"):
            fields[name] = jnp.asarray(value.astype(np.uint32))
        else:
            fields[name] = jnp.asarray(value, jnp.int32)
    return rules.State(**fields)


def _host(obs):
    obs = jax.device_get(obs)
    if isinstance(obs, dict):
        return {key: np.asarray(value) for key, value in obs.items()}
    return np.asarray(obs)


def _host_info(info: dict[str, Any]) -> dict[str, Any]:
    """The numpy batch's info from the device's: int64 fields, the cell's mask joined."""
    info = jax.device_get(info)
    cell = np.asarray(info["cell"]).astype(np.int64)
    words = np.asarray(info["cell"][:, 4:6]).view(np.uint32)
    out = {key: np.asarray(value).astype(np.int64) for key, value in info.items()
           if key not in ("cell", "life_lost")}  # fmt: skip
    out["life_lost"] = np.asarray(info["life_lost"], bool)
    out["cell"] = np.concatenate([cell[:, :4], masks_to_int64(words)[:, None]], axis=1)
    every = np.ones(len(cell), bool)
    ordered = {key: out[key] for key in ("room", "x", "y", "lives", "inventory",
                                         "rooms_visited", "life_lost", "cell")}  # fmt: skip
    for key in list(ordered):
        ordered[f"_{key}"] = every
    return ordered
