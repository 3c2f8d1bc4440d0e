"""Gymnasium's Ant with walls added: ``rlx/AntRoom-v0`` and ``rlx/AntCorridor-v0``.

The model is Gymnasium's own ``ant.xml`` (read from the installed package, not copied), with an
arena's walls, an ``overview`` camera and a floor grown to the arena added at construction by
:func:`~rlx_envs.envs.navigation.arenas.build_model`. Everything else is ``Ant-v5``: observation
(here always with the torso's x, y: ``exclude_current_positions_from_observation=False``), action,
healthy reward, control and contact costs, termination when unhealthy.

The one change is the progress term for ``reward="speed"`` (the room): the torso's planar speed
``|(dx, dy)| / dt`` in place of Ant-v5's ``dx / dt``, so that running in any direction pays.
``reward="forward"`` (the corridor) keeps Ant-v5's forward reward.
"""

from __future__ import annotations

import math

import mujoco
import numpy as np
from gymnasium import utils
from gymnasium.envs.mujoco.ant_v5 import AntEnv

from rlx_envs.core.arguments import finite_action
from rlx_envs.envs.navigation.arenas import ANT_ARENAS, Arena, build_model, resolve
from rlx_envs.rules.physics import sim_state

#: The progress terms ``reward=`` accepts.
REWARDS = ("speed", "forward")
#: The ``follow`` camera: behind the torso (-x) and above, tracking its centre of mass, looking
#: along +x and down by FOLLOW_PITCH (Ant-v5's side-on ``track`` camera would look through a
#: corridor's wall).
FOLLOW_OFFSET = (-5.0, 0.0, 3.0)
FOLLOW_PITCH = 0.5  # radians below the horizon


def _add_follow_camera(spec: mujoco.MjSpec) -> None:
    # Camera axes: image right = world -y, image up tilted back from +z; it looks along -z_cam.
    c, s = math.cos(FOLLOW_PITCH), math.sin(FOLLOW_PITCH)
    axes = np.array([[0.0, -1.0, 0.0], [s, 0.0, c], [-c, 0.0, s]]).T  # columns: x, y, z
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, axes.ravel())
    torso = spec.body("torso")
    if torso is None:  # another ant model (xml_file=) without a torso: no follow camera
        return
    torso.add_camera(
        name="follow",
        mode=mujoco.mjtCamLight.mjCAMLIGHT_TRACKCOM,
        pos=list(FOLLOW_OFFSET),
        quat=list(quat),
    )


class AntNavigationEnv(AntEnv):
    """Ant-v5 in ``arena`` (a name of :data:`ANT_ARENAS` or an :class:`Arena`).

    ``kwargs`` go to Gymnasium's ``AntEnv`` (``ctrl_cost_weight=``, ``healthy_reward=``,
    ``include_cfrc_ext_in_observation=``, ``xml_file=`` for another ant...), except
    ``exclude_current_positions_from_observation``, which must stay ``False`` (the position is
    how direction and progress are observed).

    The observation is Ant-v5's with the torso's x, y first: 107 numbers by default (15 qpos,
    14 qvel, 78 clipped external contact forces). ``info["reward_forward"]`` holds the progress
    term actually paid (the speed in the room), ``info["speed"]`` the planar speed.
    """

    def __init__(
        self,
        arena: str | Arena = "room",
        reward: str = "speed",
        render_mode: str | None = None,
        **kwargs,
    ):
        if kwargs.pop("exclude_current_positions_from_observation", False):
            raise ValueError(
                "AntNavigationEnv observes the torso's x, y: "
                "exclude_current_positions_from_observation must be False"
            )
        if reward not in REWARDS:
            raise ValueError(f"unknown reward {reward!r}; valid rewards: {list(REWARDS)}")
        self.arena = resolve(arena, ANT_ARENAS)
        self.reward = reward
        camera = (
            {}
            if {"camera_name", "camera_id"} & kwargs.keys()
            else {"camera_name": self.arena.camera}
        )
        super().__init__(
            render_mode=render_mode,
            exclude_current_positions_from_observation=False,
            **camera,
            **kwargs,
        )
        # Pickle (and copy) as this class, not as AntEnv with AntEnv's arguments.
        utils.EzPickle.__init__(self, arena, reward, render_mode, **kwargs)

    def _initialize_simulation(self) -> tuple[mujoco.MjModel, mujoco.MjData]:
        """Compile the ant model with the arena's walls added (called by ``MujocoEnv``)."""
        model = build_model(
            self.fullpath, self.arena, self.width, self.height, edit=_add_follow_camera
        )
        return model, mujoco.MjData(model)

    def __getstate__(self):
        # EzPickle rebuilds the env from its arguments; keep the running episode as well.
        return {**super().__getstate__(), "_simulation": sim_state.capture(self)}

    def __setstate__(self, state):
        state = dict(state)
        simulation = state.pop("_simulation", None)
        super().__setstate__(state)
        if simulation is not None:
            sim_state.restore(self, simulation)

    def step(self, action):
        """Ant-v5's step; in the room, the planar speed replaces the forward velocity."""
        obs, reward, terminated, truncated, info = super().step(finite_action(action))
        speed = math.hypot(info["x_velocity"], info["y_velocity"])
        info["speed"] = speed
        if self.reward == "speed":
            progress = self._forward_reward_weight * speed
            # Ant-v5's sum, (progress + healthy) - (ctrl + contact), with the new progress term.
            reward = (progress + info["reward_survive"]) - (
                -info["reward_ctrl"] - info["reward_contact"]
            )
            info["reward_forward"] = progress
        return obs, reward, terminated, truncated, info
