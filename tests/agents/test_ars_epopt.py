"""ARS V2-t (Mania et al. 2018) and EPOpt-epsilon on ARS (Rajeswaran et al. 2017); the
robustness claim built on them is tested in test_robustness.py."""

from __future__ import annotations

import doctest
import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from rlx_envs.agents import ars as ars_module
from rlx_envs.agents import epopt as epopt_module
from rlx_envs.agents.ars import ARS, filter_std
from rlx_envs.agents.base import Agent, run_episode
from rlx_envs.agents.epopt import EPOpt
from rlx_envs.core.running import RunningMeanVar


class Point(gym.Env):
    """1-D point: x' = x + gain * a, reward -x'^2, 5 steps; the best linear policy is a = -x.

    ``gain`` is its one physics parameter (EPOpt's interface: ``sample_parameters(rng)`` and
    ``set_parameters``); ``penalty`` adds ``-penalty * gain`` per step, so that with a large
    penalty the return is ranked by the gain alone; ``physics_matters=False`` ignores the gain.
    """

    observation_space = spaces.Box(-10.0, 10.0, (1,), np.float64)
    action_space = spaces.Box(-1.0, 1.0, (1,), np.float64)

    def __init__(self, physics_matters: bool = True, penalty: float = 0.0):
        self.physics_matters, self.penalty = physics_matters, penalty
        self.gain, self.pinned = 1.0, None

    def sample_parameters(self, rng=None):
        return {"gain": float((rng or np.random.default_rng()).uniform(0.5, 1.5))}

    def set_parameters(self, values):
        self.pinned = None if values is None else dict(values)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.gain = self.pinned["gain"] if self.pinned else 1.0
        self.x, self.t = float(self.np_random.uniform(-2.0, 2.0)), 0
        return np.array([self.x]), {}

    def step(self, action):
        gain = self.gain if self.physics_matters else 1.0
        self.x += gain * float(np.clip(action[0], -1.0, 1.0))
        self.t += 1
        reward = -(self.x**2) - self.penalty * self.gain
        return np.array([self.x]), reward, False, self.t >= 5, {}


class _Optimal:
    """The best policy of :class:`Point` at gain 1: a = -x."""

    def act(self, obs, greedy=False):
        return np.clip(-obs, -1.0, 1.0)


def evaluate(agent, env, episodes: int = 20) -> float:
    return float(
        np.mean([run_episode(env, agent, seed=1000 + i, learn=None)[0] for i in range(episodes)])
    )


def test_ars_learns_the_point_toward_the_known_optimum():
    env = Point()
    agent = ARS(n_directions=8, top_directions=4, step_size=0.05, noise=0.05)
    agent.reset(env.observation_space, env.action_space, seed=0)
    before = evaluate(agent, env)
    curve = agent.train(env, iterations=40)
    after = evaluate(agent, env)
    optimum = evaluate(_Optimal(), env)
    assert before < -5.0 and optimum > -1.0
    assert after > before + 0.8 * (optimum - before), (before, after, optimum)
    # The learned gain on the raw state is negative: push the point back to the origin.
    assert agent.weights[0, 0] / agent.std[0] < 0
    assert len(curve["returns"]) == 40 and curve["steps"][-1] == 40 * 16 * 5


def test_seeded_runs_are_identical_and_seeds_matter():
    def train(seed):
        agent = ARS(n_directions=4, top_directions=2)
        curve = agent.train(Point(), iterations=5, seed=seed)
        return agent.weights.copy(), curve["returns"]

    (w0, c0), (w1, c1), (w2, _) = train(3), train(3), train(4)
    np.testing.assert_array_equal(w0, w1)
    assert c0 == c1
    assert not np.array_equal(w0, w2)


def test_ars_speaks_the_agent_interface():
    env = gym.make("Pendulum-v1", max_episode_steps=10)
    agent = ARS()
    assert isinstance(agent, Agent)
    agent.reset(env.observation_space, env.action_space, seed=0)
    total, length, _ = run_episode(env, agent, seed=0)  # observe: a no-op
    assert length == 10 and math.isfinite(total)
    assert env.action_space.contains(
        agent.act(env.reset(seed=1)[0], greedy=True).astype(np.float32)
    )
    with pytest.raises(ValueError, match="seed"):
        ARS().train(env, iterations=1)


def test_running_mean_std_matches_numpy():
    data = np.random.default_rng(0).normal(3.0, 2.0, size=(500, 3))
    stats = RunningMeanVar(3)
    for chunk in np.array_split(data, 7):
        stats.add_batch(chunk)
    np.testing.assert_allclose(stats.mean, data.mean(axis=0))
    np.testing.assert_allclose(filter_std(stats), data.std(axis=0))


