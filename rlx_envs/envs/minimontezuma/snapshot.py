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

from typing import NamedTuple

import gymnasium as gym
import numpy as np

from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma.tiles import NUM_CODES

_LISTS = ("skull_x", "skull_dir")
#: The columns of a snapshot's row: one per field of :data:`rules.FIELDS`, ``SKULLS_PER_ROOM``
#: for each per-skull field.
_WIDTHS = tuple(rules.SKULLS_PER_ROOM if name in _LISTS else 1 for name in rules.FIELDS)
_STARTS = tuple(sum(_WIDTHS[:i]) for i in range(len(_WIDTHS)))
WIDTH = sum(_WIDTHS)
_ROW_BYTES = 8 * WIDTH


class Snapshot(NamedTuple):
    """One env's game at one step (see the module docstring). ``fields`` holds the values of
    :data:`rules.FIELDS`, in that order, as one row of int64 (``SKULLS_PER_ROOM`` values for
    each per-skull field) in bytes: immutable, comparable, and read or written for a whole
    batch in one array operation. (A named tuple: a batch makes many at once, cheaply.)"""

    fields: bytes
    key: int
    score: float
    permutation: bytes

    def values(self) -> dict:
        """The fields by name, as Python ints (per-skull fields as lists)."""
        row = np.frombuffer(self.fields, np.int64).tolist()
        columns = zip(rules.FIELDS, _STARTS, _WIDTHS, strict=True)
        return {name: row[at : at + width] if name in _LISTS else row[at]
                for name, at, width in columns}  # fmt: skip

    def state(self) -> rules.State:
        """A fresh :class:`rules.State` of Python ints (the single env's kind)."""
        return rules.State(**self.values())

    def permutation_array(self) -> np.ndarray:
        return np.frombuffer(self.permutation, dtype=np.uint8).copy()


def of_state(state: rules.State, key: int, score: float, permutation: np.ndarray) -> Snapshot:
    """The snapshot of a single env's state (Python ints)."""
    row: list[int] = []
    for name in rules.FIELDS:
        value = getattr(state, name)
        if name in _LISTS:
            row.extend(int(v) for v in value)
        else:
            row.append(int(value))
    fields = np.array(row, np.int64).tobytes()
    return Snapshot(fields, int(key), float(score), bytes(np.asarray(permutation, np.uint8)))


