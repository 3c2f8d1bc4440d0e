"""RLlib registration: every rlx id buildable by name in RLlib's env runners, the wrappers
through env_config, and per-worker seeds that never share a random stream."""

import pickle

import gymnasium as gym
import numpy as np
import pytest

from rlx_envs.integrations import rllib
from rlx_envs.registration import ids
from rlx_envs.rules.physics.distributions import Fixed
from rlx_envs.rules.physics.parameters import body_mass
from rlx_envs.wrappers import CountBonus, HashCountBonus, PhysicsRandomization, ShotBudget

FIRST_ROOM = "rlx/MiniMontezumaFirstRoom-v0"


class Context(dict):
    """RLlib's EnvContext, as a creator sees it: a dict that also carries the worker index."""

    def __init__(self, config, worker_index):
        super().__init__(config)
        self.worker_index, self.vector_index = worker_index, 0


def _stack(env) -> list[type]:
    kinds = []
    while isinstance(env, gym.Wrapper):
        kinds.append(type(env))
        env = env.env
    return kinds


def _stream(env, seed=None) -> float:
    env.reset(seed=seed)
    return float(env.unwrapped.np_random.random())


def test_env_config_puts_the_wrappers_on_in_order():
    env = rllib.make_env("Hopper-v5", {
        "physics": {"parameters": [body_mass("torso", Fixed(2.0), "scale")]},
        "bonus": "hash-count", "bonus_kwargs": {"beta": 0.5},
        "shot_budget": {"max_shots": 3}, "observation_dtype": "float32", "seed": 4,
    })  # fmt: skip
    kinds = _stack(env)
    order = [rllib.WorkerSeeds, gym.wrappers.DtypeObservation, ShotBudget, HashCountBonus,
             PhysicsRandomization]  # fmt: skip
    assert [k for k in kinds if k in order] == order
    obs, info = env.reset()
    assert obs.dtype == np.float32 and env.get_wrapper_attr("beta") == 0.5
    assert env.observation_space.dtype == np.float32
    obs, reward, *_, info = env.step(env.action_space.sample())
    assert reward == pytest.approx(info["extrinsic_reward"] + info["intrinsic_reward"])


def test_a_bonus_by_class_and_the_env_kwargs_reach_gym_make():
    env = rllib.make_env(FIRST_ROOM, {"env_kwargs": {"obs_mode": "symbolic"}, "bonus": CountBonus})
    assert CountBonus in _stack(env) and env.unwrapped.obs_mode == "symbolic"
    assert _stack(rllib.make_env(FIRST_ROOM)) == [rllib.WorkerSeeds, *_stack(gym.make(FIRST_ROOM))]


def test_bad_env_config_is_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match=r"unknown env_config keys \['bonsu'\]; valid keys: "
                       r"\['env_kwargs', 'physics', 'bonus'"):  # fmt: skip
        rllib.make_env(FIRST_ROOM, {"bonsu": "count"})
    with pytest.raises(ValueError, match="vector_entry_point mode is not supported"):
        rllib.make_env(FIRST_ROOM, {"num_envs": 4})
    with pytest.raises(ValueError, match=r"unknown env_config\['bonus'\] 'counts'; valid choices: "
                       r"'count', 'hash-count'"):  # fmt: skip
        rllib.make_env(FIRST_ROOM, {"bonus": "counts"})
    with pytest.raises(ValueError, match="'bonus_kwargs' but no 'bonus'"):
        rllib.make_env(FIRST_ROOM, {"bonus_kwargs": {"beta": 1.0}})
    with pytest.raises(ValueError, match="worker_index must be an integer >= 0"):
        rllib.make_env(FIRST_ROOM, Context({}, worker_index=-1))


def test_workers_never_share_a_random_stream():
    sticky = {"env_kwargs": {"sticky_action_prob": 0.25}, "seed": 0}
    # RLlib's own scheme resets worker w's env i with seed + w + i: worker 1's env 1 and worker
    # 2's env 0 both get seed + 2. Mixed with (worker, env), their streams differ.
    first = [rllib.make_env(FIRST_ROOM, Context(sticky, w)) for w in (1, 1, 2)]
    assert first[1].vector_index == first[0].vector_index + 1  # worker 1's envs, numbered
    a, b = first[1], first[2]
    assert (a.worker_index, b.worker_index) == (1, 2)
    assert _stream(a, seed=2) != _stream(b, seed=2)
    # The base seed alone (no seed at reset): distinct per worker, the same on a rebuild.
    streams = [_stream(rllib.WorkerSeeds(gym.make(FIRST_ROOM), w, 0, seed=0)) for w in range(4)]
    assert len(set(streams)) == 4
    assert _stream(rllib.WorkerSeeds(gym.make(FIRST_ROOM), 2, 0, seed=0)) == streams[2]
    again = rllib.WorkerSeeds(gym.make(FIRST_ROOM), 3, 5)
    assert again.reset(seed=9)[0].tolist() == rllib.WorkerSeeds(
        gym.make(FIRST_ROOM), 3, 5).reset(seed=9)[0].tolist()  # fmt: skip
    assert again.first_seed == rllib.derived_seed(9, 3, 5)


def test_each_worker_numbers_the_envs_it_builds():
    envs = [rllib.make_env("rlx/Chain-v0", Context({}, worker_index=11)) for _ in range(3)]
    indices = [e.vector_index for e in envs]
    assert indices == list(range(indices[0], indices[0] + 3))


def test_the_creator_pickles_and_register_names_every_id():
    creator = pickle.loads(pickle.dumps(rllib.functools.partial(rllib.make_env, FIRST_ROOM)))
    assert creator({"seed": 1}).spec.id == FIRST_ROOM
    pytest.importorskip("ray.tune", reason='optional: pip install "rlx-envs[rllib]"')
    from ray.tune.registry import ENV_CREATOR, _global_registry

    assert rllib.register() == ids()
    assert all(_global_registry.contains(ENV_CREATOR, env_id) for env_id in ids())
    assert rllib.register([FIRST_ROOM]) == [FIRST_ROOM]
    with pytest.raises(ValueError, match=r"unknown env id 'rlx/Nope-v0'.*python -m rlx_envs list"):
        rllib.register(["rlx/Nope-v0"])
