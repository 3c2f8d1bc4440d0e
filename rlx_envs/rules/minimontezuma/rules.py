"""The rules of MiniMontezuma: one transition function for the single and the batched env.

Every mechanic is written once, as integer arithmetic over a :class:`State` whose fields (each a
:data:`Value`) are either Python ints (the single env) or numpy arrays with one entry per env (the
batched env). The few operations that differ between the two live in a :class:`Backend`
(:data:`SCALAR` or :data:`ARRAY`): ``where`` (select) and ``lnot`` (logical not); a JAX backend
would be one more instance. Tables are indexed with flat integer indices
(``tables.cells[(room * height + y) * width + x]``), which works on a list with an int and on an
array with an int array alike. Python ints make the single env fast (no numpy call per operation);
arrays make the batch fast (no Python loop over envs).

Coordinates: ``x`` grows to the right, ``y`` grows downwards, rooms are ``height`` x ``width``.
``room`` in the state is a *global* room number: ``level_slot * rooms_per_level + room``, so a batch
can hold a different level per env. One extra room at the end of the tables is all wall: moving
off an edge with no neighbouring room looks into it, so edges need no special case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from rlx_envs.rules.minimontezuma import tiles

if TYPE_CHECKING:
    from rlx_envs.rules.minimontezuma.level import Level

# Actions, and what each asks for.
NOOP, LEFT, RIGHT, UP, DOWN, JUMP, JUMP_LEFT, JUMP_RIGHT = range(8)
ACTION_NAMES = ("NOOP", "LEFT", "RIGHT", "UP", "DOWN", "JUMP", "JUMP_LEFT", "JUMP_RIGHT")
NUM_ACTIONS = 8
ACTION_DX = (0, -1, 1, 0, 0, 0, -1, 1)
ACTION_UP = (0, 0, 0, 1, 0, 0, 0, 0)
ACTION_DOWN = (0, 0, 0, 0, 1, 0, 0, 0)
ACTION_JUMP = (0, 0, 0, 0, 0, 1, 1, 1)

#: Reward events, in the order of ``Tables.rewards``; default scores follow the Atari game.
EVENTS = ("key", "door", "jewel", "exit")
DEFAULT_REWARDS = {"key": 100.0, "door": 300.0, "jewel": 1000.0, "exit": 10000.0}

#: Skull slots per room: the length of ``State.skull_x`` and ``State.skull_dir``.
SKULLS_PER_ROOM = tiles.MAX_SKULLS_PER_ROOM
#: The short name the envs and the observer still read; the same number.
K = SKULLS_PER_ROOM
MASK32 = 0xFFFFFFFF

#: One value of the game: a Python int or bool (the single env, :data:`SCALAR`), or an array of
#: them with one entry per env (the batched env, :data:`ARRAY`). ``Any``, because the two share no
#: type a checker could name (and a JAX array will be a third).
Value: TypeAlias = Any
#: A rule table: a list (the single env) or an int64 array (the batched env, see
#: :meth:`Tables.to_arrays`), indexed by a :data:`Value`.
Table: TypeAlias = "Sequence[int] | np.ndarray"

#: State fields. ``skull_x``/``skull_dir`` are lists of one value per skull slot of the room.
FIELDS = (
    "slot",  # level slot (0 in the single env)
    "room", "x", "y",  # global room and position
    "lives", "jump", "jump_dir", "fall", "clock",
    "inventory",  # 4 bits of key count per colour
    "used",  # bit per object: key/jewel taken, door opened
    "visited",  # bit per (local) room
    "entry_room", "entry_x", "entry_y",  # where a lost life respawns
    "last_action", "skull_x", "skull_dir",
    "t", "key",  # step counter and random key (sticky actions)
)  # fmt: skip


class State:
    """The full game state: small integers (single env) or arrays of them (batched env).

    The fields are those of :data:`FIELDS`, in that order; each is a :data:`Value`.
    """

    __slots__ = FIELDS

    slot: Value
    room: Value
    x: Value
    y: Value
    lives: Value
    jump: Value
    jump_dir: Value
    fall: Value
    clock: Value
    inventory: Value
    used: Value
    visited: Value
    entry_room: Value
    entry_x: Value
    entry_y: Value
    last_action: Value
    skull_x: list[Value]
    skull_dir: list[Value]
    t: Value
    key: Value

    def __init__(self, **fields: Value) -> None:
        for name in FIELDS:
            setattr(self, name, fields[name])

    def __getstate__(self) -> dict[str, Value]:
        return {name: getattr(self, name) for name in FIELDS}

    def __setstate__(self, fields: dict[str, Value]) -> None:
        for name in FIELDS:
            setattr(self, name, fields[name])


def _shifted_bit(mask: Value, index: Value) -> Value:
    return (mask >> index) & 1


def _same(zero: Value) -> Value:
    return zero


@dataclass(frozen=True, slots=True)
class Backend:
    """The operations whose spelling differs between the value types the rules run on.

    :data:`SCALAR` works on Python ints and bools, :data:`ARRAY` on numpy arrays, and
    :data:`rlx_envs.rules.minimontezuma.jax_backend.JAX` on JAX arrays: three instances, one copy
    of the rules.

    The 62-bit masks of used objects and visited rooms are read and written only through
    :attr:`bit` and :attr:`with_bit`, so each backend keeps them in its own representation: a
    Python int (the single env), an int64 (numpy), two uint32 words (JAX in its default 32-bit
    mode). No mechanic does 64-bit arithmetic on a mask.
    """

    #: ``where(condition, if_true, if_false)``: ``if_true`` where ``condition`` holds, else
    #: ``if_false`` (element by element on arrays).
    where: Callable[[Value, Value, Value], Value]
    #: ``lnot(condition)``: logical not (element by element on arrays).
    lnot: Callable[[Value], Value]
    #: ``with_bit(mask, index, condition)``: the mask with bit ``index`` set where ``condition``.
    with_bit: Callable[[Value, Value, Value], Value]
    #: ``bit(mask, index)``: bit ``index`` (0..63) of a mask, as 0 or 1.
    bit: Callable[[Value, Value], Value] = _shifted_bit
    #: ``empty_mask(zero)``: a mask with no bit set, shaped like ``zero``.
    empty_mask: Callable[[Value], Value] = _same
    #: 2**32 - 1 as the generator's arithmetic needs it (a uint32 constant on JAX, whose
    #: Python ints must fit int32).
    mask32: Any = MASK32


def _scalar_where(condition: Value, if_true: Value, if_false: Value) -> Value:
    return if_true if condition else if_false


def _scalar_lnot(condition: Value) -> Value:
    return not condition


def _scalar_with_bit(mask: Value, index: Value, condition: Value) -> Value:
    return mask | (1 << index) if condition else mask


def _array_with_bit(mask: Value, index: Value, condition: Value) -> Value:
    return mask | np.where(condition, np.left_shift(1, index, dtype=np.int64), 0)


#: The backend of the single env: Python ints and bools.
SCALAR = Backend(where=_scalar_where, lnot=_scalar_lnot, with_bit=_scalar_with_bit)
#: The backend of the batched env: numpy arrays, one entry per env.
ARRAY = Backend(where=np.where, lnot=np.logical_not, with_bit=_array_with_bit)


class Tables:
    """Level tables in the shape the rules read, built from one or more levels of equal size.

    ``to_arrays()`` turns the lists into numpy arrays for the batched env.
    """

    width: int
    height: int
    rooms_per_level: int
    laser_period: int
    laser_on: int
    #: Cell values (tile kind and object id), flat: ``(room * height + y) * width + x``.
    cells: Table
    #: Each room's 3x3 neighbourhood of global rooms, flat: ``room * 9 + (dx + 1) + 3 * (dy + 1)``
    #: for a step of ``dx``, ``dy`` (each -1, 0 or 1) rooms; the wall room where there is none.
    neighbours: Table
    #: Each object's colour, 64 per level slot.
    object_colour: Table
    #: Each skull slot's row (-1: none), patrol bounds and start column, flat:
    #: ``room * SKULLS_PER_ROOM + skull``.
    skull_y: Table
    skull_lo: Table
    skull_hi: Table
    skull_x0: Table
    #: Each level slot's start (global room and position).
    start_room: Table
    start_x: Table
    start_y: Table
    #: What each action asks for (:data:`ACTION_DX` and the rest, as tables).
    action_dx: Table
    action_up: Table
    action_down: Table
    action_jump: Table
    #: The score of each event of :data:`EVENTS`, in that order.
    rewards: list[float]
    fall_damage_height: int
    timed_hazards: bool

    def __init__(
        self,
        levels: Sequence[Level],
        rewards: dict[str, float] | None = None,
        fall_damage_height: int = 3,
        timed_hazards: bool = True,
    ) -> None:
        rewards = rewards or {}
        first = levels[0]
        self.width, self.height = first.width, first.height
        self.rooms_per_level = first.num_rooms
        self.laser_period, self.laser_on = first.laser_period, first.laser_on
        room_shape = (self.width, self.height, first.num_rooms)
        for level in levels:
            if (level.width, level.height, level.num_rooms) != room_shape:
                raise ValueError("levels in one batch must share room size and room count")
            if (level.laser_period, level.laser_on) != (self.laser_period, self.laser_on):
                raise ValueError("levels in one batch must share laser timing")
        wall_room = len(levels) * self.rooms_per_level
        cells: list[int] = []
        neighbours: list[int] = []
        object_colour: list[int] = []
        skull_y: list[int] = []
        skull_lo: list[int] = []
        skull_hi: list[int] = []
        skull_x0: list[int] = []
        self.start_room, self.start_x, self.start_y = [], [], []
        for slot, level in enumerate(levels):
            first_room = slot * self.rooms_per_level  # global number of the level's room 0
            cells += level.cells
            for room in range(level.num_rooms):
                left, right, up, down = level.neighbours[room * 4 : room * 4 + 4]
                # 3x3 neighbourhood, indexed by (dx // width + 1) + 3 * (dy // height + 1).
                around = [-1, up, -1, left, room, right, -1, down, -1]
                neighbours += [
                    neighbour + first_room if neighbour >= 0 else wall_room for neighbour in around
                ]
            object_colour += list(level.object_colour) + [0] * (64 - len(level.object_colour))
            skull_y += level.skull_y
            skull_lo += level.skull_lo
            skull_hi += level.skull_hi
            skull_x0 += level.skull_x0
            self.start_room.append(first_room + level.start_room)
            self.start_x.append(level.start_x)
            self.start_y.append(level.start_y)
        cells += [tiles.WALL] * (self.width * self.height)
        neighbours += [wall_room] * 9
        skull_y += [-1] * SKULLS_PER_ROOM
        skull_lo += [0] * SKULLS_PER_ROOM
        skull_hi += [0] * SKULLS_PER_ROOM
        skull_x0 += [0] * SKULLS_PER_ROOM
        self.cells, self.neighbours, self.object_colour = cells, neighbours, object_colour
        self.skull_y, self.skull_lo, self.skull_hi = skull_y, skull_lo, skull_hi
        self.skull_x0 = skull_x0
        self.action_dx, self.action_up = list(ACTION_DX), list(ACTION_UP)
        self.action_down, self.action_jump = list(ACTION_DOWN), list(ACTION_JUMP)
        for event in rewards:
            if event not in DEFAULT_REWARDS:
                raise ValueError(f"unknown reward event {event!r}; valid events: {list(EVENTS)}")
        self.rewards = [float(rewards.get(event, DEFAULT_REWARDS[event])) for event in EVENTS]
        self.fall_damage_height = fall_damage_height
        #: Skulls and lasers kill only when True (the solvability checker turns them off).
        self.timed_hazards = timed_hazards

    def to_arrays(self) -> Tables:
        """A copy whose tables are int64 numpy arrays (for the batched backend)."""
        copy = object.__new__(Tables)
        copy.__dict__.update(self.__dict__)
        for name in _TABLE_NAMES:
            setattr(copy, name, np.asarray(getattr(self, name), dtype=np.int64))
        return copy


_TABLE_NAMES = (
    "cells", "neighbours", "object_colour", "skull_y", "skull_lo", "skull_hi", "skull_x0",
    "start_room", "start_x", "start_y", "action_dx", "action_up", "action_down", "action_jump",
)  # fmt: skip


def hash32(value: Value, mask32: Value = MASK32) -> Value:
    """A 32-bit integer mix (Wang/splitmix style); ``value`` must lie in [0, 2**32).

    ``mask32`` is 2**32 - 1 in the type of ``value`` (a backend's :attr:`Backend.mask32`).
    """
    value = ((value ^ (value >> 16)) * 0x45D9F3B) & mask32
    value = ((value ^ (value >> 16)) * 0x45D9F3B) & mask32
    return value ^ (value >> 16)


def uniform32(key: Value, counter: Value, mask32: Value = MASK32) -> Value:
    """The ``counter``-th 32-bit draw of the counter-based generator with ``key``."""
    return hash32((key ^ hash32(counter & mask32, mask32)) & mask32, mask32)


def next_key(key: Value, mask32: Value = MASK32) -> Value:
    """The generator key of the next episode after an unseeded reset."""
    return hash32((key + 0x6A09E667) & mask32, mask32)


def key_from_seed(seed: Value) -> Value:
    """The generator key of a ``reset(seed=seed)``."""
    return hash32((seed ^ (seed >> 32) ^ 0x9E3779B9) & MASK32)


def look(
    tables: Tables, room: Value, x: Value, y: Value, dx: Value, dy: Value
) -> tuple[Value, Value, Value, Value]:
    """Room, position and cell value one move away, crossing into neighbouring rooms."""
    width, height = tables.width, tables.height
    next_x, next_y = x + dx, y + dy
    room = tables.neighbours[room * 9 + 4 + next_x // width + 3 * (next_y // height)]
    next_x, next_y = next_x % width, next_y % height
    return room, next_x, next_y, tables.cells[(room * height + next_y) * width + next_x]


def is_solid(value: Value, used: Value, backend: Backend) -> Value:
    """Walls, and doors not yet opened."""
    kind = value & tiles.TILE_MASK
    return (kind == tiles.WALL) | (
        (kind == tiles.DOOR) & (backend.bit(used, value >> tiles.TILE_BITS) == 0)
    )


def support(
    tables: Tables, room: Value, x: Value, y: Value, used: Value, backend: Backend
) -> tuple[Value, Value, Value, Value, Value]:
    """(value here, on a ladder, on a rope, solid below, ladder below)."""
    here = tables.cells[(room * tables.height + y) * tables.width + x]
    below = look(tables, room, x, y, 0, 1)[3]
    kind = here & tiles.TILE_MASK
    return (here, kind == tiles.LADDER, kind == tiles.ROPE, is_solid(below, used, backend),
            (below & tiles.TILE_MASK) == tiles.LADDER)  # fmt: skip


def sticky(tables: Tables, state: State, action: Value, threshold: int, backend: Backend) -> Value:
    """The action the game executes: with probability ``threshold / 2**32`` the previous one."""
    repeat = uniform32(state.key, state.t, backend.mask32) < threshold
    return backend.where(repeat, state.last_action, action)


def step(
    tables: Tables, state: State, action: Value, backend: Backend
) -> tuple[Value, Value, Value]:
    """Advance ``state`` in place by one step of ``action`` (already sticky-resolved).

    Returns ``(reward, terminated, died)``.
    """
    where, lnot, bit, with_bit = backend.where, backend.lnot, backend.bit, backend.with_bit
    room_before, x_before, y_before = state.room, state.x, state.y
    used, inventory = state.used, state.inventory
    _, on_ladder, on_rope, below_solid, below_ladder = support(
        tables, room_before, x_before, y_before, used, backend
    )
    jumping = state.jump > 0
    free = lnot(jumping)
    dx = tables.action_dx[action]
    wants_up = tables.action_up[action] == 1
    wants_down = tables.action_down[action] == 1
    wants_jump = tables.action_jump[action] == 1

    # Landing from a fall is judged where the fall ends (below); here, decide what the agent does.
    # Walk on a floor or off a ladder (stepping off mid-ladder means a fall); jump only from a
    # floor, or sideways off a rope.
    on_floor = below_solid | (below_ladder & lnot(on_ladder))
    walk_ok = free & lnot(on_rope) & (on_floor | on_ladder)
    jump_start = free & wants_jump & ((on_floor & lnot(on_rope)) | (on_rope & (dx != 0)))
    climb_up = free & wants_up & (on_ladder | on_rope)
    climb_down = free & wants_down & (on_ladder | on_rope | below_ladder)
    walk = walk_ok & lnot(wants_jump) & (dx != 0)

    # Vertical move: jump take-off or climbing.
    dy = where(jump_start | climb_up, -1, where(climb_down, 1, 0))
    up_room, up_x, up_y, up_value = look(tables, room_before, x_before, y_before, 0, dy)
    up_kind = up_value & tiles.TILE_MASK
    onto_climbable = (up_kind == tiles.LADDER) | (up_kind == tiles.ROPE) | on_ladder
    moves = lnot(is_solid(up_value, used, backend)) & (lnot(climb_up) | onto_climbable)
    room = where(moves, up_room, room_before)
    x, y = where(moves, up_x, x_before), where(moves, up_y, y_before)
    # DOWN past the end of a rope lets go: the cell climbed into counts as the first cell fallen.
    let_go = climb_down & moves & (up_kind != tiles.LADDER) & (up_kind != tiles.ROPE)

    # Horizontal move: walking, jumping, or the second half of a jump. Doors open on touch.
    side_dx = where(jumping, state.jump_dir, where(jump_start | walk, dx, 0))
    side_room, side_x, side_y, side_value = look(tables, room, x, y, side_dx, 0)
    object_id = side_value >> tiles.TILE_BITS
    key_shift = 4 * tables.object_colour[state.slot * 64 + object_id]  # bit offset of its key count
    has_key = ((inventory >> key_shift) & 15) > 0
    is_door = (side_value & tiles.TILE_MASK) == tiles.DOOR
    opened = (side_dx != 0) & is_door & (bit(used, object_id) == 0) & has_key
    used = with_bit(used, object_id, opened)
    inventory = inventory - where(opened, 1 << key_shift, 0)
    moves = lnot(is_solid(side_value, used, backend)) & lnot(opened)
    room, x, y = where(moves, side_room, room), where(moves, side_x, x), where(moves, side_y, y)

    # Gravity: one cell per step when nothing holds the agent, except while taking off.
    _, on_ladder, on_rope_mid, below_solid, below_ladder = support(
        tables, room, x, y, used, backend
    )
    held = on_ladder | on_rope_mid | below_solid | below_ladder
    falls = lnot(held) & lnot(jump_start)
    below_room, below_x, below_y, _ = look(tables, room, x, y, 0, 1)
    room = where(falls, below_room, room)
    x, y = where(falls, below_x, x), where(falls, below_y, y)
    # The fall counter saturates one past the deadly height: enough to judge the landing.
    fall = state.fall + where(falls, 1, 0) + where(let_go, 1, 0)
    fall = where(fall > tables.fall_damage_height + 1, tables.fall_damage_height + 1, fall)
    here, on_ladder, on_rope, below_solid, below_ladder = support(tables, room, x, y, used, backend)
    landed = on_ladder | on_rope | below_solid | below_ladder
    fall_death = landed & (fall > tables.fall_damage_height)
    fall = where(landed, 0, fall)

    # Objects under the agent.
    kind = here & tiles.TILE_MASK
    object_id = here >> tiles.TILE_BITS
    fresh = bit(used, object_id) == 0
    got_key = (kind == tiles.KEY) & fresh
    got_jewel = (kind == tiles.JEWEL) & fresh
    used = with_bit(used, object_id, got_key | got_jewel)
    inventory = inventory + where(
        got_key, 1 << (4 * tables.object_colour[state.slot * 64 + object_id]), 0
    )
    reached_exit = kind == tiles.EXIT

    # Hazards: lava, lasers on their clock, and skulls (which restart when a room is entered).
    clock = (state.clock + 1) % tables.laser_period
    moved_room = room != room_before
    skull_x, skull_dir = list(state.skull_x), list(state.skull_dir)
    hit = (kind == tiles.LASER) & (clock < tables.laser_on)
    for skull in range(SKULLS_PER_ROOM):
        skull_slot = room_before * SKULLS_PER_ROOM + skull
        patrol_lo, patrol_hi = tables.skull_lo[skull_slot], tables.skull_hi[skull_slot]
        skull_y = tables.skull_y[skull_slot]
        skull_before, direction = skull_x[skull], skull_dir[skull]
        skull_after = skull_before + direction
        turn = (skull_after < patrol_lo) | (skull_after > patrol_hi)
        direction = where(turn, -direction, direction)
        skull_after = where(
            patrol_hi > patrol_lo, where(turn, skull_before + direction, skull_after), skull_before
        )
        same_row = (skull_y >= 0) & (y == skull_y) & lnot(moved_room)
        # Agent and skull swapped cells this step: they met in between.
        crossed = (x == skull_before) & (x_before == skull_after) & (y_before == skull_y)
        hit = hit | (same_row & ((x == skull_after) | crossed))
        skull_x[skull], skull_dir[skull] = skull_after, direction
    if not tables.timed_hazards:
        hit = hit & False
    died = hit | fall_death | (kind == tiles.LAVA)

    # Entering a room moves the respawn point there.
    entered = moved_room & lnot(died)
    entry_room = where(entered, room, state.entry_room)
    entry_x, entry_y = where(entered, x, state.entry_x), where(entered, y, state.entry_y)
    local_room = room - state.slot * tables.rooms_per_level
    visited = with_bit(state.visited, local_room, True)

    # A lost life respawns the agent where it entered the room, or ends the game.
    lives = state.lives - where(died, 1, 0)
    respawn = died & (lives > 0)
    room = where(respawn, entry_room, room)
    x, y = where(respawn, entry_x, x), where(respawn, entry_y, y)
    reset_skulls = moved_room | respawn
    for skull in range(SKULLS_PER_ROOM):
        skull_slot = room * SKULLS_PER_ROOM + skull
        skull_x[skull] = where(reset_skulls, tables.skull_x0[skull_slot], skull_x[skull])
        skull_dir[skull] = where(reset_skulls, 1, skull_dir[skull])

    state.room, state.x, state.y, state.lives, state.clock = room, x, y, lives, clock
    # Grabbing a rope ends a jump, and so does a lost life (the agent respawns standing).
    airborne = jump_start & lnot(on_rope_mid) & lnot(died)
    state.jump = where(airborne, 1, 0)
    state.jump_dir = where(airborne, dx, 0)
    state.fall = where(died, 0, fall)
    state.used, state.inventory, state.visited = used, inventory, visited
    state.entry_room, state.entry_x, state.entry_y = entry_room, entry_x, entry_y
    state.skull_x, state.skull_dir = skull_x, skull_dir
    state.last_action = action
    state.t = state.t + 1

    key_reward, door_reward, jewel_reward, exit_reward = tables.rewards  # the order of EVENTS
    reward = (
        where(got_key, key_reward, 0.0)
        + where(opened, door_reward, 0.0)
        + where(got_jewel, jewel_reward, 0.0)
        + where(reached_exit & lnot(died), exit_reward, 0.0)
    )
    terminated = (lives <= 0) | (reached_exit & lnot(died))
    return reward, terminated, died


def initial_state(
    tables: Tables, slot: Value, lives: int, key: Value, backend: Backend = SCALAR
) -> State:
    """The state at the start of an episode in level ``slot`` (an int, or an array of slots).

    ``backend`` makes the masks (the default's Python-int masks serve numpy arrays too).
    """
    zero = slot * 0
    no_bits = backend.empty_mask(zero)
    room, x, y = tables.start_room[slot], tables.start_x[slot], tables.start_y[slot]
    skulls = range(SKULLS_PER_ROOM)
    return State(
        slot=slot, room=room, x=x, y=y, lives=lives + zero,
        jump=zero, jump_dir=zero, fall=zero, clock=zero, inventory=zero, used=no_bits,
        visited=backend.with_bit(no_bits, room - slot * tables.rooms_per_level, True),
        entry_room=room, entry_x=x, entry_y=y,
        last_action=zero, skull_x=[tables.skull_x0[room * SKULLS_PER_ROOM + k] for k in skulls],
        skull_dir=[1 + zero for _ in skulls], t=zero, key=key + zero,
    )  # fmt: skip
