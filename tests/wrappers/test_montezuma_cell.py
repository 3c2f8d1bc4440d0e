"""The real Montezuma's Revenge: the Go-Explore cell from the RAM, known answers on ALE's game.

Skipped where ale-py (the ``atari`` extra) is absent; CI installs it.
"""

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

import rlx_envs  # noqa: F401
from rlx_envs.agents import QLearning
from rlx_envs.wrappers import CellObservation, CountBonus, MontezumaCell
from rlx_envs.wrappers.montezuma_cell import RAM_ADDRESSES, cell_of, ram_fields

ale_py = pytest.importorskip("ale_py", reason="the real game needs the atari extra (ale-py)")
gym.register_envs(ale_py)

ID = "rlx/MontezumaRevenge-v0"
EXIT = json.loads(
    (Path(__file__).parents[1] / "data" / "montezuma_first_room_exit.json").read_text()
)
ACTIONS = [action for action, repeat in EXIT["actions_run_length"] for _ in range(repeat)]
START = [0, 1, 4, 14, 0]  # level 0, room 1, x 77 // 16, y 235 // 16, nothing held


def test_the_cell_at_reset_is_the_first_room_start_for_any_seed():
    env = gym.make(ID)
    for seed in (0, 1, 7):
        _, info = env.reset(seed=seed)
        assert info["cell"].tolist() == START
        assert (info["level"], info["room"], info["x"], info["y"], info["lives"]) == (
            0,
            1,
            77,
            235,
            5,
        )
        assert info["cell"].dtype == np.int64


def test_the_cell_follows_the_agent_and_the_fixed_sequence_leaves_the_first_room():
    env = gym.make(ID, sticky_action_prob=0.0)
    _, info = env.reset(seed=123)
    cells, rewards, rooms = {tuple(info["cell"])}, [], []
    for action in ACTIONS:
        _, reward, terminated, truncated, info = env.step(action)
        assert not (terminated or truncated)
        cells.add(tuple(info["cell"]))
        rewards.append(reward)
        rooms.append(info["room"])
    # The key at step 175, the left door at step 431, room 0 at step 437, every life kept.
    assert np.flatnonzero(rewards).tolist() == [174, 430] and sum(rewards) == 400
    assert rooms.index(0) == len(ACTIONS) - 1 and set(rooms[:-1]) == {1}
    assert info["cell"].tolist()[:2] == [0, 0] and info["lives"] == 5
    assert len(cells) > 20  # the position moves the cell: many cells on the way


def test_the_key_shows_in_the_inventory_byte_and_the_door_takes_it():
    env = gym.make(ID, sticky_action_prob=0.0)
    env.reset(seed=0)
    inventory = [env.step(action)[4]["inventory"] for action in ACTIONS]
    assert inventory[173] == 0 and inventory[174] != 0  # the key, the moment it is taken
    assert inventory[-1] == 0  # spent on the door


def test_ram_fields_and_the_cell_read_the_documented_bytes():
    ram = np.zeros(128, np.uint8)
    for value, address in enumerate(RAM_ADDRESSES.values(), start=1):
        ram[address] = 10 * value
    fields = ram_fields(ram)
    assert fields == {"room": 10, "x": 20, "y": 30, "level": 40, "lives": 50, "inventory": 60}
    assert cell_of(fields, 8).tolist() == [40, 10, 2, 3, 60]
    with pytest.raises(ValueError, match="128 bytes"):
        ram_fields(np.zeros(64, np.uint8))


def test_bad_input_is_refused_at_construction():
    with pytest.raises(ValueError, match="cell_size must be an integer >= 1"):
        MontezumaCell(gym.make("ALE/MontezumaRevenge-v5"), cell_size=0)
    with pytest.raises(ValueError, match="not that game"):
        MontezumaCell(gym.make("ALE/Pong-v5"))
    with pytest.raises(ValueError, match="not that game"):
        MontezumaCell(gym.make("rlx/MiniMontezumaFirstRoom-v0"))


def test_the_same_count_bonus_and_tabular_agent_run_unchanged_on_the_real_game():
    env = CountBonus(gym.make(ID, sticky_action_prob=0.0), beta=0.1)
    assert "ExactCounts" in repr(env)
    _, info = env.reset(seed=0)
    counts = [env.step(0)[4]["count"] for _ in range(5)]  # standing still: one cell, counted up
    assert counts == [1.0, 2.0, 3.0, 4.0, 5.0]

    agent = QLearning(alpha=0.5, gamma=0.99, epsilon=0.1, initial_q=1.0)
    cells = CellObservation(gym.make(ID))
    agent.reset(cells.observation_space, cells.action_space, seed=0)
    state, _ = cells.reset(seed=0)
    for _ in range(50):
        action = agent.act(state)
        next_state, reward, terminated, truncated, _ = cells.step(action)
        agent.observe(state, action, reward, next_state, terminated, truncated)
        state = next_state
    assert len(agent.table) >= 1 and state.tolist()[:2] == [0, 1]


def test_the_preprocessing_is_the_standard_one():
    env = gym.make(ID)
    assert env.observation_space.shape == (4, 84, 84) and env.action_space.n == 18
    assert env.unwrapped.ale.getFloat("repeat_action_probability") == pytest.approx(0.25)
    assert env.spec.max_episode_steps == 27_000  # ALE's 108,000 frames, 4 per step
    single = gym.make(ID, frame_stack=1, grayscale=False, screen_size=64)
    assert single.observation_space.shape == (64, 64, 3)


def test_get_state_and_set_state_replay_the_game_with_its_sticky_actions():
    env = gym.make(ID)  # sticky actions on: the generator is part of the state
    env.reset(seed=2)
    for action in ACTIONS[:40]:
        env.step(action)
    saved = env.get_wrapper_attr("get_state")()
    first = [env.step(action)[4]["cell"].tolist() for action in ACTIONS[40:120]]
    env.get_wrapper_attr("set_state")(saved)
    again = [env.step(action)[4]["cell"].tolist() for action in ACTIONS[40:120]]
    assert first == again and len({tuple(c) for c in first}) > 3
