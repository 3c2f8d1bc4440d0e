"""A top-down gridworld: walls, a start and goal cells, four moves, +1 at a goal.

The shipped layouts (``assets/topdown/*.txt``) share one 15x15 frame and one start, the centre, so
that a tabular policy learnt in one (its states are the (x, y) cells) can be run in another: the
room pays for reaching its edge in any direction, the corridor only for its east end, the maze for
one far corner. That is the gridworld version of the lecture's transfer example (Haarnoja et al.
2017 pretrain a quadruped to run in every direction in a room, then finetune it in a corridor and
mazes): a policy that learnt to go everywhere transfers, one that learnt a single direction may not.
"""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.core.arguments import real
from rlx_envs.rules.assets import asset_dir

# The rules and their constants live in rules.py, shared with the vector twin.
from rlx_envs.rules.topdown import (
    ACTION_NAMES,
    grid_step,
    grid_tables,
    slip,
)

GLYPHS = {"#": "wall", ".": "floor", "S": "start (exactly one)", "G": "goal"}
CELL_PIXELS = 12
COLOURS = {"#": (90, 60, 40), ".": (235, 230, 220), "S": (235, 230, 220), "G": (240, 190, 40)}
AGENT_COLOUR = (200, 40, 40)


def layouts_dir() -> Path:
    """Folder of the shipped layouts (in the wheel, or top-level ``assets/`` in a checkout)."""
    return asset_dir("topdown")


def shipped_layouts() -> list[str]:
    """Names of the shipped layouts."""
    return sorted(p.stem for p in layouts_dir().glob("*.txt"))


def parse_layout(text: str, source: str = "<string>") -> tuple[str, ...]:
    """Rows of a layout (comment lines start with ';'); errors name source, line and column."""
    rows, lines = [], []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith(";"):
            continue
        for col, ch in enumerate(line, start=1):
            if ch not in GLYPHS:
                raise ValueError(
                    f"{source}:{lineno}:{col}: unknown glyph {ch!r}; valid glyphs: {sorted(GLYPHS)}"
                )
        if rows and len(line) != len(rows[0]):
            raise ValueError(
                f"{source}:{lineno}: ragged row: {len(line)} cells, every row needs {len(rows[0])}"
            )
        rows.append(line)
        lines.append(lineno)
    if not rows:
        raise ValueError(f"{source}: empty layout")
    starts = sum(row.count("S") for row in rows)
    if starts != 1:
        raise ValueError(f"{source}: a layout needs exactly one start 'S', found {starts}")
    if not any("G" in row for row in rows):
        raise ValueError(f"{source}: a layout needs at least one goal 'G'")
    for y, row in enumerate(rows):
        if row[0] != "#" or row[-1] != "#" or (y in (0, len(rows) - 1) and set(row) != {"#"}):
            raise ValueError(f"{source}:{lines[y]}: the border must be wall '#'")
    return tuple(rows)


def load_layout(name_or_path: str | Path) -> tuple[str, ...]:
    """A shipped layout by name ("room", "corridor", "maze"), a path, or layout text."""
    if isinstance(name_or_path, str) and "\n" in name_or_path:
        return parse_layout(name_or_path)
    path = Path(name_or_path)
    if path.suffix != ".txt":
        path = layouts_dir() / f"{name_or_path}.txt"
        if not path.is_file():
            raise ValueError(
                f"unknown layout {str(name_or_path)!r}; shipped layouts: "
                f"{shipped_layouts()} (or a path to a .txt file, or layout text)"
            )
    return parse_layout(path.read_text(), source=path.name)


def find_start(rows: tuple[str, ...]) -> tuple[int, int]:
    """The ``(x, y)`` of a parsed layout's one start 'S'."""
    ((start,),) = [
        [(x, y) for x, ch in enumerate(row) if ch == "S"]
        for y, row in enumerate(rows)
        if "S" in row
    ]
    return start


def check_options(layout, slip_prob: float, render_mode: str | None) -> tuple[str, ...]:
    """The layout's rows, or a ValueError for a bad option (shared with the vector twin)."""
    modes = TopDownGridEnv.metadata["render_modes"]
    if render_mode is not None and render_mode not in modes:
        raise ValueError(f"unknown render_mode {render_mode!r}; valid modes: {modes}")
    real("slip_prob", slip_prob, minimum=0, maximum=1)
    return load_layout(layout)


def check_action(action) -> int:
    """``action`` as an int in 0..3, or a ValueError naming the valid actions."""
    if (
        isinstance(action, (bool, np.bool_))
        or not isinstance(action, (int, np.integer))
        or not (0 <= action < 4)
    ):
        raise ValueError(f"action must be an integer in 0..3 {list(ACTION_NAMES)}, got {action!r}")
    return int(action)


