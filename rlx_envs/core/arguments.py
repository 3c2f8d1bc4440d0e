"""Argument checks, written once: every constructor and function of the suite refuses bad input
with the same kind of message, naming the argument, what it must be and what it got.

``bool`` is refused where a number is expected (``True`` is an ``int`` to Python, never a count
to a user); numpy integers and floats are accepted and returned as Python numbers.

>>> integer("num_envs", 4, minimum=1)
4
>>> integer("num_envs", True, minimum=1)
Traceback (most recent call last):
ValueError: num_envs must be an integer >= 1, got True
>>> real("beta", 0.5, minimum=0.0)
0.5
>>> real("beta", float("nan"))
Traceback (most recent call last):
ValueError: beta must be a finite number, got nan
>>> real("tail", 0.0, above=0.0, maximum=1.0)
Traceback (most recent call last):
ValueError: tail must be a number in (0.0, 1.0], got 0.0
>>> number("beta", "big")
Traceback (most recent call last):
TypeError: beta must be a number, got 'big'
>>> choice("obs_mode", "rgb", ("ram", "pixels"))
Traceback (most recent call last):
ValueError: unknown obs_mode 'rgb'; valid choices: 'ram', 'pixels'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

_INTEGERS = (int, np.integer)
_REALS = (int, float, np.integer, np.floating)


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an integer (Python or numpy), and not a ``bool``.

    >>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, _INTEGERS) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number (Python or numpy int or float), and not a ``bool``.

    >>> is_real(0.5), is_real(np.float32(0.5)), is_real(2), is_real(False), is_real("0.5")
    (True, True, True, False, False)
    """
    return isinstance(value, _REALS) and not isinstance(value, (bool, np.bool_))


def _bounds(minimum: Any, maximum: Any, above: Any = None, below: Any = None) -> str:
    """The requirement's bounds as words: " >= 1", " in [0, 1]", " in (0, 1]", " > 0"..."""
    low, low_bracket = (above, "(") if above is not None else (minimum, "[")
    high, high_bracket = (below, ")") if below is not None else (maximum, "]")
    if low is not None and high is not None:
        return f" in {low_bracket}{low}, {high}{high_bracket}"
    if low is not None:
        return f" {'>' if above is not None else '>='} {low}"
    if high is not None:
        return f" {'<' if below is not None else '<='} {high}"
    return ""


def _outside(value: Any, minimum: Any, maximum: Any, above: Any = None, below: Any = None) -> bool:
    return (
        (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
        or (above is not None and not value > above)
        or (below is not None and not value < below)
    )


def integer(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer within ``[minimum, maximum]`` (either bound
    optional), else a ``ValueError`` naming ``name``.

    >>> integer("heads", np.int64(3), minimum=1, maximum=8)
    3
    >>> integer("heads", 9, minimum=1, maximum=8)
    Traceback (most recent call last):
    ValueError: heads must be an integer in [1, 8], got 9
    """
    if not is_integer(value) or _outside(value, minimum, maximum):
        raise ValueError(f"{name} must be an integer{_bounds(minimum, maximum)}, got {value!r}")
    return int(value)


def real(
    name: str,
    value: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    above: float | None = None,
    below: float | None = None,
) -> float:
    """``value`` as a ``float`` if it is a finite real number within ``[minimum, maximum]``
    and, for the exclusive bounds, ``> above`` and ``< below`` (every bound optional), else a
    ``ValueError`` naming ``name``.

    >>> real("slip_prob", 1, minimum=0.0, maximum=1.0)
    1.0
    >>> real("half_life", 0, above=0)
    Traceback (most recent call last):
    ValueError: half_life must be a number > 0, got 0
    """
    if not is_real(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if _outside(value, minimum, maximum, above, below):
        bounds = _bounds(minimum, maximum, above, below)
        raise ValueError(f"{name} must be a number{bounds}, got {value!r}")
    return float(value)


def number(name: str, value: Any, requirement: str = "a number") -> float:
    """``value`` as a ``float`` if it is a real number, else a ``TypeError`` saying that
    ``name`` must be ``requirement``: for the arguments whose wrong *type* is a ``TypeError``
    (finiteness and bounds are then the caller's, or :func:`real`'s, ``ValueError``).

    >>> number("value of 'torso_body_mass'", np.float32(3.5))
    3.5
    >>> number("beta", None, "a number or a schedule")
    Traceback (most recent call last):
    TypeError: beta must be a number or a schedule, got None
    """
    if not is_real(value):
        raise TypeError(f"{name} must be {requirement}, got {value!r}")
    return float(value)


def choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices``, else a ``ValueError`` listing them.

    >>> choice("obs_mode", "ram", ("ram", "pixels"))
    'ram'
    """
    choices = tuple(choices)
    if value not in choices:
        valid = ", ".join(map(repr, choices))
        raise ValueError(f"unknown {name} {value!r}; valid choices: {valid}")
    return value


def finite_action(action: Any) -> np.ndarray:
    """A continuous ``action`` as a float array, refusing NaN and infinities (MuJoCo would warn
    "simulation is unstable" and return NaN rewards).

    >>> finite_action([0.5, -1.0]).tolist()
    [0.5, -1.0]
    >>> finite_action([0.5, float("nan")])
    Traceback (most recent call last):
    ValueError: action has non-finite entries at [1]: [0.5, nan]; actions must be finite numbers
    """
    array = np.asarray(action, dtype=np.float64)
    finite = np.isfinite(array)
    if not finite.all():
        where = np.flatnonzero(~finite.reshape(-1)).tolist()
        raise ValueError(
            f"action has non-finite entries at {where}: {array.tolist()}; actions must be finite "
            "numbers"
        )
    return array
