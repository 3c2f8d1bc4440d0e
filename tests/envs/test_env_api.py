"""Gymnasium API of the MiniMontezuma envs: checker, spaces, seeding, copying, bad input."""

import copy
import pickle
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.envs.minimontezuma.env import OBS_MODES
from rlx_envs.registration import ids
from rlx_envs.rules.minimontezuma import observe, rules
from rlx_envs.rules.minimontezuma import tiles as T

# The themed ids (tag "visual") are pixels-only presets, covered by
# tests/wrappers/test_visual_randomization.py.
IDS = [env_id for env_id in ids("minimontezuma") if env_id not in ids("visual")]


def test_every_table_row_is_registered():
    for env_id in IDS:
        assert env_id in gym.registry
        assert gym.spec(env_id).max_episode_steps > 0


def test_make_with_module_prefix_in_a_fresh_interpreter():
    code = (
        "import gymnasium as gym; env = gym.make('rlx_envs:rlx/MiniMontezuma-v0'); "
        "print(env.reset(seed=0)[0].shape)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "(128,)"


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("obs_mode", OBS_MODES)
def test_check_env(env_id, obs_mode):
    env = gym.make(env_id, obs_mode=obs_mode, render_mode="rgb_array")
    check_env(env.unwrapped, skip_render_check=False)


@pytest.mark.parametrize("env_id", IDS)
def test_observations_stay_in_space(env_id):
    env = gym.make(env_id, obs_mode="dict")
    obs, _ = env.reset(seed=1)
    rng = np.random.default_rng(1)
    for _ in range(300):
        assert env.observation_space.contains(obs)
        obs, reward, terminated, truncated, info = env.step(int(rng.integers(8)))
        assert reward >= 0.0
        if terminated or truncated:
            obs, _ = env.reset()


def _rollout(env_id, seed, actions, **kwargs):
    env = gym.make(env_id, obs_mode="dict", **kwargs)
    out = [env.reset(seed=seed)]
    for a in actions:
        step = env.step(a)
        out.append(step)
        if step[2] or step[3]:
            out.append(env.reset())
    return out


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


@given(
    seed=st.integers(0, 2**32 - 1),
    actions=st.lists(st.integers(0, 7), min_size=1, max_size=80),
    env_id=st.sampled_from(["rlx/MiniMontezumaFirstRoom-v0", "rlx/MiniMontezumaHazards-v0"]),
)
def test_same_seed_same_trajectory(seed, actions, env_id):
    assert _same(_rollout(env_id, seed, actions), _rollout(env_id, seed, actions))


def test_sticky_action_rate_and_extremes():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", sticky_action_prob=1.0)
    obs, info = env.reset(seed=0)
    for _ in range(20):  # every action repeats the first (NOOP): the agent never moves
        _, _, _, _, step_info = env.step(rules.LEFT)
    assert (step_info["x"], step_info["y"]) == (info["x"], info["y"])
    base = gym.make("rlx/MiniMontezumaFirstRoom-v0").unwrapped
    base.reset(seed=3)
    key = base._state.key
    draws = [rules.uniform32(key, t) < base._threshold for t in range(20_000)]
    assert abs(np.mean(draws) - 0.25) < 0.01


def test_pickle_and_deepcopy_mid_episode():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="dict")
    env.reset(seed=5)
    for a in [4, 4, 2, 2, 7, 0, 1]:
        env.step(a)
    clones = [copy.deepcopy(env), pickle.loads(pickle.dumps(env))]
    actions = np.random.default_rng(0).integers(8, size=60).tolist()
    ref = [env.step(a) for a in actions]
    for clone in clones:
        assert _same([clone.step(a) for a in actions], ref)


def test_info_contents():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", sticky_action_prob=0.0)
    _, info = env.reset(seed=0)
    assert set(info) == {
        "room",
        "x",
        "y",
        "lives",
        "inventory",
        "rooms_visited",
        "life_lost",
        "cell",
    }
    assert (info["room"], info["x"], info["y"], info["lives"]) == (0, 11, 1, 5)
    assert info["rooms_visited"] == 1 and info["inventory"].tolist() == [0, 0, 0, 0]
    assert hash(info["cell"]) == hash((0, 11, 1, 0, 0))


