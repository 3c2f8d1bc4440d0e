"""Snapshots of MiniMontezuma games: one env's game at one step, small, immutable, picklable.

``env.get_state()`` returns a :class:`Snapshot` and ``env.set_state(snapshot)`` restores it, on the
single env and, per env, on the numpy batch (``envs.get_state(envs=[...])`` gives a tuple, one per
env; ``envs.set_state(snapshots, envs=[...])`` restores a subset in one call). A snapshot holds
everything the future depends on: the rules' state (which includes the step counter and the
episode's generator key, so the sticky-action draws replay too), the episode key (which picks a
procedural env's level and the next episode's key), the score, and the masked-semantics
permutation. Snapshots of the single env and of a batch's envs are the same kind: either restores
into the other. What lies outside the env is not in it: a ``TimeLimit`` wrapper's counter (the
batch's own episode limit is: it counts the state's steps) and a wrapper's appearance draws.

>>> import gymnasium as gym
>>> import rlx_envs
>>> env = gym.make("rlx/MiniMontezumaFirstRoom-v0").unwrapped
>>> _ = env.reset(seed=0)
>>> saved = env.get_state()
>>> first = [env.step(2)[0] for _ in range(5)]
>>> env.set_state(saved)
>>> all((env.step(2)[0] == obs).all() for obs in first)
True
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rlx_envs.rules.minimontezuma import rules

_LISTS = ("skull_x", "skull_dir")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One env's game at one step (see the module docstring). ``fields`` are the values of
    :data:`rules.FIELDS`, in that order, as Python ints (per-skull fields as tuples)."""

    fields: tuple
    key: int
    score: float
    permutation: bytes

    def state(self) -> rules.State:
        """A fresh :class:`rules.State` of Python ints (the single env's kind)."""
        values = {name: list(v) if name in _LISTS else v
                  for name, v in zip(rules.FIELDS, self.fields, strict=True)}  # fmt: skip
        return rules.State(**values)

    def permutation_array(self) -> np.ndarray:
        return np.frombuffer(self.permutation, dtype=np.uint8).copy()


def of_state(state: rules.State, key: int, score: float, permutation: np.ndarray) -> Snapshot:
    """The snapshot of a single env's state (Python ints)."""
    fields = tuple(tuple(int(v) for v in getattr(state, name)) if name in _LISTS
                   else int(getattr(state, name)) for name in rules.FIELDS)  # fmt: skip
    return Snapshot(fields, int(key), float(score), bytes(np.asarray(permutation, np.uint8)))


#: Fields that hold a global room number (``slot * rooms_per_level + room``) in a batch.
_ROOMS = ("room", "entry_room")


def of_batch_envs(state: rules.State, envs: np.ndarray, rooms_per_level: int, keys, scores,
                  permutations) -> tuple[Snapshot, ...]:  # fmt: skip
    """The snapshots of envs ``envs`` of a batch's array state, read field by field for all of
    them at once (``keys``, ``scores``, ``permutations``: one per env of ``envs``). Rooms are
    stored within the level and the slot as 0: a snapshot names its level by its key, not by a
    batch's table slot."""
    envs = np.asarray(envs, dtype=np.int64)
    offset = state.slot[envs].astype(np.int64) * rooms_per_level
    columns = []
    for name in rules.FIELDS:
        value = getattr(state, name)
        if name in _LISTS:
            columns.append(zip(*(v[envs].tolist() for v in value), strict=True))
        elif name == "slot":
            columns.append([0] * len(envs))
        else:
            column = value[envs].astype(np.int64)
            columns.append((column - offset if name in _ROOMS else column).tolist())
    rows = zip(*columns, strict=True)
    return tuple(
        Snapshot(tuple(fields), int(key), float(score), bytes(np.asarray(perm, np.uint8)))
        for fields, key, score, perm in zip(rows, keys, scores, permutations, strict=True)
    )


def write_batch_envs(state: rules.State, envs: np.ndarray, snapshots, slots,
                     rooms_per_level: int) -> None:  # fmt: skip
    """Write ``snapshots`` into envs ``envs`` of a batch's array state (one snapshot per env, in
    table slots ``slots``), field by field for all of them at once."""
    if not len(envs):
        return
    slots = np.asarray(slots, dtype=np.int64)
    columns = zip(*(snapshot.fields for snapshot in snapshots), strict=True)
    for name, column in zip(rules.FIELDS, columns, strict=True):
        target = getattr(state, name)
        if name in _LISTS:
            for k, values in enumerate(zip(*column, strict=True)):
                target[k][envs] = values
        elif name == "slot":
            target[envs] = slots
        else:
            values = np.array(column, dtype=target.dtype)
            target[envs] = values + slots * rooms_per_level if name in _ROOMS else values


def env_indices(envs, num_envs: int) -> np.ndarray:
    """The env indices a batch's ``get_state``/``set_state`` act on: all for None, else distinct
    indices in ``[0, num_envs)``, or a clear error."""
    if envs is None:
        return np.arange(num_envs)
    envs = np.asarray(envs, dtype=np.int64).reshape(-1)
    if envs.size and (
        envs.min() < 0 or envs.max() >= num_envs or len(np.unique(envs)) != envs.size
    ):
        raise ValueError(f"envs must be distinct indices in [0, {num_envs}), got {envs!r}")
    return envs


def check_snapshots(snapshots, count: int) -> tuple[Snapshot, ...]:
    """``snapshots`` as a tuple of ``count`` :class:`Snapshot` s, or a clear error."""
    if isinstance(snapshots, Snapshot):
        snapshots = (snapshots,)
    snapshots = tuple(snapshots)
    if len(snapshots) != count or not all(isinstance(s, Snapshot) for s in snapshots):
        raise ValueError(f"set_state needs {count} Snapshot(s) from get_state(), got {snapshots!r}")
    return snapshots
