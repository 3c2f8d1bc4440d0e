"""Transfer benchmarking: source/target pairs, and (in submodules) metrics, statistics, harness.

>>> from rlx_envs.transfer import make_pair, pairs
>>> [p.name for p in pairs()][:2]
['grid-room-corridor', 'grid-room-maze']
"""

from rlx_envs.transfer.pairs import PAIRS, PairSpec, make_pair, pairs

__all__ = ["PAIRS", "PairSpec", "make_pair", "pairs"]
