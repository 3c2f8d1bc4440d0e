"""The vector twins of Chain, DeepSea and the top-down grids equal a SyncVectorEnv of
``gym.make`` envs, step for step, in every autoreset mode and observation mode."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from hypothesis import given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.envs.diagnostic import chain, deep_sea
from rlx_envs.envs.diagnostic.vector import ChainVectorEnv, DeepSeaVectorEnv
from rlx_envs.envs.topdown.vector import TopDownGridVectorEnv

N = 3
CHAIN, DEEP_SEA = "rlx/Chain-v0", "rlx/DeepSea-v0"
GRIDS = ("rlx/GridRoom-v0", "rlx/GridCorridor-v0", "rlx/GridMaze-v0")
MODES = (AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP, AutoresetMode.DISABLED)
ACTIONS = {CHAIN: 2, DEEP_SEA: 2, **dict.fromkeys(GRIDS, 4)}
TWINS = {CHAIN: ChainVectorEnv, DEEP_SEA: DeepSeaVectorEnv}
TWINS.update(dict.fromkeys(GRIDS, TopDownGridVectorEnv))

# Small sizes and limits, so that episodes end (terminated and truncated) often.
TINY_LAYOUT = "#####\n#S.G#\n#.#.#\n#G..#\n#####\n"
KWARGS = {
    CHAIN: st.fixed_dictionaries(
        {"length": st.integers(3, 6), "obs_mode": st.sampled_from(chain.OBS_MODES)},
        optional={"max_episode_steps": st.integers(2, 25)},
    ),
    DEEP_SEA: st.fixed_dictionaries(
        {
            "size": st.integers(1, 5),
            "obs_mode": st.sampled_from(deep_sea.OBS_MODES),
            "randomize_actions": st.booleans(),
            "mapping_seed": st.one_of(st.none(), st.integers(0, 2**31)),
        },
        optional={"max_episode_steps": st.integers(2, 25)},
    ),
    **dict.fromkeys(
        GRIDS,
        st.fixed_dictionaries(
            {
                "slip_prob": st.sampled_from([0.0, 0.3, 1.0]),
                "max_episode_steps": st.integers(3, 40),
            },
            optional={"layout": st.just(TINY_LAYOUT)},
        ),
    ),
}
seeds = st.one_of(st.integers(0, 2**31), st.lists(st.integers(0, 2**31), min_size=N, max_size=N))


def _pair(env_id, mode, **kwargs):
    ours = gym.make_vec(env_id, num_envs=N, vectorization_mode="vector_entry_point",
                        autoreset_mode=mode, **kwargs)  # fmt: skip
    ref = gym.make_vec(env_id, num_envs=N, vectorization_mode="sync",
                       vector_kwargs={"autoreset_mode": mode}, **kwargs)  # fmt: skip
    assert type(ours.unwrapped) is TWINS[env_id] and isinstance(ref, SyncVectorEnv)
    return ours, ref


def _same_array(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b), (a, b)


def _same_info(ours, ref):
    assert ours.keys() == ref.keys()
    for key, value in ref.items():
        if key.startswith("_"):
            _same_array(ours[key], value)  # the masks: which envs have the key
            continue
        mask = ref[f"_{key}"]
        if key == "final_info":
            _same_info(ours[key], value)
        elif key == "final_obs":
            for i in np.flatnonzero(mask):
                _same_array(ours[key][i], value[i])
        elif key == "cell":  # rows of int64 for the single envs' tuples
            assert ours[key].dtype == np.int64 and ours[key].shape[0] == N
            assert [tuple(ours[key][i].tolist()) for i in np.flatnonzero(mask)] == [
                value[i] for i in np.flatnonzero(mask)
            ]
        else:
            _same_array(ours[key][mask], value[mask])


def _same_step(a, b):
    _same_array(a[0], b[0])
    for x, y in zip(a[1:4], b[1:4], strict=True):
        _same_array(x, y)
    _same_info(a[4], b[4])


def _compare(env_id, mode, kwargs, seed, action_seed, steps=150):
    ours, ref = _pair(env_id, mode, **kwargs)
    a, b = ours.reset(seed=seed), ref.reset(seed=seed)
    _same_array(a[0], b[0])
    _same_info(a[1], b[1])
    rng = np.random.default_rng(action_seed)
    for t in range(steps):
        if t % 70 == 69:  # an unseeded reset of every env: generators continue
            a, b = ours.reset(), ref.reset()
            _same_array(a[0], b[0])
            _same_info(a[1], b[1])
        actions = rng.integers(ACTIONS[env_id], size=N)
        a, b = ours.step(actions), ref.step(actions)
        _same_step(a, b)
        done = a[2] | a[3]
        if mode == AutoresetMode.DISABLED and done.any():
            # New seeds for some resets; None in a list: that env keeps its generator.
            new_seeds = [None, *rng.integers(1000, size=N - 1).tolist()] if t % 2 else None
            options = {"reset_mask": done}
            a = ours.reset(seed=new_seeds, options=dict(options))
            b = ref.reset(seed=new_seeds, options=dict(options))
            _same_array(a[0], b[0])
            _same_info(a[1], b[1])
    ours.close()
    ref.close()


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
@pytest.mark.parametrize("env_id", [CHAIN, DEEP_SEA, *GRIDS])
@settings(max_examples=3, deadline=None)
@given(data=st.data(), seed=seeds, action_seed=st.integers(0, 2**31))
def test_vector_equals_sync_vector_env(env_id, mode, data, seed, action_seed):
    kwargs = data.draw(KWARGS[env_id], label="kwargs")
    _compare(env_id, mode, kwargs, seed, action_seed)


@pytest.mark.parametrize(
    ("env_id", "obs_mode"),
    [(CHAIN, m) for m in chain.OBS_MODES] + [(DEEP_SEA, m) for m in deep_sea.OBS_MODES],
)
def test_every_obs_mode_with_the_registry_defaults(env_id, obs_mode):
    for mode in MODES:
        _compare(env_id, mode, {"obs_mode": obs_mode}, seed=[5, 1, 5], action_seed=0, steps=100)


def test_grid_with_slips_and_the_registry_limit():
    _compare("rlx/GridMaze-v0", AutoresetMode.NEXT_STEP, {"slip_prob": 0.5}, 3, 1, steps=420)


@pytest.mark.parametrize("env_id", [CHAIN, DEEP_SEA, *GRIDS])
def test_make_vec_uses_the_vector_entry_point(env_id):
    envs = gym.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    spec = gym.spec(env_id)
    assert type(envs) is TWINS[env_id] and envs.num_envs == 4
    assert envs.max_episode_steps == spec.max_episode_steps  # the registry's limit
    assert envs.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP and envs.provides_cell
    single = gym.make(env_id)
    assert envs.single_observation_space == single.observation_space
    assert envs.single_action_space == single.action_space
    assert envs.observation_space == gym.vector.utils.batch_space(single.observation_space, 4)
    assert envs.observation_space.contains(envs.reset(seed=0)[0])


def test_deep_sea_mappings_equal_the_single_envs():
    for kwargs in ({}, {"mapping_seed": 7}, {"randomize_actions": False}):
        envs = DeepSeaVectorEnv(num_envs=N, size=6, **kwargs)
        assert envs.action_mapping is None or kwargs
        for seed in (0, [11, 12, 13]):
            envs.reset(seed=seed)
            for i, env_seed in enumerate([seed + i for i in range(N)] if seed == 0 else seed):
                single = gym.make(DEEP_SEA, size=6, **kwargs).unwrapped
                single.reset(seed=env_seed)
                np.testing.assert_array_equal(envs.action_mapping[i], single.action_mapping)
        mapping = envs.action_mapping
        envs.reset()  # no seed: the mapping stays
        np.testing.assert_array_equal(envs.action_mapping, mapping)
    assert (DeepSeaVectorEnv(num_envs=2, randomize_actions=False).action_mapping == 1).all()


@pytest.mark.parametrize("render_mode", ["rgb_array", "ansi"])
@pytest.mark.parametrize("env_id", [CHAIN, DEEP_SEA, "rlx/GridRoom-v0"])
def test_render_gives_the_single_envs_frames(env_id, render_mode):
    kwargs = {"size": 4} if env_id == DEEP_SEA else {}
    ours, ref = _pair(env_id, AutoresetMode.NEXT_STEP, render_mode=render_mode, **kwargs)
    ours.reset(seed=0)
    ref.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(6):
        frames, expected = ours.render(), ref.render()
        assert isinstance(frames, tuple) and len(frames) == N
        for got, want in zip(frames, expected, strict=True):
            if render_mode == "ansi":
                assert got == want
            else:
                _same_array(got, want)
        actions = rng.integers(ACTIONS[env_id], size=N)
        ours.step(actions)
        ref.step(actions)


def test_disabled_autoreset_needs_a_masked_reset():
    envs = ChainVectorEnv(num_envs=2, length=3, max_episode_steps=2, autoreset_mode="disabled")
    with pytest.raises(gym.error.ResetNeeded):
        envs.step([0, 0])
    envs.reset(seed=0)
    envs.step([1, 1])
    *_, truncated, _ = envs.step([1, 1])
    assert truncated.all()
    with pytest.raises(gym.error.ResetNeeded, match="reset_mask"):
        envs.step([1, 1])
    obs, info = envs.reset(options={"reset_mask": np.array([True, False])})
    assert obs.tolist() == [1, 2] and info["_cell"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_envs": 0}, "num_envs"),
        ({"num_envs": 2.0}, "num_envs"),
        ({"num_envs": True}, "num_envs"),
        ({"autoreset_mode": "sometimes"}, "valid choices: \\['NextStep'"),
        ({"max_episode_steps": 0}, "max_episode_steps"),
        ({"render_mode": "human"}, "valid (choices|modes)"),
        ({"obs_mode": "pixels"}, "valid choices"),
    ],
)
@pytest.mark.parametrize("twin", [ChainVectorEnv, DeepSeaVectorEnv, TopDownGridVectorEnv])
def test_bad_options(twin, kwargs, message):
    if "obs_mode" in kwargs and twin is TopDownGridVectorEnv:
        kwargs = {"layout": "lobby"}
    with pytest.raises(ValueError, match=message if "layout" not in kwargs else "shipped"):
        twin(**{"num_envs": 2, **kwargs})


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (np.zeros(2, np.int64), "shape \\(3,\\)"),
        (np.zeros((3, 1), np.int64), "shape"),
        (np.zeros(3, np.float32), "dtype float32"),
        (np.ones(3, bool), "dtype bool"),
        (np.array([0, 9, 1]), "got \\[9\\]"),
        (np.array([0, -1, 1]), "got \\[-1\\]"),
    ],
)
@pytest.mark.parametrize("twin", [ChainVectorEnv, DeepSeaVectorEnv, TopDownGridVectorEnv])
def test_bad_actions_name_the_valid_ones(twin, actions, message):
    envs = twin(num_envs=3)
    envs.reset(seed=0)
    with pytest.raises(ValueError, match=message) as error:
        envs.step(actions)
    assert "valid actions" in str(error.value) or "integers in 0.." in str(error.value)


@pytest.mark.parametrize(
    ("reset_kwargs", "message"),
    [
        ({"seed": [1, 2]}, "list of num_envs = 3"),
        ({"seed": [1, 2, 3, 4]}, "list of num_envs = 3"),
        ({"seed": -1}, "non-negative"),
        ({"seed": "0"}, "seed must be"),
        ({"options": {"reset_mask": [True, True, True]}}, "bool numpy array"),
        ({"options": {"reset_mask": np.zeros(3, bool)}}, "at least one True"),
        ({"options": {"level": 2}}, "valid choices: \\['reset_mask'\\]"),
    ],
)
def test_bad_resets(reset_kwargs, message):
    envs = DeepSeaVectorEnv(num_envs=3, size=3)
    with pytest.raises(ValueError, match=message):
        envs.reset(**reset_kwargs)
