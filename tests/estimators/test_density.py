"""Density models and pseudo-counts: known answers, proper distributions, finiteness, saving."""

import itertools
import math

import numpy as np
import pytest
from gymnasium import spaces
from hypothesis import given
from hypothesis import strategies as st

from rlx_envs.estimators.base import Batch
from rlx_envs.estimators.counts import ExactCounts, count_bonus
from rlx_envs.estimators.density import CTSDensity, EmpiricalDensity, preprocess_image
from rlx_envs.estimators.pseudo_counts import (
    MAX_COUNT,
    PredictionGain,
    PseudoCounts,
    prediction_gain_count,
    pseudo_count,
)

small_ints = st.lists(st.integers(0, 5), min_size=1, max_size=40)
#: Hashed contexts (max_contexts=2) and a context reaching two rows up and to the right.
ODD_CONTEXTS = {"contexts": ((), ((-1, 0),), ((0, -1), (-2, 1))), "max_contexts": 2}


def prior_counts(sequence):
    """N(x) before each visit, by hand."""
    seen: dict = {}
    out = []
    for x in sequence:
        out.append(seen.get(x, 0))
        seen[x] = seen.get(x, 0) + 1
    return out


def all_grids(shape, levels):
    """Every grid of ``shape`` with values below ``levels``."""
    size = shape[0] * shape[1]
    for values in itertools.product(range(levels), repeat=size):
        yield np.array(values, dtype=np.int64).reshape(shape)


def total_probability(model, shape, levels):
    return sum(math.exp(model.log_prob(g)) for g in all_grids(shape, levels))


def grid_sequence(shape, levels, max_size=12):
    """Hypothesis: grids drawn from a small pool (so that some repeat) as a list of arrays."""
    size = shape[0] * shape[1]
    pool = st.lists(st.integers(0, levels - 1), min_size=size, max_size=size)
    return st.lists(pool, min_size=1, max_size=max_size).map(
        lambda grids: [np.array(g, dtype=np.uint8).reshape(shape) for g in grids]
    )


def feed(model, states):
    return [model.log_prob_and_update(x) for x in states]


def assert_plain(value):
    """State dicts hold only numpy arrays, ints, floats (and dicts of them)."""
    if isinstance(value, dict):
        for item in value.values():
            assert_plain(item)
    else:
        assert isinstance(value, np.ndarray | int | float), type(value)


# -- known answers: the empirical model --------------------------------------------------------


@given(small_ints)
def test_empirical_pseudo_count_is_the_visit_count(sequence):
    model = EmpiricalDensity()
    for x, expected in zip(sequence, prior_counts(sequence), strict=True):
        log_p, log_p_recoding = model.log_prob_and_update(np.array([x]))
        assert pseudo_count(log_p, log_p_recoding) == pytest.approx(expected, rel=1e-9, abs=0)


@given(small_ints)
def test_pseudo_counts_estimator_counts_the_current_visit(sequence):
    """The estimator reports N_hat + 1: on the empirical model, the visits this one included."""
    estimator = PseudoCounts(EmpiricalDensity())
    figure, bonus = estimator.observe(Batch(np.array(sequence)[:, None]))
    expected = np.array(prior_counts(sequence), dtype=np.float64) + 1
    np.testing.assert_allclose(figure, expected, rtol=1e-9, atol=0)
    np.testing.assert_allclose(bonus, 1 / np.sqrt(expected), rtol=1e-9)
    assert figure.dtype == bonus.dtype == np.float64


@given(small_ints)
def test_empirical_pseudo_counts_equal_exact_counts(sequence):
    """One convention: the empirical pseudo-count and its bonus are ExactCounts' (MBIE-EB)."""
    figure, bonus = PseudoCounts(EmpiricalDensity()).observe(Batch(np.array(sequence)[:, None]))
    exact_figure, exact_bonus = ExactCounts().observe(Batch(obs=None, keys=np.array(sequence)))
    np.testing.assert_allclose(figure, exact_figure, rtol=1e-9, atol=0)
    np.testing.assert_allclose(bonus, exact_bonus, rtol=1e-9, atol=0)


