"""Frames for people: the room with a status bar (score, lives, keys), text, and a pygame window."""

from __future__ import annotations

import numpy as np

from rlx_envs.rules.minimontezuma import sprites
from rlx_envs.rules.minimontezuma import tiles as T

STATUS_HEIGHT = 10
_TEXT = (230, 230, 230)


def status_bar(width: int, score: float, lives: int, keys: tuple[int, ...]) -> np.ndarray:
    """A (STATUS_HEIGHT, width, 3) strip: score digits at the left, then lives, then keys."""
    bar = np.zeros((STATUS_HEIGHT, width, 3), np.uint8)
    bar[:] = (30, 30, 40)
    x = 2
    for ch in str(int(score)):
        if x + 3 > width:
            return bar
        bar[2:7, x : x + 3][sprites.DIGITS[int(ch)]] = _TEXT
        x += 4
    x += 4
    for _ in range(lives):
        if x + sprites.TILE > width:
            return bar
        bar[1:9, x : x + sprites.TILE] = sprites.SPRITES[T.C_AGENT]
        x += sprites.TILE
    x += 4
    for colour, count in enumerate(keys):
        for _ in range(count):
            if x + sprites.TILE > width:
                return bar
            bar[1:9, x : x + sprites.TILE] = sprites.SPRITES[T.C_KEY_RED + colour]
            x += sprites.TILE
    return bar


def frame(image: np.ndarray, score: float, lives: int, keys: tuple[int, ...]) -> np.ndarray:
    """The room image with the status bar below it."""
    return np.concatenate([image, status_bar(image.shape[1], score, lives, keys)], axis=0)


def text(codes: np.ndarray, title: str, score: float, lives: int, keys: tuple[int, ...]) -> str:
    """The room as text, one glyph per cell (see ``docs/level-format.md``), and a status line."""
    rows = ["".join(T.CODE_GLYPHS[c] for c in row) for row in codes]
    held = " ".join(f"{T.COLOURS[c]}x{n}" for c, n in enumerate(keys) if n) or "none"
    return "\n".join([*rows, f"{title} | score {int(score)} | lives {lives} | keys {held}"]) + "\n"


def level_map(level) -> np.ndarray:
    """An RGB picture of every room of ``level`` at its place on the room map, as at the start.

    Rooms are drawn with their skulls at their start cells and the agent at the start; places of
    the map with no room stay dark, and a 2-pixel gap separates neighbouring rooms.
    """
    from rlx_envs.rules.minimontezuma.observe import Observer

    static = Observer([level], level.laser_on).static.copy()
    for room in range(level.num_rooms):
        for k in range(T.MAX_SKULLS_PER_ROOM):
            slot = room * T.MAX_SKULLS_PER_ROOM + k
            if level.skull_y[slot] >= 0:
                static[room, level.skull_y[slot], level.skull_x0[slot]] = T.C_SKULL
    static[level.start_room, level.start_y, level.start_x] = T.C_AGENT
    room_h, room_w = level.height * sprites.TILE, level.width * sprites.TILE
    rows, cols = len(level.room_map), max(len(row) for row in level.room_map)
    gap = 2
    image = np.full((rows * (room_h + gap) - gap, cols * (room_w + gap) - gap, 3), 12, np.uint8)
    index = {name: i for i, name in enumerate(level.room_names)}
    for r, row in enumerate(level.room_map):
        for c, name in enumerate(row):
            if name in index:
                y, x = r * (room_h + gap), c * (room_w + gap)
                image[y : y + room_h, x : x + room_w] = sprites.tiles_to_image(static[index[name]])
    return image


class Window:
    """A pygame window that shows frames, scaled up."""

    def __init__(self, caption: str, scale: int = 4):
        import pygame

        self._pygame = pygame
        pygame.display.init()
        pygame.display.set_caption(caption)
        self.scale = scale
        self.screen = None
        self.clock = pygame.time.Clock()

    def show(self, image: np.ndarray, fps: int) -> None:
        """Draw one frame and wait to keep ``fps``."""
        pygame = self._pygame
        h, w = image.shape[:2]
        size = (w * self.scale, h * self.scale)
        if self.screen is None or self.screen.get_size() != size:
            self.screen = pygame.display.set_mode(size)
        surface = pygame.surfarray.make_surface(np.ascontiguousarray(image.transpose(1, 0, 2)))
        self.screen.blit(pygame.transform.scale(surface, size), (0, 0))
        pygame.event.pump()
        pygame.display.flip()
        self.clock.tick(fps)

    def close(self) -> None:
        """Close the window."""
        self._pygame.display.quit()
