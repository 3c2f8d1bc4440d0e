"""The one table of rlx environments: id -> entry point, keyword arguments, episode limit.

``register_envs()`` (called on ``import rlx_envs``) registers every row with Gymnasium.
"""

from __future__ import annotations

import gymnasium as gym

_GRID = "rlx_envs.grid.env:MiniMontezumaEnv"
_PROCGEN = "rlx_envs.grid.env:MiniMontezumaProcgenEnv"
_THEMED = "rlx_envs.wrappers.visual_randomization:themed_env"
_HOPPER = "rlx_envs.physics.envs:hopper"
_CHEETAH = "rlx_envs.physics.envs:half_cheetah"
_POINT = "rlx_envs.navigation.point:PointNavigationEnv"
_ANT = "rlx_envs.navigation.ant:AntNavigationEnv"
_TOPDOWN = "rlx_envs.topdown.env:TopDownGridEnv"
_CHAIN = "rlx_envs.diagnostic.chain:ChainEnv"
_DEEP_SEA = "rlx_envs.diagnostic.deep_sea:DeepSeaEnv"
#: Batched twins, used by gym.make_vec(..., vectorization_mode="vector_entry_point").
VECTOR_ENTRY_POINTS = {
    _GRID: "rlx_envs.grid.vector:MiniMontezumaVectorEnv",
    _PROCGEN: "rlx_envs.grid.vector:MiniMontezumaProcgenVectorEnv",
    _THEMED: "rlx_envs.wrappers.visual_randomization:themed_vector_env",
    _TOPDOWN: "rlx_envs.topdown.vector:TopDownGridVectorEnv",
    _CHAIN: "rlx_envs.diagnostic.vector:ChainVectorEnv",
    _DEEP_SEA: "rlx_envs.diagnostic.vector:DeepSeaVectorEnv",
}

#: (id, entry point, kwargs, max_episode_steps, one-line description)
ENVS: tuple[tuple[str, str, dict, int, str], ...] = (
    ("rlx/MiniMontezuma-v0", _GRID, {"level": "pyramid"}, 20_000,
     "Pyramid of 24 rooms like the game's first level: keys, doors, skulls, lasers, jewels"),
    ("rlx/MiniMontezumaFirstRoom-v0", _GRID, {"level": "first_room"}, 2_000,
     "The game's famous first room: ladders, rope, skull, key, two doors"),
    ("rlx/MiniMontezumaProcgen-v0", _PROCGEN, {}, 3_000,
     "A new solvable generated level per episode; num_levels/start_level split train and test"),
    ("rlx/MiniMontezumaClimb-v0", _GRID, {"level": "lesson_climb"}, 500,
     "Teaching level: ladders, a rope and a jump to the exit"),
    ("rlx/MiniMontezumaKeys-v0", _GRID, {"level": "lesson_keys"}, 500,
     "Teaching level: fetch the keys, open the matching doors"),
    ("rlx/MiniMontezumaHazards-v0", _GRID, {"level": "lesson_hazards"}, 500,
     "Teaching level: jump a skull, time a laser, avoid lava and long falls"),
    # Paired visual domains: the first room, same dynamics, pixels in two fixed themes.
    ("rlx/MiniMontezumaSim-v0", _THEMED, {"theme": "sim", "level": "first_room"}, 2_000,
     "The first room in flat synthetic colours, pixel observations (visual source domain)"),
    ("rlx/MiniMontezumaReal-v0", _THEMED, {"theme": "real", "level": "first_room"}, 2_000,
     "The first room textured, shaded, earthy palette, pixel observations (visual target)"),
    ("rlx/HopperRandom-v0", _HOPPER, {"variant": "random"}, 1_000,
     "Hopper-v5 with physics redrawn each episode from EPOpt's table (mass, friction, ...)"),
    ("rlx/HopperNominal-v0", _HOPPER, {"variant": "nominal"}, 1_000,
     "Hopper-v5 with the EPOpt table's mean physics, fixed"),
    ("rlx/HopperExtreme-v0", _HOPPER, {"variant": "extreme"}, 1_000,
     "Hopper-v5 with physics drawn outside EPOpt's training ranges (out of distribution)"),
    ("rlx/HalfCheetahRandom-v0", _CHEETAH, {"variant": "random"}, 1_000,
     "HalfCheetah-v5 with physics redrawn each episode from EPOpt's table"),
    ("rlx/HalfCheetahNominal-v0", _CHEETAH, {"variant": "nominal"}, 1_000,
     "HalfCheetah-v5 with the EPOpt table's mean physics, fixed"),
    ("rlx/HalfCheetahExtreme-v0", _CHEETAH, {"variant": "extreme"}, 1_000,
     "HalfCheetah-v5 with physics drawn outside EPOpt's training ranges"),
    ("rlx/GridRoom-v0", _TOPDOWN, {"layout": "room"}, 100,
     "Top-down 15x15 room: +1 for reaching its edge in any direction (transfer source)"),
    ("rlx/GridCorridor-v0", _TOPDOWN, {"layout": "corridor"}, 100,
     "Top-down corridor in the room's frame: +1 only at its east end (transfer target)"),
    ("rlx/GridMaze-v0", _TOPDOWN, {"layout": "maze"}, 400,
     "Top-down maze in the room's frame: +1 at one far corner, 76 moves away (transfer target)"),
    # Navigation transfer pairs (Haarnoja et al. 2017): room -> corridor / U-maze; dt = 0.05 s.
    ("rlx/PointRoom-v0", _POINT, {"arena": "room", "reward": "speed"}, 500,
     "Point mass in an open 10 m square room: reward for speed in any direction (source)"),
    ("rlx/PointCorridor-v0", _POINT, {"arena": "corridor", "reward": "forward"}, 500,
     "Point mass in a 56 m x 1.5 m corridor: reward for velocity along +x (target)"),
    ("rlx/PointUMaze-v0", _POINT, {"arena": "umaze", "reward": "path"}, 500,
     "Point mass in a U-maze: reward for progress along its path, ends at the goal (target)"),
    ("rlx/AntRoom-v0", _ANT, {"arena": "room", "reward": "speed"}, 1_000,
     "Ant-v5 in an open 20 m square room: reward for speed in any direction (source)"),
    ("rlx/AntCorridor-v0", _ANT, {"arena": "corridor", "reward": "forward"}, 1_000,
     "Ant-v5 in a 100 m x 3 m corridor: Ant-v5's reward, velocity along +x (target)"),
    # The diagnostics end their own episodes (Chain: N + 9 steps, DeepSea: N); the limit is a
    # backstop far above those horizons for any size in use (gym.make(max_episode_steps=...)).
    ("rlx/Chain-v0", _CHAIN, {}, 10_000,
     "Osband et al. 2016's n-state chain: 0.001 at the near end, 1 at the far end; N + 9 steps"),
    ("rlx/DeepSea-v0", _DEEP_SEA, {}, 10_000,
     "bsuite's DeepSea: N x N, +1 only for N moves right, action meaning scrambled per cell"),
)  # fmt: skip


def register_envs() -> None:
    """Register every row of :data:`ENVS` with Gymnasium (idempotent)."""
    for env_id, entry_point, kwargs, max_steps, _ in ENVS:
        if env_id in gym.registry:
            continue
        gym.register(
            id=env_id,
            entry_point=entry_point,
            kwargs=dict(kwargs),
            max_episode_steps=max_steps,
            vector_entry_point=VECTOR_ENTRY_POINTS.get(entry_point),
        )
