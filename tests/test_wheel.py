"""The wheel ships the level assets: build it, install it in a fresh venv, make an env elsewhere."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# One worker builds the wheel, once: two builds at a time in the source tree's build/ folder
# collide (pytest-xdist would otherwise give this module's tests to both workers).
pytestmark = pytest.mark.xdist_group("wheel")


def _run(*cmd, cwd=None):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT))
    (whl,) = out.glob("rlx_envs-*.whl")
    return whl


def test_wheel_contains_every_level_file(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for level in (ROOT / "assets" / "levels").glob("*.txt"):
        assert f"rlx_envs/assets/levels/{level.name}" in names


def test_wheel_contains_every_package_and_asset(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (ROOT / "rlx_envs").rglob("__init__.py"):
        assert str(init.relative_to(ROOT)) in names, f"{init.parent.name} missing from the wheel"
    for asset in (ROOT / "assets").rglob("*"):
        if asset.is_file():
            assert f"rlx_envs/assets/{asset.relative_to(ROOT / 'assets')}" in names, asset


def test_wheel_installs_and_runs_outside_the_source_tree(wheel, tmp_path):
    venv = tmp_path / "venv"
    # The dependencies come from this interpreter (no download); the package from the wheel.
    _run(sys.executable, "-m", "venv", "--system-site-packages", str(venv))
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _run(str(python), "-m", "pip", "install", "-q", str(wheel))
    code = (
        "import gymnasium as gym, rlx_envs; "
        "env = gym.make('rlx/MiniMontezuma-v0'); env.reset(seed=0); "
        "gym.make('rlx/HopperRandom-v0').reset(seed=0); "
        "from rlx_envs.rules.minimontezuma.level import shipped_levels; "
        "print(rlx_envs.__file__); print(sorted(shipped_levels()))"
    )
    out = _run(str(python), "-c", code, cwd=tmp_path).stdout.splitlines()
    assert str(venv) in out[0]
    assert "first_room" in out[1] and "pyramid" in out[1]
