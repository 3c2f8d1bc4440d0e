"""RLlib on rlx-envs: every ``rlx/`` id registered with RLlib, wrappers through ``env_config``.

RLlib's env runners are separate processes that do not see Gymnasium's registry: they build
their envs from creators registered with ``ray.tune.registry.register_env``, each called with an
``env_config`` (RLlib's ``EnvContext``: a dict that also carries ``worker_index``).
:func:`register` registers one creator per ``rlx/`` id, so that
``PPOConfig().environment("rlx/MiniMontezumaFirstRoom-v0", env_config={...})`` works with any
number of env runners. The ``env_config`` keys (all optional):

* ``"env_kwargs"``: keyword arguments of ``gym.make`` (``{"sticky_action_prob": 0.25}``);
* ``"physics"``: keyword arguments of :class:`~rlx_envs.wrappers.PhysicsRandomization`;
* ``"bonus"``: an exploration bonus, by name (:data:`BONUSES`) or as a wrapper class, with
  ``"bonus_kwargs"`` (``{"beta": 0.1}``);
* ``"shot_budget"``: keyword arguments of :class:`~rlx_envs.wrappers.ShotBudget`;
* ``"observation_dtype"``: cast the observations (``"float32"``: RLlib's default networks take
  floats, and MiniMontezuma's ``ram`` and pixels are ``uint8``), with Gymnasium's
  ``DtypeObservation``;
* ``"seed"``: a base seed for the first reset of every env.

The wrappers go on in that order (physics innermost, the cast outermost: the bonus sees the
env's own observations), then :class:`WorkerSeeds`: every seed an env is reset with (RLlib's,
or ``"seed"``) is mixed with its worker index and its number among the envs of that worker, so
that no two envs share a random stream (RLlib's own scheme gives worker ``w``'s env ``i`` the
seed ``seed + w + i``, the same as worker ``w + 1``'s env ``i - 1``).

>>> from rlx_envs.integrations.rllib import make_env
>>> env = make_env("rlx/MiniMontezumaFirstRoom-v0", {"bonus": "count", "seed": 0})
>>> obs, info = env.reset()
>>> obs, reward, *_, info = env.step(0)
>>> sorted(k for k in info if k.endswith("reward"))
['extrinsic_reward', 'intrinsic_reward']
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from rlx_envs.core.arguments import choice, integer
from rlx_envs.registration import ids
from rlx_envs.wrappers import (
    CountBonus,
    HashCountBonus,
    InfoGainBonus,
    ModelErrorBonus,
    PhysicsRandomization,
    PredictionGainBonus,
    PseudoCountBonus,
    RNDBonus,
    ShotBudget,
)

#: The bonus wrappers ``env_config["bonus"]`` may name.
BONUSES: dict[str, type[gym.Wrapper]] = {
    "count": CountBonus,
    "hash-count": HashCountBonus,
    "pseudo-count": PseudoCountBonus,
    "prediction-gain": PredictionGainBonus,
    "model-error": ModelErrorBonus,
    "rnd": RNDBonus,
    "info-gain": InfoGainBonus,
}
#: The keys ``env_config`` may hold.
CONFIG_KEYS = (
    "env_kwargs",
    "physics",
    "bonus",
    "bonus_kwargs",
    "shot_budget",
    "observation_dtype",
    "seed",
)

# How many envs this process has built for each worker index: RLlib's new API stack hands every
# env of a runner the same EnvContext (vector_index 0), so the creator numbers them itself.
_BUILT: Counter = Counter()


def derived_seed(seed: int, worker_index: int, vector_index: int) -> int:
    """A seed for env ``vector_index`` of worker ``worker_index``, independent of every other
    (worker, env) pair's (numpy's ``SeedSequence`` over the three numbers).

    >>> derived_seed(0, 1, 0) != derived_seed(0, 0, 1)
    True
    >>> derived_seed(7, 2, 3) == derived_seed(7, 2, 3)
    True
    """
    named = (("seed", seed), ("worker_index", worker_index), ("vector_index", vector_index))
    entropy = [integer(name, value, minimum=0) for name, value in named]
    return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0] >> np.uint64(1))


class WorkerSeeds(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Mixes every reset seed with a worker index and an env index (:func:`derived_seed`), so
    that envs on different workers never share a random stream; ``seed`` seeds the first reset
    when the caller gives none.

    >>> env = WorkerSeeds(gym.make("rlx/Chain-v0"), worker_index=2, vector_index=1, seed=0)
    >>> _ = env.reset()
    >>> env.first_seed == derived_seed(0, 2, 1)
    True
    """

    def __init__(self, env: gym.Env, worker_index: int, vector_index: int,
                 seed: int | None = None):  # fmt: skip
        gym.utils.RecordConstructorArgs.__init__(
            self, worker_index=worker_index, vector_index=vector_index, seed=seed
        )
        gym.Wrapper.__init__(self, env)
        self.worker_index = integer("worker_index", worker_index, minimum=0)
        self.vector_index = integer("vector_index", vector_index, minimum=0)
        self.seed = None if seed is None else integer("seed", seed, minimum=0)
        #: The seed of the first reset (None: the first reset drew from the OS's entropy).
        self.first_seed: int | None = None
        self._reset_before = False

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        if seed is None and not self._reset_before:
            seed = self.seed
        if seed is not None:
            seed = derived_seed(seed, self.worker_index, self.vector_index)
        if not self._reset_before:
            self.first_seed, self._reset_before = seed, True
        return self.env.reset(seed=seed, options=options)


