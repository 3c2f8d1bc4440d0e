"""The top-down grid's transition, written once for the single env and its vector twin.

A layout becomes tables over its cells (``cell = y * width + x``): where each move ends, what each
cell pays, which cells are goals, and each cell's ``(x, y)``. :func:`grid_step` only reads them, so
one function runs on two backends, as MiniMontezuma's :mod:`rlx_envs.rules.minimontezuma.rules` does
with its ``where``/``lnot`` backend: given Python lists and an int (the single env) it returns plain
Python numbers; given numpy arrays (the vector twin) it steps every env at once.

>>> tables = grid_tables(("#####", "#S.G#", "#####"))
>>> grid_step(tables, 6, EAST), grid_step(tables, 6, NORTH), grid_step(tables, 7, EAST)
((7, 0.0, False), (6, 0.0, False), (8, 1.0, True))
>>> tables.xy[8]
(3, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NORTH, EAST, SOUTH, WEST = range(4)
ACTION_NAMES = ("NORTH", "EAST", "SOUTH", "WEST")
#: (dx, dy) of each action; y grows southward (row index).
MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))
GOAL_REWARD = 1.0


@dataclass(frozen=True, slots=True)
class GridTables:
    """A layout's rules as tables (lists for the single env, arrays for the vector twin)."""

    #: ``target[4 * cell + action]``: the cell a move ends in (the same cell against a wall).
    target: Sequence[int]
    #: ``reward[cell]``: the reward of a step that ends in ``cell`` (:data:`GOAL_REWARD` at a goal).
    reward: Sequence[float]
    #: ``goal[cell]``: reaching ``cell`` ends the episode (``terminated``) and is a success.
    goal: Sequence[bool]
    #: ``xy[cell]``: the cell's ``(x, y)``, the observation and ``info["cell"]``.
    xy: Sequence[tuple[int, int]]


def grid_tables(rows: Sequence[str]) -> GridTables:
    """The tables of a parsed layout (rows of ``#`` wall, ``.`` floor, ``S`` start, ``G`` goal).

    A move into a wall (or off the layout) leaves the agent in place; a goal pays
    :data:`GOAL_REWARD`, every other cell nothing.
    """
    height, width = len(rows), len(rows[0])
    target: list[int] = []
    for y in range(height):
        for x in range(width):
            for dx, dy in MOVES:
                next_x, next_y = x + dx, y + dy
                inside = 0 <= next_x < width and 0 <= next_y < height
                is_open = inside and rows[next_y][next_x] != "#"
                target.append(next_y * width + next_x if is_open else y * width + x)
    goal = [char == "G" for row in rows for char in row]
    reward = [GOAL_REWARD if is_goal else 0.0 for is_goal in goal]
    xy = [(x, y) for y in range(height) for x in range(width)]
    return GridTables(target, reward, goal, xy)


def grid_step(tables: GridTables, cell: Any, action: Any) -> tuple[Any, Any, Any]:
    """``(cell, reward, success)`` after one move (ints, or arrays of one entry per env).

    ``action`` must already be checked to be in 0..3.
    """
    cell = tables.target[4 * cell + action]
    return cell, tables.reward[cell], tables.goal[cell]


def slip(rng: np.random.Generator, slip_prob: float, action: int) -> int:
    """The move actually made: with probability ``slip_prob`` a uniformly random one.

    Draws one uniform from ``rng``, and one integer more when the move slips. Call it only when
    ``slip_prob`` > 0 (the single env draws nothing otherwise).
    """
    if rng.random() < slip_prob:
        return int(rng.integers(4))
    return action


__all__ = [
    "ACTION_NAMES",
    "EAST",
    "GOAL_REWARD",
    "MOVES",
    "NORTH",
    "SOUTH",
    "WEST",
    "GridTables",
    "grid_step",
    "grid_tables",
    "slip",
]
