"""The MuJoCo navigation pairs: room -> corridor / U-maze for the point mass and the Ant."""

import math
import os
import pickle
import time

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402

import rlx_envs  # noqa: E402, F401
from rlx_envs.envs.navigation import (
    POINT_UMAZE,
    AntNavigationEnv,
    MazePath,
    PointNavigationEnv,
    maze,
    mjcf_dir,
)
from rlx_envs.registration import rows  # noqa: E402

IDS = ["rlx/PointRoom-v0", "rlx/PointCorridor-v0", "rlx/PointUMaze-v0"]
IDS += ["rlx/AntRoom-v0", "rlx/AntCorridor-v0"]
PAIRS = [
    ("rlx/PointRoom-v0", "rlx/PointCorridor-v0"),
    ("rlx/PointRoom-v0", "rlx/PointUMaze-v0"),
    ("rlx/AntRoom-v0", "rlx/AntCorridor-v0"),
]
#: Top speed of the point along one axis per unit of action: gear 10 N / damping 5 N s/m.
POINT_SPEED_PER_ACTION = 2.0


def point(env_id, **kwargs):
    return gym.make(env_id, reset_noise_scale=0.0, **kwargs).unwrapped


def walls(model):
    """(name, position, size) of every wall geom of a compiled model."""
    out = set()
    for i in range(model.ngeom):
        name = model.geom(i).name
        if name.startswith("wall_"):
            out.add((name, *np.round(model.geom_pos[i], 6), *np.round(model.geom_size[i], 6)))
    return out


def push(env, action, steps):
    """Hold ``action`` for ``steps`` steps; the last step's (reward, info)."""
    for _ in range(steps):
        _, reward, terminated, _, info = env.step(np.asarray(action, dtype=np.float32))
        assert not terminated
    return reward, info


def test_ids_are_registered_with_their_limits():
    limits = {row.id: row.max_episode_steps for row in rows("navigation")}
    assert sorted(limits) == sorted(IDS)
    for env_id in IDS:
        assert env_id in gym.registry
        assert limits[env_id] == (1_000 if "Ant" in env_id else 500)


@pytest.mark.parametrize("env_id", IDS)
def test_check_env(env_id):
    check_env(gym.make(env_id).unwrapped, skip_render_check=True)


@pytest.mark.parametrize("source_id, target_id", PAIRS)
def test_source_and_target_share_spaces_but_not_walls(source_id, target_id):
    source, target = gym.make(source_id), gym.make(target_id)
    assert source.observation_space == target.observation_space
    assert source.action_space == target.action_space
    a, b = walls(source.unwrapped.model), walls(target.unwrapped.model)
    assert a and b and a != b
    # Nothing but the arena differs in the robot: same bodies, joints and actuators.
    for field in ("nbody", "njnt", "nu", "nq", "nv"):
        assert getattr(source.unwrapped.model, field) == getattr(target.unwrapped.model, field)


def test_observations_hold_the_position():
    env = point("rlx/PointCorridor-v0")
    obs, _ = env.reset(seed=0)
    push(env, (1.0, 0.0), 20)
    obs = env.step(np.zeros(2, np.float32))[0]
    assert obs[0] == pytest.approx(env.data.qpos[0]) and obs[0] > 1.0
    ant = gym.make("rlx/AntCorridor-v0").unwrapped
    obs, info = ant.reset(seed=0)
    assert obs.shape == (107,)
    assert obs[:2] == pytest.approx([info["x_position"], info["y_position"]])
    with pytest.raises(ValueError, match="exclude_current_positions_from_observation"):
        AntNavigationEnv(exclude_current_positions_from_observation=True)


@pytest.mark.parametrize("env_id", ["rlx/PointRoom-v0", "rlx/PointCorridor-v0"])
def test_steady_push_along_x_earns_its_velocity(env_id):
    env = point(env_id)
    env.reset(seed=0)
    u = 0.5
    reward, info = push(env, (u, 0.0), 30)  # 1.5 s: 7.5 time constants of 0.2 s
    velocity = POINT_SPEED_PER_ACTION * u
    assert info["x_velocity"] == pytest.approx(velocity, rel=1e-3)
    assert reward == pytest.approx(velocity - 0.1 * u**2, rel=1e-3)
    assert info["reward_ctrl"] == pytest.approx(-0.1 * u**2)


