"""Every bonus wrapper with its defaults on any observation space, third-party envs included.

Which estimator each wrapper picks for which space is the table of
docs/wrappers/exploration_bonuses.md; the known answers below are its rows.
"""

import copy
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from hypothesis import given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs import wrappers as W
from rlx_envs.estimators.quantise import VectorQuantiser
from rlx_envs.wrappers.observation_views import is_image, quantiser_for, view_of

SINGLE = ["CountBonus", "HashCountBonus", "PseudoCountBonus", "PredictionGainBonus",
          "ModelErrorBonus", "RNDBonus", "InfoGainBonus"]  # fmt: skip
SMALL_NETS = {"features": 8, "hidden": (8,)}


class Sampled(gym.Env):
    """Observations drawn from ``space`` (a private copy, seeded by reset); reward 0, no end."""

    def __init__(self, space):
        self.observation_space, self.action_space = space, spaces.Discrete(3)
        self._draws = copy.deepcopy(space)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self._draws.seed(seed)
        return self._draws.sample(), {}

    def step(self, action):
        return self._draws.sample(), 0.0, False, False, {}


def _minigrid(kind):
    pytest.importorskip("minigrid")
    from minigrid.wrappers import ImgObsWrapper, RGBImgObsWrapper

    env = gym.make("MiniGrid-Empty-5x5-v0")
    if kind == "pixels":
        return ImgObsWrapper(RGBImgObsWrapper(env))
    return ImgObsWrapper(env) if kind == "symbolic" else env


def _ale():
    ale_py = pytest.importorskip("ale_py")
    gym.register_envs(ale_py)
    return gym.make("ALE/MontezumaRevenge-v5")


ENVS = {
    "CartPole": lambda: gym.make("CartPole-v1"),
    "MountainCar": lambda: gym.make("MountainCar-v0"),
    "FrozenLake": lambda: gym.make("FrozenLake-v1"),
    "Hopper": lambda: gym.make("Hopper-v5"),
    "MiniGrid pixels": lambda: _minigrid("pixels"),
    "MiniGrid symbolic": lambda: _minigrid("symbolic"),
    "MiniGrid dict": lambda: _minigrid("dict"),
    "Montezuma's Revenge": _ale,
    "MiniMontezuma ram": lambda: gym.make("rlx/MiniMontezuma-v0", obs_mode="ram"),
    "MiniMontezuma symbolic": lambda: gym.make("rlx/MiniMontezuma-v0", obs_mode="symbolic"),
    "MiniMontezuma pixels": lambda: gym.make("rlx/MiniMontezuma-v0", obs_mode="pixels"),
    "MiniMontezuma dict": lambda: gym.make("rlx/MiniMontezuma-v0", obs_mode="dict"),
    "MultiDiscrete": lambda: Sampled(spaces.MultiDiscrete([3, 4, 5])),
    "MultiBinary": lambda: Sampled(spaces.MultiBinary(6)),
    "Dict": lambda: Sampled(spaces.Dict(a=spaces.Discrete(3), b=spaces.Box(-1, 1, (2,)))),
    "Tuple": lambda: Sampled(spaces.Tuple((spaces.Discrete(2), spaces.MultiBinary(3)))),
    "unbounded Box": lambda: Sampled(spaces.Box(-np.inf, np.inf, (3,))),
}
CONTINUOUS = {"CartPole", "MountainCar", "Hopper", "Dict", "unbounded Box"}


def _build(name, env):
    options = SMALL_NETS if name in ("ModelErrorBonus", "RNDBonus", "InfoGainBonus") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MiniGrid's mission is left out with a warning
        return getattr(W, name)(env, **options)


@pytest.mark.parametrize("env_name", list(ENVS))
@pytest.mark.parametrize("name", SINGLE)
def test_every_bonus_builds_with_its_defaults_and_earns_finite_bonuses(name, env_name):
    env = ENVS[env_name]()
    if name == "CountBonus" and env_name in CONTINUOUS:
        # Exact counts of continuous states cannot apply: the error names the wrapper that can.
        with pytest.raises(ValueError, match="Use HashCountBonus"):
            _build(name, env)
        return
    wrapped = _build(name, env)
    wrapped.reset(seed=0)
    wrapped.action_space.seed(0)
    for _ in range(3):
        _, reward, _, _, info = wrapped.step(wrapped.action_space.sample())
        assert np.isfinite(reward) and info["intrinsic_reward"] >= 0
    assert "estimator=" in repr(wrapped)


def _repr(name, make):
    return repr(_build(name, make()))


