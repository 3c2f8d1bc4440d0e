"""Appearances of MiniMontezuma's pixels: sprite tables, named themes, random draws, drawing.

An *appearance* is a sprite table, (NUM_CODES, 8, 8, 3) uint8 like :data:`sprites.SPRITES`, and
a camera shift ``(dy, dx)`` in pixels. Palettes, textures, clutter and brightness/contrast are all
folded into the table, so drawing costs what the plain pixels cost; the shift is folded into the
copy that lays the tiles out (see :func:`draw`). The strip a shift uncovers shows the background
colour: the top-left pixel of the table's empty sprite.

A table is built from *slots*: every sprite pixel belongs to one palette slot (``"wall.a"``,
``"red"`` for the red key and door, ``"background"`` for the background of every sprite, ...).

>>> import numpy as np
>>> from rlx_envs.rules.minimontezuma import appearance, sprites
>>> np.array_equal(theme_table("classic"), sprites.SPRITES)
True
>>> table, shift = random_appearance(np.random.default_rng(0))
>>> table.shape, table.dtype, len(shift)
((19, 8, 8, 3), dtype('uint8'), 2)
"""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import sprites
from rlx_envs.rules.minimontezuma import tiles as T

TILE = sprites.TILE
CODE_NAMES = (
    "empty", "wall", "ladder", "rope", "lava", "laser_on", "laser_off",
    "key_red", "key_green", "key_blue", "key_yellow",
    "door_red", "door_green", "door_blue", "door_yellow", "jewel", "exit", "skull", "agent",
)  # fmt: skip
assert len(CODE_NAMES) == T.NUM_CODES


def _slots():
    names, colours = ["background"], [sprites.BACKGROUND]
    slot_of = np.zeros((T.NUM_CODES, TILE, TILE), np.int64)
    for code in range(T.NUM_CODES):
        rows, palette = sprites.ART[code]
        for ch, colour in palette.items():
            name = CODE_NAMES[code]
            name = name.split("_")[1] if name[:4] in ("key_", "door") else f"{name}.{ch}"
            if name not in names:
                names.append(name)
                colours.append(colour)
            mask = np.array([[c == ch for c in row] for row in rows])
            slot_of[code][mask] = names.index(name)
    return tuple(names), np.array(colours, np.float64), slot_of


#: Palette slot names; ``SLOT_OF[code, y, x]`` is the slot of a sprite pixel (0: background).
SLOTS, DEFAULT_PALETTE, SLOT_OF = _slots()
_FOREGROUND = SLOT_OF > 0

# -- named themes (data) -------------------------------------------------------------------
# palette: slot -> RGB (missing slots keep the package colours); textures: code name ->
# (pattern, amplitude, width); clutter: the background's (pattern, amplitude, width); shading:
# top-to-bottom light falloff inside every tile; seed: draws of the noise patterns.
_FLAT = {"wall.a": (110, 110, 130), "wall.b": (110, 110, 130), "lava.a": (255, 60, 0),
         "lava.b": (255, 60, 0), "jewel.w": (0, 220, 255), "agent.h": (255, 255, 255),
         "agent.f": (255, 255, 255), "agent.s": (255, 255, 255),
         "agent.p": (255, 255, 255)}  # fmt: skip
THEMES: dict[str, dict] = {
    "classic": {"palette": {}, "textures": {}, "clutter": None, "shading": 0.0, "seed": 0},
    "sim": {
        "palette": {"background": (0, 0, 0), **_FLAT, "ladder.x": (255, 255, 0),
                    "rope.x": (255, 160, 0), "laser_on.x": (255, 0, 255),
                    "laser_off.x": (80, 0, 80), "jewel.x": (0, 220, 255), "exit.x": (0, 255, 0),
                    "skull.x": (255, 255, 255), "red": (255, 0, 0), "green": (0, 255, 0),
                    "blue": (0, 0, 255), "yellow": (255, 255, 0)},
        "textures": {}, "clutter": None, "shading": 0.0, "seed": 0,
    },
    "real": {
        "palette": {"background": (38, 33, 30), "wall.a": (128, 116, 98), "wall.b": (78, 70, 60),
                    "ladder.x": (150, 104, 58), "rope.x": (176, 152, 112), "lava.a": (255, 170, 40),
                    "lava.b": (196, 52, 16), "laser_on.x": (255, 90, 120),
                    "laser_off.x": (70, 52, 58), "jewel.x": (70, 190, 170),
                    "jewel.w": (230, 250, 245), "exit.x": (96, 200, 120),
                    "skull.x": (214, 206, 186),
                    "red": (178, 54, 44), "green": (70, 150, 76), "blue": (60, 86, 170),
                    "yellow": (204, 170, 52), "agent.s": (150, 60, 50), "agent.p": (60, 66, 110)},
        "textures": {"wall": ("noise", 0.30, 1), "ladder": ("stripes_v", 0.15, 1),
                     "door_red": ("noise", 0.15, 1), "door_green": ("noise", 0.15, 1),
                     "door_blue": ("noise", 0.15, 1), "door_yellow": ("noise", 0.15, 1)},
        "clutter": ("noise", 0.08, 2), "shading": 0.35, "seed": 7,
    },
    "night": {
        "palette": {"background": (8, 10, 30), "wall.a": (40, 60, 110), "wall.b": (20, 30, 70)},
        "textures": {"wall": ("stripes_h", 0.2, 2)}, "clutter": ("checkers", 0.05, 4),
        "shading": 0.0, "seed": 0,
    },
}  # fmt: skip
PATTERNS = ("noise", "stripes_h", "stripes_v", "checkers")


