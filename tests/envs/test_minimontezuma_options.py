"""What the single and the batched MiniMontezuma env share (``options.py``): option checks, step
info and procedural levels, each written once and giving the same answer in both envs."""

import numpy as np
import pytest

from rlx_envs.envs.minimontezuma.env import MiniMontezumaEnv, MiniMontezumaProcgenEnv
from rlx_envs.envs.minimontezuma.options import step_info
from rlx_envs.envs.minimontezuma.vector import (
    MiniMontezumaProcgenVectorEnv,
    MiniMontezumaVectorEnv,
)
from rlx_envs.rules.minimontezuma import observe, rules

BAD_OPTIONS = [
    ({"obs_mode": "rgb"}, "unknown obs_mode 'rgb'; valid choices: 'ram', 'symbolic'"),
    ({"semantics": "shuffled"}, "semantics"),
    ({"lives": True}, r"lives must be an integer in \[1, 255\], got True"),
    ({"fall_damage_height": 251}, "fall_damage_height"),
    ({"sticky_action_prob": -0.1}, r"sticky_action_prob must be a number in \[0.0, 1.0\]"),
    ({"sticky_action_prob": "0.2"}, "sticky_action_prob must be a finite number"),
    ({"rewards": {"coin": 5}}, "unknown reward event 'coin'; valid choices: 'key'"),
    ({"rewards": {"door": None}}, "reward for 'door' must be a finite number"),
    ({"reward_scale": float("nan")}, "reward_scale must be a finite number"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_OPTIONS)
def test_both_envs_refuse_a_bad_option_alike(kwargs, message):
    for make in (MiniMontezumaEnv, MiniMontezumaVectorEnv):
        with pytest.raises(ValueError, match=message):
            make(level="first_room", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"num_levels": -1}, "num_levels must be an integer >= 0"),
     ({"start_level": True}, "start_level must be an integer >= 0"),
     ({"level": "first_room"}, "makes its own levels")],
)  # fmt: skip
def test_both_procedural_envs_refuse_a_bad_option_alike(kwargs, message):
    for make in (MiniMontezumaProcgenEnv, MiniMontezumaProcgenVectorEnv):
        with pytest.raises(ValueError, match=message):
            make(**kwargs)


def test_options_are_stored_alike():
    kwargs = {"level": "first_room", "lives": np.int64(3), "sticky_action_prob": 0.5,
              "rewards": {"key": 2}, "reward_scale": 0.5}  # fmt: skip
    single, batch = MiniMontezumaEnv(**kwargs), MiniMontezumaVectorEnv(num_envs=2, **kwargs)
    for name in ("obs_mode", "lives", "fall_damage_height", "sticky_action_prob", "rewards",
                 "semantics", "_threshold"):  # fmt: skip
        assert getattr(single, name) == getattr(batch, name), name
    assert type(single.lives) is int and single.rewards["key"] == 1.0


def test_step_info_of_a_batch_of_one_is_the_single_info():
    env = MiniMontezumaEnv(level="pyramid", sticky_action_prob=0.0)
    env.reset(seed=3)
    rng = np.random.default_rng(0)
    for _ in range(200):
        _, _, terminated, _, _ = env.step(int(rng.integers(8)))
        s = env._state
        batch = rules.State(**{
            name: [np.array([v]) for v in getattr(s, name)] if isinstance(getattr(s, name), list)
            else np.array([getattr(s, name)], np.uint64 if name in ("used", "visited") else np.int64
                          ).view(np.int64)
            for name in rules.FIELDS
        })  # fmt: skip
        died = bool(rng.integers(2))
        one = step_info(s, env.level.num_rooms, died, rules.SCALAR)
        many = step_info(batch, env.level.num_rooms, np.array([died]), rules.ARRAY)
        assert one.keys() == many.keys()
        for key, value in one.items():
            np.testing.assert_array_equal(np.asarray(value), many[key][0], err_msg=key)
        assert one["inventory"].tolist() == list(observe.key_counts(s.inventory))
        if terminated:
            env.reset()


def test_procedural_batch_env_i_plays_the_single_envs_level_of_seed_plus_i():
    single = MiniMontezumaProcgenEnv(num_levels=50, start_level=7)
    batch = MiniMontezumaProcgenVectorEnv(num_envs=4, num_levels=50, start_level=7)
    batch.reset(seed=20)
    for i in range(4):
        single.reset(seed=20 + i)
        assert batch.levels[i].cells == single.level.cells
        assert 7 <= single.level_id(single._key) < 57
