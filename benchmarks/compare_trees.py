"""MiniMontezuma speed of two checkouts of rlx-envs, measured in the same run.

Shared machines drift from minute to minute, so two trees timed one after the other can differ by
more than the change being measured. This script keeps one long-lived worker process per tree and
alternates short timing chunks between them (the order flipping each round), then reports the best
chunk of each: both trees see the same machine.

    git worktree add ../rlx-before <commit>
    python benchmarks/compare_trees.py --before ../rlx-before --after . --chunks 50

Cases: the single env (``ram``, ``symbolic``, ``pixels``; ``gym.make``), the native batch (16 and
1,024 envs; ``gym.make_vec(..., vectorization_mode="vector_entry_point")``) and, when installed,
MiniGrid's DoorKey-8x8: the same code in both workers, so its ratio shows the noise floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

#: The worker: one process per tree, reading a case name per line, printing one chunk's rate.
WORKER = r"""
import sys, time
import gymnasium as gym, numpy as np
import rlx_envs

ENV = "rlx/MiniMontezuma-v0"
cases = {}
for mode in ("ram", "symbolic", "pixels"):
    env = gym.make(ENV, obs_mode=mode)
    env.reset(seed=0)
    cases[mode] = (env, 1, 2000 if mode != "pixels" else 500)
for mode, n, steps in (("ram", 16, 200), ("ram", 1024, 10), ("symbolic", 1024, 10),
                       ("pixels", 1024, 3)):
    envs = gym.make_vec(ENV, num_envs=n, vectorization_mode="vector_entry_point", obs_mode=mode)
    envs.reset(seed=0)
    cases[f"batch{n}_{mode}"] = (envs, n, steps)
try:
    import minigrid  # noqa: F401
    anchor = gym.make("MiniGrid-DoorKey-8x8-v0")
    anchor.reset(seed=0)
    cases["minigrid"] = (anchor, 1, 1000)
except ImportError:
    pass
rng = np.random.default_rng(0)
print(rlx_envs.__file__ + "\t" + ",".join(cases), flush=True)
for line in sys.stdin:
    name = line.strip()
    env, n, steps = cases[name]
    if name.startswith("batch"):
        actions = rng.integers(8, size=(steps, n))
        start = time.perf_counter()
        for a in actions:
            env.step(a)
    else:
        actions = [int(a) for a in rng.integers(7 if name == "minigrid" else 8, size=steps)]
        start = time.perf_counter()
        for a in actions:
            _, _, terminated, truncated, _ = env.step(a)
            if terminated or truncated:
                env.reset()
    print(steps * n / (time.perf_counter() - start), flush=True)
"""


def _worker(tree: Path) -> tuple[subprocess.Popen, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    process = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env, cwd=tree)  # fmt: skip
    where, cases = process.stdout.readline().rstrip("\n").split("\t")
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{tree}: imported rlx_envs from {where}; is another install in the way?")
    return process, cases.split(",")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout measured first")
    parser.add_argument("--after", type=Path, required=True, help="checkout compared with it")
    parser.add_argument("--chunks", type=int, default=50, help="rounds of every case")
    args = parser.parse_args(argv)
    trees = {"before": args.before, "after": args.after}
    workers = {name: _worker(tree) for name, tree in trees.items()}
    cases = [c for c in workers["after"][1] if c in workers["before"][1]]
    best = {name: dict.fromkeys(cases, 0.0) for name in trees}
    for i in range(args.chunks):
        for case in cases:
            for name in trees if i % 2 == 0 else reversed(list(trees)):
                process = workers[name][0]
                process.stdin.write(case + "\n")
                process.stdin.flush()
                best[name][case] = max(best[name][case], float(process.stdout.readline()))
    for process, _ in workers.values():
        process.stdin.close()
        process.wait()
    print("| figure | before (steps/s) | after (steps/s) | after / before |")
    print("|---|---:|---:|---:|")
    for case in cases:
        before, after = best["before"][case], best["after"][case]
        print(f"| {case} | {before:,.0f} | {after:,.0f} | {after / before:.2f} |")
    if "minigrid" in cases:
        for mode in ("ram", "symbolic"):
            ratios = [best[name][mode] / best[name]["minigrid"] for name in trees]
            print(f"single {mode} vs MiniGrid: before {ratios[0]:.1f}x, after {ratios[1]:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
