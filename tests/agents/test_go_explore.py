"""Go-Explore's exploration phase: known answers on tiny levels, honest replays, determinism."""

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlx_envs  # noqa: F401
from rlx_envs.agents import go_explore
from rlx_envs.agents.go_explore import FRAME_SIZE, GoExplore, OneEnv, replay, robustness
from rlx_envs.rules.minimontezuma.checker import reachable_cells
from rlx_envs.rules.minimontezuma.level import load_level

CLIMB = "rlx/MiniMontezumaClimb-v0"


def _envs(env_id=CLIMB, n=16, **kwargs):
    return gym.make_vec(env_id, num_envs=n, vectorization_mode="vector_entry_point",
                        sticky_action_prob=0.0, **kwargs)  # fmt: skip


def _single(env_id):
    return lambda sticky: gym.make(env_id, sticky_action_prob=sticky)


def test_on_a_tiny_level_the_archive_holds_every_reachable_cell_and_nothing_else():
    agent = GoExplore(seed=0)
    archive = agent.run(_envs(), budget=20_000, seed=0)
    found = {tuple(int(v) for v in cell) for cell in archive.cells}
    assert found == reachable_cells(load_level("lesson_climb"))  # 78 cells, by search
    assert len(archive) == len(found)  # one entry per cell
    assert agent.best_ending is not None and agent.best_ending[0] == 10_000  # the exit


def test_every_archived_trajectory_replays_to_its_cell_and_score():
    agent = GoExplore(seed=1)
    archive = agent.run(_envs("rlx/MiniMontezumaKeys-v0", n=8), budget=15_000, seed=4)
    env = gym.make("rlx/MiniMontezumaKeys-v0", sticky_action_prob=0.0)
    for position in np.random.default_rng(0).choice(len(archive), 15, replace=False).tolist():
        _, info = env.reset(seed=4)
        total = 0.0
        for action in archive.trajectory[position].tolist():
            _, reward, _, _, info = env.step(action)
            total += reward
        assert tuple(info["cell"]) == tuple(archive.cells[position].tolist())
        assert total == archive.score[position]
        assert len(archive.trajectory[position]) == archive.length[position]


def test_the_best_ending_is_robust_without_sticky_actions_and_reported_with_them():
    agent = GoExplore(seed=0)
    agent.run(_envs(), budget=20_000, seed=0)
    score, trajectory = agent.best_trajectory()
    assert replay(_single(CLIMB), trajectory, seed=0) == score == 10_000
    check = robustness(_single(CLIMB), trajectory, score, seed=0, replays=8)
    assert check["deterministic"] and check["replayed"] == 10_000
    assert 0.0 <= check["sticky_success"] <= 1.0 and check["sticky_action_prob"] == 0.25


def test_the_same_seed_gives_the_same_archive_and_another_seed_another():
    runs = []
    for seed in (3, 3, 4):
        agent = GoExplore(seed=seed)
        archive = agent.run(_envs("rlx/MiniMontezumaKeys-v0", n=4), budget=3_000, seed=0)
        runs.append(([c.tolist() for c in archive.cells], archive.score.tolist(), agent.history))
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[2][0]


def test_frame_cells_from_pixels_are_the_downscaled_frame():
    agent = GoExplore(cell="frame", seed=0)
    archive = agent.run(_envs(n=4, obs_mode="pixels"), budget=2_000, seed=0)
    assert len(archive) > 1
    assert archive.cells[0].shape == (FRAME_SIZE[0] * FRAME_SIZE[1],)
    assert archive.cells[0].max() < 8  # eight grey levels


def test_a_custom_cell_function_and_the_history():
    agent = GoExplore(cell=lambda obs, infos: infos["cell"][:, :1], seed=0)  # rooms only
    archive = agent.run(_envs("rlx/MiniMontezumaKeys-v0", n=4), budget=5_000, seed=0)
    assert {int(c[0]) for c in archive.cells} <= {0, 1}
    assert agent.history[-1]["steps"] >= 5_000 and agent.history[-1]["cells"] == len(archive)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown cell"):
        GoExplore(cell="pixels")
    with pytest.raises(ValueError, match="explore_steps must be an integer >= 1"):
        GoExplore(explore_steps=0)
    with pytest.raises(ValueError, match="repeat must be a number"):
        GoExplore(repeat=1.5)
    with pytest.raises(ValueError, match="budget must be an integer >= 1"):
        GoExplore().run(_envs(n=2), budget=0)


