"""Parameter tables of the randomized MuJoCo envs: EPOpt's source distributions, as data.

Rajeswaran et al. 2017 (EPOpt, Table 1) randomize four quantities of the Hopper and the
Half-Cheetah with a normal law truncated to a range. Each row below gives the quantity, the
MuJoCo field and elements it is written to (names of Gymnasium's ``Hopper-v5`` and
``HalfCheetah-v5`` models), the law (mean, std, [low, high]), and the outer bounds of the
*extreme* test range: values drawn from [outer_low, low) or (high, outer_high], outside
training. ``docs/envs/physics.md`` explains why each row maps to those elements.
"""

from __future__ import annotations

import dataclasses

from rlx_envs.rules.physics.distributions import Fixed, Outside, TruncatedNormal
from rlx_envs.rules.physics.parameters import SET, Parameter

VARIANTS = ("random", "nominal", "extreme")


@dataclasses.dataclass(frozen=True)
class TableRow:
    """One randomized quantity of a table."""

    name: str
    field: str
    targets: tuple[str, ...]
    mean: float
    std: float
    low: float
    high: float
    outer_low: float
    outer_high: float
    component: str | None = None

    def parameter(self, variant: str = "random") -> Parameter:
        """The row as a :class:`Parameter` of the given variant."""
        if variant == "random":
            law = TruncatedNormal(self.mean, self.std, self.low, self.high)
        elif variant == "nominal":
            law = Fixed(self.mean)
        elif variant == "extreme":
            law = Outside(self.outer_low, self.low, self.high, self.outer_high)
        else:
            raise ValueError(f"unknown variant {variant!r}; valid variants: {list(VARIANTS)}")
        return Parameter(self.name, self.field, self.targets, law, SET, self.component)


_HOPPER_GEOMS = ("floor", "torso_geom", "thigh_geom", "leg_geom", "foot_geom")
_HOPPER_JOINTS = ("thigh_joint", "leg_joint", "foot_joint")
_CHEETAH_GEOMS = ("floor", "torso", "head", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot")
_CHEETAH_JOINTS = ("bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot")

#: EPOpt's Hopper table (Rajeswaran et al. 2017, Table 1).
EPOPT_HOPPER: tuple[TableRow, ...] = (
    TableRow("torso_mass", "body_mass", ("torso",), 6.0, 1.5, 3.0, 9.0, 1.5, 12.0),
    TableRow("ground_friction", "geom_friction", _HOPPER_GEOMS, 2.0, 0.25, 1.5, 2.5, 1.0, 3.0,
             "sliding"),
    TableRow("joint_damping", "joint_damping", _HOPPER_JOINTS, 2.5, 1.0, 1.0, 4.0, 0.25, 5.5),
    TableRow("armature", "joint_armature", _HOPPER_JOINTS, 1.0, 0.25, 0.5, 1.5, 0.25, 2.0),
)  # fmt: skip

#: EPOpt's Half-Cheetah table (Rajeswaran et al. 2017, Table 1).
EPOPT_HALF_CHEETAH: tuple[TableRow, ...] = (
    TableRow("torso_mass", "body_mass", ("torso",), 6.0, 1.5, 3.0, 9.0, 1.5, 12.0),
    TableRow("ground_friction", "geom_friction", _CHEETAH_GEOMS, 0.5, 0.1, 0.3, 0.7, 0.1, 0.9,
             "sliding"),
    TableRow("joint_damping", "joint_damping", _CHEETAH_JOINTS, 1.5, 0.5, 0.5, 2.5, 0.1, 3.5),
    TableRow("armature", "joint_armature", _CHEETAH_JOINTS, 0.125, 0.04, 0.05, 0.2, 0.01, 0.3),
)  # fmt: skip


def table_parameters(table: tuple[TableRow, ...], variant: str = "random") -> list[Parameter]:
    """Every row of ``table`` as a parameter of ``variant`` ("random", "nominal", "extreme")."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid variants: {list(VARIANTS)}")
    return [row.parameter(variant) for row in table]
