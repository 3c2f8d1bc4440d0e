"""Physical parameters of MuJoCo models: distributions, named parameters, EPOpt's tables.

>>> from rlx_envs.rules.physics import EPOPT_HOPPER, TruncatedNormal, body_mass
>>> EPOPT_HOPPER[0].name, EPOPT_HOPPER[0].mean
('torso_mass', 6.0)
"""

from rlx_envs.rules.physics.distributions import (
    Distribution,
    Fixed,
    LogUniform,
    Outside,
    TruncatedNormal,
    Uniform,
)
from rlx_envs.rules.physics.parameters import (
    ALL,
    FIELDS,
    Binding,
    Parameter,
    actuator_gear,
    body_mass,
    density,
    floor_tilt,
    geom_friction,
    gravity,
    joint_armature,
    joint_damping,
    joint_frictionloss,
    joint_stiffness,
    viscosity,
    wind,
)
from rlx_envs.rules.physics.tables import (
    EPOPT_HALF_CHEETAH,
    EPOPT_HOPPER,
    VARIANTS,
    TableRow,
    table_parameters,
)

__all__ = [
    "ALL", "EPOPT_HALF_CHEETAH", "EPOPT_HOPPER", "FIELDS", "VARIANTS", "Binding", "Distribution",
    "Fixed", "LogUniform", "Outside", "Parameter", "TableRow", "TruncatedNormal", "Uniform",
    "actuator_gear", "body_mass", "density", "floor_tilt", "geom_friction", "gravity",
    "joint_armature", "joint_damping", "joint_frictionloss", "joint_stiffness",
    "table_parameters", "viscosity", "wind",
]  # fmt: skip