class Snapshots:
    """Many snapshots as one table: ``fields`` (n, :data:`WIDTH`) int64 (one snapshot's row
    each), ``keys`` (n,) int64, ``scores`` (n,) float64, ``permutations`` (n, NUM_CODES)
    uint8. What a batch's ``get_states`` returns and ``set_states`` restores, in one array
    operation per field; ``snapshots[i]`` is the :class:`Snapshot` of row ``i``, ``snapshots[rows]``
    (an index array) another table.

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=3,
    ...                     vectorization_mode="vector_entry_point")
    >>> _ = envs.reset(seed=0)
    >>> table = envs.get_states([2, 0])
    >>> len(table), table[0] == envs.get_state([2])[0]
    (2, True)
    >>> envs.set_states(table[[1, 1]], [1, 2])  # envs 1 and 2 become copies of env 0
    >>> bool((envs.get_states().fields == table.fields[1]).all())
    True
    """

    __slots__ = ("fields", "keys", "scores", "permutations")

    def __init__(self, fields, keys, scores, permutations) -> None:
        self.fields = np.asarray(fields, np.int64).reshape(-1, WIDTH)
        count = len(self.fields)
        self.keys = np.asarray(keys, np.int64).reshape(count)
        self.scores = np.asarray(scores, np.float64).reshape(count)
        self.permutations = np.asarray(permutations, np.uint8).reshape(count, NUM_CODES)

    @classmethod
    def of(cls, snapshots) -> Snapshots:
        """The table of a sequence of :class:`Snapshot` s."""
        snapshots = tuple(snapshots)
        fields = np.frombuffer(b"".join(s.fields for s in snapshots), np.int64)
        permutations = np.frombuffer(b"".join(s.permutation for s in snapshots), np.uint8)
        return cls(fields, [s.key for s in snapshots], [s.score for s in snapshots],
                   permutations)  # fmt: skip

    @classmethod
    def empty(cls, count: int) -> Snapshots:
        """A table of ``count`` zero rows (to be filled by row assignment)."""
        return cls(np.zeros((count, WIDTH), np.int64), np.zeros(count, np.int64),
                   np.zeros(count), np.zeros((count, NUM_CODES), np.uint8))  # fmt: skip

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, rows):
        if isinstance(rows, (int, np.integer)):
            fields, permutation = self.fields[rows].tobytes(), self.permutations[rows].tobytes()
            return Snapshot(fields, int(self.keys[rows]), float(self.scores[rows]), permutation)
        return Snapshots(self.fields[rows], self.keys[rows], self.scores[rows],
                         self.permutations[rows])  # fmt: skip

    def __setitem__(self, rows, table: Snapshots) -> None:
        self.fields[rows], self.keys[rows] = table.fields, table.keys
        self.scores[rows], self.permutations[rows] = table.scores, table.permutations

    def as_tuple(self) -> tuple[Snapshot, ...]:
        """One :class:`Snapshot` per row, in order."""
        size = _ROW_BYTES
        raw = self.fields.tobytes()
        rows = [raw[at : at + size] for at in range(0, len(raw), size)]
        perms, step = self.permutations.tobytes(), self.permutations.shape[1]
        perms = [perms[at : at + step] for at in range(0, len(perms), step)]
        return tuple(map(Snapshot, rows, self.keys.tolist(), self.scores.tolist(), perms))


#: Fields that hold a global room number (``slot * rooms_per_level + room``) in a batch.
_ROOMS = ("room", "entry_room")
_ROOM_COLUMNS = [_STARTS[rules.FIELDS.index(name)] for name in _ROOMS]
_SLOT = rules.FIELDS.index("slot")


def of_batch_envs(state: rules.State, envs: np.ndarray, rooms_per_level: int, keys, scores,
                  permutations) -> Snapshots:  # fmt: skip
    """The snapshots of envs ``envs`` of a batch's array state, read field by field for all of
    them at once into one table (``keys``, ``scores``: one per env of ``envs``;
    ``permutations``: one row per env, or one uint8 array for all). Rooms are stored within the
    level and the slot as 0: a snapshot names its level by its key, not by a batch's table
    slot."""
    envs = np.asarray(envs, dtype=np.int64)
    columns = []  # every field's values for these envs, per-skull fields a column per slot
    for name in rules.FIELDS:
        value = getattr(state, name)
        if name in _LISTS:
            columns.extend(column[envs] for column in value)
        else:
            columns.append(value[envs])
    table = np.array(columns, np.int64).T.copy()  # (envs, WIDTH): a row per snapshot
    offset = table[:, _STARTS[_SLOT]] * rooms_per_level
    table[:, _ROOM_COLUMNS] -= offset[:, None]
    table[:, _STARTS[_SLOT]] = 0
    permutations = np.asarray(permutations, np.uint8)
    if permutations.ndim == 1:
        permutations = np.broadcast_to(permutations, (len(envs), len(permutations)))
    return Snapshots(table, keys, scores, permutations)


def write_batch_envs(state: rules.State, envs: np.ndarray, snapshots: Snapshots, slots,
                     rooms_per_level: int) -> None:  # fmt: skip
    """Write the table ``snapshots`` into envs ``envs`` of a batch's array state (one row per
    env, in table slots ``slots``), field by field for all of them at once."""
    if not len(envs):
        return
    slots = np.asarray(slots, dtype=np.int64)
    table = snapshots.fields
    for name, at in zip(rules.FIELDS, _STARTS, strict=True):
        target = getattr(state, name)
        if name in _LISTS:
            for k, column in enumerate(target):
                column[envs] = table[:, at + k]
        elif name == "slot":
            target[envs] = slots
        else:
            values = table[:, at] + slots * rooms_per_level if name in _ROOMS else table[:, at]
            target[envs] = values.astype(target.dtype, copy=False)


