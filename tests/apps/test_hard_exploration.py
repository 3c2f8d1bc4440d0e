"""The hard-exploration claim on a tiny budget (the real run is the validation suite's)."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401
from rlx_envs.agents import QLearning
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.claims import hard_exploration as claim
from rlx_envs.apps.validate.verdict import UNRESOLVED, VERDICTS
from rlx_envs.wrappers import CountBonus


def test_every_arm_shares_alpha_gamma_epsilon_and_differs_only_in_what_it_isolates():
    eps = {a: v[0] for a, v in claim.ARMS.items() if a != "random"}
    assert set(eps.values()) == {claim.EPSILON}
    assert claim.ARMS["random"][0] == 1.0
    assert claim.ARMS["optimistic"][1:] == (claim.OPTIMISTIC_Q, 0.0, 0.0)
    assert claim.ARMS["count"][1:] == (claim.OPTIMISTIC_Q, claim.BETA, 0.0)
    assert claim.ARMS["count, Q0 = 0"][1:] == (0.0, claim.BETA, 0.0)


def test_a_count_seed_in_the_batch_is_the_single_agent_on_a_count_bonus_env():
    """Arm "count" inside the mixed batch = QLearning on CountBonus(gym.make(...)) alone."""
    arms, steps = ["optimistic", "count"], 300
    envs, agent, betas = claim.make(arms, seeds=2)
    agent_seeds = [3, 4, 5, 6]
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, agent_seeds)
    obs, _ = envs.reset(seed=[10, 11, 12, 13])
    taken, resetting = [], np.zeros(4, bool)
    for _ in range(steps):
        active = ~resetting
        a = agent.act_batch(obs, active=active)
        nxt, r, te, tr, info = envs.step(a)
        agent.observe_batch(obs, a, r + betas * info["intrinsic_reward"], nxt, te, tr, active)
        taken.append(np.where(active, a, -1))
        obs, resetting = nxt, te | tr
    taken = np.array(taken)
    # env 2 is seed index 0 of the count arm
    env = CountBonus(gym.make(claim.ENV, reward_scale=claim.REWARD_SCALE), beta=claim.BETA)
    single = QLearning(claim.ALPHA, claim.GAMMA, claim.EPSILON, initial_q=claim.OPTIMISTIC_Q)
    single.reset(env.observation_space, env.action_space, seed=5)
    _, info = env.reset(seed=12)
    cell = np.asarray(info["cell"])
    mine = taken[taken[:, 2] >= 0, 2]
    for expected in mine:
        action = single.act(cell)
        assert action == expected
        _, reward, terminated, truncated, info = env.step(action)
        nxt = np.asarray(info["cell"])
        single.observe(cell, action, reward, nxt, terminated, truncated)
        cell = np.asarray(env.reset()[1]["cell"]) if terminated or truncated else nxt


def test_claim_runs_end_to_end_on_a_tiny_budget(tmp_path):
    settings = Settings(seeds=2, workers=1, out=tmp_path, seed=0)
    result = claim.run(settings, budget=1500)
    assert isinstance(result, Result) and result.verdict in VERDICTS
    assert set(result.arms) == set(claim.ARMS)  # the controls and the ablations are reported
    assert [c.arms for c in result.comparisons] == list(claim.COMPARED)
    assert all(c.name.startswith("cells visited") for c in result.comparisons)  # quick
    details = json.loads((tmp_path / "details.json").read_text())
    assert details["budget"] == 1500 and details["pilot_seeds"] == list(claim.PILOT_SEEDS)
    assert len(details["runs"]) == 2 * len(claim.ARMS)
    for run in details["runs"]:
        assert run["exit_step"] is None and run["steps"] == 1500 and run["cells"] > 3
    claim.run(Settings(seeds=2, workers=2, out=tmp_path / "again", seed=0), budget=1500)
    assert json.loads((tmp_path / "again" / "details.json").read_text())["runs"] == details["runs"]


def test_full_budget_judges_the_solved_fraction(tmp_path):
    result = claim.run(Settings(quick=False, seeds=2, workers=1, out=tmp_path), budget=800)
    assert all(c.method == "newcombe" for c in result.comparisons)
    assert result.verdict == UNRESOLVED  # nobody solves it in 800 steps: 0/2 against 0/2
