"""Presets: the one place where an env and wrappers are combined into a registered id.

Every ``rlx/`` id whose entry point is not an env class points here (see
:mod:`rlx_envs.registration`):

* ``rlx/Hopper*-v0`` and ``rlx/HalfCheetah*-v0``: Gymnasium's Hopper and Half-Cheetah under
  EPOpt's tables (:func:`hopper`, :func:`half_cheetah`);
* ``rlx/MiniMontezumaSim-v0`` and ``-Real-v0``: the first room in one fixed visual theme
  (:func:`themed_env`, batched :func:`themed_vector_env`).

Each MuJoCo factory builds Gymnasium's v5 env directly (the registry adds the time limit) and wraps
it in :class:`~rlx_envs.wrappers.PhysicsRandomization` with a table variant: ``"random"`` (the
training distribution), ``"nominal"`` (the table's means, fixed) or ``"extreme"`` (values outside
the training ranges).
"""

from __future__ import annotations

from collections.abc import Sequence

from gymnasium.envs.mujoco.half_cheetah_v5 import HalfCheetahEnv
from gymnasium.envs.mujoco.hopper_v5 import HopperEnv

from rlx_envs.envs.minimontezuma.env import MiniMontezumaEnv
from rlx_envs.envs.minimontezuma.vector import MiniMontezumaVectorEnv
from rlx_envs.rules.physics.distributions import Fixed
from rlx_envs.rules.physics.parameters import Parameter, floor_tilt
from rlx_envs.rules.physics.tables import (
    EPOPT_HALF_CHEETAH,
    EPOPT_HOPPER,
    TableRow,
    table_parameters,
)
from rlx_envs.wrappers.physics_randomization import PhysicsRandomization
from rlx_envs.wrappers.visual_randomization import VectorVisualRandomization, VisualRandomization


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
    """Gymnasium's ``Hopper-v5`` with :data:`~rlx_envs.rules.physics.EPOPT_HOPPER` physics.

    ``kwargs`` go to Gymnasium's ``HopperEnv`` (``ctrl_cost_weight``, ``reset_noise_scale``...),
    except ``floor_tilt=degrees``, a shorthand for ``unmodeled=[floor_tilt(Fixed(degrees))]``.
    """
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
    """Gymnasium's ``HalfCheetah-v5`` with
    :data:`~rlx_envs.rules.physics.EPOPT_HALF_CHEETAH` physics."""
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


def themed_env(theme: str = "sim", level: str = "first_room", obs_mode: str = "pixels", **kwargs):
    """Entry point of ``rlx/MiniMontezumaSim-v0`` and ``-Real-v0``: the env in one fixed theme."""
    return VisualRandomization(MiniMontezumaEnv(level=level, obs_mode=obs_mode, **kwargs), theme)


def themed_vector_env(
    theme: str = "sim", level: str = "first_room", obs_mode: str = "pixels", **kwargs
):
    """The batched twin of :func:`themed_env` (``gym.make_vec(..., "vector_entry_point")``)."""
    env = MiniMontezumaVectorEnv(level=level, obs_mode=obs_mode, **kwargs)
    return VectorVisualRandomization(env, theme)


themed_env.metadata = {"render_modes": ["rgb_array", "human", "ansi"], "render_fps": 15}


def montezuma_revenge(
    *,
    sticky_action_prob: float = 0.25,
    frame_skip: int = 4,
    screen_size: int = 84,
    grayscale: bool = True,
    frame_stack: int = 4,
    noop_max: int = 0,
    cell_size: int = 16,
    render_mode: str | None = None,
):
    """The real Montezuma's Revenge (``rlx/MontezumaRevenge-v0``, the ``atari`` extra).

    ALE's game (ale-py ships the ROM) with the standard preprocessing of Machado et al. (2018):
    sticky actions with probability 0.25 (as ALE's v5 envs), the minimal action set, frames
    skipped 4 at a time (the max of the last two), then Gymnasium's ``AtariPreprocessing``
    (``screen_size`` square, grey, no no-op starts by default: sticky actions make starts
    random) and ``FrameStackObservation`` of ``frame_stack`` frames (1: none). Under it all,
    :class:`~rlx_envs.wrappers.montezuma_cell.MontezumaCell` puts the Go-Explore cell in
    ``info["cell"]``. Episodes end at game over, or after ALE's 108,000 frames.
    """
    try:
        from ale_py.env import AtariEnv
    except ImportError:
        raise ImportError(
            "rlx/MontezumaRevenge-v0 needs the Arcade Learning Environment: "
            'pip install "rlx-envs[atari]" (ale-py, which ships the ROM)'
        ) from None
    from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

    from rlx_envs.wrappers.montezuma_cell import MontezumaCell

    env = AtariEnv(
        game="montezuma_revenge", frameskip=1, repeat_action_probability=sticky_action_prob,
        max_num_frames_per_episode=108_000, render_mode=render_mode,
    )  # fmt: skip
    env = AtariPreprocessing(
        env, noop_max=noop_max, frame_skip=frame_skip, screen_size=screen_size,
        grayscale_obs=grayscale,
    )  # fmt: skip
    env = MontezumaCell(env, cell_size=cell_size)
    return FrameStackObservation(env, frame_stack) if frame_stack > 1 else env
