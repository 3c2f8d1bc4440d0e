"""Procedural MiniMontezuma levels: six rooms, a route through all of them, obstacles, keys, doors.

A level is a function of its integer id alone (``generate(level_id)``), drawn from a numpy
generator seeded with the id. Every level has the same shape (a 3x2 map of 16x10 rooms), so
levels can share one batch. The route visits the rooms in a snake order, from the start to the
exit; doors on the route are opened by keys placed earlier on the route. Every generated level
is run through the solvability checker before it is handed out; a level that fails is redrawn
from the next sub-seed, so ``generate`` only ever returns solvable levels.
"""

from __future__ import annotations

import functools

import numpy as np

from rlx_envs.rules.minimontezuma.checker import solve
from rlx_envs.rules.minimontezuma.level import Level, parse_level

WIDTH, HEIGHT = 20, 10
MAP_COLS, MAP_ROWS = 3, 2
FLOOR = HEIGHT - 2  # the walkway row
_MAX_TRIES = 50


def level_id(key: int, start_level: int, num_levels: int) -> int:
    """The level id an episode key selects: ``start_level + key % num_levels`` (0 = unlimited)."""
    return start_level + (key % num_levels if num_levels > 0 else key)


@functools.lru_cache(maxsize=4096)
def generate(level_id: int) -> Level:
    """The solvable level with this id (cached)."""
    for attempt in range(_MAX_TRIES):
        rng = np.random.default_rng([level_id, attempt])
        level = parse_level(_layout(rng), source=f"procgen-{level_id}", name=f"procgen-{level_id}")
        if solve(level).solvable:
            return level
    raise RuntimeError(f"no solvable layout for procedural level {level_id}")  # pragma: no cover


def _route(rng: np.random.Generator) -> list[tuple[int, int]]:
    """A snake through all map cells, (row, col), rows-first or columns-first, maybe mirrored."""
    if rng.random() < 0.5:
        cells = [(r, c if r % 2 == 0 else MAP_COLS - 1 - c) for r in range(MAP_ROWS)
                 for c in range(MAP_COLS)]  # fmt: skip
    else:
        cells = [(r if c % 2 == 0 else MAP_ROWS - 1 - r, c) for c in range(MAP_COLS)
                 for r in range(MAP_ROWS)]  # fmt: skip
    if rng.random() < 0.5:
        cells = [(r, MAP_COLS - 1 - c) for r, c in cells]
    if rng.random() < 0.5:
        cells = [(MAP_ROWS - 1 - r, c) for r, c in cells]
    return cells


class _Room:
    """A room being drawn: a char grid plus the interior columns still free."""

    def __init__(self):
        self.g = [["#"] * WIDTH] + [["#"] + ["."] * (WIDTH - 2) + ["#"] for _ in range(HEIGHT - 2)]
        self.g.append(["#"] * WIDTH)
        self.free = set(range(2, WIDTH - 2))

    def take(self, rng, width: int) -> int | None:
        """Reserve ``width`` columns (plus a free margin each side); the first column or None."""
        starts = [x for x in range(2, WIDTH - 1 - width)
                  if all(c in self.free for c in range(x - 1, x + width + 1))]  # fmt: skip
        if not starts:
            return None
        x = int(rng.choice(starts))
        self.free -= set(range(x - 1, x + width + 1))
        return x

    def text(self) -> list[str]:
        return ["".join(row) for row in self.g]


def _layout(rng: np.random.Generator) -> str:
    route = _route(rng)
    rooms = {cell: _Room() for cell in route}
    colours = list(rng.permutation(4)[:2])
    names = "ABCDEF"
    name_of = {cell: names[i] for i, cell in enumerate(route)}

    keys: list[tuple[_Room, str]] = []
    # Links along the route: openings in side walls, or a ladder through floor and ceiling.
    for i, (a, b) in enumerate(zip(route, route[1:], strict=False)):
        ra, rb = rooms[a], rooms[b]
        if a[0] == b[0]:  # side by side
            left, right = (ra, rb) if a[1] < b[1] else (rb, ra)
            for y in (FLOOR - 1, FLOOR):
                left.g[y][WIDTH - 1] = "."
                right.g[y][0] = "."
            # A door on some links, in the room before it, at the side it leads through.
            if i in (1, 3) and rng.random() < 0.8:
                door_x = WIDTH - 2 if a[1] < b[1] else 1
                for y in range(1, FLOOR):
                    ra.g[y][door_x] = "#"
                ra.g[FLOOR][door_x] = "RGBY"[colours[i // 2]]
                ra.free -= {door_x - 1, door_x, door_x + 1}
                keys.append((rooms[route[int(rng.integers(0, i + 1))]], "rgby"[colours[i // 2]]))
        else:  # one above the other
            upper, lower = (ra, rb) if a[0] < b[0] else (rb, ra)
            x = int(rng.choice([c for c in range(2, WIDTH - 2)
                                if _col_free(upper, c) and _col_free(lower, c)]))  # fmt: skip
            upper.free -= {x - 1, x, x + 1}
            lower.free -= {x - 1, x, x + 1}
            upper.g[HEIGHT - 1][x] = "H"
            for y in range(0, FLOOR + 1):
                lower.g[y][x] = "H"

    start, goal = rooms[route[0]], rooms[route[-1]]
    sx = start.take(rng, 1)
    start.g[FLOOR][sx] = "@"
    gx = goal.take(rng, 1)
    goal.g[FLOOR][gx] = "E"
    for room, glyph in keys:
        _place_item(rng, room, glyph)
    for cell in route:
        room = rooms[cell]
        for _ in range(int(rng.integers(1, 3))):
            _place_obstacle(rng, room)
        if rng.random() < 0.5:
            _place_item(rng, room, "*")

    lines = ["title: Procedural level", "laser_period: 8", "laser_on: 4", "", "map:"]
    for r in range(MAP_ROWS):
        lines.append("".join(name_of[(r, c)] for c in range(MAP_COLS)))
    for cell in route:
        lines += ["", f"room {name_of[cell]}:", *rooms[cell].text()]
    return "\n".join(lines) + "\n"


def _col_free(room: _Room, x: int) -> bool:
    return all(c in room.free for c in (x - 1, x, x + 1))


def _place_item(rng, room: _Room, glyph: str) -> None:
    """An item on a raised platform with a ladder, or on the walkway if there is no space."""
    x = room.take(rng, 4)
    if x is None:
        x = room.take(rng, 1)
        if x is None:  # no space at all: put it on any free walkway cell
            x = next(c for c in range(1, WIDTH - 1) if room.g[FLOOR][c] == ".")
        room.g[FLOOR][x] = glyph
        return
    top = FLOOR - 3
    for c in range(x, x + 4):
        room.g[top][c] = "#"
    for y in range(top, FLOOR + 1):
        room.g[y][x] = "H"
    room.g[top - 1][x + 2] = glyph


def _place_obstacle(rng, room: _Room) -> None:
    """One of: a skull, a lava cell to jump, a laser gate, a lava pit under a rope."""
    kind = int(rng.integers(4))
    width = (1, 1, 1, 4)[kind]
    x = room.take(rng, width)
    if x is None:
        return
    if kind == 0:
        room.g[FLOOR][x] = "S"
    elif kind == 1:
        room.g[FLOOR][x] = "^"
    elif kind == 2:
        room.g[FLOOR][x] = room.g[FLOOR - 1][x] = "!"
    else:
        room.g[FLOOR][x + 1] = room.g[FLOOR][x + 2] = "^"
        for y in range(FLOOR - 4, FLOOR):
            room.g[y][x + 1] = "|"
