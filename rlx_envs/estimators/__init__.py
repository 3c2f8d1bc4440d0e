"""Exploration estimators, usable without a wrapper: counts, hashing, density models, predictors.

The bonus wrappers (:mod:`rlx_envs.wrappers`) feed these estimators the transitions they see;
each estimator follows :class:`~rlx_envs.estimators.base.Estimator`.
"""
