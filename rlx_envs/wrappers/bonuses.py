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
from rlx_envs.estimators.product_density import Part, ProductDensity
from rlx_envs.estimators.pseudo_counts import PredictionGain, PseudoCounts
from rlx_envs.wrappers.bonus import BonusWrapper, VectorBonusWrapper
from rlx_envs.wrappers.observation_views import (
    COMPOSITE,
    ObservationView,
    is_image,
    quantiser_for,
    view_of,
)

#: The vector twins that have a per-env estimator (``per_env=True``).
PER_ENV = ("VectorCountBonus, VectorHashCountBonus (table='exact'), VectorPseudoCountBonus and "
           "VectorPredictionGainBonus (model='cts')")  # fmt: skip


class _Bonus:
    """What every bonus mixin does: record its arguments, then start the wrapper base with an
    estimator factory built from the env's (single) observation and action spaces.

    ``build(view, action_space, envs)`` builds the estimator for the observations as ``view``
    (an :class:`~rlx_envs.wrappers.observation_views.ObservationView`) shows them: ``envs`` is
    None for one estimate, or the number of envs for a per-env estimator (mixins that have none
    never get it).
    """

    #: Whether ``build`` can make a per-env estimator.
    per_env_estimator = False
    #: Whether the estimator takes only vectors (then Discrete observations are flattened too).
    vectors_only = False

    def _start(self, env, build, beta, options: dict, **arguments) -> None:
        RecordConstructorArgs.__init__(self, beta=beta, **arguments, **options)
        vector = isinstance(self, VectorBonusWrapper)
        source = env.single_observation_space if vector else env.observation_space
        view = view_of(source, vectors_only=self.vectors_only)
        options = {**options, "view": view}
        if vector:
            act = env.single_action_space
            per_env, per_episode = options.get("per_env"), options.get("per_episode")
            if per_env is True and per_episode is not True and not self.per_env_estimator:
                raise ValueError(
                    f"{type(self).__name__} has no per-env estimator: per_env=True is supported "
                    f"by {PER_ENV}; the others share one estimator across the batch (with "
                    "per_episode=True as well, each env has its own, reset with its episodes)"
                )
            factory = lambda envs=None: build(view, act, envs)  # noqa: E731
            VectorBonusWrapper.__init__(self, env, factory, beta, **options)
        else:
            act = env.action_space
            BonusWrapper.__init__(self, env, lambda: build(view, act, None), beta, **options)


# -- counts --------------------------------------------------------------------------------------
class _Counts(_Bonus):
    per_env_estimator = True

    def __init__(self, env, beta=0.1, *, form: str = "mbie", count: str = "state", **options):
        self._start(
            env,
            lambda view, act, envs: ExactCounts(form, count, envs=envs),
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
        <VectorCountBonus(per_env=True, estimator=ExactCounts(..., envs=2)), MiniMontezuma...>
    """


class _Hash(_Bonus):
    vectors_only = True
    per_env_estimator = True

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
            lambda view, act, envs: SimHashCounts(
                k,
                form,
                is_image(view.space) if image is None else image,
                downsample,
                table,
                seed=seed,
                envs=envs,
            ),
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
    model, view: ObservationView, levels: int | None, image_size: tuple[int, int],
    envs: int | None = None,
):  # fmt: skip
    """A density model for observations as ``view`` shows them: "cts", "empirical" or a
    factory.

    ``"cts"`` picks by the space (the table of docs/wrappers/exploration_bonuses.md): images,
    the CTS model of frames; 2-D grids of small integers, the CTS model of the grid; anything
    else, the CTS model of vectors quantised into base-16 digits. A Dict or Tuple with image or
    grid parts gets a :class:`~rlx_envs.estimators.product_density.ProductDensity`: each such
    part its own model, the other parts flattened together into one vector model.

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
    cts = CTSDensity if envs is None else functools.partial(BatchedCTSDensity, envs)
    if view.flattens and isinstance(view.kept, COMPOSITE):
        parts = _product_parts(view.kept, cts, levels, image_size)
        if parts is not None:
            return ProductDensity(parts)
    if is_image(view.space) or _small_grid(view.space):
        return _array_model(view.space, cts, levels, image_size)
    if levels is not None:
        raise ValueError(
            f"levels={levels} applies to images and 2-D grids of small integers; observations of "
            f"{view.source} are read as vectors of base-16 digits (leave levels unset)"
        )
    return _vector_model(view.space, cts)


def _array_model(space, cts, levels, image_size):
    """The CTS model of an image or of a grid of small integers."""
    if is_image(space):
        return cts(image_size=image_size, levels=levels or 8)
    return cts(shape=space.shape, levels=levels or int(space.high.max()) + 1)


#: The most digits the CTS model of vectors takes (its counts grow by about 36 kB a digit).
MAX_VECTOR_DIGITS = 4096


def _vector_model(space, cts):
    """The CTS model of vectors of ``space``, quantised."""
    quantiser = quantiser_for(space)
    if quantiser.width > MAX_VECTOR_DIGITS:
        raise ValueError(
            f"observations of {space} make {quantiser.width} base-16 digits, more than the "
            f"{MAX_VECTOR_DIGITS} the CTS model of vectors takes (its memory grows with them): "
            "select fewer numbers (e.g. gymnasium.wrappers.FilterObservation), or use "
            "HashCountBonus or RNDBonus, which take any length"
        )
    return cts(quantiser=quantiser)


def _product_parts(space, cts, levels, image_size) -> list[Part] | None:
    """Parts of a flattened Dict or Tuple: images and grids alone, the rest as one vector
    (None when there is no image or grid part: one vector model then)."""
    names = list(space.spaces) if isinstance(space, spaces.Dict) else range(len(space.spaces))
    parts, rest, rest_index, offset = [], [], [], 0
    for name in names:
        part = space[name]
        size = spaces.flatdim(part)
        index = np.arange(offset, offset + size)
        offset += size
        if is_image(part) or _small_grid(part):
            parts.append(Part(index, part.shape, part.dtype,
                              _array_model(part, cts, levels, image_size)))  # fmt: skip
        else:
            rest.append(part)
            rest_index.append(index)
    if not parts:
        return None
    if rest:
        flat = spaces.flatten_space(spaces.Tuple(rest))
        parts.append(Part(np.concatenate(rest_index), flat.shape, flat.dtype,
                          _vector_model(flat, cts)))  # fmt: skip
    return parts


#: The most values a cell of a 2-D integer grid may take for the grid model (more: vectors).
MAX_GRID_LEVELS = 32


def _small_grid(space) -> bool:
    """A 2-D Box of integers from 0 to at most :data:`MAX_GRID_LEVELS` - 1 (MiniMontezuma's
    ``"symbolic"``): modelled as a grid, each cell in the context of its neighbours."""
    return (
        isinstance(space, spaces.Box)
        and len(space.shape) == 2
        and space.dtype.kind in "iub"
        and space.low.min() >= 0
        and space.high.max() < MAX_GRID_LEVELS
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
            lambda view, act, envs: PseudoCounts(
                density_model(model, view, levels, image_size, envs)
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
            lambda view, act, envs: PredictionGain(
                density_model(model, view, levels, image_size, envs), c
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
