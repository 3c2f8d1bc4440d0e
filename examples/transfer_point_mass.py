"""k-shot transfer on the point-mass pair: ARS pretrained for speed in an open room, then put in
a corridor that pays only for progress along +x.

``python examples/transfer_point_mass.py`` (a few minutes) prints the IQM table of the finetune
and scratch arms; ``--smoke`` runs a tiny version. ARS learns from whole batches of rollouts, so
the harness pretrains it through ``ARS.pretrain``; during the k target shots it does not learn
(its ``observe`` is a no-op), so its k-shot curve is flat: the 0-shot transfer of the room policy.
"""

import sys

from rlx_envs.apps.transfer.harness import Config, run
from rlx_envs.apps.transfer.report import format_summary, summarise

smoke = "--smoke" in sys.argv
config = Config(
    "point-room-corridor",
    agent="ars",
    agent_kwargs={"n_directions": 4, "top_directions": 2, "horizon": 50 if smoke else 200},
    seeds=(0,) if smoke else (0, 1, 2, 3),
    shots=(0, 1),
    source_episodes=16 if smoke else 800,
    eval_episodes=1 if smoke else 5,
)
rows = run(config, workers=1 if smoke else 2)
print(format_summary(summarise(rows, reps=100)))