def test_ram_is_the_game_state():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", sticky_action_prob=0.0)
    env.reset(seed=0)
    for a in [4, 4, 4, 2, 2, 7]:
        ram, *_ = env.step(a)
    s = env.unwrapped._state
    fields = observe.decode_ram(ram)
    for name in (
        "room",
        "x",
        "y",
        "lives",
        "jump",
        "jump_dir",
        "fall",
        "clock",
        "inventory",
        "used",
        "visited",
        "entry_room",
        "entry_x",
        "entry_y",
        "last_action",
    ):
        assert fields[name] == getattr(s, name), name
    assert fields["skull_x"] == s.skull_x and fields["skull_dir"] == s.skull_dir


def test_masked_semantics_permutes_codes_per_seed():
    plain = gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="symbolic")
    masked = gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="symbolic", semantics="masked")
    p, _ = plain.reset(seed=0)
    m0, _ = masked.reset(seed=0)
    m0_again, _ = masked.reset(seed=0)
    m1, _ = masked.reset(seed=1)
    assert np.array_equal(m0, m0_again)
    assert not np.array_equal(m0, p) and not np.array_equal(m0, m1)
    mapping = {}
    for a, b in zip(p.ravel(), m0.ravel(), strict=False):  # a consistent bijection of codes
        assert mapping.setdefault(int(a), int(b)) == int(b)
    assert len(set(mapping.values())) == len(mapping)
    assert mapping[T.C_EMPTY] == T.C_EMPTY and mapping[T.C_AGENT] == T.C_AGENT
    perm = masked.unwrapped._perm.copy()
    assert np.array_equal(perm, observe.masked_permutation(rules.key_from_seed(1)))
    masked.reset()  # unseeded resets keep the masking of the last seed
    assert np.array_equal(masked.unwrapped._perm, perm)


@pytest.mark.parametrize("mode", ["rgb_array", "ansi", "human"])
def test_render_modes(mode):
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", render_mode=mode)
    env.reset(seed=0)
    env.step(0)
    frame = env.render()
    lv = env.unwrapped.level
    if mode == "rgb_array":
        assert frame.shape == (lv.height * 8 + 10, lv.width * 8, 3) and frame.dtype == np.uint8
    elif mode == "ansi":
        lines = frame.splitlines()
        assert len(lines) == lv.height + 1 and all(len(row) == lv.width for row in lines[:-1])
        assert "lives 5" in lines[-1]
    else:
        assert frame is None
    env.close()


@pytest.mark.parametrize("action", [8, -1, 1.5, "LEFT", None, True, np.array([1, 2])])
def test_bad_actions_are_refused(action):
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0").unwrapped
    env.reset(seed=0)
    with pytest.raises((TypeError, ValueError), match="action"):
        env.step(action)


def test_numpy_integer_actions_are_accepted():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0").unwrapped
    env.reset(seed=0)
    env.step(np.int64(2))
    env.step(np.array(3, dtype=np.uint8))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"obs_mode": "rgb"}, "obs_mode"),
        ({"render_mode": "window"}, "render_mode"),
        ({"semantics": "shuffled"}, "semantics"),
        ({"lives": 0}, "lives"),
        ({"lives": 2.5}, "lives"),
        ({"fall_damage_height": 0}, "fall_damage_height"),
        ({"sticky_action_prob": 1.5}, "sticky_action_prob"),
        ({"rewards": {"coin": 5}}, "coin"),
        ({"rewards": {"key": float("nan")}}, "key"),
        ({"reward_scale": float("inf")}, "reward_scale"),
        ({"level": "no_such_level"}, "shipped levels"),
    ],
)
def test_bad_options_are_refused_at_construction(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        gym.make("rlx/MiniMontezumaFirstRoom-v0", **kwargs)


def test_reset_options_and_step_before_reset():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", disable_env_checker=True).unwrapped
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)
    with pytest.raises(ValueError, match="options"):
        env.reset(options={"level": 3})


def test_reward_scale_and_overrides():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0", rewards={"key": 1.0}, reward_scale=0.5)
    assert env.unwrapped.rewards == {"key": 0.5, "door": 150.0, "jewel": 500.0, "exit": 5000.0}
