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
    """Whether ``value`` is an integer (Python or numpy), and not a ``bool``."""
    return isinstance(value, _INTEGERS) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number (Python or numpy int or float), and not a ``bool``."""
    return isinstance(value, _REALS) and not isinstance(value, (bool, np.bool_))


def _bounds(minimum: Any, maximum: Any) -> str:
    if minimum is not None and maximum is not None:
        return f" in [{minimum}, {maximum}]"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def integer(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer within ``[minimum, maximum]`` (either bound
    optional), else a ``ValueError`` naming ``name``."""
    if (
        not is_integer(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise ValueError(f"{name} must be an integer{_bounds(minimum, maximum)}, got {value!r}")
    return int(value)


def real(
    name: str, value: Any, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` as a ``float`` if it is a finite real number within ``[minimum, maximum]``
    (either bound optional), else a ``ValueError`` naming ``name``."""
    if not is_real(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be a number{_bounds(minimum, maximum)}, got {value!r}")
    return float(value)


def choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices``, else a ``ValueError`` listing them."""
    choices = tuple(choices)
    if value not in choices:
        valid = ", ".join(map(repr, choices))
        raise ValueError(f"unknown {name} {value!r}; valid choices: {valid}")
    return value
