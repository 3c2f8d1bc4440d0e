"""The registered vector entry points of MiniMontezuma: the numpy batch, or the JAX batch.

``gym.make_vec(id, num_envs, vectorization_mode="vector_entry_point", backend="jax")`` runs the
same rules on JAX behind the same Gymnasium API (``pip install "rlx-envs[jax]"``); the default,
``backend="numpy"``, is :class:`~rlx_envs.envs.minimontezuma.vector.MiniMontezumaVectorEnv`.

>>> import gymnasium as gym
>>> import rlx_envs
>>> gym.make_vec("rlx/MiniMontezuma-v0", 2, vectorization_mode="vector_entry_point",
...              backend="torch")
Traceback (most recent call last):
ValueError: unknown backend 'torch'; valid choices: 'numpy', 'jax'
"""

from __future__ import annotations

from gymnasium.vector import VectorEnv

from rlx_envs.core.arguments import choice
from rlx_envs.envs.minimontezuma.vector import (
    MiniMontezumaProcgenVectorEnv,
    MiniMontezumaVectorEnv,
)

BACKENDS = ("numpy", "jax")


def _jax_batch(num_envs: int, **kwargs) -> VectorEnv:
    try:
        from rlx_envs.envs.minimontezuma.jax_vector import MiniMontezumaJaxVectorEnv
    except ImportError as error:  # JAX is an optional extra
        raise ImportError(
            f'backend="jax" needs JAX: pip install "rlx-envs[jax]" ({error}); '
            'backend="numpy" runs without it'
        ) from error
    return MiniMontezumaJaxVectorEnv(num_envs, **kwargs)


def vector_env(num_envs: int = 1, backend: str = "numpy", **kwargs) -> VectorEnv:
    """The batch of a fixed level on ``backend`` ("numpy" or "jax")."""
    if choice("backend", backend, BACKENDS) == "jax":
        return _jax_batch(num_envs, **kwargs)
    return MiniMontezumaVectorEnv(num_envs, **kwargs)


def procgen_vector_env(
    num_envs: int = 1, backend: str = "numpy", num_levels: int = 0, start_level: int = 0, **kwargs
) -> VectorEnv:
    """The procedural batch on ``backend``; on JAX, ``num_levels`` must be finite (> 0)."""
    if choice("backend", backend, BACKENDS) == "jax":
        if num_levels == 0:
            raise ValueError(
                "the JAX batch stacks its levels up front: give num_levels > 0, or use "
                'backend="numpy" for unlimited procedural levels'
            )
        return _jax_batch(num_envs, num_levels=num_levels, start_level=start_level, **kwargs)
    return MiniMontezumaProcgenVectorEnv(
        num_envs, num_levels=num_levels, start_level=start_level, **kwargs
    )
