"""Scenario tests of the MiniMontezuma rules: tiny levels, explicit actions, known answers.

Each test builds a level as text, plays a fixed action sequence with sticky actions off and
checks exact positions, lives, rewards and step counts against docs/envs/minimontezuma.md.
Coordinates are (x, y) with y growing downwards; the agent stands in the row above a floor.
"""

import dataclasses

import numpy as np
import pytest

from rlx_envs.envs.minimontezuma.env import MiniMontezumaEnv
from rlx_envs.rules.minimontezuma.observe import decode_ram
from rlx_envs.rules.minimontezuma.rules import (
    DOWN,
    JUMP,
    JUMP_LEFT,
    JUMP_RIGHT,
    LEFT,
    NOOP,
    RIGHT,
    UP,
)

# -- helpers ---------------------------------------------------------------------------------


def level(*rooms: str, room_map: str = "A", header: str = "") -> str:
    """Level text from room bodies named A, B, C, ... in order (rows separated by newlines)."""
    parts = [header, "map:", *room_map.split(), ""]
    for i, body in enumerate(rooms):
        parts += [f"room {'ABCDEFGH'[i]}:", *body.split(), ""]
    return "\n".join(parts)


def one_room(*rows: str, header: str = "") -> str:
    return level("\n".join(rows), header=header)


@dataclasses.dataclass
class Step:
    reward: float
    terminated: bool
    info: dict
    ram: dict

    @property
    def pos(self) -> tuple[int, int]:
        return self.info["x"], self.info["y"]

    @property
    def where(self) -> tuple[int, int, int]:
        return self.info["room"], self.info["x"], self.info["y"]


def make(text: str, **kwargs) -> tuple[MiniMontezumaEnv, dict]:
    env = MiniMontezumaEnv(level=text, sticky_action_prob=0.0, obs_mode="ram", **kwargs)
    _, info = env.reset(seed=0)
    return env, info


def play(env: MiniMontezumaEnv, actions) -> list[Step]:
    out = []
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        assert not truncated
        out.append(Step(reward, terminated, info, decode_ram(obs)))
    return out


def positions(steps: list[Step]) -> list[tuple[int, int]]:
    return [s.pos for s in steps]


def lives(steps: list[Step]) -> list[int]:
    return [s.info["lives"] for s in steps]


# -- 1. gravity and fall damage --------------------------------------------------------------


def pit(depth: int) -> str:
    """Agent at (3, 1); the column x=4 drops ``depth`` cells, to land at (4, 1 + depth)."""
    return one_room("#######", "#E.@..#", *["####.##"] * depth, "#######")


@pytest.mark.parametrize(
    ("limit", "depth", "deadly"),
    [(3, 3, False), (3, 4, True), (4, 4, False), (4, 5, True), (1, 1, False), (1, 2, True)],
)
def test_fall_damage_height_is_survived_one_more_cell_costs_a_life(limit, depth, deadly):
    """Walking off a ledge falls one cell per step, with no sideways control (LEFT is ignored); a
    fall of exactly `fall_damage_height` cells is survived, one cell more costs a life on the
    landing step (and respawns at the start)."""
    env, _ = make(pit(depth), fall_damage_height=limit)
    steps = play(env, [RIGHT] + [LEFT] * (depth - 1))
    assert positions(steps[:-1]) == [(4, 1 + i) for i in range(1, depth)]
    assert not any(s.info["life_lost"] for s in steps[:-1])
    last = steps[-1]
    assert last.info["life_lost"] is deadly
    assert last.pos == ((3, 1) if deadly else (4, 1 + depth))
    assert last.info["lives"] == (4 if deadly else 5)
    assert last.ram["fall"] == 0 and not last.terminated


# -- 2. ladders ------------------------------------------------------------------------------

LADDER = one_room(
    "#########",
    "#...@...#",  # y=1: the floor above; the ladder's top is below the agent
    "####H####",
    "#...H...#",
    "#.E.H...#",  # y=4: the ladder's foot
    "#########",
)


def test_ladder_down_from_floor_above_then_up_and_out_at_the_top():
    """DOWN on the floor above climbs in; DOWN at the foot is blocked; UP climbs and steps out onto
    the floor above; UP there does nothing."""
    env, _ = make(LADDER)
    steps = play(env, [DOWN, DOWN, DOWN, DOWN, UP, UP, UP, UP])
    assert positions(steps) == [(4, 2), (4, 3), (4, 4), (4, 4), (4, 3), (4, 2), (4, 1), (4, 1)]
    assert lives(steps) == [5] * 8


