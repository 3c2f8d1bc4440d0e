"""Play MiniMontezuma with the keyboard (``python -m rlx_envs play``).

Arrows move and climb, space jumps, space with left/right (or Q / E) jumps sideways,
R restarts, Esc quits. The game runs in real time at the env's ``render_fps``.
"""

from __future__ import annotations

from rlx_envs.rules.minimontezuma import rules

HELP = "arrows: move/climb  space: jump  space+arrow or Q/E: jump sideways  R: restart  Esc: quit"


def keys_to_action(pressed, pygame) -> int:
    """The action for the keys held down."""
    left = pressed[pygame.K_LEFT] or pressed[pygame.K_a]
    right = pressed[pygame.K_RIGHT] or pressed[pygame.K_d]
    jump = pressed[pygame.K_SPACE]
    if pressed[pygame.K_q] or (jump and left):
        return rules.JUMP_LEFT
    if pressed[pygame.K_e] or (jump and right):
        return rules.JUMP_RIGHT
    if jump:
        return rules.JUMP
    if left:
        return rules.LEFT
    if right:
        return rules.RIGHT
    if pressed[pygame.K_UP] or pressed[pygame.K_w]:
        return rules.UP
    if pressed[pygame.K_DOWN] or pressed[pygame.K_s]:
        return rules.DOWN
    return rules.NOOP


def play(env_id: str, seed: int | None = None, sticky: float = 0.0, max_frames: int | None = None):
    """Open a window and play until Esc, the window closes, or ``max_frames`` frames."""
    import gymnasium as gym
    import pygame

    env = gym.make(env_id, render_mode="human", sticky_action_prob=sticky)
    print(HELP)
    env.reset(seed=seed)
    frames, episode_return = 0, 0.0
    running = True
    while running and (max_frames is None or frames < max_frames):
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
            ):
                running = False
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_r:
                env.reset()
                episode_return = 0.0
        action = keys_to_action(pygame.key.get_pressed(), pygame)
        _, reward, terminated, truncated, info = env.step(action)
        episode_return += reward
        frames += 1
        if terminated or truncated:
            print(f"episode over: return {episode_return:g}, rooms visited {info['rooms_visited']}")
            env.reset()
            episode_return = 0.0
    env.close()
    return 0
