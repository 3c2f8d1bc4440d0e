"""Solvability checker: breadth-first search over (room, position, inventory, doors).

The search steps whole frontiers at once through the batched backend of the same rules the envs
use, so it checks exactly the game people play. Lava and fall damage are deadly in the search;
skulls and lasers are not, because their cycles can be waited out (a level whose skull or laser
cannot be passed with good timing would slip through; keep one free cell beside every patrol).
Jewels do not change what is reachable, so they are left out of the search state.
"""

from __future__ import annotations

import dataclasses
from typing import TypeAlias

import numpy as np

from rlx_envs.rules.minimontezuma import rules, tiles
from rlx_envs.rules.minimontezuma.level import Level, LevelError

#: A search state: the values of :data:`_SEARCH_FIELDS`, as ints.
SearchKey: TypeAlias = tuple[int, ...]


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


#: The state fields that tell search states apart (the rest are fixed, or left out: jewels).
_SEARCH_FIELDS = ("room", "x", "y", "jump", "jump_dir", "fall", "inventory", "used")


def solve(level: Level, fall_damage_height: int = 3, max_states: int = 2_000_000) -> Solution:
    """Breadth-first search from the start of ``level`` to any exit."""
    search = _search(level, fall_damage_height, max_states, stop_at_exit=True)
    path: list[int] = []
    node = search.goal
    while node is not None and (link := search.parent[node]) is not None:
        node, action = link
        path.append(action)
    return Solution(search.goal is not None, tuple(reversed(path)), len(search.parent),
                    search.steps_to_first_key)  # fmt: skip


def reachable_cells(level: Level, fall_damage_height: int = 3,
                    max_states: int = 2_000_000) -> set[tuple[int, ...]]:  # fmt: skip
    """Every cell ``(room, x, y, inventory, used)`` (the envs' ``info["cell"]``, jewels left
    out of ``used``) of a state reachable from the start without losing a life and without
    ending the episode: what an exhaustive explorer of ``level`` can find (with skulls and
    lasers waited out, as in :func:`solve`)."""
    search = _search(level, fall_damage_height, max_states, stop_at_exit=False)
    fields = [_SEARCH_FIELDS.index(name) for name in ("room", "x", "y", "inventory", "used")]
    return {tuple(key[i] for i in fields) for key in search.parent if key not in search.won}


@dataclasses.dataclass
class _Search:
    parent: dict[SearchKey, tuple[SearchKey, int] | None]
    goal: SearchKey | None
    won: set[SearchKey]
    steps_to_first_key: int | None


def _search(level: Level, fall_damage_height: int, max_states: int, stop_at_exit: bool) -> _Search:
    """The breadth-first search: every state reached and how, until an exit (or exhaustion)."""
    tables = rules.Tables([level], fall_damage_height=fall_damage_height, timed_hazards=False)
    tables = tables.to_arrays()
    jewel_bits = sum(1 << i for i, kind in enumerate(level.object_kind) if kind == tiles.JEWEL)
    keep_bits = ~jewel_bits
    start = rules.initial_state(tables, np.zeros(1, np.int64), 1, 0)
    frontier = {field: np.asarray(getattr(start, field)) for field in _SEARCH_FIELDS}
    # Each reached search state's parent and the action from it (None for the start).
    parent: dict[SearchKey, tuple[SearchKey, int] | None] = {_search_key(frontier, 0): None}
    depth = 0
    steps_to_first_key = None
    goal = None
    won_states: set[SearchKey] = set()
    while len(frontier["room"]) and goal is None:
        depth += 1
        frontier_size = len(frontier["room"])
        actions = np.repeat(np.arange(rules.NUM_ACTIONS), frontier_size)
        state = _expand(frontier, rules.NUM_ACTIONS)
        _, terminated, died = rules.step(tables, state, actions, rules.ARRAY)
        state.used = state.used & keep_bits
        alive = ~died
        if steps_to_first_key is None:
            got_key = state.inventory > np.tile(frontier["inventory"], rules.NUM_ACTIONS)
            if np.any(alive & got_key):
                steps_to_first_key = depth
        won = terminated & alive
        next_frontier: dict[str, list[int]] = {field: [] for field in _SEARCH_FIELDS}
        parent_index = np.tile(np.arange(frontier_size), rules.NUM_ACTIONS)
        for index in np.flatnonzero(alive):
            search_key = _search_key_of(state, index)
            if search_key in parent:
                continue
            parent[search_key] = (_search_key(frontier, parent_index[index]), int(actions[index]))
            if won[index]:
                won_states.add(search_key)
                if stop_at_exit:
                    goal = search_key
                    break
                continue  # the episode ends there: nothing to expand
            for field in _SEARCH_FIELDS:
                next_frontier[field].append(getattr(state, field)[index])
        if len(parent) > max_states:
            raise LevelError(f"level {level.name!r}: search passed {max_states} states; too large")
        frontier = {
            field: np.asarray(values, dtype=np.int64) for field, values in next_frontier.items()
        }
    return _Search(parent, goal, won_states, steps_to_first_key)


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
    frontier_size = len(frontier["room"])
    zero = np.zeros(frontier_size * copies, np.int64)
    fields = {field: np.tile(frontier[field], copies) for field in _SEARCH_FIELDS}
    skulls = rules.SKULLS_PER_ROOM
    return rules.State(
        slot=zero, lives=zero + 1, clock=zero, visited=zero, entry_room=fields["room"],
        entry_x=fields["x"], entry_y=fields["y"], last_action=zero,
        skull_x=[zero] * skulls, skull_dir=[zero + 1] * skulls, t=zero, key=zero, **fields,
    )  # fmt: skip


def _search_key(frontier: dict[str, np.ndarray], index: int) -> SearchKey:
    """The search state of entry ``index`` of ``frontier``."""
    return tuple(int(frontier[field][index]) for field in _SEARCH_FIELDS)


def _search_key_of(state: rules.State, index: int) -> SearchKey:
    """The search state of env ``index`` of a batched ``state``."""
    return tuple(int(getattr(state, field)[index]) for field in _SEARCH_FIELDS)
