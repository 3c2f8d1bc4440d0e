"""Visual randomization: seeded appearances, unchanged dynamics, themes, aligned pairs, batches."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode

import rlx_envs  # noqa: F401
from rlx_envs.envs.minimontezuma.env import MiniMontezumaEnv
from rlx_envs.rules.minimontezuma import appearance, sprites
from rlx_envs.wrappers import VectorVisualRandomization, VisualRandomization

ROOM = "rlx/MiniMontezumaFirstRoom-v0"


def _env(obs_mode="dict", **kwargs):
    return VisualRandomization(gym.make(ROOM, obs_mode=obs_mode), **kwargs)


def _rollout(env, seed, steps=60, episodes=2):
    """Observations, rewards and flags over ``episodes`` seeded-then-unseeded episodes."""
    rng = np.random.default_rng(seed)
    trace = []
    for episode in range(episodes):
        obs, _ = env.reset(seed=seed if episode == 0 else None)
        trace.append((obs, 0.0, False))
        for a in rng.integers(8, size=steps).tolist():
            obs, reward, terminated, truncated, _ = env.step(a)
            trace.append((obs, reward, terminated or truncated))
            if terminated or truncated:
                break
    return trace


def test_same_seed_same_images():
    a, b = _rollout(_env("pixels"), 3), _rollout(_env("pixels"), 3)
    assert len(a) == len(b)
    for (x, *_), (y, *_) in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_appearance_changes_nothing_but_pixels(seed):
    """Different appearance seeds: different images, identical ram, symbolic and rewards."""
    plain = _rollout(gym.make(ROOM, obs_mode="dict"), seed)
    for look in (seed + 100, seed + 200):
        env = _env()
        env.reset(seed=look)  # pick the appearance generator, then replay the plain episode
        env.unwrapped.set_appearance(*env.appearance)
        rng, trace = np.random.default_rng(seed), []
        obs, _ = env.env.reset(seed=seed)
        trace.append((obs, 0.0, False))
        for a in rng.integers(8, size=60).tolist():
            obs, reward, terminated, truncated, _ = env.step(a)
            trace.append((obs, reward, terminated or truncated))
            if terminated or truncated:
                break
        for (x, rx, dx), (y, ry, dy) in zip(trace, plain[: len(trace)], strict=True):
            np.testing.assert_array_equal(x["ram"], y["ram"])
            np.testing.assert_array_equal(x["symbolic"], y["symbolic"])
            assert (rx, dx) == (ry, dy)
            assert (x["pixels"] != y["pixels"]).any()


def test_random_trajectories_match_plain_ones():
    a, b = _rollout(_env(), 5), _rollout(gym.make(ROOM, obs_mode="dict"), 5)
    assert len(a) == len(b)
    for (x, rx, dx), (y, ry, dy) in zip(a, b, strict=True):
        np.testing.assert_array_equal(x["ram"], y["ram"])
        assert (rx, dx) == (ry, dy)


def test_different_seeds_different_looks_and_new_look_every_episode():
    env = _env("pixels")
    first, _ = env.reset(seed=0)
    other, _ = _env("pixels").reset(seed=1)
    assert (first != other).any()
    second, _ = env.reset()
    assert (first != second).any()


def test_classic_theme_is_the_plain_env():
    env, plain = _env("pixels", theme="classic"), gym.make(ROOM, obs_mode="pixels")
    np.testing.assert_array_equal(env.reset(seed=0)[0], plain.reset(seed=0)[0])


@pytest.mark.parametrize("shift", [(0, 0), (2, -1), (-2, 2), (-7, 7)])
def test_shift_pads_with_the_background(shift):
    codes = MiniMontezumaEnv(level="first_room", obs_mode="symbolic").reset(seed=0)[0]
    table = appearance.random_appearance(np.random.default_rng(0))[0]
    image = appearance.draw(codes, table, shift)
    h, w, _ = image.shape
    big = np.empty((h + 16, w + 16, 3), np.uint8)
    big[:] = table[0, 0, 0]
    big[8 + shift[0] : 8 + shift[0] + h, 8 + shift[1] : 8 + shift[1] + w] = appearance.draw(
        codes, table
    )
    np.testing.assert_array_equal(image, big[8 : 8 + h, 8 : 8 + w])


def test_observations_stay_in_the_space():
    env = _env("pixels", max_shift=7, jitter=1.0)
    for seed in range(5):
        obs, _ = env.reset(seed=seed)
        assert env.observation_space.contains(obs) and obs.flags.c_contiguous


@pytest.mark.parametrize("theme", ["sim", "real"])
def test_sim_and_real_pass_the_env_checker(theme):
    env = gym.make(f"rlx/MiniMontezuma{theme.capitalize()}-v0")
    check_env(env.unwrapped, skip_render_check=True)
    obs, _ = env.reset(seed=0)
    np.testing.assert_array_equal(obs, appearance.draw(env.unwrapped._observer.symbolic(
        env.unwrapped._state), appearance.theme_table(theme)))  # fmt: skip


def test_sim_and_real_share_spaces_and_state_but_not_looks():
    sim, real = gym.make("rlx/MiniMontezumaSim-v0"), gym.make("rlx/MiniMontezumaReal-v0")
    assert sim.observation_space == real.observation_space
    assert sim.action_space == real.action_space
    a, b = sim.reset(seed=0)[0], real.reset(seed=0)[0]
    assert (a != b).any()
    for action in [2, 2, 1, 5, 3, 0, 7]:
        ra, rb = sim.step(action), real.step(action)
        assert ra[1:][:3] == rb[1:][:3]
        ram = [e.unwrapped._observer.ram(e.unwrapped._state) for e in (sim, real)]
        np.testing.assert_array_equal(*ram)


def test_aligned_pair_shows_the_same_state():
    env = gym.make(ROOM, obs_mode="symbolic")
    codes, _ = env.reset(seed=0)
    for a in [2, 2, 2, 1]:
        codes, *_ = env.step(a)
    sim, real = appearance.aligned_pair(env)
    assert sim.shape == real.shape == (codes.shape[0] * 8, codes.shape[1] * 8, 3)
    assert (sim != real).any()
    for image, theme in ((sim, "sim"), (real, "real")):
        table = appearance.theme_table(theme)
        tiles = image.reshape(codes.shape[0], 8, codes.shape[1], 8, 3).transpose(0, 2, 1, 3, 4)
        decoded = (tiles[:, :, None] == table[None, None]).all(axis=(3, 4, 5)).argmax(axis=2)
        np.testing.assert_array_equal(decoded, codes)  # the same grid behind both
    same = appearance.aligned_pair(codes)
    np.testing.assert_array_equal(same[0], sim)
    np.testing.assert_array_equal(same[1], real)


def test_errors_name_the_valid_choices():
    with pytest.raises(ValueError, match=r"unknown theme 'toon'; valid themes: \['classic'"):
        _env("pixels", theme="toon")
    with pytest.raises(ValueError, match=r"obs_mode in \['pixels', 'dict'\].*'ram'"):
        VisualRandomization(gym.make(ROOM))
    with pytest.raises(ValueError, match="symbolic"):
        VisualRandomization(gym.make(ROOM, obs_mode="symbolic"))
    with pytest.raises(ValueError, match="set_appearance"):
        VisualRandomization(gym.make("rlx/GridRoom-v0"))
    with pytest.raises(ValueError, match=r"max_shift \(pixels\) must be an integer in \[0, 7\]"):
        _env("pixels", max_shift=8)
    with pytest.raises(ValueError, match="jitter must be a finite number, got True"):
        _env("pixels", jitter=True)
    with pytest.raises(ValueError, match="shift"):
        gym.make(ROOM, obs_mode="pixels").unwrapped.set_appearance(sprites.SPRITES, (8, 0))
    with pytest.raises(ValueError, match="unknown theme"):
        appearance.aligned_pair(np.zeros((2, 2), np.uint8), "sim", "toon")


@pytest.mark.parametrize("autoreset", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
def test_vector_env_i_is_the_single_wrapper_with_seed_plus_i(autoreset):
    n, seed, steps = 3, 10, 120
    kw = {"obs_mode": "pixels", "lives": 1, "fall_damage_height": 1}  # short episodes
    envs = VectorVisualRandomization(
        gym.make_vec(
            ROOM,
            num_envs=n,
            vectorization_mode="vector_entry_point",
            autoreset_mode=autoreset,
            **kw,
        )
    )
    singles = [VisualRandomization(gym.make(ROOM, **kw)) for _ in range(n)]  # fmt: skip
    obs, _ = envs.reset(seed=seed)
    expected = [env.reset(seed=seed + i)[0] for i, env in enumerate(singles)]
    actions = np.random.default_rng(0).integers(8, size=(steps, n))
    pending = np.zeros(n, bool)
    resets = 0
    for t in range(steps):
        for i in range(n):
            np.testing.assert_array_equal(obs[i], expected[i], err_msg=f"env {i} step {t}")
        obs, _, term, trunc, info = envs.step(actions[t])
        for i, env in enumerate(singles):
            if pending[i]:  # NEXT_STEP: this step was the reset
                expected[i] = env.reset()[0]
                pending[i] = False
                continue
            o, _, te, tr, _ = env.step(int(actions[t, i]))
            expected[i] = o
            if te or tr:
                resets += 1
                if autoreset == AutoresetMode.SAME_STEP:
                    np.testing.assert_array_equal(info["final_obs"][i], o)
                    expected[i] = env.reset()[0]
                else:
                    pending[i] = True
    assert resets >= 2


def test_vector_errors_and_theme():
    with pytest.raises(ValueError, match="obs_mode"):
        VectorVisualRandomization(gym.make_vec(ROOM, 2, vectorization_mode="vector_entry_point"))
    envs = gym.make_vec("rlx/MiniMontezumaReal-v0", 2, vectorization_mode="vector_entry_point")
    obs, _ = envs.reset(seed=0)
    np.testing.assert_array_equal(obs[0], gym.make("rlx/MiniMontezumaReal-v0").reset(seed=0)[0])
