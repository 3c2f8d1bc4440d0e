"""Arena geometry as data: the walls, goal and path of every navigation arena.

An :class:`Arena` is a list of axis-aligned box walls standing on the floor, in metres, with the
robot's start at the world origin. :func:`enclosure` walls in a rectangle (the rooms and the
corridors); :func:`maze` builds a maze from a text layout (``#`` wall, ``.`` free, ``S`` start,
``G`` goal), merges its wall cells into few boxes and gives it a :class:`MazePath`: the arc length
along the maze's centre line, which the U-maze pays progress on.

:func:`build_model` adds an arena to a MuJoCo model file (ours or Gymnasium's ``ant.xml``) at
construction: the walls become geoms of the world body, with an ``overview`` camera looking
straight down on the whole arena.

>>> POINT_UMAZE.path.length  # 5 straight cells of 2 m and two quarter turns of radius 1 m
13.14159...
>>> POINT_UMAZE.path.coordinate(0.0, 0.0), POINT_UMAZE.goal
(1.0, (0.0, 4.0))
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Callable
from pathlib import Path

import mujoco

from rlx_envs.rules.assets import asset_dir

#: Colour of every wall geom (RGBA), and of the goal marker.
WALL_RGBA = (0.45, 0.42, 0.55, 1.0)
GOAL_RGBA = (0.2, 0.75, 0.3, 0.6)
#: The overview camera's height above the walls (m), and its view's size over the arena's.
OVERVIEW_HEIGHT = 10.0
OVERVIEW_MARGIN = 1.04
#: Floor drawn at least this far (m) beyond the arena's walls.
FLOOR_MARGIN = 2.0


def mjcf_dir() -> Path:
    """Folder of the shipped MJCF files (in the wheel, or top-level ``assets/`` in a checkout)."""
    return asset_dir("mjcf")


@dataclasses.dataclass(frozen=True)
class Wall:
    """A box wall standing on the floor: centre and half-extents in the plane, in metres."""

    name: str
    center: tuple[float, float]
    half_size: tuple[float, float]


class MazePath:
    """Arc length along a maze's centre line, a continuous function of the position.

    ``cells`` are the ``(x, y)`` centres of the path's cells, start to goal, each a neighbour of
    the next. A cell the path goes straight through contributes ``cell_size`` (progress measured
    along its axis); a cell where it turns contributes a quarter circle of radius
    ``cell_size / 2`` about the inner corner (progress measured by the angle about that corner),
    so that going around a bend earns as much as its arc. The coordinate runs from 0 at the start
    cell's back side to :attr:`length` at the goal cell's far side.

    The centres lie on the grid of multiples of ``cell_size`` (:func:`maze` puts the start cell's
    centre at the origin), which is how :meth:`coordinate` finds a position's cell.
    """

    def __init__(self, cells: list[tuple[float, float]], cell_size: float):
        if len(cells) < 2:
            raise ValueError("a maze path needs at least two cells")
        self.cell_size = c = float(cell_size)
        self.cells = tuple((float(x), float(y)) for x, y in cells)
        for (x0, y0), (x1, y1) in zip(self.cells, self.cells[1:], strict=False):
            on_grid = all(abs(v / c - round(v / c)) < 1e-9 for v in (x0, y0, x1, y1))
            if not on_grid or abs(abs(x1 - x0) + abs(y1 - y0) - c) > 1e-9 * c:
                raise ValueError(
                    f"maze path cells must be neighbours on the {c:g} m grid: "
                    f"({x0:g}, {y0:g}) -> ({x1:g}, {y1:g})"
                )
        moves = [_unit(b[0] - a[0], b[1] - a[1]) for a, b in zip(cells, cells[1:], strict=False)]
        moves = [moves[0], *moves, moves[-1]]  # the start and goal cells are straight
        #: (cell key) -> (s at entry, is_turn, anchor x, anchor y, in dx, in dy, out dx, out dy)
        self._pieces: dict[tuple[int, int], tuple] = {}
        s = 0.0
        for (x, y), (ix, iy), (ox, oy) in zip(cells, moves, moves[1:], strict=False):
            if (ix, iy) == (ox, oy):  # straight: anchor = middle of the entry side
                anchor, length, turn = (x - ix * c / 2, y - iy * c / 2), c, False
            else:  # turn: anchor = the corner shared by the entry and exit sides
                anchor = (x - ix * c / 2 + ox * c / 2, y - iy * c / 2 + oy * c / 2)
                length, turn = math.pi * c / 4, True
            self._pieces[self._key(x, y)] = (s, turn, *anchor, ix, iy, ox, oy)
            s += length
        #: Total arc length (m).
        self.length = s

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MazePath):
            return NotImplemented
        return (self.cells, self.cell_size) == (other.cells, other.cell_size)

    def __hash__(self) -> int:
        return hash((self.cells, self.cell_size))

    def __repr__(self) -> str:
        return f"MazePath({len(self.cells)} cells of {self.cell_size:g} m, {self.length:.3f} m)"

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return (math.floor(x / self.cell_size + 0.5), math.floor(y / self.cell_size + 0.5))

    def coordinate(self, x: float, y: float) -> float:
        """Arc length of the point ``(x, y)`` along the path (m), clamped to its cell."""
        piece = self._pieces.get(self._key(x, y))
        if piece is None:  # a hair inside a wall: use the nearest path cell
            cx, cy = min(self.cells, key=lambda p: max(abs(p[0] - x), abs(p[1] - y)))
            piece = self._pieces[self._key(cx, cy)]
        s, turn, ax, ay, ix, iy, ox, oy = piece
        c = self.cell_size
        vx, vy = x - ax, y - ay
        if not turn:
            return s + min(max(vx * ix + vy * iy, 0.0), c)
        # Angle about the inner corner, from the entry side (0) to the exit side (pi / 2).
        angle = math.atan2(max(vx * ix + vy * iy, 0.0), max(-(vx * ox + vy * oy), 0.0))
        return s + c / 2 * angle


@dataclasses.dataclass(frozen=True)
class Arena:
    """Walls around the origin (where the robot starts), and a goal and path for mazes."""

    name: str
    walls: tuple[Wall, ...]
    #: Height of every wall (m).
    wall_height: float
    #: Centre of the goal disc, and its radius (m); ``None`` for arenas without a goal.
    goal: tuple[float, float] | None = None
    goal_radius: float = 0.0
    path: MazePath | None = None
    #: The default render camera: ``overview`` (fixed, whole arena) or one of the robot's.
    camera: str = "overview"

    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the walls' outer faces."""
        xs = [w.center[0] + s * w.half_size[0] for w in self.walls for s in (-1, 1)]
        ys = [w.center[1] + s * w.half_size[1] for w in self.walls for s in (-1, 1)]
        return min(xs), min(ys), max(xs), max(ys)


