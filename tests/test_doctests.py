"""The examples in docstrings run (the doctest habit of Gymnasium's wrappers).

The modules are collected from the package itself, not from a hand-kept list: every module of
``rlx_envs`` whose source holds an example (``>>>``) is run.
"""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import rlx_envs

#: Modules whose examples are not collected here, with the reason.
SKIPPED: dict[str, str] = {}


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(rlx_envs.__path__, "rlx_envs."):
        if info.name in SKIPPED:
            continue
        spec = importlib.util.find_spec(info.name)
        if spec and spec.origin and Path(spec.origin).read_text().count(">>> "):
            names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_collection_finds_the_modules_with_examples():
    assert {
        "rlx_envs.apps.executor",
        "rlx_envs.apps.validate.verdict",
        "rlx_envs.agents.keyed",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if "jax" in name.rsplit(".", 1)[-1]:
        pytest.importorskip("jax")  # the JAX batch is an optional extra
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no docstring example"
