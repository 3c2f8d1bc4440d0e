"""The baselines table and the Go-Explore claim on tiny budgets (the real runs are recorded in
docs/baselines.md and docs/validation.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rlx_envs.apps.baselines import methods, table
from rlx_envs.apps.cli import main
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.claims import go_explore as claim
from rlx_envs.apps.validate.verdict import VERDICTS

FIELDS = {"level", "method", "seed_index", "agent_seed", "env_seed", "best_score", "rooms",
          "exit_step", "curve", "budget"}  # fmt: skip


@pytest.mark.parametrize("group", methods.groups(), ids=lambda g: "+".join(g))
def test_every_method_group_gives_one_record_per_seed(group):
    records = methods.run_group("lesson_climb", group, seeds=2, base=5, budget=400)
    assert [r["method"] for r in records] == [m for m in group for _ in range(2)]
    for r in records:
        assert set(r) == FIELDS and r["budget"] == 400 and r["rooms"] >= 1
        assert len(r["curve"]) == methods.CHECKPOINTS and r["curve"][-1] == r["rooms"]
        assert r["curve"] == sorted(r["curve"])  # rooms visited never shrink


def test_go_explore_reaches_the_exit_of_a_teaching_level_where_random_does_not():
    go = methods.run_group("lesson_climb", ("go-explore",), seeds=2, base=0, budget=20_000)
    assert all(r["exit_step"] is not None and r["best_score"] >= 10_000 for r in go)
    rand = methods.run_group("lesson_climb", ("random",), seeds=2, base=0, budget=2_000)
    assert all(r["exit_step"] is None for r in rand)


def test_the_same_seeds_give_the_same_records_and_every_method_the_same_env_seeds():
    first = methods.run_group("lesson_keys", ("simhash",), seeds=2, base=3, budget=300)
    again = methods.run_group("lesson_keys", ("simhash",), seeds=2, base=3, budget=300)
    assert first == again
    other = methods.run_group("lesson_keys", ("bootstrapped",), seeds=2, base=3, budget=300)
    assert [r["env_seed"] for r in first] == [r["env_seed"] for r in other]


def test_bad_levels_and_methods_are_refused():
    with pytest.raises(ValueError, match="unknown level 'nowhere'; valid levels"):
        methods.run_group("nowhere", ("random",), 1, 0, 10)
    with pytest.raises(ValueError, match="unknown methods"):
        methods.run_group("pyramid", ("dqn",), 1, 0, 10)


def test_the_table_has_intervals_and_the_same_numbers_on_any_worker_count(tmp_path, monkeypatch):
    monkeypatch.setitem(table.BUDGET, True, {level: 300 for level in methods.LEVELS})
    runs = [table.run(quick=True, seeds=2, workers=w, levels=["lesson_climb"],
                      out=tmp_path / str(w), progress=False) for w in (1, 2)]  # fmt: skip
    assert runs[0]["records"] == runs[1]["records"] and runs[0]["rows"] == runs[1]["rows"]
    rows = runs[0]["rows"]
    assert [r["method"] for r in rows] == list(methods.METHODS)
    for row in rows:
        for key in ("best_score", "rooms", "exit_fraction", "steps_to_exit"):
            low, high = row[key + "_ci"]
            assert low <= row[key] <= high or key == "exit_fraction"
    saved = json.loads((tmp_path / "1" / "baselines.json").read_text())
    assert saved["pilot_seeds"] == list(table.PILOT_SEEDS) and saved["rows"] == rows
    md = (tmp_path / "1" / "baselines.md").read_text().splitlines()
    assert len(md) == 2 + len(methods.METHODS) and md[2].startswith("| lesson_climb | random |")


def test_summaries_known_answers():
    records = [{"level": "pyramid", "method": "count", "best_score": s, "rooms": r,
                "exit_step": e, "budget": 100, "curve": [r]}
               for s, r, e in ((0, 1, None), (100, 3, 40), (200, 2, 60))]  # fmt: skip
    (row,) = table.summarise(records)
    assert row["best_score"] == 100 and row["rooms"] == 2 and row["exit_fraction"] == 2 / 3
    assert row["steps_to_exit"] == 60  # the median of 40, 60 and the censored 100
    assert "| pyramid | count | 100 [" in table.markdown([row])


def test_the_cli_runs_the_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(table.BUDGET, True, {level: 200 for level in methods.LEVELS})
    out = tmp_path / "b"
    argv = ["baselines", "--quick", "--levels", "lesson_keys", "--seeds", "2", "--workers", "1",
            "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| lesson_keys | go-explore |" in printed and (out / "baselines.json").exists()


def test_the_go_explore_claim_judges_rooms_quick_and_the_exit_in_full(tmp_path, monkeypatch):
    monkeypatch.setitem(claim.BUDGET, True, 600)
    monkeypatch.setitem(claim.BUDGET, False, 600)
    quick = claim.run(Settings(quick=True, seeds=3, workers=1, out=tmp_path / "q"))
    assert isinstance(quick, Result) and quick.verdict in VERDICTS
    assert [c.arms for c in quick.comparisons] == [c[:2] for c in claim.COMPARED[:3]]
    full = claim.run(Settings(quick=False, seeds=3, workers=1, out=tmp_path / "f"))
    assert full.comparisons[-1].method == "newcombe" and full.comparisons[-1].arms == (
        "go-explore",
        "count",
    )
    assert set(quick.arms) == set(claim.ARMS)
    details = json.loads((tmp_path / "q" / "details.json").read_text())
    assert details["pilot_seeds"] == list(claim.PILOT_SEEDS) and len(details["runs"]) == 12


def test_the_perf_section_measures_go_explore_against_the_bare_batch(monkeypatch, capsys):
    from rlx_envs.apps.perf import agents

    monkeypatch.setattr(agents, "EXPLORE_ENVS", 16)
    monkeypatch.setattr(agents, "EXPLORE_BUDGETS", (20,))
    agents.go_explore_table()
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("| 320 |") and line.endswith("x |")
    assert np.isfinite(float(line.split("|")[-2].strip().rstrip("x")))
