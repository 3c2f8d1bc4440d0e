"""The JAX batch of MiniMontezuma equals the numpy batch step for step, in JAX's 32-bit mode.

The numpy batch is itself tested equal to the single env (tests/envs/test_vector.py), so every
backend of the one rule set plays the same game: every shipped level and a procedural level set,
hypothesis-drawn seeds and actions, sticky actions, lost lives, episode limits and autoresets.
"""

from __future__ import annotations

import importlib.util

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.envs.minimontezuma.snapshot import Snapshots
from rlx_envs.rules.minimontezuma.level import shipped_levels

# JAX is imported by the tests themselves, not at collection: once its threads run, the job
# executor starts its workers from a forkserver instead of a cheaper fork.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason='needs JAX: pip install -e ".[jax]"'
)


def _jax():
    import jax
    import jax.numpy as jnp

    from rlx_envs.envs.minimontezuma import jax_env

    return jax, jnp, jax_env


NUM_ENVS = 4
#: (id, options): every shipped level (one of them with every observation) and a procedural set. Few
#: lives and short limits make deaths, truncations and autoresets frequent.
CASES = [
    ("rlx/MiniMontezuma-v0", {"level": name, "obs_mode": mode, "lives": 2, "max_episode_steps": 60})
    for name, mode in zip(sorted(shipped_levels()), ("dict", "ram", "ram", "ram", "ram"),
                          strict=False)
] + [
    ("rlx/MiniMontezumaProcgen-v0",
     {"num_levels": 4, "start_level": 7, "obs_mode": "symbolic", "lives": 1,
      "max_episode_steps": 40}),
]  # fmt: skip
_PAIRS: dict[int, tuple] = {}


def _pair(case: int):
    """The numpy and the JAX batch of one case, made once (the JAX one compiles once)."""
    if case not in _PAIRS:
        env_id, options = CASES[case]
        make = {"num_envs": NUM_ENVS, "vectorization_mode": "vector_entry_point", **options}
        _PAIRS[case] = (gym.make_vec(env_id, **make), gym.make_vec(env_id, backend="jax", **make))
    return _PAIRS[case]


def _assert_same(numpy_value, jax_value, what: str) -> None:
    if isinstance(numpy_value, tuple):
        assert len(numpy_value) == len(jax_value), what
        for i, (a, b) in enumerate(zip(numpy_value, jax_value, strict=True)):
            _assert_same(a, b, f"{what}[{i}]")
        return
    if isinstance(numpy_value, dict):
        assert sorted(numpy_value) == sorted(jax_value), what
        for key in numpy_value:
            _assert_same(numpy_value[key], jax_value[key], f"{what}[{key!r}]")
        return
    a, b = np.asarray(numpy_value), np.asarray(jax_value)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    assert a.dtype.kind == b.dtype.kind, (what, a.dtype, b.dtype)
    np.testing.assert_array_equal(a, b, err_msg=what)


@pytest.mark.parametrize(
    "case", range(len(CASES)), ids=[str(c[1].get("level", c[0])) for c in CASES]
)
@settings(max_examples=2, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1), actions=st.lists(st.integers(0, 7), min_size=40, max_size=100)
)
def test_jax_batch_equals_numpy_batch(case, seed, actions):
    numpy_envs, jax_envs = _pair(case)
    _assert_same(numpy_envs.reset(seed=seed), jax_envs.reset(seed=seed), "reset")
    rng = np.random.default_rng(seed)
    for t, first in enumerate(actions):
        batch = np.concatenate([[first], rng.integers(0, 8, NUM_ENVS - 1)])
        expected, got = numpy_envs.step(batch), jax_envs.step(batch)
        for name, a, b in zip(("obs", "reward", "terminated", "truncated", "info"), expected, got,
                              strict=True):  # fmt: skip
            _assert_same(a, b, f"step {t}: {name}")


def test_unseeded_resets_follow_the_numpy_keys():
    numpy_envs, jax_envs = _pair(0)
    numpy_envs.reset(seed=5), jax_envs.reset(seed=5)
    for _ in range(20):
        numpy_envs.step(np.zeros(NUM_ENVS, np.int64)), jax_envs.step(np.zeros(NUM_ENVS, np.int64))
    _assert_same(numpy_envs.reset(), jax_envs.reset(), "unseeded reset")


