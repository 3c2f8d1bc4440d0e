"""The deep-exploration claim: censored-geometric estimates, growth fits, and the claim on a
tiny budget (the real runs are the validation suite's)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import rlx_envs  # noqa: F401
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.claims import deep_exploration as claim
from rlx_envs.apps.validate.verdict import VERDICTS


def test_censored_geometric_mle_known_answers():
    # three seeds found it in episodes 10, 30, 20: p = 3 / 60
    assert claim.success_probability([10, 30, 20], [1, 1, 1]) == 0.05
    # one censored run (never within 100) adds exposure without a success
    assert claim.success_probability([10, 100], [1, 0]) == 1 / 110
    # nothing found: half a success over the exposure (an upper bound), never 0 or inf
    assert claim.success_probability([100, 100], [0, 0]) == 0.5 / 200
    with pytest.raises(ValueError):
        claim.success_probability([0, 3], [1, 1])
    with pytest.raises(ValueError):
        claim.success_probability([3, 3], [2, 1])


def test_censoring_keeps_runs_that_never_found_it():
    assert claim.censored(5, 100) == 5
    assert claim.censored(None, 100) == 100
    with pytest.raises(ValueError):
        claim.censored(101, 100)


def test_fit_growth_exact_on_exponential_and_power_law():
    n = np.array([3, 4, 6, 9, 12])
    ones = np.ones((1, n.size))
    exponential = 2.5 * np.exp(0.7 * n)[None, :]
    power = 4.0 * (n**2.5)[None, :]
    assert math.isclose(claim.fit_growth(n, exponential, ones), 0.7, rel_tol=1e-12)
    assert math.isclose(claim.fit_growth(n, power, ones, "polynomial"), 2.5, rel_tol=1e-12)
    assert math.isclose(claim.fit_r2(n, exponential, ones), 1.0, rel_tol=1e-12)
    assert claim.fit_r2(n, exponential, ones, "polynomial") < 1 - 1e-3
    with pytest.raises(ValueError):
        claim.fit_growth([3, 3], np.ones((1, 2)), np.ones((1, 2)))
    with pytest.raises(ValueError):
        claim.fit_growth([2, 3], np.ones((1, 2)), np.ones((1, 2)), "linear")


def test_growth_bootstrap_is_seeded_and_covers_the_fit():
    rng = np.random.default_rng(0)
    n = np.arange(4, 11)
    episodes = np.ceil(np.exp(0.5 * n + rng.normal(0, 0.5, (10, n.size))))
    successes = np.ones_like(episodes)
    a = claim.growth_samples(n, episodes, successes, reps=400, seed=3)
    b = claim.growth_samples(n, episodes, successes, reps=400, seed=3)
    np.testing.assert_array_equal(a, b)
    low, high = np.quantile(a, [0.025, 0.975])
    assert low < claim.fit_growth(n, episodes, successes) < high


def test_first_far_reward_counts_only_the_extrinsic_treasure():
    first, steps = claim.first_far_reward("deep-sea", 3, "optimistic", [0, 1], [0, 1], cap=500)
    assert all(f is not None and 1 <= f <= 500 for f in first)
    assert steps == 3 * sum(first)  # only the steps of seeds still searching
    # count-bonus rewards are positive everywhere, but only the extrinsic treasure counts
    first, steps = claim.first_far_reward("deep-sea", 12, "count-bonus", [0], [0], cap=2)
    assert first == [None] and steps == 24


def test_a_seed_in_a_batch_finds_what_it_finds_alone():
    both, _ = claim.first_far_reward("chain", 6, "bootstrapped", [4, 9], [1, 2], cap=300)
    alone, _ = claim.first_far_reward("chain", 6, "bootstrapped", [9], [2], cap=300)
    assert both[1] == alone[0]


TINY = {"small_sizes": {"chain": (4, 5, 6), "deep-sea": (2, 3, 4)},
        "large_sizes": {"chain": (8,), "deep-sea": (5,)}}  # fmt: skip


def test_claim_runs_end_to_end_and_is_the_same_on_any_worker_count(tmp_path):
    result = claim.run(Settings(seeds=3, workers=1, out=tmp_path, seed=0), cap=40, **TINY)
    assert isinstance(result, Result) and result.verdict in VERDICTS
    assert set(result.arms) == set(claim.METHODS)  # the random control included
    assert len(result.comparisons) == 8
    assert {c.arms for c in result.comparisons} == {
        ("epsilon-greedy", "bootstrapped"), ("epsilon-greedy", "count-bonus"),
        ("bootstrapped", "random"), ("count-bonus", "random"),
    }  # fmt: skip
    details = json.loads((tmp_path / "details.json").read_text())
    assert details["pilot_seeds"] == list(claim.PILOT_SEEDS)
    chain = details["per_env"]["chain"]
    assert chain["bootstrapped"]["sizes"] == [4, 5, 6, 8]
    assert chain["epsilon-greedy"]["sizes"] == [4, 5, 6]
    assert chain["random"]["sizes"] == [4, 5, 6, 8]
    assert all(len(v) == 3 for v in chain["random"]["first"].values())
    again = claim.run(Settings(seeds=3, workers=2, out=tmp_path / "again", seed=0), cap=40, **TINY)
    assert [c.to_dict() for c in again.comparisons] == [c.to_dict() for c in result.comparisons]
    claim.run(Settings(seeds=3, workers=2, out=tmp_path / "other", seed=5), cap=40, **TINY)
    assert (
        json.loads((tmp_path / "other" / "details.json").read_text())["per_env"]
        != details["per_env"]
    )


def test_unknown_method_names_the_valid_ones():
    with pytest.raises(ValueError, match="valid methods"):
        claim.make_agent("greedy")
