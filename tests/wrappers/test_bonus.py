"""The bonus wrappers' shared behaviour, exact and hash counts: known answers first."""

import copy
import math
import pickle
from collections import Counter

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.vector import AutoresetMode
from hypothesis import given
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs.estimators.counts import ExactCounts, SimHashCounts
from rlx_envs.estimators.keys import hash_rows, key_hash
from rlx_envs.estimators.schedules import Exponential, Linear
from rlx_envs.wrappers import CountBonus, HashCountBonus, VectorCountBonus, VectorHashCountBonus


class Replay(gym.Env):
    """Plays back a fixed list of observations (and info cells); reward 1 on every step."""

    def __init__(self, observations, space, cells=None):
        self.observations, self.cells = list(observations), cells
        self.observation_space, self.action_space = space, spaces.Discrete(2)
        self.i = 0

    def _info(self):
        return {"cell": self.cells[self.i]} if self.cells is not None else {}

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.i = 0
        return self.observations[0], self._info()

    def step(self, action):
        self.i += 1
        return (
            self.observations[self.i],
            1.0,
            self.i == len(self.observations) - 1,
            False,
            self._info(),
        )


def replay_counts(states, **kwargs):
    space = spaces.Discrete(max(states) + 1)
    env = CountBonus(Replay(states, space), **kwargs)
    env.reset(seed=0)
    return [env.step(0) for _ in states[1:]]


# -- known answers -------------------------------------------------------------------------------
@given(
    st.lists(st.integers(0, 6), min_size=2, max_size=60), st.sampled_from(["mbie", "beb", "ucb"])
)
def test_counts_and_bonus_forms_are_exact(states, form):
    steps = replay_counts(states, beta=0.5, form=form)
    seen = Counter()
    for t, (state, (_, reward, _, _, info)) in enumerate(zip(states[1:], steps, strict=True), 1):
        seen[state] += 1
        n = seen[state]
        raw = {"mbie": 1 / math.sqrt(n), "beb": 1 / n, "ucb": math.sqrt(2 * math.log(t) / n)}[form]
        assert info["count"] == n
        assert info["intrinsic_reward"] == pytest.approx(0.5 * raw, rel=1e-12)
        assert info["extrinsic_reward"] == 1.0 and reward == pytest.approx(1.0 + 0.5 * raw)
        assert math.isfinite(reward)


def test_state_action_counts():
    states = [0, 1, 1, 1, 1]
    env = CountBonus(Replay(states, spaces.Discrete(2)), count="state_action")
    env.reset(seed=0)
    counts = [env.step(a)[4]["count"] for a in (0, 0, 1, 0)]
    assert counts == [1, 2, 1, 3]  # N(s'=1, a=0) counts 1, 2, 3; N(1, a=1) once


def test_mix_false_only_reports():
    (_, reward, _, _, info), *_ = replay_counts([0, 1, 2], beta=2.0, mix=False)
    assert reward == 1.0 and info["intrinsic_reward"] == 2.0


def test_beta_schedules_follow_env_steps():
    steps = replay_counts(list(range(12)), beta=Linear(1.0, 0.0, 10))
    assert [round(s[4]["intrinsic_reward"], 12) for s in steps] == [
        round(1 - t / 10, 12) if t < 10 else 0.0 for t in range(11)
    ]
    steps = replay_counts(list(range(4)), beta=Exponential(1.0, half_life=1))
    assert [s[4]["intrinsic_reward"] for s in steps] == [1.0, 0.5, 0.25]


def test_per_episode_counts_restart_with_each_episode():
    env = CountBonus(Replay([0, 1, 1, 1], spaces.Discrete(2)), per_episode=True)
    for _ in range(2):
        env.reset(seed=0)
        assert [env.step(0)[4]["count"] for _ in range(3)] == [1, 2, 3]
    glob = CountBonus(Replay([0, 1, 1, 1], spaces.Discrete(2)))
    glob.reset(seed=0)
    [glob.step(0) for _ in range(3)]
    glob.reset(seed=0)
    assert glob.step(0)[4]["count"] == 4


