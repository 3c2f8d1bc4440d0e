"""Per-env bonuses (``per_env=True``): env i of a vector env is an independent run.

The known answer: env i's bonuses and figures are exactly those of the single-env wrapper (same
arguments) on env i's own stream, N single envs seeded s + i played with the same actions, over
hundreds of steps through deaths, time limits and both autoreset modes. Then the array
estimators alone (per-env exact counts, per-env normalisers), saving, and the errors.
"""

import copy
import math
import pickle
from collections import Counter

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from hypothesis import given
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs import wrappers as W
from rlx_envs.estimators.base import Batch
from rlx_envs.estimators.counts import ExactCounts
from rlx_envs.estimators.keys import hash_rows
from rlx_envs.estimators.schedules import Exponential, Linear, make_normaliser

ENV = "rlx/MiniMontezumaFirstRoom-v0"
N = 4
#: lives=1 and a short time limit: episodes end (deaths, truncations) at different steps.
ENV_KWARGS = {"obs_mode": "symbolic", "lives": 1, "max_episode_steps": 60}
#: (single, vector, kwargs): the bonuses with a per-env estimator, with schedules and normalisers.
CASES = [
    (W.CountBonus, W.VectorCountBonus, {}),
    (
        W.CountBonus,
        W.VectorCountBonus,
        {"count": "state_action", "form": "ucb", "normalize": "std", "beta": Linear(1, 0.1, 500)},
    ),
    (W.CountBonus, W.VectorCountBonus, {"form": "beb", "per_episode": True, "normalize": "max"}),
    (W.PseudoCountBonus, W.VectorPseudoCountBonus, {}),
    (
        W.PseudoCountBonus,
        W.VectorPseudoCountBonus,
        {"normalize": "max", "beta": Exponential(0.5, half_life=200)},
    ),
    (W.PredictionGainBonus, W.VectorPredictionGainBonus, {"c": 0.5, "normalize": "std"}),
    (W.HashCountBonus, W.VectorHashCountBonus, {"k": 16}),
    (W.HashCountBonus, W.VectorHashCountBonus, {"form": "ucb", "k": 32}),
]
IDS = [f"{v.__name__}-{i}" for i, (_, v, _) in enumerate(CASES)]


def play_side_by_side(single, vector, kwargs, mode, steps=300, seed=7):
    """Step the per-env vector wrapper and N single wrappers; return both reports per env."""
    envs = vector(
        gym.make_vec(ENV, num_envs=N, vectorization_mode="vector_entry_point",
                     autoreset_mode=mode, **ENV_KWARGS),
        per_env=True,
        **kwargs,
    )  # fmt: skip
    singles = [single(gym.make(ENV, **ENV_KWARGS), **kwargs) for _ in range(N)]
    envs.reset(seed=seed)
    for i, env in enumerate(singles):
        env.reset(seed=seed + i)
    figure = envs.estimator.figure
    got, expected, ends = [], [], 0
    resetting = np.zeros(N, bool)
    for actions in np.random.default_rng(0).integers(8, size=(steps, N)):
        _, _, terminated, truncated, info = envs.step(actions)
        for i, env in enumerate(singles):
            if resetting[i]:  # NEXT_STEP: this step only reset env i, no transition, no bonus
                assert not info["_intrinsic_reward"][i] and info["intrinsic_reward"][i] == 0
                env.reset()
                continue
            *_, done_one, cut_one, single_info = env.step(int(actions[i]))
            expected.append((single_info["intrinsic_reward"], single_info[figure]))
            got.append((info["intrinsic_reward"][i], info[figure][i]))
            assert info["_intrinsic_reward"][i]
            assert (done_one, cut_one) == (terminated[i], truncated[i])
            if (done_one or cut_one) and mode == AutoresetMode.SAME_STEP:
                env.reset()
        done = terminated | truncated
        ends += int(done.sum())
        resetting = done if mode == AutoresetMode.NEXT_STEP else np.zeros(N, bool)
    return np.array(got), np.array(expected), ends


