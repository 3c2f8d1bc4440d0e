"""rlx-envs inside other frameworks: RLlib (:mod:`rlx_envs.integrations.rllib`).

Each integration imports its framework only when called, so the core install does not need it.
"""
