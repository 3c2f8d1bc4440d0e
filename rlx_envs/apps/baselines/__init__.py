"""The baselines table: known methods on MiniMontezuma's levels, with intervals over seeds.

:mod:`~rlx_envs.apps.baselines.methods` runs each method (tabular Q-learning arms, bootstrapped
Q, Go-Explore) on a level with its seeds batched; :mod:`~rlx_envs.apps.baselines.table` is the
``python -m rlx_envs baselines`` sweep, its statistics, table and plot. The validation suite's
Go-Explore claim runs the same methods.
"""
