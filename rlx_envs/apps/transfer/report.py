"""Summaries and plots of harness results: k-shot tables with confidence intervals, transfer %.

Plots need matplotlib (``pip install -e ".[plots]"``); everything else is numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rlx_envs.analysis import metrics
from rlx_envs.analysis import statistics as stats
from rlx_envs.analysis.plotting import pyplot, save
from rlx_envs.apps.transfer.harness import shot_table


def summarise(rows: Sequence[dict], seed: int = 0, reps: int = 2000) -> dict:
    """IQM of the evaluation return over training seeds, with a 95% stratified-bootstrap CI, per
    arm and shot count; and Progressive Networks' transfer % of each arm against scratch."""
    table = shot_table(rows)
    out: dict = {"arms": {}, "transfer_percentage": {}}
    for arm, by_k in table.items():
        out["arms"][arm] = {}
        for k, returns in by_k.items():
            low, high = bootstrap(returns, seed, reps)
            out["arms"][arm][k] = {
                "iqm": stats.iqm(returns),
                "ci": (low, high),
                "seeds": len(returns),
            }
    if "scratch" in table and len(table["scratch"]) > 1:
        ks = list(table["scratch"])
        baseline = metrics.Curve(ks, [out["arms"]["scratch"][k]["iqm"] for k in ks], axis="shots")
        for arm in table:
            if arm == "scratch":
                continue
            curve = metrics.Curve(ks, [out["arms"][arm][k]["iqm"] for k in ks], axis="shots")
            try:
                out["transfer_percentage"][arm] = metrics.transfer_percentage(curve, baseline)
            except ValueError as error:  # a baseline area <= 0: say so, never divide by it
                out["transfer_percentage"][arm] = f"undefined: {str(error).split(':')[0]}"
    return out


def bootstrap(returns: np.ndarray, seed: int, reps: int) -> tuple[float, float]:
    """The 95% CI of the IQM over seeds (a single seed gives a zero-width interval)."""
    if len(returns) < 2:
        value = float(returns[0]) if len(returns) else float("nan")
        return value, value
    low, high = stats.bootstrap_ci(returns, stats.iqm, reps=reps, seed=seed)
    return float(low), float(high)


def format_summary(summary: dict) -> str:
    """A Markdown table of the summary."""
    lines = ["| arm | shots | IQM return | 95% CI | seeds |", "|---|---:|---:|---|---:|"]
    for arm, by_k in summary["arms"].items():
        for k, cell in by_k.items():
            low, high = cell["ci"]
            lines.append(
                f"| {arm} | {k} | {cell['iqm']:.3f} | [{low:.3f}, {high:.3f}] | {cell['seeds']} |"
            )
    for arm, value in summary["transfer_percentage"].items():
        shown = f"{value:.0f}%" if isinstance(value, float) else value
        lines.append(f"\ntransfer % ({arm} vs scratch, area under the k-shot curve): {shown}")
    return "\n".join(lines)


def plot(rows: Sequence[dict], summary: dict, out: Path, title: str) -> list[Path]:
    """k-shot curves and source learning curves with 95% bands, and a transfer matrix."""
    plt = pyplot()
    if plt is None:
        raise RuntimeError('plots need matplotlib: pip install -e ".[plots]"')
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for arm, by_k in summary["arms"].items():
        ks = list(by_k)
        ax.plot(ks, [by_k[k]["iqm"] for k in ks], marker="o", label=arm)
        ax.fill_between(
            ks, [by_k[k]["ci"][0] for k in ks], [by_k[k]["ci"][1] for k in ks], alpha=0.2
        )
    ax.set(xlabel="shots (target episodes)", ylabel="evaluation return (IQM)", title=title)
    ax.legend()
    saved.append(save(fig, out / "kshot.png"))
    curves = np.array([row["returns"] for row in rows if row["arm"] == "source"])
    if curves.size:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        window = max(1, curves.shape[1] // 20)
        kernel = np.ones(window) / window
        smooth = np.array([np.convolve(c, kernel, mode="valid") for c in curves])
        mean, spread = smooth.mean(axis=0), 1.96 * smooth.std(axis=0) / np.sqrt(len(smooth))
        x = np.arange(len(mean)) + window
        ax.plot(x, mean)
        ax.fill_between(x, mean - spread, mean + spread, alpha=0.25)
        ax.set(xlabel="source episodes", ylabel=f"return (mean of {window})", title=title)
        saved.append(save(fig, out / "learning.png"))
    arms = [a for a in summary["arms"] if a != "scratch"]
    if "scratch" in summary["arms"] and arms:
        ks = list(summary["arms"]["scratch"])
        matrix = np.array([[_ratio(summary, arm, k) for k in ks] for arm in arms])
        fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(ks), 1 + 0.5 * len(arms)))
        image = ax.imshow(matrix, cmap="RdYlGn", vmin=0, vmax=200)
        ax.set(
            xticks=range(len(ks)),
            xticklabels=ks,
            yticks=range(len(arms)),
            yticklabels=arms,
            xlabel="shots",
            title="transfer % vs scratch",
        )
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, "-" if np.isnan(value) else f"{value:.0f}", ha="center", va="center")
        fig.colorbar(image, ax=ax)
        saved.append(save(fig, out / "transfer_matrix.png"))
    return saved


def _ratio(summary: dict, arm: str, k: int) -> float:
    """100 x IQM(arm) / IQM(scratch) at k shots (Progressive Networks' per-cell form)."""
    base = summary["arms"]["scratch"][k]["iqm"]
    return 100.0 * summary["arms"][arm][k]["iqm"] / base if base > 0 else float("nan")