def test_the_functional_api_is_pure_and_scans():
    jax, jnp, jax_env = _jax()
    env = jax_env.MiniMontezumaJax(level="first_room", max_episode_steps=30, lives=1)
    params = env.default_params
    keys = jax.random.split(jax.random.key(3), 8)
    obs, state = jax.vmap(env.reset, in_axes=(0, None))(keys, params)
    assert obs.shape == (8, 128) and obs.dtype == jnp.uint8
    step = jax.vmap(env.step, in_axes=(None, 0, 0, None))

    def body(state, t):
        actions = jax.random.randint(jax.random.fold_in(jax.random.key(0), t), (8,), 0, 8)
        obs, state, reward, terminated, truncated, info = step(jax.random.key(0), state, actions,
                                                               params)  # fmt: skip
        return state, (reward, terminated | truncated, info["cell"])

    run = jax.jit(lambda state: jax.lax.scan(body, state, jnp.arange(64)))
    (_, (_, done, cells)), again = run(state), run(state)
    np.testing.assert_array_equal(cells, again[1][2])  # same inputs, same outputs
    assert done.any(), "30-step episodes end within 64 steps"
    assert cells.dtype == jnp.int32 and cells.shape == (64, 8, 6)
    assert not jax.config.jax_enable_x64  # nothing flipped the user's flags


def test_reset_matches_the_numpy_episode_keys():
    jax, _, jax_env = _jax()
    env = jax_env.MiniMontezumaJax(level="first_room")
    numpy_envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", 3,
                              vectorization_mode="vector_entry_point")  # fmt: skip
    expected, _ = numpy_envs.reset(seed=11)
    start = jax.vmap(env.initial_state, in_axes=(0, None))(
        jax_env.batch_seed_keys(11, 3), env.default_params
    )
    got = jax.vmap(env.observation, in_axes=(0, None))(start, env.default_params)
    np.testing.assert_array_equal(expected, got)


def test_bad_options_name_the_alternative():
    with pytest.raises(ValueError, match="numpy"):
        gym.make_vec("rlx/MiniMontezumaProcgen-v0", 2, vectorization_mode="vector_entry_point",
                     backend="jax")  # fmt: skip
    with pytest.raises(ValueError, match="valid choices: 'numpy', 'jax'"):
        gym.make_vec("rlx/MiniMontezuma-v0", 2, vectorization_mode="vector_entry_point",
                     backend="cuda")  # fmt: skip
    with pytest.raises(ValueError, match="NEXT_STEP.*numpy"):
        gym.make_vec("rlx/MiniMontezuma-v0", 2, vectorization_mode="vector_entry_point",
                     backend="jax", autoreset_mode="SameStep")  # fmt: skip
    with pytest.raises(ValueError, match="semantics='masked' runs on the numpy envs"):
        _jax()[2].MiniMontezumaJax(semantics="masked")
    envs = gym.make_vec("rlx/MiniMontezuma-v0", 2, vectorization_mode="vector_entry_point",
                        backend="jax")  # fmt: skip
    envs.reset(seed=0)
    with pytest.raises(ValueError, match="valid actions are 0..7"):
        envs.step(np.array([0, 8]))


@pytest.mark.parametrize("case", [0, len(CASES) - 1], ids=["fixed level", "procedural set"])
def test_jax_snapshots_equal_numpy_snapshots_and_restore_across(case):
    numpy_envs, jax_envs = _pair(case)
    numpy_envs.reset(seed=21), jax_envs.reset(seed=21)
    rng = np.random.default_rng(21)
    for _ in range(25):
        actions = rng.integers(0, 8, NUM_ENVS)
        numpy_envs.step(actions), jax_envs.step(actions)
    saved = jax_envs.get_state(envs=[3, 1])
    assert saved == numpy_envs.get_state(envs=[3, 1])
    assert jax_envs.get_states([3, 1]).as_tuple() == saved  # the table, as the numpy batch's
    plan = [rng.integers(0, 8, NUM_ENVS) for _ in range(15)]
    expected = [numpy_envs.step(a)[0] for a in plan]
    for restore in ("set_state", "set_states"):  # from snapshots, then from their table
        jax_envs.reset(seed=5)
        if restore == "set_state":
            jax_envs.set_state(saved, envs=[3, 1])
        else:
            jax_envs.set_states(Snapshots.of(saved), envs=[3, 1])
        assert jax_envs.get_state(envs=[3, 1]) == saved
        got = [jax_envs.step(a)[0] for a in plan]
        for a, b in zip(expected, got, strict=True):
            _assert_same(
                a[[3, 1]] if not isinstance(a, dict) else {k: v[[3, 1]] for k, v in a.items()},
                b[[3, 1]] if not isinstance(b, dict) else {k: v[[3, 1]] for k, v in b.items()},
                f"envs restored by {restore}")  # fmt: skip
