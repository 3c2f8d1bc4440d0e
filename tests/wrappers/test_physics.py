"""PhysicsRandomization, the physics distributions and the randomized Hopper / Half-Cheetah."""

import os
import pickle

os.environ.setdefault("MUJOCO_GL", "egl")

import gymnasium as gym  # noqa: E402
import mujoco  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import rlx_envs  # noqa: E402, F401
from rlx_envs.registration import ids  # noqa: E402
from rlx_envs.rules.physics import (
    EPOPT_HALF_CHEETAH,
    EPOPT_HOPPER,
    Fixed,
    LogUniform,
    Outside,
    TruncatedNormal,
    Uniform,
    body_mass,
    floor_tilt,
    geom_friction,
    joint_damping,
)
from rlx_envs.wrappers import PhysicsRandomization  # noqa: E402

PHYSICS_IDS = ids("physics")
HOPPER_MASS = TruncatedNormal(6.0, 1.5, 3.0, 9.0)


def hopper(**kwargs):
    return PhysicsRandomization(gym.make("Hopper-v5"), [body_mass("torso", HOPPER_MASS)], **kwargs)


def rollout(env, seed, steps=30):
    obs, _ = env.reset(seed=seed)
    actions = np.random.default_rng(seed).uniform(-1, 1, size=(steps, *env.action_space.shape))
    out = [obs]
    for a in actions:
        obs, *_ = env.step(a)
        out.append(obs)
    return np.array(out)


def model_arrays(model):
    """Every numpy array field of an MjModel (and of its options), by name."""
    out = {}
    for owner, prefix in ((model, ""), (model.opt, "opt.")):
        for name in dir(owner):
            if name.startswith("_"):
                continue
            value = getattr(owner, name)
            if isinstance(value, np.ndarray):
                out[prefix + name] = value.copy()
            elif isinstance(value, float):
                out[prefix + name] = value
    return out


# -- registered envs -----------------------------------------------------------------------------
def test_the_six_ids_are_registered():
    assert sorted(PHYSICS_IDS) == sorted(
        f"rlx/{robot}{variant}-v0"
        for robot in ("Hopper", "HalfCheetah")
        for variant in ("Random", "Nominal", "Extreme")
    )


@pytest.mark.parametrize("env_id", PHYSICS_IDS)
def test_check_env(env_id):
    env = gym.make(env_id)
    # The human render mode needs a display; rgb_array is checked in test_rgb_array_renders.
    check_env(env.unwrapped, skip_render_check=True)
    check_env(gym.make(env_id, expose="observation").unwrapped, skip_render_check=True)


def test_rgb_array_renders_headless():
    env = gym.make("rlx/HopperRandom-v0", render_mode="rgb_array", width=64, height=48)
    env.reset(seed=0)
    try:
        frame = env.render()
    except Exception as error:  # pragma: no cover - depends on the machine's GL
        pytest.skip(f"no OpenGL context for MuJoCo (MUJOCO_GL={os.environ['MUJOCO_GL']}): {error}")
    assert frame.shape == (48, 64, 3) and frame.dtype == np.uint8 and frame.std() > 0
    env.close()


@pytest.mark.parametrize(
    ("env_id", "table"),
    [("rlx/HopperNominal-v0", EPOPT_HOPPER), ("rlx/HalfCheetahNominal-v0", EPOPT_HALF_CHEETAH)],
)
def test_nominal_variant_is_the_table_means(env_id, table):
    env = gym.make(env_id)
    for seed in range(3):
        _, info = env.reset(seed=seed)
        assert info["physics"] == {row.name: row.mean for row in table}
    model = env.unwrapped.model
    assert model.body("torso").mass[0] == 6.0


@pytest.mark.parametrize(("variant", "inside"), [("Random", True), ("Extreme", False)])
def test_random_draws_inside_and_extreme_outside_the_training_ranges(variant, inside):
    env = gym.make(f"rlx/Hopper{variant}-v0")
    for seed in range(40):
        _, info = env.reset(seed=seed)
        for row in EPOPT_HOPPER:
            value = info["physics"][row.name]
            assert (row.low <= value <= row.high) == inside, (row.name, value)
            assert row.outer_low <= value <= row.outer_high


