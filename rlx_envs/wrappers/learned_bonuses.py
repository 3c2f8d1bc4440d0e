"""The exploration-bonus wrappers of learned predictors, each with its vector twin.

A forward model's error (Stadie et al. 2015), random network distillation (Burda et al. 2018)
and VIME's information gain (Houthooft et al. 2016): small numpy networks trained online. Built
on the same mixin as the count bonuses (:mod:`rlx_envs.wrappers.bonuses`); their vector twins
share one network across the batch (no ``per_env`` estimator: ``per_env=True`` needs
``per_episode=True`` as well, one network per env).

Change history: 0.1.0, first version (in ``bonuses.py``).
"""

from __future__ import annotations

from gymnasium.utils import RecordConstructorArgs

from rlx_envs.estimators.bnn import InfoGain
from rlx_envs.estimators.predictors import RND, ForwardModelError
from rlx_envs.wrappers.bonus import BonusWrapper, VectorBonusWrapper
from rlx_envs.wrappers.bonuses import _Bonus


# -- learned predictors: model error, RND, information gain --------------------------------------
class _Predictor(_Bonus):
    """The arguments of the two learned predictors (a small numpy MLP trained online)."""

    def __init__(
        self,
        env,
        beta=0.1,
        *,
        features: int = 64,
        hidden=(64, 64),
        lr: float = 1e-3,
        updates: int = 1,
        seed: int = 0,
        **options,
    ):
        net = dict(features=features, hidden=hidden, lr=lr, updates=updates, seed=seed)
        build = self._estimator
        self._start(env, lambda view, act, _: build(view.space, act, **net), beta, options, **net)


class _ModelError(_Predictor):
    default_normalize = "max"

    @staticmethod
    def _estimator(obs, act, **net):
        return ForwardModelError(obs, act, **net)


class ModelErrorBonus(_ModelError, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta * e(s, a, s') / max e: a forward model's prediction error (Stadie, Levine and
    Abbeel 2015), normalised by its decaying maximum (``normalize="max"``), as in the paper.

    Args:
        env: the env (Box or Discrete observations; Discrete or Box actions).
        beta: bonus scale or schedule.
        **kwargs: of :class:`~rlx_envs.estimators.predictors.ForwardModelError` (``features``,
            ``hidden``, ``lr``, ``updates``, ``seed``) and the common options.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import ModelErrorBonus
        >>> base = gym.make("rlx/MiniMontezuma-v0", obs_mode="ram")
        >>> env = ModelErrorBonus(base, features=8, hidden=(8,))
        >>> _ = env.reset(seed=0)
        >>> info = env.step(0)[4]
        >>> info["prediction_error"] > 0, info["intrinsic_reward"]  # the first error is the max
        (True, 0.1)
    """


class VectorModelErrorBonus(_ModelError, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`ModelErrorBonus` for a vector env: one model, trained on the batch in env order.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorModelErrorBonus
        >>> envs = VectorModelErrorBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezuma-v0", num_envs=2, vectorization_mode="vector_entry_point",
        ...         obs_mode="ram",
        ...     ),
        ...     features=8,
        ...     hidden=(8,),
        ... )
        >>> _ = envs.reset(seed=0)
        >>> info = envs.step(np.array([0, 0]))[4]
        >>> info["prediction_error"].shape, float(info["intrinsic_reward"][0])
        ((2,), 0.1)
    """


class _RND(_Predictor):
    default_normalize = "std"

    @staticmethod
    def _estimator(obs, act, **net):
        return RND(obs, **net)


class RNDBonus(_RND, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta * ||f_hat(s') - f(s')||^2 / std: random network distillation (Burda et al.
    2018), the error normalised by its running standard deviation (``normalize="std"``).

    Args:
        env: the env (Box or Discrete observations).
        beta: bonus scale or schedule.
        **kwargs: of :class:`~rlx_envs.estimators.predictors.RND` (``features``, ``hidden``,
            ``lr``, ``updates``, ``seed``) and the common options.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import RNDBonus
        >>> base = gym.make("rlx/MiniMontezuma-v0", obs_mode="ram")
        >>> env = RNDBonus(base, features=8, hidden=(8,))
        >>> _ = env.reset(seed=0)
        >>> info = env.step(0)[4]
        >>> info["prediction_error"] >= 0, info["intrinsic_reward"] >= 0
        (True, True)
    """


class VectorRNDBonus(_RND, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`RNDBonus` for a vector env: one predictor, trained on the batch in env order.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorRNDBonus
        >>> envs = VectorRNDBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezuma-v0", num_envs=2, vectorization_mode="vector_entry_point",
        ...         obs_mode="ram",
        ...     ),
        ...     features=8,
        ...     hidden=(8,),
        ... )
        >>> _ = envs.reset(seed=0)
        >>> # The observation statistics start from these very states: they score 0.
        >>> envs.step(np.array([0, 0]))[4]["prediction_error"]
        array([0., 0.])
    """


class _InfoGain(_Bonus):
    def __init__(
        self,
        env,
        beta=0.1,
        *,
        features: int = 64,
        hidden=(32,),
        lr: float = 0.1,
        updates: int = 1,
        window: int = 1000,
        seed: int = 0,
        **options,
    ):
        net = dict(
            features=features, hidden=hidden, lr=lr, updates=updates, window=window, seed=seed
        )
        self._start(
            env, lambda view, act, _: InfoGain(view.space, act, **net), beta, options, **net
        )


class InfoGainBonus(_InfoGain, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta * KL(q(theta | phi') || q(theta | phi)) / median: VIME's information gain
    (Houthooft et al. 2016) from a Bayesian neural network dynamics model, normalised by the
    median of recent KLs inside the estimator (so ``normalize`` defaults to "none").

    Args:
        env: the env (Box or Discrete observations; Discrete or Box actions).
        beta: bonus scale or schedule.
        **kwargs: of :class:`~rlx_envs.estimators.bnn.InfoGain` (``features``, ``hidden``,
            ``lr``, ``updates``, ``window``, ``seed``) and the common options.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import InfoGainBonus
        >>> base = gym.make("rlx/MiniMontezuma-v0", obs_mode="ram")
        >>> env = InfoGainBonus(base, features=8, hidden=(8,))
        >>> _ = env.reset(seed=0)
        >>> info = env.step(0)[4]
        >>> info["info_gain"] > 0, info["intrinsic_reward"]  # the first KL is its own median
        (True, 0.1)
    """


class VectorInfoGainBonus(_InfoGain, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`InfoGainBonus` for a vector env: one BNN, updated on the batch in env order.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorInfoGainBonus
        >>> envs = VectorInfoGainBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezuma-v0", num_envs=2, vectorization_mode="vector_entry_point",
        ...         obs_mode="ram",
        ...     ),
        ...     features=8,
        ...     hidden=(8,),
        ... )
        >>> _ = envs.reset(seed=0)
        >>> info = envs.step(np.array([0, 0]))[4]
        >>> info["info_gain"].shape, float(info["intrinsic_reward"][0])
        ((2,), 0.1)
    """