@pytest.mark.parametrize(
    ("name", "env_name", "expected"),
    [
        # Images: the CTS model of 42x42 grey frames, SimHash of frames.
        ("PseudoCountBonus", "MiniMontezuma pixels", "CTSDensity(frames as 42x42 grids of 8 grey"),
        ("HashCountBonus", "MiniMontezuma pixels", "SimHashCounts(k=64, frames"),
        ("PredictionGainBonus", "MiniGrid pixels", "CTSDensity(frames as 42x42"),
        # Grids of small integers: the CTS model of the grid itself.
        ("PseudoCountBonus", "MiniMontezuma symbolic", "CTSDensity(10x20 grids of 19 levels"),
        # Other arrays: CTS over quantised vectors; SimHash of vectors.
        ("PseudoCountBonus", "MiniMontezuma ram", "128 integer, 0 bounded float, 0 unbounded"),
        ("PseudoCountBonus", "MiniGrid symbolic", "147 integer"),
        ("PseudoCountBonus", "CartPole", "0 integer, 2 bounded float, 2 unbounded float"),
        ("PredictionGainBonus", "Hopper", "11 unbounded float; 22 base-16 digits"),
        ("HashCountBonus", "CartPole", "SimHashCounts(k=64, vectors"),
        ("HashCountBonus", "MiniGrid symbolic", "SimHashCounts(k=64, vectors"),
        # Discrete spaces: counted as they are; flattened (one-hot) for SimHash.
        ("CountBonus", "FrozenLake", "ExactCounts(form='mbie', count='state')"),
        ("PseudoCountBonus", "FrozenLake", "1 integer, 0 bounded float, 0 unbounded float; 1 "),
        ("HashCountBonus", "FrozenLake", "observations='Discrete flattened to 16 numbers'"),
        # Dicts and tuples: flattened for every estimator; the cell counted where there is one.
        ("CountBonus", "MiniMontezuma dict", "ExactCounts("),
        ("RNDBonus", "Dict", "observations='Dict flattened to 5 numbers'"),
        ("CountBonus", "Tuple", "observations='Tuple flattened to 5 numbers'"),
        ("InfoGainBonus", "MiniGrid dict", "'mission' left out: not flattenable"),
    ],
)
def test_the_estimator_chosen_for_each_space_is_the_documented_one(name, env_name, expected):
    assert expected in _repr(name, ENVS[env_name])


def test_the_minigrid_mission_is_left_out_with_a_warning_and_the_rest_is_seen():
    env = _minigrid("dict")
    with pytest.warns(UserWarning, match="does not see 'mission'"):
        wrapped = W.CountBonus(env)
    obs, _ = wrapped.reset(seed=0)
    assert wrapped.view.space.shape == (4 + 7 * 7 * 3,)
    assert wrapped.view.one(obs)[:4].tolist() == np.eye(4)[obs["direction"]].tolist()


def test_a_space_with_nothing_to_flatten_is_refused():
    class Words(spaces.Space):
        pass

    with pytest.raises(ValueError, match="no part of"):
        view_of(spaces.Dict(words=Words()))


def test_a_repeated_vector_state_counts_up_under_the_quantised_density_model():
    env = W.PseudoCountBonus(Sampled(spaces.Box(-np.inf, np.inf, (4,))))
    model = env.estimator.model
    state = np.array([0.1, -2.0, 30.0, 0.0])
    counts = [model.log_prob_and_update(state) for _ in range(50)]
    from rlx_envs.estimators.pseudo_counts import pseudo_count

    estimates = [pseudo_count(*c) for c in counts]
    # The KT estimators' prior keeps the count below the visits; it grows with every visit.
    assert estimates[0] < 1 and 25 < estimates[-1] < 50
    assert all(b > a for a, b in zip(estimates, estimates[1:], strict=False))


def test_the_vector_twins_pick_the_same_estimators_and_flatten_a_batch_of_dicts():
    make = lambda: gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="dict")  # noqa: E731
    single = W.RNDBonus(make(), **SMALL_NETS)
    envs = gym.vector.SyncVectorEnv([make, make])
    batched = W.VectorRNDBonus(envs, **SMALL_NETS)
    assert repr(single.estimator) == repr(batched.estimator)
    obs, _ = envs.reset(seed=3)
    rows = batched.view.rows(obs, 2)
    for i in range(2):
        one = {key: value[i] for key, value in obs.items()}
        assert np.array_equal(rows[i], single.view.one(one))
    shared = W.VectorPseudoCountBonus(gym.vector.SyncVectorEnv([make, make]))
    # The frame, the grid and the RAM bytes each get their model; their product is the density.
    assert "ProductDensity(CTSDensity(frames as 42x42" in repr(shared)
    assert "grids of 19 levels) x CTSDensity(vectors through VectorQuantiser(128 dims" in repr(
        shared
    )


def test_a_flattened_dict_stream_gives_the_single_wrapper_s_bonuses_in_the_vector_twin():
    space = spaces.Dict(a=spaces.Discrete(3), b=spaces.Box(-1, 1, (2,)))
    single = W.PseudoCountBonus(Sampled(space))
    shared = W.VectorPseudoCountBonus(gym.vector.SyncVectorEnv([lambda: Sampled(space)]))
    single.reset(seed=5)
    shared.reset(seed=5)
    for _ in range(20):
        one = single.step(0)[4]["pseudo_count"]
        many = shared.step(np.array([0]))[4]["pseudo_count"]
        assert one == many[0]