def test_table_rows_reach_the_named_elements():
    env = gym.make("rlx/HopperRandom-v0").unwrapped
    wrapper = gym.make("rlx/HopperRandom-v0")
    _, info = wrapper.reset(seed=3)
    model = wrapper.unwrapped.model
    p = info["physics"]
    assert model.body("torso").mass[0] == p["torso_mass"]
    # Every geom, floor included: a contact takes the larger friction of its two geoms.
    assert np.all(model.geom_friction[:, 0] == p["ground_friction"])
    for joint in ("thigh_joint", "leg_joint", "foot_joint"):
        dof = model.joint(joint).dofadr[0]
        assert model.dof_damping[dof] == p["joint_damping"]
        assert model.dof_armature[dof] == p["armature"]
    # The root joints are left alone.
    assert np.all(model.dof_damping[:3] == env.model.dof_damping[:3])


# -- seeding and reproducibility -----------------------------------------------------------------
def test_same_seed_same_physics_and_trajectory():
    a, b = gym.make("rlx/HopperRandom-v0"), gym.make("rlx/HopperRandom-v0")
    np.testing.assert_array_equal(rollout(a, 7), rollout(b, 7))
    _, info_a = a.reset(seed=7)
    _, info_b = b.reset(seed=7)
    assert info_a["physics"] == info_b["physics"]
    _, info_c = b.reset(seed=8)
    assert info_c["physics"] != info_a["physics"]


def test_unseeded_resets_continue_the_seeded_stream():
    a, b = hopper(), hopper()
    a.reset(seed=1)
    b.reset(seed=1)
    draws_a = [a.reset()[1]["physics"] for _ in range(5)]
    draws_b = [b.reset()[1]["physics"] for _ in range(5)]
    assert draws_a == draws_b and len({d["torso_body_mass"] for d in draws_a}) == 5


def test_resample_every_k_episodes_and_never():
    env = hopper(resample_every=3)
    env.reset(seed=0)
    masses = [env.reset()[1]["physics"]["torso_body_mass"] for _ in range(6)]
    # Drawn at the seeded reset, kept for 3 episodes, drawn again, kept for 3.
    assert masses[0] == masses[1] != masses[2] == masses[3] == masses[4] != masses[5]
    frozen = hopper(resample_every=None)
    first = frozen.reset(seed=0)[1]["physics"]
    assert all(frozen.reset()[1]["physics"] == first for _ in range(5))
    assert frozen.reset(seed=0)[1]["physics"] == first


# -- the edits reach the simulation --------------------------------------------------------------
def test_a_heavier_torso_changes_the_dynamics():
    light, heavy = hopper(), hopper()
    light.set_parameters({"torso_body_mass": 3.0})
    heavy.set_parameters({"torso_body_mass": 9.0})
    a, b = rollout(light, 0), rollout(heavy, 0)
    np.testing.assert_array_equal(a[0], b[0])  # the same start...
    assert np.abs(a[-1] - b[-1]).max() > 1e-2  # ...and a different motion
    # Derived constants follow (mj_setConst): the subtree mass of the torso.
    model = heavy.unwrapped.model
    assert model.body_subtreemass[model.body("torso").id] == pytest.approx(
        9.0 + model.body_mass[2:].sum()
    )


def test_inertia_scales_with_mass_unless_asked_not_to():
    nominal = gym.make("Hopper-v5").unwrapped.model
    torso = nominal.body("torso").id
    env = PhysicsRandomization(gym.make("Hopper-v5"), [body_mass("torso", Fixed(2.0), "scale")])
    env.reset(seed=0)
    model = env.unwrapped.model
    assert model.body_mass[torso] == 2 * nominal.body_mass[torso]
    np.testing.assert_allclose(model.body_inertia[torso], 2 * nominal.body_inertia[torso])
    keep = body_mass("torso", Fixed(2.0), "scale", scale_inertia=False)
    env = PhysicsRandomization(gym.make("Hopper-v5"), [keep])
    env.reset(seed=0)
    np.testing.assert_array_equal(
        env.unwrapped.model.body_inertia[torso], nominal.body_inertia[torso]
    )


