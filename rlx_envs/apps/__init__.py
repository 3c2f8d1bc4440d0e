"""The top tier: applications built on the library below.

* :mod:`~rlx_envs.apps.cli`: ``python -m rlx_envs`` and its commands;
* :mod:`~rlx_envs.apps.validate`: the validation suite (claims, verdicts, runner);
* :mod:`~rlx_envs.apps.transfer`: the transfer harness and its report;
* :mod:`~rlx_envs.apps.perf`: the speed benchmarks;
* :mod:`~rlx_envs.apps.demo`, :mod:`~rlx_envs.apps.play`: watch a level solved, play one;
* :mod:`~rlx_envs.apps.executor`: the one job executor every sweep runs on.
"""
