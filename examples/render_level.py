"""Save a picture of a level's start room: ``python examples/render_level.py first_room out.png``."""

import os
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

import rlx_envs  # noqa: E402


def main(level: str = "first_room", path: str = "first_room.png", scale: int = 3) -> None:
    """Render the start of ``level`` (a shipped name or a .txt path) and save it as a PNG."""
    env = rlx_envs.MiniMontezumaEnv(level=level, render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    surface = pygame.surfarray.make_surface(frame.transpose(1, 0, 2).copy())
    pygame.image.save(pygame.transform.scale_by(surface, scale), path)
    print(f"saved {path} ({frame.shape[1] * scale}x{frame.shape[0] * scale})")


if __name__ == "__main__":
    main(*sys.argv[1:])