@pytest.mark.parametrize("mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
@pytest.mark.parametrize(("single", "vector", "kwargs"), CASES, ids=IDS)
def test_each_env_gets_what_the_single_wrapper_gives_on_its_own_stream(
    single, vector, kwargs, mode
):
    got, expected, ends = play_side_by_side(single, vector, kwargs, mode)
    assert ends >= 20 and len(got) > 1000  # many episodes ended; most steps were transitions
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_per_env_counts_by_hand_and_shared_counts_leak():
    """Per env: env i's count of a cell is how often env i reached it; shared: all envs' sum."""
    make = lambda: gym.make_vec(ENV, num_envs=N, vectorization_mode="vector_entry_point")  # noqa: E731
    per_env, shared = W.VectorCountBonus(make(), per_env=True), W.VectorCountBonus(make())
    per_env.reset(seed=0)
    shared.reset(seed=0)
    own, pooled = [Counter() for _ in range(N)], Counter()
    for actions in np.random.default_rng(1).integers(8, size=(200, N)):
        info = per_env.step(actions)[4]
        shared_info = shared.step(actions)[4]
        for i in np.flatnonzero(info["_count"]):
            cell = tuple(info["cell"][i].tolist())
            own[i][cell] += 1
            pooled[cell] += 1
            assert info["count"][i] == own[i][cell]
            assert shared_info["count"][i] == pooled[cell]
            assert info["intrinsic_reward"][i] == pytest.approx(0.1 / math.sqrt(own[i][cell]))
    assert sum(pooled.values()) > sum(max(c.values()) for c in own)  # the pools did differ


def test_per_env_schedule_follows_each_envs_own_steps():
    envs = W.VectorCountBonus(
        gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point"),
        beta=Linear(1.0, 0.0, 10),
        per_env=True,
    )
    envs.reset(seed=0)
    for _ in range(3):
        envs.step(np.zeros(2, np.int64))
    np.testing.assert_allclose(envs.beta, [0.7, 0.7])  # 3 steps each, not the batch's 6


# -- the array estimators alone ------------------------------------------------------------------
streams = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4), st.integers(0, 1)), max_size=60)


@given(streams, st.sampled_from(["mbie", "beb", "ucb"]), st.sampled_from(["state", "state_action"]))
def test_per_env_exact_counts_equal_lone_counts_per_stream(transitions, form, count):
    """Any batch (an env may appear twice) gives each stream what a lone ExactCounts gives."""
    per_env, lone = ExactCounts(form, count, envs=3), [ExactCounts(form, count) for _ in range(3)]
    envs, keys, actions = np.array(transitions, np.int64).reshape(-1, 3).T
    keys = hash_rows(keys[:, None])
    for start in range(0, len(envs), 7):  # batches of 7, crossing envs
        part = slice(start, start + 7)
        figure, bonus = per_env.observe(
            Batch(obs=None, keys=keys[part], actions=actions[part, None], envs=envs[part])
        )
        for j, i in enumerate(envs[part].tolist()):
            f, b = lone[i].observe(
                Batch(obs=None, keys=keys[part][j : j + 1], actions=actions[part][j : j + 1, None])
            )
            assert figure[j] == f[0] and bonus[j] == pytest.approx(b[0], rel=1e-12)
    assert per_env.totals.tolist() == [e.table.total for e in lone]


@given(
    st.lists(st.tuples(st.integers(0, 2), st.floats(0, 10)), max_size=50),
    st.sampled_from(["none", "std", "max"]),
)
def test_per_env_normalisers_equal_lone_normalisers(values, name):
    per_env, lone = make_normaliser(name, envs=3), [make_normaliser(name) for _ in range(3)]
    envs = np.array([e for e, _ in values], np.int64)
    x = np.array([v for _, v in values], np.float64)
    out = per_env.many(x, envs)
    np.testing.assert_array_equal(out, [lone[e].one(v) for e, v in values])


def test_per_env_exact_counts_need_env_indices():
    with pytest.raises(ValueError, match="envs="):
        ExactCounts(envs=2).observe(Batch(obs=None, keys=np.array([1])))
    with pytest.raises(ValueError, match=r"indices in 0\.\.1"):
        ExactCounts(envs=2).observe(Batch(obs=None, keys=np.array([1]), envs=np.array([2])))
    with pytest.raises(ValueError, match=r"envs \(streams\) must be an integer >= 1"):
        ExactCounts(envs=0)


