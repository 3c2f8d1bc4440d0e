"""The deep-exploration diagnostics: rlx/Chain-v0 and rlx/DeepSea-v0."""

import doctest
import importlib
import itertools
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.envs.diagnostic import ChainEnv, DeepSeaEnv, chain, deep_sea
from rlx_envs.registration import ids

CHAIN, DEEP_SEA = "rlx/Chain-v0", "rlx/DeepSea-v0"


# -- registration and the Gymnasium API ---------------------------------------------------------
def test_both_ids_are_registered_with_a_limit_above_their_horizons():
    assert gym.spec(CHAIN).max_episode_steps > chain.DEFAULT_LENGTH + chain.EXTRA_STEPS
    assert gym.spec(DEEP_SEA).max_episode_steps > deep_sea.DEFAULT_SIZE
    assert ids("diagnostic") == [CHAIN, DEEP_SEA]
    for env_id in (CHAIN, DEEP_SEA):  # the bonus wrappers count info["cell"] of such envs
        assert gym.make(env_id).unwrapped.provides_cell


@pytest.mark.parametrize(
    ("env_id", "obs_mode"),
    [(CHAIN, m) for m in chain.OBS_MODES] + [(DEEP_SEA, m) for m in deep_sea.OBS_MODES],
)
def test_check_env(env_id, obs_mode):
    env = gym.make(env_id, obs_mode=obs_mode, render_mode="rgb_array")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker's warnings fail the test too
        check_env(env.unwrapped)


@pytest.mark.parametrize("module", ["rlx_envs.envs.diagnostic", "rlx_envs.envs.diagnostic.chain",
                                    "rlx_envs.envs.diagnostic.deep_sea"])  # fmt: skip
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def _rollout(env, actions, seed):
    """Every (obs, reward, terminated, truncated, info) of an episode, reset included."""
    out = [env.reset(seed=seed)]
    for a in actions:
        out.append(env.step(a))
        if out[-1][2] or out[-1][3]:
            break
    return out


def _same(a, b):
    return all(
        np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
        for step_a, step_b in zip(a, b, strict=True)
        for x, y in zip(step_a, step_b, strict=True)
    )


@given(
    env_id=st.sampled_from([CHAIN, DEEP_SEA]),
    size=st.integers(3, 12),
    seed=st.integers(0, 2**32 - 1),
    actions=st.lists(st.integers(0, 1), max_size=25),
)
def test_same_seed_and_actions_give_the_same_episode(env_id, size, seed, actions):
    kwargs = {"length": size} if env_id == CHAIN else {"size": size}
    first = _rollout(gym.make(env_id, **kwargs), actions, seed)
    second = _rollout(gym.make(env_id, **kwargs), actions, seed)
    assert _same(first, second)
    for step in first:
        info = step[-1]
        assert isinstance(info["cell"], tuple) and all(type(v) is int for v in info["cell"])
        hash(info["cell"])


# -- Chain ---------------------------------------------------------------------------------------
def test_chain_always_right_returns_exactly_12_for_n_10():
    env = gym.make(CHAIN)  # N = 10: 19 steps; s10 is reached on step 8 and held for 11 more
    obs, info = env.reset(seed=0)
    assert obs == 1 and info == {"cell": (1,)}
    steps = [env.step(chain.RIGHT) for _ in range(19)]
    rewards = [s[1] for s in steps]
    assert rewards == [0.0] * 7 + [1.0] * 12
    assert sum(rewards) == 12.0
    assert [s[0] for s in steps[:9]] == [2, 3, 4, 5, 6, 7, 8, 9, 9]
    assert not any(s[2] for s in steps)  # never terminated
    assert [s[3] for s in steps] == [False] * 18 + [True]  # truncated after N + 9 steps
    assert steps[-1][4] == {"cell": (9,)}


def test_chain_always_left_collects_only_the_small_reward():
    env = ChainEnv(length=10)
    env.reset(seed=0)
    rewards = [env.step(chain.LEFT)[1] for _ in range(19)]
    assert rewards == [chain.LEFT_REWARD] * 19
    assert sum(rewards) == pytest.approx(0.019)


def test_chain_exhaustive_search_for_n_4():
    # All 2^13 action sequences: none beats always-right, and 6123 of them (the exact count from
    # the random-walk recursion behind the table in docs/envs/diagnostic.md) ever reach s4.
    env, best, reach = ChainEnv(length=4), 0.0, 0
    for seq in itertools.product((0, 1), repeat=4 + chain.EXTRA_STEPS):
        rewards = [step[1] for step in _rollout(env, seq, 0)[1:]]
        best = max(best, sum(rewards))
        reach += chain.RIGHT_REWARD in rewards
    assert best == 12.0
    assert reach == 6123


