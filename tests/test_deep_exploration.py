"""Bootstrapped Q-learning, the growth-fitting helpers and the deep-exploration claim."""

from __future__ import annotations

import doctest
import json
import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import rlx_envs  # noqa: F401
from rlx_envs.agents import bootstrapped_q
from rlx_envs.agents.base import run_episode
from rlx_envs.agents.bootstrapped_q import BootstrappedQ
from rlx_envs.validate.base import Result, Settings
from rlx_envs.validate.claims import deep_exploration as claim

DISCRETE = spaces.Discrete(5), spaces.Discrete(2)


def trained(seed: int, episodes: int = 30, length: int = 6) -> tuple[BootstrappedQ, list[int]]:
    env = gym.make("rlx/Chain-v0", length=length)
    agent = BootstrappedQ()
    agent.reset(env.observation_space, env.action_space, seed=seed)
    actions = []
    for _ in range(episodes):
        obs, _ = env.reset()
        done = False
        while not done:
            action = agent.act(obs)
            actions.append(action)
            next_obs, reward, terminated, truncated, _ = env.step(action)
            agent.observe(obs, action, reward, next_obs, terminated, truncated)
            obs, done = next_obs, terminated or truncated
    return agent, actions


# -- BootstrappedQ -------------------------------------------------------------------------------
def test_heads_start_from_different_priors_and_stay_different():
    agent = BootstrappedQ(heads=6, prior_scale=1.0)
    agent.reset(*DISCRETE, seed=0)
    values = agent.head_values(0)
    assert values.shape == (6, 2)
    assert len({tuple(row) for row in values.round(12)}) == 6
    agent, _ = trained(0)
    for row in agent.q.values():
        assert np.ptp(row, axis=0).max() > 1e-6  # the heads still disagree somewhere


def test_zero_prior_and_full_masks_make_identical_heads():
    agent = BootstrappedQ(heads=4, prior_scale=0.0, mask_probability=1.0)
    agent.reset(*DISCRETE, seed=0)
    for t in range(50):
        s, a = t % 4, t % 2
        agent.observe(s, a, float(s == 3), s + 1, s == 3, False)
    for row in agent.q.values():
        assert np.all(row == row[0])


def test_masks_follow_the_seed_and_p():
    def masks(seed, p=0.5, n=400):
        agent = BootstrappedQ(heads=8, mask_probability=p)
        agent.reset(*DISCRETE, seed=seed)
        out = []
        for t in range(n):
            agent.observe(t % 4, t % 2, 0.0, (t + 1) % 4, False, False)
            out.append(agent.last_mask.copy())
        return np.array(out)

    assert np.array_equal(masks(3), masks(3))
    assert not np.array_equal(masks(3), masks(4))
    assert abs(masks(5, p=0.3).mean() - 0.3) < 0.03
    assert masks(5, p=1.0).all() and not masks(5, p=0.0).any()


def test_only_masked_heads_learn():
    agent = BootstrappedQ(heads=10, alpha=0.5)
    agent.reset(*DISCRETE, seed=1)
    before = agent.head_values(0).copy()
    agent.head_values(1)
    agent.observe(0, 1, 1.0, 1, True, False)  # terminal: target = reward
    after = agent.head_values(0)
    mask = agent.last_mask
    assert 0 < mask.sum() < 10
    np.testing.assert_array_equal(after[~mask], before[~mask])
    np.testing.assert_array_equal(after[mask, 0], before[mask, 0])
    np.testing.assert_allclose(after[mask, 1], before[mask, 1] + 0.5 * (1.0 - before[mask, 1]))


