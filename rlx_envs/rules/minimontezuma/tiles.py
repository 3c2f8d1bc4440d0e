"""Tile kinds, level glyphs and observation codes of MiniMontezuma.

Everything here is a table. The rules (``rules.py``) read tile kinds, the level parser reads glyphs,
and the observation builders read the codes.
"""

from __future__ import annotations

# Static tile kinds, stored in the low 4 bits of a compiled cell. Object cells (keys, doors, jewels)
# store their object number (1..MAX_OBJECTS) in the bits above.
EMPTY, WALL, LADDER, ROPE, LAVA, LASER, KEY, DOOR, JEWEL, EXIT = range(10)
TILE_BITS = 4
TILE_MASK = (1 << TILE_BITS) - 1

#: Object numbers share one 64-bit mask of used objects (taken keys/jewels, opened doors). Bit 0
#: stands for "no object" and is never set; bit 63 is the sign bit of int64, so it is left unused.
MAX_OBJECTS = 62
#: Room numbers share one 64-bit mask of visited rooms, with the same reasoning.
MAX_ROOMS = 62
#: Skulls patrolling one room (state slots per env).
MAX_SKULLS_PER_ROOM = 2
#: Keys of one colour the agent can hold at once (4 bits per colour in the inventory word).
MAX_KEYS_PER_COLOUR = 15

COLOURS = ("red", "green", "blue", "yellow")
KEY_GLYPHS = "rgby"
DOOR_GLYPHS = "RGBY"

#: Level-file glyphs of room cells.
GLYPHS = {
    ".": "empty",
    "#": "wall or platform",
    "H": "ladder",
    "|": "rope",
    "^": "lava / spikes (deadly)",
    "!": "laser gate (deadly while on)",
    "r": "red key",
    "g": "green key",
    "b": "blue key",
    "y": "yellow key",
    "R": "red door",
    "G": "green door",
    "B": "blue door",
    "Y": "yellow door",
    "*": "jewel",
    "E": "exit (goal)",
    "S": "skull (patrols the platform it stands on)",
    "@": "start (exactly one per level)",
}
STATIC_GLYPHS = {".": EMPTY, "#": WALL, "H": LADDER, "|": ROPE, "^": LAVA, "!": LASER, "E": EXIT}

# Observation codes: what an agent sees in a cell of the symbolic view (and what the pixel renderer
# draws). Keys and doors carry their colour.
(
    C_EMPTY,
    C_WALL,
    C_LADDER,
    C_ROPE,
    C_LAVA,
    C_LASER_ON,
    C_LASER_OFF,
    C_KEY_RED,
    C_KEY_GREEN,
    C_KEY_BLUE,
    C_KEY_YELLOW,
    C_DOOR_RED,
    C_DOOR_GREEN,
    C_DOOR_BLUE,
    C_DOOR_YELLOW,
    C_JEWEL,
    C_EXIT,
    C_SKULL,
    C_AGENT,
) = range(19)
NUM_CODES = 19
CODE_NAMES = (
    "empty", "wall", "ladder", "rope", "lava", "laser_on", "laser_off",
    "key_red", "key_green", "key_blue", "key_yellow",
    "door_red", "door_green", "door_blue", "door_yellow",
    "jewel", "exit", "skull", "agent",
)  # fmt: skip
#: Glyphs for the text (ansi) view, one per observation code.
CODE_GLYPHS = ".#H|^!:rgbyRGBY*ESA"

#: Codes that ``semantics="masked"`` shuffles among themselves. Empty space and the agent keep
#: their look, so the screen stays readable; every object's meaning is hidden.
MASKED_CODES = tuple(range(1, C_AGENT))
