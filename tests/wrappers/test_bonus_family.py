"""Every bonus wrapper and its vector twin: one stream, the same bonuses; saving; finiteness."""

import copy
import pickle

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import rlx_envs  # noqa: F401
from rlx_envs import wrappers as W

SMALL = {"features": 16, "hidden": (16,)}
#: (single, vector, obs_mode, kwargs): small networks keep the tests fast.
FAMILY = [
    (W.CountBonus, W.VectorCountBonus, "ram", {}),
    (W.CountBonus, W.VectorCountBonus, "ram", {"count": "state_action", "form": "ucb"}),
    (W.HashCountBonus, W.VectorHashCountBonus, "ram", {"k": 32, "normalize": "std"}),
    (W.HashCountBonus, W.VectorHashCountBonus, "pixels", {"k": 16, "table": "sketch"}),
    (W.PseudoCountBonus, W.VectorPseudoCountBonus, "symbolic", {}),
    (W.PseudoCountBonus, W.VectorPseudoCountBonus, "ram", {"model": "empirical"}),
    (W.PredictionGainBonus, W.VectorPredictionGainBonus, "symbolic", {"c": 0.5}),
    (W.ModelErrorBonus, W.VectorModelErrorBonus, "ram", SMALL),
    (W.RNDBonus, W.VectorRNDBonus, "ram", SMALL),
    (W.InfoGainBonus, W.VectorInfoGainBonus, "ram", {"features": 16, "hidden": (8,)}),
]
IDS = [f"{s.__name__}-{mode}-{i}" for i, (s, _, mode, _) in enumerate(FAMILY)]
ENV = "rlx/MiniMontezumaHazards-v0"


class OneStepReplay(gym.Env):
    """Replays transitions, one per episode: reset gives s, step gives s' (and its cell)."""

    def __init__(self, transitions, observation_space):
        self.transitions, self.i = transitions, -1
        self.observation_space, self.action_space = observation_space, spaces.Discrete(8)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.i += 1
        return self.transitions[self.i][0], {}

    def step(self, action):
        _, a, reached, cell = self.transitions[self.i]
        assert action == a
        return reached, 0.0, True, False, {"cell": cell}


@pytest.mark.parametrize(("single", "vector", "mode", "kwargs"), FAMILY, ids=IDS)
def test_vector_twin_equals_the_single_wrapper_on_the_same_stream(single, vector, mode, kwargs):
    vec = gym.make_vec(ENV, num_envs=3, vectorization_mode="vector_entry_point", obs_mode=mode,
                       lives=1, max_episode_steps=9)  # fmt: skip
    envs = vector(vec, beta=0.5, **kwargs)
    prev, _ = envs.reset(seed=1)
    transitions, expected = [], []
    for actions in np.random.default_rng(0).integers(8, size=(25, 3)):
        obs, _, _, _, info = envs.step(actions)
        for i in np.flatnonzero(info["_intrinsic_reward"]):
            transitions.append((prev[i], int(actions[i]), obs[i], tuple(info["cell"][i].tolist())))
            expected.append(info["intrinsic_reward"][i])
        prev = obs
    assert len(transitions) > 50
    env = single(OneStepReplay(transitions, envs.single_observation_space), beta=0.5, **kwargs)
    got = []
    for _, action, _, _ in transitions:
        env.reset()
        got.append(env.step(action)[4]["intrinsic_reward"])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def _run(env, actions):
    out = []
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        out.append(info["intrinsic_reward"])
        if terminated or truncated:
            env.reset()
    return out


@pytest.mark.parametrize(("single", "vector", "mode", "kwargs"), FAMILY, ids=IDS)
def test_save_or_pickle_mid_run_and_continue_identically(single, vector, mode, kwargs):
    actions = np.random.default_rng(3).integers(8, size=120).tolist()
    env = single(gym.make(ENV, obs_mode=mode), beta=0.5, **kwargs)
    env.reset(seed=0)
    _run(env, actions[:60])
    fresh = single(copy.deepcopy(env.env), beta=0.5, **kwargs)
    fresh.load_state_dict(copy.deepcopy(env.state_dict()))
    fresh._prev = env._prev
    clone = pickle.loads(pickle.dumps(env))
    expected = _run(env, actions[60:])
    assert _run(fresh, actions[60:]) == expected
    assert _run(clone, actions[60:]) == expected
    assert all(np.isfinite(expected)) and min(expected) >= 0


@pytest.mark.parametrize(("single", "vector", "mode", "kwargs"), FAMILY, ids=IDS)
def test_seeded_runs_are_identical_and_finite(single, vector, mode, kwargs):
    def rollout():
        envs = vector(gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point",
                                   obs_mode=mode), **kwargs)  # fmt: skip
        envs.reset(seed=4)
        rewards = [envs.step(a)[1] for a in np.random.default_rng(5).integers(8, size=(40, 2))]
        return np.array(rewards)

    a, b = rollout(), rollout()
    np.testing.assert_array_equal(a, b)
    assert np.all(np.isfinite(a))


class Walk(gym.Env):
    """Plays back a list of small-int states as (1,) int observations, in one episode."""

    def __init__(self, states):
        self.states, self.i = states, 0
        self.observation_space = spaces.Box(0, 9, (1,), np.int64)
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.i = 0
        return np.array([self.states[0]]), {}

    def step(self, action):
        self.i += 1
        return np.array([self.states[self.i]]), 0.0, False, False, {}


def test_one_counting_convention_across_the_family():
    """Every count counts the current visit: the k-th visit of a state has count k and bonus
    beta / sqrt(k) (MBIE-EB; #Exploration's Algorithm 1), for exact counts and for the
    empirical pseudo-count alike (N_hat + 1); a prediction-gain count starts at 1 too."""
    states = [0, 3, 3, 5, 3, 5, 0, 3]
    visits, by_hand = {}, []
    for s in states[1:]:
        visits[s] = visits.get(s, 0) + 1
        by_hand.append(visits[s])
    assert by_hand == [1, 2, 1, 3, 2, 1, 4]
    for wrapper, kwargs in [(W.CountBonus, {}), (W.PseudoCountBonus, {"model": "empirical"})]:
        env = wrapper(Walk(states), beta=0.5, **kwargs)
        env.reset(seed=0)
        infos = [env.step(0)[4] for _ in states[1:]]
        figure = "count" if wrapper is W.CountBonus else "pseudo_count"
        np.testing.assert_allclose([i[figure] for i in infos], by_hand, rtol=1e-9)
        np.testing.assert_allclose(
            [i["intrinsic_reward"] for i in infos], 0.5 / np.sqrt(by_hand), rtol=1e-9
        )
    env = W.PredictionGainBonus(Walk(states), beta=0.5, model="empirical")
    env.reset(seed=0)
    infos = [env.step(0)[4] for _ in states[1:]]
    first = [k == 1 for k in by_hand]
    assert [i["pseudo_count"] for i, f in zip(infos, first, strict=True) if f] == [1.0, 1.0, 1.0]
    assert all(i["pseudo_count"] > 1 for i, f in zip(infos, first, strict=True) if not f)
