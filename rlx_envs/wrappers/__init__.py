"""User-facing wrappers of rlx-envs: exploration bonuses (each with a ``Vector`` twin for vector
envs, sharing one estimator across the batch or, with ``per_env=True``, one per env), physics
randomization, visual randomization and shot budgets.

>>> from rlx_envs.wrappers import CountBonus, PhysicsRandomization, VectorCountBonus
"""

from rlx_envs.wrappers.bonuses import (
    CountBonus,
    HashCountBonus,
    PredictionGainBonus,
    PseudoCountBonus,
    VectorCountBonus,
    VectorHashCountBonus,
    VectorPredictionGainBonus,
    VectorPseudoCountBonus,
)
from rlx_envs.wrappers.cell_observation import CellObservation, VectorCellObservation
from rlx_envs.wrappers.learned_bonuses import (
    InfoGainBonus,
    ModelErrorBonus,
    RNDBonus,
    VectorInfoGainBonus,
    VectorModelErrorBonus,
    VectorRNDBonus,
)
from rlx_envs.wrappers.montezuma_cell import MontezumaCell
from rlx_envs.wrappers.physics_randomization import PhysicsRandomization
from rlx_envs.wrappers.shot_budget import Shot, ShotBudget, ShotBudgetExhausted, VectorShotBudget
from rlx_envs.wrappers.visual_randomization import VectorVisualRandomization, VisualRandomization

__all__ = [
    "MontezumaCell",
    "CellObservation",
    "VectorCellObservation",
    "CountBonus",
    "HashCountBonus",
    "InfoGainBonus",
    "ModelErrorBonus",
    "PhysicsRandomization",
    "PredictionGainBonus",
    "PseudoCountBonus",
    "RNDBonus",
    "Shot",
    "ShotBudget",
    "ShotBudgetExhausted",
    "VectorCountBonus",
    "VectorHashCountBonus",
    "VectorInfoGainBonus",
    "VectorModelErrorBonus",
    "VectorPredictionGainBonus",
    "VectorPseudoCountBonus",
    "VectorRNDBonus",
    "VectorShotBudget",
    "VectorVisualRandomization",
    "VisualRandomization",
]
