"""Top-down gridworlds for tabular transfer: an open room, a corridor and a maze in one frame.

:mod:`~rlx_envs.envs.topdown.env` holds the single env, :mod:`~rlx_envs.envs.topdown.vector`
its vector twin, and :mod:`~rlx_envs.rules.topdown` the transition both step with.
"""
