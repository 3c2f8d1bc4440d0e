"""The learned estimators: numpy MLP and Adam, RND, Stadie's forward model, VIME's information gain.

Gradients against finite differences; learning (a repeated transition's error falls, a novel one
scores higher); exactness (seeds, batches, state round trips, reset); robustness (no NaN or inf on
any input) and clear errors on inputs the estimators cannot take.
"""

import numpy as np
import pytest
from gymnasium import spaces
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rlx_envs.estimators.base import Batch
from rlx_envs.estimators.bnn import BayesianMLP, InfoGain, gaussian_kl
from rlx_envs.estimators.networks import MLP, Adam
from rlx_envs.estimators.predictors import RND, ForwardModelError

N_ACTIONS = 3
SMALL = {  # small networks keep the file fast; the defaults are exercised in test_defaults
    RND: dict(hidden=(16,), features=8),
    ForwardModelError: dict(hidden=(16,), features=8, num_actions=N_ACTIONS),
    InfoGain: dict(hidden=(16,), features=8, num_actions=N_ACTIONS),
}
ESTIMATORS = list(SMALL)


def make(cls, **kw):
    return cls(**{**SMALL[cls], **kw})


def transitions(n, dim=6, seed=0, dtype=np.uint8):
    """n random transitions as (prev_obs, actions, obs)."""
    rng = np.random.default_rng(seed)
    obs = rng.integers(0, 256, (n + 1, dim)).astype(dtype)
    return obs[:-1], rng.integers(0, N_ACTIONS, n), obs[1:]


def feed(est, prev, actions, obs, batch_size=None):
    """Observe the transitions in batches of ``batch_size`` (all at once if None)."""
    n = len(obs)
    size = n if batch_size is None else batch_size
    out = [est.observe(Batch(obs=obs[i : i + size], prev_obs=prev[i : i + size],
                             actions=actions[i : i + size]))
           for i in range(0, n, size)]  # fmt: skip
    return np.concatenate([f for f, _ in out]), np.concatenate([b for _, b in out])


