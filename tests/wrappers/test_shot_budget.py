"""ShotBudget: shots are counted when episodes end, under every autoreset mode."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import rlx_envs  # noqa: F401
from rlx_envs.wrappers import ShotBudget, ShotBudgetExhausted, VectorShotBudget

EAST, WEST = 1, 3


def corridor(**kwargs):
    return gym.make("rlx/GridCorridor-v0", **kwargs)


def play_east(env):
    env.reset()
    for _ in range(6):
        info = env.step(EAST)[4]
    return info


def test_shots_are_counted_at_episode_ends_and_the_budget_stops_resets():
    env = ShotBudget(corridor(), max_shots=2)
    _, info = env.reset(seed=0)
    assert (info["shots_used"], info["shots_left"], info["budget_exhausted"]) == (0, 2, False)
    info = env.step(EAST)[4]
    assert info["shots_used"] == 0 and "shot" not in info
    for _ in range(5):
        info = env.step(EAST)[4]
    assert info["shot"].episode_return == 1.0 and info["shot"].length == 6
    assert info["shot"].success is True and info["shots_left"] == 1
    info = play_east(env)
    assert info["shots_used"] == 2 and info["budget_exhausted"] and env.budget_exhausted
    with pytest.raises(ShotBudgetExhausted, match="all 2 adaptation shots are used"):
        env.reset()
    assert [s.index for s in env.shots] == [0, 1]


def test_resets_are_not_shots_and_truncation_is_one():
    env = ShotBudget(corridor(max_episode_steps=3), max_shots=5)
    for _ in range(4):  # abandoned after one step: no attempt
        env.reset(seed=0)
        env.step(EAST)
    assert env.shots_used == 0
    env.reset()
    for _ in range(3):
        *_, truncated, info = env.step(WEST)
    assert truncated and info["shots_used"] == 1
    assert (env.shots[0].episode_return, env.shots[0].length, env.shots[0].success) == (0, 3, False)


def test_evaluation_episodes_are_counted_apart():
    env = ShotBudget(corridor(), max_shots=0, max_eval_episodes=2)
    with pytest.raises(ShotBudgetExhausted):
        env.reset(seed=0)  # zero-shot: no adaptation episode at all
    with env.evaluation():
        play_east(env)
        info = play_east(env)
        with pytest.raises(ShotBudgetExhausted, match="evaluation episodes"):
            env.reset()
    assert info["eval_episodes"] == 2 and env.shots_used == 0 and len(env.evaluations) == 2


@pytest.mark.parametrize("bad", [-1, 1.5, True, None])
def test_bad_budgets(bad):
    with pytest.raises(ValueError, match="max_shots must be an integer >= 0"):
        ShotBudget(corridor(), max_shots=bad)


def vector(mode, n=3):
    envs = gym.make_vec(
        "rlx/GridCorridor-v0",
        num_envs=n,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": mode},
    )
    return VectorShotBudget(envs, max_shots=4)


@pytest.mark.parametrize(
    ("mode", "ends"),
    [(AutoresetMode.NEXT_STEP, (6, 13, 20)), (AutoresetMode.SAME_STEP, (6, 12, 18))],
)
def test_vector_shots_under_autoreset(mode, ends):
    """Always EAST: every episode is 6 steps, return 1. NEXT_STEP spends a step on each reset."""
    envs = vector(mode)
    envs.reset(seed=0)
    for t in range(1, 21):
        _, _, terminated, truncated, info = envs.step(np.full(3, EAST))
        ended = terminated | truncated
        assert ended.all() == (t in ends) and (ended.any() == ended.all())
        np.testing.assert_array_equal(info["_shot_return"], ended)
        if t in ends:
            np.testing.assert_array_equal(info["shot_return"], [1.0, 1.0, 1.0])
            np.testing.assert_array_equal(info["shot_length"], [6, 6, 6])
    # 9 episodes ended, 3 at a time: 3, then 4 (the last shot) + 2 over budget, then 3 over.
    assert [s.over_budget for s in envs.shots] == [False] * 4 + [True] * 5
    assert [s.env for s in envs.shots] == [0, 1, 2] * 3
    assert envs.shots_used == 4 and envs.budget_exhausted and info["budget_exhausted"].all()
    assert all(s.episode_return == 1.0 and s.length == 6 for s in envs.shots)


def test_vector_shots_with_autoreset_disabled():
    envs = vector(AutoresetMode.DISABLED)
    envs.reset(seed=0)
    for _ in range(6):
        _, _, terminated, _, info = envs.step(np.full(3, EAST))
    assert terminated.all() and envs.shots_used == 3
    envs.reset(options={"reset_mask": np.array([True, False, True])})
    assert envs.shots_used == 3  # a reset is not a shot
    with envs.evaluation():
        envs.reset(options={"reset_mask": np.array([False, True, False])})
    for _ in range(6):
        info = envs.step(np.full(3, EAST))[4]
    assert envs.shots_used == 4 and [s.over_budget for s in envs.shots] == [False] * 4 + [True]
    assert len(envs.evaluations) == 1 and envs.evaluations[0].env == 1
    assert info["eval_episodes"][0] == 1


def test_vector_budget_never_raises_in_step():
    envs = vector(AutoresetMode.NEXT_STEP, n=2)
    envs.reset(seed=0)
    for _ in range(60):
        info = envs.step(np.full(2, EAST))[4]
    assert info["budget_exhausted"].all() and len(envs.shots) > 4