@given(length=st.integers(3, 80))
def test_chain_returns_for_any_length(length):
    env = ChainEnv(length=length)
    horizon = length + chain.EXTRA_STEPS
    right = _rollout(env, [1] * horizon, 0)
    assert len(right) == horizon + 1 and sum(s[1] for s in right[1:]) == 12.0
    left = _rollout(env, [0] * horizon, 0)
    assert sum(s[1] for s in left[1:]) == pytest.approx(chain.LEFT_REWARD * horizon)


def test_chain_observation_encodings():
    therm = ChainEnv(length=5, obs_mode="thermometer")
    obs, _ = therm.reset(seed=0)
    assert obs.dtype == np.float32 and obs.tolist() == [1, 1, 0, 0, 0]
    assert therm.step(1)[0].tolist() == [1, 1, 1, 0, 0]
    onehot = ChainEnv(length=5, obs_mode="onehot")
    assert onehot.reset(seed=0)[0].tolist() == [0, 1, 0, 0, 0]
    assert onehot.step(0)[0].tolist() == [1, 0, 0, 0, 0]
    assert ChainEnv(length=5).observation_space == gym.spaces.Discrete(5)


def test_chain_needs_a_reset_after_its_horizon():
    env = ChainEnv(length=3)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(1)
    env.reset()
    for _ in range(12):
        env.step(1)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(1)
    assert env.reset()[0] == chain.START


# -- DeepSea -------------------------------------------------------------------------------------
def _true_actions(env, moves):
    """Play ``moves`` ("R"/"L") with the env's own mapping; return the steps."""
    mapping = env.unwrapped.action_mapping
    row, col = 0, 0
    steps = []
    for m in moves:
        right = int(mapping[row, col])
        steps.append(env.step(right if m == "R" else 1 - right))
        row, col = steps[-1][4]["cell"]
    return steps


@pytest.mark.parametrize("size", [1, 2, 10, 25])
def test_deep_sea_right_only_path_earns_one_minus_cost(size):
    env = gym.make(DEEP_SEA, size=size)
    env.reset(seed=7)
    steps = _true_actions(env, "R" * size)
    cost = deep_sea.MOVE_COST / size
    assert [s[1] for s in steps[:-1]] == [-cost] * (size - 1)
    assert steps[-1][1] == pytest.approx(deep_sea.TREASURE - cost)
    assert sum(s[1] for s in steps) == pytest.approx(0.99)
    assert [s[2] for s in steps] == [False] * (size - 1) + [True]
    assert not any(s[3] for s in steps)
    assert steps[-1][4] == {"cell": (size, size - 1)}


@given(
    moves=st.lists(st.sampled_from("LR"), min_size=8, max_size=8).filter(lambda m: "L" in m),
    seed=st.integers(0, 1000),
)
def test_deep_sea_any_left_move_forfeits_the_treasure(moves, seed):
    env = DeepSeaEnv(size=8)
    env.reset(seed=seed)
    steps = _true_actions(env, moves)
    assert steps[-1][2]  # terminated after N steps
    assert all(s[1] <= 0.0 for s in steps)
    assert sum(s[1] for s in steps) == pytest.approx(-0.01 / 8 * moves.count("R"))


def test_deep_sea_exactly_one_action_sequence_wins():
    size, wins = 4, []
    for seq in itertools.product((0, 1), repeat=size):
        steps = _rollout(DeepSeaEnv(size=size), seq, 3)[1:]
        if sum(s[1] for s in steps) > 0:
            wins.append(seq)
            assert sum(s[1] for s in steps) == pytest.approx(0.99)
    assert len(wins) == 1


def test_deep_sea_mapping_is_fixed_by_the_seed():
    env, twin = DeepSeaEnv(), DeepSeaEnv()
    assert env.action_mapping is None  # drawn at the first reset
    env.reset(seed=3)
    twin.reset(seed=3)
    mapping = env.action_mapping
    assert mapping.shape == (10, 10) and set(np.unique(mapping)) <= {0, 1}
    assert np.array_equal(mapping, twin.action_mapping)
    env.reset()  # a reset without a seed keeps the MDP
    assert np.array_equal(env.action_mapping, mapping)
    env.reset(seed=4)
    assert not np.array_equal(env.action_mapping, mapping)
    env.reset(seed=3)
    assert np.array_equal(env.action_mapping, mapping)


def test_deep_sea_mapping_differs_across_seeds_so_no_sequence_solves_them_all():
    solutions = set()
    for seed in range(10):
        env = DeepSeaEnv()
        env.reset(seed=seed)
        mapping = env.action_mapping
        solutions.add(tuple(int(mapping[i, i]) for i in range(10)))  # the winning sequence
    assert len(solutions) == 10


def test_deep_sea_mapping_seed_fixes_the_mapping_at_construction():
    env = DeepSeaEnv(mapping_seed=5)
    mapping = env.action_mapping
    assert mapping is not None
    for seed in (0, 1, None):
        env.reset(seed=seed)
        assert np.array_equal(env.action_mapping, mapping)
    assert np.array_equal(DeepSeaEnv(mapping_seed=5).action_mapping, mapping)
    assert not np.array_equal(DeepSeaEnv(mapping_seed=6).action_mapping, mapping)


