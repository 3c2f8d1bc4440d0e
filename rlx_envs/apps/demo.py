"""Watch a level solved: the checker's shortest path, replayed with waits timed around hazards.

The checker plans as if skulls and lasers could always be waited out; :func:`timed_replay`
does the waiting. Before each planned action it looks ahead on a copy of the env and inserts
the fewest no-ops that let the next stretch of the plan pass without losing a life.
"""

from __future__ import annotations

import copy

from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma.checker import solve


def _survives(env, actions) -> bool:
    trial = copy.deepcopy(env)
    for a in actions:
        _, _, terminated, _, info = trial.step(a)
        if info["life_lost"]:
            return False
        if terminated:
            return True
    return True


def timed_replay(env, plan, lookahead: int = 8, max_wait: int = 64):
    """Yield ``(action, step result)`` while playing ``plan`` on ``env`` with waits inserted.

    ``env`` must be an unwrapped MiniMontezuma env, already reset, with no sticky actions.
    """
    if env.sticky_action_prob:
        raise ValueError("timed_replay needs sticky_action_prob=0 (plans assume exact actions)")
    for i, action in enumerate(plan):
        window = list(plan[i : i + lookahead])
        for _ in range(max_wait):
            if _survives(env, window):
                break
            result = env.step(rules.NOOP)
            yield rules.NOOP, result
        result = env.step(action)
        yield action, result
        if result[2] or result[4]["life_lost"]:
            return  # the plan is only valid from where it was made


def solved_frames(env, every: int = 1):
    """Replay the shortest solution of ``env``'s level.

    Returns ``(frames, total reward, steps, reached_exit)``; the replay stops early, with
    ``reached_exit`` False, if waiting could not dodge a skull or laser and a life was lost.
    """
    plan = solve(env.level, env.fall_damage_height).actions
    frames = [env.render()]
    total, steps, reached_exit = 0.0, 0, False
    for steps, (_, (_, reward, terminated, _, info)) in enumerate(timed_replay(env, plan), start=1):
        total += reward
        reached_exit = terminated and not info["life_lost"]
        if steps % every == 0:
            frames.append(env.render())
    frames.append(env.render())
    return frames, total, steps, reached_exit
