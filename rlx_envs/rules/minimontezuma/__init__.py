"""MiniMontezuma's rules and data: level format, tiles, transition, observations, procgen, checker.

The env classes that run them live one tier up, in :mod:`rlx_envs.envs.minimontezuma`.
"""
