"""Solvability checker: breadth-first search over (room, position, inventory, doors).

The search steps whole frontiers at once through the batched backend of the same rules the envs
use, so it checks exactly the game people play. Lava and fall damage are deadly in the search;
skulls and lasers are not, because their cycles can be waited out (a level whose skull or laser
cannot be passed with good timing would slip through; keep one free cell beside every patrol).
Jewels do not change what is reachable, so they are left out of the search state.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.level import Level, LevelError


@dataclasses.dataclass(frozen=True)
class Solution:
    """Result of a search: whether the exit is reachable, and a shortest action sequence to it."""

    solvable: bool
    #: Shortest action sequence from the start to an exit (empty when unsolvable).
    actions: tuple[int, ...]
    #: Number of distinct search states reached.
    states: int
    #: Steps of the shortest path to the first key (None if the level has no reachable key).
    steps_to_first_key: int | None


_KEY_FIELDS = ("room", "x", "y", "jump", "jump_dir", "fall", "inventory", "used")


def solve(level: Level, fall_damage_height: int = 3, max_states: int = 2_000_000) -> Solution:
    """Breadth-first search from the start of ``level`` to any exit."""
    tb = rules.Tables([level], fall_damage_height=fall_damage_height, timed_hazards=False)
    tb = tb.to_arrays()
    jewel_bits = sum(1 << i for i, kind in enumerate(level.object_kind) if kind == T.JEWEL)
    keep_bits = ~jewel_bits
    start = rules.initial_state(tb, np.zeros(1, np.int64), 1, 0)
    frontier = {f: np.asarray(getattr(start, f)) for f in _KEY_FIELDS}
    parent: dict[tuple, tuple | None] = {_key(frontier, 0): None}
    depth = 0
    first_key = None
    goal = None
    while len(frontier["room"]) and goal is None:
        depth += 1
        n = len(frontier["room"])
        actions = np.repeat(np.arange(rules.NUM_ACTIONS), n)
        s = _expand(frontier, rules.NUM_ACTIONS)
        _, terminated, died = rules.step(tb, s, actions, rules.ARRAY)
        s.used = s.used & keep_bits
        alive = ~died
        if first_key is None and np.any(alive & (s.inventory > np.tile(frontier["inventory"], 8))):
            first_key = depth
        won = terminated & alive
        nxt: dict[str, list] = {f: [] for f in _KEY_FIELDS}
        parents_before = np.tile(np.arange(n), rules.NUM_ACTIONS)
        for i in np.flatnonzero(alive):
            key = _key_of(s, i)
            if key in parent:
                continue
            parent[key] = (_key(frontier, parents_before[i]), int(actions[i]))
            if won[i]:
                goal = key
                break
            for f in _KEY_FIELDS:
                nxt[f].append(getattr(s, f)[i])
        if len(parent) > max_states:
            raise LevelError(f"level {level.name!r}: search passed {max_states} states; too large")
        frontier = {f: np.asarray(v, dtype=np.int64) for f, v in nxt.items()}
    path: list[int] = []
    node = goal
    while node is not None and parent[node] is not None:
        node, action = parent[node]
        path.append(action)
    return Solution(goal is not None, tuple(reversed(path)), len(parent), first_key)


def check_level(level: Level, fall_damage_height: int = 3) -> Solution:
    """Raise :class:`LevelError` unless the exit of ``level`` is reachable; return the solution."""
    solution = solve(level, fall_damage_height)
    if not solution.solvable:
        raise LevelError(
            f"level {level.name!r} is unsolvable: no exit is reachable from the start "
            f"({solution.states} states searched, fall_damage_height={fall_damage_height})"
        )
    return solution


def _expand(frontier: dict[str, np.ndarray], copies: int) -> rules.State:
    """A batched state holding ``copies`` copies of the frontier (one per action)."""
    n = len(frontier["room"])
    zero = np.zeros(n * copies, np.int64)
    fields = {f: np.tile(frontier[f], copies) for f in _KEY_FIELDS}
    return rules.State(
        slot=zero, lives=zero + 1, clock=zero, visited=zero, entry_room=fields["room"],
        entry_x=fields["x"], entry_y=fields["y"], last_action=zero,
        skull_x=[zero] * rules.K, skull_dir=[zero + 1] * rules.K, t=zero, key=zero, **fields,
    )  # fmt: skip


def _key(frontier: dict[str, np.ndarray], i: int) -> tuple:
    return tuple(int(frontier[f][i]) for f in _KEY_FIELDS)


def _key_of(s: rules.State, i: int) -> tuple:
    return tuple(int(getattr(s, f)[i]) for f in _KEY_FIELDS)
