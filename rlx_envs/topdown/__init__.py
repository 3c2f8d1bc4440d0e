"""Top-down gridworlds for tabular transfer: an open room, a corridor and a maze in one frame.

:mod:`~rlx_envs.topdown.env` holds the single env, :mod:`~rlx_envs.topdown.vector` its vector twin,
and :mod:`~rlx_envs.topdown.rules` the transition both step with.
"""