def _pattern(kind: str, width: int, rng: np.random.Generator) -> np.ndarray:
    """An (8, 8) pattern in [-1, 1]."""
    y, x = np.mgrid[:TILE, :TILE] // max(1, int(width))
    if kind == "noise":
        cells = rng.uniform(-1.0, 1.0, (TILE, TILE))
        return cells[y, x]
    if kind == "stripes_h":
        return (y % 2) * 2.0 - 1.0
    if kind == "stripes_v":
        return (x % 2) * 2.0 - 1.0
    if kind == "checkers":
        return ((x + y) % 2) * 2.0 - 1.0
    raise ValueError(f"unknown pattern {kind!r}; valid patterns: {list(PATTERNS)}")


def build_table(
    palette: np.ndarray,
    textures: dict[int, np.ndarray] | None = None,
    clutter: np.ndarray | None = None,
    shading: float = 0.0,
    brightness: float = 0.0,
    contrast: float = 1.0,
) -> np.ndarray:
    """A sprite table from a (len(SLOTS), 3) palette; ``textures`` maps a code to an (8, 8)
    additive pattern (in units of 128) on its foreground, ``clutter`` is the background's."""
    table = np.asarray(palette, np.float64)[SLOT_OF]  # (NUM_CODES, 8, 8, 3)
    light = np.zeros((T.NUM_CODES, TILE, TILE))
    for code, pattern in (textures or {}).items():
        light[code] += pattern * _FOREGROUND[code]
    if clutter is not None:
        light += clutter * ~_FOREGROUND
    if shading:
        ramp = np.linspace(shading / 2, -shading / 2, TILE)[:, None]
        light += ramp * _FOREGROUND
    table += light[..., None] * 128.0
    table = (table - 128.0) * contrast + 128.0 + brightness
    return np.clip(np.rint(table), 0, 255).astype(np.uint8)


def theme_table(name: str) -> np.ndarray:
    """The sprite table of a named theme (read-only); the error lists the valid names."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; valid themes: {sorted(THEMES)}")
    if name not in _THEME_CACHE:
        spec = THEMES[name]
        rng = np.random.default_rng(spec["seed"])
        palette = DEFAULT_PALETTE.copy()
        for slot, colour in spec["palette"].items():
            palette[SLOTS.index(slot)] = colour
        textures = {CODE_NAMES.index(c): a * _pattern(k, w, rng)
                    for c, (k, a, w) in spec["textures"].items()}  # fmt: skip
        clutter = None
        if spec["clutter"] is not None:
            kind, amp, width = spec["clutter"]
            clutter = amp * _pattern(kind, width, rng)
        table = build_table(palette, textures, clutter, spec["shading"])
        table.setflags(write=False)
        _THEME_CACHE[name] = table
    return _THEME_CACHE[name]


_THEME_CACHE: dict[str, np.ndarray] = {}


def random_appearance(
    rng: np.random.Generator,
    textures: bool = True,
    clutter: bool = True,
    jitter: float = 0.2,
    max_shift: int = 2,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Draw ``(table, (dy, dx))`` from ``rng``: a random palette, a wall texture, background
    clutter, brightness/contrast jitter and a camera shift of up to ``max_shift`` pixels."""
    palette = rng.integers(0, 256, (len(SLOTS), 3)).astype(np.float64)
    tex, clut = None, None
    if textures:
        kind, amp, width = rng.integers(len(PATTERNS)), rng.uniform(0.1, 0.4), rng.integers(1, 4)
        tex = {T.C_WALL: amp * _pattern(PATTERNS[kind], width, rng)}
    if clutter:
        kind, amp, width = rng.integers(len(PATTERNS)), rng.uniform(0.05, 0.25), rng.integers(1, 5)
        clut = amp * _pattern(PATTERNS[kind], width, rng)
    brightness = rng.uniform(-jitter, jitter) * 128.0
    contrast = 1.0 + rng.uniform(-jitter, jitter)
    dy, dx = rng.integers(-max_shift, max_shift + 1, 2)
    return build_table(palette, tex, clut, 0.0, brightness, contrast), (int(dy), int(dx))


