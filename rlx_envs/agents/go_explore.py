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
envs due for a return are restored to their selected cells in one ``set_state`` call. Cells are
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

from collections.abc import Callable

import numpy as np

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


_GOLDEN, _MIX1, _MIX2 = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9),
                         np.uint64(0x94D049BB133111EB))  # fmt: skip


def cell_keys(cells: np.ndarray) -> np.ndarray:
    """(N,) int64 keys of (N, D) int cells: each column mixed by splitmix64's finaliser into a
    running hash (two distinct cells collide with probability about 2**-64).

    >>> keys = cell_keys(np.array([[1, 2], [1, 2], [2, 1]]))
    >>> bool(keys[0] == keys[1]), bool(keys[0] != keys[2])
    (True, True)
    """
    cells = np.asarray(cells, dtype=np.int64)
    if not len(cells):
        return np.zeros(0, np.int64)
    cells = cells.reshape(len(cells), -1).view(np.uint64)
    key = np.zeros(len(cells), np.uint64)
    with np.errstate(over="ignore"):
        for column in cells.T:
            value = (key ^ column) + _GOLDEN
            value = (value ^ (value >> np.uint64(30))) * _MIX1
            value = (value ^ (value >> np.uint64(27))) * _MIX2
            key = value ^ (value >> np.uint64(31))
    return key.view(np.int64)


class _CellIndex:
    """Cell hash -> archive position: an open-addressing table in numpy arrays, looked up for a
    whole batch at once (a Python dict costs a microsecond a key, more than a step of the env)."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self.keys = np.zeros(capacity, np.int64)  # 0: empty (a hash of 0 is stored as 1)
        self.values = np.full(capacity, -1, np.int64)
        self.size = 0

    @staticmethod
    def _stored(keys: np.ndarray) -> np.ndarray:
        return np.where(keys == 0, 1, keys)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The position of each hash, -1 where absent (linear probing, all keys at once)."""
        keys = self._stored(np.asarray(keys, np.int64))
        mask = len(self.keys) - 1
        slots = keys & mask
        found = np.full(len(keys), -1, np.int64)
        todo = np.arange(len(keys))
        while len(todo):
            there = self.keys[slots[todo]]
            hit = there == keys[todo]
            found[todo[hit]] = self.values[slots[todo[hit]]]
            todo = todo[~hit & (there != 0)]
            slots[todo] = (slots[todo] + 1) & mask
        return found

    def put(self, key: int, value: int) -> None:
        if 2 * (self.size + 1) > len(self.keys):  # keep the load under one half
            old_keys, old_values = self.keys[self.keys != 0], self.values[self.keys != 0]
            self.keys = np.zeros(2 * len(self.keys), np.int64)
            self.values = np.full(len(self.keys), -1, np.int64)
            self.size = 0
            for k, v in zip(old_keys.tolist(), old_values.tolist(), strict=True):
                self.put(k, v)
        key = 1 if key == 0 else key
        mask = len(self.keys) - 1
        slot = key & mask
        while self.keys[slot] != 0 and self.keys[slot] != key:
            slot = (slot + 1) & mask
        if self.keys[slot] == 0:
            self.size += 1
        self.keys[slot], self.values[slot] = key, value


