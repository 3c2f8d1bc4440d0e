"""The transfer pairs: registered, listed, made, and really different."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import rlx_envs  # noqa: F401
from rlx_envs.pairs import make_pair, pairs

NAMES = [p.name for p in pairs()]


def test_unknown_pair_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown transfer pair 'nope'; valid pairs: \['grid"):
        make_pair("nope")


@pytest.mark.parametrize("name", NAMES)
def test_source_and_target_share_spaces(name):
    source, target = make_pair(name)
    assert source.observation_space == target.observation_space
    assert source.action_space == target.action_space
    check_env(target.unwrapped, skip_render_check=True)


@pytest.mark.parametrize("name", NAMES)
def test_source_and_target_really_differ(name):
    """The same actions from the same seed give different rewards or observations."""
    source, target = make_pair(name)
    rng = np.random.default_rng(0)
    differ = False
    for episode in range(5):
        source.action_space.seed(episode)
        actions = [source.action_space.sample() for _ in range(30)]
        runs = []
        for env in (source, target):
            obs, _ = env.reset(seed=episode)
            trace = [np.asarray(obs, dtype=float)]
            for a in actions:
                obs, reward, terminated, truncated, _ = env.step(a)
                trace.append(np.r_[np.asarray(obs, dtype=float).ravel(), reward])
                if terminated or truncated:
                    break
            runs.append(trace)
        differ |= len(runs[0]) != len(runs[1]) or any(
            not np.allclose(a, b) for a, b in zip(runs[0], runs[1], strict=False)
        )
    assert differ, f"{name}: source and target behaved identically"
    del rng


@pytest.mark.parametrize("env_id", ["rlx/GridRoom-v0", "rlx/GridCorridor-v0", "rlx/GridMaze-v0"])
def test_gridworlds_pass_check_env(env_id):
    check_env(gym.make(env_id).unwrapped)


def test_room_pays_every_direction_the_corridor_only_east():
    for action, room_steps, corridor_reward in ((0, 6, 0.0), (1, 6, 1.0), (2, 6, 0.0), (3, 6, 0.0)):
        room = gym.make("rlx/GridRoom-v0")
        room.reset(seed=0)
        rewards = [room.step(action)[1] for _ in range(room_steps)]
        assert rewards[-1] == 1.0 and sum(rewards) == 1.0
        corr = gym.make("rlx/GridCorridor-v0")
        corr.reset(seed=0)
        assert sum(corr.step(action)[1] for _ in range(6)) == corridor_reward


def test_layout_errors_name_the_place():
    from rlx_envs.envs.topdown.env import TopDownGridEnv

    with pytest.raises(ValueError, match=r"<string>:2:3: unknown glyph 'x'"):
        TopDownGridEnv("#####\n#.x.#\n#####\n")
    with pytest.raises(ValueError, match="exactly one start"):
        TopDownGridEnv("#####\n#..G#\n#####\n")
    with pytest.raises(ValueError, match=r"shipped layouts: \['corridor', 'maze', 'room'\]"):
        TopDownGridEnv("lobby")
