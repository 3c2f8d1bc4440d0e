"""The registered randomized MuJoCo envs: Gymnasium's Hopper and Half-Cheetah under EPOpt's tables.

Each factory builds Gymnasium's v5 env directly (the registry adds the time limit) and wraps it
in :class:`~rlx_envs.wrappers.PhysicsRandomization` with a table variant: ``"random"`` (the
training distribution), ``"nominal"`` (the table's means, fixed) or ``"extreme"`` (values outside
the training ranges).
"""

from __future__ import annotations

from collections.abc import Sequence

from .distributions import Fixed
from .parameters import Parameter, floor_tilt
from .tables import EPOPT_HALF_CHEETAH, EPOPT_HOPPER, TableRow, table_parameters


def _randomized(
    env_class,
    table: tuple[TableRow, ...],
    variant: str,
    resample_every: int | None,
    expose: str,
    unmodeled: Sequence[Parameter],
    render_mode: str | None,
    **kwargs,
):
    from rlx_envs.wrappers.physics_randomization import PhysicsRandomization

    tilt = kwargs.pop("floor_tilt", None)
    if tilt is not None:  # a plain number, so that env specs stay JSON
        unmodeled = (*unmodeled, floor_tilt(Fixed(tilt)))
    parameters = table_parameters(table, variant)
    env = env_class(render_mode=render_mode, **kwargs)
    return PhysicsRandomization(
        env, parameters, resample_every=resample_every, expose=expose, unmodeled=unmodeled
    )


def hopper(
    variant: str = "random",
    resample_every: int | None = 1,
    expose: str = "info",
    unmodeled: Sequence[Parameter] = (),
    render_mode: str | None = None,
    **kwargs,
):
    """Gymnasium's ``Hopper-v5`` with :data:`~rlx_envs.physics.EPOPT_HOPPER` physics.

    ``kwargs`` go to Gymnasium's ``HopperEnv`` (``ctrl_cost_weight``, ``reset_noise_scale``...),
    except ``floor_tilt=degrees``, a shorthand for ``unmodeled=[floor_tilt(Fixed(degrees))]``.
    """
    from gymnasium.envs.mujoco.hopper_v5 import HopperEnv

    return _randomized(
        HopperEnv, EPOPT_HOPPER, variant, resample_every, expose, unmodeled, render_mode, **kwargs
    )


def half_cheetah(
    variant: str = "random",
    resample_every: int | None = 1,
    expose: str = "info",
    unmodeled: Sequence[Parameter] = (),
    render_mode: str | None = None,
    **kwargs,
):
    """Gymnasium's ``HalfCheetah-v5`` with :data:`~rlx_envs.physics.EPOPT_HALF_CHEETAH` physics."""
    from gymnasium.envs.mujoco.half_cheetah_v5 import HalfCheetahEnv

    return _randomized(
        HalfCheetahEnv,
        EPOPT_HALF_CHEETAH,
        variant,
        resample_every,
        expose,
        unmodeled,
        render_mode,
        **kwargs,
    )
