"""MiniMontezuma on JAX: the one rule set, jit-compiled, in the functional style of gymnax/NAVIX.

:class:`MiniMontezumaJax` holds what is static (level shapes, observation mode); :class:`Params`
holds what is traced (the level tables, the sticky-action threshold, the episode limit, the
lives). ``reset(key, params)`` and ``step(key, state, action, params)`` are pure functions of
pytrees: ``jax.jit``, ``jax.vmap`` and ``jax.lax.scan`` them freely. The transition is
:func:`rlx_envs.rules.minimontezuma.rules.step` itself, on the
:data:`~rlx_envs.rules.minimontezuma.jax_backend.JAX` backend; JAX's default 32-bit mode is all it
needs, and no global JAX flag is touched.

* **Episodes.** ``reset`` draws the episode's 32-bit generator key from the JAX ``key``; sticky
  actions are the counter-based draws of that key, so a trajectory is a function of the key and
  the actions, equal to the numpy envs' given the same episode key. ``step`` resets inside
  (SAME_STEP, as gymnax does): when an episode ends, the returned ``obs`` and ``state`` are the
  next episode's first ones (its key follows from the last, as an unseeded numpy reset does),
  while ``reward``, ``terminated``, ``truncated`` and ``info`` are the last step's.
* **Levels.** A fixed level (``level=``), or ``num_levels`` procedural levels starting at
  ``start_level``, all stacked up front; an episode plays level ``start_level + key %
  num_levels``, as the numpy procedural envs choose. Unlimited procedural levels
  (``num_levels=0``) stay on the numpy envs, which generate levels as they go.
* **Observations**: ``"ram"`` (uint8[128]), ``"symbolic"`` (uint8[H, W]), ``"pixels"``
  (uint8[8H, 8W, 3]) or ``"dict"`` of the three; the numpy envs' bytes.
* **info**: ``room``, ``x``, ``y``, ``lives``, ``inventory`` (int32[4]), ``rooms_visited``,
  ``life_lost`` and ``cell``: int32[6] ``(room, x, y, inventory, used_low, used_high)``, the
  numpy cell with its 62-bit object mask as two 32-bit words.

>>> import jax
>>> env = MiniMontezumaJax(level="first_room", sticky_action_prob=0.0)
>>> params = env.default_params
>>> obs, state = env.reset(jax.random.key(0), params)
>>> obs.shape, obs.dtype.name
((128,), 'uint8')
>>> obs, state, reward, terminated, truncated, info = jax.jit(env.step)(
...     jax.random.key(1), state, 2, params)
>>> int(info["x"]), int(info["lives"]), bool(terminated)
(12, 5, False)
>>> batch = jax.vmap(env.reset, in_axes=(0, None))(jax.random.split(jax.random.key(0), 64), params)
>>> batch[0].shape
(64, 128)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from rlx_envs.core.arguments import integer
from rlx_envs.envs.minimontezuma.batch import BatchObserver
from rlx_envs.envs.minimontezuma.options import MiniMontezumaOptions, observation_space
from rlx_envs.rules.minimontezuma import procgen, rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.jax_backend import JAX, encode_ram, jax_tables

SKULLS = rules.SKULLS_PER_ROOM


def _flatten_state(state: rules.State):
    return [getattr(state, name) for name in rules.FIELDS], None


def _unflatten_state(_, children) -> rules.State:
    state = object.__new__(rules.State)
    for name, value in zip(rules.FIELDS, children, strict=True):
        setattr(state, name, value)
    return state


_STATICS = ("width", "height", "rooms_per_level", "laser_period", "laser_on",
            "fall_damage_height", "timed_hazards")  # fmt: skip


def _flatten_tables(tables: rules.Tables):
    children = [getattr(tables, name) for name in rules._TABLE_NAMES]
    statics = tuple(getattr(tables, name) for name in _STATICS) + (tuple(tables.rewards),)
    return children, statics


def _unflatten_tables(statics, children) -> rules.Tables:
    tables = object.__new__(rules.Tables)
    for name, value in zip(rules._TABLE_NAMES, children, strict=True):
        setattr(tables, name, value)
    for name, value in zip(_STATICS, statics[:-1], strict=True):
        setattr(tables, name, value)
    tables.rewards = list(statics[-1])
    return tables


# The rules' own classes become pytrees, so that states and tables pass through jit and vmap.
jax.tree_util.register_pytree_node(rules.State, _flatten_state, _unflatten_state)
jax.tree_util.register_pytree_node(rules.Tables, _flatten_tables, _unflatten_tables)


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Params:
    """What a traced step reads: level tables, observation tables, numbers."""

    tables: rules.Tables
    #: Per global room: static codes (H, W), laser cells (H, W), objects (M, 3: y, x, id).
    static: jax.Array
    laser: jax.Array
    objects: jax.Array
    sprites: jax.Array
    #: Sticky actions repeat the previous action when a 32-bit draw falls below this.
    threshold: jax.Array
    max_episode_steps: jax.Array
    lives: jax.Array


class MiniMontezumaJax(MiniMontezumaOptions):
    """MiniMontezuma as pure JAX functions (see the module docstring).

    Takes the numpy envs' options: ``level`` (a shipped name, a path or a
    :class:`~rlx_envs.rules.minimontezuma.level.Level`), ``obs_mode``, ``lives``,
    ``fall_damage_height``, ``sticky_action_prob``, ``rewards``, ``reward_scale``, and
    ``max_episode_steps`` (None: no limit); or ``num_levels`` and ``start_level`` for a finite
    set of procedural levels instead of ``level``. Rewards are float32.
    """

    def __init__(
        self,
        level="pyramid",
        obs_mode: str = "ram",
        lives: int = 5,
        fall_damage_height: int = 3,
        sticky_action_prob: float = 0.25,
        rewards: dict[str, float] | None = None,
        reward_scale: float = 1.0,
        max_episode_steps: int | None = None,
        num_levels: int | None = None,
        start_level: int = 0,
        semantics: str = "plain",
    ):
        self._set_options(obs_mode, None, lives, fall_damage_height, sticky_action_prob,
                          rewards, reward_scale, semantics)  # fmt: skip
        if semantics != "plain":
            raise ValueError("semantics='masked' runs on the numpy envs (gym.make / make_vec); "
                             "the JAX env draws the plain codes")  # fmt: skip
        if max_episode_steps is not None:
            max_episode_steps = integer("max_episode_steps", max_episode_steps, minimum=1)
        self.max_episode_steps = max_episode_steps
        if num_levels is not None:
            self.num_levels = integer("num_levels", num_levels, minimum=1)
            self.start_level = integer("start_level", start_level, minimum=0)
            levels = [procgen.generate(self.start_level + i) for i in range(self.num_levels)]
        else:
            self.num_levels, self.start_level = None, 0
            levels = [self._first_level(level)]
        self.levels = levels
        self.level = levels[0]
        self.num_actions = rules.NUM_ACTIONS
        space = observation_space(self.obs_mode, self.level.height, self.level.width)
        self.observation_space = space
        self.observation_shape = None if self.obs_mode == "dict" else space.shape
        self.default_params = self._params()

    def _params(self) -> Params:
        tables = rules.Tables(self.levels, self.rewards, self.fall_damage_height)
        observer = BatchObserver(self.levels[0], len(self.levels), self.level.laser_on)
        for slot, level in enumerate(self.levels[1:], start=1):
            observer.write(slot, level)
        objects = observer.obj.copy()
        objects[objects[..., 2] == 0, 0] = self.level.height  # padding rows draw nowhere
        limit = self.max_episode_steps or 2**31 - 1
        return Params(
            tables=jax_tables(tables), static=jnp.asarray(observer.static, jnp.uint8),
            laser=jnp.asarray(observer.laser), objects=jnp.asarray(objects, jnp.int32),
            sprites=jnp.asarray(sprites.SPRITES), threshold=jnp.uint32(self._threshold),
            max_episode_steps=jnp.int32(limit), lives=jnp.int32(self.lives),
        )  # fmt: skip

    # -- episodes ----------------------------------------------------------------------------
    def _slot(self, episode_key):
        if self.num_levels is None:
            return jnp.zeros_like(episode_key, jnp.int32)
        return (episode_key % self.num_levels).astype(jnp.int32)

    def initial_state(self, episode_key, params: Params) -> rules.State:
        """The first state of the episode with the 32-bit generator key ``episode_key``."""
        episode_key = jnp.asarray(episode_key, jnp.uint32)
        state = rules.initial_state(
            params.tables, self._slot(episode_key), params.lives, episode_key, JAX
        )
        state.key, state.t = episode_key, jnp.zeros_like(episode_key)  # the generator is uint32
        return state

    def reset(self, key: jax.Array, params: Params) -> tuple[Any, rules.State]:
        """``(obs, state)`` of a new episode whose generator key is drawn from ``key``."""
        state = self.initial_state(jax.random.bits(key, (), jnp.uint32), params)
        return self.observation(state, params), state

    def transition(self, state: rules.State, action, params: Params):
        """``(state, reward, terminated, truncated, died)`` after one action, no reset."""
        state = jax.tree_util.tree_map(lambda v: v, state)  # rules.step writes into its state
        action = jnp.asarray(action, jnp.int32)
        action = rules.sticky(params.tables, state, action, params.threshold, JAX)
        reward, terminated, died = rules.step(params.tables, state, action, JAX)
        truncated = state.t >= params.max_episode_steps.astype(jnp.uint32)
        return state, reward.astype(jnp.float32), terminated, truncated, died

    def step(self, key: jax.Array, state: rules.State, action, params: Params):
        """``(obs, state, reward, terminated, truncated, info)``; resets inside when done.

        ``key`` is not drawn from: every random event of an episode comes from the generator
        key that ``reset`` drew (the next episode's key follows from it).
        """
        del key
        state, reward, terminated, truncated, died = self.transition(state, action, params)
        info = self.info(state, died, params)
        fresh = self.initial_state(rules.next_key(state.key, JAX.mask32), params)
        done = terminated | truncated
        state = jax.tree_util.tree_map(lambda new, old: jnp.where(done, new, old), fresh, state)
        return self.observation(state, params), state, reward, terminated, truncated, info

    # -- observations and info ---------------------------------------------------------------
    def symbolic(self, state: rules.State, params: Params):
        """uint8[H, W]: the room's codes, objects taken or opened erased, lasers, skulls, agent
        (the order the numpy envs draw them in)."""
        height = self.level.height
        room = state.room
        grid = params.static[room]
        objects = params.objects[room]
        ys, xs, ids = objects[:, 0], objects[:, 1], objects[:, 2]
        gone = (ids > 0) & (JAX.bit(state.used, ids) == 1)
        grid = grid.at[jnp.where(gone, ys, height), xs].set(T.C_EMPTY, mode="drop")
        laser_on = state.clock < params.tables.laser_on
        grid = jnp.where(params.laser[room] & laser_on, jnp.uint8(T.C_LASER_ON), grid)
        for skull in range(SKULLS):
            row = params.tables.skull_y[room * SKULLS + skull]
            grid = grid.at[jnp.where(row >= 0, row, height), state.skull_x[skull]].set(
                T.C_SKULL, mode="drop"
            )
        return grid.at[state.y, state.x].set(T.C_AGENT)

    def observation(self, state: rules.State, params: Params):
        """The observation of ``state`` in this env's ``obs_mode``."""
        if self.obs_mode == "ram":
            return encode_ram(state, self.level.num_rooms)
        codes = self.symbolic(state, params)
        if self.obs_mode == "symbolic":
            return codes
        pixels = sprites.tiles_to_image(codes, params.sprites)
        if self.obs_mode == "pixels":
            return pixels
        return {"ram": encode_ram(state, self.level.num_rooms), "symbolic": codes,
                "pixels": pixels}  # fmt: skip

    def info(self, state: rules.State, died, params: Params) -> dict[str, jax.Array]:
        """The numpy envs' step info, as JAX arrays (``cell`` with the mask as two words)."""
        room = state.room - state.slot * self.level.num_rooms
        inventory = jnp.stack([(state.inventory >> (4 * c)) & 15 for c in range(len(T.COLOURS))])
        words = jax.lax.bitcast_convert_type(state.used, jnp.int32)
        visited = jax.lax.population_count(state.visited).sum().astype(jnp.int32)
        cell = jnp.stack([room, state.x, state.y, state.inventory, words[0], words[1]])
        return {"room": room, "x": state.x, "y": state.y, "lives": state.lives,
                "inventory": inventory, "rooms_visited": visited,
                "life_lost": jnp.asarray(died, bool), "cell": cell.astype(jnp.int32)}  # fmt: skip


def batch_seed_keys(seed: int, num_envs: int) -> np.ndarray:
    """The episode keys of the numpy batch after ``reset(seed=seed)``: env ``i`` gets seed
    ``seed + i``, so a JAX batch started from them replays the numpy batch step for step."""
    seeds = np.arange(num_envs, dtype=np.int64) + int(seed)
    return rules.key_from_seed(seeds).astype(np.uint32)
