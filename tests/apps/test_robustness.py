"""The robustness claim (EPOpt against nominal training, with a random-policy control): its
comparisons on known numbers, and a tiny budget end to end (shape, determinism, control arm)."""

from __future__ import annotations

import dataclasses
import doctest
import json

import numpy as np
import pytest

from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.claims import robustness
from rlx_envs.apps.validate.verdict import FAIL, PASS, UNRESOLVED, VERDICTS, Comparison, combine

TINY = robustness.Budget(
    horizon=10,
    iterations=2,
    n_directions=2,
    top_directions=1,
    warm_start_iterations=1,
    seeds=2,
    eval_episodes=2,
    bootstrap_reps=200,
)


def _run(tmp_path, workers=2, seed=7, name="run"):
    fractions = []
    settings = Settings(
        quick=True, workers=workers, out=tmp_path / name, progress=fractions.append, seed=seed
    )
    return robustness.run(settings, budget=TINY), fractions, settings.out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("robustness"))


def test_tiny_budget_runs_end_to_end_with_the_result_shape(tiny):
    result, fractions, out = tiny
    assert isinstance(result, Result) and result.verdict in VERDICTS
    assert set(result.arms) == {"nominal", "epopt", "random"}
    assert len(result.comparisons) == 3
    assert all(isinstance(c, Comparison) for c in result.comparisons)
    assert [c.arms for c in result.comparisons] == [
        ("epopt", "nominal"),
        ("epopt", "random"),
        ("nominal", "epopt"),
    ]
    details = result.details
    assert details["pilot_seeds"] == list(robustness.PILOT_SEEDS) == [1000, 2000]
    assert details["budget"] == dataclasses.asdict(TINY)
    assert details["verdict"] == result.verdict
    assert len(details["runs"]) == 3 * TINY.seeds and len(details["parts"]) == 2
    for run in details["runs"]:
        assert np.shape(run["returns"]) == (len(robustness.MASSES), TINY.eval_episodes)
        assert run["worst_case"] == min(run["returns_by_mass"])
    for arm in robustness.ARMS:
        summary = details["arms"][arm]
        assert len(summary["returns_by_mass"]) == len(robustness.MASSES)
        for entry in (*summary["returns_by_mass"], summary["worst_case"], summary["spread"]):
            assert entry["ci"][0] <= entry["mean"] <= entry["ci"][1]
    saved = json.loads((out / f"{robustness.NAME}.json").read_text())
    assert saved["verdict"] == result.verdict
    assert [c["ci"] for c in saved["comparisons"]] == [list(c.ci) for c in result.comparisons]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert all(p.exists() for p in result.plots)


def test_random_control_is_untrained_and_evaluated_like_the_learners(tiny):
    result, _, _ = tiny
    runs = result.details["runs"]
    random_runs = [r for r in runs if r["arm"] == "random"]
    trained = [r for r in runs if r["arm"] != "random"]
    assert len(random_runs) == TINY.seeds
    assert all(r["env_steps"] == 0 and r["curve"]["returns"] == [] for r in random_runs)
    assert all(r["env_steps"] > 0 for r in trained)
    assert result.details["evaluation_reset_seeds"] == robustness.evaluation_seeds(
        7, TINY.eval_episodes
    )


def test_same_seed_same_numbers_for_one_or_two_workers(tiny, tmp_path):
    result, _, _ = tiny
    again, _, _ = _run(tmp_path, workers=1)

    def numbers(r):
        return [(c.value, c.ci) for c in r.comparisons], [
            (run["arm"], run["seed"], run["returns"], run["curve"]) for run in r.details["runs"]
        ]

    assert numbers(again) == numbers(result)
    other, _, _ = _run(tmp_path, workers=2, seed=8, name="other")
    assert numbers(other)[1] != numbers(result)[1]


def _runs(arm, worst_scores, spread=0.0, at_six=None):
    """Fake runs: returns by mass [w + spread, ..., at mass 6 (given or w + spread), ..., w]."""
    runs = []
    for i, w in enumerate(worst_scores):
        six = w + spread if at_six is None else at_six[i]
        runs.append({"arm": arm, "returns_by_mass": [w + spread, w + spread, six, w + spread, w]})
    for run in runs:
        scores = run["returns_by_mass"]
        run["worst_case"], run["spread"] = min(scores), max(scores) - min(scores)
    return runs


def test_comparisons_on_known_numbers():
    budget = dataclasses.replace(TINY, bootstrap_reps=500)
    by_arm = {
        "nominal": _runs("nominal", [100, 110, 90, 105], spread=400.0),
        "epopt": _runs("epopt", [300, 310, 295, 305], spread=50.0),
        "random": _runs("random", [15, 16, 14, 15], spread=5.0),
    }
    (versus_nominal, versus_random, spread_kept), (spread, keeps) = robustness.compare(
        by_arm, budget, base_seed=0
    )
    assert versus_nominal.value == pytest.approx(302.5 - 101.25)
    assert versus_random.value == pytest.approx(302.5 - 15.0)
    assert spread.value == pytest.approx(350.0)
    # Mass 6: EPOpt 352.5 against nominal's 501.25: EPOpt keeps only 70%.
    assert keeps.value == pytest.approx(352.5 - 0.9 * 501.25)
    assert (versus_nominal.verdict, versus_random.verdict, spread.verdict) == (PASS,) * 3
    assert keeps.verdict == FAIL
    # The spread's PASS does not count: the conjunction fails with its weaker part.
    assert spread_kept.verdict == FAIL and spread_kept.value == keeps.value
    assert spread_kept.ci == (keeps.ci[0], keeps.ci[1])
    # EPOpt keeping its return at mass 6 makes the spread count.
    by_arm["epopt"] = _runs("epopt", [300, 310, 295, 305], spread=50.0, at_six=[480] * 4)
    comparisons, (_, keeps) = robustness.compare(by_arm, budget, base_seed=0)
    assert keeps.verdict == PASS and comparisons[2].verdict == PASS
    assert combine(comparisons) == PASS


@pytest.mark.parametrize(
    ("first", "second", "verdict"),
    [
        ((1.0, 3.0), (0.5, 2.0), PASS),
        ((1.0, 3.0), (-1.0, 2.0), UNRESOLVED),
        ((1.0, 3.0), (-2.0, -1.0), FAIL),
        ((-1.0, 1.0), (-1.0, 2.0), UNRESOLVED),
    ],
)
def test_conjunction_passes_iff_both_pass_and_fails_iff_either_fails(first, second, verdict):
    a = Comparison("a", float(np.mean(first)), first)
    b = Comparison("b", float(np.mean(second)), second)
    assert robustness.conjunction("a and b", a, b).verdict == verdict


def test_docstring_examples_run():
    failures, tried = doctest.testmod(robustness)
    assert tried > 0 and failures == 0
