"""The bottom tier: rules and data, imported by everything above and importing nothing of ours.

* :mod:`rlx_envs.rules.minimontezuma`: the level format, tiles, the one transition function
  (:mod:`~rlx_envs.rules.minimontezuma.rules`), the observation layout and encoder, sprites,
  procedural levels and the solvability checker;
* :mod:`rlx_envs.rules.diagnostic` and :mod:`rlx_envs.rules.topdown`: the rule tables of Chain,
  DeepSea and the top-down grids, shared by each single env and its vector twin;
* :mod:`rlx_envs.rules.physics`: distributions, named MuJoCo parameters and EPOpt's tables;
* :mod:`rlx_envs.rules.assets`: where the shipped level files and MJCF models live.
"""
