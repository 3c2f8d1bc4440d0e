"""The count and density exploration-bonus wrappers, each with its vector twin.

Each single-env wrapper ``XBonus`` has a twin ``VectorXBonus`` taking the same arguments and
sharing ONE estimator among all envs of a vector env (or, with ``per_env=True`` where the bonus
has a per-env estimator, one independent estimate per env). A bonus's arguments and how they
build its estimator are written once, in a small mixin (``_Counts``, ``_Hash``, ...) that both
twins inherit; the twins differ only in their base,
:class:`~rlx_envs.wrappers.bonus.BonusWrapper` or
:class:`~rlx_envs.wrappers.bonus.VectorBonusWrapper`, whose common options (``normalize``,
``mix``, ``per_episode``, ``key``; ``per_env`` for the vector twins) they take.

The bonuses of learned predictors (model error, RND, VIME) are in ``learned_bonuses.py``, on
the same mixin. Every count-like figure counts the current visit: the first visit of a state has
count 1 and raw bonus 1 / sqrt(1), for exact counts, hash counts, pseudo-counts (N_hat + 1) and
prediction-gain counts alike (see :mod:`rlx_envs.estimators.pseudo_counts` for the papers'
conventions).

Change history: 0.1.0, first version. 0.2.0: ``per_env=True`` for ``VectorCountBonus``,
``VectorPseudoCountBonus`` and ``VectorPredictionGainBonus``; pseudo-counts and prediction-gain
counts count the current visit (N_hat + 1, bonus (N_hat + 1)^-1/2 instead of
(N_hat + 0.01)^-1/2).
"""

from __future__ import annotations

import functools

import numpy as np
from gymnasium import spaces
from gymnasium.utils import RecordConstructorArgs

from rlx_envs.estimators.counts import ExactCounts, SimHashCounts
from rlx_envs.estimators.cts_batch import BatchedCTSDensity
from rlx_envs.estimators.density import CTSDensity, EmpiricalDensity
from rlx_envs.estimators.pseudo_counts import PredictionGain, PseudoCounts
from rlx_envs.wrappers.bonus import BonusWrapper, VectorBonusWrapper

#: The vector twins that have a per-env estimator (``per_env=True``).
PER_ENV = "VectorCountBonus, VectorPseudoCountBonus and VectorPredictionGainBonus (model='cts')"


class _Bonus:
    """What every bonus mixin does: record its arguments, then start the wrapper base with an
    estimator factory built from the env's (single) observation and action spaces.

    ``build(obs_space, action_space, envs)`` builds the estimator: ``envs`` is None for one
    estimate, or the number of envs for a per-env estimator (mixins that have none never get it).
    """

    #: Whether ``build`` can make a per-env estimator.
    per_env_estimator = False

    def _start(self, env, build, beta, options: dict, **arguments) -> None:
        RecordConstructorArgs.__init__(self, beta=beta, **arguments, **options)
        if isinstance(self, VectorBonusWrapper):
            obs, act = env.single_observation_space, env.single_action_space
            per_env, per_episode = options.get("per_env"), options.get("per_episode")
            if per_env is True and per_episode is not True and not self.per_env_estimator:
                raise ValueError(
                    f"{type(self).__name__} has no per-env estimator: per_env=True is supported "
                    f"by {PER_ENV}; the others share one estimator across the batch (with "
                    "per_episode=True as well, each env has its own, reset with its episodes)"
                )
            factory = lambda envs=None: build(obs, act, envs)  # noqa: E731
            VectorBonusWrapper.__init__(self, env, factory, beta, **options)
        else:
            obs, act = env.observation_space, env.action_space
            BonusWrapper.__init__(self, env, lambda: build(obs, act, None), beta, **options)


# -- counts --------------------------------------------------------------------------------------
class _Counts(_Bonus):
    per_env_estimator = True

    def __init__(self, env, beta=0.1, *, form: str = "mbie", count: str = "state", **options):
        self._start(
            env,
            lambda obs, act, envs: ExactCounts(form, count, envs=envs),
            beta,
            options,
            form=form,
            count=count,
        )


