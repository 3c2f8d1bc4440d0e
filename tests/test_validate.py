"""The validation suite's machinery and claims, on tiny budgets (the real runs are benchmarks)."""

import json

import pytest

from rlx_envs.__main__ import main
from rlx_envs.validate import runner
from rlx_envs.validate.base import Result, Settings
from rlx_envs.validate.claims import hard_exploration, transfer_maxent


def test_every_claim_declares_its_rule_before_running():
    for name in runner.CLAIMS:
        try:
            module = runner.load(name)
        except ModuleNotFoundError:  # a claim still being written has no module yet
            continue
        assert module.NAME == name and module.STATEMENT and module.RULE
        assert callable(module.run)


def test_unknown_claim_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"valid claims: \['deep-exploration'"):
        runner.load("free-lunch")


def test_hard_exploration_runs_and_epsilon_greedy_finds_nothing_in_a_tiny_budget(tmp_path):
    run = hard_exploration.run_one("epsilon-greedy", 0, 3000)
    assert run["key_step"] is None and run["exit_step"] is None and run["cells"] > 5
    result = hard_exploration.run(Settings(seeds=1, workers=1, out=tmp_path), budget=2000)
    assert isinstance(result, Result) and result.passed is False  # nobody solves it in 2000 steps
    assert result.details["solved_fraction"] == {m: 0.0 for m in hard_exploration.METHODS}
    assert json.loads((tmp_path / "details.json").read_text())["budget"] == 2000


def test_transfer_claim_end_to_end_through_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(transfer_maxent, "SOURCE_EPISODES", 30)
    argv = [
        "validate",
        "--quick",
        "--claims",
        "transfer-maxent",
        "--seeds",
        "2",
        "--workers",
        "1",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "| transfer-maxent |" in out and ("PASS" in out or "FAIL" in out)
    record = json.loads((tmp_path / "results.json").read_text())
    claim = record["claims"][0]
    assert claim["rule"] == transfer_maxent.RULE and len(claim["ci"]) == 2
    assert set(record["versions"]) >= {"gymnasium", "numpy"}
