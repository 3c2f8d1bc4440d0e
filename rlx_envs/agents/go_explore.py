"""Go-Explore's exploration phase on a batch of envs: remember cells, return to one, explore.

Ecoffet, Huizinga, Lehman, Stanley and Clune, "First return, then explore", Nature 590 (2021)
(and the longer arXiv:1901.10995, 2019): the first method to solve Montezuma's Revenge's first
level. Phase 1, as here:

1. an **archive** keyed by *cell* keeps, per cell, the best way found to reach it: the highest
   score, then the shortest trajectory, with a snapshot of the game there;
2. **select** a cell, weighted towards cells rarely chosen and rarely seen;
3. **return** to it by restoring its snapshot (no env steps spent);
4. **explore** from it with random actions, each repeated with probability ``REPEAT``, for
   ``EXPLORE_STEPS`` steps, or until the episode ends or a life is lost; every cell met on the
   way enters the archive, or replaces its entry when reached with a higher score, or the same
   score in fewer steps.

The envs are a batch (the numpy :class:`~rlx_envs.envs.minimontezuma.vector.MiniMontezumaVectorEnv`,
or :class:`OneEnv` around a single env): each env runs its own return-explore cycle, and the
envs due for a return are restored to their selected cells in one call (``set_states`` with a
table of the archive's snapshots where the batch has it, else ``set_state``). Cells are
``info["cell"]`` (domain knowledge: MiniMontezuma's room, position, keys and opened doors; the
real game's level, room, coarse position and inventory) or, with ``cell="frame"``, the frame
downscaled to ``FRAME_SIZE`` with ``FRAME_LEVELS`` grey levels (the paper's domain-agnostic
cell, 11 x 8 pixels and 8 levels), or any function of ``(obs, infos)`` returning (N, D) ints.

**Selection weights.** For each cell, with C its times chosen, times chosen since it last led to
a new or better cell, and times seen: W = sum over the three of 1 / sqrt(C + 0.001) + 0.00001,
in the form of the paper's count subscores; a never-chosen cell is strongly preferred.

A step that loses a life (``info["life_lost"]``) ends the exploration there, as the episode's
end does: its cell is not kept.

**Scores and endings.** The score of a trajectory is its extrinsic return. A step that ends the
episode without a lost life (MiniMontezuma's exit) is not a cell to return to; the best such
ending (score, then length) is kept in :attr:`GoExplore.best_ending`. The budget counts env
steps of exploration; returns cost none, as in the paper.

Robustness: :func:`replay` plays a trajectory from reset; with sticky actions off it must reach
the recorded score (what makes phase-1 scores honest); with sticky actions on, the fraction of
replays that still do is reported.

Numpy only; all draws come from the agent's generator, seeded by ``seed``.

>>> import gymnasium as gym
>>> import rlx_envs
>>> envs = gym.make_vec("rlx/MiniMontezumaKeys-v0", num_envs=8,
...                     vectorization_mode="vector_entry_point", sticky_action_prob=0.0)
>>> agent = GoExplore(seed=0)
>>> archive = agent.run(envs, budget=5_000, seed=1)
>>> len(archive) > 20, agent.steps >= 5_000, archive.cells[0].tolist()  # the start cell first
(True, True, [0, 1, 8, 0, 0])
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from rlx_envs.agents.keyed import mix64
from rlx_envs.core.arguments import integer, real
from rlx_envs.estimators.cts_layout import preprocess_images

# -- hyperparameters ----------------------------------------------------------------------------
#: Random steps after each return.
EXPLORE_STEPS = 50
#: Probability of repeating the previous action during exploration (the paper's 95%).
REPEAT = 0.95
#: The domain-agnostic cell: frames downscaled to (height, width), grey levels.
FRAME_SIZE, FRAME_LEVELS = (8, 11), 8
#: The count subscores' constants: 1 / sqrt(C + EPS1) + EPS2 per count.
EPS1, EPS2 = 0.001, 0.00001
#: Record progress (cells, rooms, best score) every this many env steps.
RECORD_EVERY = 5_000


#: One odd 64-bit weight per cell column (columns past the 256th cycle through them).
_WEIGHTS = mix64(np.arange(1, 257, dtype=np.uint64)) | np.uint64(1)


def cell_keys(cells: np.ndarray) -> np.ndarray:
    """(N,) int64 keys of (N, D) int cells: the columns weighted by odd 64-bit constants and
    summed modulo 2**64 (one matrix-vector product), then mixed by SplitMix64's finaliser
    (:func:`rlx_envs.agents.keyed.mix64`). Two distinct cells collide only if their difference,
    weighted, sums to 0 modulo 2**64: for the small integers of a cell, a chance of about
    2**-64.

    >>> keys = cell_keys(np.array([[1, 2], [1, 2], [2, 1]]))
    >>> bool(keys[0] == keys[1]), bool(keys[0] != keys[2])
    (True, True)
    """
    cells = np.asarray(cells, dtype=np.int64)
    if not len(cells):
        return np.zeros(0, np.int64)
    cells = cells.reshape(len(cells), -1).view(np.uint64)
    width = cells.shape[1]
    weights = _WEIGHTS[:width] if width <= len(_WEIGHTS) else np.resize(_WEIGHTS, width)
    return mix64(cells @ weights).view(np.int64)  # uint64 arrays wrap silently


class _CellIndex:
    """Cell hash -> archive position, looked up for a whole batch at once: a dict read through
    one ``map`` (a fraction of a microsecond a key; a sorted array searched with
    ``np.searchsorted`` was slower once the new hashes of every step had to be merged into it)."""

    def __init__(self) -> None:
        self._positions: dict[int, int] = {}

    def put_many(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Add distinct hashes that are not in the index (the archive adds each cell once)."""
        self._positions.update(zip(keys.tolist(), values.tolist(), strict=True))

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The position of each hash, -1 where absent."""
        keys = np.asarray(keys, np.int64)
        found = map(self._positions.get, keys.tolist(), itertools.repeat(-1))
        return np.fromiter(found, np.int64, len(keys))


def _actions(way) -> np.ndarray:
    """The int16 actions of a way: ``None`` (no step) or ``(way before, actions after it)``."""
    parts = []
    while way is not None:
        way, actions = way
        parts.append(actions)
    return np.concatenate(parts[::-1]) if parts else np.zeros(0, np.int16)


class _Trajectories:
    """``archive.trajectory[position]``: the actions that reach a cell, put together when asked
    (each cell keeps only the steps it added to the way of the cell it was explored from)."""

    def __init__(self, ways: list) -> None:
        self._ways = ways

    def __len__(self) -> int:
        return len(self._ways)

    def __getitem__(self, position: int) -> np.ndarray:
        return _actions(self._ways[position])


class _SnapshotList:
    """An archive's snapshots as a list (envs with ``get_state``/``set_state`` only: a single
    env seen as a batch, the real game)."""

    def __init__(self) -> None:
        self.items: list = []

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, position: int):
        return self.items[position]

    def grow(self, count: int) -> None:
        self.items.extend([None] * count)

    def save(self, envs, positions: list[int], env_ids: list[int]) -> None:
        """Read envs ``env_ids``' snapshots into cells ``positions``, in one call."""
        for position, saved in zip(positions, envs.get_state(env_ids), strict=True):
            self.items[position] = saved

    def restore(self, envs, positions: list[int], env_ids: np.ndarray) -> None:
        """Restore envs ``env_ids`` to cells ``positions``, in one call."""
        envs.set_state([self.items[p] for p in positions], env_ids)


