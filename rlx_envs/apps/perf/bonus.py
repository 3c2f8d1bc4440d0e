"""Bonus figures for ``python -m rlx_envs perf``: what each exploration bonus costs per step.

Each wrapper is measured against the bare env in the same run (single env: interleaved rounds,
best of each), on MiniMontezuma ``ram`` and ``pixels``; then on the native batch; then the
per-env estimates (``per_env=True``) against the shared ones at 16 envs; then the two
components with their own targets: SimHash on batches of 84x84 RGB frames and the CTS-style
density model on 42x42 frames.
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np

from rlx_envs import wrappers as W
from rlx_envs.apps.perf.timing import steps_per_second

ENV = "rlx/MiniMontezuma-v0"
SMALL = {"features": 32, "hidden": (32,)}
#: (label, single wrapper, vector wrapper, kwargs per obs mode (None: not measured)).
BONUSES = (
    ("count (exact)", W.CountBonus, W.VectorCountBonus, {"ram": {}, "pixels": {}}),
    (
        "hash (SimHash, k=64)",
        W.HashCountBonus,
        W.VectorHashCountBonus,
        {"ram": {}, "pixels": {"downsample": 4}},
    ),
    (
        "pseudo-count",
        W.PseudoCountBonus,
        W.VectorPseudoCountBonus,
        {"ram": {"model": "empirical"}, "pixels": {}},
    ),
    (
        "prediction gain",
        W.PredictionGainBonus,
        W.VectorPredictionGainBonus,
        {"ram": {"model": "empirical"}, "pixels": {}},
    ),
    (
        "model error (Stadie)",
        W.ModelErrorBonus,
        W.VectorModelErrorBonus,
        {"ram": SMALL, "pixels": SMALL},
    ),
    ("RND", W.RNDBonus, W.VectorRNDBonus, {"ram": SMALL, "pixels": SMALL}),
    (
        "information gain (VIME)",
        W.InfoGainBonus,
        W.VectorInfoGainBonus,
        {"ram": {"features": 32, "hidden": (16,)}, "pixels": {"features": 32, "hidden": (16,)}},
    ),
)


def _timed_rate(measure, budget_s: float = 0.5) -> float:
    """Steps/s of ``measure(steps)``, with steps grown until a run takes ``budget_s``."""
    steps = 50
    while True:
        start = time.perf_counter()
        rate = measure(steps)
        if time.perf_counter() - start >= budget_s or steps >= 200_000:
            return rate
        steps *= 4


def single_table(rounds: int = 3) -> None:
    """Steps/s of each bonus wrapper against the bare env, per obs mode."""
    print(f"\nExploration bonuses, single env ({ENV}), random actions")
    print("| bonus | obs | steps/s | bare env steps/s | added per step | target |")
    print("|---|---|---:|---:|---:|---:|")
    for mode in ("ram", "pixels"):
        for label, single, _, per_mode in BONUSES:
            kwargs = per_mode.get(mode)
            bare, wrapped = (
                gym.make(ENV, obs_mode=mode),
                single(gym.make(ENV, obs_mode=mode), **kwargs),
            )
            a, b = 0.0, 0.0
            for _ in range(rounds):  # interleaved, so that both see the same machine load
                a = max(a, _timed_rate(lambda n, e=bare: steps_per_second(e, n)))
                b = max(b, _timed_rate(lambda n, e=wrapped: steps_per_second(e, n)))
            target = "< 20%" if label.startswith(("count", "hash")) else ""
            print(f"| {label} | {mode} | {b:,.0f} | {a:,.0f} | {a / b - 1:+.0%} | {target} |")


def batched_table(num_envs: int = 1024) -> None:
    """Env steps/s of each vector bonus on the native batch (ram observations)."""
    print(f"\nExploration bonuses, native batch of {num_envs} ({ENV}, ram), random actions")
    print("| bonus | env steps/s | bare batch steps/s | added per env step |")
    print("|---|---:|---:|---:|")

    def rate(wrap, kwargs, steps: int) -> float:
        envs = gym.make_vec(ENV, num_envs=num_envs, vectorization_mode="vector_entry_point")
        envs = wrap(envs, **kwargs) if wrap else envs
        envs.reset(seed=0)
        actions = np.random.default_rng(0).integers(8, size=(steps + 1, num_envs))
        envs.step(actions[0])
        start = time.perf_counter()
        for a in actions[1:]:
            envs.step(a)
        return steps * num_envs / (time.perf_counter() - start)

    bare = _timed_rate(lambda n: rate(None, {}, max(2, n // num_envs)))
    for label, _, vector, per_mode in BONUSES:
        got = _timed_rate(lambda n, v=vector, k=per_mode["ram"]: rate(v, k, max(2, n // num_envs)))
        added = (1 / got - 1 / bare) * 1e6
        print(f"| {label} | {got:,.0f} | {bare:,.0f} | {added:.2f} us |")


def per_env_table(num_envs: int = 16, rounds: int = 3) -> None:
    """Env steps/s of the per-env bonuses (``per_env=True``) against the shared ones, on the
    MiniMontezuma first room with symbolic observations (the validation suite's setting: one
    seed per env), interleaved rounds, best of each."""
    env_id = "rlx/MiniMontezumaFirstRoom-v0"
    print(f"\nPer-env bonuses, native batch of {num_envs} ({env_id}, symbolic), random actions")
    print("| bonus | estimate | env steps/s | bare batch steps/s | added per env step |")
    print("|---|---|---:|---:|---:|")

    def rate(wrap, kwargs, steps: int) -> float:
        envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="vector_entry_point",
                            obs_mode="symbolic")  # fmt: skip
        envs = wrap(envs, **kwargs) if wrap else envs
        envs.reset(seed=0)
        actions = np.random.default_rng(0).integers(8, size=(steps + 20, num_envs))
        for a in actions[:20]:  # warm up: first touches of the count tables
            envs.step(a)
        start = time.perf_counter()
        for a in actions[20:]:
            envs.step(a)
        return steps * num_envs / (time.perf_counter() - start)

    cases = [
        ("count (exact)", W.VectorCountBonus, "shared"),
        ("count (exact)", W.VectorCountBonus, "per env"),
        ("pseudo-count (CTS)", W.VectorPseudoCountBonus, "shared"),
        ("pseudo-count (CTS)", W.VectorPseudoCountBonus, "per env"),
    ]
    bare, rates = 0.0, [0.0] * len(cases)
    for _ in range(rounds):  # interleaved, so that all see the same machine load
        bare = max(bare, _timed_rate(lambda n: rate(None, {}, max(2, n // num_envs))))
        for j, (_, wrap, kind) in enumerate(cases):
            kwargs = {"per_env": kind == "per env"}
            measure = lambda n, w=wrap, k=kwargs: rate(w, k, max(2, n // num_envs))  # noqa: E731
            rates[j] = max(rates[j], _timed_rate(measure))
    for (label, _, kind), got in zip(cases, rates, strict=True):
        added = (1 / got - 1 / bare) * 1e6
        print(f"| {label} | {kind} | {got:,.0f} | {bare:,.0f} | {added:.1f} us |")


def component_table() -> None:
    """SimHash on batched 84x84 RGB frames; the CTS-style model at 42x42."""
    from rlx_envs.estimators.base import Batch
    from rlx_envs.estimators.counts import SimHashCounts
    from rlx_envs.estimators.density import CTSDensity

    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(4096, 84, 84, 3), dtype=np.uint8)
    simhash = SimHashCounts(k=64, image=True)
    simhash.observe(Batch(obs=frames[:64]))
    start = time.perf_counter()
    for _ in range(3):
        simhash.observe(Batch(obs=frames))
    simhash_rate = 3 * len(frames) / (time.perf_counter() - start)
    grids = rng.integers(0, 8, size=(64, 42, 42))
    walk = grids[rng.integers(0, 64, size=3000)]  # revisits, as an agent's frames do
    cts = CTSDensity(shape=(42, 42), levels=8)
    start = time.perf_counter()
    for grid in walk:
        cts.log_prob_and_update(grid)
    cts_rate = len(walk) / (time.perf_counter() - start)
    print("\nExploration components")
    print("| component | rate | target |")
    print("|---|---:|---:|")
    print(
        f"| SimHash k=64, batches of 4,096 84x84 RGB frames (grey, stride 2) "
        f"| {simhash_rate:,.0f} frames/s | >= 50,000 |"
    )
    print(
        f"| CTS-style density, 42x42, 8 levels, 4 context models | {cts_rate:,.0f} frames/s "
        f"| >= 5,000 |"
    )


def bonus_tables() -> None:
    """All four bonus tables."""
    single_table()
    batched_table()
    per_env_table()
    component_table()
