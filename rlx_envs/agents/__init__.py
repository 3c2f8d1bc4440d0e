"""Reference agents (numpy only, one readable file each) and the interface the harness uses.

An agent is anything with three methods (see :class:`~rlx_envs.agents.base.Agent`):
``reset(observation_space, action_space, seed)``, ``act(obs, greedy)`` and
``observe(obs, action, reward, next_obs, terminated, truncated)``.
"""

from rlx_envs.agents.ars import ARS
from rlx_envs.agents.base import Agent, RandomAgent, run_episode
from rlx_envs.agents.bootstrapped_q import BootstrappedQ
from rlx_envs.agents.epopt import EPOpt
from rlx_envs.agents.go_explore import GoExplore
from rlx_envs.agents.tabular import QLearning, SoftQLearning

__all__ = [
    "ARS", "Agent", "BootstrappedQ", "EPOpt", "GoExplore", "QLearning", "RandomAgent",
    "SoftQLearning", "run_episode",
]  # fmt: skip