def test_minimontezuma_counts_its_cell():
    env = CountBonus(gym.make("rlx/MiniMontezumaFirstRoom-v0", sticky_action_prob=0.0))
    env.reset(seed=0)
    seen = Counter()
    for a in np.random.default_rng(0).integers(8, size=300).tolist():
        *_, terminated, truncated, info = env.step(a)
        seen[info["cell"]] += 1
        assert info["count"] == seen[info["cell"]]
        if terminated or truncated:
            env.reset()


def test_custom_key_discretises_continuous_observations():
    env = CountBonus(gym.make("CartPole-v1"), key=lambda obs, info: np.round(obs * 2).astype(int))
    env.reset(seed=0)
    assert env.step(0)[4]["count"] == 1


# -- vector twins --------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
def test_vector_counts_equal_one_stream_in_env_order(mode):
    envs = VectorCountBonus(
        gym.make_vec(
            "rlx/MiniMontezumaHazards-v0",
            num_envs=6,
            vectorization_mode="vector_entry_point",
            autoreset_mode=mode,
            lives=1,
            max_episode_steps=12,
        )
    )
    envs.reset(seed=3)
    reference = Counter()
    rng = np.random.default_rng(1)
    for _ in range(60):
        obs, reward, terminated, truncated, info = envs.step(rng.integers(8, size=6))
        cells = info["cell"].copy()
        done = terminated | truncated
        if mode == AutoresetMode.SAME_STEP and done.any():
            cells[done] = info["final_info"]["cell"][done]
        for i in range(6):
            if not info["_count"][i]:
                assert info["intrinsic_reward"][i] == 0.0
                continue
            reference[tuple(cells[i].tolist())] += 1
            assert info["count"][i] == reference[tuple(cells[i].tolist())]
    assert sum(reference.values()) > 300  # some steps were autoreset steps, most were not


def test_vector_hash_counts_equal_the_single_wrapper_on_the_same_stream():
    envs = VectorHashCountBonus(
        gym.make_vec(
            "rlx/MiniMontezumaFirstRoom-v0", num_envs=4, vectorization_mode="vector_entry_point"
        ),
        k=24,
    )
    obs, _ = envs.reset(seed=0)
    stream, figures = [obs[0]], []
    for a in np.random.default_rng(0).integers(8, size=(40, 4)):
        obs, _, _, _, info = envs.step(a)
        stream += list(obs)
        figures += list(info["count"])
    space = spaces.Box(0, 255, (128,), np.uint8)
    single = HashCountBonus(Replay(stream, space), k=24)
    single.reset(seed=0)
    assert [single.step(0)[4]["count"] for _ in stream[1:]] == figures


def test_hash_rows_is_python_tuple_hash():
    rows = np.random.default_rng(0).integers(-(2**62), 2**62, size=(300, 4))
    rows[:5] = [
        [-1, -2, 0, 1],
        [0, 0, 0, 0],
        [-1, -1, -1, -1],
        [2**61 - 1, 2**61, 5, 7],
        [1, 2, 3, 4],
    ]
    assert hash_rows(rows).tolist() == [hash(tuple(r)) for r in rows.tolist()]
    assert key_hash((1, 2, 3, 4)) == hash((1, 2, 3, 4)) == hash_rows(rows[4:5])[0]


def test_simhash_with_enough_bits_equals_exact_counts():
    """Orthogonal states (one-hot) share each bit with probability 1/2: 64 bits separate them."""
    rng = np.random.default_rng(0)
    states = rng.integers(0, 40, size=400).tolist()
    onehots = [np.eye(40, dtype=np.float32)[s] for s in states]
    env = HashCountBonus(Replay(onehots, spaces.Box(0, 1, (40,), np.float32)), k=64)
    env.reset(seed=0)
    seen = Counter()
    for s in states[1:]:
        seen[s] += 1
        assert env.step(0)[4]["count"] == seen[s]


