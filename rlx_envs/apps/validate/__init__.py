"""The validation suite: claims from the literature, each an experiment with a pre-declared rule.

``python -m rlx_envs validate`` runs them; see :mod:`rlx_envs.apps.validate.base` for what a
claim is.
"""