def test_nominal_model_is_restored_exactly_after_many_episodes():
    env = gym.make("rlx/HopperRandom-v0", unmodeled=[floor_tilt(Uniform(-5, 5))])
    fresh = model_arrays(gym.make("Hopper-v5").unwrapped.model)
    for seed in range(50):
        env.reset(seed=seed)
        env.step(env.action_space.sample())
    wrapper = env.unwrapped_wrapper if hasattr(env, "unwrapped_wrapper") else env.env.env.env
    assert isinstance(wrapper, PhysicsRandomization)
    inner = env.unwrapped
    wrapper._binding.restore(inner.model)
    mujoco.mj_setConst(inner.model, inner.data)
    after = model_arrays(inner.model)
    assert after.keys() == fresh.keys()
    for name, value in fresh.items():
        np.testing.assert_array_equal(after[name], value, err_msg=name)


def test_pickle_keeps_the_physics_in_force():
    env = hopper()
    env.set_parameters({"torso_body_mass": 8.5})
    env.reset(seed=0)
    clone = pickle.loads(pickle.dumps(env))
    assert clone.unwrapped.model.body("torso").mass[0] == 8.5
    assert clone.values == {"torso_body_mass": 8.5}
    np.testing.assert_array_equal(rollout(env, 2), rollout(clone, 2))


def test_async_vector_env_with_two_workers():
    # forkserver: other tests of the session load JAX, whose threads a fork would copy badly.
    envs = gym.make_vec(
        "rlx/HopperRandom-v0",
        num_envs=2,
        vectorization_mode="async",
        vector_kwargs={"context": "forkserver"},
    )
    try:
        _, info = envs.reset(seed=10)
        singles = [gym.make("rlx/HopperRandom-v0").reset(seed=s)[1]["physics"] for s in (10, 11)]
        for key in singles[0]:
            np.testing.assert_array_equal(info["physics"][key], [s[key] for s in singles])
        _, _, _, _, info = envs.step(envs.action_space.sample())
        assert info["physics"]["torso_mass"].shape == (2,)
    finally:
        envs.close()


# -- choosing the physics ------------------------------------------------------------------------
def test_sample_then_set_parameters_pins_until_unpinned():
    env = hopper()
    env.reset(seed=0)
    chosen = env.sample_parameters(np.random.default_rng(5))
    env.set_parameters(chosen)
    assert env.unwrapped.model.body("torso").mass[0] == chosen["torso_body_mass"]
    assert all(env.reset()[1]["physics"] == chosen for _ in range(3))
    env.set_parameters(None)
    assert env.reset()[1]["physics"] != chosen


def test_ensemble_draws_only_its_members():
    members = [{"torso_body_mass": m} for m in (3.5, 6.0, 8.5)]
    env = hopper(ensemble=members, expose="observation")
    seen = {env.reset(seed=s)[1]["physics"]["torso_body_mass"] for s in range(40)}
    assert seen == {3.5, 6.0, 8.5}
    assert env.observation_space.low[-1] == 3.5 and env.observation_space.high[-1] == 8.5


def test_expose_observation_appends_the_values():
    env = gym.make("rlx/HopperRandom-v0", expose="observation")
    obs, info = env.reset(seed=4)
    assert obs.shape == (11 + 4,) and env.observation_space.contains(obs)
    np.testing.assert_array_equal(obs[-4:], [info["physics"][r.name] for r in EPOPT_HOPPER])
    obs, *_ = env.step(env.action_space.sample())
    assert env.observation_space.contains(obs)


def test_unmodeled_floor_tilt_turns_gravity_and_stays_out_of_the_observation():
    env = gym.make("rlx/HopperNominal-v0", expose="observation", unmodeled=[floor_tilt(Fixed(10))])
    obs, info = env.reset(seed=0)
    g = env.unwrapped.model.opt.gravity
    tilt = np.radians(10)
    np.testing.assert_allclose(g, 9.81 * np.array([-np.sin(tilt), 0, -np.cos(tilt)]))
    assert info["unmodeled"] == {"floor_tilt": 10.0} and obs.shape == (15,)