def test_one_head_per_episode_resampled_at_episode_ends():
    env = gym.make("rlx/DeepSea-v0", size=6)
    agent = BootstrappedQ(heads=10)
    agent.reset(env.observation_space, env.action_space, seed=0)
    heads_of_episodes = []
    for _ in range(60):
        obs, _ = env.reset(seed=0)
        used = set()
        done = False
        while not done:
            used.add(agent.head)
            action = agent.act(obs)
            # the acting head's own greedy action (ties aside: priors are continuous)
            assert action == int(np.argmax(agent.head_values(obs)[agent.head]))
            next_obs, reward, terminated, truncated, _ = env.step(action)
            agent.observe(obs, action, reward, next_obs, terminated, truncated)
            obs, done = next_obs, terminated or truncated
        assert len(used) == 1  # kept for the whole episode
        heads_of_episodes.append(used.pop())
    assert agent.episodes == 60
    assert len(set(heads_of_episodes)) >= 8  # redrawn at the ends: most heads get episodes
    # the head changes only at an episode end, truncation included
    head = agent.head
    agent.observe(obs, 0, 0.0, obs, False, False)
    assert agent.head == head
    changed = 0
    for _ in range(20):
        head = agent.head
        agent.observe((0, 0), 0, 0.0, (1, 0), False, True)
        changed += agent.head != head
    assert changed >= 10


def test_seeded_determinism():
    a, actions_a = trained(7)
    b, actions_b = trained(7)
    c, actions_c = trained(8)
    assert actions_a == actions_b
    assert a.q.keys() == b.q.keys()
    for key in a.q:
        np.testing.assert_array_equal(a.q[key], b.q[key])
    assert actions_a != actions_c


def test_greedy_vote_and_mean():
    agent = BootstrappedQ(heads=3, evaluation="vote")
    agent.reset(*DISCRETE, seed=0)
    # two heads prefer action 0 by a little, one prefers action 1 by a lot
    agent.q[(0,)] = np.array([[1.0, 0.9], [1.0, 0.9], [0.0, 5.0]])
    assert agent.act(0, greedy=True) == 0
    agent.evaluation = "mean"
    assert agent.act(0, greedy=True) == 1


@pytest.mark.parametrize("seed", range(4))
def test_solves_a_short_chain(seed):
    env = gym.make("rlx/Chain-v0", length=5)
    agent = BootstrappedQ()
    agent.reset(env.observation_space, env.action_space, seed=seed)
    for _ in range(200):
        run_episode(env, agent)
    for evaluation in ("vote", "mean"):
        agent.evaluation = evaluation
        total, length, _ = run_episode(env, agent, learn=None, greedy=True)
        assert (total, length) == (12.0, 14)  # always right: sN on step 3, held 11 steps


@pytest.mark.parametrize(
    "kwargs",
    [{"heads": 0}, {"mask_probability": 1.5}, {"prior_scale": -1.0}, {"evaluation": "max"}],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        BootstrappedQ(**kwargs)
    with pytest.raises(ValueError, match="Discrete"):
        BootstrappedQ().reset(DISCRETE[0], spaces.Box(0, 1, (2,)), seed=0)


# -- growth fits ---------------------------------------------------------------------------------
def test_fit_growth_exact_on_exponential_and_power_law():
    n = np.array([3, 4, 6, 9, 12])
    assert math.isclose(claim.fit_growth(n, 2.5 * np.exp(0.7 * n)), 0.7, rel_tol=1e-12)
    assert math.isclose(claim.fit_growth(n, 4.0 * n**2.5, "polynomial"), 2.5, rel_tol=1e-12)
    assert math.isclose(claim.fit_r2(n, 2.5 * np.exp(0.7 * n)), 1.0, rel_tol=1e-12)
    assert math.isclose(claim.fit_r2(n, 4.0 * n**2.5, "polynomial"), 1.0, rel_tol=1e-12)
    # an exponential fitted as a power law (and the reverse) is not a straight line
    assert claim.fit_r2(n, np.exp(0.7 * n), "polynomial") < 1 - 1e-3
    # seeds with their own constant factor: the slope is the same, the CI collapses on it
    seeds = np.array([[1.0], [3.0], [0.5]]) * np.exp(0.7 * n)
    assert math.isclose(claim.fit_growth(n, seeds), 0.7, rel_tol=1e-12)
    low, high = claim.growth_ci(n, np.exp(0.7 * n)[None].repeat(4, axis=0), reps=200, seed=0)
    assert math.isclose(low, 0.7, rel_tol=1e-9) and math.isclose(high, 0.7, rel_tol=1e-9)


def test_growth_ci_is_seeded_and_covers_the_fit():
    rng = np.random.default_rng(0)
    n = np.arange(4, 11)
    episodes = np.exp(0.5 * n + rng.normal(0, 0.5, (10, n.size)))
    low, high = claim.growth_ci(n, episodes, reps=500, seed=3)
    assert (low, high) == claim.growth_ci(n, episodes, reps=500, seed=3)
    assert low < claim.fit_growth(n, episodes) < high


def test_censoring_at_the_cap_is_kept():
    assert claim.censored(5, 100) == 5
    assert claim.censored(None, 100) == 100
    with pytest.raises(ValueError):
        claim.censored(101, 100)
    n = np.array([2, 3, 4])
    # runs that never reached the reward count at the cap and lower the slope, never vanish
    table = np.array([[10, 100, 1000], [10, 100, claim.censored(None, 200)]])
    assert math.isclose(claim.fit_growth(n, table), (np.log(1000 * 200) / 2 - np.log(10)) / 2)


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError):
        claim.fit_growth([3, 3], [1, 2])
    with pytest.raises(ValueError):
        claim.fit_growth([2, 3], [0, 2])
    with pytest.raises(ValueError):
        claim.fit_growth([2, 3, 4], [1, 2])
    with pytest.raises(ValueError):
        claim.fit_growth([2, 3], [1, 2], "linear")