def test_first_and_second_visit_by_hand():
    """[1, 1, 2]: counts 1, 2, 1 (bonuses 1, 1/sqrt(2), 1), not Bellemare's N_hat 0, 1, 0."""
    figure, bonus = PseudoCounts(EmpiricalDensity()).observe(Batch(np.array([[1], [1], [2]])))
    np.testing.assert_allclose(figure, [1.0, 2.0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(bonus, [1.0, 2**-0.5, 1.0], rtol=1e-12)
    assert count_bonus("mbie", 1.0) == 1.0 and count_bonus("mbie", 4.0) == 0.5


def test_cts_pseudo_count_by_hand():
    """One cell, two levels, one context model: a KT estimator, (count + 1/2) / (total + 1).

    Frame 0 first: rho = 1/2, rho' = 3/4, N_hat = rho (1 - rho') / (rho' - rho) = 1/2, reported
    N_hat + 1 = 3/2. Again: rho = 3/4, rho' = 5/6, N_hat = (3/4)(1/6)/(1/12) = 3/2, so 5/2.
    """
    estimator = PseudoCounts(CTSDensity((1, 1), 2, contexts=((),)))
    figure, bonus = estimator.observe(Batch(np.zeros((2, 1, 1), np.uint8)))
    np.testing.assert_allclose(figure, [1.5, 2.5], rtol=1e-12)
    np.testing.assert_allclose(bonus, [1.5**-0.5, 2.5**-0.5], rtol=1e-12)


@given(st.integers(1, 300))
def test_one_state_repeated_counts_up(repeats):
    estimator = PseudoCounts(EmpiricalDensity())
    figure, _ = estimator.observe(Batch(np.zeros((repeats, 2, 2), dtype=np.uint8)))
    np.testing.assert_allclose(figure, np.arange(1, repeats + 1), rtol=1e-9, atol=0)


def test_empirical_tells_dtypes_and_shapes_apart():
    model = EmpiricalDensity()
    model.log_prob_and_update(np.zeros(2, np.uint8))
    assert model.log_prob(np.zeros(2, np.int64)) == -np.inf
    assert model.log_prob(np.zeros((1, 2), np.uint8)) == -np.inf
    assert model.log_prob(np.zeros(2, np.uint8)) == pytest.approx(math.log(1 / 2))


@given(small_ints, st.floats(0.01, 10.0))
def test_prediction_gain_count_by_hand_on_the_empirical_model(sequence, c):
    estimator = PredictionGain(EmpiricalDensity(), c=c)
    figure, bonus = estimator.observe(Batch(np.array(sequence)[:, None]))
    for seen_before, (count, prior) in enumerate(zip(figure, prior_counts(sequence), strict=True)):
        n = seen_before  # states seen before this one; the formula's n includes it: n + 1
        if prior == 0:
            n_hat = 0.0  # PG = +inf
        else:
            gain = math.log((prior + 1) / (n + 2)) - math.log(prior / (n + 1))
            n_hat = min(1 / math.expm1(c * (n + 1) ** -0.5 * gain), MAX_COUNT)
        assert count == pytest.approx(n_hat + 1, rel=1e-9, abs=0)  # the current visit counted
        if prior == 0:
            assert count == 1.0  # a first visit: count 1, bonus 1, as exact counts give
    np.testing.assert_allclose(bonus, 1 / np.sqrt(figure), rtol=1e-12)


@given(st.floats(1e-6, 50.0), st.integers(1, 10**6), st.floats(0.01, 10.0))
def test_prediction_gain_count_formula(gain, n, c):
    expected = min(1 / math.expm1(c * n**-0.5 * gain), MAX_COUNT)
    assert prediction_gain_count(gain, n, c) == pytest.approx(expected, rel=1e-9)


# -- the pure functions never give NaN or inf --------------------------------------------------

log_probs = st.one_of(st.just(-np.inf), st.just(0.0), st.floats(-1e4, 0.0))


@given(log_probs, log_probs)
def test_pseudo_count_is_finite(log_p, log_p_recoding):
    count = pseudo_count(log_p, log_p_recoding)
    assert math.isfinite(count) and 0 <= count <= MAX_COUNT
    if log_p == -np.inf:
        assert count == 0
    elif log_p_recoding <= log_p:
        assert count == MAX_COUNT
    assert math.isfinite(float(count_bonus("mbie", count + 1)))  # the estimators report N_hat + 1


@given(st.floats(-1e4, 0.0), st.floats(0.0, 1e4))
def test_no_learning_progress_gives_the_cap(log_p, drop):
    assert pseudo_count(log_p, log_p - drop) == MAX_COUNT
    assert prediction_gain_count(-drop, 10, 0.1) == MAX_COUNT


@given(st.one_of(st.floats(-1e300, 1e300), st.just(np.inf)), st.integers(1, 10**9))
def test_prediction_gain_count_is_finite(gain, n):
    count = prediction_gain_count(gain, n, 0.1)
    assert math.isfinite(count) and 0 <= count <= MAX_COUNT


def test_pure_functions_vectorise_and_refuse_nan():
    counts = pseudo_count(np.array([-np.inf, -1.0, -1.0]), np.array([-1.0, -1.0, -0.5]))
    assert counts.shape == (3,) and counts[0] == 0 and counts[1] == MAX_COUNT
    with pytest.raises(ValueError, match="log_p"):
        pseudo_count(np.nan, -1.0)
    with pytest.raises(ValueError, match="NaN"):
        prediction_gain_count(np.nan, 1, 0.1)
    with pytest.raises(ValueError, match="n >= 1"):
        prediction_gain_count(1.0, 0, 0.1)


# -- CTS is a proper distribution that learns ------------------------------------------------


@pytest.mark.parametrize(
    "shape, levels, options",
    [((1, 3), 2, {}), ((2, 2), 2, {}), ((2, 3), 3, {}), ((2, 3), 2, ODD_CONTEXTS)],
)
def test_cts_probabilities_of_all_grids_sum_to_one(shape, levels, options):
    model = CTSDensity(shape, levels, **options)
    assert total_probability(model, shape, levels) == pytest.approx(1.0, abs=1e-9)
    frames = list(all_grids(shape, levels))
    for i in (0, 1, 1, 1, len(frames) - 1, 2, 1):
        model.log_prob_and_update(frames[i])
    assert total_probability(model, shape, levels) == pytest.approx(1.0, abs=1e-9)


@given(grid_sequence((2, 3), 3))
def test_cts_log_prob_agrees_with_the_update(frames):
    model = CTSDensity((2, 3), 3, **ODD_CONTEXTS)
    for x in frames:
        before = model.log_prob(x)
        log_p, log_p_recoding = model.log_prob_and_update(x)
        assert log_p == pytest.approx(before, rel=1e-12)
        assert log_p_recoding == pytest.approx(model.log_prob(x), rel=1e-12)
        assert log_p_recoding > log_p  # the mixture always makes progress on what it sees


@pytest.mark.parametrize("image", [False, True])
def test_cts_repeated_frame_gains_probability_and_count(image):
    rng = np.random.default_rng(0)
    if image:
        model = CTSDensity(image_size=(12, 10), levels=8)
        frame = rng.integers(0, 256, (60, 50, 3), dtype=np.uint8)
    else:
        model = CTSDensity((6, 7), 5)
        frame = rng.integers(0, 5, (6, 7))
    outputs = feed(model, [frame] * 25)
    log_ps = [log_p for log_p, _ in outputs]
    counts = [pseudo_count(*pair) for pair in outputs]
    assert np.all(np.diff(log_ps) > 0)
    assert np.all(np.diff(counts) > 0)
    assert model.n == 25


@given(grid_sequence((3, 4), 4, max_size=30))
def test_cts_estimators_are_finite(frames):
    obs = np.stack(frames)
    for estimator in (PseudoCounts(CTSDensity((3, 4), 4)), PredictionGain(CTSDensity((3, 4), 4))):
        figure, bonus = estimator.observe(Batch(obs))
        assert figure.shape == bonus.shape == (len(frames),)
        assert np.isfinite(figure).all() and np.isfinite(bonus).all()
        assert (figure >= 1).all() and (bonus > 0).all() and (bonus <= 1).all()  # N_hat + 1


# -- saving, resetting, batching ---------------------------------------------------------------


def make_cts():
    return CTSDensity((3, 4), 4, **ODD_CONTEXTS)


def cts_frames(sequence):
    return [np.full((3, 4), x % 4, dtype=np.uint8) + (np.eye(3, 4, dtype=np.uint8) * (x > 3))
            for x in sequence]  # fmt: skip


@pytest.mark.parametrize(
    "make, states",
    [
        (EmpiricalDensity, lambda seq: [np.array([x]) for x in seq]),
        (make_cts, cts_frames),
        (lambda: CTSDensity(image_size=(5, 4)), lambda seq: [np.full((9, 8, 3), 40 * x, np.uint8)
                                                             for x in seq]),
    ],
)  # fmt: skip
@given(sequence=small_ints, data=st.data())
def test_density_state_dict_round_trip(make, states, sequence, data):
    split = data.draw(st.integers(0, len(sequence)))
    xs = states(sequence)
    reference = make()
    expected = feed(reference, xs)
    first = make()
    head = feed(first, xs[:split])
    saved = first.state_dict()
    assert_plain(saved)
    feed(first, xs[split:])  # the saved state is a copy, not a view
    second = make()
    second.load_state_dict(saved)
    assert second.n == split
    assert head + feed(second, xs[split:]) == expected  # exact
    second.reset()
    assert feed(second, xs) == expected


@pytest.mark.parametrize("kind", [PseudoCounts, PredictionGain])
@pytest.mark.parametrize("make", [EmpiricalDensity, make_cts])
@given(sequence=small_ints, data=st.data())
def test_estimators_batch_equals_singles_and_round_trip(kind, make, sequence, data):
    obs = np.stack(cts_frames(sequence))
    batched, single = kind(make()), kind(make())
    figure, bonus = batched.observe(Batch(obs))
    singles = [single.observe(Batch(obs[i : i + 1])) for i in range(len(obs))]
    np.testing.assert_array_equal(figure, np.concatenate([f for f, _ in singles]))
    np.testing.assert_array_equal(bonus, np.concatenate([b for _, b in singles]))

    split = data.draw(st.integers(0, len(sequence)))
    first = kind(make())
    first.observe(Batch(obs[:split]))
    saved = first.state_dict()
    assert_plain(saved)
    second = kind(make())
    second.load_state_dict(saved)
    rest_figure, rest_bonus = second.observe(Batch(obs[split:]))
    np.testing.assert_array_equal(rest_figure, figure[split:])
    np.testing.assert_array_equal(rest_bonus, bonus[split:])
    second.reset()
    np.testing.assert_array_equal(second.observe(Batch(obs))[0], figure)


def test_empty_batch():
    figure, bonus = PseudoCounts(make_cts()).observe(Batch(np.zeros((0, 3, 4), np.uint8)))
    assert figure.shape == bonus.shape == (0,) and figure.dtype == np.float64


def test_cts_refuses_a_state_of_another_model():
    saved = CTSDensity((3, 4), 4).state_dict()
    with pytest.raises(ValueError, match="levels"):
        CTSDensity((3, 4), 5).load_state_dict(saved)
    with pytest.raises(ValueError, match="shape"):
        CTSDensity((4, 3), 4).load_state_dict(saved)


# -- bad inputs ----------------------------------------------------------------------------------


def test_cts_bad_inputs_at_the_call_leave_the_model_unchanged():
    model = CTSDensity((3, 4), 4)
    model.log_prob_and_update(np.zeros((3, 4), np.uint8))
    saved = model.state_dict()
    with pytest.raises(ValueError, match=r"shape \(3, 4\)"):
        model.log_prob_and_update(np.zeros((4, 3), np.uint8))
    with pytest.raises(ValueError, match="levels=4"):
        model.log_prob_and_update(np.full((3, 4), 4, np.uint8))
    with pytest.raises(ValueError, match="levels=4"):
        model.log_prob_and_update(np.full((3, 4), -1, np.int64))
    with pytest.raises(ValueError, match="integer grids"):
        model.log_prob_and_update(np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="uint8"):
        CTSDensity(image_size=(4, 4)).log_prob_and_update(np.zeros((8, 8, 3), np.float32))
    after = model.state_dict()
    assert after["n"] == saved["n"] == 1
    np.testing.assert_array_equal(after["table"], saved["table"])


def test_cts_check_space():
    grid = CTSDensity((3, 4), 4)
    grid.check_space(spaces.Box(0, 3, (3, 4), np.uint8))
    grid.check_space(spaces.MultiDiscrete(np.full((3, 4), 4)))
    grid.check_space(spaces.MultiBinary((3, 4)))
    with pytest.raises(ValueError, match="levels=256"):
        grid.check_space(spaces.Box(0, 255, (3, 4), np.uint8))
    with pytest.raises(ValueError, match="shape=\\(4, 3\\)"):
        grid.check_space(spaces.Box(0, 3, (4, 3), np.uint8))
    with pytest.raises(ValueError, match="integer grids.*image_size"):
        grid.check_space(spaces.Box(0.0, 1.0, (3, 4), np.float32))
    with pytest.raises(ValueError, match="Dict"):
        grid.check_space(spaces.Dict({"a": spaces.Discrete(2)}))
    image = CTSDensity(image_size=(42, 42))
    image.check_space(spaces.Box(0, 255, (210, 160, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8 Box images"):
        image.check_space(spaces.Box(0.0, 1.0, (210, 160, 3), np.float32))


def test_empirical_check_space():
    model = EmpiricalDensity()
    model.check_space(spaces.Box(0.0, 1.0, (3,), np.float32))
    model.check_space(spaces.Discrete(5))
    with pytest.raises(ValueError, match="Tuple.*Box, Discrete, MultiDiscrete"):
        model.check_space(spaces.Tuple((spaces.Discrete(2), spaces.Discrete(3))))
    with pytest.raises(ValueError, match="numeric arrays"):
        model.log_prob_and_update(np.array([None]))


def test_cts_constructor_errors():
    with pytest.raises(ValueError, match="shape=\\(H, W\\)"):
        CTSDensity()
    with pytest.raises(ValueError, match="levels"):
        CTSDensity((2, 2), 1)
    with pytest.raises(ValueError, match="not read before"):
        CTSDensity((2, 2), 2, contexts=(((1, 0),),))


# -- preprocessing -------------------------------------------------------------------------------


@given(st.integers(0, 255), st.integers(2, 256))
def test_preprocess_constant_image(value, levels):
    out = preprocess_image(np.full((30, 20, 3), value, np.uint8), size=(7, 5), levels=levels)
    assert out.shape == (7, 5) and out.dtype == np.uint8
    assert (out == value * levels // 256).all()


def test_preprocess_grey_mean_and_sampling():
    frame = np.zeros((4, 4, 3), np.uint8)
    frame[..., 0] = 255  # pure red: grey 85
    frame[2:, 2:] = 255  # white bottom-right block
    out = preprocess_image(frame, size=(2, 2), levels=4)
    np.testing.assert_array_equal(out, [[1, 1], [1, 3]])
    with pytest.raises(ValueError, match="uint8"):
        preprocess_image(frame.astype(np.float32))
