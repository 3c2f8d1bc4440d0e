"""RunningMeanVar: known answers against numpy's mean and var, the batch merge against one
sample at a time, N streams against N lone statistics (bit for bit), and the state round trip."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlx_envs.core.running import RunningMeanVar

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=1, max_size=60)


def test_known_answers():
    stats = RunningMeanVar()
    assert (stats.count, stats.mean, stats.var) == (0, 0.0, 0.0)  # no sample: var 0, not nan
    for x in (2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0):
        stats.add(x)
    assert (stats.count, stats.mean, stats.var, float(stats.std())) == (8, 5.0, 4.0, 2.0)
    assert float(stats.std(eps=5.0)) == 3.0


def test_a_large_mean_keeps_the_variance():
    """Sums of x and x squared would lose it all: 1e9 squared swamps a spread of 1."""
    stats = RunningMeanVar()
    for x in (1e9 + 1, 1e9 - 1, 1e9 + 1, 1e9 - 1):
        stats.add(x)
    assert stats.mean == 1e9 and stats.var == 1.0


@given(samples)
def test_one_at_a_time_matches_numpy(values):
    stats = RunningMeanVar()
    for x in values:
        stats.add(x)
    assert stats.count == len(values)
    np.testing.assert_allclose(stats.mean, np.mean(values), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(stats.var, np.var(values), rtol=1e-7, atol=1e-3)


@given(st.integers(1, 4), st.lists(st.integers(0, 12), min_size=1, max_size=6), st.integers(0, 99))
def test_batch_merge_equals_one_at_a_time_and_numpy(dim, sizes, seed):
    data = np.random.default_rng(seed).normal(50.0, 3.0, size=(sum(sizes), dim))
    merged, single = RunningMeanVar(dim), RunningMeanVar(dim)
    start = 0
    for size in sizes:
        merged.add_batch(data[start : start + size])
        start += size
    for row in data:
        single.add(row)
    assert merged.count == single.count == len(data)
    np.testing.assert_allclose(merged.mean, single.mean, rtol=1e-12)
    np.testing.assert_allclose(merged.var, single.var, rtol=1e-9, atol=1e-12)
    if len(data):
        np.testing.assert_allclose(merged.mean, data.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(merged.var, data.var(axis=0), rtol=1e-9, atol=1e-12)


@given(samples, samples)
def test_add_each_is_add_in_order_bit_for_bit(before, values):
    each, one = RunningMeanVar(), RunningMeanVar()
    for x in before:
        each.add(x)
        one.add(x)
    variances = each.add_each(values)
    expected = []
    for x in values:
        one.add(x)
        expected.append(one.var)
    assert variances == expected
    assert (each.count, each.mean, each.m2) == (one.count, one.mean, one.m2)


def test_an_empty_batch_changes_nothing():
    stats = RunningMeanVar(2)
    stats.add_batch(np.zeros((0, 2)))
    assert stats.count == 0 and stats.mean.tolist() == [0.0, 0.0]


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 3), finite), min_size=1, max_size=80))
def test_streams_equal_lone_statistics_bit_for_bit(values):
    """Each stream gets exactly a lone statistic's float64 operations."""
    streams, lone = RunningMeanVar(streams=4), [RunningMeanVar() for _ in range(4)]
    for stream, x in values:
        streams.add_at([stream], [x])
        lone[stream].add(x)
    for i, alone in enumerate(lone):
        assert streams.count[i] == alone.count
        assert streams.mean[i] == alone.mean and streams.m2[i] == alone.m2
        assert streams.var[i] == alone.var


@given(st.lists(finite, min_size=3, max_size=3), st.lists(finite, min_size=3, max_size=3))
def test_several_streams_at_once_equal_one_stream_at_a_time(first, second):
    together, apart = RunningMeanVar(2, streams=3), RunningMeanVar(2, streams=3)
    x = np.array([first, second]).T  # (3 streams, 2 features)
    together.add_at([2, 0, 1], x[[2, 0, 1]])
    for i in (0, 1, 2):
        apart.add_at([i], x[[i]])
    for name in ("count", "mean", "m2"):
        np.testing.assert_array_equal(getattr(together, name), getattr(apart, name))


@pytest.mark.parametrize(
    "make", [lambda: RunningMeanVar(), lambda: RunningMeanVar(3), lambda: RunningMeanVar(streams=2)]
)
def test_state_round_trip_and_copies(make):
    stats, rng = make(), np.random.default_rng(0)
    feed = (
        (lambda s: s.add_at([0, 1], rng.normal(size=2)))
        if stats.streams
        else (lambda s: s.add(rng.normal(size=stats.shape) if stats.shape else float(rng.normal())))
    )
    for _ in range(5):
        feed(stats)
    state = stats.state_dict()
    restored = make()
    restored.load_state_dict(state)
    clone = pickle.loads(pickle.dumps(stats))
    deep = copy.deepcopy(stats)
    feed(stats)  # the saved state is a copy: later samples do not leak into it
    for other in (restored, clone, deep):
        np.testing.assert_array_equal(other.count, state["count"])
        np.testing.assert_array_equal(other.mean, state["mean"])
        np.testing.assert_array_equal(other.m2, state["m2"])
    assert not np.array_equal(stats.m2, state["m2"])


def test_a_state_of_another_shape_is_refused():
    with pytest.raises(ValueError, match=r"shape \(2,\) do not fit this one's \(3,\)"):
        RunningMeanVar(3).load_state_dict(RunningMeanVar(2).state_dict())


def test_the_wrong_method_for_the_layout_is_refused():
    with pytest.raises(ValueError, match="add_at needs streams=N"):
        RunningMeanVar().add_at([0], [1.0])
    with pytest.raises(ValueError, match="with streams=N use add_at"):
        RunningMeanVar(streams=2).add(1.0)
    with pytest.raises(ValueError, match="with streams=N use add_at"):
        RunningMeanVar(streams=2).add_batch([1.0])
    with pytest.raises(ValueError, match=r"add_each takes scalars; samples of shape \(2,\)"):
        RunningMeanVar(2).add_each([1.0])