class BatchSnapshots:
    """``get_state``/``set_state`` (a :class:`Snapshot` per env) and ``get_states``/``set_states``
    (one :class:`Snapshots` table) for a batch, written once for the numpy and the JAX batch.
    The batch provides ``num_envs``, ``_state`` (None before the first reset),
    ``_snapshots(envs)`` (the table of envs ``envs``) and ``_restore(table, envs)``.

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> envs = gym.make_vec("rlx/MiniMontezumaFirstRoom-v0", num_envs=2,
    ...                     vectorization_mode="vector_entry_point")
    >>> isinstance(envs, BatchSnapshots)
    True
    >>> _ = envs.reset(seed=0)
    >>> _ = envs.step([2, 1])
    >>> envs.set_state(envs.get_state([0]), [1])  # env 1 continues env 0's game
    >>> envs.get_state([1]) == envs.get_state([0])
    True
    """

    def get_state(self, envs=None) -> tuple[Snapshot, ...]:
        """Snapshots of envs ``envs`` (default all), one per env, in that order."""
        return self.get_states(envs).as_tuple()

    def get_states(self, envs=None) -> Snapshots:
        """The snapshots of envs ``envs`` (default all) as one :class:`Snapshots` table, a row
        per env: for callers that keep many (an archive of cells) and restore them with
        :meth:`set_states`."""
        self._check_started()
        return self._snapshots(env_indices(envs, self.num_envs))

    def set_state(self, saved, envs=None) -> None:
        """Restore envs ``envs`` (default all) from ``saved`` snapshots, one per env, in one call;
        the next step continues them (no pending autoreset). Read the observations with
        ``observation()``."""
        self._check_started()
        envs = env_indices(envs, self.num_envs)
        self._restore(Snapshots.of(check_snapshots(saved, len(envs))), envs)

    def set_states(self, snapshots: Snapshots, envs=None) -> None:
        """:meth:`set_state` from a :class:`Snapshots` table (a row per env of ``envs``), as
        :meth:`get_states` returns."""
        self._check_started()
        envs = env_indices(envs, self.num_envs)
        self._restore(check_table(snapshots, len(envs)), envs)

    def _check_started(self) -> None:
        if self._state is None:
            raise gym.error.ResetNeeded("call reset() before get_state() or set_state()")


def env_indices(envs, num_envs: int) -> np.ndarray:
    """The env indices a batch's ``get_state``/``set_state`` act on: all for None, else distinct
    indices in ``[0, num_envs)``, or a clear error."""
    if envs is None:
        return np.arange(num_envs)
    envs = np.asarray(envs, dtype=np.int64).reshape(-1)
    ordered = np.sort(envs)
    repeated = (ordered[1:] == ordered[:-1]).any()
    if envs.size and (ordered[0] < 0 or ordered[-1] >= num_envs or repeated):
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


def check_table(snapshots, count: int) -> Snapshots:
    """``snapshots`` as a :class:`Snapshots` table of ``count`` rows, or a clear error.

    >>> table = Snapshots.empty(3)
    >>> check_table(table, 3) is table
    True
    >>> check_table(table, 2)
    Traceback (most recent call last):
    ...
    ValueError: set_states needs 2 rows of a get_states() table, got 3
    """
    if not isinstance(snapshots, Snapshots):
        raise TypeError(f"set_states needs a Snapshots table from get_states(), got "
                        f"{type(snapshots).__name__}; restore Snapshot objects with "
                        "set_state()")  # fmt: skip
    if len(snapshots) != count:
        raise ValueError(f"set_states needs {count} rows of a get_states() table, got "
                         f"{len(snapshots)}")  # fmt: skip
    return snapshots
