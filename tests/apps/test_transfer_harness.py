"""The transfer harness end to end on the gridworld pair, in CI time."""

import json

import pytest

from rlx_envs.apps.cli import main
from rlx_envs.apps.transfer.harness import EVAL_SEED_BASE, Config, run
from rlx_envs.apps.transfer.report import summarise

SMALL = {"seeds": (0, 1, 2), "shots": (0, 2, 4), "source_episodes": 30, "eval_episodes": 3}


def test_rows_carry_everything_needed_to_redo_them():
    rows = run(Config("grid-room-corridor", agent="random", **SMALL))
    arms = {(r["arm"], r["shots"]) for r in rows}
    assert arms == {("source", None)} | {(a, k) for a in ("finetune", "scratch") for k in (0, 2, 4)}
    for row in rows:
        assert json.loads(row["source_spec"])["id"] == "rlx/GridRoom-v0"
        assert json.loads(row["target_spec"])["id"] == "rlx/GridCorridor-v0"
        assert {"python", "rlx-envs", "gymnasium", "numpy"} <= row["versions"].keys()
        assert row["shot_budget"] == 4 and "single env" in row["autoreset_mode"]
        assert row["eval_seeds"] == [EVAL_SEED_BASE + i for i in range(3)]
    evals = [r for r in rows if r["arm"] != "source"]
    assert all(len(r["returns"]) == 3 and len(r["adaptation_returns"]) == r["shots"] for r in evals)


def test_seeded_runs_repeat_and_parallel_equals_serial():
    config = Config("grid-room-corridor", agent="q", **SMALL)
    assert run(config, workers=2) == run(config, workers=1) == run(config, workers=1)


def test_progress_reports_seeds_done_through_the_executor(capsys):
    calls = []
    config = Config("grid-room-corridor", agent="random", **SMALL)
    rows = run(config, workers=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert [r["seed"] for r in rows if r["arm"] == "source"] == [0, 1, 2]  # in seed order
    run(config, progress=False)
    assert capsys.readouterr().err == ""


def test_pretraining_matters_known_direction():
    """Q-learning pretrained in the room heads for the room's nearest edge: in the corridor its
    greedy 0-shot policy walks into a wall (return 0), while scratch learns the corridor."""
    rows = run(
        Config(
            "grid-room-corridor",
            agent="q",
            seeds=(0, 1, 2, 3),
            shots=(0, 30),
            source_episodes=300,
            eval_episodes=4,
        )
    )
    summary = summarise(rows, reps=200)
    assert summary["arms"]["finetune"][0]["iqm"] == 0.0
    assert summary["arms"]["scratch"][30]["iqm"] == 1.0
    assert summary["transfer_percentage"]["finetune"] < 100


def test_cli_writes_rows_summary_and_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    argv = [
        "transfer",
        "grid-room-maze",
        "--agent",
        "rlx_envs.agents:RandomAgent",
        "--seeds",
        "2",
        "--shots",
        "0,2",
        "--source-episodes",
        "5",
        "--eval-episodes",
        "2",
        "--out",
        str(tmp_path),
        "--plots",
        "--format",
        "csv",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "grid-room-maze-rlx_envs.agents.RandomAgent"
    for name in ("rows.csv", "summary.json", "kshot.png", "learning.png", "transfer_matrix.png"):
        assert (folder / name).stat().st_size > 0
    assert "| scratch | 2 |" in out


def test_cli_lists_the_pairs(capsys):
    assert main(["transfer", "--list"]) == 0
    assert "grid-room-corridor" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pair": "lobby"}, r"valid pairs: \['grid-room-corridor'"),
        ({"pair": "grid-room-maze", "shots": (0, -1)}, "shot counts must be integers >= 0"),
        (
            {"pair": "grid-room-maze", "agent": "dqn"},
            r"valid: \['ars', 'bootstrapped-q', 'q', 'random', 'soft-q'\]",
        ),
        ({"pair": "grid-room-maze", "seeds": (10_000,)}, "training and evaluation seeds overlap"),
        ({"pair": "grid-room-maze", "seeds": (1, 1)}, "seeds must be distinct"),
        ({"pair": "grid-room-maze", "source_episodes": -5}, "source_episodes must be"),
    ],
)
def test_bad_configs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Config(**kwargs)
