"""The batched env equals a SyncVectorEnv of single envs, step for step, in every mode."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from gymnasium.wrappers.vector import RecordEpisodeStatistics
from hypothesis import given
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs.envs.minimontezuma.vector import MiniMontezumaVectorEnv

N = 3


def _pair(env_id, mode, autoreset, **kwargs):
    ours = gym.make_vec(env_id, num_envs=N, vectorization_mode="vector_entry_point",
                        autoreset_mode=autoreset, **kwargs)  # fmt: skip
    ref = gym.make_vec(env_id, num_envs=N, vectorization_mode="sync",
                       vector_kwargs={"autoreset_mode": autoreset}, **kwargs)  # fmt: skip
    return ours, ref


def _assert_obs(a, b):
    if isinstance(b, dict):
        assert a.keys() == b.keys()
        for k in b:
            np.testing.assert_array_equal(a[k], b[k])
    else:
        np.testing.assert_array_equal(a, b)


def _assert_info(ours, ref):
    for key, value in ref.items():
        if key.startswith("_") or key in ("final_obs", "final_info"):
            continue
        mask = ref[f"_{key}"]
        np.testing.assert_array_equal(ours[f"_{key}"][mask], mask[mask])
        for i in np.flatnonzero(mask):
            got = ours[key][i]
            expected = value[i]
            if key == "cell":
                assert tuple(int(v) for v in got) == expected
            else:
                np.testing.assert_array_equal(got, expected, err_msg=f"{key}[{i}]")
    if "final_obs" in ref:
        np.testing.assert_array_equal(ours["_final_obs"], ref["_final_obs"])
        for i in np.flatnonzero(ref["_final_obs"]):
            _assert_obs(ours["final_obs"][i], ref["final_obs"][i])
        _assert_info(ours["final_info"], ref["final_info"])


def _compare(env_id, mode, autoreset, seed, actions, **kwargs):
    ours, ref = _pair(env_id, mode, autoreset, obs_mode=mode, **kwargs)
    a, b = ours.reset(seed=seed), ref.reset(seed=seed)
    _assert_obs(a[0], b[0])
    _assert_info(a[1], b[1])
    for step_actions in actions:
        act = np.asarray(step_actions, dtype=np.int64)
        a, b = ours.step(act), ref.step(act)
        _assert_obs(a[0], b[0])
        for x, y in zip(a[1:4], b[1:4], strict=False):
            np.testing.assert_array_equal(x, y)
        _assert_info(a[4], b[4])


actions = st.lists(st.lists(st.integers(0, 7), min_size=N, max_size=N), min_size=1, max_size=60)


@given(
    seed=st.integers(0, 2**31),
    actions=actions,
    env_id=st.sampled_from(["rlx/MiniMontezumaFirstRoom-v0", "rlx/MiniMontezumaHazards-v0",
                            "rlx/MiniMontezuma-v0"]),
    mode=st.sampled_from(["ram", "symbolic", "pixels", "dict"]),
    autoreset=st.sampled_from([AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP]),
    masked=st.booleans(),
)  # fmt: skip
def test_batch_equals_single_envs(seed, actions, env_id, mode, autoreset, masked):
    # Short episodes (one life, 25 steps) so that resets happen often.
    _compare(env_id, mode, autoreset, seed, actions, lives=1, max_episode_steps=25,
             semantics="masked" if masked else "plain")  # fmt: skip


@given(seed=st.integers(0, 2**31), actions=actions,
       autoreset=st.sampled_from([AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP]))  # fmt: skip
def test_procedural_batch_equals_single_envs(seed, actions, autoreset):
    _compare("rlx/MiniMontezumaProcgen-v0", "symbolic", autoreset, seed, actions,
             num_levels=5, start_level=100, lives=1, max_episode_steps=15)  # fmt: skip


def test_long_random_run_with_default_options():
    rng = np.random.default_rng(0)
    _compare("rlx/MiniMontezumaFirstRoom-v0", "ram", AutoresetMode.NEXT_STEP, 7,
             rng.integers(8, size=(2500, N)))  # fmt: skip


def test_each_env_of_a_procedural_batch_has_its_own_level():
    envs = gym.make_vec(
        "rlx/MiniMontezumaProcgen-v0", num_envs=4, vectorization_mode="vector_entry_point"
    )
    envs.reset(seed=0)
    cells = {envs.unwrapped.levels[i].cells for i in range(4)}
    assert len(cells) == 4


def test_record_episode_statistics():
    envs = RecordEpisodeStatistics(gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=16,
                                                vectorization_mode="vector_entry_point",
                                                lives=1, max_episode_steps=40))  # fmt: skip
    envs.reset(seed=0)
    rng = np.random.default_rng(0)
    finished = 0
    for _ in range(100):
        *_, info = envs.step(rng.integers(8, size=16))
        if "episode" in info:
            finished += info["_episode"].sum()
            assert np.all(info["episode"]["l"][info["_episode"]] <= 40)
    assert finished >= 16


def test_render_gives_a_frame_per_env():
    envs = gym.make_vec(
        "rlx/MiniMontezumaFirstRoom-v0",
        num_envs=2,
        vectorization_mode="vector_entry_point",
        render_mode="rgb_array",
    )
    envs.reset(seed=0)
    frames = envs.render()
    assert len(frames) == 2 and frames[0].shape == (18 * 8 + 10, 24 * 8, 3)


def test_reset_mask_resets_only_those_envs():
    envs = MiniMontezumaVectorEnv(num_envs=3, level="first_room", sticky_action_prob=0.0,
                                  autoreset_mode=AutoresetMode.DISABLED)  # fmt: skip
    envs.reset(seed=0)
    for _ in range(3):
        _, _, _, _, info = envs.step(np.array([4, 4, 4]))
    assert info["y"].tolist() == [4, 4, 4]
    _, info = envs.reset(options={"reset_mask": np.array([True, False, False])})
    assert info["y"].tolist() == [1, 4, 4]


@pytest.mark.parametrize(
    ("actions", "error", "message"),
    [
        (np.zeros(2, np.int64), ValueError, "shape"),
        (np.zeros((3, 1), np.int64), ValueError, "shape"),
        (np.zeros(3, np.float32), TypeError, "integers"),
        (np.array([0, 8, 1]), ValueError, "out of range"),
        (np.array([0, -1, 1]), ValueError, "out of range"),
    ],
)
def test_bad_actions(actions, error, message):
    envs = MiniMontezumaVectorEnv(num_envs=3, level="first_room")
    envs.reset(seed=0)
    with pytest.raises(error, match=message):
        envs.step(actions)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_envs": 0}, "num_envs"),
        ({"num_envs": 2.0}, "num_envs"),
        ({"render_mode": "human"}, "rgb_array"),
        ({"autoreset_mode": "sometimes"}, "autoreset_mode"),
        ({"max_episode_steps": 0}, "max_episode_steps"),
        ({"obs_mode": "rgb"}, "obs_mode"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MiniMontezumaVectorEnv(level="first_room", **{"num_envs": 2, **kwargs})
