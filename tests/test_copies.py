"""Copies that keep the episode: every registered env, pickled or deep-copied mid-episode,
continues exactly like the original under the same actions (MuJoCo envs included: simulation
state, time, the physics draw and the random generators), and its next reset is the same."""

from __future__ import annotations

import copy
import pickle

import gymnasium as gym
import numpy as np
import pytest

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.registration import ids


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("env_id", ids())
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copy_continues_the_episode_exactly(env_id, how):
    if env_id in ids("atari"):
        pytest.importorskip("ale_py", reason="the real game needs the atari extra")
    env = gym.make(env_id)
    env.reset(seed=3)
    env.action_space.seed(3)
    for _ in range(6):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            env.reset()
    twin = pickle.loads(pickle.dumps(env)) if how == "pickle" else copy.deepcopy(env)
    actions = [env.action_space.sample() for _ in range(12)]
    for t, action in enumerate(actions):
        expected, got = env.step(action), twin.step(action)
        assert _same(expected[0], got[0]), f"step {t}: observations differ"
        assert expected[1:4] == got[1:4], f"step {t}: reward/terminated/truncated differ"
        if expected[2] or expected[3]:
            break
    assert _same(env.reset()[0], twin.reset()[0]), "the next unseeded reset differs"
