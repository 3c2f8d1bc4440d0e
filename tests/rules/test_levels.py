"""The level format, its error messages, the shipped levels and the solvability checker."""

import pytest

from rlx_envs.envs.minimontezuma.env import resolve_level
from rlx_envs.rules.minimontezuma.checker import check_level, solve
from rlx_envs.rules.minimontezuma.level import LevelError, load_level, parse_level, shipped_levels

GOOD = """title: tiny
map:
AB

room A:
#####
#@.r.
#####

room B:
#####
.R.E#
#####
"""


def test_parse_small_level():
    lv = parse_level(GOOD, source="tiny.txt")
    assert (lv.width, lv.height, lv.num_rooms, lv.title) == (5, 3, 2, "tiny")
    assert (lv.start_room, lv.start_x, lv.start_y) == (0, 1, 1)
    # neighbours: A's right is B, B's left is A, nothing else
    assert lv.neighbours[0:4] == (-1, 1, -1, -1) and lv.neighbours[4:8] == (0, -1, -1, -1)
    assert lv.num_objects == 2


def test_known_solution_of_small_level():
    sol = solve(parse_level(GOOD))
    # two steps to the key, two more into room B, one bump opens the door, three to the exit
    assert sol.solvable and len(sol.actions) == 8
    assert sol.steps_to_first_key == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("#@.r.", "#@.rQ"), r"bad\.txt:7:5: unknown glyph 'Q'; valid glyphs:"),
        (GOOD.replace("#@.r.", "#@.r"), r"bad\.txt:7: ragged row: 4 cells, every row needs 5"),
        (GOOD.replace("#@.r.", "#@..."), r"bad\.txt:12:2: red door but no red key"),
        (GOOD.replace("#@.r.", "#..r."), r"exactly one start '@', found 0"),
        (GOOD.replace("#@.r.", "#@@r."), r"exactly one start '@', found 2"),
        (GOOD.replace(".R.E#", ".R..#"), r"at least one exit 'E'"),
        (GOOD.replace("AB\n", "AC\n"), r"bad\.txt:3:2: map names room 'C'"),
        (GOOD.replace("AB\n", "A\n"), r"bad\.txt:10: room 'B' is not placed in the map"),
        (GOOD.replace("title: tiny", "speed: 3"), r"bad\.txt:1: unknown header key 'speed'"),
        (GOOD.replace("title: tiny", "laser_period: x"), r"laser_period must be an integer"),
        ("laser_period: 4\nlaser_on: 4\n" + GOOD, r"laser_on < laser_period"),
        (GOOD.replace("room B:", "room BB:"), r"room names are one letter or digit"),
    ],
)
def test_bad_levels_name_file_line_and_column(text, message):
    with pytest.raises(LevelError, match=message):
        parse_level(text, source="bad.txt")


def test_unsolvable_level_is_refused():
    walled = GOOD.replace(".R.E#", ".R#E#")
    assert not solve(parse_level(walled)).solvable
    with pytest.raises(LevelError, match="unsolvable"):
        resolve_level(walled, fall_damage_height=3)


def test_deadly_fall_makes_a_level_unsolvable_until_the_limit_is_raised():
    text = """map:
A

room A:
#####
#@..#
###.#
#...#
#...#
#...#
#.E.#
#####
"""
    lv = parse_level(text)
    assert not solve(lv, fall_damage_height=3).solvable  # the only way down is a 5-cell drop
    assert solve(lv, fall_damage_height=5).solvable


@pytest.mark.parametrize("name", shipped_levels())
def test_shipped_levels_are_solvable(name):
    check_level(load_level(name))


def test_first_room_key_takes_over_50_moves():
    sol = solve(load_level("first_room"))
    assert sol.steps_to_first_key > 50
    assert len(sol.actions) > 100


def test_unknown_level_lists_the_shipped_ones():
    with pytest.raises(LevelError, match="first_room"):
        load_level("nope")