def _unit(dx: float, dy: float) -> tuple[int, int]:
    """The axis direction of a move between neighbouring cells, as integer components."""
    return (dx > 0) - (dx < 0), (dy > 0) - (dy < 0)


def enclosure(
    xmin: float, ymin: float, xmax: float, ymax: float, thickness: float
) -> tuple[Wall, ...]:
    """Four walls around the free rectangle ``[xmin, xmax] x [ymin, ymax]``."""
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    hx, hy, t = (xmax - xmin) / 2, (ymax - ymin) / 2, thickness
    return (
        Wall("north", (cx, ymax + t / 2), (hx + t, t / 2)),
        Wall("south", (cx, ymin - t / 2), (hx + t, t / 2)),
        Wall("east", (xmax + t / 2, cy), (t / 2, hy)),
        Wall("west", (xmin - t / 2, cy), (t / 2, hy)),
    )


def maze(name: str, layout: str, cell_size: float, wall_height: float, goal_radius: float) -> Arena:
    """An arena from a text layout: ``#`` wall, ``.`` free, ``S`` start, ``G`` goal.

    The start cell's centre is the origin, rows run from north (first line) to south. Wall cells
    are merged into boxes (runs along each row, then equal runs down the rows); the path is the
    shortest route of free cells from ``S`` to ``G``.
    """
    rows = [line.strip() for line in layout.strip().splitlines()]
    if len({len(r) for r in rows}) != 1:
        raise ValueError(f"maze {name!r}: rows of unequal length")
    unknown = set("".join(rows)) - set("#.SG")
    if unknown:
        raise ValueError(f"maze {name!r}: unknown characters {sorted(unknown)}; use # . S G")
    find = {
        ch: [(i, j) for i, r in enumerate(rows) for j, v in enumerate(r) if v == ch] for ch in "SG"
    }
    if len(find["S"]) != 1 or len(find["G"]) != 1:
        raise ValueError(f"maze {name!r}: needs exactly one S and one G")
    (si, sj), c = find["S"][0], float(cell_size)

    def centre(i: int, j: int) -> tuple[float, float]:
        return ((j - sj) * c, (si - i) * c)

    # Wall boxes: runs of '#' along each row, merged with the identical runs of the next rows.
    runs: dict[tuple[int, int], list[int]] = {}  # (j0, j1) -> rows, in order
    for i, r in enumerate(rows):
        j = 0
        while j < len(r):
            if r[j] != "#":
                j += 1
                continue
            j0 = j
            while j < len(r) and r[j] == "#":
                j += 1
            runs.setdefault((j0, j - 1), []).append(i)
    boxes = []
    for (j0, j1), row_list in runs.items():
        start = prev = row_list[0]
        for i in [*row_list[1:], None]:
            if i is not None and i == prev + 1:
                prev = i
                continue
            boxes.append((start, prev, j0, j1))
            if i is not None:
                start = prev = i
    walls = []
    for k, (i0, i1, j0, j1) in enumerate(sorted(boxes)):
        (x0, y0), (x1, y1) = centre(i0, j0), centre(i1, j1)
        half = ((j1 - j0 + 1) * c / 2, (i1 - i0 + 1) * c / 2)
        walls.append(Wall(f"maze{k}", ((x0 + x1) / 2, (y0 + y1) / 2), half))

    # Path: breadth-first search over free cells from S to G.
    goal = find["G"][0]
    parent: dict[tuple[int, int], tuple[int, int] | None] = {(si, sj): None}
    queue = deque([(si, sj)])
    while queue:
        i, j = queue.popleft()
        for ni, nj in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
            inside = 0 <= ni < len(rows) and 0 <= nj < len(rows[0])
            if inside and rows[ni][nj] != "#" and (ni, nj) not in parent:
                parent[(ni, nj)] = (i, j)
                queue.append((ni, nj))
    if goal not in parent:
        raise ValueError(f"maze {name!r}: no path from S to G")
    route, cell = [], goal
    while cell is not None:
        route.append(centre(*cell))
        cell = parent[cell]
    route.reverse()
    return Arena(name, tuple(walls), wall_height, route[-1], goal_radius, MazePath(route, c))


