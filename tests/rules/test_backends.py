"""The rules' own types: :class:`State` declares exactly :data:`FIELDS`, and the two backends
compute the same values (a third backend must pass the same test)."""

import pickle

import numpy as np
import pytest

from rlx_envs.rules.minimontezuma import rules


def test_state_declares_exactly_the_fields():
    assert tuple(rules.State.__annotations__) == rules.FIELDS
    assert rules.State.__slots__ == rules.FIELDS


@pytest.mark.parametrize("condition", [True, False])
def test_scalar_and_array_backends_agree(condition):
    scalar, array = rules.SCALAR, rules.ARRAY
    assert scalar.where(condition, 3, 7) == array.where(np.array([condition]), 3, 7)[0]
    assert scalar.lnot(condition) == array.lnot(np.array([condition]))[0]


def test_backends_pickle():
    for backend in (rules.SCALAR, rules.ARRAY):
        clone = pickle.loads(pickle.dumps(backend))
        assert clone.where(True, 1, 2) == 1