# -- distributions -------------------------------------------------------------------------------
def _moments_match(dist, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.array([dist.ppf(u) for u in rng.random(n)])
    assert x.min() >= dist.low and x.max() <= dist.high
    tolerance = 5 * max(dist.std, 1e-12) / np.sqrt(n)
    assert abs(x.mean() - dist.mean) <= tolerance + 1e-9
    assert abs(x.std() - dist.std) <= 0.1 * dist.std + 1e-9


@given(loc=st.floats(-10, 10), scale=st.floats(0.01, 5), a=st.floats(-3, 0), b=st.floats(0.1, 3))
def test_truncated_normal_stays_in_range_with_its_moments(loc, scale, a, b):
    _moments_match(TruncatedNormal(loc, scale, loc + a * scale, loc + b * scale))


@given(low=st.floats(-10, 10), width=st.floats(0, 10))
def test_uniform_moments(low, width):
    _moments_match(Uniform(low, low + width))


@given(low=st.floats(0.01, 5), ratio=st.floats(1, 100))
def test_log_uniform_moments(low, ratio):
    _moments_match(LogUniform(low, low * ratio))


# An outer piece is absent or at least 0.1 wide: a sliver of mass 1e-4 far from the rest (found
# by hypothesis) holds a good part of the variance yet shows up in no sample of 4,000 draws.
@given(low=st.floats(0, 5), below=st.floats(0.1, 3), inner=st.floats(0.1, 3),
       above=st.one_of(st.just(0.0), st.floats(0.1, 3)))  # fmt: skip
def test_outside_draws_only_beyond_the_inner_range(low, below, inner, above):
    dist = Outside(low, low + below, low + below + inner, low + below + inner + above)
    _moments_match(dist)
    us = np.random.default_rng(1).random(500)
    assert not any(dist.inner_low <= dist.ppf(u) <= dist.inner_high for u in us)


@pytest.mark.parametrize("table", [EPOPT_HOPPER, EPOPT_HALF_CHEETAH])
def test_epopt_draws_match_the_table(table):
    """The draws lie in range with the truncated law's moments (the table's std is the parent's)."""
    env = gym.make("rlx/HopperRandom-v0" if table is EPOPT_HOPPER else "rlx/HalfCheetahRandom-v0")
    wrapper = env.env.env.env
    rng = np.random.default_rng(0)
    draws = [wrapper.sample_parameters(rng) for _ in range(4000)]
    for row in table:
        x = np.array([d[row.name] for d in draws])
        assert row.low <= x.min() and x.max() <= row.high
        law = row.parameter().distribution
        assert law.mean == pytest.approx(row.mean)  # symmetric truncation keeps the mean
        assert abs(x.mean() - row.mean) < 5 * law.std / np.sqrt(len(x))
        assert x.std() == pytest.approx(law.std, rel=0.05) and law.std < row.std


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: hopper_with(body_mass("chest", HOPPER_MASS)),
            ValueError,
            r"no body named 'chest'; "
            r"valid body names: \['world', 'torso', 'thigh', 'leg', 'foot'\]",
        ),
        (lambda: hopper_with(geom_friction("ice", Uniform(0, 1))), ValueError, "valid geom names"),
        (
            lambda: hopper_with(joint_damping("knee", Uniform(0, 1))),
            ValueError,
            "valid joint names",
        ),
        (lambda: Uniform(3, 1), ValueError, "low must not exceed high"),
        (lambda: TruncatedNormal(6, -1, 3, 9), ValueError, "std .* must be >= 0"),
        (
            lambda: hopper_with(body_mass("torso", Uniform(-1, 2))),
            ValueError,
            r"body_mass must be > 0",
        ),
        (
            lambda: hopper_with(joint_damping("thigh_joint", Uniform(-2, 1))),
            ValueError,
            "joint_damping must be >= 0",
        ),
        (lambda: hopper_with(floor_tilt(Uniform(0, 120))), ValueError, r"\[-89, 89\] degrees"),
        (
            lambda: PhysicsRandomization(
                gym.make("CartPole-v1"), [body_mass("torso", HOPPER_MASS)]
            ),
            TypeError,
            "needs a MuJoCo env",
        ),
        (lambda: hopper(expose="obs"), ValueError, r"valid choices: \['info', 'observation'\]"),
        (
            lambda: hopper(resample_every=0),
            ValueError,
            r"resample_every \(or None\) must be an integer >= 1",
        ),
        (lambda: hopper(ensemble=[{"mass": 3}]), ValueError, "unknown: \\['mass'\\]"),
        (
            lambda: geom_friction("floor", Uniform(0, 1), kind="spinning"),
            ValueError,
            r"valid: \['sliding', 'torsional', 'rolling'\]",
        ),
        (
            lambda: hopper_with(body_mass("torso", HOPPER_MASS), body_mass("torso", Fixed(2))),
            ValueError,
            "parameter names must be unique",
        ),
        (
            lambda: hopper_with(
                body_mass("torso", HOPPER_MASS, name="a"),
                body_mass(["thigh", "torso"], Fixed(2), name="b"),
            ),
            ValueError,
            "both edit body_mass",
        ),
    ],
)
def test_bad_input_is_refused_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def hopper_with(*parameters):
    return PhysicsRandomization(gym.make("Hopper-v5"), list(parameters))


