"""The command line: list, demo, play (headless) and perf."""

import pytest

import rlx_envs
from rlx_envs.apps.cli import main


def test_list_prints_every_id(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for row in rlx_envs.ENVS:
        assert row.id in out


def test_list_selects_by_tag(capsys):
    assert main(["list", "--tag", "diagnostic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["rlx/Chain-v0", "rlx/DeepSea-v0"]
    assert main(["list", "--tags"]) == 0
    assert "mujoco" in capsys.readouterr().out


def test_list_names_the_valid_tags_for_an_unknown_one():
    with pytest.raises(SystemExit, match="unknown tag 'grids'; valid tags: .*grid"):
        main(["list", "--tag", "grids"])


def test_demo_solves_the_first_room_and_saves_pictures(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "solved in" in out and "return 10400" in out
    assert (tmp_path / "start.png").stat().st_size > 1000
    assert (tmp_path / "solution.png").stat().st_size > 1000


def test_play_runs_headless(capsys):
    assert main(["play", "rlx/MiniMontezumaFirstRoom-v0", "--max-frames", "5", "--seed", "0"]) == 0
    assert "arrows" in capsys.readouterr().out


def test_play_maps_keys_to_actions():
    import pygame

    from rlx_envs.apps.play import keys_to_action
    from rlx_envs.rules.minimontezuma.rules import JUMP_LEFT, LEFT, NOOP, UP

    def pressed(*keys):
        held = set(keys)
        return type("Keys", (), {"__getitem__": lambda self, k: k in held})()

    assert keys_to_action(pressed(), pygame) == NOOP
    assert keys_to_action(pressed(pygame.K_LEFT), pygame) == LEFT
    assert keys_to_action(pressed(pygame.K_LEFT, pygame.K_SPACE), pygame) == JUMP_LEFT
    assert keys_to_action(pressed(pygame.K_UP), pygame) == UP


def test_perf_prints_a_table(capsys):
    argv = ["perf", "--env", "rlx/MiniMontezumaFirstRoom-v0", "--steps", "400", "--only", "grid"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "| ram |" in out and "| pixels |" in out and "Physics" not in out


def test_perf_physics_section(capsys):
    assert main(["perf", "--only", "physics", "--steps", "400"]) == 0
    out = capsys.readouterr().out
    assert "rlx/HopperRandom-v0 vs Hopper-v5" in out and "XML compile" in out


def test_perf_jax_table_reports_medians_of_alternating_rounds(monkeypatch, capsys):
    """The JAX section's arithmetic, on known rates (no timing): ram rows are the medians of
    the rounds, ratios the medians of each round's own ratio; the numpy anchor runs the JAX
    rollout's length for ram."""
    pytest.importorskip("jax")
    from rlx_envs.apps.perf import jax as perf_jax

    jax_rates = iter([100.0, 300.0, 200.0, 50.0])  # three ram rounds, one pixels round
    numpy_rates = iter([50.0, 100.0, 100.0, 25.0])
    navix_rates = iter([10.0, 30.0, 40.0])
    numpy_steps = []

    def numpy_rate(env_id, num_envs, mode, steps):
        numpy_steps.append((mode, steps))
        return next(numpy_rates)

    monkeypatch.setattr(perf_jax, "SIZES", (64,))
    monkeypatch.setattr(perf_jax, "jax_steps_per_second", lambda mode, n: (next(jax_rates), 1.5))
    monkeypatch.setattr(perf_jax, "batched_steps_per_second", numpy_rate)
    monkeypatch.setattr(perf_jax, "navix_steps_per_second", lambda n: next(navix_rates))
    perf_jax.jax_table()
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 64 ")]
    # ram: median 200, numpy median 100, ratios 2, 3, 2 -> 2.0x; NAVIX 30, ratios 10, 10, 5 -> 10.
    assert rows[0] == "| 64 | ram | 200 | 1.5 | 100 | 2.0x | 30 | 10.0x |"
    assert rows[1] == "| 64 | pixels | 50 | 1.5 | 25 | 2.0x | - | - |"
    assert numpy_steps == [("ram", perf_jax.ROLLOUT)] * 3 + [("pixels", perf_jax.ROLLOUT)]


def test_perf_jax_table_adds_the_gpu_targets_size_on_an_accelerator(monkeypatch, capsys):
    jax = pytest.importorskip("jax")
    from rlx_envs.apps.perf import jax as perf_jax

    class Device:
        platform = "gpu"

    monkeypatch.setattr(jax, "devices", lambda: [Device()])
    monkeypatch.setattr(perf_jax, "SIZES", (64,))
    monkeypatch.setattr(perf_jax, "ROUNDS", 1)
    monkeypatch.setattr(perf_jax, "jax_steps_per_second", lambda mode, n: (4.0 * n, 1.0))
    monkeypatch.setattr(perf_jax, "batched_steps_per_second", lambda env_id, n, mode, s: 2.0 * n)
    monkeypatch.setattr(perf_jax, "navix_steps_per_second", lambda n: None)
    perf_jax.jax_table()
    out = capsys.readouterr().out
    assert "(gpu)" in out and "| 65536 | ram | 262,144 |" in out and "| 65536 | pixels" not in out
    assert "| 64 | ram | 256 | 1.0 | 128 | 2.0x | - | - |" in out
