"""The transfer-maxent claim on tiny budgets: its machinery, its shape, its determinism."""

import json

import numpy as np
import pytest

from rlx_envs.apps.cli import main
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.claims import transfer_maxent as claim
from rlx_envs.apps.validate.verdict import VERDICTS

TINY = claim.Config(source_episodes=6, shots=(0, 1, 3), eval_episodes=2)


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("transfer")
    return claim.run(Settings(seeds=3, workers=1, out=out, seed=7), TINY), out


def test_each_seed_plays_exactly_its_episodes_as_it_would_alone():
    agent = claim.make_agent("q", claim.CONFIG)
    envs = claim.make_envs(claim.SOURCE_ID, 3)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, [4, 5, 6])
    returns, lengths = claim.play(envs, agent, 4, greedy=False, learn=True)
    assert returns.shape == lengths.shape == (3, 4) and np.all(lengths >= 6)  # the edge is 6 away
    assert np.all((returns == 1) | ((returns == 0) & (lengths == 100)))  # the edge, or the limit
    alone = claim.make_agent("q", claim.CONFIG)
    one = claim.make_envs(claim.SOURCE_ID, 1)
    alone.reset_batch(one.single_observation_space, one.single_action_space, [5])
    assert np.array_equal(claim.play(one, alone, 4, greedy=False, learn=True)[1], lengths[1:2])
    assert alone.draws[0] == agent.draws[1]


def test_evaluation_uses_frozen_copies_and_leaves_the_learner_alone():
    agent = claim.make_agent("soft-q", claim.CONFIG)
    envs = claim.make_envs(claim.SOURCE_ID, 2)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, [1, 2])
    claim.play(envs, agent, 20, greedy=False, learn=True)
    draws, q = agent.draws.copy(), agent.table["q"][: len(agent.table)].copy()
    eval_envs = claim.make_envs(claim.TARGET_ID, 2 * 3)
    eval_seeds = claim.evaluation_seeds(0, 2, 3)
    first = claim.evaluate(agent, eval_envs, eval_seeds, greedy=False)
    assert np.array_equal(agent.draws, draws)
    assert np.array_equal(agent.table["q"][: len(agent.table)], q)
    assert np.array_equal(claim.evaluate(agent, eval_envs, eval_seeds, greedy=False), first)
    # copy j of seed i holds seed i's values
    frozen = claim.replicate(agent, eval_seeds.ravel(), 3, envs.single_observation_space,
                             envs.single_action_space)  # fmt: skip
    cell = np.array([7, 6])
    assert np.array_equal(frozen.values_of(4, cell), agent.values_of(1, cell))


def test_result_has_every_arm_both_modes_and_the_three_judged_comparisons(tiny_result):
    result, out = tiny_result
    assert isinstance(result, Result) and result.verdict in VERDICTS
    assert set(result.arms) == set(claim.ARMS) and "random" in result.arms
    assert len(result.comparisons) == 3
    assert result.comparisons[1].arms == ("soft-pretrained", "random")
    assert result.comparisons[2].arms[1] == result.details["stronger_scratch"][claim.JUDGED]
    details = json.loads((out / "details.json").read_text())
    assert details["judged_mode"] == "sampled" and details["pilot_seeds"] == [1000, 2000]
    assert details["config"]["source_episodes"] == 6 and details["seeds_per_arm"] == 3
    for arm in ("soft-pretrained", "q-pretrained", "soft-scratch", "q-scratch"):
        for mode in ("greedy", "sampled"):
            curve = np.array(details["arms"][arm][mode]["curve_per_seed"])
            assert curve.shape == (3, 3) and np.all((curve >= 0) & (curve <= 1))
    assert set(details["comparisons"]) == {"greedy", "sampled"}
    assert details["arms"]["soft-pretrained"]["source"]["length_last_tenth"]
    random = np.array(details["arms"]["random"]["sampled"]["curve_per_seed"])
    assert np.all(random == random[:, :1])  # it learns nothing


def test_an_untrained_soft_q_is_the_random_control_on_the_same_evaluation_draws(tiny_result):
    """Soft Q with an all-zero table samples uniformly, from the same draws as the uniform
    control: their 0-shot evaluations must agree exactly (the evaluation episodes are fixed)."""
    arms = tiny_result[0].details["arms"]
    soft = np.array(arms["soft-scratch"]["sampled"]["curve_per_seed"])[:, 0]
    random = np.array(arms["random"]["sampled"]["curve_per_seed"])[:, 0]
    assert np.array_equal(soft, random)


def test_the_same_numbers_for_one_worker_and_two(tiny_result, tmp_path):
    result, _ = tiny_result
    again = claim.run(Settings(seeds=3, workers=2, out=tmp_path, seed=7), TINY)
    strip = lambda d: {a: {k: v for k, v in m.items() if k != "seconds"} for a, m in d.items()}  # noqa: E731
    assert strip(again.details["arms"]) == strip(result.details["arms"])
    assert again.comparisons == result.comparisons


def test_the_stronger_scratch_learner_is_the_one_with_the_larger_area():
    figs = {arm: {"sampled": {"area": np.array(v)}} for arm, v in
            (("soft-scratch", [0.2, 0.4]), ("q-scratch", [0.5, 0.5]))}  # fmt: skip
    assert claim.stronger_scratch(figs, "sampled") == "q-scratch"


def test_bad_designs_are_refused():
    with pytest.raises(ValueError, match="shots must rise strictly from 0"):
        claim.Config(shots=(1, 2))
    with pytest.raises(ValueError, match="source_episodes must be an integer >= 1"):
        claim.Config(source_episodes=0)
    with pytest.raises(ValueError, match="valid: \\['q', 'random', 'soft-q'\\]"):
        claim.make_agent("ppo", claim.CONFIG)


def test_transfer_claim_end_to_end_through_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(claim, "CONFIG", TINY)
    argv = ["validate", "--quick", "--claims", "transfer-maxent", "--seeds", "2",
            "--workers", "1", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "| transfer-maxent |" in out and any(v in out for v in VERDICTS)
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["claims"][0]["rule"] == claim.RULE
    assert (tmp_path / "transfer-maxent" / "details.json").is_file()
