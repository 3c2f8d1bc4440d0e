"""Observations of MiniMontezuma: RAM bytes, symbolic room grid, pixels.

Observation building is kept apart from the rules: it reads a
:class:`~rlx_envs.rules.minimontezuma.rules.State` and the level, and never changes either.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import rules, sprites
from rlx_envs.rules.minimontezuma import tiles as T
from rlx_envs.rules.minimontezuma.level import Level

RAM_SIZE = 128
#: Byte layout of the ``"ram"`` observation: (field, offset, bytes). Multi-byte fields are
#: little-endian; ``jump_dir`` and ``skull_dir`` are stored plus one (0, 1, 2).
RAM_LAYOUT = (
    ("room", 0, 1), ("x", 1, 1), ("y", 2, 1), ("lives", 3, 1),
    ("jump", 4, 1), ("jump_dir", 5, 1), ("fall", 6, 1), ("clock", 7, 1),
    ("inventory", 8, 2), ("used", 10, 8), ("visited", 18, 8),
    ("entry_room", 26, 1), ("entry_x", 27, 1), ("entry_y", 28, 1), ("last_action", 29, 1),
    ("skull_x", 30, rules.K), ("skull_dir", 30 + rules.K, rules.K),
)  # fmt: skip
_RAM_PAD = bytes(RAM_SIZE - (30 + 2 * rules.K))

_STATIC_CODE = {
    T.EMPTY: T.C_EMPTY, T.WALL: T.C_WALL, T.LADDER: T.C_LADDER, T.ROPE: T.C_ROPE,
    T.LAVA: T.C_LAVA, T.LASER: T.C_LASER_OFF, T.JEWEL: T.C_JEWEL, T.EXIT: T.C_EXIT,
}  # fmt: skip


def decode_ram(ram: np.ndarray) -> dict[str, int | list[int]]:
    """Read the fields of a ``"ram"`` observation back (the inverse of the encoding)."""
    out: dict[str, int | list[int]] = {}
    raw = bytes(np.asarray(ram, dtype=np.uint8))
    for name, offset, size in RAM_LAYOUT:
        if name in ("skull_x", "skull_dir"):
            out[name] = [b - (name == "skull_dir") for b in raw[offset : offset + size]]
        else:
            out[name] = int.from_bytes(raw[offset : offset + size], "little")
    out["jump_dir"] -= 1
    return out


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
        head = bytes(
            (
                s.room - s.slot * self.rooms_per_level, s.x, s.y, s.lives,
                s.jump, s.jump_dir + 1, s.fall, s.clock,
            )
        )  # fmt: skip
        tail = bytes(
            (
                s.entry_room - s.slot * self.rooms_per_level, s.entry_x, s.entry_y,
                s.last_action, *s.skull_x, *(d + 1 for d in s.skull_dir),
            )
        )  # fmt: skip
        raw = bytearray(
            head + s.inventory.to_bytes(2, "little") + s.used.to_bytes(8, "little")
            + s.visited.to_bytes(8, "little") + tail + _RAM_PAD
        )  # fmt: skip
        return np.frombuffer(raw, np.uint8)


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