def test_first_far_reward():
    first, steps = claim.first_far_reward("deep-sea", 3, "bootstrapped", 0, 0, cap=500)
    assert first is not None and 1 <= first <= 500 and steps == 3 * first
    # count-bonus rewards are positive everywhere, but only the extrinsic treasure counts
    first, steps = claim.first_far_reward("deep-sea", 12, "count-bonus", 0, 0, cap=2)
    assert first is None and steps == 24


# -- the claim end to end ------------------------------------------------------------------------
TINY = {"sizes": {"chain": (4, 5, 6), "deep-sea": (2, 3, 4)}, "extra_sizes": {"chain": (8,)}}


def test_claim_runs_end_to_end(tmp_path):
    settings = Settings(quick=True, seeds=2, workers=1, out=tmp_path, seed=0)
    result = claim.run(settings, cap=30, **TINY)
    assert isinstance(result, Result)
    assert math.isfinite(result.value)
    assert all(math.isfinite(x) for x in result.ci) and result.ci[0] <= result.ci[1]
    assert isinstance(result.passed, bool)
    details = json.loads((tmp_path / "details.json").read_text())
    # every run kept: 2 envs x 3 methods x 3 sizes x 2 seeds, + the extra chain size, directed
    assert len(details["runs"]) == 36 + 2 * 2
    for d in details["per_env"].values():
        for method in claim.METHODS:
            episodes = np.array(d[method]["episodes"])
            assert episodes.shape == (2, len(d[method]["sizes"]))
            assert episodes.min() >= 1 and episodes.max() <= 30
            fits = d[method]["fits"]
            assert all(math.isfinite(fits[s]["slope"]) for s in claim.SCALES)
    never = [r for r in details["runs"] if r["first"] is None]
    for r in never:  # censored at the cap
        d = details["per_env"][r["env"]][r["method"]]
        assert d["episodes"][r["seed_index"]][d["sizes"].index(r["size"])] == 30
    assert details["per_env"]["chain"]["bootstrapped"]["sizes"] == [4, 5, 6, 8]
    assert details["per_env"]["chain"]["epsilon-greedy"]["sizes"] == [4, 5, 6]
    for path in result.plots:
        assert path.exists()
    # the same seeds give the same figures in parallel
    again = claim.run(
        Settings(quick=True, seeds=2, workers=2, out=tmp_path / "again", seed=0), cap=30, **TINY
    )
    assert (again.value, again.ci) == (result.value, result.ci)


def test_claim_is_registered():
    from rlx_envs.validate.runner import load

    module = load("deep-exploration")
    assert module.NAME == "deep-exploration"
    assert module.STATEMENT and module.RULE


@pytest.mark.parametrize("module", [bootstrapped_q, claim])
def test_docstring_examples(module):
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0
