"""A k-shot transfer benchmark from Python: soft Q pretrained in the room, moved to the corridor.

``python examples/transfer_benchmark.py [PAIR]`` (default ``grid-room-corridor``) runs the
harness for five seeds and prints the IQM table with bootstrap intervals and the transfer
percentage; ``--smoke`` runs a tiny version. The same from the shell:
``python -m rlx_envs transfer grid-room-corridor --agent soft-q``.
"""

import sys

from rlx_envs.apps.transfer.harness import Config, run
from rlx_envs.apps.transfer.report import format_summary, summarise

smoke = "--smoke" in sys.argv
pair = next((a for a in sys.argv[1:] if not a.startswith("--")), "grid-room-corridor")
config = Config(
    pair,
    agent="soft-q",
    agent_kwargs={"temperature": 0.2, "gamma": 0.95},
    seeds=(0, 1) if smoke else (0, 1, 2, 3, 4),
    shots=(0, 2) if smoke else (0, 1, 5, 20),
    source_episodes=20 if smoke else 1000,
    eval_episodes=2 if smoke else 20,
)
rows = run(config, workers=1 if smoke else 2)
print(format_summary(summarise(rows, reps=200 if smoke else 2000)))