# -- saving, repr, errors --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vector", "kwargs"),
    [(W.VectorCountBonus, {"normalize": "std"}), (W.VectorPseudoCountBonus, {})],
)
def test_per_env_state_dict_and_pickle_continue_identically(vector, kwargs):
    def make():
        vec = gym.make_vec(ENV, num_envs=3, vectorization_mode="vector_entry_point", **ENV_KWARGS)
        return vector(vec, per_env=True, **kwargs)

    def run(envs, actions):
        return [envs.step(a)[4]["intrinsic_reward"].tolist() for a in actions]

    actions = np.random.default_rng(2).integers(8, size=(80, 3))
    envs = make()
    envs.reset(seed=0)
    run(envs, actions[:40])
    clone = pickle.loads(pickle.dumps(envs))
    fresh = make()
    fresh.env = copy.deepcopy(envs.env)
    fresh.load_state_dict(copy.deepcopy(envs.state_dict()))
    fresh._prev, fresh._resetting = envs._prev, envs._resetting.copy()
    expected = run(envs, actions[40:])
    assert run(clone, actions[40:]) == expected
    assert run(fresh, actions[40:]) == expected
    shared = vector(gym.make_vec(ENV, num_envs=3, vectorization_mode="vector_entry_point",
                                 **ENV_KWARGS), **kwargs)  # fmt: skip
    with pytest.raises(ValueError, match="per_env"):
        shared.load_state_dict(envs.state_dict())


def test_repr_and_recorded_arguments_say_per_env():
    envs = W.VectorPseudoCountBonus(
        gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point", obs_mode="symbolic"),
        per_env=True,
    )
    assert repr(envs).startswith(
        "<VectorPseudoCountBonus(per_env=True, estimator=PseudoCounts(BatchedCTSDensity(2 models, "
    )
    assert envs._saved_kwargs["per_env"] is True
    assert "per_env=False" in repr(
        W.VectorCountBonus(gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point"))
    )


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda v: W.VectorRNDBonus(v, per_env=True), ValueError, "supported by VectorCountBonus"),
        (lambda v: W.VectorModelErrorBonus(v, per_env=True), ValueError, "no per-env estimator"),
        (
            lambda v: W.VectorHashCountBonus(v, per_env=True, table="sketch"),
            ValueError,
            "need table='exact'",
        ),
        (lambda v: W.VectorInfoGainBonus(v, per_env=True), ValueError, "VectorPseudoCountBonus"),
        (
            lambda v: W.VectorPseudoCountBonus(v, model="empirical", per_env=True),
            ValueError,
            "per_env=True needs model='cts'",
        ),
        (lambda v: W.VectorCountBonus(v, per_env="yes"), TypeError, "True or False"),
    ],
)
def test_bonuses_without_a_per_env_estimator_say_which_have_one(make, error, message):
    vec = gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point", obs_mode="ram")
    with pytest.raises(error, match=message):
        make(vec)


def test_per_episode_with_per_env_takes_any_bonus():
    """Per-episode estimates are one object per env already: any bonus takes per_env then."""
    envs = W.VectorRNDBonus(
        gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point", obs_mode="ram"),
        per_env=True,
        per_episode=True,
        features=8,
        hidden=(8,),
    )
    envs.reset(seed=0)
    assert np.isfinite(envs.step(np.zeros(2, np.int64))[4]["intrinsic_reward"]).all()


@pytest.mark.parametrize(
    ("vector", "per_env"),
    [
        (W.VectorCountBonus, False),
        (W.VectorCountBonus, True),
        (W.VectorHashCountBonus, False),
        (W.VectorPseudoCountBonus, False),
        (W.VectorPseudoCountBonus, True),
    ],
)
def test_a_step_where_every_env_only_resets_earns_nothing(vector, per_env):
    """All envs hit the time limit together: the next step (NEXT_STEP autoreset) observes none."""
    vec = gym.make_vec(ENV, num_envs=2, vectorization_mode="vector_entry_point",
                       obs_mode="symbolic", max_episode_steps=3)  # fmt: skip
    envs = vector(vec, per_env=per_env)
    envs.reset(seed=0)
    masks = [envs.step(np.zeros(2, np.int64))[4]["_intrinsic_reward"].tolist() for _ in range(5)]
    assert masks == [[True, True]] * 3 + [[False, False]] + [[True, True]]
