"""The tabular agents: Q-learning, soft Q, bootstrapped Q; one seed or many seeds at once."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from hypothesis import given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs.agents import QLearning, SoftQLearning
from rlx_envs.agents.base import run_episode
from rlx_envs.agents.bootstrapped_q import BootstrappedQ
from rlx_envs.agents.keyed import normal, seed_keys, uniform
from rlx_envs.agents.tabular import argmax_ties

DISCRETE = spaces.Discrete(5), spaces.Discrete(2)
AGENTS = {
    "q": lambda: QLearning(epsilon=0.3),
    "optimistic-q": lambda: QLearning(epsilon=0.05, initial_q=2.0),
    "soft-q": lambda: SoftQLearning(temperature=0.5),
    "bootstrapped-q": lambda: BootstrappedQ(heads=5),
}


def single_run(make, env_id, seed, steps, **kwargs):
    """One agent with one seed on one env: its actions and its final table."""
    env = gym.make(env_id, **kwargs)
    agent = make()
    agent.reset(env.observation_space, env.action_space, seed)
    obs, _ = env.reset(seed=seed)
    actions = []
    for _ in range(steps):
        action = agent.act(obs)
        next_obs, reward, terminated, truncated, _ = env.step(action)
        agent.observe(obs, action, reward, next_obs, terminated, truncated)
        actions.append(action)
        obs = env.reset()[0] if terminated or truncated else next_obs
    return np.array(actions), agent.table.of_env(0, "q")


def batch_run(make, env_id, seeds, steps, **kwargs):
    """One agent over many seeds on a list of single envs stepped in lockstep."""
    envs = [gym.make(env_id, **kwargs) for _ in seeds]
    agent = make()
    agent.reset_batch(envs[0].observation_space, envs[0].action_space, seeds)
    obs = np.stack([np.asarray(e.reset(seed=s)[0]) for e, s in zip(envs, seeds, strict=True)])
    actions = []
    for _ in range(steps):
        a = agent.act_batch(obs)
        out = [e.step(int(x)) for e, x in zip(envs, a, strict=True)]
        nxt = np.stack([np.asarray(o[0]) for o in out])
        rewards = np.array([o[1] for o in out])
        terminated = np.array([o[2] for o in out])
        truncated = np.array([o[3] for o in out])
        agent.observe_batch(obs, a, rewards, nxt, terminated, truncated)
        actions.append(a)
        obs = np.stack([
            np.asarray(e.reset()[0]) if (o[2] or o[3]) else np.asarray(o[0])
            for e, o in zip(envs, out, strict=True)
        ])  # fmt: skip
    return np.array(actions), agent


@pytest.mark.parametrize("name", AGENTS)
@pytest.mark.parametrize(
    "env_id, kwargs", [("rlx/DeepSea-v0", {"size": 5}), ("rlx/GridRoom-v0", {})]
)
def test_seed_i_of_a_batch_is_the_single_agent_with_seed_i(name, env_id, kwargs):
    seeds = [3, 0, 11]
    batch_actions, agent = batch_run(AGENTS[name], env_id, seeds, 400, **kwargs)
    for i, seed in enumerate(seeds):
        actions, table = single_run(AGENTS[name], env_id, seed, 400, **kwargs)
        np.testing.assert_array_equal(batch_actions[:, i], actions)  # the whole trajectory
        mine = agent.table.of_env(i, "q")
        assert mine.keys() == table.keys()  # the same states met
        for state, values in table.items():
            np.testing.assert_array_equal(mine[state], values)  # bit for bit


def test_batch_on_a_native_vector_env_matches_single_agents():
    """MiniMontezuma's vector env: env i is the single env seeded s + i; so is the agent."""
    envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=3,
                        vectorization_mode="vector_entry_point")  # fmt: skip
    agent = QLearning(epsilon=0.2, initial_q=1.0)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, [5, 6, 7])
    obs, _ = envs.reset(seed=5)
    actions, resetting = [], np.zeros(3, bool)
    while len(actions) < 400:
        active = ~resetting  # NEXT_STEP autoreset: a finished env's next step only resets it
        a = agent.act_batch(obs, active=active)
        nxt, r, te, tr, _ = envs.step(a)
        agent.observe_batch(obs, a, r, nxt, te, tr, active=active)
        actions.append(np.where(active, a, -1))
        obs, resetting = nxt, te | tr
    actions = np.array(actions)
    assert resetting.any() or (actions == -1).any()  # episodes ended on the way
    for i, seed in enumerate([5, 6, 7]):
        taken = actions[actions[:, i] >= 0, i]
        single, table = single_run(
            lambda: QLearning(epsilon=0.2, initial_q=1.0), "rlx/MiniMontezumaFirstRoom-v0",
            seed, len(taken),
        )  # fmt: skip
        np.testing.assert_array_equal(taken, single)
        assert agent.table.of_env(i, "q").keys() == table.keys()