def test_walking_off_mid_ladder_falls_and_jumping_mid_ladder_does_nothing():
    """Mid-ladder JUMP is ignored; RIGHT steps off into the air and falls in the same step."""
    env, _ = make(LADDER)
    steps = play(env, [DOWN, DOWN, JUMP, RIGHT, NOOP])
    assert positions(steps) == [(4, 2), (4, 3), (4, 3), (5, 4), (5, 4)]
    assert steps[2].ram["jump"] == 0


# -- 3. ropes --------------------------------------------------------------------------------

ROPE = one_room(
    "##########",
    "#........#",
    "#...|....#",  # y=2: the rope's top
    "#...|....#",
    "#.@.|...E#",  # y=4: the rope's bottom, level with the floor
    "####.#####",  # a pit two cells deep under the rope
    "####.#####",
    "##########",
)


def test_walk_into_rope_climb_it_and_left_right_jump_do_nothing():
    """Walking into a rope holds on (no fall); UP climbs to its top and no further; LEFT, RIGHT
    and a straight JUMP leave the agent where it is."""
    env, _ = make(ROPE)
    steps = play(env, [RIGHT, RIGHT, UP, UP, UP, LEFT, RIGHT, JUMP, NOOP])
    assert positions(steps) == [(3, 4), (4, 4), (4, 3), (4, 2), (4, 2)] + [(4, 2)] * 4


def test_jump_into_rope_grabs_it_and_ends_the_jump():
    """JUMP_RIGHT from the floor: the take-off cell is on the rope, so the jump ends there."""
    env, _ = make(ROPE)
    steps = play(env, [RIGHT, JUMP_RIGHT, NOOP, NOOP])
    assert positions(steps) == [(3, 4), (4, 3), (4, 3), (4, 3)]
    assert steps[1].ram["jump"] == 0


@pytest.mark.parametrize(
    ("action", "path"),
    [(JUMP_RIGHT, [(5, 3), (6, 4)]), (JUMP_LEFT, [(3, 3), (2, 4)])],
)
def test_sideways_jump_leaves_the_rope(action, path):
    """From the rope's bottom (4, 4) a sideways jump goes up one and over one, then over one
    more and down: it lands two cells away on the floor."""
    env, _ = make(ROPE)
    steps = play(env, [RIGHT, RIGHT, action, NOOP, NOOP])
    assert positions(steps)[2:] == path + [path[-1]]
    assert steps[2].ram["jump"] == 1 and steps[3].ram["jump"] == 0


def test_down_past_the_rope_end_lets_go():
    """DOWN at the rope's bottom climbs into the air below and gravity takes over in the same
    step: the agent lands on the pit floor two cells down."""
    env, _ = make(ROPE)
    steps = play(env, [RIGHT, RIGHT, DOWN, UP])
    assert positions(steps) == [(3, 4), (4, 4), (4, 6), (4, 6)]  # UP: no rope to climb any more
    assert lives(steps) == [5] * 4


def test_a_deadly_drop_from_a_rope_end_costs_a_life_like_one_from_a_ledge():
    """Hanging from the rope's end at y=1 or standing at y=1, landing at y=5 is a 4-cell drop
    (> 3): it costs a life either way. Off the rope, DOWN lets go into (4, 2), the first cell of
    the fall, and gravity takes the agent on to (4, 3) in the same step."""
    rows = ["#########", "#.@.|..E#", *["####.####"] * 4, "#########"]
    ledge, _ = make(one_room(rows[0], "#.@....E#", *rows[2:]))
    assert play(ledge, [RIGHT, RIGHT, NOOP, NOOP, NOOP])[-1].info["life_lost"]
    rope, _ = make(one_room(*rows))
    steps = play(rope, [RIGHT, RIGHT, DOWN, NOOP, NOOP])
    # The landing at (4, 5) costs a life; the agent respawns at the start, (2, 1).
    assert positions(steps) == [(3, 1), (4, 1), (4, 3), (4, 4), (2, 1)]
    assert steps[-1].info["life_lost"] and lives(steps) == [5, 5, 5, 5, 4]


