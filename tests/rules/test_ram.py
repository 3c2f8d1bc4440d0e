"""The RAM layout table: the encoder and the decoder read it, the single env and the batch share
the encoder, and the bytes sit where ``docs/envs/minimontezuma.md`` says."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rlx_envs.rules.minimontezuma import ram, rules
from rlx_envs.rules.minimontezuma import tiles as T

K = T.MAX_SKULLS_PER_ROOM
ROOMS = 6
BYTE = st.integers(0, 255)


def _state(fields: dict) -> rules.State:
    return rules.State(**{"t": 0, "key": 0, **fields})


# One state in the range the layout can hold: a byte per small field, 16 bits of inventory,
# 64 bits of objects and rooms, directions -1/0/1 (skulls: -1/1), rooms within a 6-room level.
STATES = st.fixed_dictionaries(
    {
        "slot": st.integers(0, 3), "room": st.integers(0, ROOMS - 1), "x": BYTE, "y": BYTE,
        "lives": BYTE, "jump": BYTE, "jump_dir": st.integers(-1, 1), "fall": BYTE,
        "clock": BYTE, "inventory": st.integers(0, 2**16 - 1), "used": st.integers(0, 2**64 - 1),
        "visited": st.integers(0, 2**64 - 1), "entry_room": st.integers(0, ROOMS - 1),
        "entry_x": BYTE, "entry_y": BYTE, "last_action": st.integers(0, 7),
        "skull_x": st.lists(BYTE, min_size=K, max_size=K),
        "skull_dir": st.lists(st.sampled_from([-1, 1]), min_size=K, max_size=K),
    }
)  # fmt: skip


def _global(fields: dict) -> dict:
    """The state as the rules hold it: room numbers counted across level slots."""
    base = fields["slot"] * ROOMS
    return {**fields, "room": fields["room"] + base, "entry_room": fields["entry_room"] + base}


def _batch(states: list[dict]) -> rules.State:
    columns = {}
    for name in rules.FIELDS:
        if name in ("skull_x", "skull_dir"):
            columns[name] = [np.array([s[name][k] for s in states], np.int64) for k in range(K)]
        else:
            values = [s.get(name, 0) for s in states]
            # used/visited may set bit 63: the batch holds them as int64 bit patterns.
            wide = name in ("used", "visited")
            columns[name] = np.array(values, np.uint64 if wide else np.int64).view(np.int64)
    return rules.State(**columns)


def test_offsets_follow_from_the_table_and_match_the_docs():
    rows = {row.name: row for row in ram.RAM_LAYOUT}
    documented = {"room": 0, "x": 1, "y": 2, "lives": 3, "jump": 4, "jump_dir": 5, "fall": 6,
                  "clock": 7, "inventory": 8, "used": 10, "visited": 18, "entry_room": 26,
                  "entry_x": 27, "entry_y": 28, "last_action": 29, "skull_x": 30,
                  "skull_dir": 30 + K}  # fmt: skip
    assert {name: row.offset for name, row in rows.items()} == documented
    end = 0
    for row in ram.RAM_LAYOUT:  # back to back, no gaps, no overlaps
        assert row.offset == end
        end += row.width * row.count
    assert end <= ram.RAM_SIZE
    assert set(rows) == set(rules.FIELDS) - {"slot", "t", "key"}


@settings(max_examples=200, deadline=None)
@given(STATES)
def test_decode_inverts_encode(fields):
    encoded = ram.encode_ram(_state(_global(fields)), ROOMS, rules.SCALAR)
    assert encoded.shape == (ram.RAM_SIZE,) and encoded.dtype == np.uint8
    decoded = ram.decode_ram(encoded)
    expected = {name: value for name, value in fields.items() if name != "slot"}
    assert decoded == expected
    assert not encoded[ram.RAM_LAYOUT[-1].offset + K :].any()  # the padding stays zero


@settings(max_examples=50, deadline=None)
@given(st.lists(STATES, min_size=1, max_size=6))
def test_the_batch_encodes_each_env_as_the_single_env_does(states):
    states = [_global(fields) for fields in states]
    batch = ram.encode_ram(_batch(states), ROOMS, rules.ARRAY)
    assert batch.shape == (len(states), ram.RAM_SIZE) and batch.dtype == np.uint8
    for row, fields in zip(batch, states, strict=True):
        np.testing.assert_array_equal(row, ram.encode_ram(_state(fields), ROOMS, rules.SCALAR))


def test_encoded_bytes_by_hand():
    fields = {"slot": 0, "room": 2, "x": 3, "y": 4, "lives": 5, "jump": 1, "jump_dir": -1,
              "fall": 0, "clock": 9, "inventory": 0x0102, "used": 1 << 63, "visited": 5,
              "entry_room": 1, "entry_x": 7, "entry_y": 8, "last_action": 6,
              "skull_x": [10, 11], "skull_dir": [1, -1]}  # fmt: skip
    encoded = ram.encode_ram(_state(fields), ROOMS, rules.SCALAR)
    assert encoded[:8].tolist() == [2, 3, 4, 5, 1, 0, 0, 9]
    assert encoded[8:10].tolist() == [0x02, 0x01]  # little-endian
    assert encoded[10:18].tolist() == [0] * 7 + [0x80]
    assert encoded[18:26].tolist() == [5] + [0] * 7
    assert encoded[26:34].tolist() == [1, 7, 8, 6, 10, 11, 2, 0]