def test_inactive_seeds_use_no_draws_and_learn_nothing():
    agent = QLearning(epsilon=0.5)
    agent.reset_batch(*DISCRETE, seeds=[1, 2])
    obs = np.array([0, 0])
    agent.act_batch(obs, active=np.array([True, False]))
    assert agent.draws.tolist() == [1, 0]
    agent.observe_batch(obs, np.array([1, 1]), np.array([1.0, 1.0]), np.array([1, 1]),
                        np.array([True, True]), np.array([False, False]),
                        active=np.array([False, True]))  # fmt: skip
    assert agent.values_of(0, 0).tolist() == [0.0, 0.0]
    assert agent.values_of(1, 0).tolist() == [0.0, 0.5]


def test_greedy_evaluation_is_the_argmax_for_q_and_soft_q():
    for agent in (QLearning(epsilon=1.0), SoftQLearning(temperature=10.0)):
        agent.reset(*DISCRETE, seed=0)
        row = agent.rows(np.array([2]))[0]
        agent.table["q"][row] = [0.0, 1.0]
        assert {agent.act(2, greedy=True) for _ in range(50)} == {1}
        assert {agent.act(2) for _ in range(200)} == {0, 1}  # exploring / sampling


def test_soft_q_samples_its_boltzmann_policy():
    agent = SoftQLearning(temperature=1.0)
    agent.reset(*DISCRETE, seed=0)
    row = agent.rows(np.array([0]))[0]
    agent.table["q"][row] = [0.0, np.log(3.0)]
    np.testing.assert_allclose(agent.policy(0), [0.25, 0.75])
    draws = [agent.act(0) for _ in range(4000)]
    assert abs(np.mean(draws) - 0.75) < 0.03


def test_q_learning_update_known_answer():
    agent = QLearning(alpha=0.5, gamma=0.9, initial_q=1.0)
    agent.reset(*DISCRETE, seed=0)
    agent.observe(0, 1, 2.0, 1, False, False)  # 1 + 0.5 (2 + 0.9 * 1 - 1) = 1.95
    agent.observe(1, 0, 0.0, 2, True, False)  # terminal: 1 + 0.5 (0 - 1) = 0.5
    assert agent.values(0).tolist() == [1.0, 1.95]
    assert agent.values(1).tolist() == [0.5, 1.0]


def test_soft_target_known_answer():
    agent = SoftQLearning(temperature=0.5)
    agent.reset(*DISCRETE, seed=0)
    values = np.array([[1.0, 2.0]])
    expected = 0.5 * np.log(np.mean(np.exp(values / 0.5)))
    np.testing.assert_allclose(agent.target(values), [expected])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=6), st.floats(0, 0.999))
def test_argmax_ties_picks_a_maximum(values, u):
    values = np.round(np.array([values]), 1)
    a = argmax_ties(values, np.array([u]))[0]
    assert values[0, a] == values.max()


def test_keyed_draws_depend_only_on_seed_counter_and_stream():
    keys = seed_keys([0, 1, 2])
    batch = uniform(keys, np.array([4, 4, 4]), 1)
    assert batch[2] == uniform(seed_keys([2]), np.array([4]), 1)[0]
    assert len(set(batch.tolist())) == 3
    assert uniform(keys[:1], np.array([4]), 2)[0] != batch[0]
    z = normal(seed_keys([9] * 20000), np.arange(20000), np.zeros(1, np.int64))
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    with pytest.raises(ValueError, match="integers >= 0"):
        seed_keys([-1])


def test_bad_input():
    with pytest.raises(ValueError, match="seed must be an integer"):
        QLearning().reset(*DISCRETE, seed=-3)
    agent = QLearning()
    agent.reset_batch(*DISCRETE, seeds=[0, 1])
    with pytest.raises(ValueError, match="one-seed interface"):
        agent.act(0)
    with pytest.raises(ValueError, match="initial_q"):
        QLearning(initial_q=float("nan"))
    with pytest.raises(ValueError, match="Discrete"):
        SoftQLearning().reset(DISCRETE[0], spaces.Box(0, 1, (2,)), seed=0)


