"""The ``"ram"`` observation of MiniMontezuma: one layout table, read by encoder and decoder.

The 128 bytes hold the full game state. :data:`RAM_LAYOUT` says where each
:class:`~rlx_envs.rules.minimontezuma.rules.State` field goes; the offsets follow from the order
and sizes of the rows, so no byte position is written by hand anywhere. A field is stored as its
value plus ``bias`` (so ``jump_dir`` in -1..1 becomes a byte 0..2), little-endian; ``relative``
room fields are stored as the room within the level (the batch numbers rooms across levels).

:func:`encode_ram` is the one encoder of the single env (Python ints, :data:`rules.SCALAR`) and of
the batch (numpy arrays, :data:`rules.ARRAY`): it reads the fields in table order and packs them
with a format derived from the table, a :mod:`struct` format for ints and the equal numpy
structured dtype for arrays.

>>> [(row.name, row.offset, row.width) for row in RAM_LAYOUT[:3]]
[('room', 0, 1), ('x', 1, 1), ('y', 2, 1)]
>>> from rlx_envs.rules.minimontezuma import rules
>>> from rlx_envs.rules.minimontezuma.level import load_level
>>> tables = rules.Tables([load_level("first_room")])
>>> state = rules.initial_state(tables, 0, 5, 1)
>>> ram = encode_ram(state, tables.rooms_per_level, rules.SCALAR)
>>> ram.shape, decode_ram(ram)["lives"], decode_ram(ram)["jump_dir"]
((128,), 5, 0)
"""

from __future__ import annotations

import operator
import struct
from typing import NamedTuple

import numpy as np

from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma import tiles as T

RAM_SIZE = 128
_SKULLS = T.MAX_SKULLS_PER_ROOM


class RamField(NamedTuple):
    """One row of :data:`RAM_LAYOUT`: state field ``name`` as ``count`` values of ``width``
    bytes each, from byte ``offset``, stored plus ``bias``; ``relative``: a room number stored
    within its level."""

    name: str
    offset: int
    width: int
    count: int
    bias: int
    relative: bool


# (field, bytes per value, values, bias, relative room). Rows with one value per skull slot
# come last: the scalar encoder flattens them after the one-value fields.
_ROWS = (
    ("room", 1, 1, 0, True), ("x", 1, 1, 0, False), ("y", 1, 1, 0, False),
    ("lives", 1, 1, 0, False), ("jump", 1, 1, 0, False), ("jump_dir", 1, 1, 1, False),
    ("fall", 1, 1, 0, False), ("clock", 1, 1, 0, False), ("inventory", 2, 1, 0, False),
    ("used", 8, 1, 0, False), ("visited", 8, 1, 0, False), ("entry_room", 1, 1, 0, True),
    ("entry_x", 1, 1, 0, False), ("entry_y", 1, 1, 0, False), ("last_action", 1, 1, 0, False),
    ("skull_x", 1, _SKULLS, 0, False), ("skull_dir", 1, _SKULLS, 1, False),
)  # fmt: skip


def _layout(rows) -> tuple[RamField, ...]:
    out, offset = [], 0
    for name, width, count, bias, relative in rows:
        out.append(RamField(name, offset, width, count, bias, relative))
        offset += width * count
    return tuple(out)


#: Byte layout of the ``"ram"`` observation, one :class:`RamField` per state field.
RAM_LAYOUT = _layout(_ROWS)
_USED = RAM_LAYOUT[-1].offset + RAM_LAYOUT[-1].width * RAM_LAYOUT[-1].count
_ONE_VALUE = sum(row.count == 1 for row in RAM_LAYOUT)
assert _USED <= RAM_SIZE and all(row.count == 1 for row in RAM_LAYOUT[:_ONE_VALUE])
# A bias is added byte-wise, so only one-byte fields may carry one; they are packed signed
# (the raw value may be negative, e.g. jump_dir -1).
assert all(row.width == 1 for row in RAM_LAYOUT if row.bias)


def _code(row: RamField) -> tuple[str, str]:
    """The struct and numpy codes of one value of ``row``."""
    if row.width == 1:
        return ("b", "i1") if row.bias else ("B", "u1")
    return {2: ("H", "<u2"), 8: ("Q", "<u8")}[row.width]


_STRUCT = struct.Struct(
    "<" + "".join(_code(row)[0] * row.count for row in RAM_LAYOUT) + f"{RAM_SIZE - _USED}x"
)
_DTYPE = np.dtype(
    {
        "names": [row.name for row in RAM_LAYOUT],
        "formats": [
            (_code(row)[1], (row.count,)) if row.count > 1 else _code(row)[1] for row in RAM_LAYOUT
        ],  # fmt: skip
        "offsets": [row.offset for row in RAM_LAYOUT],
        "itemsize": RAM_SIZE,
    }
)
_BIAS = np.zeros(RAM_SIZE, np.uint8)
for _row in RAM_LAYOUT:
    _BIAS[_row.offset : _row.offset + _row.count] = _row.bias
_ROOM_BYTES = [row.offset for row in RAM_LAYOUT if row.relative]
# One C call reads every field (speed: the single env encodes on every step).
_FIELD_VALUES = operator.attrgetter(*(row.name for row in RAM_LAYOUT))


def encode_ram(state: rules.State, rooms_per_level: int, backend=rules.SCALAR) -> np.ndarray:
    """The RAM observation of ``state``: (128,) uint8 for Python-int fields (``backend``
    :data:`rules.SCALAR`), (N, 128) for array fields (:data:`rules.ARRAY`).

    Raw fields are packed at their offsets, the bias is added (mod 256) and the level's first
    room is taken off the room bytes; one path for both value types, only the packing differs.
    """
    values = _FIELD_VALUES(state)
    local = state.slot * rooms_per_level
    if backend is rules.SCALAR:
        flat = list(values[:_ONE_VALUE])
        for per_skull in values[_ONE_VALUE:]:
            flat += per_skull
        ram = np.frombuffer(_STRUCT.pack(*flat), np.uint8) + _BIAS
        if local:  # the single env always plays slot 0; only a hand-made state gets here
            ram[_ROOM_BYTES] -= local
        return ram
    raw = np.zeros(len(local), _DTYPE)
    for row, value in zip(RAM_LAYOUT, values, strict=True):
        if row.count > 1:
            column = raw[row.name]  # (N, count): one array per skull slot goes in its column
            for k, per_env in enumerate(value):
                column[:, k] = per_env
        else:
            raw[row.name] = value
    ram = raw.view(np.uint8).reshape(len(local), RAM_SIZE)
    ram += _BIAS  # in place: a fresh (N, 128) array per step would cost more than the packing
    if local.any():
        ram[:, _ROOM_BYTES] -= local.astype(np.uint8)[:, None]
    return ram


def decode_ram(ram: np.ndarray) -> dict[str, int | list[int]]:
    """Read the fields of one ``"ram"`` observation back (the inverse of :func:`encode_ram`;
    room fields come back within the level). Per-skull fields are lists.

    >>> fields = decode_ram(np.zeros(RAM_SIZE, np.uint8))
    >>> fields["jump_dir"], fields["skull_dir"]
    (-1, [-1, -1])
    """
    raw = bytes(np.asarray(ram, dtype=np.uint8).reshape(RAM_SIZE))
    out: dict[str, int | list[int]] = {}
    for row in RAM_LAYOUT:
        values = [
            int.from_bytes(raw[start : start + row.width], "little") - row.bias
            for start in range(row.offset, row.offset + row.width * row.count, row.width)
        ]
        out[row.name] = values if row.count > 1 else values[0]
    return out
