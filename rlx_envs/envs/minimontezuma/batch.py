"""Level tables and observations for many envs at once (used by ``vector.py``).

A batch holds one *slot* of level tables per distinct level in play: one slot for a fixed level,
one per env for procedural levels (an env's slot is rewritten when it starts a new level).
Observations are built with array operations over all envs; they equal the single env's
observations byte for byte (``tests/envs/test_vector.py`` checks it).
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import observe, rules
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.level import Level
from rlx_envs.rules.minimontezuma.ram import encode_ram

K = rules.K


class SlotTables:
    """Rule tables (:class:`rules.Tables` as arrays) with ``slots`` copies of a level's tables."""

    def __init__(self, level: Level, slots: int, rewards, fall_damage_height: int):
        single = rules.Tables([level], rewards, fall_damage_height)
        self.slots, self._rewards, self._fall_damage_height = slots, rewards, fall_damage_height
        r, h, w = single.rooms_per_level, single.height, single.width
        self._sizes = {"cells": r * h * w, "neighbours": r * 9, "object_colour": 64,
                       "skull": r * K}  # fmt: skip
        tb = single.to_arrays()
        wall = slots * r
        tb.cells = np.concatenate([np.tile(tb.cells[: r * h * w], slots), tb.cells[r * h * w :]])
        nb = tb.neighbours[: r * 9]
        offsets = np.repeat(np.arange(slots, dtype=np.int64) * r, r * 9)
        tiled = np.tile(nb, slots)
        tb.neighbours = np.concatenate([np.where(tiled == r, wall, tiled + offsets),
                                        np.full(9, wall, np.int64)])  # fmt: skip
        tb.object_colour = np.tile(tb.object_colour, slots)
        for name in ("skull_y", "skull_lo", "skull_hi", "skull_x0"):
            arr = getattr(tb, name)
            setattr(tb, name, np.concatenate([np.tile(arr[: r * K], slots), arr[r * K :]]))
        tb.start_room = np.arange(slots, dtype=np.int64) * r + single.start_room[0]
        tb.start_x = np.full(slots, single.start_x[0], np.int64)
        tb.start_y = np.full(slots, single.start_y[0], np.int64)
        self.tables = tb

    def write(self, slot: int, level: Level) -> None:
        """Put ``level`` into ``slot`` (it must have the shape of the batch's levels)."""
        single = rules.Tables([level], self._rewards, self._fall_damage_height)
        tb, r = self.tables, self.tables.rooms_per_level
        if (single.width, single.height, single.rooms_per_level) != (tb.width, tb.height, r):
            raise ValueError("every level of a batch needs the same room size and room count")
        n = self._sizes["cells"]
        tb.cells[slot * n : (slot + 1) * n] = single.cells[:n]
        nb = np.asarray(single.neighbours[: r * 9])
        wall = self.slots * r
        tb.neighbours[slot * r * 9 : (slot + 1) * r * 9] = np.where(nb == r, wall, nb + slot * r)
        tb.object_colour[slot * 64 : (slot + 1) * 64] = single.object_colour[:64]
        n = self._sizes["skull"]
        for name in ("skull_y", "skull_lo", "skull_hi", "skull_x0"):
            getattr(tb, name)[slot * n : (slot + 1) * n] = getattr(single, name)[:n]
        tb.start_room[slot] = slot * r + single.start_room[0]
        tb.start_x[slot], tb.start_y[slot] = single.start_x[0], single.start_y[0]


class BatchObserver:
    """Observations of many envs; per-slot room tables mirror :class:`observe.Observer`."""

    def __init__(self, level: Level, slots: int, laser_on: int):
        self.slots, self.laser_on = slots, laser_on
        self.rooms_per_level = level.num_rooms
        self.height, self.width = level.height, level.width
        static, laser, obj = self._room_arrays(level)
        self.static = np.tile(static, (slots, 1, 1))
        self.laser = np.tile(laser, (slots, 1, 1))
        self.obj = np.tile(obj, (slots, 1, 1))

    def _room_arrays(self, level: Level):
        """Per room of ``level``: static codes, laser mask, object table (y, x, oid; 0 = none)."""
        single = observe.Observer([level], self.laser_on)
        laser = np.zeros(single.static.shape, bool)
        obj = np.zeros((level.num_rooms, max(1, max(map(len, single.objects))), 3), np.int64)
        for room in range(level.num_rooms):
            for y, x in single.lasers[room]:
                laser[room, y, x] = True
            for i, entry in enumerate(single.objects[room]):
                obj[room, i] = entry
        return single.static, laser, obj

    def write(self, slot: int, level: Level) -> None:
        """Put ``level``'s rooms into ``slot``."""
        static, laser, obj = self._room_arrays(level)
        r = self.rooms_per_level
        rooms = slice(slot * r, (slot + 1) * r)
        if obj.shape[1] > self.obj.shape[1]:
            grown = np.zeros((self.obj.shape[0], obj.shape[1], 3), np.int64)
            grown[:, : self.obj.shape[1]] = self.obj
            self.obj = grown
        self.static[rooms], self.laser[rooms] = static, laser
        self.obj[rooms] = 0
        self.obj[rooms, : obj.shape[1]] = obj

    def symbolic(self, tb, s: rules.State, perms: np.ndarray | None) -> np.ndarray:
        """(N, height, width) uint8 code grids of every env's room."""
        n = len(s.room)
        rows = np.arange(n)
        room = s.room
        grid = self.static[room]
        obj = self.obj[room]  # (N, M, 3)
        oid = obj[..., 2]
        gone = (oid > 0) & (((s.used[:, None] >> oid) & 1) == 1)
        e, m = np.nonzero(gone)
        grid[e, obj[e, m, 0], obj[e, m, 1]] = T.C_EMPTY
        on = s.clock < self.laser_on
        if on.any():
            grid[self.laser[room] & on[:, None, None]] = T.C_LASER_ON
        for k in range(K):
            sy = tb.skull_y[room * K + k]
            present = sy >= 0
            grid[rows[present], sy[present], s.skull_x[k][present]] = T.C_SKULL
        grid[rows, s.y, s.x] = T.C_AGENT
        if perms is not None:
            grid = perms[rows[:, None, None], grid]
        return grid

    def ram(self, s: rules.State) -> np.ndarray:
        """(N, 128) uint8 RAM vectors: :func:`ram.encode_ram`, the single env's encoder."""
        return encode_ram(s, self.rooms_per_level, rules.ARRAY)
