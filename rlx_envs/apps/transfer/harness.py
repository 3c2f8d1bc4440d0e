"""The transfer harness: train on a pair's source, then adapt and evaluate on its target in shots.

For every training seed, one job of :func:`rlx_envs.apps.executor.run_jobs` (the rows are the same
numbers, in the same order, for any worker count): the agent trains for ``source_episodes``
episodes on the source; then three arms meet the target under the same shot budget (a
:class:`~rlx_envs.wrappers.ShotBudget`): **finetune** (the pretrained agent, learning on the
target), **scratch** (a fresh agent, target only: the baseline) and, for agents that define
``adapt``, **adapted** (the pretrained agent adapting by its own rule). After 0, 1, 5, ... shots
each arm is evaluated greedily on a FIXED list of evaluation seeds, the same for every training
seed and disjoint from every training seed. Every result row carries what is needed to trust and
redo it: the env specs, package versions, seeds, autoreset mode and shot budget.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from rlx_envs.agents import ARS, BootstrappedQ, QLearning, RandomAgent, SoftQLearning, run_episode
from rlx_envs.analysis.provenance import versions
from rlx_envs.apps.executor import ProgressBar, run_jobs
from rlx_envs.core.arguments import integer
from rlx_envs.pairs import make_pair, pair
from rlx_envs.wrappers.shot_budget import ShotBudget

#: Built-in agents by name; any "package.module:Class" also works.
AGENTS = {
    "random": RandomAgent,
    "q": QLearning,
    "soft-q": SoftQLearning,
    "bootstrapped-q": BootstrappedQ,
    "ars": ARS,
}
#: Evaluation env seeds are EVAL_SEED_BASE + i; training env seeds are seed * TRAIN_STRIDE + i.
EVAL_SEED_BASE = 10**9
TRAIN_STRIDE = 100_000
ARMS = ("finetune", "scratch", "adapted")


@dataclasses.dataclass(frozen=True)
class Config:
    """One harness run: a pair, an agent, training seeds, shot counts and episode budgets."""

    pair: str
    agent: str = "q"
    agent_kwargs: dict = dataclasses.field(default_factory=dict)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    shots: tuple[int, ...] = (0, 1, 5, 20)
    source_episodes: int = 200
    eval_episodes: int = 10

    def __post_init__(self):
        pair(self.pair)  # unknown names raise, listing the valid ones
        build_agent(self.agent, self.agent_kwargs)
        for name in ("source_episodes", "eval_episodes"):
            object.__setattr__(self, name, integer(name, getattr(self, name), minimum=0))
        if not self.seeds or any(not isinstance(s, int) or s < 0 for s in self.seeds):
            raise ValueError(f"seeds must be integers >= 0, got {self.seeds!r}")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds!r}")
        if not self.shots or any(not isinstance(k, int) or k < 0 for k in self.shots):
            raise ValueError(f"shot counts must be integers >= 0, got {self.shots!r}")
        object.__setattr__(self, "shots", tuple(sorted(set(self.shots))))
        train = {
            s * TRAIN_STRIDE + i
            for s in self.seeds
            for i in range(self.source_episodes + max(self.shots))
        }
        overlap = train & set(evaluation_seeds(self.eval_episodes))
        if overlap or max(self.source_episodes, max(self.shots)) > TRAIN_STRIDE:
            raise ValueError(
                f"training and evaluation seeds overlap ({sorted(overlap)[:3]}...): use training "
                f"seeds below {EVAL_SEED_BASE // TRAIN_STRIDE} and at most {TRAIN_STRIDE} "
                "episodes per phase"
            )

    @property
    def budget(self) -> int:
        """The target shot budget: the largest shot count."""
        return max(self.shots)


def evaluation_seeds(n: int) -> list[int]:
    """The fixed evaluation env seeds (the same for every training seed)."""
    return [EVAL_SEED_BASE + i for i in range(n)]


def build_agent(name: str, kwargs: dict | None = None):
    """An agent by built-in name or "package.module:Class"; the error lists the choices."""
    kwargs = dict(kwargs or {})
    if name in AGENTS:
        return AGENTS[name](**kwargs)
    if ":" in name:
        module, _, attribute = name.partition(":")
        return getattr(importlib.import_module(module), attribute)(**kwargs)
    raise ValueError(f"unknown agent {name!r}; valid: {sorted(AGENTS)} or 'package.module:Class'")


def run_seed(config: Config, seed: int) -> list[dict]:
    """Every result row of one training seed: the source curve, then each arm at each shot count."""
    source, target = make_pair(config.pair)
    agent = build_agent(config.agent, config.agent_kwargs)
    agent.reset(source.observation_space, source.action_space, seed)
    if callable(getattr(agent, "pretrain", None)):  # agents that learn from whole rollouts
        source_returns = [float(r) for r in agent.pretrain(source, config.source_episodes, seed)]
    else:
        source_returns = [
            run_episode(source, agent, seed=seed * TRAIN_STRIDE + i)[0]
            for i in range(config.source_episodes)
        ]
    common = {
        "pair": config.pair,
        "agent": config.agent,
        "agent_kwargs": config.agent_kwargs,
        "seed": seed,
        "shot_budget": config.budget,
        "source_episodes": config.source_episodes,
        "eval_seeds": evaluation_seeds(config.eval_episodes),
        "autoreset_mode": "none (single env, reset by the harness)",
        "source_spec": source.spec.to_json(),
        "target_spec": target.spec.to_json(),
        "versions": versions(),
    }
    rows = [{**common, "arm": "source", "shots": None, "returns": source_returns}]
    fresh = build_agent(config.agent, config.agent_kwargs)
    fresh.reset(target.observation_space, target.action_space, seed)
    arms = {"finetune": (copy.deepcopy(agent), "observe"), "scratch": (fresh, "observe")}
    if hasattr(agent, "adapt"):
        arms["adapted"] = (copy.deepcopy(agent), "adapt")
    for arm, (learner, rule) in arms.items():
        env = ShotBudget(make_pair(config.pair)[1], max_shots=config.budget)
        adaptation = []
        for k in range(config.budget + 1):
            if k in config.shots:
                with env.evaluation():
                    results = [
                        run_episode(env, learner, seed=s, learn=None, greedy=True)
                        for s in common["eval_seeds"]
                    ]
                returns = [r for r, _, _ in results]
                rows.append(
                    {
                        **common,
                        "arm": arm,
                        "shots": k,
                        "returns": returns,
                        "eval_return": float(np.mean(returns)) if returns else float("nan"),
                        "eval_success": float(np.mean([s for _, _, s in results]))
                        if results
                        else 0.0,
                        "adaptation_returns": list(adaptation),
                    }
                )
            if k < config.budget:
                adaptation.append(
                    run_episode(
                        env,
                        learner,
                        seed=seed * TRAIN_STRIDE + config.source_episodes + k,
                        learn=rule,
                    )[0]
                )
    return rows


def run(config: Config, workers: int = 1, progress: Callable[[int, int], None] | bool = True,
        backend: str = "local", address: str | None = None) -> list[dict]:  # fmt: skip
    """Run every seed (one job each, in ``workers`` processes, or on Ray with ``backend="ray"``:
    :func:`rlx_envs.apps.executor.run_jobs`) and return all rows, in seed order.

    ``progress``: True draws a bar of seeds done on standard error, False (or None) is silent,
    any other callable is called with (seeds done, seeds in all) after each seed.
    """
    if progress is True:
        progress = ProgressBar("seeds")
    jobs = [(config, seed) for seed in config.seeds]
    results = run_jobs(run_seed, jobs, workers=workers, progress=progress or None, star=True,
                       backend=backend, address=address)  # fmt: skip
    return [row for rows in results for row in rows]


def write_rows(rows: Iterable[dict], path, fmt: str = "jsonl") -> None:
    """Long-format results: JSON Lines (one row per line) or CSV (lists as JSON strings)."""
    rows = list(rows)
    if fmt == "jsonl":
        with open(path, "w") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
        return
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}; valid: ['jsonl', 'csv']")
    import csv

    columns = sorted({key for row in rows for key in row})
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in row.items()}
            )


def shot_table(rows: Sequence[dict]) -> dict[str, dict[int, np.ndarray]]:
    """Evaluation returns per arm and shot count: arm -> k -> (seeds,) mean returns."""
    out: dict[str, dict[int, list[float]]] = {}
    for row in rows:
        if row["arm"] == "source":
            continue
        out.setdefault(row["arm"], {}).setdefault(row["shots"], []).append(row["eval_return"])
    return {arm: {k: np.array(v) for k, v in sorted(ks.items())} for arm, ks in out.items()}