def check_appearance(table, shift=(0, 0)) -> tuple[np.ndarray, tuple[int, int]]:
    """A validated ``(table, shift)``: table (NUM_CODES, 8, 8, 3) uint8, |dy|, |dx| < 8."""
    table = np.asarray(table)
    if table.shape != sprites.SPRITES.shape or table.dtype != np.uint8:
        raise ValueError(f"a sprite table is a {sprites.SPRITES.shape} uint8 array, got "
                         f"{table.shape} {table.dtype}")  # fmt: skip
    dy, dx = (int(v) for v in shift)
    if max(abs(dy), abs(dx)) >= TILE:
        raise ValueError(f"shift must be (dy, dx) with |dy|, |dx| < {TILE} pixels, got {shift}")
    return table, (dy, dx)


# -- drawing -------------------------------------------------------------------------------
def _parts(n: int, d: int):
    """(tile slice, pixel slice, first output pixel, last + 1) covering one axis shifted by d."""
    if d == 0:
        return ((slice(0, n), slice(0, TILE), 0, n * TILE),)
    if d > 0:
        return ((slice(0, n - 1), slice(0, TILE), d, d + (n - 1) * TILE),
                (slice(n - 1, n), slice(0, TILE - d), d + (n - 1) * TILE, n * TILE))  # fmt: skip
    d = -d
    return ((slice(0, 1), slice(d, TILE), 0, TILE - d),
            (slice(1, n), slice(0, TILE), TILE - d, n * TILE - d))  # fmt: skip


def _blit(out, tiles, dy, dx, idx, background) -> None:
    """Write (n, H, W, 8, 8, 3) ``tiles`` shifted by (dy, dx) into ``out[idx]``, (N, 8H, 8W, 3),
    one copy of every pixel (no intermediate image); the uncovered strip gets ``background``."""
    h, w = tiles.shape[1:3]
    sel = slice(None) if idx is None else idx
    for ty, ry, y0, y1 in _parts(h, dy):
        for tx, rx, x0, x1 in _parts(w, dx):
            src = tiles[:, ty, tx, ry, rx].transpose(0, 1, 3, 2, 4, 5)
            view = out[:, y0:y1, x0:x1].view()
            view.shape = (len(out), *src.shape[1:])  # a view: raises rather than copy
            view[sel] = src
    bg = background[:, None, None, :]
    if dy:
        out[sel, slice(None, dy) if dy > 0 else slice(dy, None)] = bg
    if dx:
        out[sel, :, slice(None, dx) if dx > 0 else slice(dx, None)] = bg


def draw(codes: np.ndarray, table: np.ndarray, shift: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The (8H, 8W, 3) image of an (H, W) code grid in appearance ``(table, shift)``."""
    dy, dx = shift
    tiles = table[codes]
    h, w = codes.shape
    if not dy and not dx:
        return tiles.transpose(0, 2, 1, 3, 4).reshape(h * TILE, w * TILE, 3)
    out = np.empty((1, h * TILE, w * TILE, 3), np.uint8)
    _blit(out, tiles[None], dy, dx, None, table[None, T.C_EMPTY, 0, 0])
    return out[0]


def draw_batch(codes: np.ndarray, tables: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(N, 8H, 8W, 3) images of (N, H, W) codes, env i in ``(tables[i], shifts[i])``."""
    n, h, w = codes.shape
    flat = tables.reshape(n * T.NUM_CODES, TILE, TILE, 3)
    index = codes + (np.arange(n) * T.NUM_CODES)[:, None, None]
    out = np.empty((n, h * TILE, w * TILE, 3), np.uint8)
    background = tables[:, T.C_EMPTY, 0, 0]
    key = shifts[:, 0] * 2 * TILE + shifts[:, 1]
    if (key == key[0]).all():
        _blit(out, flat[index], int(shifts[0, 0]), int(shifts[0, 1]), None, background)
        return out
    values, inverse = np.unique(key, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(values) + 1))
    for g in range(len(values)):
        idx = order[bounds[g] : bounds[g + 1]]
        dy, dx = int(shifts[idx[0], 0]), int(shifts[idx[0], 1])
        _blit(out, flat[index[idx]], dy, dx, idx, background[idx])
    return out


def aligned_pair(env_or_codes, theme_a: str = "sim", theme_b: str = "real"):
    """The same state drawn in two themes: ``(image_a, image_b)``, pixel-aligned.

    ``env_or_codes`` is a MiniMontezuma env (wrapped or not; its current state) or an (H, W)
    grid of observation codes (a ``"symbolic"`` observation)."""
    codes = env_or_codes
    if not isinstance(codes, np.ndarray):
        env = getattr(env_or_codes, "unwrapped", env_or_codes)
        if getattr(env, "_state", None) is None:
            raise ValueError("aligned_pair needs a MiniMontezuma env after reset(), or a code grid")
        codes = env._perm[env._observer.symbolic(env._state)]
    return draw(codes, theme_table(theme_a)), draw(codes, theme_table(theme_b))