# -- BootstrappedQ ----------------------------------------------------------------------------
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
    for row in agent.table["q"][: len(agent.table)]:
        assert np.ptp(row, axis=0).max() > 1e-6  # the heads still disagree somewhere


def test_zero_prior_and_full_masks_make_identical_heads():
    agent = BootstrappedQ(heads=4, prior_scale=0.0, mask_probability=1.0)
    agent.reset(*DISCRETE, seed=0)
    for t in range(50):
        s, a = t % 4, t % 2
        agent.observe(s, a, float(s == 3), s + 1, s == 3, False)
    for row in agent.table["q"][: len(agent.table)]:
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
    np.testing.assert_array_equal(a.table["q"][: len(a.table)], b.table["q"][: len(b.table)])
    assert actions_a != actions_c


def test_greedy_vote_and_mean():
    agent = BootstrappedQ(heads=3, evaluation="vote")
    agent.reset(*DISCRETE, seed=0)
    # two heads prefer action 0 by a little, one prefers action 1 by a lot
    row = agent.rows(np.array([0]))[0]
    agent.table["q"][row] = np.array([[1.0, 0.9], [1.0, 0.9], [0.0, 5.0]])
    assert agent.act(0, greedy=True) == 0
    agent.evaluation = "mean"
    assert agent.act(0, greedy=True) == 1


def test_solves_a_short_chain_in_most_seeds():
    """After 200 episodes most seeds always go right; the others stall (the module's "Limits":
    a pair whose prior lies below what every head has learned is never tried)."""
    solved = 0
    for seed in range(8):
        env = gym.make("rlx/Chain-v0", length=5)
        agent = BootstrappedQ()
        agent.reset(env.observation_space, env.action_space, seed=seed)
        for _ in range(200):
            run_episode(env, agent)
        results = set()
        for evaluation in ("vote", "mean"):
            agent.evaluation = evaluation
            results.add(run_episode(env, agent, learn=None, greedy=True)[:2])
        solved += results == {(12.0, 14)}  # always right: sN on step 3, held 11 steps
    assert solved >= 6


@pytest.mark.parametrize(
    "kwargs",
    [
        {"heads": 0},
        {"heads": 61},
        {"mask_probability": 1.5},
        {"prior_scale": -1.0},
        {"evaluation": "max"},
    ],  # fmt: skip
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        BootstrappedQ(**kwargs)
    with pytest.raises(ValueError, match="Discrete"):
        BootstrappedQ().reset(DISCRETE[0], spaces.Box(0, 1, (2,)), seed=0)


def test_per_seed_hyperparameters_match_single_agents_and_lengths_are_checked():
    """Arms that differ only in epsilon and Q0 run as one batch: seed i is the single agent
    with its own epsilon and Q0."""
    eps, q0 = [0.0, 0.5, 1.0], [3.0, 0.0, 1.0]
    batch = QLearning(epsilon=eps, initial_q=q0)
    batch.reset_batch(*DISCRETE, seeds=[4, 5, 6])
    obs = np.array([0, 0, 0])
    for _ in range(40):
        actions = batch.act_batch(obs)
        nxt = (obs + actions) % 5
        batch.observe_batch(
            obs, actions, (nxt == 4).astype(float), nxt, nxt == 4, np.zeros(3, bool)
        )
        obs = np.where(nxt == 4, 0, nxt)
    for i in range(3):
        lone = QLearning(epsilon=eps[i], initial_q=q0[i])
        lone.reset(*DISCRETE, seed=4 + i)
        s = 0
        for _ in range(40):
            a = lone.act(s)
            n = (s + a) % 5
            lone.observe(s, a, float(n == 4), n, n == 4, False)
            s = 0 if n == 4 else n
        assert lone.table.of_env(0, "q").keys() == batch.table.of_env(i, "q").keys()
        for state, values in lone.table.of_env(0, "q").items():
            np.testing.assert_array_equal(batch.table.of_env(i, "q")[state], values)
    with pytest.raises(ValueError, match="one value per seed"):
        QLearning(epsilon=[0.1, 0.2]).reset_batch(*DISCRETE, seeds=[1, 2, 3])
    with pytest.raises(ValueError, match="epsilon must lie in"):
        QLearning(epsilon=[0.1, 1.5])
