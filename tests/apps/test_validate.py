"""The validation suite's machinery: verdicts from intervals, the runner, the table, the CLI."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlx_envs.analysis.intervals import difference_ci, proportion_difference_ci, wilson_interval
from rlx_envs.apps.cli import main
from rlx_envs.apps.executor import JobError, ProgressBar, run_jobs
from rlx_envs.apps.validate import runner
from rlx_envs.apps.validate.base import Result
from rlx_envs.apps.validate.verdict import (
    FAIL,
    PASS,
    UNRESOLVED,
    Comparison,
    binding,
    combine,
)


# -- verdicts -----------------------------------------------------------------------------------
def test_a_verdict_comes_from_the_interval_not_the_point_estimate():
    assert Comparison("a", 0.4, (0.01, 0.8)).verdict == PASS
    assert Comparison("b", 0.4, (-0.01, 0.8)).verdict == UNRESOLVED  # spans 0: never PASS
    assert Comparison("c", 0.0, (0.0, 0.3)).verdict == UNRESOLVED  # touches 0
    assert Comparison("d", -0.4, (-0.8, -0.1)).verdict == FAIL  # reversed, and resolved
    with pytest.raises(ValueError):
        Comparison("e", 0.1, (0.5, 0.2))
    with pytest.raises(ValueError):
        Comparison("f", float("nan"), (0.0, 1.0))


def test_combine_and_binding():
    good = Comparison("good", 1.0, (0.5, 1.5))
    close = Comparison("close", 0.3, (0.05, 0.6))
    open_ = Comparison("open", 0.1, (-0.2, 0.4))
    bad = Comparison("bad", -1.0, (-2.0, -0.5))
    assert combine([good, close]) == PASS and binding([good, close]).name == "close"
    assert combine([good, open_]) == UNRESOLVED and binding([good, open_]).name == "open"
    assert combine([good, open_, bad]) == FAIL and binding([good, open_, bad]).name == "bad"
    with pytest.raises(ValueError):
        combine([])


def test_newcombe_and_wilson_known_answers():
    # Newcombe (1998), Table II, example (a): 56/70 against 48/80, method 11
    low, high = proportion_difference_ci(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0428, 0.3422)
    # Table I: Wilson's interval for 0/10 without and with continuity correction
    assert [round(v, 4) for v in wilson_interval(0, 10, continuity=False)] == [0.0, 0.2775]
    assert [round(v, 4) for v in wilson_interval(0, 10)] == [0.0, 0.3445]
    assert proportion_difference_ci(10, 10, 0, 10)[0] > 0.5  # decisive at 10 per arm
    low, high = proportion_difference_ci(2, 2, 0, 2)
    assert low < 0 < high  # two seeds per arm cannot resolve anything
    with pytest.raises(ValueError):
        proportion_difference_ci(4, 3, 0, 3)


@given(st.integers(1, 30), st.integers(1, 30), st.data())
def test_newcombe_interval_is_ordered_and_covers_the_estimate(na, nb, data):
    ka, kb = data.draw(st.integers(0, na)), data.draw(st.integers(0, nb))
    low, high = proportion_difference_ci(ka, na, kb, nb)
    assert -1 <= low <= ka / na - kb / nb <= high <= 1


def test_difference_ci_is_seeded():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1, 1, 20), rng.normal(0, 1, 15)
    assert difference_ci(a, b, seed=3) == difference_ci(a, b, seed=3)
    low, high = difference_ci(a, b, seed=3)
    assert low < a.mean() - b.mean() < high
    low, high = difference_ci(a, b, np.median, reps=300, seed=1)
    assert low < high


# -- the executor --------------------------------------------------------------------------------
def _square_with_seed(seed: int) -> float:
    return float(np.random.default_rng(seed).normal()) ** 2


def _fails(x: int) -> int:
    if x == 2:
        raise RuntimeError("boom")
    return x


def test_executor_keeps_job_order_and_numbers_for_any_worker_count():
    jobs = list(range(7))
    serial = run_jobs(_square_with_seed, jobs)
    assert run_jobs(_square_with_seed, jobs, workers=2, cost=lambda j: j) == serial
    seen = []
    run_jobs(_square_with_seed, jobs, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)


def test_executor_names_the_failed_job():
    with pytest.raises(JobError, match=r"job 2 \(2\) failed:[\s\S]*boom"):
        run_jobs(_fails, [0, 1, 2, 3], workers=2)
    with pytest.raises(ValueError, match="workers"):
        run_jobs(_fails, [0], workers=0)


def test_progress_bar_draws_once_per_percent(capsys):
    bar = ProgressBar("jobs", stream=sys.stdout)
    for done in range(201):
        bar(done, 200)
    out = capsys.readouterr().out
    assert out.count("\r") == 101 and out.endswith("(200/200)\n")


# -- the runner, the table and the CLI ------------------------------------------------------------
def test_every_claim_declares_its_rule_and_pilot_seeds():
    for name in runner.CLAIMS:
        module = runner.load(name)
        assert module.NAME == name and module.STATEMENT and module.RULE
        assert module.PILOT_SEEDS and 0 not in module.PILOT_SEEDS  # 0: the evaluation seed
        assert callable(module.run)


def test_unknown_claim_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"valid claims: \['deep-exploration'"):
        runner.load("free-lunch")


@pytest.fixture
def fake_claim(monkeypatch):
    module = types.ModuleType("rlx_envs.apps.validate.claims.fake")
    module.NAME, module.STATEMENT, module.RULE = "fake", "A beats B.", "A - B > 0"
    module.PILOT_SEEDS = (1000,)

    def run(settings):
        shift = 1.0 if settings.seed == 0 else -3.0
        comparisons = [Comparison("A minus B", shift, (shift - 0.5, shift + 0.5), "bootstrap",
                                  ("A", "B"))]  # fmt: skip
        return Result({"A": "1.0", "B": "0.0", "random": "0.0"}, comparisons, {"x": 1})

    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(runner.CLAIMS, "fake", module.__name__)
    return module


def test_cli_prints_every_arm_the_binding_ci_and_the_verdict(fake_claim, tmp_path, capsys):
    argv = ["validate", "--quick", "--claims", "fake", "--out", str(tmp_path), "--strict"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    row = "| fake | **A**: 1.0<br>**B**: 0.0<br>**random**: 0.0 | A minus B: 1 [0.5, 1.5] | PASS"
    assert row in out
    record = json.loads((tmp_path / "results.json").read_text())
    claim = record["claims"][0]
    assert claim["verdict"] == PASS and claim["pilot_seeds"] == [1000]
    assert claim["pilot_run"] is False and record["settings"]["seed"] == 0
    assert claim["comparisons"][0]["ci"] == [0.5, 1.5]
    # another base seed reproduces another run; --strict exits 1 on a FAIL
    assert main(argv + ["--seed", "7"]) == 1
    assert json.loads((tmp_path / "results.json").read_text())["claims"][0]["verdict"] == FAIL