class CountBonus(_Counts, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta / sqrt(N(s')) from exact visit counts (or another classic form).

    Counts the state key of every state reached: ``info["cell"]`` where the env gives one
    (MiniMontezuma's (room, x, y, keys, used objects)), else the observation, which must then be
    integer; pass ``key=`` to count something else (a discretiser of continuous observations).

    Args:
        env: the env.
        beta: bonus scale, a number or a schedule (``Constant``, ``Linear``, ``Exponential``).
        form: "mbie" (beta/sqrt(N), MBIE-EB), "beb" (beta/N) or "ucb" (beta sqrt(2 ln t / N)).
        count: "state" (N(s')) or "state_action" (N(s', a), discrete actions).
        **options: ``normalize``, ``mix``, ``per_episode``, ``key`` (see ``BonusWrapper``).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import CountBonus
        >>> env = CountBonus(gym.make("rlx/MiniMontezumaFirstRoom-v0"), beta=0.1)
        >>> obs, info = env.reset(seed=0)
        >>> obs, reward, terminated, truncated, info = env.step(0)
        >>> info["count"], round(info["intrinsic_reward"], 3), reward == info["intrinsic_reward"]
        (1.0, 0.1, True)
    """


class VectorCountBonus(_Counts, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`CountBonus` for a vector env: one count table for all envs, no loop over envs.

    By default the envs share their counts (a state env 0 visited is no longer new for env 1).
    With ``per_env=True`` each env has its own counts (one table keyed by (env, state)): env i
    gets exactly what ``CountBonus`` with the same arguments gives on env i's own transitions,
    as for independent seeds run side by side.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorCountBonus
        >>> make = lambda: gym.make_vec(
        ...     "rlx/MiniMontezumaFirstRoom-v0", num_envs=2, vectorization_mode="vector_entry_point"
        ... )
        >>> shared, per_env = VectorCountBonus(make()), VectorCountBonus(make(), per_env=True)
        >>> _ = shared.reset(seed=0), per_env.reset(seed=0)
        >>> shared.step(np.array([0, 0]))[4]["count"]  # both envs stand on the same cell
        array([1., 2.])
        >>> per_env.step(np.array([0, 0]))[4]["count"]
        array([1., 1.])
        >>> per_env  # doctest: +ELLIPSIS
        <VectorCountBonus(per_env=True), MiniMontezumaVectorEnv(...)>
    """


class _Hash(_Bonus):
    def __init__(
        self,
        env,
        beta=0.1,
        *,
        k: int = 64,
        image: bool | None = None,
        downsample: int = 2,
        table: str = "exact",
        form: str = "mbie",
        seed: int = 0,
        **options,
    ):
        self._start(
            env,
            lambda obs, act, _: SimHashCounts(k, form, image, downsample, table, seed=seed),
            beta,
            options,
            k=k,
            image=image,
            downsample=downsample,
            table=table,
            form=form,
            seed=seed,
        )


class HashCountBonus(_Hash, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta / sqrt(n(phi(s'))) with phi a SimHash code (Tang et al. 2016).

    Args:
        env: an env with Box observations (vectors, or images with ``image=True``).
        beta: bonus scale or schedule.
        k: code length in bits; ``image``, ``downsample``: frame preprocessing; ``table``:
            "exact" or "sketch" (count-min); ``form``: as :class:`CountBonus`; ``seed``: of the
            projection. See :class:`~rlx_envs.estimators.counts.SimHashCounts`.
        **options: ``normalize``, ``mix``, ``per_episode``.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import HashCountBonus
        >>> env = HashCountBonus(gym.make("rlx/MiniMontezuma-v0", obs_mode="ram"), k=32)
        >>> _ = env.reset(seed=0)
        >>> env.step(0)[4]["count"]
        1.0
    """


class VectorHashCountBonus(_Hash, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`HashCountBonus` for a vector env: one code table, codes computed for the batch.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorHashCountBonus
        >>> envs = VectorHashCountBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezuma-v0", num_envs=2, vectorization_mode="vector_entry_point",
        ...         obs_mode="ram",
        ...     ),
        ...     k=32,
        ... )
        >>> _ = envs.reset(seed=0)
        >>> envs.step(np.array([0, 0]))[4]["count"]  # one table: env 1 counts env 0's visit
        array([1., 2.])
    """


# -- density models: pseudo-counts and prediction gain -------------------------------------------
def density_model(
    model, space, levels: int | None, image_size: tuple[int, int], envs: int | None = None
):
    """A density model for observations of ``space``: "cts", "empirical" or a factory.

    With ``envs=N`` (per-env pseudo-counts), ``envs`` independent CTS models stacked as arrays
    (:class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity`); only ``model="cts"`` has that.
    """
    if envs is not None and model != "cts":
        raise ValueError(
            f"per_env=True needs model='cts' (N CTS models stacked as arrays), got "
            f"model={model!r}; for exact per-env counts use VectorCountBonus(per_env=True)"
        )
    if callable(model):
        return model()
    if model == "empirical":
        return EmpiricalDensity()
    if model != "cts":
        raise ValueError(
            f"unknown density model {model!r}; valid: ['cts', 'empirical'] or a "
            "callable returning a DensityModel"
        )
    if envs is None:
        cts = CTSDensity
    else:
        cts = functools.partial(BatchedCTSDensity, envs)
    if isinstance(space, spaces.Box) and len(space.shape) == 3 and space.dtype == np.uint8:
        return cts(image_size=image_size, levels=levels or 8)
    if isinstance(space, spaces.Box) and len(space.shape) == 2 and space.dtype.kind in "iub":
        return cts(shape=space.shape, levels=levels or int(space.high.max()) + 1)
    raise ValueError(
        f"model='cts' takes (H, W) integer grids or (H, W, C) uint8 frames, got {space}; "
        "use model='empirical' or pass a DensityModel factory"
    )


class _PseudoCounts(_Bonus):
    per_env_estimator = True

    def __init__(
        self,
        env,
        beta=0.05,
        *,
        model="cts",
        levels: int | None = None,
        image_size: tuple[int, int] = (42, 42),
        **options,
    ):
        self._start(
            env,
            lambda obs, act, envs: PseudoCounts(
                density_model(model, obs, levels, image_size, envs)
            ),
            beta,
            options,
            model=model,
            levels=levels,
            image_size=image_size,
        )


class PseudoCountBonus(_PseudoCounts, BonusWrapper, RecordConstructorArgs):
    """r+ = r + beta / sqrt(N_hat(s') + 1), N_hat a pseudo-count (Bellemare et al. 2016).

    A density model rho is fit online to the states seen: for each state reached, rho(s) before
    and the recoding probability rho'(s) after one update give N_hat = rho (1 - rho') / (rho' -
    rho), the count before this visit. ``info["pseudo_count"]`` is N_hat + 1, the count with
    this visit included, as ``CountBonus`` counts (so a new state's bonus is beta, not the
    paper's 10 beta from (0 + 0.01)^-1/2). See :mod:`rlx_envs.estimators.pseudo_counts`.

    Args:
        env: the env.
        beta: bonus scale or schedule.
        model: "cts" (default: a CTS-style model of grids or of frames preprocessed to
            ``image_size`` with ``levels`` grey levels), "empirical" (exact counts: the
            pseudo-count equals the visit count) or a callable returning a density model.
        levels, image_size: see ``model``.
        **options: ``normalize``, ``mix``, ``per_episode``.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import PseudoCountBonus
        >>> env = PseudoCountBonus(gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="symbolic"))
        >>> _ = env.reset(seed=0)
        >>> info = env.step(0)[4]
        >>> 1 <= info["pseudo_count"] < 2, 0.7 < info["intrinsic_reward"] / env.beta <= 1
        (True, True)
    """


class VectorPseudoCountBonus(_PseudoCounts, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`PseudoCountBonus` for a vector env: one density model, fed the batch in env order
    (a loop over the envs: each update changes the next probability).

    With ``per_env=True`` (and ``model="cts"``) each env has its own CTS model, the N models
    stacked as arrays (:class:`~rlx_envs.estimators.cts_batch.BatchedCTSDensity`: one gather
    and one scatter per step for the whole batch): env i gets exactly what
    ``PseudoCountBonus`` gives on env i's own transitions.

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorPseudoCountBonus
        >>> envs = VectorPseudoCountBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
        ...         vectorization_mode="vector_entry_point", obs_mode="symbolic",
        ...     ),
        ...     per_env=True,
        ... )
        >>> _ = envs.reset(seed=0)
        >>> info = envs.step(np.array([0, 0]))[4]
        >>> info["pseudo_count"], info["intrinsic_reward"]  # a first visit in each env's model
        (array([1., 1.]), array([0.05, 0.05]))
    """


class _PredictionGain(_Bonus):
    per_env_estimator = True

    def __init__(
        self,
        env,
        beta=0.05,
        *,
        model="cts",
        c: float = 0.1,
        levels: int | None = None,
        image_size: tuple[int, int] = (42, 42),
        **options,
    ):
        self._start(
            env,
            lambda obs, act, envs: PredictionGain(
                density_model(model, obs, levels, image_size, envs), c
            ),
            beta,
            options,
            model=model,
            c=c,
            levels=levels,
            image_size=image_size,
        )


class PredictionGainBonus(_PredictionGain, BonusWrapper, RecordConstructorArgs):
    """Pseudo-counts from the prediction gain PG = log rho'(s) - log rho(s) (Ostrovski et al.
    2017): N_hat = 1 / (exp(c n^-1/2 PG+) - 1), bonus beta / sqrt(N_hat + 1) (the current visit
    counted, as in :class:`PseudoCountBonus`; ``info["pseudo_count"]`` is N_hat + 1).

    Args: as :class:`PseudoCountBonus`, plus ``c``, the prediction-gain scale.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import PredictionGainBonus
        >>> env = PredictionGainBonus(
        ...     gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="symbolic"), c=0.1
        ... )
        >>> _ = env.reset(seed=0)
        >>> info = env.step(0)[4]
        >>> info["pseudo_count"], info["intrinsic_reward"]  # a first visit: the bonus is beta
        (1.0, 0.05)
    """


class VectorPredictionGainBonus(_PredictionGain, VectorBonusWrapper, RecordConstructorArgs):
    """:class:`PredictionGainBonus` for a vector env (one model, the batch in env order; with
    ``per_env=True`` and ``model="cts"``, one CTS model per env, as
    :class:`VectorPseudoCountBonus`).

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorPredictionGainBonus
        >>> envs = VectorPredictionGainBonus(
        ...     gym.make_vec(
        ...         "rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
        ...         vectorization_mode="vector_entry_point", obs_mode="symbolic",
        ...     ),
        ...     per_env=True,
        ... )
        >>> _ = envs.reset(seed=0)
        >>> envs.step(np.array([0, 0]))[4]["pseudo_count"]
        array([1., 1.])
    """
