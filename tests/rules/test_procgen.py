"""Procedural levels: fixed per id, always solvable, train and test sets that do not overlap."""

import gymnasium as gym
import numpy as np
import pytest

from rlx_envs.rules.minimontezuma import procgen
from rlx_envs.rules.minimontezuma.checker import solve


def test_a_level_is_a_function_of_its_id():
    procgen.generate.cache_clear()
    a = procgen.generate(7)
    procgen.generate.cache_clear()
    b = procgen.generate(7)
    assert a.cells == b.cells and a is not b
    assert procgen.generate(8).cells != a.cells


@pytest.mark.parametrize("level_id", range(0, 400, 40))
def test_generated_levels_are_solvable_and_share_one_shape(level_id):
    lv = procgen.generate(level_id)
    assert solve(lv).solvable
    assert (lv.width, lv.height, lv.num_rooms) == (procgen.WIDTH, procgen.HEIGHT, 6)


def _level_ids(env, resets, seed):
    env.reset(seed=seed)
    ids = []
    for _ in range(resets):
        ids.append(env.unwrapped.level_id(env.unwrapped._key))
        env.reset()
    return ids


def test_train_and_test_level_sets_do_not_overlap():
    train = gym.make("rlx/MiniMontezumaProcgen-v0", num_levels=20, start_level=0)
    test = gym.make("rlx/MiniMontezumaProcgen-v0", num_levels=20, start_level=20)
    train_ids = set(_level_ids(train, 200, seed=0))
    test_ids = set(_level_ids(test, 200, seed=1))
    assert train_ids <= set(range(20)) and test_ids <= set(range(20, 40))
    assert len(train_ids) > 15 and len(test_ids) > 15  # the draws cover the set
    assert not train_ids & test_ids


def test_one_level_set_repeats_and_seed_fixes_the_level():
    env = gym.make("rlx/MiniMontezumaProcgen-v0", num_levels=1, start_level=42)
    assert set(_level_ids(env, 5, seed=3)) == {42}
    free = gym.make("rlx/MiniMontezumaProcgen-v0", obs_mode="symbolic")
    a, _ = free.reset(seed=11)
    b, _ = free.reset(seed=11)
    assert np.array_equal(a, b)
    assert (
        free.unwrapped.level.cells
        == procgen.generate(free.unwrapped.level_id(free.unwrapped._key)).cells
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"num_levels": -1}, "num_levels"), ({"start_level": 1.5}, "start_level"),
     ({"level": "first_room"}, "procedural")],
)  # fmt: skip
def test_bad_procgen_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gym.make("rlx/MiniMontezumaProcgen-v0", **kwargs)
