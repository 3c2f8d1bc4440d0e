"""A 2-D point mass in walled arenas: ``rlx/PointRoom-v0``, ``-Corridor-v0``, ``-UMaze-v0``.

The robot is ``assets/mjcf/point.xml``: a sphere sliding on two joints (x, y) pushed by two
motors, top speed 2 m/s along each axis. The arena's walls are added to that model at
construction (:func:`~rlx_envs.envs.navigation.arenas.build_model`), so source and target differ in
their compiled MuJoCo models, not in Python collision code.

Per step (``dt`` = 0.05 s) the reward is ``progress - CTRL_COST_WEIGHT * |action|^2``, where
``progress`` is, for ``reward=``

- ``"speed"``: the planar speed ``|p' - p| / dt`` (any direction pays);
- ``"forward"``: the velocity along +x, ``(x' - x) / dt``;
- ``"path"``: the rate of the maze's path coordinate, ``(s(p') - s(p)) / dt`` (see
  :class:`~rlx_envs.envs.navigation.arenas.MazePath`); reaching the goal disc ends the episode
  (``terminated``, ``info["success"]``) and adds ``success_reward``.

>>> env = PointNavigationEnv("room", "speed")
>>> obs, info = env.reset(seed=0)
>>> obs.shape, env.action_space.shape
((4,), (2,))
"""

from __future__ import annotations

import math

import mujoco
import numpy as np
from gymnasium import spaces, utils
from gymnasium.envs.mujoco.mujoco_env import DEFAULT_SIZE, MujocoEnv

from rlx_envs.core.arguments import finite_action
from rlx_envs.envs.navigation.arenas import POINT_ARENAS, Arena, build_model, mjcf_dir, resolve
from rlx_envs.rules.physics import sim_state

#: Weight of the control cost ``CTRL_COST_WEIGHT * |action|^2`` (per step; |action| <= sqrt 2).
CTRL_COST_WEIGHT = 0.1
#: Reward added on the step that reaches the goal (arenas with a goal); 0: success only ends.
SUCCESS_REWARD = 0.0
#: Reset: position uniform within +-RESET_NOISE_SCALE m of the origin, velocity normal with that
#: standard deviation (m/s), as Gymnasium's locomotion envs.
RESET_NOISE_SCALE = 0.1
#: MuJoCo steps (of 0.01 s) per env step: dt = 0.05 s, the Ant's.
FRAME_SKIP = 5
#: The progress terms ``reward=`` accepts.
REWARDS = ("speed", "forward", "path")


