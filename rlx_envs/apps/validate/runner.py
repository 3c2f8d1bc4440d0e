"""Run the claims, print the verdict table, save everything under the results folder."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from rlx_envs.analysis.provenance import versions
from rlx_envs.apps.validate.base import EVALUATION_SEED, Result, Settings

#: Claim name -> module (one experiment, one module, as bsuite keeps them).
CLAIMS = {
    "deep-exploration": "rlx_envs.apps.validate.claims.deep_exploration",
    "hard-exploration": "rlx_envs.apps.validate.claims.hard_exploration",
    "go-explore": "rlx_envs.apps.validate.claims.go_explore",
    "robustness-epopt": "rlx_envs.apps.validate.claims.robustness",
    "transfer-maxent": "rlx_envs.apps.validate.claims.transfer_maxent",
}


def load(name: str):
    """The module of claim ``name``; the error lists the valid names."""
    if name not in CLAIMS:
        raise ValueError(f"unknown claim {name!r}; valid claims: {list(CLAIMS)}")
    return importlib.import_module(CLAIMS[name])


class Bar:
    """A one-line progress bar over the claims, fed fractions of the current claim."""

    def __init__(self, names: list[str], stream=None):
        self.names, self.stream, self.index = names, stream or sys.stderr, 0

    def claim(self, index: int) -> None:
        self.index = index
        self.update(0.0)

    def update(self, fraction: float) -> None:
        done = (self.index + min(max(fraction, 0.0), 1.0)) / len(self.names)
        filled = int(30 * done)
        name = self.names[self.index] if self.index < len(self.names) else "done"
        shown = (int(done * 100), name)
        if shown == getattr(self, "_shown", None):
            return  # redraw only when the line changes
        self._shown = shown
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:4.0%} {name:<22}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def run_claims(names: list[str], settings: Settings) -> list[tuple[str, object, Result, float]]:
    """Run each claim; return (name, module, result, seconds) in order, saving as it goes."""
    modules = [load(n) for n in names]
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    bar = Bar(names)
    done = []
    for i, (name, module) in enumerate(zip(names, modules, strict=True)):
        bar.claim(i)
        claim_settings = dataclasses.replace(settings, out=out / name, progress=bar.update)
        claim_settings.out.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        result = module.run(claim_settings)
        seconds = time.perf_counter() - start
        done.append((name, module, result, seconds))
        save(done, settings)
    bar.index = len(names)
    bar.update(0.0)
    bar.close()
    return done


def table(done) -> str:
    """The verdict table, in Markdown: per claim, every arm (controls included), the binding
    comparison with its 95% CI, the verdict and the time."""
    lines = [
        "| claim | arms (what each measured) | binding comparison [95% CI] | verdict | time |",
        "|---|---|---|---|---:|",
    ]
    for name, _, result, seconds in done:
        arms = "<br>".join(f"**{arm}**: {text}" for arm, text in result.arms.items())
        head = result.headline
        low, high = head.ci
        lines.append(
            f"| {name} | {arms} | {head.name}: {head.value:.3g} [{low:.3g}, {high:.3g}] "
            f"| {result.verdict} | {seconds:.0f} s |"
        )
    return "\n".join(lines)


def comparisons_table(done) -> str:
    """Every comparison of every claim, with its CI and verdict, in Markdown."""
    lines = ["| claim | comparison (predicted > 0) | value [95% CI] | interval | verdict |",
             "|---|---|---|---|---|"]  # fmt: skip
    for name, _, result, _ in done:
        for c in result.comparisons:
            lines.append(f"| {name} | {c.name} | {c.value:.3g} [{c.ci[0]:.3g}, {c.ci[1]:.3g}] "
                         f"| {c.method} | {c.verdict} |")  # fmt: skip
    return "\n".join(lines)


def save(done, settings: Settings) -> Path:
    """``results.json``: every claim's result, the settings, pilot seeds, versions and machine."""
    path = Path(settings.out) / "results.json"
    record = {
        "settings": {
            "quick": settings.quick,
            "seeds": settings.seeds,
            "seed": settings.seed,
            "workers": settings.workers,
            "backend": settings.backend,
        },
        "evaluation_seed": EVALUATION_SEED,
        "versions": versions(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "claims": [
            {
                "name": name,
                "statement": module.STATEMENT,
                "rule": module.RULE,
                "pilot_seeds": list(module.PILOT_SEEDS),
                "pilot_run": settings.seed in module.PILOT_SEEDS,
                "verdict": result.verdict,
                "headline": result.headline.to_dict(),
                "comparisons": [c.to_dict() for c in result.comparisons],
                "arms": result.arms,
                "seconds": seconds,
                "details": result.details,
                "plots": [str(p) for p in result.plots],
            }
            for name, module, result, seconds in done
        ],
    }
    path.write_text(json.dumps(record, indent=1, default=_plain))
    return path


def _plain(value):
    """JSON for numpy scalars and arrays, tuples of them, paths."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)
