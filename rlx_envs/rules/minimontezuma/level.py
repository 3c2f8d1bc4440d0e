"""The MiniMontezuma level format: parse a text level into flat integer tables.

A level file holds a header, a map of rooms and the rooms (see ``docs/level-format.md``)::

    ; comment lines start with a semicolon
    title: The first room
    laser_period: 8
    laser_on: 4

    map:
    AB

    room A:
    ####################
    #@.................#
    ...

All rooms share one size. The compiled :class:`Level` is data only: flat Python lists that the
rules index with ``(room * height + y) * width + x``, so that one transition function serves
the single env (Python ints) and the batched env (numpy arrays).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rlx_envs.rules.assets import asset_dir
from rlx_envs.rules.minimontezuma import tiles as T

#: Directions of room neighbours, in the order of ``Level.neighbours``.
LEFT, RIGHT, UP, DOWN = range(4)
_ROOM_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_HEADER_KEYS = {"title": str, "laser_period": int, "laser_on": int}


class LevelError(ValueError):
    """A level file (or text) that cannot be parsed or compiled; the message names where."""


@dataclasses.dataclass(frozen=True)
class Level:
    """A compiled level: every table the rules and renderers read, as flat integer lists."""

    name: str
    title: str
    width: int
    height: int
    room_names: tuple[str, ...]
    #: Per cell: tile kind (low 4 bits) | object number << 4.
    cells: tuple[int, ...]
    #: Per room and direction (LEFT, RIGHT, UP, DOWN): the neighbouring room or -1.
    neighbours: tuple[int, ...]
    #: Per object number (index 0 = no object): colour index, and tile kind (KEY, DOOR, JEWEL).
    object_colour: tuple[int, ...]
    object_kind: tuple[int, ...]
    #: Per room and skull slot: patrol row (-1 = no skull), leftmost and rightmost x, start x.
    skull_y: tuple[int, ...]
    skull_lo: tuple[int, ...]
    skull_hi: tuple[int, ...]
    skull_x0: tuple[int, ...]
    start_room: int
    start_x: int
    start_y: int
    laser_period: int
    laser_on: int
    #: Room-map layout (rows of room names or '.'), kept for drawing the level overview.
    room_map: tuple[str, ...]

    @property
    def num_rooms(self) -> int:
        """Number of rooms."""
        return len(self.room_names)

    @property
    def num_objects(self) -> int:
        """Number of keys, doors and jewels."""
        return len(self.object_kind) - 1

    def cell(self, room: int, x: int, y: int) -> int:
        """The compiled cell value at a position."""
        return self.cells[(room * self.height + y) * self.width + x]


def levels_dir() -> Path:
    """Folder of the shipped level files (in the wheel, or top-level ``assets/`` in a checkout)."""
    return asset_dir("levels")


def shipped_levels() -> list[str]:
    """Names of the level files that ship with the package."""
    return sorted(p.stem for p in levels_dir().glob("*.txt"))


def load_level(name_or_path: str | Path) -> Level:
    """Load a shipped level by name (``"first_room"``) or a level file by path."""
    path = Path(name_or_path)
    if path.suffix != ".txt":
        path = levels_dir() / f"{name_or_path}.txt"
        if not path.is_file():
            raise LevelError(
                f"unknown level {str(name_or_path)!r}; shipped levels: {shipped_levels()} "
                "(or pass a path to a .txt level file)"
            )
    if not path.is_file():
        raise LevelError(f"level file not found: {path}")
    return parse_level(path.read_text(), source=path.name, name=path.stem)


def parse_level(text: str, source: str = "<string>", name: str = "custom") -> Level:
    """Parse level text; errors name ``source``, line and column."""
    header: dict[str, object] = {}
    map_rows: list[tuple[int, str]] = []
    rooms: dict[str, list[tuple[int, str]]] = {}
    room_line: dict[str, int] = {}
    section: list[tuple[int, str]] | None = None

    def fail(line: int, message: str, col: int | None = None) -> LevelError:
        where = f"{source}:{line}" + (f":{col}" if col is not None else "")
        return LevelError(f"{where}: {message}")

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith(";"):
            section = None if not line else section
            continue
        if line == "map:":
            section = map_rows
        elif line.startswith("room ") and line.endswith(":"):
            room = line[5:-1].strip()
            if len(room) != 1 or room not in _ROOM_NAME_CHARS:
                raise fail(lineno, f"room names are one letter or digit, got {room!r}")
            if room in rooms:
                raise fail(lineno, f"room {room!r} is defined twice")
            section = rooms[room] = []
            room_line[room] = lineno
        elif section is not None:
            section.append((lineno, line))
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            if key not in _HEADER_KEYS:
                raise fail(
                    lineno, f"unknown header key {key!r}; valid keys: {sorted(_HEADER_KEYS)}"
                )
            try:
                header[key] = _HEADER_KEYS[key](value.strip())
            except ValueError:
                raise fail(lineno, f"{key} must be an integer, got {value.strip()!r}") from None
        else:
            raise fail(lineno, "expected 'key: value', 'map:' or 'room X:'", 1)

    if not map_rows:
        raise LevelError(f"{source}: no 'map:' section")
    if not rooms:
        raise LevelError(f"{source}: no rooms ('room X:' sections)")

    # Room map: positions of rooms, and their neighbours.
    position: dict[str, tuple[int, int]] = {}
    for r, (lineno, row) in enumerate(map_rows):
        for c, ch in enumerate(row):
            if ch == ".":
                continue
            if ch not in rooms:
                raise fail(
                    lineno, f"map names room {ch!r}, which has no 'room {ch}:' section", c + 1
                )
            if ch in position:
                raise fail(lineno, f"room {ch!r} appears twice in the map", c + 1)
            position[ch] = (r, c)
    for room, lineno in room_line.items():
        if room not in position:
            raise fail(lineno, f"room {room!r} is not placed in the map")
    names = tuple(sorted(position, key=lambda n: position[n]))
    if len(names) > T.MAX_ROOMS:
        raise LevelError(f"{source}: {len(names)} rooms; at most {T.MAX_ROOMS} are supported")
    index = {n: i for i, n in enumerate(names)}
    at = {pos: n for n, pos in position.items()}
    neighbours: list[int] = []
    for n in names:
        r, c = position[n]
        for dr, dc in ((0, -1), (0, 1), (-1, 0), (1, 0)):
            other = at.get((r + dr, c + dc))
            neighbours.append(index[other] if other is not None else -1)

    # Room grids: all the same size.
    first = rooms[names[0]]
    height, width = len(first), len(first[0][1]) if first else 0
    if height < 3 or width < 3:
        raise fail(room_line[names[0]], f"rooms must be at least 3x3, got {width}x{height}")
    cells: list[int] = []
    object_colour, object_kind = [0], [0]
    skulls: list[tuple[int, int, int]] = []  # (room, x, y), laid out below
    starts: list[tuple[int, int, int]] = []
    key_count = [0] * len(T.COLOURS)
    door_at: list[tuple[int, int, int]] = []  # (lineno, col, colour)
    for n in names:
        rows = rooms[n]
        if len(rows) != height:
            raise fail(room_line[n], f"room {n!r} has {len(rows)} rows; every room needs {height}")
        for y, (lineno, row) in enumerate(rows):
            if len(row) != width:
                raise fail(lineno, f"ragged row: {len(row)} cells, every row needs {width}")
            for col, ch in enumerate(row):
                kind, obj = _glyph(ch, fail, lineno, col + 1)
                if obj:
                    if len(object_kind) > T.MAX_OBJECTS:
                        raise fail(lineno, f"more than {T.MAX_OBJECTS} keys/doors/jewels", col + 1)
                    colour = (T.KEY_GLYPHS + T.DOOR_GLYPHS).find(ch) % len(T.COLOURS)
                    object_colour.append(colour if kind in (T.KEY, T.DOOR) else 0)
                    object_kind.append(kind)
                    if kind == T.KEY:
                        key_count[colour] += 1
                    elif kind == T.DOOR:
                        door_at.append((lineno, col + 1, colour))
                    cells.append(kind | (len(object_kind) - 1) << T.TILE_BITS)
                    continue
                cells.append(kind)
                if ch == "S":
                    skulls.append((index[n], col, y))
                elif ch == "@":
                    starts.append((index[n], col, y))

    for colour, count in enumerate(key_count):
        if count > T.MAX_KEYS_PER_COLOUR:
            raise LevelError(f"{source}: {count} {T.COLOURS[colour]} keys; at most 15 per colour")
    for lineno, col, colour in door_at:
        if key_count[colour] == 0:
            raise fail(lineno, f"{T.COLOURS[colour]} door but no {T.COLOURS[colour]} key", col)
    if len(starts) != 1:
        raise LevelError(f"{source}: a level needs exactly one start '@', found {len(starts)}")
    if T.EXIT not in [c & T.TILE_MASK for c in cells]:
        raise LevelError(f"{source}: a level needs at least one exit 'E'")

    laser_period = int(header.get("laser_period", 8))
    laser_on = int(header.get("laser_on", laser_period // 2))
    if laser_period < 1 or laser_period > 255 or not 0 <= laser_on < laser_period:
        raise LevelError(
            f"{source}: need 1 <= laser_period <= 255 and 0 <= laser_on < laser_period "
            f"(a laser that is always on would wall off the level), got "
            f"laser_period={laser_period}, laser_on={laser_on}"
        )

    def solid(room: int, x: int, y: int) -> bool:
        if y >= height:
            return True
        kind = cells[(room * height + y) * width + x] & T.TILE_MASK
        return kind in (T.WALL, T.DOOR)

    def walkable(room: int, x: int, y: int) -> bool:
        kind = cells[(room * height + y) * width + x] & T.TILE_MASK
        return kind not in (T.WALL, T.DOOR, T.LAVA) and solid(room, x, y + 1)

    k_max = T.MAX_SKULLS_PER_ROOM
    skull_y = [-1] * (len(names) * k_max)
    skull_lo, skull_hi, skull_x0 = ([0] * (len(names) * k_max) for _ in range(3))
    for room, x, y in skulls:
        slot = next((room * k_max + k for k in range(k_max) if skull_y[room * k_max + k] < 0), None)
        lineno = room_line[names[room]] + 1 + y
        if slot is None:
            raise fail(lineno, f"more than {k_max} skulls in room {names[room]!r}", x + 1)
        if not solid(room, x, y + 1):
            raise fail(lineno, "a skull must stand on a wall or platform", x + 1)
        lo, hi = x, x
        while lo > 0 and walkable(room, lo - 1, y):
            lo -= 1
        while hi < width - 1 and walkable(room, hi + 1, y):
            hi += 1
        skull_y[slot], skull_lo[slot], skull_hi[slot], skull_x0[slot] = y, lo, hi, x

    ((start_room, start_x, start_y),) = starts
    return Level(
        name=name,
        title=str(header.get("title", name)),
        width=width,
        height=height,
        room_names=names,
        cells=tuple(cells),
        neighbours=tuple(neighbours),
        object_colour=tuple(object_colour),
        object_kind=tuple(object_kind),
        skull_y=tuple(skull_y),
        skull_lo=tuple(skull_lo),
        skull_hi=tuple(skull_hi),
        skull_x0=tuple(skull_x0),
        start_room=start_room,
        start_x=start_x,
        start_y=start_y,
        laser_period=laser_period,
        laser_on=laser_on,
        room_map=tuple(row for _, row in map_rows),
    )


def _glyph(ch: str, fail, lineno: int, col: int) -> tuple[int, bool]:
    """Tile kind of a glyph and whether it is an object (key, door, jewel)."""
    if ch in T.STATIC_GLYPHS:
        return T.STATIC_GLYPHS[ch], False
    if ch in T.KEY_GLYPHS:
        return T.KEY, True
    if ch in T.DOOR_GLYPHS:
        return T.DOOR, True
    if ch == "*":
        return T.JEWEL, True
    if ch in "S@":
        return T.EMPTY, False
    valid = " ".join(repr(g) for g in T.GLYPHS)
    raise fail(lineno, f"unknown glyph {ch!r}; valid glyphs: {valid}", col)