def test_push_along_y_earns_in_the_room_only():
    u = 0.5
    room, corridor = point("rlx/PointRoom-v0"), point("rlx/PointCorridor-v0")
    for env in (room, corridor):
        env.reset(seed=0)
    room_reward, _ = push(room, (0.0, u), 30)
    corridor_reward, info = push(corridor, (0.0, u), 30)
    assert room_reward == pytest.approx(POINT_SPEED_PER_ACTION * u - 0.1 * u**2, rel=1e-3)
    assert corridor_reward == pytest.approx(-0.1 * u**2, abs=1e-6)  # pinned to the north wall
    # Going west costs in the corridor and pays in the room.
    west_room, _ = push(room, (-u, 0.0), 40)
    west_corridor, _ = push(corridor, (-u, 0.0), 20)
    assert west_room > 0.9 and west_corridor < -0.9


def test_walls_block_the_point():
    corridor = point("rlx/PointCorridor-v0")
    corridor.reset(seed=0)
    _, info = push(corridor, (0.0, 1.0), 60)
    radius, half_width = 0.25, 0.75
    assert corridor.data.qpos[1] == pytest.approx(half_width - radius, abs=0.01)
    assert abs(info["y_velocity"]) < 1e-3 and abs(corridor.data.qvel[1]) < 1e-3
    room = point("rlx/PointRoom-v0")
    room.reset(seed=0)
    reward, _ = push(room, (1.0, 0.0), 120)  # 6 m/s of travel against a wall 4.75 m away
    assert room.data.qpos[0] == pytest.approx(5.0 - radius, abs=0.01)
    assert reward == pytest.approx(-0.1, abs=1e-3)  # stopped: only the control cost


def test_walls_block_the_ant():
    ant = gym.make("rlx/AntCorridor-v0").unwrapped
    ant.reset(seed=0)
    qvel = ant.data.qvel.copy()
    qvel[1] = 4.0  # throw the torso north at 4 m/s, at the wall 1.5 m away
    ant.set_state(ant.data.qpos.copy(), qvel)
    wall_contact = False
    for _ in range(20):
        ant.step(np.zeros(8))
        names = {ant.model.geom(g).name for c in ant.data.contact for g in (c.geom1, c.geom2)}
        wall_contact |= "wall_north" in names
    assert wall_contact and ant.data.qpos[1] < 1.5


def test_ant_rewards_are_ant_v5s_with_speed_in_the_room():
    reference = gym.make("Ant-v5", exclude_current_positions_from_observation=False).unwrapped
    forward = AntNavigationEnv("room", "forward")  # walls 10 m away: Ant-v5 exactly
    room = gym.make("rlx/AntRoom-v0").unwrapped
    for env in (reference, forward, room):
        env.reset(seed=3)
    rng = np.random.default_rng(3)
    for _ in range(25):
        action = rng.uniform(-1, 1, 8)
        obs, r_ref, term_ref, _, info = reference.step(action)
        obs_f, r_f, term_f, _, _ = forward.step(action)
        obs_r, r_room, _, _, info_room = room.step(action)
        assert np.array_equal(obs, obs_f) and np.array_equal(obs, obs_r)
        assert r_f == pytest.approx(r_ref) and term_f == term_ref
        speed = math.hypot(info["x_velocity"], info["y_velocity"])
        assert r_room == pytest.approx(r_ref - info["x_velocity"] + speed)
        assert info_room["reward_forward"] == pytest.approx(speed) == info_room["speed"]


def test_umaze_path_coordinate():
    path = POINT_UMAZE.path
    assert path.length == pytest.approx(10.0 + math.pi)
    # Along the centre line: east arm, right arm, west arm; monotone and continuous.
    line = [(x, 0.0) for x in np.linspace(-0.9, 4.0, 50)]
    line += [(4.0, y) for y in np.linspace(0.0, 4.0, 50)]
    line += [(x, 4.0) for x in np.linspace(4.0, -0.9, 50)]
    s = np.array([path.coordinate(x, y) for x, y in line])
    assert np.all(np.diff(s) >= -1e-12) and np.max(np.diff(s)) < 0.2
    assert s[0] == pytest.approx(0.1) and s[-1] == pytest.approx(path.length - 0.1)
    # Through a bend, off the centre line too: the arc about the inner corner.
    assert path.coordinate(3.0, 0.0) == pytest.approx(4.0)  # entering the corner cell
    assert path.coordinate(4.0, 1.0) == pytest.approx(4.0 + math.pi / 2)  # leaving it
    assert path.coordinate(3.5, 0.5) == pytest.approx(4.0 + math.pi / 4)  # on the diagonal
    with pytest.raises(ValueError, match="no path"):
        maze("bad", "#####\n#S#G#\n#####", 1.0, 0.5, 0.2)
    with pytest.raises(ValueError, match="two cells"):
        MazePath([(0.0, 0.0)], 1.0)
    with pytest.raises(ValueError, match="neighbours on the 1 m grid"):
        MazePath([(0.0, 0.0), (2.0, 0.0)], 1.0)
    with pytest.raises(ValueError, match="unknown characters"):
        maze("bad", "#####\n#S?G#\n#####", 1.0, 0.5, 0.2)


