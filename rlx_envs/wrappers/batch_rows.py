"""Rows of a vector env's batch: the observations, infos and transitions of chosen envs.

The small array helpers of :class:`~rlx_envs.wrappers.bonus.VectorBonusWrapper`, for plain and
``Dict`` observations alike.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.estimators.base import Batch


def take_rows(obs, envs: np.ndarray):
    """The observations of envs ``envs``.

    >>> take_rows({"a": np.arange(4)}, np.array([3, 1]))["a"].tolist()
    [3, 1]
    """
    if isinstance(obs, dict):
        return {k: np.asarray(v)[envs] for k, v in obs.items()}
    return np.asarray(obs)[envs]


def set_rows(old, envs: np.ndarray, new):
    """A copy of ``old`` with the rows of envs ``envs`` taken from ``new``."""
    if isinstance(old, dict):
        return {k: set_rows(old[k], envs, new[k]) for k in old}
    out = np.array(old, copy=True)
    out[envs] = np.asarray(new)[envs]
    return out


def final_rows(obs, infos: dict, done: np.ndarray):
    """Observations and infos with the finished envs' final ones in place (SAME_STEP)."""
    reached = _copy(obs)
    for i in done.tolist():
        final = infos["final_obs"][i]
        if isinstance(reached, dict):
            for k in reached:
                reached[k][i] = final[k]
        else:
            reached[i] = final
    reached_infos = dict(infos)
    final_info = infos.get("final_info", {})
    if "cell" in final_info:
        cells = np.array(infos["cell"], copy=True)
        cells[done] = np.asarray(final_info["cell"])[done]
        reached_infos["cell"] = cells
    return reached, reached_infos


def _copy(obs):
    if isinstance(obs, dict):
        return {k: np.array(v, copy=True) for k, v in obs.items()}
    return np.array(obs, copy=True)


def batch_row(batch: Batch, j: int) -> Batch:
    """Transition ``j`` of ``batch``, as a batch of one."""

    def pick(x):
        if x is None:
            return None
        if isinstance(x, dict):
            return {k: v[j : j + 1] for k, v in x.items()}
        return x[j : j + 1]

    return Batch(
        obs=pick(batch.obs),
        prev_obs=pick(batch.prev_obs),
        actions=pick(batch.actions),
        keys=pick(batch.keys),
        envs=pick(batch.envs),
    )
