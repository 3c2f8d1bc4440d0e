"""The tiers contract: lower tiers never import upper ones, and no import cycle exists.

The contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is checked by
import-linter's ``lint-imports``. The deliberate violations below show that it really fails: a
lazy import inside a function counts, and so does a cycle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = shutil.which("lint-imports") or pytest.fail("import-linter is a test dependency")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_package_keeps_every_contract():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_module_takes_part_in_an_import_cycle():
    graph = grimp.build_graph("rlx_envs")
    cycles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported != module and graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


@pytest.fixture
def copy_of_the_package(tmp_path) -> Path:
    shutil.copytree(
        ROOT / "rlx_envs", tmp_path / "rlx_envs", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, code: str) -> None:
    path.write_text(path.read_text() + "\n\n" + code + "\n")


def test_a_lazy_upward_import_breaks_the_tiers(copy_of_the_package):
    rules = copy_of_the_package / "rlx_envs" / "rules" / "topdown.py"
    _append(
        rules,
        "def _bonus():\n    from rlx_envs.wrappers import CountBonus\n\n    return CountBonus",
    )
    done = _lint(copy_of_the_package)
    assert done.returncode == 1
    assert "Tiers import only downward BROKEN" in done.stdout
    assert "rlx_envs.rules is not allowed to import rlx_envs.wrappers" in done.stdout
    assert "rlx_envs.rules.topdown -> rlx_envs.wrappers" in done.stdout


def test_an_application_below_the_command_line_may_not_import_it(copy_of_the_package):
    executor = copy_of_the_package / "rlx_envs" / "apps" / "executor.py"
    _append(executor, "def _main():\n    from rlx_envs.apps.cli import main\n\n    return main")
    done = _lint(copy_of_the_package)
    assert done.returncode == 1
    assert "rlx_envs.apps.executor is not allowed to import rlx_envs.apps.cli" in done.stdout


def test_a_cycle_between_siblings_breaks_the_acyclic_contract(copy_of_the_package):
    estimators = copy_of_the_package / "rlx_envs" / "estimators"
    _append(
        estimators / "keys.py",
        "def _counts():\n    from rlx_envs.estimators import counts\n\n    return counts",
    )
    done = _lint(copy_of_the_package)
    assert done.returncode == 1
    assert (
        "No import cycles between sibling modules or packages, at any depth BROKEN" in done.stdout
    )


def test_a_module_outside_every_tier_breaks_the_contract(copy_of_the_package):
    # exhaustive = true: a new top-level module that no tier names is refused.
    (copy_of_the_package / "rlx_envs" / "helpers.py").write_text('"""Somewhere to put things."""\n')
    done = _lint(copy_of_the_package)
    assert done.returncode == 1
    assert "rlx_envs.helpers" in done.stdout
