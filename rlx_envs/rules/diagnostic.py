"""The Chain and DeepSea transitions, written once for the single envs and their vector twins.

Each rule is a table, built here once per env from the papers' rules, and a step function that only
reads the tables. So one step function runs on two backends, as MiniMontezuma's
:mod:`rlx_envs.rules.minimontezuma.rules` does with its ``where``/``lnot`` backend: given Python
lists and ints (the single env) every lookup is a list index and the results are plain Python
numbers; given numpy arrays (the vector twin) every lookup is fancy indexing over all envs at once.
(The tables are slotted dataclasses, not named tuples: their fields read faster in the hot loop.)

>>> tables = chain_tables(4)
>>> chain_step(tables, 1, RIGHT), chain_step(tables, 3, RIGHT), chain_step(tables, 1, LEFT)
((2, 0.0), (3, 1.0), (0, 0.001))
>>> import numpy as np
>>> batch = ChainTables(np.asarray(tables.next_state), np.asarray(tables.reward))
>>> state, reward = chain_step(batch, np.array([1, 3, 1]), np.array([RIGHT, RIGHT, LEFT]))
>>> state.tolist(), reward.tolist()
([2, 3, 0], [0.0, 1.0, 0.001])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Action indices (both envs). In DeepSea they are only names: the mapping says which one is
#: "right" in each cell.
LEFT, RIGHT = 0, 1

# -- Chain (Osband et al. 2016, section 5.1 and Figure 3) -----------------------------------------
#: Reward for a step that ends in s1, the left end (Fig. 3: r = 1/1000).
LEFT_REWARD = 0.001
#: Reward for a step that ends in sN, the right end (Fig. 3: r = 1).
RIGHT_REWARD = 1.0
#: The start state s2, as a 0-based index (section 5.1: "the agent resets to the initial state s2").
START = 1

# -- DeepSea (bsuite, Osband et al. 2020, section 2.2) --------------------------------------------
#: The treasure: paid for moving right from the bottom-right cell (bsuite: "+1").
TREASURE = 1.0
#: Cost of one move right, times N (bsuite's ``unscaled_move_cost``): each move right pays
#: ``-MOVE_COST / N``, so the optimal return is ``TREASURE - MOVE_COST`` = 0.99 for every N.
MOVE_COST = 0.01


@dataclass(frozen=True, slots=True)
class ChainTables:
    """The chain's rules as tables (lists for the single env, arrays for the vector twin)."""

    #: ``next_state[2 * s + a]``: the state action ``a`` leads to from ``s``.
    next_state: Sequence[int]
    #: ``reward[s]``: the reward of a step that ends in ``s``.
    reward: Sequence[float]


def chain_tables(length: int) -> ChainTables:
    """The tables of a chain of ``length`` states, as Python lists.

    A move goes one state left or right; moving outward at an end stays put. A step that ends
    in s1 pays :data:`LEFT_REWARD`, one that ends in sN pays :data:`RIGHT_REWARD`.
    """
    last = length - 1
    next_state: list[int] = []
    for state in range(length):
        next_state += [max(state - 1, 0), min(state + 1, last)]  # indices LEFT, RIGHT
    reward = [
        LEFT_REWARD if state == 0 else RIGHT_REWARD if state == last else 0.0
        for state in range(length)
    ]
    return ChainTables(next_state, reward)


def chain_step(tables: ChainTables, state: Any, action: Any) -> tuple[Any, Any]:
    """``(next state, reward)`` of one chain step (ints, or arrays of one entry per env).

    ``action`` must already be checked to be 0 or 1.
    """
    state = tables.next_state[2 * state + action]
    return state, tables.reward[state]


@dataclass(frozen=True, slots=True)
class DeepSeaTables:
    """DeepSea's rules as tables, indexed by ``2 * column + moved_right``."""

    #: The column the agent falls into.
    column: Sequence[int]
    #: The reward of the step: 0 for a move left, ``-MOVE_COST / N`` for a move right, plus
    #: :data:`TREASURE` for the move right from the last column.
    reward: Sequence[float]


def deep_sea_tables(size: int) -> DeepSeaTables:
    """The tables of an N x N DeepSea (N = ``size``), as Python lists."""
    last = size - 1
    move_reward = -MOVE_COST / size
    next_column: list[int] = []
    reward: list[float] = []
    for column in range(size):
        next_column += [max(column - 1, 0), min(column + 1, last)]
        reward += [0.0, move_reward + TREASURE if column == last else move_reward]
    return DeepSeaTables(next_column, reward)


def deep_sea_step(
    tables: DeepSeaTables, row: Any, column: Any, action: Any, right: Any
) -> tuple[Any, Any, Any]:
    """``(row, column, reward)`` after one step down; ``right`` is the action meaning "right"
    in the agent's cell (the mapping's entry), so the agent moves right iff ``action == right``.

    >>> tables = deep_sea_tables(2)
    >>> deep_sea_step(tables, 0, 0, 1, 1), deep_sea_step(tables, 1, 1, 0, 0)
    ((1, 1, -0.005), (2, 1, 0.995))
    """
    index = 2 * column + (action == right)
    return row + 1, tables.column[index], tables.reward[index]


def draw_mapping(rng: np.random.Generator, size: int) -> np.ndarray:
    """The action meaning "right" in each of the N x N cells, flat (row-major), drawn from ``rng``.

    Both the single env and its vector twin draw the mapping with this function, so one seed
    gives one mapping in both.
    """
    return rng.integers(0, 2, size=size * size)


__all__ = [
    "LEFT",
    "LEFT_REWARD",
    "MOVE_COST",
    "RIGHT",
    "RIGHT_REWARD",
    "START",
    "TREASURE",
    "ChainTables",
    "DeepSeaTables",
    "chain_step",
    "chain_tables",
    "deep_sea_step",
    "deep_sea_tables",
    "draw_mapping",
]
