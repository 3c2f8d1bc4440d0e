"""The examples in docstrings run (the doctest habit of Gymnasium's wrappers)."""

import doctest
import importlib

import pytest

MODULES = [
    "rlx_envs.agents.base",
    "rlx_envs.agents.tabular",
    "rlx_envs.diagnostic.chain",
    "rlx_envs.diagnostic.deep_sea",
    "rlx_envs.diagnostic.rules",
    "rlx_envs.diagnostic.vector",
    "rlx_envs.exploration.bnn",
    "rlx_envs.exploration.counts",
    "rlx_envs.exploration.cts_batch",
    "rlx_envs.exploration.cts_layout",
    "rlx_envs.exploration.density",
    "rlx_envs.exploration.networks",
    "rlx_envs.exploration.predictors",
    "rlx_envs.exploration.pseudo_counts",
    "rlx_envs.exploration.schedules",
    "rlx_envs.grid.appearance",
    "rlx_envs.grid.env",
    "rlx_envs.grid.vector",
    "rlx_envs.physics",
    "rlx_envs.physics.distributions",
    "rlx_envs.tabular_vector",
    "rlx_envs.topdown.env",
    "rlx_envs.topdown.rules",
    "rlx_envs.topdown.vector",
    "rlx_envs.transfer",
    "rlx_envs.transfer.metrics",
    "rlx_envs.transfer.stats",
    "rlx_envs.wrappers",
    "rlx_envs.wrappers.batch_rows",
    "rlx_envs.wrappers.bonuses",
    "rlx_envs.wrappers.learned_bonuses",
    "rlx_envs.wrappers.physics_randomization",
    "rlx_envs.wrappers.shot_budget",
    "rlx_envs.wrappers.visual_randomization",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no docstring example"