#: The classic 5 x 5 U-maze of the ant-maze benchmarks: start at the bottom-left, go east, north
#: around the inner wall, and west to the goal at the top-left.
U_MAZE_LAYOUT = """
#####
#G..#
###.#
#S..#
#####
"""

#: Point mass (sphere of radius 0.25 m): an open 10 m x 10 m room.
POINT_ROOM = Arena("point_room", enclosure(-5.0, -5.0, 5.0, 5.0, thickness=0.5), wall_height=0.5)
#: Point mass: a 56 m x 1.5 m corridor along +x, starting 2 m from its west end.
POINT_CORRIDOR = Arena(
    "point_corridor",
    enclosure(-2.0, -0.75, 54.0, 0.75, thickness=0.5),
    wall_height=0.5,
    camera="track",  # the whole corridor is a thin strip from above
)
#: Point mass: the U-maze with 2 m cells (corridors 2 m wide); goal disc of radius 0.5 m.
POINT_UMAZE = maze("point_umaze", U_MAZE_LAYOUT, cell_size=2.0, wall_height=0.5, goal_radius=0.5)
#: Ant: an open 20 m x 20 m room. (``follow``: the ant env's camera behind and above the ant.)
ANT_ROOM = Arena(
    "ant_room",
    enclosure(-10.0, -10.0, 10.0, 10.0, thickness=1.0),
    wall_height=1.0,
    camera="follow",
)
#: Ant: a 100 m x 3 m corridor along +x, starting 4 m from its west end.
ANT_CORRIDOR = Arena(
    "ant_corridor",
    enclosure(-4.0, -1.5, 96.0, 1.5, thickness=1.0),
    wall_height=1.0,
    camera="follow",
)

#: The arenas by the names that ``arena=`` takes, per robot.
POINT_ARENAS = {"room": POINT_ROOM, "corridor": POINT_CORRIDOR, "umaze": POINT_UMAZE}
ANT_ARENAS = {"room": ANT_ROOM, "corridor": ANT_CORRIDOR}


