"""User-facing wrappers of rlx-envs.

>>> from rlx_envs.wrappers import PhysicsRandomization
"""

from rlx_envs.wrappers.physics_randomization import PhysicsRandomization

__all__ = ["PhysicsRandomization"]
