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
