"""Transfer metrics and statistics: known answers worked out by hand, errors, bootstrap checks."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlx_envs.analysis.metrics import (
    Censored,
    Curve,
    asymptotic_gain,
    asymptotic_performance,
    jumpstart,
    median_time_to_threshold,
    normalise,
    normalise_by_target,
    resample,
    time_to_threshold,
    total_reward,
    transfer_percentage,
    transfer_ratio,
)
from rlx_envs.analysis.statistics import (
    bootstrap_ci,
    iqm,
    performance_profile,
    performance_profile_bands,
    probability_of_improvement,
    to_rliable,
)

# Hand-made curves on one grid of 5 points, 0..400 env steps (budget 400).
X = [0, 100, 200, 300, 400]
SCRATCH = Curve(X, [0.0, 1.0, 2.0, 3.0, 4.0])
TRANSFER = Curve(X, [2.0, 3.0, 4.0, 4.0, 4.0])


# ------------------------------------------------------------------------------------- Curve
def test_curve_stores_read_only_float_copies():
    xs = [0, 1, 2]
    c = Curve(xs, [1, 2, 3], axis="shots")
    assert c.x.dtype == np.float64 and c.budget == 2.0 and len(c) == 3
    with pytest.raises(ValueError):
        c.x[0] = 5.0
    assert c == Curve([0.0, 1.0, 2.0], [1.0, 2.0, 3.0], axis="shots")
    assert c != Curve(xs, [1, 2, 3], axis="steps")
    assert hash(c) == hash(Curve(xs, [1, 2, 3], axis="shots"))


@pytest.mark.parametrize(
    "x, y, axis, message",
    [
        ([0, 1], [1.0], "steps", "same length"),
        ([0, 2, 1], [1, 2, 3], "steps", "strictly increasing"),
        ([0, 1, 1], [1, 2, 3], "steps", "strictly increasing"),
        ([0, 1], [1.0, math.nan], "steps", "y must be finite"),
        ([0, 1], [1.0, math.inf], "steps", "y must be finite"),
        ([0, math.inf], [1.0, 2.0], "steps", "x must be finite"),
        ([0, 1], [1.0, 2.0], "episodes", "axis must be one of"),
        ([], [], "steps", "at least one point"),
        ([[0, 1]], [[1, 2]], "steps", "1-D"),
        (["a", "b"], [1, 2], "steps", "numbers"),
    ],
)
def test_curve_rejects_bad_input(x, y, axis, message):
    with pytest.raises(ValueError, match=message):
        Curve(x, y, axis)


# ----------------------------------------------------------------------- single-curve metrics
def test_total_reward_is_the_trapezoid_area():
    # SCRATCH: 100 * (0+1)/2 + 100 * (1+2)/2 + 100 * (2+3)/2 + 100 * (3+4)/2 = 50+150+250+350
    assert total_reward(SCRATCH) == 800.0
    # TRANSFER: 100 * (2.5 + 3.5 + 4 + 4) = 1400
    assert total_reward(TRANSFER) == 1400.0
    # Uneven grid: 10 * (0+2)/2 + 90 * (2+2)/2 = 10 + 180
    assert total_reward(Curve([0, 10, 100], [0.0, 2.0, 2.0])) == 190.0
    # Above a floor of 1: area minus 1 * budget = 800 - 400
    assert total_reward(SCRATCH, reference=1.0) == 400.0
    with pytest.raises(ValueError, match="at least two points"):
        total_reward(Curve([0], [1.0]))


def test_asymptotic_performance_tail_as_fraction_or_count():
    # Last 10% of 5 points rounds up to 1 point: y = 4
    assert asymptotic_performance(SCRATCH) == 4.0
    # Last 2 points: (3 + 4) / 2; 40% of 5 = 2 points; 30% of 5 = 1.5 -> 2 points
    assert asymptotic_performance(SCRATCH, tail=2) == 3.5
    assert asymptotic_performance(SCRATCH, tail=0.4) == 3.5
    assert asymptotic_performance(SCRATCH, tail=0.3) == 3.5
    # Whole curve: (0+1+2+3+4) / 5; a count beyond the length is capped
    assert asymptotic_performance(SCRATCH, tail=1.0) == 2.0
    assert asymptotic_performance(SCRATCH, tail=50) == 2.0
    for bad in (0, 0.0, 1.5, -1, True, "all"):
        with pytest.raises(ValueError, match="tail"):
            asymptotic_performance(SCRATCH, tail=bad)


def test_time_to_threshold_first_point_at_or_above():
    # SCRATCH reaches 2.0 first at x = 200 (equality counts), 2.5 at x = 300
    assert time_to_threshold(SCRATCH, 2.0) == 200.0
    assert time_to_threshold(SCRATCH, 2.5) == 300.0
    assert time_to_threshold(SCRATCH, -1.0) == 0.0
    assert time_to_threshold(TRANSFER, 4.0) == 200.0


def test_time_to_threshold_never_reached_is_censored_at_the_budget():
    t = time_to_threshold(SCRATCH, 5.0)  # max y is 4: never reached within 400 steps
    assert isinstance(t, Censored) and t.budget == 400.0
    assert str(t) == "> 400" and f"{t}" == "> 400" and f"{t:.1f}" == "> 400.0"
    assert repr(t) == "Censored(budget=400.0)"
    assert math.isinf(t) and t > 10**9 and t == Censored(400) and t != Censored(500)
    assert pickle.loads(pickle.dumps(t)) == t
    # It aggregates: sorted after every reached time, max is the censored one.
    times = [time_to_threshold(c, 3.0) for c in (SCRATCH, TRANSFER, Curve(X, [0.0] * 5))]
    assert times == [300.0, 100.0, Censored(400)]
    assert sorted(times)[-1] is times[2] and str(max(times)) == "> 400"
    assert float(np.median(times)) == 300.0
    with pytest.raises(ValueError, match="finite budget"):
        Censored(math.inf)


def test_median_time_to_threshold_keeps_censoring():
    c = Censored(1000)
    assert median_time_to_threshold([100.0, 300.0, c]) == 300.0
    assert median_time_to_threshold([100.0, 300.0, 500.0, c]) == 400.0  # (300 + 500) / 2
    assert median_time_to_threshold([100.0, c, c]) == Censored(1000)
    # Even count, upper middle censored: median (100 + T) / 2 with T > 1000 -> > 550
    assert median_time_to_threshold([100.0, c]) == Censored(550)
    assert median_time_to_threshold([c, Censored(800)]) == Censored(800)
    for bad in ([], [math.nan], [math.inf]):
        with pytest.raises(ValueError):
            median_time_to_threshold(bad)


# -------------------------------------------------------------------------- two-curve metrics
def test_jumpstart_and_asymptotic_gain():
    assert jumpstart(TRANSFER, SCRATCH) == 2.0  # 2 - 0 at x = 0
    assert jumpstart(SCRATCH, TRANSFER) == -2.0
    assert asymptotic_gain(TRANSFER, SCRATCH) == 0.0  # both end at 4
    assert asymptotic_gain(TRANSFER, SCRATCH, tail=2) == 0.5  # (4+4)/2 - (3+4)/2


def test_transfer_ratio_and_percentage_known_answers():
    # AUCs 1400 and 800 (see test_total_reward_is_the_trapezoid_area)
    assert transfer_ratio(TRANSFER, SCRATCH) == 1400 / 800
    assert transfer_ratio(SCRATCH, SCRATCH) == 1.0
    # Progressive Networks: 100 * 1400 / 800 = 175 %
    assert transfer_percentage(TRANSFER, SCRATCH) == 175.0
    assert transfer_percentage(SCRATCH, TRANSFER) == pytest.approx(100 * 800 / 1400)
    # Shots axis works the same: 4 shots, areas 4 * 1 = 4 and 4 * (0+1)/2 = 2 -> 200 %
    shots = Curve([0, 4], [1.0, 1.0], "shots"), Curve([0, 4], [0.0, 1.0], "shots")
    assert transfer_percentage(*shots) == 200.0
    # Only the budget must match for areas, not the grid: on [0, 200, 400] the area is
    # 200 * (2+2)/2 + 200 * (2+4)/2 = 400 + 600 = 1000 against 800 -> 125 %
    coarse = Curve([0, 200, 400], [2.0, 2.0, 4.0])
    assert transfer_percentage(coarse, SCRATCH) == 125.0


def test_baseline_area_not_positive_raises_unless_a_floor_makes_it_positive():
    negative = Curve([0, 10], [-2.0, 0.0])  # area 10 * (-2 + 0) / 2 = -10
    zero = Curve([0, 10], [0.0, 0.0])
    better = Curve([0, 10], [-1.0, 1.0])  # area 0
    for baseline in (negative, zero):
        with pytest.raises(ValueError, match=r"baseline area under the curve .*<= 0"):
            transfer_percentage(better, baseline)
        with pytest.raises(ValueError, match=r"scratch area under the curve .*<= 0"):
            transfer_ratio(better, baseline)
    # Above a floor of -2 (say the random policy): baseline 10 * (0 + 2)/2 = 10,
    # method 10 * (1 + 3)/2 = 20 -> 200 %
    assert transfer_percentage(better, negative, reference=-2.0) == 200.0
    assert transfer_ratio(better, negative, reference=-2.0) == 2.0
    with pytest.raises(ValueError, match="above reference -1"):
        transfer_percentage(better, negative, reference=-1.0)  # baseline area still 0


@pytest.mark.parametrize(
    "other, message",
    [
        (Curve(X, [0.0] * 5, axis="shots"), "different axes"),
        (Curve([0, 100, 200, 300], [0.0] * 4), "budgets differ"),
        (Curve([50, 100, 200, 300, 400], [0.0] * 5), "budgets differ"),
    ],
)
def test_mismatched_axes_and_budgets_raise(other, message):
    for metric in (jumpstart, asymptotic_gain, transfer_ratio, transfer_percentage):
        with pytest.raises(ValueError, match=message):
            metric(other, SCRATCH)


def test_asymptotic_gain_needs_the_same_grid():
    with pytest.raises(ValueError, match="3 points, scratch has 5"):
        asymptotic_gain(Curve([0, 200, 400], [0.0] * 3), SCRATCH)
    with pytest.raises(ValueError, match="differ at point 1"):
        asymptotic_gain(Curve([0, 150, 200, 300, 400], [0.0] * 5), SCRATCH)
    # resample puts it on the scratch grid: y = x / 100 interpolated at X
    fine = resample(Curve([0, 400], [0.0, 4.0]), X)
    assert fine == SCRATCH and asymptotic_gain(fine, SCRATCH) == 0.0
    with pytest.raises(ValueError, match="range"):
        resample(SCRATCH, [0, 500])


def test_normalise_and_per_target_table():
    c = normalise(SCRATCH, random_score=0.0, expert_score=4.0)  # y / 4
    assert c.y.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0] and c.x is not SCRATCH.x
    assert np.array_equal(c.x, SCRATCH.x) and c.axis == SCRATCH.axis
    assert normalise([3.0, -1.0], random_score=-1.0, expert_score=3.0).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="must differ"):
        normalise(SCRATCH, 1.0, 1.0)
    table = {"a": (0.0, 4.0), "b": (2.0, 4.0)}
    out = normalise_by_target({"a": SCRATCH, "b": TRANSFER}, table)
    assert out["b"].y.tolist() == [0.0, 0.5, 1.0, 1.0, 1.0]  # (y - 2) / 2
    with pytest.raises(ValueError, match=r"targets \['c'\]"):
        normalise_by_target({"c": SCRATCH}, table)


@given(
    st.lists(st.floats(-100, 100), min_size=2, max_size=20),
    st.floats(0.1, 10),
    st.floats(-50, 50),
)
def test_transfer_percentage_properties(ys, scale, shift):
    x = np.cumsum(np.ones(len(ys)))
    base = Curve(x, np.abs(ys) + 1.0)  # positive area
    assert math.isclose(transfer_percentage(base, base), 100.0)
    # Scaling the method's returns scales the percentage; the AUC is linear in y.
    scaled = Curve(x, base.y * scale)
    assert math.isclose(transfer_percentage(scaled, base), 100 * scale, rel_tol=1e-9)
    # total_reward with a floor is the area minus floor x span.
    span = x[-1] - x[0]
    assert math.isclose(
        total_reward(base, shift), total_reward(base) - shift * span, rel_tol=1e-9, abs_tol=1e-6
    )


# ----------------------------------------------------------------------------------------- IQM
def test_iqm_known_answers():
    assert iqm(np.arange(1, 9)) == 4.5  # n = 8: drop 2 each end, mean(3, 4, 5, 6)
    assert iqm([[8, 1], [2, 7], [3, 6], [5, 4]]) == 4.5  # flattened over runs x tasks
    # Ties: sorted 1 1 1 1 2 2 2 2, drop 2 each end -> mean(1, 1, 2, 2) (rliable's own test)
    assert iqm([[1, 2], [2, 2], [1, 1], [2, 1]]) == 1.5
    # n = 6: rliable drops floor(1.5) = 1 from each end -> mean(1, 2, 2, 3) = 2 (its own test)
    assert iqm([[1, 1], [2, 2], [3, 3]]) == 2.0
    # n = 10 with ties: 0 0 0 1 1 1 1 5 5 100, drop 2 each end -> mean(0, 1, 1, 1, 1, 5) = 9 / 6
    assert iqm([0, 0, 0, 1, 1, 1, 1, 5, 5, 100]) == 1.5
    # Fractional: each point covers 1/10 of [0, 1]; [0.25, 0.75] takes half of points 3 and 8
    # (1-based) and all of 4..7: (0.5 * 0 + 1 + 1 + 1 + 1 + 0.5 * 5) / 5 = 6.5 / 5
    assert iqm([0, 0, 0, 1, 1, 1, 1, 5, 5, 100], fractional=True) == pytest.approx(1.3)
    assert iqm([7.0]) == 7.0 and iqm([1.0, 3.0]) == 2.0
    with pytest.raises(ValueError, match="finite"):
        iqm([1.0, math.nan])
    with pytest.raises(ValueError, match="empty"):
        iqm([])


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.randoms())
def test_iqm_properties(values, random):
    a = np.array(values)
    shuffled = list(values)
    random.shuffle(shuffled)
    assert iqm(shuffled) == pytest.approx(iqm(a), rel=1e-9, abs=1e-6)
    assert a.min() - 1e-6 <= iqm(a) <= a.max() + 1e-6
    assert a.min() - 1e-6 <= iqm(a, fractional=True) <= a.max() + 1e-6
    if len(a) % 4 == 0:
        assert iqm(a, fractional=True) == pytest.approx(iqm(a), rel=1e-9, abs=1e-6)


def test_iqm_matches_scipy_trim_mean_when_available():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for n in range(1, 30):
        a = rng.integers(0, 4, size=n).astype(float)  # many ties
        assert iqm(a) == pytest.approx(scipy_stats.trim_mean(a, 0.25, axis=None))


# ---------------------------------------------------------------------------------- bootstrap
def test_bootstrap_is_reproducible_under_a_seed():
    scores = np.random.default_rng(3).normal(size=(10, 3))
    a = bootstrap_ci(scores, reps=500, seed=7)
    assert a == bootstrap_ci(scores, reps=500, seed=7)
    assert a == bootstrap_ci(scores, reps=500, seed=np.random.default_rng(7))
    assert a != bootstrap_ci(scores, reps=500, seed=8)
    low, high = a
    assert low < iqm(scores) < high
    # The vectorised IQM path and a plain callable see the same resamples.
    assert bootstrap_ci(scores, lambda s: iqm(s), reps=500, seed=7) == pytest.approx(a)
    assert bootstrap_ci(scores, np.mean, reps=500, seed=7) == pytest.approx(
        bootstrap_ci(scores, lambda s: float(np.mean(s)), reps=500, seed=7)
    )


def test_bootstrap_is_stratified_over_tasks():
    # Task 0 is all 0, task 1 all 10: each resample keeps 4 runs of each task, so the mean is
    # always 5 and the interval collapses; resampling runs across tasks would not.
    scores = np.array([[0.0, 10.0]] * 4)
    assert bootstrap_ci(scores, np.mean, reps=300, seed=0) == (5.0, 5.0)
    # One task with two distinct runs: resamples vary.
    low, high = bootstrap_ci([0.0, 1.0, 0.0, 1.0], np.mean, reps=300, seed=0)
    assert low < 0.5 < high


def test_bootstrap_covers_the_true_iqm_at_about_the_nominal_rate():
    # 300 experiments of 12 runs x 4 tasks from N(0, 1), whose IQM is 0 (symmetry), and from
    # Exp(1), whose IQM is 2 * int_{.25}^{.75} -ln(1 - p) dp
    # = 2 * ([u - u ln u] from u = .25 to .75) ~ 0.7384.
    exp_iqm = 2 * ((0.75 - 0.75 * math.log(0.75)) - (0.25 - 0.25 * math.log(0.25)))
    rng = np.random.default_rng(2021)
    for draw, truth in ((rng.normal, 0.0), (rng.exponential, exp_iqm)):
        hits = 0
        for i in range(300):
            low, high = bootstrap_ci(draw(size=(12, 4)), reps=1000, seed=i)
            hits += low <= truth <= high
        assert 0.88 <= hits / 300 <= 0.99, hits / 300


def test_bootstrap_rejects_bad_arguments():
    good = np.ones((4, 2))
    with pytest.raises(ValueError, match="finite"):
        bootstrap_ci([[1.0, math.nan]], seed=0)
    with pytest.raises(ValueError, match=r"\(runs, tasks\)"):
        bootstrap_ci(np.ones((2, 2, 2)), seed=0)
    with pytest.raises(ValueError, match="reps"):
        bootstrap_ci(good, reps=0, seed=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci(good, confidence=1.0, seed=0)
    with pytest.raises(ValueError, match="seed"):
        bootstrap_ci(good, seed=None)
    with pytest.raises(TypeError):
        bootstrap_ci(good)  # the seed is required
    with pytest.raises(ValueError, match="one number"):
        bootstrap_ci(good, lambda s: s.mean(axis=0), reps=5, seed=0)


# ------------------------------------------------------------------ profiles and improvement
def test_performance_profile_known_answers():
    scores = np.array([[0.0, 0.5], [1.0, 1.0], [2.0, 3.0]])  # six scores
    # > -1: all 6; > 0: 5; > 1: 2 (ties at 1 do not count); > 3: none
    assert performance_profile(scores, [-1.0, 0.0, 1.0, 3.0]).tolist() == [1, 5 / 6, 2 / 6, 0]
    assert performance_profile(scores, 0.75) == 4 / 6
    low, high = performance_profile_bands(scores, [-1.0, 0.0, 1.0, 3.0], reps=400, seed=0)
    assert low.shape == high.shape == (4,)
    assert low[0] == high[0] == 1.0 and low[3] == high[3] == 0.0  # no resample changes these
    assert np.all(low <= performance_profile(scores, [-1, 0, 1, 3]) + 1e-12)
    assert np.all(low <= high)
    same = performance_profile_bands(scores, [0.5], reps=400, seed=0)
    assert np.array_equal(same[0], performance_profile_bands(scores, [0.5], reps=400, seed=0)[0])


def test_probability_of_improvement_known_answers():
    low, high = np.array([[0.0, 1.0], [1.0, 2.0]]), np.array([[5.0, 6.0], [7.0, 8.0], [9.0, 9.5]])
    assert probability_of_improvement(high, low) == 1.0
    assert probability_of_improvement(low, high) == 0.0
    assert probability_of_improvement(low, low) == 0.5
    assert probability_of_improvement([[3.0]] * 3, [[3.0]] * 2) == 0.5  # all ties
    # rliable's own test: 1/3. Task 0: x = 1 2 1 2, y = 1 2 3. Each x = 1 ties one y (1/2);
    # each x = 2 beats one and ties one (1.5): (2 * 0.5 + 2 * 1.5) / 12 = 1/3; task 1 alike.
    x = [[1, 2], [2, 2], [1, 1], [2, 1]]
    y = [[1, 1], [2, 2], [3, 3]]
    assert probability_of_improvement(x, y) == pytest.approx(1 / 3)
    assert probability_of_improvement(y, x) == pytest.approx(2 / 3)
    # Averaged over tasks: task 0 always wins (1), task 1 always loses (0) -> 0.5
    assert probability_of_improvement([[1.0, 0.0]], [[0.0, 1.0]]) == 0.5
    with pytest.raises(ValueError, match="same tasks"):
        probability_of_improvement(np.ones((2, 2)), np.ones((2, 3)))


@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=8),
    st.lists(st.integers(0, 3), min_size=1, max_size=8),
)
def test_probability_of_improvement_is_complementary(xs, ys):
    p = probability_of_improvement(np.array(xs, float), np.array(ys, float))
    q = probability_of_improvement(np.array(ys, float), np.array(xs, float))
    assert 0.0 <= p <= 1.0 and p + q == pytest.approx(1.0)


def test_probability_of_improvement_matches_mann_whitney_when_available():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 4, size=(6, 3)), rng.integers(0, 4, size=(5, 3))
    u = [scipy_stats.mannwhitneyu(x[:, t], y[:, t], alternative="greater")[0] for t in range(3)]
    assert probability_of_improvement(x, y) == pytest.approx(np.mean(u) / 30)


# ------------------------------------------------------------------------------------- export
def test_to_rliable_layout_and_errors():
    results = {
        "ppo": {"maze": [1, 2, 3], "corridor": [4, 5, 6]},
        "sac": {"corridor": [7, 8], "maze": [9, 10]},
    }
    out = to_rliable(results)  # columns: corridor, maze (sorted)
    assert out["ppo"].tolist() == [[4, 1], [5, 2], [6, 3]] and out["sac"].shape == (2, 2)
    assert to_rliable(results, tasks=["maze", "corridor"])["sac"].tolist() == [[9, 7], [10, 8]]
    assert to_rliable({"a": np.ones((3, 2))})["a"].shape == (3, 2)
    with pytest.raises(ValueError, match="expected"):
        to_rliable({"a": {"maze": [1]}, "b": {"corridor": [1]}})
    with pytest.raises(ValueError, match="runs per task"):
        to_rliable({"a": {"maze": [1, 2], "corridor": [1]}})
    with pytest.raises(ValueError, match="finite"):
        to_rliable({"a": {"maze": [1.0, math.nan]}})
    with pytest.raises(ValueError, match="different numbers of tasks"):
        to_rliable({"a": np.ones((3, 2)), "b": np.ones((3, 3))})
    with pytest.raises(ValueError, match="empty"):
        to_rliable({})