def resolve(arena: str | Arena, table: dict[str, Arena]) -> Arena:
    """An :class:`Arena` as is, or the named one of ``table``; the error lists the names."""
    if isinstance(arena, Arena):
        return arena
    if arena not in table:
        raise ValueError(f"unknown arena {arena!r}; valid arenas: {sorted(table)}")
    return table[arena]


def build_model(
    xml_path: str | Path,
    arena: Arena,
    width: int,
    height: int,
    edit: Callable[[mujoco.MjSpec], None] | None = None,
) -> mujoco.MjModel:
    """Compile ``xml_path`` with ``arena`` added.

    Added: wall geoms ``wall_<name>`` (boxes of the world body, colliding with everything), a
    ``goal`` site (drawn only), an orthographic ``overview`` camera straight down on the whole
    arena (framed for a ``width`` x ``height`` image), and the model's ``floor`` plane, if any,
    drawn large enough (:func:`_grow_floor`). ``edit(spec)``, if given, makes the robot's own
    changes before compiling.
    """
    spec = mujoco.MjSpec.from_file(str(xml_path))
    world = spec.worldbody
    h = arena.wall_height
    for wall in arena.walls:
        world.add_geom(
            name=f"wall_{wall.name}",
            type=mujoco.mjtGeom.mjGEOM_BOX,
            pos=[*wall.center, h / 2],
            size=[*wall.half_size, h / 2],
            rgba=list(WALL_RGBA),
            contype=1,  # set both: a model's default class may turn collisions off
            conaffinity=1,
        )
    if arena.goal is not None:
        world.add_site(
            name="goal",
            type=mujoco.mjtGeom.mjGEOM_CYLINDER,
            pos=[*arena.goal, 0.005],
            size=[arena.goal_radius, 0.005, 0],
            rgba=list(GOAL_RGBA),
        )
    xmin, ymin, xmax, ymax = arena.bounds()
    cx, cy, hx, hy = (xmin + xmax) / 2, (ymin + ymax) / 2, (xmax - xmin) / 2, (ymax - ymin) / 2
    # Orthographic, straight down (the identity orientation looks down -z, +x right, +y up):
    # a map of the arena without perspective; fovy is then the image's height in metres.
    world.add_camera(
        name="overview",
        pos=[cx, cy, h + OVERVIEW_HEIGHT],
        proj=mujoco.mjtProjection.mjPROJ_ORTHOGRAPHIC,
        fovy=2 * OVERVIEW_MARGIN * max(hy, hx * height / width),
    )
    floor = spec.geom("floor")
    if floor is not None and floor.type == mujoco.mjtGeom.mjGEOM_PLANE:
        _grow_floor(spec, floor, (xmin, ymin, xmax, ymax))
    if edit is not None:
        edit(spec)
    model = spec.compile()
    # As Gymnasium's MujocoEnv: grow the offscreen buffer to the requested image size.
    model.vis.global_.offwidth = max(model.vis.global_.offwidth, width)
    model.vis.global_.offheight = max(model.vis.global_.offheight, height)
    return model


def _grow_floor(spec: mujoco.MjSpec, floor, bounds: tuple[float, float, float, float]) -> None:
    """Scale the floor plane's drawn size by the least whole factor that covers ``bounds`` (plus
    FLOOR_MARGIN), in place about its centre, and its material's repeats (when they are per
    plane) by the same factor, so that its checkers keep their size and place. Only the
    picture changes: a plane collides over its whole infinite extent anyway."""
    fx, fy = floor.pos[0], floor.pos[1]
    need_x = max(abs(bounds[0] - fx), abs(bounds[2] - fx)) + FLOOR_MARGIN
    need_y = max(abs(bounds[1] - fy), abs(bounds[3] - fy)) + FLOOR_MARGIN
    factor = max(1, math.ceil(max(need_x / floor.size[0], need_y / floor.size[1])))
    if factor == 1:
        return
    floor.size = [floor.size[0] * factor, floor.size[1] * factor, floor.size[2]]
    material = spec.material(floor.material) if floor.material else None
    if material is not None and not material.texuniform:
        material.texrepeat = [r * factor for r in material.texrepeat]