class Archive:
    """The cells found: per cell its key row, best score and trajectory, snapshot and counts.

    Numbers live in numpy arrays (grown by doubling) so that a whole batch is looked up at once;
    cell rows, trajectories (int16 action arrays) and snapshots in lists.
    """

    _NUMBERS = {"score": np.float64, "length": np.int64, "chosen": np.int64,
                "chosen_since_new": np.int64, "seen": np.int64, "found_at": np.int64,
                "weight": np.float64}  # fmt: skip

    def __init__(self) -> None:
        self.index = _CellIndex()  # cell hash -> position
        self.cells: list[np.ndarray] = []
        self.trajectory: list[np.ndarray] = []
        self.snapshot: list = []
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
        position = self._size
        if position == len(self._score):  # grow every number column
            for name in self._NUMBERS:
                column = getattr(self, "_" + name)
                setattr(self, "_" + name, np.concatenate([column, np.zeros_like(column)]))
        self.index.put(key, position)
        self.cells.append(np.asarray(cell))
        self.trajectory.append(None)
        self.snapshot.append(None)
        self._size += 1
        self._found_at[position] = step
        self._weight[position] = 3 * (1.0 / np.sqrt(EPS1) + EPS2)  # all three counts 0
        return position

    def record(self, position: int, score: float, length: int) -> None:
        """The score and length of the (new or better) way to reach cell ``position``."""
        self._score[position], self._length[position] = score, length

    def reweigh(self, positions: np.ndarray) -> None:
        """Recompute the selection weights of ``positions`` from their counts (see the module
        docstring); :attr:`weight` holds every cell's."""
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
        archive = self.archive = Archive()
        start = self.cells_of(obs, infos)[:1]
        first = archive.add(int(cell_keys(start)[0]), start[0], 0)
        archive.record(first, 0.0, 0)
        archive.trajectory[first], archive.snapshot[first] = (
            np.zeros(0, np.int16),
            envs.get_state([0])[0],
        )
        self.best_ending: tuple[float, np.ndarray] | None = None
        self.first_ending_step: int | None = None  # env steps spent when an ending was first met
        self.history: list[dict] = []
        self.rooms = set(_rooms(infos))
        self.steps = 0
        base = np.zeros(n, np.int64)  # the cell each env returned to
        prefix = [np.zeros(0, np.int16)] * n  # that cell's trajectory when the env returned
        prefix_length = np.zeros(n, np.int64)
        score = np.zeros(n)
        segment = np.zeros((n, self.explore_steps), np.int16)
        taken = np.zeros(n, np.int64)  # steps explored since the return
        last = rng.integers(actions_n, size=n)
        improved = np.zeros(n, bool)
        due = np.ones(n, bool)
        next_record = 0
        while self.steps < budget:
            if due.any():  # return: choose cells and restore them, all at once
                envs_due = np.flatnonzero(due)
                ended_from = envs_due[taken[envs_due] > 0]  # segments from base[i] that ended
                since = archive.chosen_since_new
                np.add.at(since, base[ended_from][~improved[ended_from]], 1)
                since[base[ended_from][improved[ended_from]]] = 0
                archive.reweigh(base[ended_from])
                chosen = archive.choose(rng, len(envs_due))
                if not self.returns:  # the ablation: always back to the start
                    chosen = np.zeros_like(chosen)
                np.add.at(archive.chosen, chosen, 1)
                archive.reweigh(chosen)
                envs.set_state([archive.snapshot[c] for c in chosen.tolist()], envs_due)
                base[envs_due] = chosen
                for i, c in zip(envs_due.tolist(), chosen.tolist(), strict=True):
                    prefix[i] = archive.trajectory[c]
                score[envs_due] = archive.score[chosen]
                prefix_length[envs_due] = archive.length[chosen]
                taken[envs_due] = 0
                improved[envs_due] = False
                due[:] = False
            change = rng.random(n) >= self.repeat
            last = np.where(change, rng.integers(actions_n, size=n), last)
            obs, rewards, terminated, truncated, infos = envs.step(last)
            segment[np.arange(n), taken] = last
            taken += 1
            score += rewards
            self.steps += n
            self.rooms.update(_rooms(infos))
            lost = np.asarray(infos.get("life_lost", np.zeros(n, bool)), bool)
            ended = terminated & ~lost
            cells = self.cells_of(obs, infos)
            alive = np.flatnonzero(~(terminated | truncated | lost))
            keys = cell_keys(cells[alive])
            positions = archive.positions(keys)
            known = positions >= 0
            np.add.at(archive.seen, positions[known], 1)
            archive.reweigh(positions[known])
            at = np.where(known, positions, 0)
            length = prefix_length[alive] + taken[alive]
            gain = score[alive] - archive.score[at]
            better = (gain > 0) | ((gain == 0) & (length < archive.length[at]))
            offers = np.flatnonzero(~known | better)
            if len(offers):  # new cells, or better ways to known ones (rarer as the run goes)
                self._offer(archive, keys[offers], positions[offers], alive[offers], cells, score,
                            length[offers], prefix, segment, taken, envs, improved)  # fmt: skip
            if self.first_ending_step is None and ended.any():
                self.first_ending_step = self.steps
            for i in np.flatnonzero(ended).tolist():
                trajectory = np.concatenate([prefix[i], segment[i, : taken[i]]])
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
        return archive

    def _offer(self, archive, keys, known, offered, cells, score, lengths, prefix, segment, taken,
               envs, improved):  # fmt: skip
        """Put the cells of envs ``offered`` in the archive where they are new or reached better
        (checked one by one: two envs may reach one cell in the same step), then read the
        snapshots of the envs that won a cell in one call."""
        winner: dict[int, int] = {}  # position -> the env whose way there is now the best
        known = known.tolist()  # the positions found this step (-1: new)
        added: dict[int, int] = {}  # cells new this step (another env may reach one again)
        for key, i, length, position in zip(keys.tolist(), offered.tolist(), lengths.tolist(),
                                            known, strict=True):  # fmt: skip
            position = added.get(key, position)
            if position < 0:
                position = added[key] = archive.add(key, cells[i], self.steps)
            else:
                best, best_length = archive.score[position], archive.length[position]
                if score[i] < best or (score[i] == best and length >= best_length):
                    continue
            archive.record(position, float(score[i]), length)
            winner[position] = i
            improved[i] = True
        if not winner:
            return
        winners = sorted(set(winner.values()))
        snapshots = dict(zip(winners, envs.get_state(winners), strict=True))
        for position, i in winner.items():
            archive.trajectory[position] = np.concatenate([prefix[i], segment[i, : taken[i]]])
            archive.snapshot[position] = snapshots[i]

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
    return [] if rooms is None else np.unique(np.asarray(rooms)).tolist()


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
