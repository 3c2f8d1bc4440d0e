"""Snapshots of MiniMontezuma: get_state / set_state restore a game exactly, single and batched."""

from __future__ import annotations

import copy
import pickle

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.envs.minimontezuma import snapshot
from rlx_envs.envs.minimontezuma.snapshot import Snapshot

IDS = ["rlx/MiniMontezuma-v0", "rlx/MiniMontezumaFirstRoom-v0", "rlx/MiniMontezumaHazards-v0",
       "rlx/MiniMontezumaKeys-v0", "rlx/MiniMontezumaProcgen-v0"]  # fmt: skip
actions = st.lists(st.integers(0, 7), min_size=0, max_size=60)


def _run(env, plan):
    out = []
    for a in plan:
        obs, reward, terminated, truncated, info = env.step(a)
        out.append((obs.copy(), reward, terminated, info["cell"], info["lives"]))
        if terminated:
            break
    return out


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x[0], y[0])
        assert x[1:] == y[1:]


@settings(max_examples=15, deadline=None)
@given(env_id=st.sampled_from(IDS), seed=st.integers(0, 2**31 - 1), before=actions,
       after=actions.filter(len))  # fmt: skip
def test_a_snapshot_replays_the_future_in_the_same_and_in_a_fresh_env(env_id, seed, before, after):
    env = gym.make(env_id, sticky_action_prob=0.25, obs_mode="ram").unwrapped
    env.reset(seed=seed)
    _run(env, before)
    assume(env._state.lives > 0)  # a live game: the saved future has steps to compare
    saved = env.get_state()
    expected = _run(env, after)
    env.set_state(saved)
    _same(expected, _run(env, after))
    fresh = gym.make(env_id, sticky_action_prob=0.25, obs_mode="ram").unwrapped
    fresh.reset(seed=seed + 1)  # another episode, maybe another level: set_state replaces it
    fresh.set_state(pickle.loads(pickle.dumps(saved)))
    _same(expected, _run(fresh, after))


def test_snapshots_are_small_immutable_and_picklable():
    env = gym.make("rlx/MiniMontezuma-v0").unwrapped
    env.reset(seed=3)
    saved = env.get_state()
    assert isinstance(saved, Snapshot) and pickle.loads(pickle.dumps(saved)) == saved
    assert len(pickle.dumps(saved)) < 1_000
    with pytest.raises(AttributeError):  # immutable
        saved.score = 1.0
    assert copy.deepcopy(saved) == saved


@settings(max_examples=8, deadline=None)
@given(env_id=st.sampled_from(IDS), seed=st.integers(0, 2**31 - 1), before=actions,
       after=st.lists(st.integers(0, 7), min_size=1, max_size=40))  # fmt: skip
def test_a_batch_restores_a_subset_of_envs_in_one_call(env_id, seed, before, after):
    envs = gym.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    envs.reset(seed=seed)
    for a in before:
        envs.step(np.full(4, a))
    assume(not envs._autoreset.any())
    saved = envs.get_state(envs=[2, 0])
    plan = [np.full(4, a) for a in after]
    expected = [envs.step(a) for a in plan]
    envs.reset(seed=seed + 7)
    envs.set_state(saved, envs=[2, 0])
    got = [envs.step(a) for a in plan]
    for (obs_a, rew_a, term_a, _, info_a), (obs_b, rew_b, term_b, _, info_b) in zip(
        expected, got, strict=True
    ):
        for i in (0, 2):
            np.testing.assert_array_equal(obs_a[i], obs_b[i])
            assert rew_a[i] == rew_b[i] and term_a[i] == term_b[i]
            np.testing.assert_array_equal(info_a["cell"][i], info_b["cell"][i])