def test_umaze_pays_progress_and_ends_at_the_goal():
    env = point("rlx/PointUMaze-v0")
    _, info = env.reset(seed=0)
    start_s = info["path_coordinate"]
    waypoints, total, steps = [(4.0, 0.0), (4.0, 4.0), (0.0, 4.0)], 0.0, 0
    terminated = False
    while not terminated and steps < 500:
        target = np.array(waypoints[0])
        pos = env.data.qpos[:2]
        if len(waypoints) > 1 and np.linalg.norm(target - pos) < 0.3:
            waypoints.pop(0)
        action = np.clip(2.0 * (target - pos) - 0.5 * env.data.qvel[:2], -1, 1)
        _, reward, terminated, truncated, info = env.step(action.astype(np.float32))
        total += info["reward_progress"] * env.dt
        steps += 1
    assert terminated and info["success"] and steps < 300
    assert total == pytest.approx(info["path_coordinate"] - start_s)
    assert info["path_coordinate"] > POINT_UMAZE.path.length - 1.5  # within the goal cell
    # Going backwards from the start costs.
    env.reset(seed=0)
    _, reward, *_ = env.step(np.array([-1.0, 0.0], np.float32))
    assert reward < 0


@pytest.mark.parametrize("env_id", IDS)
def test_determinism_under_seeds(env_id):
    def rollout(seed):
        env = gym.make(env_id)
        env.action_space.seed(seed)
        out = [env.reset(seed=seed)[0]]
        for _ in range(15):
            obs, reward, *_ = env.step(env.action_space.sample())
            out.append(np.r_[obs, reward])
        return np.concatenate(out)

    assert np.array_equal(rollout(5), rollout(5))
    assert not np.array_equal(rollout(5), rollout(6))


def test_pickle_round_trip_keeps_the_arena():
    for env in (PointNavigationEnv("umaze", "path"), AntNavigationEnv("corridor", "forward")):
        copy = pickle.loads(pickle.dumps(env))
        assert type(copy) is type(env)
        assert (copy.arena, copy.reward) == (env.arena, env.reward)


def test_bad_arguments_name_the_valid_ones():
    with pytest.raises(ValueError, match=r"valid arenas: \['corridor', 'room', 'umaze'\]"):
        PointNavigationEnv("maze")
    with pytest.raises(ValueError, match="valid rewards"):
        PointNavigationEnv("room", "distance")
    with pytest.raises(ValueError, match="needs an arena with a path"):
        PointNavigationEnv("room", "path")
    with pytest.raises(ValueError, match=r"valid arenas: \['corridor', 'room'\]"):
        AntNavigationEnv("umaze")


def test_the_model_file_ships_in_the_assets():
    assert (mjcf_dir() / "point.xml").is_file()


def test_point_steps_fast():
    env = PointNavigationEnv("umaze", "path")
    env.reset(seed=0)
    action = np.array([0.3, 0.2], np.float32)
    start = time.perf_counter()
    for _ in range(2_000):
        env.step(action)
    rate = 2_000 / (time.perf_counter() - start)
    assert rate > 5_000, f"{rate:.0f} steps/s"  # about 50,000 on a laptop core


@pytest.mark.parametrize("env_id", ["rlx/PointUMaze-v0", "rlx/AntCorridor-v0"])
def test_rgb_array_renders_headless(env_id):
    env = gym.make(env_id, render_mode="rgb_array", width=64, height=48)
    env.reset(seed=0)
    try:
        frame = env.render()
    except Exception as error:  # no EGL / OSMesa: MuJoCo cannot make an offscreen context
        pytest.skip(f"no headless OpenGL for MuJoCo ({type(error).__name__}: {error})")
    finally:
        env.close()
    assert frame.shape == (48, 64, 3) and frame.dtype == np.uint8
    assert frame.std() > 5  # a picture, not a blank