# -- 4. jumps and skulls ---------------------------------------------------------------------


def lava_run(lava: str) -> str:
    return one_room("#########", "#.......#", f"#E.@{lava:.<4}#", "#########")


@pytest.mark.parametrize(("lava", "landing", "life"), [("^", (5, 2), 5), ("^^", (3, 2), 4)])
def test_jump_clears_exactly_one_lava_cell(lava, landing, life):
    """JUMP_RIGHT goes up one and over one, then over one more and down, in two steps (jump phase
    1 then 0): lava at x=4 is never entered; lava at x=4 and x=5 is landed in, costing a life
    and respawning at the start (3, 2)."""
    env, _ = make(lava_run(lava))
    steps = play(env, [JUMP_RIGHT, NOOP])
    assert positions(steps) == [(4, 1), landing]
    assert [s.ram["jump"] for s in steps] == [1, 0]
    assert lives(steps) == [5, life] and steps[1].info["life_lost"] is (life == 4)


# A one-cell block at (4, 3): JUMP_RIGHT from (3, 3) takes off onto the top of it.
BLOCK = one_room("#########", "#.......#", "#.......#", "#E.@#...#", "#########")


@pytest.mark.parametrize("second", range(8))
def test_second_step_of_a_jump_ignores_the_action(second):
    """After take-off the agent stands on the block at (4, 2), where an action would count; yet
    whatever the second action, the jump carries on right and down to (5, 3). JUMP goes straight
    up and comes back down to (3, 3)."""
    env, _ = make(BLOCK)
    assert positions(play(env, [JUMP_RIGHT, second])) == [(4, 2), (5, 3)]
    env, _ = make(BLOCK)
    assert positions(play(env, [JUMP, second])) == [(3, 2), (3, 3)]


# The skull starts at x=8 heading right, turns at the wall and walks left: x = 8 - t after step t.
SKULL = one_room("##########", "#........#", "#E..@...S#", "##########")


def test_jump_over_a_skull_with_the_right_timing():
    """Wait two steps, then JUMP_RIGHT: the skull passes under the agent and is behind it on
    landing."""
    env, _ = make(SKULL)
    steps = play(env, [NOOP, NOOP, JUMP_RIGHT, NOOP])
    assert [s.ram["skull_x"][0] for s in steps] == [7, 6, 5, 4]
    assert positions(steps) == [(4, 2), (4, 2), (5, 1), (6, 2)]
    assert lives(steps) == [5] * 4


@pytest.mark.parametrize(
    ("actions", "meeting"),
    [([RIGHT, RIGHT], "same cell"), ([NOOP, RIGHT, RIGHT], "swapping cells"),
     ([JUMP_RIGHT, NOOP], "jumping too early: landing at x=6 as the skull gets there")],
)  # fmt: skip
def test_meeting_a_skull_costs_a_life(actions, meeting):
    """Meeting the skull on the last step costs a life: the agent respawns at the start (4, 2) and
    the skull goes back to its start (x=8)."""
    env, _ = make(SKULL)
    steps = play(env, actions)
    assert lives(steps) == [5] * (len(actions) - 1) + [4], meeting
    assert steps[-1].info["life_lost"] and steps[-1].pos == (4, 2)
    assert steps[-1].ram["skull_x"][0] == 8


# -- 5. keys and doors -----------------------------------------------------------------------

# x:        0123456789A
DOORS = one_room("###########", "#E.R.@.g.r#", "###########")


def test_key_pickup_gives_100_and_inventory_once():
    """Entering a key's cell gives 100 and the key; coming back to the cell gives nothing."""
    env, _ = make(DOORS)
    steps = play(env, [RIGHT, RIGHT, LEFT, RIGHT])
    assert [s.reward for s in steps] == [0, 100, 0, 0] and steps[1].pos == (7, 1)
    assert list(steps[-1].info["inventory"]) == [0, 1, 0, 0]  # red, green, blue, yellow


