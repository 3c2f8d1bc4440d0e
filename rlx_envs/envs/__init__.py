"""The environments (Gymnasium API), each a thin class around rules from :mod:`rlx_envs.rules`.

* :mod:`~rlx_envs.envs.minimontezuma`: the side-view world, single env and native batch;
* :mod:`~rlx_envs.envs.diagnostic`: Chain and DeepSea, with vector twins;
* :mod:`~rlx_envs.envs.topdown`: the top-down transfer grids, with a vector twin;
* :mod:`~rlx_envs.envs.navigation`: the MuJoCo point-mass and Ant arenas.
"""
