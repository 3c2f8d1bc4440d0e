"""The transfer harness (:mod:`~rlx_envs.apps.transfer.harness`) and its report
(:mod:`~rlx_envs.apps.transfer.report`): train on a pair's source, adapt on its target in shots.

The pairs themselves are data, one tier down, in :mod:`rlx_envs.pairs`.
"""