class _SnapshotTable:
    """An archive's snapshots as one table grown by doubling (envs with ``get_states``/
    ``set_states``, MiniMontezuma's batches): a return restores its rows in one array read,
    no snapshot object made. ``store[position]`` is still a :class:`Snapshot`."""

    def __init__(self) -> None:
        self.table = None
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, position: int):
        if not -self.size <= position < self.size:
            raise IndexError(f"snapshot {position} of an archive of {self.size} cells")
        return self.table[position % self.size]

    def grow(self, count: int) -> None:
        self.size += count
        if self.table is not None and self.size > len(self.table):
            bigger = type(self.table).empty(2 * self.size)
            bigger[: len(self.table)] = self.table
            self.table = bigger

    def save(self, envs, positions: list[int], env_ids: list[int]) -> None:
        saved = envs.get_states(env_ids)
        if self.table is None:
            self.table = type(saved).empty(max(64, 2 * self.size))
        self.table[positions] = saved

    def restore(self, envs, positions: list[int], env_ids: np.ndarray) -> None:
        envs.set_states(self.table[positions], env_ids)


class Archive:
    """The cells found: per cell its key row, best score and trajectory, snapshot and counts.

    Numbers live in numpy arrays (grown by doubling) so that a whole batch is looked up at once;
    cell rows and ways (the trajectory as the way of the cell explored from and the actions after
    it, so that no trajectory is copied) in lists; snapshots in one table grown by doubling with
    ``tables=True`` (for batches with ``get_states``/``set_states``), else in a list.

    >>> archive = Archive()
    >>> archive.add_many(np.array([11, 22]), np.array([[0, 1], [0, 2]]), step=0).tolist()
    [0, 1]
    >>> archive.positions(np.array([22, 33])).tolist(), len(archive.snapshot)
    ([1, -1], 2)
    """

    _NUMBERS = {"score": np.float64, "length": np.int64, "chosen": np.int64,
                "chosen_since_new": np.int64, "seen": np.int64, "found_at": np.int64,
                "weight": np.float64}  # fmt: skip

    def __init__(self, tables: bool = False) -> None:
        self.index = _CellIndex()  # cell hash -> position
        self.cells: list[np.ndarray] = []
        self.ways: list = []  # per cell: None (the start) or (way explored from, int16 actions)
        self.trajectory = _Trajectories(self.ways)  # each cell's actions, as one array
        #: Each cell's snapshot (``snapshot[position]``): one table when ``tables`` (the envs
        #: have ``get_states``/``set_states``), else a list.
        self.snapshot = _SnapshotTable() if tables else _SnapshotList()
        self._size = 0
        for name, dtype in self._NUMBERS.items():
            setattr(self, "_" + name, np.zeros(64, dtype))

    def __len__(self) -> int:
        return self._size

    # The filled part of each number column.
    score = property(lambda self: self._score[: self._size])
    length = property(lambda self: self._length[: self._size])
    chosen = property(lambda self: self._chosen[: self._size])
    chosen_since_new = property(lambda self: self._chosen_since_new[: self._size])
    seen = property(lambda self: self._seen[: self._size])
    found_at = property(lambda self: self._found_at[: self._size])
    weight = property(lambda self: self._weight[: self._size])

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """The position of each cell hash in ``keys``, -1 where it is not in the archive."""
        return self.index.find(keys)

    def add(self, key: int, cell, step: int) -> int:
        """A new cell, found after ``step`` env steps; its way there follows (:meth:`record`)."""
        return int(self.add_many(np.array([key], np.int64), np.asarray(cell)[None], step)[0])

    def add_many(self, keys: np.ndarray, cells: np.ndarray, step: int) -> np.ndarray:
        """New cells (distinct hashes ``keys``, rows ``cells``), found after ``step`` env steps;
        return their positions, in order."""
        first, count = self._size, len(keys)
        while first + count > len(self._score):  # grow every number column
            for name in self._NUMBERS:
                column = getattr(self, "_" + name)
                setattr(self, "_" + name, np.concatenate([column, np.zeros_like(column)]))
        positions = np.arange(first, first + count)
        self.index.put_many(np.asarray(keys), positions)
        self.cells.extend(np.asarray(cells))
        self.ways.extend([None] * count)
        self.snapshot.grow(count)
        self._size += count
        self._found_at[positions] = step
        self._weight[positions] = 3 * (1.0 / np.sqrt(EPS1) + EPS2)  # all three counts 0
        return positions

    def record(self, position: int, score: float, length: int) -> None:
        """The score and length of the (new or better) way to reach cell ``position``."""
        self._score[position], self._length[position] = score, length

    def reweigh(self, positions: np.ndarray) -> None:
        """Recompute the selection weights of ``positions`` from their counts (see the module
        docstring); :attr:`weight` holds every cell's. A weight is a function of its cell's
        counts alone, so the cells whose counts changed can be reweighed together, once,
        before the next :meth:`choose`."""
        weight = 3 * EPS2 + 1.0 / np.sqrt(self._chosen[positions] + EPS1)
        weight += 1.0 / np.sqrt(self._chosen_since_new[positions] + EPS1)
        weight += 1.0 / np.sqrt(self._seen[positions] + EPS1)
        self._weight[positions] = weight

    def choose(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` cells drawn with probability proportional to their weights."""
        cumulative = np.cumsum(self.weight)
        drawn = np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")
        return np.minimum(drawn, self._size - 1)

    def best(self) -> int:
        """The position of the highest-scoring cell (the shortest trajectory among ties)."""
        return int(np.lexsort((self.length, -self.score))[0])


class _LastCells:
    """Each env's cell at its last step, with its key and archive position: an env whose cell
    has not changed since (most of them, step to step: cells are coarse) needs no new hash and
    no lookup. A position is kept only once the cell is in the archive (positions never move)."""

    def __init__(self, n: int, width: int) -> None:
        self.cells = np.full((n, width), np.iinfo(np.int64).min)  # no cell yet
        self.keys = np.zeros(n, np.int64)
        self.positions = np.full(n, -1, np.int64)

    def look_up(self, archive: Archive, cells: np.ndarray, envs: np.ndarray):
        """(keys, positions) of the cells of envs ``envs`` (-1: not in the archive)."""
        keys, positions = self.keys[envs], self.positions[envs]
        changed = np.flatnonzero((positions < 0) | (cells != self.cells).any(1)[envs])
        if len(changed):
            keys[changed] = cell_keys(cells[envs[changed]])
            positions[changed] = archive.positions(keys[changed])
        return keys, positions

    def remember(self, cells: np.ndarray, envs: np.ndarray, keys, positions) -> None:
        self.cells[envs], self.keys[envs], self.positions[envs] = cells[envs], keys, positions


class GoExplore:
    """Go-Explore's exploration phase (see the module docstring).

    Args:
        cell: ``"info"`` (``info["cell"]``), ``"frame"`` (downscaled frames: pixel
            observations) or a function ``(obs, infos) -> (N, D)`` int array.
        explore_steps: random steps after each return, >= 1.
        repeat: probability of repeating the previous action, in [0, 1].
        seed: of the generator of every draw (cell choices, actions).
        returns: False for the ablation of the return: every exploration starts from the first
            state (the archive is still kept and reported), so that only "first return" is
            taken away.
    """

    def __init__(self, cell="info", explore_steps: int = EXPLORE_STEPS, repeat: float = REPEAT,
                 seed: int = 0, returns: bool = True):  # fmt: skip
        if not (callable(cell) or cell in ("info", "frame")):
            raise ValueError(f"unknown cell {cell!r}; valid: 'info', 'frame' or a function")
        self.cell = cell
        self.explore_steps = integer("explore_steps", explore_steps, minimum=1)
        self.repeat = real("repeat", repeat, minimum=0.0, maximum=1.0)
        self.seed = int(seed)
        if not isinstance(returns, bool):
            raise TypeError(f"returns must be True or False, got {returns!r}")
        self.returns = returns

    def cells_of(self, obs, infos) -> np.ndarray:
        """(N, D) int64 cells of a batch of observations and infos."""
        if callable(self.cell):
            return np.asarray(self.cell(obs, infos), dtype=np.int64)
        if self.cell == "frame":
            frames = preprocess_images(np.asarray(obs), FRAME_SIZE, FRAME_LEVELS)
            return frames.reshape(len(frames), -1).astype(np.int64)
        return np.asarray(infos["cell"], dtype=np.int64)

    def run(self, envs, budget: int, *, seed=None,
            on_record: Callable[[dict], None] | None = None) -> Archive:  # fmt: skip
        """Explore ``envs`` (a batch with ``get_state``/``set_state``) for ``budget`` env steps.

        ``seed`` is passed to ``envs.reset``; the archive starts from env 0's first state, so
        every trajectory found replays from ``reset(seed=...)`` of env 0's seed. Returns the
        archive (also :attr:`archive`); :attr:`history` has a record every ``RECORD_EVERY`` steps
        (``on_record`` gets each as it is made).
        """
        budget = integer("budget", budget, minimum=1)
        rng = np.random.default_rng(self.seed)
        n, actions_n = envs.num_envs, int(envs.single_action_space.n)
        obs, infos = envs.reset(seed=seed)
        archive = self.archive = Archive(tables=hasattr(envs, "get_states"))
        start = self.cells_of(obs, infos)[:1]
        first = archive.add(int(cell_keys(start)[0]), start[0], 0)
        archive.record(first, 0.0, 0)
        archive.snapshot.save(envs, [first], [0])  # its way: None, no step
        self.best_ending: tuple[float, np.ndarray] | None = None
        self.first_ending_step: int | None = None  # env steps spent when an ending was first met
        self.history: list[dict] = []
        self.rooms = set(_rooms(infos))
        self.steps = 0
        base = np.zeros(n, np.int64)  # the cell each env returned to
        prefix = [None] * n  # that cell's way (see Archive.ways) when the env returned
        prefix_length = np.zeros(n, np.int64)
        score = np.zeros(n)
        segment = np.zeros((n, self.explore_steps), np.int16)
        taken = np.zeros(n, np.int64)  # steps explored since the return
        last = rng.integers(actions_n, size=n)
        improved = np.zeros(n, bool)
        due = np.ones(n, bool)
        last_cells = _LastCells(n, start.shape[1])
        recounted: list[np.ndarray] = []  # cells whose counts changed since the last reweigh
        every_env = np.arange(n)
        no_loss = np.zeros(n, bool)  # for envs that do not report lost lives
        next_record = 0
        while self.steps < budget:
            if due.any():  # return: choose cells and restore them, all at once
                envs_due = np.flatnonzero(due)
                ended_from = envs_due[taken[envs_due] > 0]  # segments from base[i] that ended
                since = archive.chosen_since_new
                np.add.at(since, base[ended_from][~improved[ended_from]], 1)
                since[base[ended_from][improved[ended_from]]] = 0
                recounted.append(base[ended_from])
                archive.reweigh(np.concatenate(recounted))  # every count changed since the last
                recounted.clear()
                chosen = archive.choose(rng, len(envs_due))
                if not self.returns:  # the ablation: always back to the start
                    chosen = np.zeros_like(chosen)
                np.add.at(archive.chosen, chosen, 1)
                recounted.append(chosen)
                chosen_list = chosen.tolist()
                archive.snapshot.restore(envs, chosen_list, envs_due)
                base[envs_due] = chosen
                for i, c in zip(envs_due.tolist(), chosen_list, strict=True):
                    prefix[i] = archive.ways[c]
                score[envs_due] = archive.score[chosen]
                prefix_length[envs_due] = archive.length[chosen]
                taken[envs_due] = 0
                improved[envs_due] = False
                due[:] = False
            change = rng.random(n) >= self.repeat
            last = np.where(change, rng.integers(actions_n, size=n), last)
            obs, rewards, terminated, truncated, infos = envs.step(last)
            segment[every_env, taken] = last
            taken += 1
            score += rewards
            self.steps += n
            self.rooms.update(_rooms(infos))
            lost = np.asarray(infos["life_lost"], bool) if "life_lost" in infos else no_loss
            ended = terminated & ~lost
            cells = self.cells_of(obs, infos)
            alive = np.flatnonzero(~(terminated | truncated | lost))
            keys, positions = last_cells.look_up(archive, cells, alive)
            known = positions >= 0
            seen = positions[known]
            np.add.at(archive.seen, seen, 1)
            recounted.append(seen)
            at = np.where(known, positions, 0)
            length = prefix_length[alive] + taken[alive]
            gain = score[alive] - archive.score[at]
            better = (gain > 0) | ((gain == 0) & (length < archive.length[at]))
            offers = np.flatnonzero(~known | better)
            if len(offers):  # new cells, or better ways to known ones (rarer as the run goes)
                positions[offers] = self._offer(
                    archive, keys[offers], positions[offers], alive[offers], cells, score,
                    length[offers], prefix, segment, taken, envs, improved)  # fmt: skip
            last_cells.remember(cells, alive, keys, positions)
            if self.first_ending_step is None and ended.any():
                self.first_ending_step = self.steps
            for i in np.flatnonzero(ended).tolist():
                trajectory = np.concatenate([_actions(prefix[i]), segment[i, : taken[i]]])
                if self.best_ending is None or (score[i], -len(trajectory)) > (
                    self.best_ending[0],
                    -len(self.best_ending[1]),
                ):
                    self.best_ending = (float(score[i]), trajectory)
            due = terminated | truncated | lost | (taken >= self.explore_steps)
            if self.steps >= next_record or self.steps >= budget:
                self.history.append(self._record())
                if on_record is not None:
                    on_record(self.history[-1])
                next_record += RECORD_EVERY
        if recounted:
            archive.reweigh(np.concatenate(recounted))
        return archive

    def _offer(self, archive, keys, known, offered, cells, score, lengths, prefix, segment, taken,
               envs, improved):  # fmt: skip
        """Put the cells of envs ``offered`` in the archive where they are new or reached better,
        then read the snapshots of the envs that won a cell in one call; return each offer's
        cell position.

        An offer wins when it beats the cell's record as it stands after the offers before it
        (in env order): for a cell offered once that is every offer (a new cell, or a known cell
        reached better), and only a cell that several envs reach in the same step is judged one
        offer at a time. Every env that won is marked ``improved``; the last winner of a cell
        gives it its score, trajectory and snapshot.
        """
        group_of: dict[int, int] = {}  # cell hash -> its group, numbered in offer order
        first: list[int] = []  # each group's first offer
        members: dict[int, list[int]] = {}  # the offers of a cell offered more than once
        group = []
        for j, key in enumerate(keys.tolist()):  # a few dozen offers a step
            g = group_of.setdefault(key, len(first))
            if g == len(first):
                first.append(j)
            elif g in members:
                members[g].append(j)
            else:
                members[g] = [first[g], j]
            group.append(g)
        scores = score[offered]
        wins = np.ones(len(keys), bool)
        for offers in members.values():  # a cell several envs reached at once
            at = known[offers[0]]
            best = None if at < 0 else (archive.score[at], archive.length[at])
            for j in offers:
                if (
                    best is None
                    or scores[j] > best[0]
                    or (scores[j] == best[0] and lengths[j] < best[1])
                ):
                    best = (scores[j], lengths[j])
                else:
                    wins[j] = False
        won = np.flatnonzero(wins)
        improved[offered[won]] = True
        won_list = won.tolist()
        last_win = dict(zip([group[j] for j in won_list], won_list, strict=True))
        final = np.fromiter(last_win.values(), np.int64, len(last_win))  # one per cell
        group, first = np.array(group, np.int64), np.array(first, np.int64)
        positions = known[first]  # per cell (-1: new); new cells get positions in offer order
        is_new = positions < 0
        new = first[is_new]
        positions[is_new] = archive.add_many(keys[new], cells[offered[new]], self.steps)
        cell_of = positions[group[final]]
        archive.score[cell_of], archive.length[cell_of] = scores[final], lengths[final]
        winners = offered[final].tolist()  # distinct envs: each offers one cell a step
        cell_of = cell_of.tolist()
        archive.snapshot.save(envs, cell_of, winners)
        steps = segment[winners]  # one copy; each way keeps a view of its row
        for row, (position, i, count) in enumerate(zip(cell_of, winners, taken[winners].tolist(),
                                                       strict=True)):  # fmt: skip
            archive.ways[position] = (prefix[i], steps[row, :count])
        return positions[group]

    def _record(self) -> dict:
        archive = self.archive
        best = float(archive.score.max())
        ending = self.best_ending[0] if self.best_ending is not None else None
        return {"steps": self.steps, "cells": len(archive), "rooms": len(self.rooms),
                "best_score": best, "best_ending": ending}  # fmt: skip

    def best_trajectory(self) -> tuple[float, np.ndarray]:
        """(score, actions) of the best way found: the best ending if any, else the best cell."""
        if self.best_ending is not None:
            return self.best_ending
        position = self.archive.best()
        return self.archive.score[position], self.archive.trajectory[position]


def _rooms(infos) -> list[int]:
    """The distinct rooms of a step's infos (none when the env reports no room)."""
    rooms = infos.get("room") if isinstance(infos, dict) else None
    if rooms is None:
        return []
    rooms = np.asarray(rooms)
    if rooms.dtype.kind in "iu" and rooms.size and 0 <= rooms.min() and rooms.max() < 1 << 16:
        return np.flatnonzero(np.bincount(rooms.ravel())).tolist()  # cheaper than a sort
    return np.unique(rooms).tolist()


def replay(make_env, trajectory, *, seed: int, sticky_action_prob: float = 0.0) -> float:
    """The extrinsic return of playing ``trajectory`` from ``reset(seed=seed)`` of
    ``make_env(sticky_action_prob)`` (stops at the episode's end)."""
    env = make_env(sticky_action_prob)
    env.reset(seed=seed)
    total = 0.0
    for action in np.asarray(trajectory).tolist():
        _, reward, terminated, truncated, _ = env.step(action)
        total += float(reward)
        if terminated or truncated:
            break
    env.close()
    return total


def robustness(make_env, trajectory, score: float, *, seed: int, sticky_action_prob: float = 0.25,
               replays: int = 20) -> dict:  # fmt: skip
    """The robustification check of a phase-1 result: does ``trajectory`` reach ``score``?

    ``make_env(sticky_action_prob)`` builds the env. With sticky actions off the replay from
    ``reset(seed=seed)`` must reach the score (``"deterministic"``: the result is honest); with
    them on, ``"sticky_success"`` is the fraction of ``replays`` replays (seeds ``seed + 1``,
    ``seed + 2``, ...) that still reach it.
    """
    exact = replay(make_env, trajectory, seed=seed, sticky_action_prob=0.0)
    reached = [
        replay(make_env, trajectory, seed=seed + 1 + k, sticky_action_prob=sticky_action_prob)
        >= score
        for k in range(replays)
    ]
    return {
        "score": float(score),
        "replayed": exact,
        "deterministic": exact == score,
        "sticky_action_prob": sticky_action_prob,
        "sticky_success": float(np.mean(reached)),
    }


class OneEnv:
    """A single env with ``get_state``/``set_state`` seen as a batch of one (for Go-Explore on
    the real game, whose :class:`~rlx_envs.wrappers.montezuma_cell.MontezumaCell` has them):
    arrays in and out, no autoreset (Go-Explore returns before the next step)."""

    num_envs = 1

    def __init__(self, env):
        self.env = env
        self.single_action_space = env.action_space

    def reset(self, *, seed=None):
        obs, info = self.env.reset(seed=seed)
        return np.asarray(obs)[None], _batched(info)

    def step(self, actions):
        obs, reward, terminated, truncated, info = self.env.step(int(np.asarray(actions)[0]))
        return (np.asarray(obs)[None], np.array([reward], float), np.array([terminated]),
                np.array([truncated]), _batched(info))  # fmt: skip

    def get_state(self, envs=None):
        return (self.env.get_state(),)

    def set_state(self, saved, envs=None) -> None:
        self.env.set_state(saved[0])


def _batched(info: dict) -> dict:
    return {key: np.asarray(value)[None] for key, value in info.items()}
