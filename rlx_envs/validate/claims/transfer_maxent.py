"""Claim: maximum-entropy pretraining transfers better than deterministic pretraining.

Haarnoja et al. (2017) pretrain a policy to run in every direction in an open room and finetune
it in a corridor: a maximum-entropy policy keeps every direction alive, so it is a better start
than a policy that learnt one. Here, through the transfer harness on the gridworld pair
`grid-room-corridor`: soft Q-learning (temperature 0.2) against epsilon-greedy Q-learning, both
pretrained for the same number of room episodes (gamma 0.95 for both), each against its own
learner trained from scratch on the corridor under the same shot budget.

* jumpstart = 0-shot evaluation return of the pretrained agent minus that of the scratch agent
  (Taylor and Stone 2009), per training seed;
* transfer % = 100 x AUC(finetune k-shot curve) / AUC(scratch k-shot curve) over shots 0..20 on
  the IQM curves across seeds (Rusu et al. 2016).
"""

from __future__ import annotations

import json

import numpy as np

from rlx_envs.plotting import pyplot, save
from rlx_envs.transfer import metrics, stats
from rlx_envs.transfer.harness import Config
from rlx_envs.transfer.harness import run as run_harness
from rlx_envs.validate.base import Result, Settings

NAME = "transfer-maxent"
STATEMENT = (
    "On the room -> corridor gridworld, maximum-entropy (soft Q) pretraining gives a "
    "larger jumpstart and transfer percentage than deterministic (epsilon-greedy Q) "
    "pretraining, and both figures beat learning from scratch (Haarnoja et al. 2017)."
)
RULE = (
    "soft jumpstart > deterministic jumpstart and > 0; soft transfer % > deterministic "
    "transfer % and > 100"
)
PAIR = "grid-room-corridor"
AGENTS = {
    "max-entropy": ("soft-q", {"temperature": 0.2, "gamma": 0.95}),
    "deterministic": ("q", {"gamma": 0.95}),
}
SHOTS = (0, 1, 2, 5, 10, 20)
SOURCE_EPISODES = 1000
SEEDS = {True: 10, False: 30}


def figures(rows: list[dict]) -> dict:
    """Per-seed jumpstarts and the IQM k-shot curves' transfer %."""
    by = {(r["arm"], r["shots"], r["seed"]): r["eval_return"] for r in rows if r["arm"] != "source"}
    seeds = sorted({r["seed"] for r in rows})
    jump = np.array([by[("finetune", 0, s)] - by[("scratch", 0, s)] for s in seeds])
    curves = {
        arm: metrics.Curve(
            SHOTS, [stats.iqm([by[(arm, k, s)] for s in seeds]) for k in SHOTS], axis="shots"
        )
        for arm in ("finetune", "scratch")
    }
    percent = metrics.transfer_percentage(curves["finetune"], curves["scratch"])
    return {
        "jumpstart": jump,
        "transfer_percentage": percent,
        "curves": {arm: c.y.tolist() for arm, c in curves.items()},
    }


def run(settings: Settings) -> Result:
    """The experiment and its verdict."""
    seeds = tuple(range(settings.seed, settings.seed + (settings.seeds or SEEDS[settings.quick])))
    measured = {}
    for i, (label, (agent, kwargs)) in enumerate(AGENTS.items()):
        config = Config(PAIR, agent, kwargs, seeds, SHOTS, SOURCE_EPISODES, eval_episodes=20)
        measured[label] = figures(run_harness(config, workers=settings.workers, progress=_Quiet()))
        settings.progress((i + 1) / len(AGENTS))
    soft, det = measured["max-entropy"], measured["deterministic"]
    gap = soft["jumpstart"] - det["jumpstart"]
    low, high = stats.bootstrap_ci(gap, np.mean, reps=2000, seed=settings.seed)
    passed = bool(
        soft["jumpstart"].mean() > det["jumpstart"].mean()
        and soft["jumpstart"].mean() > 0
        and soft["transfer_percentage"] > det["transfer_percentage"]
        and soft["transfer_percentage"] > 100
    )
    details = {
        label: {
            "jumpstart_mean": float(m["jumpstart"].mean()),
            "jumpstart_per_seed": m["jumpstart"].tolist(),
            "transfer_percentage": m["transfer_percentage"],
            "iqm_curves": m["curves"],
        }
        for label, m in measured.items()
    }
    details.update(
        {
            "pair": PAIR,
            "agents": AGENTS,
            "shots": SHOTS,
            "seeds": list(seeds),
            "source_episodes": SOURCE_EPISODES,
        }
    )
    (settings.out / "details.json").write_text(json.dumps(details, indent=1))
    plots = _plot(measured, settings.out / "transfer_maxent.png")
    return Result(
        "jumpstart, max-entropy minus deterministic pretraining (mean over seeds)",
        float(gap.mean()),
        (float(low), float(high)),
        passed,
        details,
        plots,
    )


def _plot(measured: dict, path) -> list:
    """The IQM k-shot curves of finetuning and of scratch, for both pretrainings."""
    plt = pyplot()
    if plt is None:
        return []
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for colour, (label, m) in zip(("C0", "C3"), measured.items(), strict=True):
        ax.plot(SHOTS, m["curves"]["finetune"], marker="o", color=colour, label=label)
        ax.plot(SHOTS, m["curves"]["scratch"], ls="--", color=colour, label=f"{label}, scratch")
    ax.set(
        xlabel="shots in the corridor", ylabel="evaluation return (IQM)", title="room -> corridor"
    )
    ax.legend(fontsize=8)
    save(fig, path)
    return [path]


class _Quiet:
    """No progress bar inside a claim (the suite has its own)."""

    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass
