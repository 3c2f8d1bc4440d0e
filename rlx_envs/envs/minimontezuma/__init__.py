"""MiniMontezuma as Gymnasium envs: the single env, the native batch, and frames for people.

Both envs run the one rule set of :mod:`rlx_envs.rules.minimontezuma`.
"""
