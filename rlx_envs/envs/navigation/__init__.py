"""MuJoCo navigation pairs for transfer: pretrain in an open room, finetune in a corridor or maze.

Haarnoja et al. 2017 ("Reinforcement learning with deep energy-based policies") pretrain a
quadruped to run in every direction in an open room, then finetune it where only some
directions pay. These envs give that setting for a point mass and for Gymnasium's Ant:

=========================  =========================================================
``rlx/PointRoom-v0``       point mass, open room, reward: speed in any direction
``rlx/PointCorridor-v0``   point mass, long narrow corridor, reward: velocity along +x
``rlx/PointUMaze-v0``      point mass, U-maze, reward: progress along the maze's path
``rlx/AntRoom-v0``         Ant-v5, open room, reward: speed in any direction
``rlx/AntCorridor-v0``     Ant-v5, corridor, reward: Ant-v5's forward velocity
=========================  =========================================================

Arenas are data (:mod:`rlx_envs.envs.navigation.arenas`); the walls are added to the MuJoCo model at
construction. See ``docs/envs/navigation.md``.
"""

from rlx_envs.envs.navigation.ant import AntNavigationEnv
from rlx_envs.envs.navigation.arenas import (
    ANT_ARENAS,
    ANT_CORRIDOR,
    ANT_ROOM,
    POINT_ARENAS,
    POINT_CORRIDOR,
    POINT_ROOM,
    POINT_UMAZE,
    U_MAZE_LAYOUT,
    Arena,
    MazePath,
    Wall,
    build_model,
    enclosure,
    maze,
    mjcf_dir,
)
from rlx_envs.envs.navigation.point import PointNavigationEnv

__all__ = [
    "ANT_ARENAS",
    "ANT_CORRIDOR",
    "ANT_ROOM",
    "POINT_ARENAS",
    "POINT_CORRIDOR",
    "POINT_ROOM",
    "POINT_UMAZE",
    "U_MAZE_LAYOUT",
    "AntNavigationEnv",
    "Arena",
    "MazePath",
    "PointNavigationEnv",
    "Wall",
    "build_model",
    "enclosure",
    "maze",
    "mjcf_dir",
]
