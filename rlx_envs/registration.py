"""The one table of rlx environments: typed rows of id, entry points, kwargs, limit, tags.

``register_envs()`` (called on ``import rlx_envs``) registers every row with Gymnasium;
:func:`rows` and :func:`ids` select rows by tag (``python -m rlx_envs list --tag mujoco``).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

_GRID = "rlx_envs.envs.minimontezuma.env:MiniMontezumaEnv"
_PROCGEN = "rlx_envs.envs.minimontezuma.env:MiniMontezumaProcgenEnv"
_THEMED = "rlx_envs.presets:themed_env"
_HOPPER = "rlx_envs.presets:hopper"
_CHEETAH = "rlx_envs.presets:half_cheetah"
_POINT = "rlx_envs.envs.navigation.point:PointNavigationEnv"
_ANT = "rlx_envs.envs.navigation.ant:AntNavigationEnv"
_TOPDOWN = "rlx_envs.envs.topdown.env:TopDownGridEnv"
_CHAIN = "rlx_envs.envs.diagnostic.chain:ChainEnv"
_DEEP_SEA = "rlx_envs.envs.diagnostic.deep_sea:DeepSeaEnv"
# Batched twins, used by gym.make_vec(..., vectorization_mode="vector_entry_point").
_GRID_VECTOR = "rlx_envs.envs.minimontezuma.backends:vector_env"
_PROCGEN_VECTOR = "rlx_envs.envs.minimontezuma.backends:procgen_vector_env"
_THEMED_VECTOR = "rlx_envs.presets:themed_vector_env"
_TOPDOWN_VECTOR = "rlx_envs.envs.topdown.vector:TopDownGridVectorEnv"
_CHAIN_VECTOR = "rlx_envs.envs.diagnostic.vector:ChainVectorEnv"
_DEEP_SEA_VECTOR = "rlx_envs.envs.diagnostic.vector:DeepSeaVectorEnv"

#: What each tag means; every row's tags come from here.
TAGS: dict[str, str] = {
    "minimontezuma": "the side-view Montezuma-like world (single env and native batch)",
    "exploration": "a hard- or deep-exploration benchmark: sparse reward far from the start",
    "lesson": "a small MiniMontezuma teaching level, one mechanic each",
    "procgen": "a new generated level per episode",
    "transfer": "one side of a registered source -> target pair (see rlx_envs.pairs)",
    "visual": "pixel observations in a fixed visual theme (visual transfer)",
    "physics": "physics drawn from EPOpt's tables (dynamics transfer)",
    "navigation": "a MuJoCo navigation arena (point mass or Ant)",
    "mujoco": "simulated with MuJoCo",
    "grid": "a gridworld (MiniMontezuma's rooms or the top-down grids): discrete moves",
    "topdown": "a top-down gridworld seen from above (the transfer grids)",
    "diagnostic": "a small bsuite-style diagnostic with a known answer",
    "atari": "the real game on the Arcade Learning Environment (the atari extra: ale-py)",
}


@dataclasses.dataclass(frozen=True)
class Row:
    """One registered environment: its id, how to build it, its limit, what it is, its tags.

    >>> row = Row("rlx/Example-v0", "rlx_envs.envs.diagnostic.chain:ChainEnv", {"length": 5},
    ...           20, "A five-state chain", tags=("diagnostic",))
    >>> row.kwargs["length"], row.tags
    (5, ('diagnostic',))
    >>> Row("rlx/Bad-v0", "m:C", {}, 10, "?", tags=("grids",))
    Traceback (most recent call last):
    ValueError: rlx/Bad-v0: unknown tag 'grids'; valid tags: minimontezuma, exploration, ...
    """

    id: str
    entry_point: str
    kwargs: Mapping[str, Any]
    max_episode_steps: int
    description: str
    tags: tuple[str, ...] = ()
    vector_entry_point: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.tags, str) or not isinstance(self.tags, tuple):
            raise TypeError(f"{self.id}: tags must be a tuple of tag names, got {self.tags!r}")
        for tag in self.tags:
            if tag not in TAGS:
                raise ValueError(f"{self.id}: unknown tag {tag!r}; valid tags: {', '.join(TAGS)}")
        # A read-only view, so that no caller can change the table.
        object.__setattr__(self, "kwargs", types.MappingProxyType(dict(self.kwargs)))


#: Every rlx environment, in the order ``python -m rlx_envs list`` prints them.
ENVS: tuple[Row, ...] = (
    Row("rlx/MiniMontezuma-v0", _GRID, {"level": "pyramid"}, 20_000,
        "Pyramid of 24 rooms like the game's first level: keys, doors, skulls, lasers, jewels",
        tags=("minimontezuma", "grid", "exploration"), vector_entry_point=_GRID_VECTOR),
    Row("rlx/MiniMontezumaFirstRoom-v0", _GRID, {"level": "first_room"}, 2_000,
        "The game's famous first room: ladders, rope, skull, key, two doors",
        tags=("minimontezuma", "grid", "exploration"), vector_entry_point=_GRID_VECTOR),
    Row("rlx/MiniMontezumaProcgen-v0", _PROCGEN, {}, 3_000,
        "A new solvable generated level per episode; num_levels/start_level split train and test",
        tags=("minimontezuma", "grid", "exploration", "procgen"),
        vector_entry_point=_PROCGEN_VECTOR),
    Row("rlx/MiniMontezumaClimb-v0", _GRID, {"level": "lesson_climb"}, 500,
        "Teaching level: ladders, a rope and a jump to the exit",
        tags=("minimontezuma", "grid", "lesson"), vector_entry_point=_GRID_VECTOR),
    Row("rlx/MiniMontezumaKeys-v0", _GRID, {"level": "lesson_keys"}, 500,
        "Teaching level: fetch the keys, open the matching doors",
        tags=("minimontezuma", "grid", "lesson"), vector_entry_point=_GRID_VECTOR),
    Row("rlx/MiniMontezumaHazards-v0", _GRID, {"level": "lesson_hazards"}, 500,
        "Teaching level: jump a skull, time a laser, avoid lava and long falls",
        tags=("minimontezuma", "grid", "lesson"), vector_entry_point=_GRID_VECTOR),
    # Paired visual domains: the first room, same dynamics, pixels in two fixed themes.
    Row("rlx/MiniMontezumaSim-v0", _THEMED, {"theme": "sim", "level": "first_room"}, 2_000,
        "The first room in flat synthetic colours, pixel observations (visual source domain)",
        tags=("minimontezuma", "grid", "transfer", "visual"), vector_entry_point=_THEMED_VECTOR),
    Row("rlx/MiniMontezumaReal-v0", _THEMED, {"theme": "real", "level": "first_room"}, 2_000,
        "The first room textured, shaded, earthy palette, pixel observations (visual target)",
        tags=("minimontezuma", "grid", "transfer", "visual"), vector_entry_point=_THEMED_VECTOR),
    Row("rlx/HopperRandom-v0", _HOPPER, {"variant": "random"}, 1_000,
        "Hopper-v5 with physics redrawn each episode from EPOpt's table (mass, friction, ...)",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/HopperNominal-v0", _HOPPER, {"variant": "nominal"}, 1_000,
        "Hopper-v5 with the EPOpt table's mean physics, fixed",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/HopperExtreme-v0", _HOPPER, {"variant": "extreme"}, 1_000,
        "Hopper-v5 with physics drawn outside EPOpt's training ranges (out of distribution)",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/HalfCheetahRandom-v0", _CHEETAH, {"variant": "random"}, 1_000,
        "HalfCheetah-v5 with physics redrawn each episode from EPOpt's table",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/HalfCheetahNominal-v0", _CHEETAH, {"variant": "nominal"}, 1_000,
        "HalfCheetah-v5 with the EPOpt table's mean physics, fixed",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/HalfCheetahExtreme-v0", _CHEETAH, {"variant": "extreme"}, 1_000,
        "HalfCheetah-v5 with physics drawn outside EPOpt's training ranges",
        tags=("mujoco", "transfer", "physics")),
    Row("rlx/GridRoom-v0", _TOPDOWN, {"layout": "room"}, 100,
        "Top-down 15x15 room: +1 for reaching its edge in any direction (transfer source)",
        tags=("grid", "topdown", "transfer"), vector_entry_point=_TOPDOWN_VECTOR),
    Row("rlx/GridCorridor-v0", _TOPDOWN, {"layout": "corridor"}, 100,
        "Top-down corridor in the room's frame: +1 only at its east end (transfer target)",
        tags=("grid", "topdown", "transfer"), vector_entry_point=_TOPDOWN_VECTOR),
    Row("rlx/GridMaze-v0", _TOPDOWN, {"layout": "maze"}, 400,
        "Top-down maze in the room's frame: +1 at one far corner, 76 moves away (transfer target)",
        tags=("grid", "topdown", "transfer"), vector_entry_point=_TOPDOWN_VECTOR),
    # Navigation transfer pairs (Haarnoja et al. 2017): room -> corridor / U-maze; dt = 0.05 s.
    Row("rlx/PointRoom-v0", _POINT, {"arena": "room", "reward": "speed"}, 500,
        "Point mass in an open 10 m square room: reward for speed in any direction (source)",
        tags=("mujoco", "transfer", "navigation")),
    Row("rlx/PointCorridor-v0", _POINT, {"arena": "corridor", "reward": "forward"}, 500,
        "Point mass in a 56 m x 1.5 m corridor: reward for velocity along +x (target)",
        tags=("mujoco", "transfer", "navigation")),
    Row("rlx/PointUMaze-v0", _POINT, {"arena": "umaze", "reward": "path"}, 500,
        "Point mass in a U-maze: reward for progress along its path, ends at the goal (target)",
        tags=("mujoco", "transfer", "navigation")),
    Row("rlx/AntRoom-v0", _ANT, {"arena": "room", "reward": "speed"}, 1_000,
        "Ant-v5 in an open 20 m square room: reward for speed in any direction (source)",
        tags=("mujoco", "transfer", "navigation")),
    Row("rlx/AntCorridor-v0", _ANT, {"arena": "corridor", "reward": "forward"}, 1_000,
        "Ant-v5 in a 100 m x 3 m corridor: Ant-v5's reward, velocity along +x (target)",
        tags=("mujoco", "transfer", "navigation")),
    # The diagnostics end their own episodes (Chain: N + 9 steps, DeepSea: N); the limit is a
    # backstop far above those horizons for any size in use (gym.make(max_episode_steps=...)).
    Row("rlx/Chain-v0", _CHAIN, {}, 10_000,
        "Osband et al. 2016's n-state chain: 0.001 at the near end, 1 at the far end; N + 9 steps",
        tags=("diagnostic", "exploration"), vector_entry_point=_CHAIN_VECTOR),
    Row("rlx/DeepSea-v0", _DEEP_SEA, {}, 10_000,
        "bsuite's DeepSea: N x N, +1 only for N moves right, action meaning scrambled per cell",
        tags=("diagnostic", "exploration"), vector_entry_point=_DEEP_SEA_VECTOR),
    # The real game, for the same bonuses and agents (pip install "rlx-envs[atari]").
    Row("rlx/MontezumaRevenge-v0", "rlx_envs.presets:montezuma_revenge", {}, 27_000,
        "ALE's Montezuma's Revenge, standard preprocessing, Go-Explore cell in info (atari extra)",
        tags=("atari", "exploration")),
)  # fmt: skip


def rows(tag: str | None = None) -> tuple[Row, ...]:
    """The rows of :data:`ENVS`, or those carrying ``tag``.

    >>> [row.id for row in rows("diagnostic")]
    ['rlx/Chain-v0', 'rlx/DeepSea-v0']
    >>> rows("mujocco")
    Traceback (most recent call last):
    ValueError: unknown tag 'mujocco'; valid tags: minimontezuma, exploration, lesson, ...
    """
    if tag is None:
        return ENVS
    if tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}; valid tags: {', '.join(TAGS)}")
    return tuple(row for row in ENVS if tag in row.tags)


def ids(tag: str | None = None) -> list[str]:
    """The ids of :func:`rows` (all, or those carrying ``tag``).

    >>> ids("navigation")[:2]
    ['rlx/PointRoom-v0', 'rlx/PointCorridor-v0']
    """
    return [row.id for row in rows(tag)]


def register_envs() -> None:
    """Register every row of :data:`ENVS` with Gymnasium (idempotent)."""
    for row in ENVS:
        if row.id in gym.registry:
            continue
        gym.register(
            id=row.id,
            entry_point=row.entry_point,
            kwargs=dict(row.kwargs),
            max_episode_steps=row.max_episode_steps,
            vector_entry_point=row.vector_entry_point,
        )
