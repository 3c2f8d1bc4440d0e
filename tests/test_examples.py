"""Every example runs, in its shortened form, so that none of them rots."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))
#: Examples that take arguments other than --smoke, and what to give them (one run per list).
ARGS = {
    "render_level.py": [["first_room", "{tmp}/level.png"]],
    "count_bonus_minimontezuma.py": [["--smoke"], ["--smoke", "--real-game"]],
    "go_explore.py": [["--smoke"], ["--smoke", "--real-game"]],
}
#: Examples that start a local Ray instance: they run on the xdist worker of the Ray tests, one
#: instance at a time on a 2-core machine.
RAY = {"rllib_ppo_count_bonus.py"}
RUNS = [
    pytest.param(path, args, id=" ".join([path.name, *args]),
                 marks=[pytest.mark.xdist_group("ray")] if path.name in RAY else [])
    for path in EXAMPLES for args in ARGS.get(path.name, [["--smoke"]])
]  # fmt: skip


#: Examples of optional dependencies (CI installs them; elsewhere they are skipped): for each, the
#: modules it imports and the packages that provide them.
NEEDS = {
    "sb3_ppo_count_bonus.py": {"stable_baselines3": "stable-baselines3"},
    "jax_ppo_count_bonus.py": {"jax": "jax", "optax": "optax"},
    "rllib_ppo_count_bonus.py": {"ray.rllib": "rlx-envs[rllib]", "torch": "rlx-envs[rllib]"},
    "--real-game": {"ale_py": "rlx-envs[atari]"},
}


@pytest.mark.parametrize(("path", "args"), RUNS)
def test_example_runs(path, args, tmp_path):
    for key in (path.name, *args):
        for module, package in NEEDS.get(key, {}).items():
            pytest.importorskip(module, reason=f"optional: pip install {package}")
    args = [a.format(tmp=tmp_path) for a in args]
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "MUJOCO_GL": "egl"}
    done = subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "an example should print what it did"
