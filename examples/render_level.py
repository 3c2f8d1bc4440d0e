"""Save a picture of a level: ``python examples/render_level.py first_room out.png [scale] [map]``.

With ``map`` as the fourth argument the whole level is drawn, every room at its place on the room
map (as in ``docs/images/pyramid.png``); otherwise the start room with its status bar.
"""

import os
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

import rlx_envs  # noqa: E402
from rlx_envs.envs.minimontezuma.render import level_map  # noqa: E402


def main(
    level: str = "first_room", path: str = "first_room.png", scale: str = "3", what: str = "room"
) -> None:
    """Render ``level`` (a shipped name or a .txt path) and save it as a PNG."""
    env = rlx_envs.MiniMontezumaEnv(level=level, render_mode="rgb_array")
    env.reset(seed=0)
    frame = level_map(env.level) if what == "map" else env.render()
    surface = pygame.surfarray.make_surface(frame.transpose(1, 0, 2).copy())
    pygame.image.save(pygame.transform.scale_by(surface, int(scale)), path)
    print(f"saved {path} ({frame.shape[1] * int(scale)}x{frame.shape[0] * int(scale)})")


if __name__ == "__main__":
    main(*sys.argv[1:])