def test_single_and_batch_snapshots_are_the_same_kind():
    single = gym.make("rlx/MiniMontezumaProcgen-v0", num_levels=3).unwrapped
    single.reset(seed=4)
    for a in (2, 2, 5, 1):
        single.step(a)
    envs = gym.make_vec("rlx/MiniMontezumaProcgen-v0", num_envs=3, num_levels=3,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    envs.reset(seed=10)
    envs.set_state([single.get_state()], envs=[1])
    np.testing.assert_array_equal(envs.observation()[1], single.observation())
    back = gym.make("rlx/MiniMontezumaProcgen-v0", num_levels=3).unwrapped
    back.reset(seed=0)
    back.set_state(envs.get_state(envs=[1])[0])
    np.testing.assert_array_equal(back.observation(), single.observation())


def test_bad_snapshots_and_indices_are_refused():
    env = gym.make("rlx/MiniMontezumaFirstRoom-v0").unwrapped
    with pytest.raises(gym.error.ResetNeeded):
        env.get_state()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="Snapshot"):
        env.set_state({"room": 0})
    envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    envs.reset(seed=0)
    with pytest.raises(ValueError, match="distinct indices in \\[0, 2\\)"):
        envs.get_state(envs=[0, 2])
    with pytest.raises(ValueError, match="needs 2 Snapshot"):
        envs.set_state(envs.get_state(envs=[0]), envs=[0, 1])


@settings(max_examples=8, deadline=None)
@given(env_id=st.sampled_from(IDS), seed=st.integers(0, 2**31 - 1), before=actions,
       rows=st.permutations([0, 1, 2, 3]))  # fmt: skip
def test_a_table_of_snapshots_is_the_snapshots_a_row_each(env_id, seed, before, rows):
    envs = gym.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    envs.reset(seed=seed)
    for a in before:
        envs.step(np.full(4, a))
    table = envs.get_states(rows[:3])
    assert len(table) == 3 and table.fields.shape == (3, snapshot.WIDTH)
    assert table.as_tuple() == envs.get_state(rows[:3])
    assert [table[k] for k in range(3)] == list(envs.get_state(rows[:3]))
    assert snapshot.Snapshots.of(table.as_tuple()).as_tuple() == table.as_tuple()
    # Restoring the table and restoring its snapshots leave two batches in the same games.
    by_table = gym.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    by_tuple = gym.make_vec(env_id, num_envs=4, vectorization_mode="vector_entry_point")
    for other in (by_table, by_tuple):
        other.reset(seed=seed + 1)
    by_table.set_states(table[[2, 0, 1]], envs=[1, 3, 0])
    by_tuple.set_state([table[2], table[0], table[1]], envs=[1, 3, 0])
    assert by_table.get_state() == by_tuple.get_state()
    np.testing.assert_array_equal(by_table.observation(), by_tuple.observation())
    step = np.array([2, 5, 1, 3])
    for x, y in zip(by_table.step(step), by_tuple.step(step), strict=True):
        if isinstance(x, dict):
            np.testing.assert_array_equal(x["cell"], y["cell"])
        else:
            np.testing.assert_array_equal(x, y)


def test_bad_tables_are_refused_with_the_alternative_named():
    envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    with pytest.raises(gym.error.ResetNeeded):
        envs.get_states()
    envs.reset(seed=0)
    with pytest.raises(TypeError, match="Snapshots table from get_states.*set_state\\(\\)"):
        envs.set_states(envs.get_state(), envs=[0, 1])
    with pytest.raises(ValueError, match="needs 2 rows"):
        envs.set_states(envs.get_states([0]), envs=[0, 1])
    with pytest.raises(ValueError, match="distinct indices"):
        envs.set_states(envs.get_states(), envs=[1, 1])


def test_no_envs_give_an_empty_table_and_restore_nothing():
    envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    envs.reset(seed=0)
    before = envs.get_state()
    assert envs.get_state([]) == () and len(envs.get_states([])) == 0
    envs.set_state([], [])
    envs.set_states(envs.get_states([]), [])
    assert envs.get_state() == before