class PointNavigationEnv(MujocoEnv, utils.EzPickle):
    """The point mass in ``arena`` (a name of :data:`POINT_ARENAS` or an :class:`Arena`).

    Observation (float64): ``[x, y, vx, vy]``: position of the sphere's centre in the world (m;
    the start is the origin) and its velocity (m/s). The walls are fixed per arena, so position
    says where they are. Action (float32, in [-1, 1]^2): the force along x and y, in units of
    10 N. Episodes end by the registry's time limit (truncated), or on reaching the goal.
    """

    metadata = {
        "render_modes": ["human", "rgb_array", "depth_array", "rgbd_tuple"],
        "render_fps": round(1 / (0.01 * FRAME_SKIP)),
    }

    def __init__(
        self,
        arena: str | Arena = "room",
        reward: str = "speed",
        ctrl_cost_weight: float = CTRL_COST_WEIGHT,
        success_reward: float = SUCCESS_REWARD,
        reset_noise_scale: float = RESET_NOISE_SCALE,
        render_mode: str | None = None,
        width: int = DEFAULT_SIZE,
        height: int = DEFAULT_SIZE,
        camera_name: str | None = None,
        camera_id: int | None = None,
        **kwargs,
    ):
        utils.EzPickle.__init__(
            self,
            arena,
            reward,
            ctrl_cost_weight,
            success_reward,
            reset_noise_scale,
            render_mode,
            width,
            height,
            camera_name,
            camera_id,
            **kwargs,
        )
        self.arena = resolve(arena, POINT_ARENAS)
        if reward not in REWARDS:
            raise ValueError(f"unknown reward {reward!r}; valid rewards: {list(REWARDS)}")
        if reward == "path" and self.arena.path is None:
            raise ValueError(
                f"reward='path' needs an arena with a path; {self.arena.name} has none"
            )
        self.reward = reward
        self._ctrl_cost_weight = ctrl_cost_weight
        self._success_reward = success_reward
        self._reset_noise_scale = reset_noise_scale
        if camera_name is None and camera_id is None:
            camera_name = self.arena.camera
        MujocoEnv.__init__(
            self,
            str(mjcf_dir() / "point.xml"),
            FRAME_SKIP,
            observation_space=spaces.Box(-np.inf, np.inf, shape=(4,), dtype=np.float64),
            render_mode=render_mode,
            width=width,
            height=height,
            camera_name=camera_name,
            camera_id=camera_id,
            **kwargs,
        )
        self._dt = self.dt
        self._path_s = 0.0

    def _initialize_simulation(self) -> tuple[mujoco.MjModel, mujoco.MjData]:
        """Compile ``point.xml`` with the arena's walls added (called by ``MujocoEnv``)."""
        model = build_model(self.fullpath, self.arena, self.width, self.height)
        return model, mujoco.MjData(model)

    def _step_mujoco_simulation(self, ctrl, n_frames) -> None:
        """Step the physics (without Gymnasium's ``mj_rnePostConstraint``: no force sensing)."""
        self.data.ctrl[:] = ctrl
        mujoco.mj_step(self.model, self.data, nstep=n_frames)

    def _get_obs(self) -> np.ndarray:
        return np.concatenate((self.data.qpos, self.data.qvel))

    def __getstate__(self):
        # EzPickle rebuilds the env from its arguments; keep the running episode as well.
        return {**super().__getstate__(), "_simulation": sim_state.capture(self),
                "_path_s": getattr(self, "_path_s", None)}  # fmt: skip

    def __setstate__(self, state):
        state = dict(state)
        simulation = state.pop("_simulation", None)
        path_s = state.pop("_path_s", None)
        super().__setstate__(state)
        if simulation is not None:
            sim_state.restore(self, simulation)
        if path_s is not None:
            self._path_s = path_s  # progress along the U-maze's path this episode

    def step(self, action):
        """Push with ``action`` for ``dt``; reward ``progress - ctrl_cost`` (module docstring)."""
        action = finite_action(action)
        qpos = self.data.qpos
        x0, y0 = float(qpos[0]), float(qpos[1])
        self.do_simulation(action, self.frame_skip)
        x1, y1 = float(qpos[0]), float(qpos[1])
        vx, vy = (x1 - x0) / self._dt, (y1 - y0) / self._dt
        info = {"x_position": x1, "y_position": y1, "x_velocity": vx, "y_velocity": vy}
        if self.reward == "speed":
            progress = math.hypot(vx, vy)
        elif self.reward == "forward":
            progress = vx
        else:
            s = self.arena.path.coordinate(x1, y1)
            progress = (s - self._path_s) / self._dt
            self._path_s = info["path_coordinate"] = s
        a = np.asarray(action, dtype=np.float64)
        ctrl_cost = self._ctrl_cost_weight * float(a @ a)
        reward = progress - ctrl_cost
        terminated = False
        if self.arena.goal is not None:
            gx, gy = self.arena.goal
            terminated = info["success"] = math.hypot(x1 - gx, y1 - gy) <= self.arena.goal_radius
            reward += self._success_reward * terminated
        info["reward_progress"] = progress
        info["reward_ctrl"] = -ctrl_cost
        if self.render_mode == "human":
            self.render()
        # truncated=False: the registry's TimeLimit ends the episode.
        return self._get_obs(), reward, terminated, False, info

    def reset_model(self) -> np.ndarray:
        """Start near the origin: position and velocity noise from the env's seeded generator."""
        noise = self._reset_noise_scale
        qpos = self.init_qpos + self.np_random.uniform(-noise, noise, size=self.model.nq)
        qvel = self.init_qvel + noise * self.np_random.standard_normal(self.model.nv)
        self.set_state(qpos, qvel)
        if self.arena.path is not None:
            self._path_s = self.arena.path.coordinate(float(qpos[0]), float(qpos[1]))
        return self._get_obs()

    def _get_reset_info(self) -> dict[str, float]:
        info = {"x_position": float(self.data.qpos[0]), "y_position": float(self.data.qpos[1])}
        if self.arena.path is not None:
            info["path_coordinate"] = self._path_s
        return info
