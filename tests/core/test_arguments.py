"""The argument checks of rlx_envs.core.arguments: known answers, bools refused, numpy numbers
accepted, bounds (inclusive and exclusive) and messages that name argument, rule and value."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlx_envs.core.arguments import choice, integer, is_integer, is_real, number, real

NUMPY_INTEGERS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64)
NUMPY_FLOATS = (np.float16, np.float32, np.float64)


def test_known_answers():
    assert integer("n", 3) == 3 and type(integer("n", 3)) is int
    assert integer("n", np.int64(7), minimum=1, maximum=7) == 7
    assert real("x", 2) == 2.0 and type(real("x", 2)) is float
    assert real("x", np.float32(0.5), minimum=0.0, maximum=1.0) == 0.5
    assert number("x", np.int8(-3)) == -3.0 and type(number("x", 1)) is float
    assert choice("mode", "b", ("a", "b")) == "b"


@pytest.mark.parametrize("flag", [True, False, np.bool_(True), np.bool_(False)])
def test_bools_are_refused_where_numbers_are_expected(flag):
    assert not is_integer(flag) and not is_real(flag)
    with pytest.raises(ValueError, match=re.escape(f"n must be an integer, got {flag!r}")):
        integer("n", flag)
    with pytest.raises(ValueError, match=re.escape(f"x must be a finite number, got {flag!r}")):
        real("x", flag)
    with pytest.raises(TypeError, match=re.escape(f"x must be a number, got {flag!r}")):
        number("x", flag)


@pytest.mark.parametrize("kind", NUMPY_INTEGERS)
def test_numpy_integers_are_integers_and_come_back_as_python_ints(kind):
    value = kind(5)
    assert is_integer(value) and is_real(value)
    out = integer("n", value, minimum=5, maximum=5)
    assert out == 5 and type(out) is int
    assert type(real("x", value)) is float


@pytest.mark.parametrize("kind", NUMPY_FLOATS)
def test_numpy_floats_are_reals_not_integers(kind):
    value = kind(0.25)
    assert is_real(value) and not is_integer(value)
    assert real("x", value) == 0.25 and type(real("x", value)) is float
    with pytest.raises(ValueError, match="n must be an integer, got"):
        integer("n", value)


@pytest.mark.parametrize("bad", ["3", None, [1], 3.0, 1 + 0j])
def test_non_integers_are_refused(bad):
    assert not is_integer(bad)
    with pytest.raises(ValueError, match=re.escape(f"count must be an integer >= 1, got {bad!r}")):
        integer("count", bad, minimum=1)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("nan"), "0.5", None])
def test_non_finite_and_non_numbers_are_refused_by_real(bad):
    with pytest.raises(ValueError, match=re.escape(f"beta must be a finite number, got {bad!r}")):
        real("beta", bad, minimum=0.0)


def test_number_checks_the_type_only_and_names_the_requirement():
    assert math.isinf(number("x", math.inf))
    with pytest.raises(TypeError, match=r"^beta must be a number or a schedule, got 'big'$"):
        number("beta", "big", "a number or a schedule")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"minimum": 1}, ">= 1"),
        ({"maximum": 9}, "<= 9"),
        ({"minimum": 1, "maximum": 9}, "in [1, 9]"),
    ],
)
def test_integer_bounds_are_inclusive_and_named(kwargs, words):
    low, high = kwargs.get("minimum", -100), kwargs.get("maximum", 100)
    assert integer("n", low, **kwargs) == low and integer("n", high, **kwargs) == high
    for bad in (low - 1, high + 1):
        if -100 < bad < 100:
            message = f"n must be an integer {words}, got {bad}"
            with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
                integer("n", bad, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "words", "inside", "outside"),
    [
        ({"minimum": 0.0}, ">= 0.0", [0.0, 3.0], [-0.5]),
        ({"maximum": 1.0}, "<= 1.0", [1.0, -3.0], [1.5]),
        ({"minimum": 0.0, "maximum": 1.0}, "in [0.0, 1.0]", [0.0, 1.0], [-0.1, 1.1]),
        ({"above": 0.0}, "> 0.0", [1e-300, 5.0], [0.0, -1.0]),
        ({"below": 1.0}, "< 1.0", [0.999, -4.0], [1.0, 2.0]),
        ({"above": 0.0, "maximum": 1.0}, "in (0.0, 1.0]", [1.0, 0.5], [0.0, 1.5]),
        ({"minimum": 0.0, "below": 1.0}, "in [0.0, 1.0)", [0.0, 0.5], [1.0, -0.5]),
        ({"above": 0.0, "below": 1.0}, "in (0.0, 1.0)", [0.5], [0.0, 1.0]),
    ],
)
def test_real_bounds_inclusive_and_exclusive(kwargs, words, inside, outside):
    for value in inside:
        assert real("p", value, **kwargs) == value
    for value in outside:
        message = f"p must be a number {words}, got {value!r}"
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            real("p", value, **kwargs)


def test_choice_lists_the_valid_choices():
    with pytest.raises(ValueError, match=r"^unknown obs_mode 'rgb'; valid choices: 'ram', 'x'$"):
        choice("obs_mode", "rgb", ["ram", "x"])


@given(st.integers(-(2**70), 2**70), st.integers(-50, 50), st.integers(0, 100))
def test_integer_accepts_exactly_the_integers_in_range(value, low, width):
    high = low + width
    if low <= value <= high:
        assert integer("n", value, minimum=low, maximum=high) == value
    else:
        with pytest.raises(ValueError, match=rf"n must be an integer in \[{low}, {high}\]"):
            integer("n", value, minimum=low, maximum=high)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_real_accepts_exactly_the_finite_floats(value):
    if math.isfinite(value):
        assert real("x", value) == value
        assert real("x", np.float64(value)) == value
    else:
        with pytest.raises(ValueError, match="x must be a finite number"):
            real("x", value)