def test_deep_sea_without_randomized_actions_one_always_means_right():
    env = DeepSeaEnv(size=6, randomize_actions=False)
    env.reset(seed=1)
    assert (env.action_mapping == 1).all()
    assert sum(env.step(1)[1] for _ in range(6)) == pytest.approx(0.99)


def test_deep_sea_observations():
    env = DeepSeaEnv(size=3, randomize_actions=False)
    obs, info = env.reset(seed=0)
    assert obs.tolist() == [0, 0] and info == {"cell": (0, 0)}
    assert env.observation_space == gym.spaces.MultiDiscrete([4, 3])
    assert env.step(0)[0].tolist() == [1, 0]  # left at the wall: stays in column 0
    assert env.step(1)[0].tolist() == [2, 1]
    last = env.step(1)
    assert last[0].tolist() == [3, 2] and last[0] in env.observation_space and last[2]
    with pytest.raises(gym.error.ResetNeeded):
        env.step(1)
    hot = DeepSeaEnv(size=3, obs_mode="onehot", randomize_actions=False)
    obs, _ = hot.reset(seed=0)
    assert obs.dtype == np.float32 and obs.shape == (3, 3) and obs[0, 0] == 1 and obs.sum() == 1
    assert hot.step(1)[0][1, 1] == 1
    hot.step(1)
    assert hot.step(1)[0].sum() == 0  # bsuite's null observation below the grid


def test_deep_sea_index_observations_of_large_grids():
    env = DeepSeaEnv(size=deep_sea.INDEX_TABLE_MAX_SIZE + 1, randomize_actions=False)
    env.reset(seed=0)
    obs = env.step(1)[0]
    assert obs.dtype == np.int64 and obs.tolist() == [1, 1]


# -- rendering -----------------------------------------------------------------------------------
def test_render_modes():
    env = gym.make(CHAIN, length=6, render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape == (48, 6 * 32, 3)
    text = gym.make(CHAIN, length=6, render_mode="ansi")
    text.reset(seed=0)
    text.step(0)
    assert text.render().startswith("|@|.|.|.|.|$|  step 1/15  return 0.001")
    sea = gym.make(DEEP_SEA, size=4, render_mode="rgb_array")
    sea.reset(seed=0)
    frame = sea.render()
    assert frame.dtype == np.uint8 and frame.shape == (5 * 32, 4 * 32, 3)
    red = np.array(chain.COLOURS["agent"])
    assert (frame[:32, :32] == red).all(axis=-1).any()  # the agent is in the top-left cell
    sea_text = gym.make(DEEP_SEA, size=3, render_mode="ansi", randomize_actions=False)
    sea_text.reset(seed=0)
    sea_text.step(1)
    assert sea_text.render().splitlines()[1:] == ["*..", ".@.", "..$", "___"]
    with pytest.warns(UserWarning, match="render_mode"):
        assert ChainEnv().render() is None


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env_id", "kwargs", "message"),
    [
        (CHAIN, {"length": 2}, "length"),
        (CHAIN, {"length": 0}, "length"),
        (CHAIN, {"length": 10.0}, "length"),
        (CHAIN, {"length": True}, "length"),
        (CHAIN, {"obs_mode": "pixels"}, r"obs_mode.*'index', 'onehot', 'thermometer'"),
        (CHAIN, {"render_mode": "window"}, r"render_mode.*'rgb_array', 'ansi'"),
        (DEEP_SEA, {"size": 0}, "size"),
        (DEEP_SEA, {"size": "10"}, "size"),
        (DEEP_SEA, {"obs_mode": "thermometer"}, r"obs_mode.*'index', 'onehot'"),
        (DEEP_SEA, {"randomize_actions": "yes"}, "randomize_actions"),
        (DEEP_SEA, {"mapping_seed": -1}, "mapping_seed"),
        (DEEP_SEA, {"render_mode": "window"}, "render_mode"),
    ],
)
@pytest.mark.filterwarnings("ignore:.*render_mode")  # Gymnasium's own warning, before ours
def test_bad_options_are_refused_at_construction(env_id, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gym.make(env_id, **kwargs)


@pytest.mark.parametrize("env_class", [ChainEnv, DeepSeaEnv])
@pytest.mark.parametrize("action", [2, -1, 1.0, "left", None, True, np.array([0, 1])])
def test_bad_actions_are_refused(env_class, action):
    env = env_class()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"valid actions: 0 \(left\), 1 \(right\)"):
        env.step(action)


@pytest.mark.parametrize("env_class", [ChainEnv, DeepSeaEnv])
def test_numpy_integer_actions_and_reset_options(env_class):
    env = env_class()
    env.reset(seed=0)
    env.step(np.int64(1))
    env.step(np.array(0, dtype=np.uint8))
    with pytest.raises(ValueError, match="reset options"):
        env.reset(options={"start": 3})
