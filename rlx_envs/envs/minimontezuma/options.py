"""What the single and the batched MiniMontezuma env share: their options, level argument,
observation space and step info, each written once.

>>> from rlx_envs.rules.minimontezuma import rules
>>> level = resolve_level("first_room", fall_damage_height=3)
>>> tables = rules.Tables([level])
>>> info = step_info(rules.initial_state(tables, 0, 5, 1), level.num_rooms, False, rules.SCALAR)
>>> info["lives"], info["inventory"].tolist(), info["cell"]
(5, [0, 0, 0, 0], (0, 11, 1, 0, 0))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from gymnasium import spaces

from rlx_envs.core.arguments import choice, integer, real
from rlx_envs.rules.minimontezuma import observe, procgen, rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.checker import check_level
from rlx_envs.rules.minimontezuma.level import Level, load_level, parse_level, shipped_levels

OBS_MODES = ("ram", "symbolic", "pixels", "dict")
SEMANTICS = ("plain", "masked")
RENDER_MODES = ("rgb_array", "human", "ansi")


class MiniMontezumaOptions:
    """The options both envs take, checked and stored by :meth:`_set_options`; the level hooks
    that :class:`ProceduralLevels` overrides.

    >>> class Probe(MiniMontezumaOptions):
    ...     pass
    >>> probe = Probe()
    >>> probe._set_options("ram", None, 5, 3, 0.25, {"key": 1.0}, 2.0, "plain")
    >>> probe.rewards["key"], probe.rewards["exit"], probe._threshold == 2**30
    (2.0, 20000.0, True)
    >>> probe._set_options("ram", None, 0, 3, 0.25, None, 1.0, "plain")
    Traceback (most recent call last):
    ValueError: lives must be an integer in [1, 255], got 0
    """

    def _set_options(
        self,
        obs_mode: str,
        render_mode: str | None,
        lives: int,
        fall_damage_height: int,
        sticky_action_prob: float,
        rewards: dict[str, float] | None,
        reward_scale: float,
        semantics: str,
    ) -> None:
        self.obs_mode = choice("obs_mode", obs_mode, OBS_MODES)
        if render_mode is not None:
            choice("render_mode", render_mode, RENDER_MODES)
        self.render_mode = render_mode
        self.semantics = choice("semantics", semantics, SEMANTICS)
        # Both fit a RAM byte; a fall of 251+ cells cannot happen in an 8-bit room either.
        self.lives = integer("lives", lives, minimum=1, maximum=255)
        self.fall_damage_height = integer(
            "fall_damage_height", fall_damage_height, minimum=1, maximum=250
        )
        self.sticky_action_prob = real(
            "sticky_action_prob", sticky_action_prob, minimum=0.0, maximum=1.0
        )
        # rules.sticky compares a 32-bit draw with this threshold, so no float per step. It must
        # fit 32 bits itself (JAX keeps it as uint32): 1.0 repeats with probability 1 - 2**-32.
        self._threshold = min(round(self.sticky_action_prob * 2**32), 2**32 - 1)
        reward_scale = real("reward_scale", reward_scale)
        for event, value in (rewards or {}).items():
            choice("reward event", event, rules.EVENTS)
            real(f"reward for {event!r}", value)
        self.rewards = {e: float((rewards or {}).get(e, d)) * reward_scale
                        for e, d in rules.DEFAULT_REWARDS.items()}  # fmt: skip

    def _first_level(self, level) -> Level:
        """The level of the first episode, from the ``level`` argument."""
        return resolve_level(level, self.fall_damage_height)


def resolve_level(level: str | Path | Level, fall_damage_height: int) -> Level:
    """A shipped level name, a level file path, level text, or a :class:`Level`.

    Levels that do not ship with the package are checked for solvability first.

    >>> resolve_level("first_room", 3).title
    'The first room'
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


def observation_space(obs_mode: str, height: int, width: int) -> spaces.Space:
    """The observation space of one env.

    >>> observation_space("symbolic", 18, 24).shape
    (18, 24)
    """
    tile = sprites.TILE
    parts = {
        "ram": spaces.Box(0, 255, (observe.RAM_SIZE,), np.uint8),
        "symbolic": spaces.Box(0, T.NUM_CODES - 1, (height, width), np.uint8),
        "pixels": spaces.Box(0, 255, (height * tile, width * tile, 3), np.uint8),
    }
    return spaces.Dict(parts) if obs_mode == "dict" else parts[obs_mode]


def step_info(state: rules.State, rooms_per_level: int, died, backend) -> dict[str, Any]:
    """The info of a step: Python values for one env (``backend`` :data:`rules.SCALAR`), one
    array entry per env for a batch (:data:`rules.ARRAY`; the ``"_name"`` masks are the batch's).

    ``cell`` is a hashable int tuple for one env and an (N, 5) array of those tuples for a batch.
    """
    s = state
    room = s.room - s.slot * rooms_per_level
    counts = observe.key_counts(s.inventory)
    cell = (room, s.x, s.y, s.inventory, s.used)
    if backend is rules.SCALAR:
        return {
            "room": room, "x": s.x, "y": s.y, "lives": s.lives,
            "inventory": np.array(counts, dtype=np.int64), "rooms_visited": s.visited.bit_count(),
            "life_lost": bool(died), "cell": cell,
        }  # fmt: skip
    # Copies: the batch's state arrays are updated in place by the next step.
    return {
        "room": room, "x": s.x.copy(), "y": s.y.copy(), "lives": s.lives.copy(),
        "inventory": np.stack(counts, axis=1),
        "rooms_visited": np.bitwise_count(s.visited).astype(np.int64),
        "life_lost": died.astype(bool), "cell": np.stack(cell, axis=1),
    }  # fmt: skip


class ProceduralLevels:
    """Mix in before an env class: a new procedurally generated level per episode key.

    :meth:`_procedural` checks ``num_levels`` and ``start_level`` and returns the first level;
    :meth:`_generated_level` is the level an episode key selects.

    >>> levels = ProceduralLevels()
    >>> first = levels._procedural(num_levels=10, start_level=500, kwargs={})
    >>> 500 <= levels.level_id(12345) < 510
    True
    """

    def _procedural(self, num_levels: int, start_level: int, kwargs: dict) -> Level:
        if "level" in kwargs:
            raise ValueError(
                "the procedural env makes its own levels; use MiniMontezuma-v0 for a level"
            )
        self.num_levels = integer("num_levels", num_levels, minimum=0)
        self.start_level = integer("start_level", start_level, minimum=0)
        return procgen.generate(self.start_level)

    def _first_level(self, level) -> Level:
        return level  # generated, hence solvable: no check

    def level_id(self, key: int) -> int:
        """The level id an episode key selects."""
        return procgen.level_id(key, self.start_level, self.num_levels)

    def _generated_level(self, key: int) -> Level:
        return procgen.generate(self.level_id(key))