def assert_same_state(a, b):
    """Recursive exact equality of two state dicts."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same_state(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_state(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    else:
        assert a == b


def numerical_grad(f, arrays_, h=1e-6):
    """Central differences of the scalar f() with respect to every entry of ``arrays_``."""
    grads = []
    for a in arrays_:
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + h
            up = f()
            a[idx] = old - h
            down = f()
            a[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


# -- networks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("batched", [False, True])
def test_mlp_gradients_match_finite_differences(activation, batched):
    net = MLP([5, 7, 6, 3], activation, seed=1)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5) if batched else 5)
    target = rng.normal(size=(4, 3) if batched else 3)

    def loss():
        return float(np.sum((net(x) - target) ** 2))

    out, cache = net.forward(x)
    grads, grad_x = net.backward(cache, 2 * (out - target))
    for g, num in zip(grads, numerical_grad(loss, net.params), strict=True):
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad_x, numerical_grad(loss, [x])[0], rtol=1e-5, atol=1e-7)


def test_mlp_and_adam_learn_and_round_trip_exactly():
    net = MLP([2, 16, 1], seed=0)
    opt = Adam(net.params, lr=1e-2)
    x, y = np.array([0.5, -1.0]), np.array([2.0])
    for i in range(300):
        if i == 150:
            saved = (net.state_dict(), opt.state_dict())
        out, cache = net.forward(x)
        opt.step(net.params, net.backward(cache, 2 * (out - y))[0])
    assert abs(net(x)[0] - 2.0) < 1e-3
    net2, opt2 = MLP([2, 16, 1], seed=5), Adam(net.params, lr=1e-2)
    net2.load_state_dict(saved[0])
    opt2.load_state_dict(saved[1])
    for _ in range(150):
        out, cache = net2.forward(x)
        opt2.step(net2.params, net2.backward(cache, 2 * (out - y))[0])
    assert_same_state(net.state_dict(), net2.state_dict())
    assert_same_state(opt.state_dict(), opt2.state_dict())
    with pytest.raises(ValueError, match="shapes"):
        MLP([2, 8, 1]).load_state_dict(net.state_dict())
    with pytest.raises(ValueError, match="activation"):
        MLP([2, 1], activation="gelu")


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_vime_objective_gradients_match_finite_differences(activation):
    bnn = BayesianMLP([4, 5, 3], activation, init_std=0.2, noise_std=0.5, seed=3)
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=4), rng.normal(size=3)
    noise = [bnn.sample_noise(rng) for _ in range(2)]
    mu_old = [m + 0.1 * rng.normal(size=m.shape) for m in bnn.mu]
    sigma_old = [s * rng.uniform(0.5, 2.0, s.shape) for s in bnn.sigma()]

    def loss():
        return bnn.objective(x, y, noise, mu_old, sigma_old)[0]

    _, g_mu, g_rho = bnn.objective(x, y, noise, mu_old, sigma_old)
    for g, num in zip(g_mu + g_rho, numerical_grad(loss, bnn.mu + bnn.rho), strict=True):
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)


def test_gaussian_kl_closed_form():
    m1, s1, m0, s0 = np.array([0.3]), np.array([0.5]), np.array([-0.2]), np.array([0.8])
    want = np.log(0.8 / 0.5) + (0.5**2 + 0.5**2) / (2 * 0.8**2) - 0.5
    assert gaussian_kl([m1], [s1], [m0], [s0]) == pytest.approx(want, rel=1e-12)
    assert gaussian_kl([m1], [s1], [m1.copy()], [s1.copy()]) == 0.0


# -- learning --------------------------------------------------------------------------------------


def score_from(est, state, prev, action, obs):
    """The figure of one transition observed from ``state`` (the estimator is left there)."""
    est.load_state_dict(state)
    return est.observe(Batch(obs=obs[None], prev_obs=prev[None], actions=np.array([action])))[0][0]


def test_rnd_learns_familiar_states_and_scores_novel_ones_higher():
    rng = np.random.default_rng(0)
    states = rng.integers(0, 256, (4, 16)).astype(np.uint8)
    est = make(RND, lr=3e-3)
    obs = np.tile(states, (150, 1))
    errors = feed(est, obs, np.zeros(len(obs), int), obs)[0]
    assert errors[-4:].mean() < 0.05 * errors[4:8].mean()
    state = est.state_dict()
    novel = rng.integers(0, 256, 16).astype(np.uint8)
    assert score_from(est, state, novel, 0, novel) > 10 * score_from(est, state, obs[0], 0, obs[0])


@pytest.mark.parametrize("cls", [ForwardModelError, InfoGain])
def test_dynamics_models_learn_a_repeated_transition_and_are_surprised_by_a_novel_one(cls):
    prev, actions, obs = transitions(1, dim=8, seed=1)
    n = 300
    est = make(cls, normalise=None) if cls is InfoGain else make(cls, lr=3e-3)
    figures = feed(est, np.repeat(prev, n, 0), np.repeat(actions, n), np.repeat(obs, n, 0))[0]
    assert figures[-10:].mean() < 0.2 * figures[:10].mean()
    state = est.state_dict()
    novel = np.full(8, 255 - obs[0, 0], np.uint8)
    familiar = score_from(est, state, prev[0], actions[0], obs[0])
    assert score_from(est, state, prev[0], actions[0], novel) > 5 * familiar


def test_vime_kl_is_exactly_zero_when_the_model_does_not_change():
    prev, actions, obs = transitions(20)
    for kw in (dict(lr=0.0), dict(updates=0)):
        figure, bonus = feed(make(InfoGain, **kw), prev, actions, obs)
        assert np.array_equal(figure, np.zeros(20)) and np.array_equal(bonus, np.zeros(20))


def test_vime_median_normalisation():
    prev, actions, obs = transitions(12)
    kls = feed(make(InfoGain, normalise=None), prev, actions, obs)[0]
    figure, bonus = feed(make(InfoGain, window=3), prev, actions, obs)
    assert np.array_equal(figure, kls)  # normalising does not change what the model learns
    medians = [np.median(kls[max(0, i - 2) : i + 1]) for i in range(12)]
    np.testing.assert_allclose(bonus, kls / np.maximum(medians, 1e-8), rtol=1e-12)
    assert bonus[0] == 1.0
    with pytest.raises(ValueError, match="normalise"):
        make(InfoGain, normalise="mean")


# -- exactness -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_seeded_runs_are_identical_and_seeds_differ(cls):
    data = transitions(30)
    a, b, c = (feed(make(cls, seed=s), *data) for s in (7, 7, 8))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("cls", ESTIMATORS)
@given(sizes=st.lists(st.integers(1, 5), min_size=1, max_size=6))
def test_a_batch_of_n_equals_n_batches_of_one(cls, sizes):
    n = sum(sizes)
    prev, actions, obs = transitions(n, seed=n)
    whole, one = make(cls), make(cls)
    want = feed(whole, prev, actions, obs)
    parts, start = [], 0
    for size in sizes:  # arbitrary splits, down to batches of one
        s = slice(start, start + size)
        parts.append(feed(one, prev[s], actions[s], obs[s]))
        start += size
    assert np.array_equal(want[0], np.concatenate([p[0] for p in parts]))
    assert np.array_equal(want[1], np.concatenate([p[1] for p in parts]))
    assert_same_state(whole.state_dict(), one.state_dict())


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("given_space", [False, True])
def test_state_round_trip_continues_exactly(cls, dtype, given_space):
    first, rest = transitions(15, seed=1, dtype=dtype), transitions(15, seed=2, dtype=dtype)
    space = spaces.Box(0, 255, (6,), dtype) if given_space else None
    est = make(cls, observation_space=space)
    feed(est, *first)
    state = est.state_dict()
    want = feed(est, *rest)
    assert_same_state(state, state)  # the saved state is plain data, unchanged by later steps
    fresh = make(cls, observation_space=space)
    fresh.load_state_dict(state)
    got = feed(fresh, *rest)
    assert np.array_equal(want[0], got[0]) and np.array_equal(want[1], got[1])
    assert_same_state(est.state_dict(), fresh.state_dict())


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_reset_reinitialises_from_the_seed(cls):
    data = transitions(10)
    est = make(cls, seed=3)
    first = feed(est, *data)
    est.reset()
    again = feed(est, *data)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    unbuilt = make(cls)
    state = unbuilt.state_dict()
    est.load_state_dict(state)  # a state saved before any observation loads too
    assert np.array_equal(feed(est, *data)[0], feed(make(cls), *data)[0])


def test_large_observations_are_projected_and_box_actions_taken():
    space = spaces.Box(0, 255, (12, 12, 3), np.uint8)
    actions = spaces.Box(-1, 1, (2,), np.float32)
    rng = np.random.default_rng(0)
    obs = rng.integers(0, 256, (9, 12, 12, 3)).astype(np.uint8)
    acts = rng.uniform(-1, 1, (8, 2)).astype(np.float32)
    for cls in (ForwardModelError, InfoGain):
        est = cls(space, actions, features=16, hidden=(8,))
        assert est.encoder.projection.shape == (432, 16)
        figure, bonus = feed(est, obs[:-1], acts, obs[1:])
        assert np.isfinite(figure).all() and (bonus >= 0).all()


def test_defaults_on_ram_observations():
    ram = spaces.Box(0, 255, (128,), np.uint8)
    prev, actions, obs = transitions(5, dim=128)
    for est in (RND(ram), ForwardModelError(ram, spaces.Discrete(N_ACTIONS)),
                InfoGain(ram, num_actions=N_ACTIONS)):  # fmt: skip
        figure, bonus = feed(est, prev, actions, obs)
        assert figure.dtype == bonus.dtype == np.float64 and figure.shape == (5,)


# -- robustness ------------------------------------------------------------------------------------

floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@pytest.mark.parametrize("cls", ESTIMATORS)
@given(
    obs=arrays(np.float64, st.tuples(st.integers(1, 6), st.just(4)), elements=floats),
    actions=st.lists(st.integers(0, N_ACTIONS - 1), min_size=12, max_size=12),
)
def test_no_nan_or_inf_on_any_finite_input(cls, obs, actions):
    # zeros, huge values, repeated states, then states never seen before
    stream = np.concatenate([obs, obs, np.zeros((2, 4)), obs[::-1] * -1.0, np.full((1, 4), 1e300)])
    prev, nxt = stream[:-1], stream[1:]
    acts = np.resize(np.array(actions), len(nxt))
    est = make(cls)
    figure, bonus = feed(est, prev, acts, nxt, batch_size=3)
    assert figure.dtype == bonus.dtype == np.float64
    assert np.isfinite(figure).all() and np.isfinite(bonus).all()
    assert (figure >= 0).all() and (bonus >= 0).all()
    assert all(np.isfinite(p).all() for p in _arrays(est.state_dict()))


def _arrays(state):
    if isinstance(state, dict):
        return [a for v in state.values() for a in _arrays(v)]
    if isinstance(state, list):
        return [a for v in state for a in _arrays(v)]
    return [state] if isinstance(state, np.ndarray) else []


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_unsupported_spaces_are_refused_clearly(cls):
    for space in (spaces.Dict({"a": spaces.Discrete(2)}), spaces.Text(5),
                  spaces.Tuple([spaces.Discrete(2)])):  # fmt: skip
        with pytest.raises(ValueError, match="Box, Discrete, MultiDiscrete or MultiBinary"):
            make(cls).check_space(space)
        with pytest.raises(ValueError, match="FlattenObservation"):
            make(cls, observation_space=space)
    est = make(cls, observation_space=spaces.Box(0, 1, (6,)))
    est.check_space(spaces.Box(-1, 1, (6,)))
    with pytest.raises(ValueError, match=r"shape \(6,\), not \(5,\)"):
        est.check_space(spaces.Box(0, 1, (5,)))


@pytest.mark.parametrize("cls", [ForwardModelError, InfoGain])
def test_action_spaces_are_checked(cls):
    kw = {**SMALL[cls], "num_actions": None}
    with pytest.raises(ValueError, match="num_actions"):
        cls(**kw)
    with pytest.raises(ValueError, match=r"Discrete\(n\) or Box"):
        cls(action_space=spaces.MultiDiscrete([2, 3]), **kw)
    est = cls(action_space=spaces.Discrete(3, start=1), **kw)
    prev, actions, obs = transitions(4)
    feed(est, prev, actions + 1, obs)
    with pytest.raises(ValueError, match=r"integers in \[1, 4\)"):
        feed(est, prev, actions + 2, obs)
    with pytest.raises(ValueError, match="actions have shape"):
        feed(est, prev, np.zeros((4, 2), int), obs)
    box = cls(action_space=spaces.Box(-1, 1, (2,)), **kw)
    with pytest.raises(ValueError, match=r"expected \(4, 2\)"):
        feed(box, prev, np.zeros(4), obs)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_bad_batches_give_clear_errors(cls):
    prev, actions, obs = transitions(4)
    est = make(cls)
    feed(est, prev, actions, obs)
    with pytest.raises(ValueError, match="obs has shape"):
        feed(est, prev[:, :5], actions, obs[:, :5])
    bad = obs.astype(float)
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        feed(est, prev, actions, bad)
    with pytest.raises(ValueError, match="numeric"):
        feed(est, prev, actions, obs.astype(str))
    if cls is not RND:
        with pytest.raises(ValueError, match="prev_obs"):
            est.observe(Batch(obs=obs, actions=actions))
        with pytest.raises(ValueError, match="prev_obs has shape"):
            feed(est, prev[:3], actions, obs)
        with pytest.raises(ValueError, match="actions"):
            est.observe(Batch(obs=obs, prev_obs=prev))