def grid_text(rows: tuple[str, ...], pos: tuple[int, int]) -> str:
    """The ``"ansi"`` render: the layout as text with the agent as 'A'."""
    lines = [list(row.replace("S", ".")) for row in rows]
    lines[pos[1]][pos[0]] = "A"
    return "\n".join("".join(line) for line in lines) + "\n"


def grid_picture(rows: tuple[str, ...], pos: tuple[int, int]) -> np.ndarray:
    """The ``"rgb_array"`` render: walls, goals and the agent, :data:`CELL_PIXELS` a cell."""
    image = np.zeros((len(rows) * CELL_PIXELS, len(rows[0]) * CELL_PIXELS, 3), np.uint8)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            image[
                y * CELL_PIXELS : (y + 1) * CELL_PIXELS, x * CELL_PIXELS : (x + 1) * CELL_PIXELS
            ] = COLOURS[ch]
    x, y = pos
    q = CELL_PIXELS // 4
    image[
        y * CELL_PIXELS + q : (y + 1) * CELL_PIXELS - q,
        x * CELL_PIXELS + q : (x + 1) * CELL_PIXELS - q,
    ] = AGENT_COLOUR
    return image


class TopDownGridEnv(gym.Env):
    """A top-down gridworld with four moves and +1 for reaching a goal (then ``terminated``).

    Observations are the agent's cell ``(x, y)`` (``MultiDiscrete``), also in ``info["cell"]``;
    ``info["success"]`` is True on the step that reaches a goal. Moving into a wall leaves the
    agent in place. With ``slip_prob`` > 0 a move goes to a uniformly random direction instead,
    drawn from the env's seeded generator.

    Args:
        layout: "room", "corridor", "maze", a path to a layout file, or layout text.
        slip_prob: probability that a move goes in a random direction.
        render_mode: "rgb_array" or "ansi".

    The vector twin, :class:`~rlx_envs.envs.topdown.vector.TopDownGridVectorEnv`, steps N grids with
    the same rules (``gym.make_vec(..., vectorization_mode="vector_entry_point")``).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> env = gym.make("rlx/GridCorridor-v0")
        >>> obs, info = env.reset(seed=0)
        >>> obs.tolist(), info["cell"]
        ([7, 7], (7, 7))
        >>> for _ in range(6):
        ...     obs, reward, terminated, truncated, info = env.step(1)  # EAST
        >>> reward, terminated, info["success"]
        (1.0, True, True)
    """

    metadata = {"render_modes": ["rgb_array", "ansi"], "render_fps": 10}
    #: Every step's info carries the hashable cell (the bonus wrappers count it).
    provides_cell = True

    def __init__(
        self, layout: str | Path = "room", slip_prob: float = 0.0, render_mode: str | None = None
    ):
        self.rows = check_options(layout, slip_prob, render_mode)
        self.layout_name = str(layout) if "\n" not in str(layout) else "custom"
        self.height, self.width = len(self.rows), len(self.rows[0])
        self.walls = frozenset(
            (x, y) for y, row in enumerate(self.rows) for x, ch in enumerate(row) if ch == "#"
        )
        self.goals = frozenset(
            (x, y) for y, row in enumerate(self.rows) for x, ch in enumerate(row) if ch == "G"
        )
        self.start = find_start(self.rows)
        self.slip_prob, self.render_mode = float(slip_prob), render_mode
        self.observation_space = spaces.MultiDiscrete([self.width, self.height])
        self.action_space = spaces.Discrete(4)
        self._rules = grid_tables(self.rows)
        self._start_cell = self.start[1] * self.width + self.start[0]
        self._cell = self._start_cell
        self._pos = self.start

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Put the agent on the start."""
        super().reset(seed=seed)
        if options:
            raise ValueError(f"unknown reset options {sorted(options)}; this env takes none")
        self._cell, self._pos = self._start_cell, self.start
        return self._obs(), {"cell": self._pos, "success": False}

    def step(self, action):
        """Move one cell (or stay, against a wall)."""
        a = action if type(action) is int and 0 <= action < 4 else check_action(action)
        if self.slip_prob:
            a = slip(self.np_random, self.slip_prob, a)
        rules = self._rules
        self._cell, reward, success = grid_step(rules, self._cell, a)
        self._pos = pos = rules.xy[self._cell]
        info = {"cell": pos, "success": success}
        return np.array(pos, dtype=np.int64), reward, success, False, info

    def render(self):
        """An RGB picture (walls, goals, the agent) or the layout as text with the agent as 'A'."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode to make()")
            return None
        if self.render_mode == "ansi":
            return grid_text(self.rows, self._pos)
        return grid_picture(self.rows, self._pos)

    def _obs(self) -> np.ndarray:
        return np.array(self._pos, dtype=np.int64)