def test_go_explore_on_the_real_game_returns_through_ale_states():
    pytest.importorskip("ale_py", reason="the real game needs the atari extra")
    from rlx_envs.presets import montezuma_revenge

    game = montezuma_revenge(sticky_action_prob=0.0, frame_stack=1)
    agent = GoExplore(seed=0)
    archive = agent.run(OneEnv(game), budget=600, seed=0)
    assert len(archive) > 3 and {int(c[1]) for c in archive.cells} == {1}  # room 1 at first
    position = int(np.argmax(archive.length))  # the farthest cell replays from reset
    env = montezuma_revenge(sticky_action_prob=0.0, frame_stack=1)
    _, info = env.reset(seed=0)
    for action in archive.trajectory[position].tolist():
        _, _, _, _, info = env.step(action)
    assert info["cell"].tolist() == archive.cells[position].tolist()


# -- the archive's parts ------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(batches=st.lists(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=12), max_size=12))
def test_the_cell_index_finds_each_hash_put_and_minus_one_for_the_rest(batches):
    index, known = go_explore._CellIndex(), {}
    for batch in batches:
        for key in dict.fromkeys(batch):  # distinct within the batch, in order
            if key not in known:
                known[key] = len(known)
                index.put_many(np.array([key], np.int64), np.array([known[key]]))
        wanted = np.array(batch + [7, -7], np.int64)
        expected = [known.get(int(k), -1) for k in wanted]
        assert index.find(wanted).tolist() == expected


def test_cell_keys_tell_apart_every_cell_of_a_grid_and_repeat():
    cells = np.array(np.meshgrid(*[np.arange(-3, 9)] * 4)).reshape(4, -1).T  # 20,736 cells
    keys = go_explore.cell_keys(cells)
    assert len(np.unique(keys)) == len(cells) and keys.dtype == np.int64
    assert (go_explore.cell_keys(cells[::-1]) == keys[::-1]).all()
    assert go_explore.cell_keys(np.zeros((0, 4), int)).shape == (0,)


def test_a_cell_keeps_only_its_steps_and_its_trajectory_is_the_whole_way():
    first = (None, np.array([1, 2], np.int16))
    second = (first, np.array([3], np.int16))
    assert go_explore._actions(None).tolist() == []
    assert go_explore._actions(second).tolist() == [1, 2, 3]
    archive = go_explore.Archive()
    positions = archive.add_many(np.array([5, 9]), np.array([[0, 1], [2, 3]]), step=4)
    assert positions.tolist() == [0, 1] and archive.found_at.tolist() == [4, 4]
    archive.ways[1] = second
    assert archive.trajectory[1].tolist() == [1, 2, 3] and len(archive.trajectory) == 2
    assert archive.positions(np.array([9, 5, 6])).tolist() == [1, 0, -1]


class _TuplesOnly:
    """A batch that offers only ``get_state``/``set_state`` (as a single env or the real game
    does): Go-Explore keeps its snapshots in a list."""

    def __init__(self, envs):
        self.envs = envs
        self.num_envs, self.single_action_space = envs.num_envs, envs.single_action_space
        self.reset, self.step = envs.reset, envs.step
        self.get_state, self.set_state = envs.get_state, envs.set_state


def test_snapshots_kept_as_one_table_or_as_a_list_give_the_same_archive():
    runs = []
    for wrap in (lambda envs: envs, _TuplesOnly):
        agent = GoExplore(seed=5)
        archive = agent.run(wrap(_envs("rlx/MiniMontezumaKeys-v0", n=8)), budget=4_000, seed=1)
        runs.append((archive, agent.history))
    (table, history), (listed, listed_history) = runs
    assert type(table.snapshot).__name__ == "_SnapshotTable"
    assert type(listed.snapshot).__name__ == "_SnapshotList"
    assert history == listed_history and len(table) == len(listed) > 20
    assert [table.snapshot[p] for p in range(len(table))] == listed.snapshot.items
    assert table.weight.tolist() == listed.weight.tolist()
    assert all((table.trajectory[p] == listed.trajectory[p]).all() for p in range(len(table)))
    assert table.snapshot[-1] == listed.snapshot[-1] == listed.snapshot[len(listed) - 1]
    with pytest.raises(IndexError, match=f"of an archive of {len(table)} cells"):
        table.snapshot[len(table)]
