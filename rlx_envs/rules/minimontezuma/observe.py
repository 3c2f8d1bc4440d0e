"""Observations of MiniMontezuma: RAM bytes, symbolic room grid, pixels.

Observation building is kept apart from the rules: it reads a
:class:`~rlx_envs.rules.minimontezuma.rules.State` and the level, and never changes either.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.level import Level
from rlx_envs.rules.minimontezuma.ram import RAM_LAYOUT, RAM_SIZE, decode_ram, encode_ram

__all__ = ["RAM_LAYOUT", "RAM_SIZE", "Observer", "decode_ram", "key_counts", "masked_permutation",
           "pixels"]  # fmt: skip

_STATIC_CODE = {
    T.EMPTY: T.C_EMPTY, T.WALL: T.C_WALL, T.LADDER: T.C_LADDER, T.ROPE: T.C_ROPE,
    T.LAVA: T.C_LAVA, T.LASER: T.C_LASER_OFF, T.JEWEL: T.C_JEWEL, T.EXIT: T.C_EXIT,
}  # fmt: skip


def key_counts(inventory):
    """Keys held per colour (red, green, blue, yellow) of an inventory (4 bits per colour): a
    tuple of ints for an int, of arrays for an array of inventories.

    >>> key_counts(0x0201)
    (1, 0, 2, 0)
    """
    return tuple((inventory >> (4 * colour)) & 15 for colour in range(len(T.COLOURS)))


class Observer:
    """Builds observations of one level set; precomputes the static part of every room."""

    def __init__(self, levels: list[Level], laser_on: int):
        first = levels[0]
        self.height, self.width = first.height, first.width
        self.rooms_per_level = first.num_rooms
        self.laser_on = laser_on
        statics, self.objects, self.lasers = [], [], []
        self.skulls: list[list[int]] = []
        for lv in levels:
            for room in range(lv.num_rooms):
                grid = np.zeros((lv.height, lv.width), np.uint8)
                objects, lasers = [], []
                for y in range(lv.height):
                    for x in range(lv.width):
                        value = lv.cell(room, x, y)
                        kind, oid = value & T.TILE_MASK, value >> T.TILE_BITS
                        if kind in (T.KEY, T.DOOR):
                            base = T.C_KEY_RED if kind == T.KEY else T.C_DOOR_RED
                            grid[y, x] = base + lv.object_colour[oid]
                        else:
                            grid[y, x] = _STATIC_CODE[kind]
                        if oid:
                            objects.append((y, x, oid))
                        if kind == T.LASER:
                            lasers.append((y, x))
                statics.append(grid)
                self.objects.append(tuple(objects))
                self.lasers.append(tuple(lasers))
                ks = range(room * rules.K, (room + 1) * rules.K)
                self.skulls.append([k for k in range(rules.K) if lv.skull_y[ks[k]] >= 0])
        self.static = np.stack(statics)
        self.skull_rows = [lv.skull_y[i] for lv in levels for i in range(len(lv.skull_y))]

    def symbolic(self, s: rules.State) -> np.ndarray:
        """(height, width) uint8 grid of observation codes of the agent's room."""
        room = s.room
        grid = self.static[room].copy()
        used = s.used
        for y, x, oid in self.objects[room]:
            if (used >> oid) & 1:
                grid[y, x] = T.C_EMPTY
        if self.lasers[room]:
            code = T.C_LASER_ON if s.clock < self.laser_on else T.C_LASER_OFF
            for y, x in self.lasers[room]:
                grid[y, x] = code
        for k in self.skulls[room]:
            grid[self.skull_rows[room * rules.K + k], s.skull_x[k]] = T.C_SKULL
        grid[s.y, s.x] = T.C_AGENT
        return grid

    def ram(self, s: rules.State) -> np.ndarray:
        """The 128-byte RAM vector (see :data:`RAM_LAYOUT`): the full game state."""
        return encode_ram(s, self.rooms_per_level, rules.SCALAR)


def pixels(codes: np.ndarray) -> np.ndarray:
    """RGB image of a grid of observation codes."""
    return sprites.tiles_to_image(codes)


def masked_permutation(key):
    """Code -> displayed code for ``semantics="masked"``: a shuffle of :data:`tiles.MASKED_CODES`
    drawn from the episode key. ``key`` may be an int, giving a (NUM_CODES,) table, or an array
    of keys, giving one row per key; the single and the batched env share this function."""
    keys = np.asarray(key, dtype=np.int64)
    codes = np.asarray(T.MASKED_CODES, dtype=np.int64)
    salt = rules.hash32(codes * 0x9E3779B1 & rules.MASK32)
    draws = rules.hash32((keys[..., None] ^ salt) & rules.MASK32)
    perm = np.broadcast_to(
        np.arange(T.NUM_CODES, dtype=np.uint8), (*keys.shape, T.NUM_CODES)
    ).copy()
    perm[..., codes] = codes[np.argsort(draws, axis=-1, kind="stable")]
    return perm