def _pair(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 1, 1)), rng.normal(size=(n, 2))


def test_epopt_with_epsilon_one_is_ars_on_the_same_draws():
    space = Point.observation_space
    ars, epopt = (
        ARS(n_directions=6, top_directions=3),
        EPOpt(n_directions=6, top_directions=3, epsilon=1.0),
    )
    for agent in (ars, epopt):
        agent.reset(space, Point.action_space, seed=0)
        agent.weights += 0.3
    deltas, returns = _pair()
    np.testing.assert_array_equal(ars.update(deltas, returns), epopt.update(deltas, returns))
    # Whole training runs, on an env whose return ignores the physics EPOpt pins: identical.
    ars.train(Point(physics_matters=False), iterations=6, seed=5)
    epopt.train(Point(physics_matters=False), iterations=6, seed=5)
    np.testing.assert_array_equal(ars.weights, epopt.weights)
    np.testing.assert_array_equal(ars.mean, epopt.mean)


def test_epopt_updates_on_the_worst_fraction_only():
    env = Point(penalty=1000.0)  # the return is ranked by the gain drawn: high gain, low return
    agent = EPOpt(n_directions=8, top_directions=8, epsilon=0.25)
    agent.reset(env.observation_space, env.action_space, seed=1)
    deltas = np.random.default_rng(1).standard_normal((8, 1, 1))  # the agent's first draws
    before = agent.weights.copy()
    seen = {}
    update = agent.update

    def spy(d, r, lengths=None):
        seen["returns"] = r.copy()
        return update(d, r, lengths)

    agent.update = spy
    agent.train(env, iterations=1)
    gains = np.array([draw["gain"] for draw in agent.draws])
    assert set(agent.kept) == set(np.argsort(gains)[-2:])  # ceil(0.25 * 8) = 2 worst models
    returns = seen["returns"]
    used = agent.kept
    diffs = returns[used, 0] - returns[used, 1]
    expected = before + agent.step_size / (2 * returns[used].std()) * np.tensordot(
        diffs, deltas[used], axes=1
    )
    np.testing.assert_allclose(agent.weights, expected)
    # The dropped pairs do not count: raising their returns changes nothing.
    agent.weights = before
    lifted = returns.copy()
    dropped = np.setdiff1d(np.arange(8), used)
    lifted[dropped] += np.arange(1.0, 1.0 + len(dropped))[:, None] * 10.0
    np.testing.assert_allclose(agent.update(deltas, lifted), expected)
    assert env.pinned is None  # unpinned after the iteration


def test_epopt_warm_start_keeps_every_pair():
    env = Point(penalty=1000.0)
    agent = EPOpt(n_directions=8, top_directions=4, epsilon=0.25, warm_start_iterations=1)
    agent.train(env, iterations=1, seed=0)
    assert agent.kept.size == 8
    agent.train(env, iterations=1)
    assert agent.kept.size == 2


def test_ars_update_with_lengths_runs_on_the_shifted_returns():
    agent = ARS(n_directions=6, top_directions=3, reward_shift=1.0)
    agent.reset(Point.observation_space, Point.action_space, seed=0)
    deltas, returns = _pair()
    lengths = np.random.default_rng(1).integers(1, 50, size=returns.shape).astype(float)
    np.testing.assert_array_equal(
        agent.update(deltas, returns, lengths), agent.update(deltas, returns - lengths)
    )


def test_epopt_ranks_models_by_unshifted_returns_and_updates_on_shifted():
    # Pair 0 falls at once (5 steps, return 5): the worst model by the env's return, though
    # its shifted return (0) is higher than pair 1's, which survives 100 steps and stands still.
    returns = np.array([[5.0, 5.0], [90.0, 92.0], [300.0, 310.0], [400.0, 405.0]])
    lengths = np.array([[5.0, 5.0], [100.0, 100.0], [200.0, 200.0], [250.0, 250.0]])
    agent = EPOpt(n_directions=4, top_directions=4, epsilon=0.25, reward_shift=1.0)
    agent.reset(Point.observation_space, Point.action_space, seed=0)
    deltas = np.random.default_rng(2).standard_normal((4, 1, 1))
    agent.update(deltas, returns, lengths)
    assert list(agent.kept) == [0]
    # Half the pairs kept: ARS's top-b then ranks them by the shifted returns.
    agent = EPOpt(n_directions=4, top_directions=1, epsilon=0.5, reward_shift=1.0)
    agent.reset(Point.observation_space, Point.action_space, seed=0)
    shifted = returns - lengths
    assert list(agent.select(returns, shifted)) == [0]  # shifted: 0 > -9 (unshifted: 5 < 91)
    assert list(agent.kept) == [0, 1]


@pytest.mark.parametrize("module", [ars_module, epopt_module])
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0
