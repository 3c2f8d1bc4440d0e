"""The rules of MiniMontezuma: one transition function for the single and the batched env.

Every mechanic is written once, as integer arithmetic over a :class:`State` whose fields are either
Python ints (the single env) or numpy arrays with one entry per env (the batched env). The few
operations that differ between the two live in a *backend* (:data:`SCALAR` or :data:`ARRAY`):
``where`` (select) and ``lnot`` (logical not). Tables are indexed with flat integer indices
(``tables.cells[(room * height + y) * width + x]``), which works on a list with an int and on an
array with an int array alike. Python ints make the single env fast (no numpy call per operation);
arrays make the batch fast (no Python loop over envs).

Coordinates: ``x`` grows to the right, ``y`` grows downwards, rooms are ``height`` x ``width``.
``room`` in the state is a *global* room number: ``level_slot * rooms_per_level + room``, so a batch
can hold a different level per env. One extra room at the end of the tables is all wall: moving
off an edge with no neighbouring room looks into it, so edges need no special case.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import tiles as T

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

K = T.MAX_SKULLS_PER_ROOM
MASK32 = 0xFFFFFFFF

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
    """The full game state: small integers (single env) or arrays of them (batched env)."""

    __slots__ = FIELDS

    def __init__(self, **fields):
        for name in FIELDS:
            setattr(self, name, fields[name])

    def __getstate__(self):
        return {name: getattr(self, name) for name in FIELDS}

    def __setstate__(self, state):
        for name in FIELDS:
            setattr(self, name, state[name])


class _Scalar:
    """Backend for Python ints and bools."""

    @staticmethod
    def where(cond, a, b):
        return a if cond else b

    @staticmethod
    def lnot(cond):
        return not cond


class _Array:
    """Backend for numpy arrays (one entry per env)."""

    where = staticmethod(np.where)
    lnot = staticmethod(np.logical_not)


SCALAR = _Scalar()
ARRAY = _Array()


class Tables:
    """Level tables in the shape the rules read, built from one or more levels of equal size.

    ``to_arrays()`` turns the lists into numpy arrays for the batched env.
    """

    def __init__(
        self,
        levels,
        rewards: dict[str, float] | None = None,
        fall_damage_height: int = 3,
        timed_hazards: bool = True,
    ):
        rewards = rewards or {}
        first = levels[0]
        self.width, self.height = first.width, first.height
        self.rooms_per_level = first.num_rooms
        self.laser_period, self.laser_on = first.laser_period, first.laser_on
        for lv in levels:
            if (lv.width, lv.height, lv.num_rooms) != (self.width, self.height, first.num_rooms):
                raise ValueError("levels in one batch must share room size and room count")
            if (lv.laser_period, lv.laser_on) != (self.laser_period, self.laser_on):
                raise ValueError("levels in one batch must share laser timing")
        wall_room = len(levels) * self.rooms_per_level
        cells, neighbours, colour = [], [], []
        skull_y, skull_lo, skull_hi, skull_x0 = [], [], [], []
        self.start_room, self.start_x, self.start_y = [], [], []
        for slot, lv in enumerate(levels):
            base = slot * self.rooms_per_level
            cells += lv.cells
            for room in range(lv.num_rooms):
                left, right, up, down = lv.neighbours[room * 4 : room * 4 + 4]
                # 3x3 neighbourhood, indexed by (dx // width + 1) + 3 * (dy // height + 1).
                nine = [-1, up, -1, left, room, right, -1, down, -1]
                neighbours += [n + base if n >= 0 else wall_room for n in nine]
            colour += list(lv.object_colour) + [0] * (64 - len(lv.object_colour))
            skull_y += lv.skull_y
            skull_lo += lv.skull_lo
            skull_hi += lv.skull_hi
            skull_x0 += lv.skull_x0
            self.start_room.append(base + lv.start_room)
            self.start_x.append(lv.start_x)
            self.start_y.append(lv.start_y)
        cells += [T.WALL] * (self.width * self.height)
        neighbours += [wall_room] * 9
        skull_y += [-1] * K
        skull_lo += [0] * K
        skull_hi += [0] * K
        skull_x0 += [0] * K
        self.cells, self.neighbours, self.object_colour = cells, neighbours, colour
        self.skull_y, self.skull_lo, self.skull_hi = skull_y, skull_lo, skull_hi
        self.skull_x0 = skull_x0
        self.action_dx, self.action_up = list(ACTION_DX), list(ACTION_UP)
        self.action_down, self.action_jump = list(ACTION_DOWN), list(ACTION_JUMP)
        for event in rewards:
            if event not in DEFAULT_REWARDS:
                raise ValueError(f"unknown reward event {event!r}; valid events: {list(EVENTS)}")
        self.rewards = [float(rewards.get(e, DEFAULT_REWARDS[e])) for e in EVENTS]
        self.fall_damage_height = fall_damage_height
        #: Skulls and lasers kill only when True (the solvability checker turns them off).
        self.timed_hazards = timed_hazards

    def to_arrays(self) -> Tables:
        """A copy whose tables are int64 numpy arrays (for the batched backend)."""
        out = object.__new__(Tables)
        out.__dict__.update(self.__dict__)
        for name in _TABLE_NAMES:
            setattr(out, name, np.asarray(getattr(self, name), dtype=np.int64))
        return out


_TABLE_NAMES = (
    "cells", "neighbours", "object_colour", "skull_y", "skull_lo", "skull_hi", "skull_x0",
    "start_room", "start_x", "start_y", "action_dx", "action_up", "action_down", "action_jump",
)  # fmt: skip


def hash32(x):
    """A 32-bit integer mix (Wang/splitmix style); ``x`` must lie in [0, 2**32)."""
    x = ((x ^ (x >> 16)) * 0x45D9F3B) & MASK32
    x = ((x ^ (x >> 16)) * 0x45D9F3B) & MASK32
    return x ^ (x >> 16)


def uniform32(key, t):
    """The ``t``-th 32-bit draw of the counter-based generator with ``key``."""
    return hash32((key ^ hash32(t & MASK32)) & MASK32)


def next_key(key):
    """The generator key of the next episode after an unseeded reset."""
    return hash32((key + 0x6A09E667) & MASK32)


def key_from_seed(seed: int) -> int:
    """The generator key of a ``reset(seed=seed)``."""
    return hash32((seed ^ (seed >> 32) ^ 0x9E3779B9) & MASK32)


def look(tb, room, x, y, dx, dy):
    """Room, position and cell value one move away, crossing into neighbouring rooms."""
    w, h = tb.width, tb.height
    nx, ny = x + dx, y + dy
    room = tb.neighbours[room * 9 + 4 + nx // w + 3 * (ny // h)]
    nx, ny = nx % w, ny % h
    return room, nx, ny, tb.cells[(room * h + ny) * w + nx]


def is_solid(value, used):
    """Walls, and doors not yet opened."""
    kind = value & T.TILE_MASK
    return (kind == T.WALL) | ((kind == T.DOOR) & (((used >> (value >> T.TILE_BITS)) & 1) == 0))


def support(tb, room, x, y, used):
    """(value here, on a ladder, on a rope, solid below, ladder below)."""
    here = tb.cells[(room * tb.height + y) * tb.width + x]
    below = look(tb, room, x, y, 0, 1)[3]
    kind = here & T.TILE_MASK
    return (here, kind == T.LADDER, kind == T.ROPE, is_solid(below, used),
            (below & T.TILE_MASK) == T.LADDER)  # fmt: skip


def sticky(tb, s, action, threshold, X):
    """The action the game executes: with probability ``threshold / 2**32`` the previous one."""
    repeat = uniform32(s.key, s.t) < threshold
    return X.where(repeat, s.last_action, action)


def step(tb, s: State, action, X):
    """Advance ``s`` in place by one step of ``action`` (already sticky-resolved).

    Returns ``(reward, terminated, died)``.
    """
    where, lnot = X.where, X.lnot
    room0, x0, y0, used, inventory = s.room, s.x, s.y, s.used, s.inventory
    _, on_ladder, on_rope, below_solid, below_ladder = support(tb, room0, x0, y0, used)
    jumping = s.jump > 0
    free = lnot(jumping)
    dx = tb.action_dx[action]
    wants_up = tb.action_up[action] == 1
    wants_down = tb.action_down[action] == 1
    wants_jump = tb.action_jump[action] == 1

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
    r1, x1, y1, v1 = look(tb, room0, x0, y0, 0, dy)
    kind1 = v1 & T.TILE_MASK
    onto_climbable = (kind1 == T.LADDER) | (kind1 == T.ROPE) | on_ladder
    ok = lnot(is_solid(v1, used)) & (lnot(climb_up) | onto_climbable)
    room, x, y = where(ok, r1, room0), where(ok, x1, x0), where(ok, y1, y0)
    # DOWN past the end of a rope lets go: the cell climbed into counts as the first cell fallen.
    let_go = climb_down & ok & (kind1 != T.LADDER) & (kind1 != T.ROPE)

    # Horizontal move: walking, jumping, or the second half of a jump. Doors open on touch.
    hx = where(jumping, s.jump_dir, where(jump_start | walk, dx, 0))
    r2, x2, y2, v2 = look(tb, room, x, y, hx, 0)
    oid = v2 >> T.TILE_BITS
    shift = 4 * tb.object_colour[s.slot * 64 + oid]
    has_key = ((inventory >> shift) & 15) > 0
    door = (hx != 0) & ((v2 & T.TILE_MASK) == T.DOOR) & (((used >> oid) & 1) == 0)
    opened = door & has_key
    used = used | where(opened, 1 << oid, 0)
    inventory = inventory - where(opened, 1 << shift, 0)
    ok = lnot(is_solid(v2, used)) & lnot(opened)
    room, x, y = where(ok, r2, room), where(ok, x2, x), where(ok, y2, y)

    # Gravity: one cell per step when nothing holds the agent, except while taking off.
    _, on_ladder, on_rope_mid, below_solid, below_ladder = support(tb, room, x, y, used)
    held = on_ladder | on_rope_mid | below_solid | below_ladder
    falls = lnot(held) & lnot(jump_start)
    r3, x3, y3, _ = look(tb, room, x, y, 0, 1)
    room, x, y = where(falls, r3, room), where(falls, x3, x), where(falls, y3, y)
    # The fall counter saturates one past the deadly height: enough to judge the landing.
    fall = s.fall + where(falls, 1, 0) + where(let_go, 1, 0)
    fall = where(fall > tb.fall_damage_height + 1, tb.fall_damage_height + 1, fall)
    here, on_ladder, on_rope, below_solid, below_ladder = support(tb, room, x, y, used)
    landed = on_ladder | on_rope | below_solid | below_ladder
    fall_death = landed & (fall > tb.fall_damage_height)
    fall = where(landed, 0, fall)

    # Objects under the agent.
    kind = here & T.TILE_MASK
    oid = here >> T.TILE_BITS
    fresh = ((used >> oid) & 1) == 0
    got_key = (kind == T.KEY) & fresh
    got_jewel = (kind == T.JEWEL) & fresh
    used = used | where(got_key | got_jewel, 1 << oid, 0)
    inventory = inventory + where(got_key, 1 << (4 * tb.object_colour[s.slot * 64 + oid]), 0)
    reached_exit = kind == T.EXIT

    # Hazards: lava, lasers on their clock, and skulls (which restart when a room is entered).
    clock = (s.clock + 1) % tb.laser_period
    moved_room = room != room0
    skull_x, skull_dir = list(s.skull_x), list(s.skull_dir)
    hit = (kind == T.LASER) & (clock < tb.laser_on)
    for k in range(K):
        slot = room0 * K + k
        lo, hi, sy = tb.skull_lo[slot], tb.skull_hi[slot], tb.skull_y[slot]
        sx, sd = skull_x[k], skull_dir[k]
        nx = sx + sd
        turn = (nx < lo) | (nx > hi)
        sd = where(turn, -sd, sd)
        nx = where(hi > lo, where(turn, sx + sd, nx), sx)
        same_row = (sy >= 0) & (y == sy) & lnot(moved_room)
        crossed = (x == sx) & (x0 == nx) & (y0 == sy)
        hit = hit | (same_row & ((x == nx) | crossed))
        skull_x[k], skull_dir[k] = nx, sd
    if not tb.timed_hazards:
        hit = hit & False
    died = hit | fall_death | (kind == T.LAVA)

    # Entering a room moves the respawn point there.
    entered = moved_room & lnot(died)
    entry_room = where(entered, room, s.entry_room)
    entry_x, entry_y = where(entered, x, s.entry_x), where(entered, y, s.entry_y)
    local = room - s.slot * tb.rooms_per_level
    visited = s.visited | (1 << local)

    # A lost life respawns the agent where it entered the room, or ends the game.
    lives = s.lives - where(died, 1, 0)
    respawn = died & (lives > 0)
    room = where(respawn, entry_room, room)
    x, y = where(respawn, entry_x, x), where(respawn, entry_y, y)
    reset_skulls = moved_room | respawn
    for k in range(K):
        slot = room * K + k
        skull_x[k] = where(reset_skulls, tb.skull_x0[slot], skull_x[k])
        skull_dir[k] = where(reset_skulls, 1, skull_dir[k])

    s.room, s.x, s.y, s.lives, s.clock = room, x, y, lives, clock
    # Grabbing a rope ends a jump, and so does a lost life (the agent respawns standing).
    airborne = jump_start & lnot(on_rope_mid) & lnot(died)
    s.jump = where(airborne, 1, 0)
    s.jump_dir = where(airborne, dx, 0)
    s.fall = where(died, 0, fall)
    s.used, s.inventory, s.visited = used, inventory, visited
    s.entry_room, s.entry_x, s.entry_y = entry_room, entry_x, entry_y
    s.skull_x, s.skull_dir = skull_x, skull_dir
    s.last_action = action
    s.t = s.t + 1

    r = tb.rewards
    reward = (
        where(got_key, r[0], 0.0)
        + where(opened, r[1], 0.0)
        + where(got_jewel, r[2], 0.0)
        + where(reached_exit & lnot(died), r[3], 0.0)
    )
    terminated = (lives <= 0) | (reached_exit & lnot(died))
    return reward, terminated, died


def initial_state(tb, slot, lives, key) -> State:
    """The state at the start of an episode in level ``slot`` (an int, or an array of slots)."""
    zero = slot * 0
    room, x, y = tb.start_room[slot], tb.start_x[slot], tb.start_y[slot]
    return State(
        slot=slot, room=room, x=x, y=y, lives=lives + zero,
        jump=zero, jump_dir=zero, fall=zero, clock=zero, inventory=zero, used=zero,
        visited=1 << (room - slot * tb.rooms_per_level), entry_room=room, entry_x=x, entry_y=y,
        last_action=zero, skull_x=[tb.skull_x0[room * K + k] for k in range(K)],
        skull_dir=[1 + zero for _ in range(K)], t=zero, key=key + zero,
    )  # fmt: skip