def test_count_min_sketch_never_undercounts():
    est = SimHashCounts(k=64, table="sketch", sketch_width=64, sketch_depth=3)
    obs = np.eye(200, dtype=np.float32)[np.random.default_rng(0).integers(0, 200, size=1000)]
    figures, _ = est.observe(type("B", (), {"obs": obs})())
    exact, _ = SimHashCounts(k=64).observe(type("B", (), {"obs": obs})())
    assert np.all(figures >= exact) and np.any(figures > exact)


# -- saving, seeding -----------------------------------------------------------------------------
def run(env, actions):
    out = []
    for a in actions:
        *_, terminated, truncated, info = env.step(a)
        out.append((info["count"], info["intrinsic_reward"]))
        if terminated or truncated:
            env.reset()
    return out


@pytest.mark.parametrize("wrapper", [CountBonus, HashCountBonus])
def test_state_dict_and_pickle_round_trip_mid_run(wrapper):
    actions = np.random.default_rng(0).integers(8, size=400).tolist()
    env = wrapper(gym.make("rlx/MiniMontezumaFirstRoom-v0"), beta=0.3, normalize="std")
    env.reset(seed=0)
    run(env, actions[:200])
    clone = pickle.loads(pickle.dumps(env))
    # A fresh wrapper (around a copy of the env in the same state) loads the saved estimate.
    fresh = wrapper(copy.deepcopy(env.env), beta=0.3, normalize="std")
    fresh.load_state_dict(env.state_dict())
    fresh._prev = env._prev
    expected = run(env, actions[200:])
    assert run(clone, actions[200:]) == expected
    assert run(fresh, actions[200:]) == expected


def test_seeded_runs_are_identical():
    a = VectorHashCountBonus(
        gym.make_vec(
            "rlx/MiniMontezumaProcgen-v0", num_envs=3, vectorization_mode="vector_entry_point"
        ),
        seed=4,
    )
    b = VectorHashCountBonus(
        gym.make_vec(
            "rlx/MiniMontezumaProcgen-v0", num_envs=3, vectorization_mode="vector_entry_point"
        ),
        seed=4,
    )
    a.reset(seed=9)
    b.reset(seed=9)
    for act in np.random.default_rng(2).integers(8, size=(30, 3)):
        ra, rb = a.step(act), b.step(act)
        np.testing.assert_array_equal(ra[1], rb[1])
        np.testing.assert_array_equal(ra[4]["count"], rb[4]["count"])


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: CountBonus(gym.make("CartPole-v1")), ValueError, "Use HashCountBonus"),
        (
            lambda: CountBonus(gym.make("FrozenLake-v1"), beta=-1),
            ValueError,
            "beta must be a number >= 0",
        ),
        (lambda: CountBonus(gym.make("FrozenLake-v1"), beta="big"), TypeError, "beta must be"),
        (
            lambda: CountBonus(gym.make("FrozenLake-v1"), normalize="z"),
            ValueError,
            r"valid choices: \['max', 'none', 'std'\]",
        ),
        (
            lambda: CountBonus(gym.make("FrozenLake-v1"), form="sqrt"),
            ValueError,
            r"valid forms: \['mbie', 'beb', 'ucb'\]",
        ),
        (
            lambda: CountBonus(
                gym.make("Pendulum-v1"), count="state_action", key=lambda o, i: (0,)
            ),
            ValueError,
            "discrete actions",
        ),
        (lambda: HashCountBonus(gym.make("CartPole-v1"), k=0), ValueError, r"\[1, 4096\]"),
        (lambda: HashCountBonus(gym.make("CartPole-v1"), image=True), ValueError, "uint8 frames"),
        (lambda: Linear(1.0, 0.0, 0), ValueError, "Linear steps must be an integer >= 1"),
        (lambda: Exponential(1.0, half_life=0), ValueError, "half_life must be a number > 0"),
    ],
)
def test_bad_input_is_refused_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_exact_counts_alone():
    est = ExactCounts("beb")
    keys = np.array([5, 5, 7, 5], dtype=np.int64)
    figures, bonuses = est.observe(type("B", (), {"keys": keys, "actions": None})())
    assert figures.tolist() == [1, 2, 1, 3] and bonuses.tolist() == [1, 0.5, 1, 1 / 3]