def test_bad_values_for_set_parameters():
    env = hopper(expose="observation")
    with pytest.raises(ValueError, match="missing: \\['torso_body_mass'\\]"):
        env.set_parameters({})
    with pytest.raises(ValueError, match="must be > 0"):
        env.set_parameters({"torso_body_mass": -1.0})
    with pytest.raises(ValueError, match="outside \\[3.0, 9.0\\]"):
        env.set_parameters({"torso_body_mass": 12.0})
    with pytest.raises(TypeError, match="must be a number"):
        env.set_parameters({"torso_body_mass": "heavy"})


def _model_arrays(model) -> dict[str, np.ndarray]:
    names = [n for n in dir(model) if not n.startswith("_")]
    arrays = {n: getattr(model, n) for n in names}
    arrays = {n: v.copy() for n, v in arrays.items() if isinstance(v, np.ndarray)}
    arrays["opt.gravity"] = model.opt.gravity.copy()
    return arrays


def test_restore_nominal_puts_the_model_back_exactly_after_thousands_of_draws():
    env = gym.make("rlx/HopperRandom-v0", floor_tilt=3.0)  # a gravity edit too
    wrapper = env
    while not isinstance(wrapper, PhysicsRandomization):
        wrapper = wrapper.env
    reference = gym.make("Hopper-v5").unwrapped.model
    env.reset(seed=0)
    for _ in range(2000):
        env.reset()
    model = env.unwrapped.model
    assert not np.array_equal(model.body_mass, reference.body_mass)
    wrapper.restore_nominal()
    fresh = _model_arrays(reference)
    nominal_tilted = _model_arrays(model)
    # Floor tilt is unmodeled physics: the nominal model has no tilt, like Hopper-v5.
    for name, value in fresh.items():
        np.testing.assert_array_equal(nominal_tilted[name], value, err_msg=name)
    env.reset()
    assert wrapper.values == wrapper.nominal_values  # it stays nominal until unpinned
    wrapper.set_parameters(None)
    env.reset()
    assert wrapper.values != wrapper.nominal_values


@pytest.mark.parametrize("env_id", ["rlx/HopperRandom-v0", "rlx/PointRoom-v0", "rlx/AntRoom-v0"])
def test_non_finite_actions_are_refused(env_id):
    env = gym.make(env_id)
    env.reset(seed=0)
    action = np.zeros(env.action_space.shape)
    action[0] = np.nan
    with pytest.raises(ValueError, match=r"non-finite entries at \[0\]"):
        env.step(action)
    action[0] = np.inf
    with pytest.raises(ValueError, match="actions must be finite"):
        env.step(action)
