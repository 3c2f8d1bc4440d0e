"""N CTS models as arrays (BatchedCTSDensity): model i equals a lone CTSDensity fed its frames."""

import numpy as np
import pytest
from gymnasium import spaces
from hypothesis import given, settings
from hypothesis import strategies as st

from rlx_envs.estimators.base import Batch
from rlx_envs.estimators.cts_batch import BatchedCTSDensity
from rlx_envs.estimators.density import CTSDensity
from rlx_envs.estimators.pseudo_counts import PredictionGain, PseudoCounts

#: (constructor arguments, a pool of inputs): grids with the default contexts (some hashed, as
#: MiniMontezuma's symbolic grid has), grids with a far-reaching, always-hashed context, images.
ODD = {"contexts": ((), ((-1, 0),), ((0, -1), (-2, 1))), "max_contexts": 2}
RNG = np.random.default_rng(0)
KINDS = {
    "grid": ({"shape": (4, 5), "levels": 19}, RNG.integers(0, 19, (6, 4, 5))),
    "hashed": ({"shape": (3, 4), "levels": 3, **ODD}, RNG.integers(0, 3, (6, 3, 4))),
    "image": ({"image_size": (6, 5), "levels": 8}, RNG.integers(0, 256, (6, 20, 14, 3), np.uint8)),
}
#: Calls of (model, pool index) pairs: a model may appear twice in one call.
calls = st.lists(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), max_size=6), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None)
@pytest.mark.parametrize("kind", sorted(KINDS))
@given(sequence=calls)
def test_model_i_equals_a_lone_cts_fed_the_same_frames(kind, sequence):
    arguments, pool = KINDS[kind]
    batch, lone = BatchedCTSDensity(3, **arguments), [CTSDensity(**arguments) for _ in range(3)]
    for call in sequence:
        models = np.array([m for m, _ in call], np.int64)
        frames = pool[[f for _, f in call]] if call else pool[:0]
        log_p, log_p_recoding = batch.log_prob_and_update(frames, models)
        for j, (m, f) in enumerate(call):
            want = lone[m].log_prob_and_update(pool[f])
            assert log_p[j] == pytest.approx(want[0], rel=1e-12, abs=1e-12)
            assert log_p_recoding[j] == pytest.approx(want[1], rel=1e-12, abs=1e-12)
    assert batch.n.tolist() == [model.n for model in lone]
    for m in range(3):
        copy = batch.model(m)
        assert copy.log_prob(pool[0]) == pytest.approx(lone[m].log_prob(pool[0]), rel=1e-12)
        assert batch.log_prob(pool[:1], [m])[0] == pytest.approx(copy.log_prob(pool[0]), rel=1e-12)


def test_minimontezuma_symbolic_grids_bitwise():
    """The size the per-env pseudo-count runs at: 18x24, 19 symbols, 16 models, exactly equal."""
    rng = np.random.default_rng(1)
    pool = rng.integers(0, 19, (5, 18, 24))
    batch, lone = BatchedCTSDensity(16, (18, 24), 19), [CTSDensity((18, 24), 19) for _ in range(2)]
    for _ in range(4):
        frames = pool[rng.integers(0, 5, 16)]
        log_p, log_p_recoding = batch.log_prob_and_update(frames, np.arange(16))
        for m in (0, 15):
            assert lone[m // 15].log_prob_and_update(frames[m]) == (log_p[m], log_p_recoding[m])


def test_reset_forgets_only_the_models_named():
    pool = RNG.integers(0, 4, (2, 3, 3))
    batch = BatchedCTSDensity(3, (3, 3), 4)
    batch.log_prob_and_update(pool[[0, 0, 1]], [0, 1, 2])
    batch.reset([1])
    assert batch.n.tolist() == [1, 0, 1]
    fresh = CTSDensity((3, 3), 4)
    assert batch.log_prob(pool[:1], [1])[0] == fresh.log_prob(pool[0])
    assert batch.log_prob(pool[:1], [0])[0] > fresh.log_prob(pool[0])  # model 0 saw it


def test_state_dict_round_trip_and_checks():
    pool = RNG.integers(0, 4, (4, 3, 3))
    first = BatchedCTSDensity(2, (3, 3), 4)
    first.log_prob_and_update(pool[:2], [0, 1])
    second = BatchedCTSDensity(2, (3, 3), 4)
    second.load_state_dict(first.state_dict())
    for got, want in zip(
        second.log_prob_and_update(pool[2:], [1, 0]),
        first.log_prob_and_update(pool[2:], [1, 0]),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)  # exact
    np.testing.assert_array_equal(first.state_dict()["table"], second.state_dict()["table"])
    with pytest.raises(ValueError, match="holds 2 models"):
        BatchedCTSDensity(3, (3, 3), 4).load_state_dict(first.state_dict())
    with pytest.raises(ValueError, match="levels"):
        BatchedCTSDensity(2, (3, 3), 5).load_state_dict(first.state_dict())


def test_bad_inputs():
    batch = BatchedCTSDensity(2, (3, 3), 4)
    with pytest.raises(ValueError, match=r"in 0\.\.1"):
        batch.log_prob_and_update(np.zeros((1, 3, 3), np.uint8), [2])
    with pytest.raises(ValueError, match="one per frame"):
        batch.log_prob_and_update(np.zeros((2, 3, 3), np.uint8), [0])
    with pytest.raises(ValueError, match="levels=4"):
        batch.log_prob_and_update(np.full((1, 3, 3), 4, np.uint8), [0])
    with pytest.raises(ValueError, match=r"models \(one per env\) must be an integer >= 1"):
        BatchedCTSDensity(0, (3, 3), 4)
    with pytest.raises(ValueError, match="shape=\\(3, 3\\)"):
        batch.check_space(spaces.Box(0, 3, (4, 3), np.uint8))
    with pytest.raises(ValueError, match="envs="):
        PseudoCounts(batch).observe(Batch(np.zeros((1, 3, 3), np.uint8)))


@pytest.mark.parametrize("kind", [PseudoCounts, PredictionGain])
def test_per_env_estimators_equal_lone_estimators(kind):
    """Figures and bonuses (N_hat + 1 and its bonus; PG's n is each model's own)."""
    pool = RNG.integers(0, 4, (3, 3, 3))
    per_env = kind(BatchedCTSDensity(2, (3, 3), 4))
    lone = [kind(CTSDensity((3, 3), 4)) for _ in range(2)]
    envs = np.array([0, 1, 1, 0, 1, 1, 1])
    frames = pool[[0, 0, 1, 0, 2, 2, 0]]
    figure, bonus = per_env.observe(Batch(frames, envs=envs))
    for j, i in enumerate(envs.tolist()):
        f, b = lone[i].observe(Batch(frames[j : j + 1]))
        assert figure[j] == pytest.approx(f[0], rel=1e-12)
        assert bonus[j] == pytest.approx(b[0], rel=1e-12)
    assert (figure >= 1).all() and np.allclose(bonus, figure**-0.5)