def test_door_blocks_without_a_key_of_its_colour():
    """Without a key, or with only the green key, moving into the red door leaves the agent in
    place with no reward, and the green key is kept."""
    env, _ = make(DOORS)
    steps = play(env, [LEFT, LEFT, LEFT])
    assert positions(steps) == [(4, 1)] * 3 and [s.reward for s in steps] == [0, 0, 0]
    steps = play(env, [RIGHT, RIGHT, RIGHT] + [LEFT] * 4)  # the green key, then back to the door
    assert steps[2].reward == 100 and positions(steps[-2:]) == [(4, 1), (4, 1)]
    assert steps[-1].reward == 0 and list(steps[-1].info["inventory"]) == [0, 1, 0, 0]


def test_matching_key_opens_door_agent_stays_put_then_passes():
    """With the red key, the bump opens the door (300, red key used up, agent stays at x=4);
    the next LEFT walks into the open doorway, two more reach the exit."""
    env, _ = make(DOORS)
    steps = play(env, [RIGHT] * 4 + [LEFT] * 5)
    assert steps[3].reward == 100 and list(steps[3].info["inventory"]) == [1, 1, 0, 0]
    assert steps[-1].pos == (4, 1)
    steps = play(env, [LEFT, LEFT, LEFT, LEFT])
    assert positions(steps) == [(4, 1), (3, 1), (2, 1), (1, 1)]
    assert [s.reward for s in steps] == [300, 0, 0, 10000]
    assert list(steps[0].info["inventory"]) == [0, 1, 0, 0]
    assert [s.terminated for s in steps] == [False, False, False, True]


# -- 6. laser timing -------------------------------------------------------------------------

LASER = one_room("#######", "#E.@!.#", "#######", header="laser_period: 6\nlaser_on: 2")


@pytest.mark.parametrize("wait", range(7))
def test_laser_kills_only_while_on(wait):
    """Entering the laser on step n is judged with clock = n % 6: deadly at clock 0 or 1 only."""
    env, _ = make(LASER)
    last = play(env, [NOOP] * wait + [RIGHT])[-1]
    clock = (wait + 1) % 6
    assert last.ram["clock"] == clock
    deadly = clock < 2
    assert last.info["life_lost"] is deadly
    assert last.pos == ((3, 1) if deadly else (4, 1))


def test_standing_in_a_laser_when_it_turns_on_costs_a_life():
    """Entered on step 2 (clock 2, off), the gate is safe through clock 5 and kills on step 6."""
    env, _ = make(LASER)
    steps = play(env, [NOOP, RIGHT, NOOP, NOOP, NOOP, NOOP])
    assert positions(steps) == [(3, 1)] + [(4, 1)] * 4 + [(3, 1)]
    assert lives(steps) == [5] * 5 + [4]


# -- 7. lives and respawn --------------------------------------------------------------------

KEY_THEN_LAVA = one_room("#######", "#E.@r^#", "#######")


def test_respawn_at_room_entry_keeps_keys():
    """Key (100), then lava: the agent respawns at the start with the key; the key is gone."""
    env, start = make(KEY_THEN_LAVA)
    assert start["lives"] == 5
    steps = play(env, [RIGHT, RIGHT, RIGHT])
    assert [s.reward for s in steps] == [100, 0, 0]
    assert positions(steps) == [(4, 1), (3, 1), (4, 1)]
    assert [s.info["life_lost"] for s in steps] == [False, True, False]
    assert lives(steps) == [5, 4, 4]
    assert list(steps[-1].info["inventory"]) == [1, 0, 0, 0]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_losing_the_last_life_terminates(n):
    """With `lives=n` the n-th death ends the episode with terminated=True; earlier ones don't."""
    env, start = make(KEY_THEN_LAVA, lives=n)
    assert start["lives"] == n
    steps = play(env, [RIGHT, RIGHT] + [RIGHT, RIGHT] * (n - 1))
    deaths = steps[1::2]
    assert [s.info["lives"] for s in deaths] == list(range(n - 1, -1, -1))
    assert [s.terminated for s in steps] == [False] * (2 * n - 1) + [True]
    assert steps[-1].reward == 0 and steps[-1].info["life_lost"]


def test_dying_at_jump_take_off_does_not_carry_the_jump_past_respawn():
    """Jumping into a laser (on at clock 1) respawns the agent at the start, not in the air and not
    mid-jump: its next action (LEFT) is obeyed."""
    rows = ("########", "#......#", "#...!..#", "#E.@!..#", "########")
    env, _ = make(one_room(*rows, header="laser_period: 4\nlaser_on: 2"))
    steps = play(env, [JUMP_RIGHT, LEFT])
    assert steps[0].info["life_lost"] and steps[0].pos == (3, 3)
    assert steps[0].ram["jump"] == 0
    assert steps[1].pos == (2, 3)


