"""The registered source -> target pairs: one table, each row a documented difference.

A *shot* is an attempt (an episode) in the target domain (0-shot: run the source policy as is;
k-shot: adapt for k episodes first). Each pair's source and target share observation and action
spaces, so that a policy moves between them, and differ in the way ``difference`` says (the tests
check that they really do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import gymnasium as gym


@dataclasses.dataclass(frozen=True)
class PairSpec:
    """One source -> target pair: registered ids, their keyword arguments, what differs."""

    name: str
    source: str
    target: str
    difference: str
    source_kwargs: Mapping = dataclasses.field(default_factory=dict)
    target_kwargs: Mapping = dataclasses.field(default_factory=dict)


#: Every pair, in the order a harness loops over them.
PAIRS: tuple[PairSpec, ...] = (
    PairSpec(
        "grid-room-corridor",
        "rlx/GridRoom-v0",
        "rlx/GridCorridor-v0",
        "walls close the room down to its centre row; only the east end pays, not every edge",
    ),
    PairSpec(
        "grid-room-maze",
        "rlx/GridRoom-v0",
        "rlx/GridMaze-v0",
        "maze walls in the room's frame; one goal, 76 moves away, instead of every edge",
    ),
    PairSpec(
        "point-room-corridor",
        "rlx/PointRoom-v0",
        "rlx/PointCorridor-v0",
        "a long narrow corridor instead of an open arena; reward for progress along +x "
        "instead of speed in any direction",
    ),
    PairSpec(
        "point-room-umaze",
        "rlx/PointRoom-v0",
        "rlx/PointUMaze-v0",
        "U-maze walls; reward for progress along the maze's path instead of speed",
    ),
    PairSpec(
        "ant-room-corridor",
        "rlx/AntRoom-v0",
        "rlx/AntCorridor-v0",
        "corridor walls added to the ant's world; reward for progress along +x instead of "
        "speed in any direction (Haarnoja et al. 2017's example)",
    ),
    PairSpec(
        "hopper-tilted-floor",
        "rlx/HopperRandom-v0",
        "rlx/HopperNominal-v0",
        "an unmodeled effect: the floor tilted 5 degrees uphill (gravity turned), never seen "
        "in the EPOpt training distribution; the physics otherwise at the table's means",
        target_kwargs={"floor_tilt": 5.0},
    ),
    PairSpec(
        "hopper-extreme",
        "rlx/HopperRandom-v0",
        "rlx/HopperExtreme-v0",
        "every EPOpt parameter drawn outside its training range (out of distribution)",
    ),
    PairSpec(
        "minimontezuma-sim-real",
        "rlx/MiniMontezumaSim-v0",
        "rlx/MiniMontezumaReal-v0",
        "the look only: flat synthetic colours -> textured, shaded, earthy pixels of the same "
        "first room; dynamics, rewards, ram and symbolic observations identical",
    ),
)


def pairs() -> list[PairSpec]:
    """Every registered pair."""
    return list(PAIRS)


def pair(name: str) -> PairSpec:
    """The pair called ``name``; the error lists the valid names."""
    for spec in PAIRS:
        if spec.name == name:
            return spec
    raise ValueError(f"unknown transfer pair {name!r}; valid pairs: {[p.name for p in PAIRS]}")


def make_pair(name: str, **kwargs) -> tuple[gym.Env, gym.Env]:
    """``(source env, target env)`` of the pair ``name``; ``kwargs`` (e.g. ``render_mode``) go
    to both ``gym.make`` calls, on top of the pair's own arguments."""
    spec = pair(name)  # the ids are registered: importing rlx_envs.pairs imports rlx_envs
    source = gym.make(spec.source, **{**spec.source_kwargs, **kwargs})
    target = gym.make(spec.target, **{**spec.target_kwargs, **kwargs})
    return source, target
