"""The running state of a MuJoCo env, for copies that keep the episode.

Gymnasium's MuJoCo envs pickle (and deep-copy) by rebuilding themselves from their constructor
arguments: the copy starts from a fresh model and a fresh simulation, so it continues differently
from the original. :func:`capture` reads what a copy needs to go on exactly (every array of
MuJoCo's ``MjData``: positions, velocities, actuator states, controls, warm start and the derived
quantities the next step reads, and the time; and the env's random generator, which draws the
reset noise);
:func:`restore` writes it into the rebuilt env. The model's physics (a
:class:`~rlx_envs.wrappers.PhysicsRandomization` draw) is the wrapper's to restore, before this.

>>> import gymnasium as gym
>>> env = gym.make("Hopper-v5").unwrapped
>>> _ = env.reset(seed=0)
>>> saved = capture(env)
>>> _ = env.step(env.action_space.sample())
>>> restore(env, saved)
>>> bool((env.data.qpos == saved["qpos"]).all())
True
"""

from __future__ import annotations

import numpy as np


def _arrays(data) -> dict[str, np.ndarray]:
    out = {}
    for name in dir(data):
        if name.startswith("_"):
            continue
        try:
            value = getattr(data, name)
        except Exception:  # noqa: BLE001  (a few attributes raise on some models)
            continue
        if isinstance(value, np.ndarray) and value.size:
            out[name] = value
    return out


def capture(env) -> dict:
    """The simulation data and generator state of a MuJoCo env (``env.unwrapped``): every array
    of its ``MjData`` as it stands, derived quantities included (after ``mj_step`` some of them
    describe the state before the last integration, and a copy must read them alike)."""
    data = env.data
    arrays = {name: value.copy() for name, value in _arrays(data).items()}
    rng = env.np_random.bit_generator.state if env._np_random is not None else None
    return {"arrays": arrays, "time": float(data.time), "qpos": data.qpos.copy(), "rng": rng,
            "seed": getattr(env, "_np_random_seed", None)}  # fmt: skip


def restore(env, saved: dict) -> None:
    """Write :func:`capture`'s state into ``env`` (rebuilt with the same model structure)."""
    data = env.data
    targets = _arrays(data)
    for name, value in saved["arrays"].items():
        if name in targets and targets[name].shape == value.shape:
            targets[name][...] = value
    data.time = saved["time"]
    if saved["rng"] is not None:
        env.np_random.bit_generator.state = saved["rng"]
    if saved.get("seed") is not None:
        env._np_random_seed = saved["seed"]