# -- the view: the same rows as gymnasium.spaces.flatten, for a batch at once ------------------
LEAVES = st.sampled_from(
    [
        spaces.Discrete(4, start=2),
        spaces.MultiDiscrete([2, 3]),
        spaces.MultiBinary(3),
        spaces.Box(-2.0, 2.0, (2, 2)),
        spaces.Box(0, 9, (3,), np.int64),
    ]
)
COMPOSITES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(
            lambda parts: spaces.Dict({f"k{i}": p for i, p in enumerate(parts)})
        ),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: spaces.Tuple(parts)),
    ),
    max_leaves=5,
)


@settings(max_examples=40, deadline=None)
@given(COMPOSITES, st.integers(0, 2**16), st.integers(1, 4))
def test_rows_of_a_batch_equal_gymnasium_flatten_of_each_observation(space, seed, n):
    space.seed(seed)
    samples = [space.sample() for _ in range(n)]
    batch = gym.vector.utils.concatenate(
        space, samples, gym.vector.utils.create_empty_array(space, n)
    )
    view = view_of(space, vectors_only=True)
    rows = np.asarray(view.rows(batch, n)).reshape(n, -1)
    for i, sample in enumerate(samples):
        assert np.array_equal(rows[i], spaces.flatten(space, sample))
        assert np.array_equal(np.ravel(view.one(sample)), rows[i])


def test_image_rule_tells_frames_from_grids_of_codes():
    frame = spaces.Box(0, 255, (84, 84, 3), np.uint8)
    assert is_image(frame) and is_image(spaces.Box(0, 255, (84, 84), np.uint8))
    assert not is_image(spaces.Box(0, 255, (7, 7, 3), np.uint8))  # MiniGrid's symbolic view
    assert not is_image(spaces.Box(0, 12, (20, 20), np.uint8))  # a grid of small codes
    assert not is_image(spaces.Box(0.0, 1.0, (84, 84, 3)))  # float frames: vectors


# -- the quantiser -------------------------------------------------------------------------------
def test_quantiser_known_answers():
    q = VectorQuantiser([0, -1.0, -np.inf], [300, 1.0, np.inf], [True, False, False], bins=16)
    assert q.width == 3 + 1 + 1  # 301 values need three base-16 digits
    codes = q.codes(np.array([[0x12C, -1.0, 0.0], [0, 1.0, -1e9], [5, 0.0, 1e9]]))
    assert codes[:, 0].tolist() == [[1, 2, 12, 0, 8], [0, 0, 0, 15, 0], [0, 0, 5, 8, 15]]


def test_quantiser_refuses_values_outside_the_space_and_non_finite_ones():
    q = quantiser_for(spaces.Box(-1.0, 1.0, (2,)))
    with pytest.raises(ValueError, match="outside its bounds"):
        q.codes(np.array([[0.0, 1.5]]))
    with pytest.raises(ValueError, match="non-finite value in dimension 0"):
        q.codes(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="shape"):
        q.codes(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="bins must be an integer >= 2"):
        VectorQuantiser([0.0], [1.0], bins=1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-40, 40), min_size=2, max_size=6), st.integers(0, 2**16))
def test_quantiser_writes_integers_exactly(values, seed):
    low = np.array(values) - 3
    space = spaces.Box(low, low + 700, dtype=np.int64)
    space.seed(seed)
    xs = np.stack([space.sample() for _ in range(8)])
    codes = quantiser_for(space).codes(xs)[:, 0]
    assert codes.min() >= 0 and codes.max() < 16
    # Three digits per dimension, most significant first: decoding gives the offsets back.
    decoded = codes.reshape(len(xs), -1, 3) @ np.array([256, 16, 1])
    assert np.array_equal(decoded + low, xs)


@pytest.mark.parametrize("obs_mode", ["dict", "ram"])
def test_per_env_pseudo_counts_of_products_and_vectors_equal_one_wrapper_per_env(obs_mode):
    level = "rlx/MiniMontezumaFirstRoom-v0"
    make = lambda: gym.make(level, obs_mode=obs_mode, sticky_action_prob=0.0)  # noqa: E731
    envs = W.VectorPseudoCountBonus(gym.vector.SyncVectorEnv([make, make]), per_env=True)
    singles = [W.PseudoCountBonus(make()) for _ in range(2)]
    envs.reset(seed=[1, 2])
    for i, single in enumerate(singles):
        single.reset(seed=i + 1)
    actions = np.random.default_rng(0).integers(0, 8, (12, 2))
    for row in actions:
        many = envs.step(row)[4]["pseudo_count"]
        for i, single in enumerate(singles):
            assert single.step(int(row[i]))[4]["pseudo_count"] == many[i]