# -- 8. rooms --------------------------------------------------------------------------------

# A B      A's left edge and every other outer edge have no neighbour.
# . C      B's ladder (x=4) runs down through its bottom row into C's top row.
ROOMS = level(
    "######\n......\n@.....\n######\n######",
    "######\n......\n.^..H.\n####H#\n####H#",
    "####H#\n....H.\n.E..H^\n######\n######",
    room_map="AB\n.C",
)


def test_edge_without_neighbour_is_a_wall_edge_with_one_leads_there():
    """LEFT at A's left edge, which has no neighbour, is blocked as by a wall; six RIGHTs from
    (0, 2) cross into room B at x=0; LEFT goes back to A at x=width-1."""
    env, start = make(ROOMS)
    assert (start["room"], start["x"], start["y"], start["rooms_visited"]) == (0, 0, 2, 1)
    steps = play(env, [LEFT] + [RIGHT] * 6 + [LEFT])
    assert [s.where for s in steps] == [(0, x, 2) for x in range(6)] + [(1, 0, 2), (0, 5, 2)]
    steps = steps[1:]
    assert steps[5].info["rooms_visited"] == 2 and steps[5].ram["entry_room"] == 1


def test_ladder_leads_into_the_room_below_and_respawn_follows_room_entry():
    """Lava in B respawns at B's entry (0, 2), not at A's start; the ladder leads from B's bottom
    row into C's top row (and back up); lava in C respawns at C's entry (4, 0); from the ladder's
    foot the agent walks to the exit."""
    env, _ = make(ROOMS)
    steps = play(env, [RIGHT] * 6 + [RIGHT])  # into B, then onto the lava at (1, 2)
    assert steps[-1].info["life_lost"] and steps[-1].where == (1, 0, 2)
    steps = play(env, [JUMP_RIGHT, NOOP, RIGHT, RIGHT, DOWN, DOWN, DOWN, DOWN, DOWN])
    assert [s.where for s in steps] == [
        (1, 1, 1), (1, 2, 2), (1, 3, 2), (1, 4, 2),  # over the lava, onto the ladder
        (1, 4, 3), (1, 4, 4), (2, 4, 0), (2, 4, 1), (2, 4, 2),  # down into C
    ]  # fmt: skip
    assert steps[6].info["rooms_visited"] == 3
    up_and_back = play(env, [UP, UP, UP, DOWN, DOWN, DOWN])  # up into B's bottom row and back
    assert [s.where for s in up_and_back] == [(2, 4, 1), (2, 4, 0), (1, 4, 4), (2, 4, 0),
                                              (2, 4, 1), (2, 4, 2)]  # fmt: skip
    steps = play(env, [RIGHT])  # the lava at C's (5, 2)
    assert steps[0].info["life_lost"] and steps[0].where == (2, 4, 0)
    assert steps[0].info["lives"] == 3
    steps = play(env, [DOWN, DOWN, LEFT, LEFT, LEFT])
    assert steps[-1].where == (2, 1, 2) and steps[-1].terminated and steps[-1].reward == 10000


# -- 9. exit and rewards ---------------------------------------------------------------------

EXIT = one_room("#######", "#@r..E#", "#######")


@pytest.mark.parametrize(
    ("kwargs", "key", "exit_"),
    [
        ({}, 100, 10000),
        ({"reward_scale": 0.01}, 1, 100),
        ({"rewards": {"exit": 5.0}}, 100, 5),
        ({"rewards": {"key": 2.0, "exit": 5.0}, "reward_scale": 10.0}, 20, 50),
    ],
)
def test_exit_ends_the_episode_with_the_exit_reward(kwargs, key, exit_):
    """Four RIGHTs: key, two empty cells, exit; the scores follow `rewards` x `reward_scale`."""
    env, _ = make(EXIT, **kwargs)
    steps = play(env, [RIGHT] * 4)
    assert np.allclose([s.reward for s in steps], [key, 0, 0, exit_])
    assert [s.terminated for s in steps] == [False, False, False, True]
    assert steps[-1].pos == (5, 1) and steps[-1].info["lives"] == 5