def _bonus(name_or_class: Any) -> Callable[..., gym.Wrapper]:
    if isinstance(name_or_class, type) and issubclass(name_or_class, gym.Wrapper):
        return name_or_class
    return BONUSES[choice("env_config['bonus']", name_or_class, BONUSES)]


def make_env(env_id: str, env_config: Mapping[str, Any] | None = None) -> gym.Env:
    """Build ``env_id`` with the wrappers ``env_config`` asks for (the keys in the module's
    docstring); ``env_config.worker_index`` and ``vector_index`` (RLlib's ``EnvContext``; 0 for
    a plain dict) pick the env's seeds.

    Raises:
        ValueError: an unknown key (the valid ones are named), an unknown bonus name, or
            ``bonus_kwargs`` without ``bonus``.
    """
    config = dict(env_config or {})
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        hint = (" (RLlib's vector_entry_point mode is not supported: use the default 'sync' "
                "gym_env_vectorize_mode)" if "num_envs" in unknown else "")  # fmt: skip
        raise ValueError(f"unknown env_config keys {unknown}; valid keys: {list(CONFIG_KEYS)}"
                         f"{hint}")  # fmt: skip
    if "bonus_kwargs" in config and "bonus" not in config:
        raise ValueError("env_config has 'bonus_kwargs' but no 'bonus' (one of "
                         f"{list(BONUSES)}, or a bonus wrapper class)")  # fmt: skip
    worker_index = integer("worker_index", getattr(env_config, "worker_index", 0), minimum=0)
    env = gym.make(env_id, **config.get("env_kwargs", {}))
    if "physics" in config:
        env = PhysicsRandomization(env, **config["physics"])
    if "bonus" in config:
        env = _bonus(config["bonus"])(env, **config.get("bonus_kwargs", {}))
    if "shot_budget" in config:
        env = ShotBudget(env, **config["shot_budget"])
    if "observation_dtype" in config:
        env = gym.wrappers.DtypeObservation(env, np.dtype(config["observation_dtype"]))
    # RLlib's vector_index where it numbers a runner's envs, plus the number of envs this process
    # built before for the worker (the new API stack gives every env of a runner index 0).
    given = integer("vector_index", getattr(env_config, "vector_index", 0), minimum=0)
    vector_index = given + _BUILT[worker_index]
    _BUILT[worker_index] += 1
    return WorkerSeeds(env, worker_index, vector_index, seed=config.get("seed"))


def register(env_ids: Iterable[str] | None = None) -> list[str]:
    """Register a creator with RLlib (``ray.tune.registry.register_env``) for every ``rlx/`` id
    (or those given), so that RLlib's env runners can build them by name; return the ids.

    >>> from rlx_envs.integrations import rllib  # doctest: +SKIP
    >>> "rlx/MiniMontezumaFirstRoom-v0" in rllib.register()  # doctest: +SKIP
    True

    Raises:
        ModuleNotFoundError: Ray is not installed (``pip install "rlx-envs[rllib]"``).
        ValueError: an id that is not registered (the message names where to find them).
    """
    try:
        from ray.tune.registry import register_env
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'rlx_envs.integrations.rllib needs RLlib: pip install "rlx-envs[rllib]"'
        ) from error
    known = ids()
    chosen = known if env_ids is None else list(env_ids)
    for env_id in chosen:
        if env_id not in known:
            raise ValueError(f"unknown env id {env_id!r}; the rlx ids are listed by "
                             "`python -m rlx_envs list`")  # fmt: skip
        register_env(env_id, functools.partial(make_env, env_id))
    return chosen


__all__ = ["BONUSES", "CONFIG_KEYS", "WorkerSeeds", "derived_seed", "make_env", "register"]
