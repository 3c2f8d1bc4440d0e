"""Pixel art of MiniMontezuma: one 8x8 sprite per observation code, drawn from text below.

Each sprite is eight rows of eight characters; a character picks a colour from the sprite's
palette ('.' is the background). ``SPRITES[code]`` is an (8, 8, 3) uint8 image.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import tiles as T

TILE = 8
BACKGROUND = (12, 12, 24)

_KEY = [
    "........",
    ".xx.....",
    "x..x....",
    ".xx.xxxx",
    ".....x.x",
    "........",
    "........",
    "........",
]
_DOOR = [
    "xxxxxxxx",
    "x.x..x.x",
    "x.x..x.x",
    "xxxxxxxx",
    "x.x..x.x",
    "x.x..x.x",
    "x.x..x.x",
    "xxxxxxxx",
]
_COLOURS = {
    "red": (220, 50, 50),
    "green": (60, 200, 80),
    "blue": (70, 110, 240),
    "yellow": (240, 210, 40),
}

# (rows, palette) per code; palette maps a character to RGB.
_ART: dict[int, tuple[list[str], dict[str, tuple[int, int, int]]]] = {
    T.C_EMPTY: (["........"] * 8, {}),
    T.C_WALL: (
        [
            "aaaaaaab",
            "aaaaaaab",
            "bbbbbbbb",
            "aaabaaaa",
            "aaabaaaa",
            "bbbbbbbb",
            "aaaaaaab",
            "aaaaaaab",
        ],
        {"a": (150, 80, 40), "b": (90, 45, 20)},
    ),
    T.C_LADDER: (
        [
            "x......x",
            "xxxxxxxx",
            "x......x",
            "x......x",
            "xxxxxxxx",
            "x......x",
            "x......x",
            "xxxxxxxx",
        ],
        {"x": (200, 160, 90)},
    ),
    T.C_ROPE: (
        [
            "...x....",
            "...x....",
            "....x...",
            "....x...",
            "...x....",
            "...x....",
            "....x...",
            "....x...",
        ],
        {"x": (210, 190, 140)},
    ),
    T.C_LAVA: (
        [
            "........",
            "...a....",
            "..aba..a",
            ".abbba.b",
            "abbbbbab",
            "bbbbbbbb",
            "bbbbbbbb",
            "bbbbbbbb",
        ],
        {"a": (250, 200, 40), "b": (230, 70, 20)},
    ),
    T.C_LASER_ON: (["x..x..x."] * 8, {"x": (255, 40, 200)}),
    T.C_LASER_OFF: (["x.......", "........"] * 4, {"x": (90, 40, 80)}),
    T.C_JEWEL: (
        [
            "........",
            "..xxxx..",
            ".xwxxxx.",
            "xxxxxxxx",
            ".xxxxxx.",
            "..xxxx..",
            "...xx...",
            "........",
        ],
        {"x": (60, 230, 230), "w": (255, 255, 255)},
    ),
    T.C_EXIT: (
        [
            "xxxxxxxx",
            "x......x",
            "x.xxxx.x",
            "x.x..x.x",
            "x.x..x.x",
            "x.xxxx.x",
            "x......x",
            "xxxxxxxx",
        ],
        {"x": (120, 255, 120)},
    ),
    T.C_SKULL: (
        [
            "..xxxx..",
            ".xxxxxx.",
            "xx..x..x",
            "xx..x..x",
            "xxxxxxxx",
            ".xxxxxx.",
            "..x.x.x.",
            "........",
        ],
        {"x": (235, 235, 220)},
    ),
    T.C_AGENT: (
        [
            "..hhh...",
            "..fff...",
            "...f....",
            ".sssss..",
            "s.sss.s.",
            "..sss...",
            "..p.p...",
            ".pp.pp..",
        ],
        {"h": (120, 70, 30), "f": (250, 190, 150), "s": (230, 60, 60), "p": (60, 60, 200)},
    ),
}
for _i, _name in enumerate(T.COLOURS):
    _ART[T.C_KEY_RED + _i] = (_KEY, {"x": _COLOURS[_name]})
    _ART[T.C_DOOR_RED + _i] = (_DOOR, {"x": _COLOURS[_name]})
#: (rows, palette) per code: the sprite art (:mod:`~rlx_envs.rules.minimontezuma.appearance`
#: recolours it).
ART = _ART


def _draw(rows: list[str], palette: dict[str, tuple[int, int, int]]) -> np.ndarray:
    image = np.empty((TILE, TILE, 3), np.uint8)
    image[:] = BACKGROUND
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch != ".":
                image[y, x] = palette[ch]
    return image


#: (NUM_CODES, 8, 8, 3) uint8: the sprite of every observation code.
SPRITES = np.stack([_draw(*_ART[code]) for code in range(T.NUM_CODES)])
SPRITES.setflags(write=False)


def tiles_to_image(codes: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    """Draw an (..., H, W) grid of codes as an (..., H*8, W*8, 3) uint8 image, with the sprite
    ``table`` (default :data:`SPRITES`; a JAX array of it draws JAX arrays, the same bytes)."""
    *lead, h, w = codes.shape
    tiles = (SPRITES if table is None else table)[codes]  # (..., H, W, 8, 8, 3)
    n = len(lead)
    order = (*range(n), n, n + 2, n + 1, n + 3, n + 4)
    return tiles.transpose(order).reshape(*lead, h * TILE, w * TILE, 3)


# A 3x5 digit font for the status bar.
_DIGITS = (
    "111 101 101 101 111", "010 110 010 010 111", "111 001 111 100 111", "111 001 111 001 111",
    "101 101 111 001 001", "111 100 111 001 111", "111 100 111 101 111", "111 001 010 010 010",
    "111 101 111 101 111", "111 101 111 001 111",
)  # fmt: skip
#: (10, 5, 3) bool: pixels of the digits 0-9.
DIGITS = np.array([[[c == "1" for c in row] for row in d.split()] for d in _DIGITS], dtype=bool)
