"""Gymnasium's habits, held for every wrapper of ``rlx_envs.wrappers.__all__``: it records its
constructor arguments (``RecordConstructorArgs``), its class docstring has a runnable example,
a single-env wrapper has its vector twin (``Vector`` + name), and the recorded arguments rebuild
it, directly or through ``env.spec`` and ``gym.make`` as Gymnasium does."""

import re
from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.utils import RecordConstructorArgs
from gymnasium.vector import VectorWrapper

import rlx_envs  # noqa: F401
from rlx_envs import wrappers as W
from rlx_envs.estimators.schedules import Linear
from rlx_envs.rules.physics import TruncatedNormal, body_mass

DOCS = Path(__file__).resolve().parents[2] / "docs" / "wrappers"

#: The single-env wrappers with no vector twin, and why.
WITHOUT_TWIN = {
    "PhysicsRandomization": "MuJoCo envs vectorise as sync/async workers: "
    "envs.call('set_parameters', ...) reaches each worker's wrapper",
    "MontezumaCell": "the real game vectorises as sync/async workers, each worker's wrapper "
    "reading its own emulator's RAM",
}

try:  # the real game's wrapper is built on ALE's env where ale-py is installed
    import ale_py

    gym.register_envs(ale_py)
except ImportError:
    ale_py = None

WRAPPERS = {
    name: getattr(W, name)
    for name in W.__all__
    if isinstance(getattr(W, name), type)
    and issubclass(getattr(W, name), (gym.Wrapper, VectorWrapper))
}
SINGLE = sorted(name for name, cls in WRAPPERS.items() if issubclass(cls, gym.Wrapper))
VECTOR = sorted(name for name, cls in WRAPPERS.items() if issubclass(cls, VectorWrapper))

FIRST_ROOM, MONTEZUMA = "rlx/MiniMontezumaFirstRoom-v0", "rlx/MiniMontezuma-v0"
SMALL_NET = {"features": 8, "hidden": (8,), "lr": 0.01, "seed": 3}

#: Per wrapper: (env id, env kwargs, wrapper kwargs), non-default arguments wherever there are
#: any, so that a lost argument shows. Vector twins get ``gym.make_vec`` of the same env.
BUILDS = {
    "CountBonus": (FIRST_ROOM, {}, {"beta": 0.2, "form": "beb", "count": "state_action"}),
    "HashCountBonus": (MONTEZUMA, {"obs_mode": "ram"}, {"k": 16, "table": "sketch", "seed": 1}),
    "PseudoCountBonus": (FIRST_ROOM, {"obs_mode": "ram"}, {"model": "empirical", "mix": False}),
    "PredictionGainBonus": (FIRST_ROOM, {"obs_mode": "symbolic"}, {"c": 0.5, "levels": 20}),
    "ModelErrorBonus": (MONTEZUMA, {"obs_mode": "ram"}, {**SMALL_NET, "normalize": "std"}),
    "RNDBonus": (MONTEZUMA, {"obs_mode": "ram"}, {**SMALL_NET, "updates": 2}),
    "InfoGainBonus": (MONTEZUMA, {"obs_mode": "ram"}, {**SMALL_NET, "window": 10}),
    "CellObservation": (FIRST_ROOM, {}, {}),
    "MontezumaCell": (
        "ALE/MontezumaRevenge-v5",
        {"repeat_action_probability": 0.0},
        {"cell_size": 8},
    ),
    "ShotBudget": ("rlx/GridCorridor-v0", {}, {"max_shots": 3, "max_eval_episodes": 2}),
    "VisualRandomization": (
        FIRST_ROOM,
        {"obs_mode": "pixels"},
        {"textures": False, "clutter": False, "jitter": 0.1, "max_shift": 1},
    ),
    "PhysicsRandomization": (
        "Hopper-v5",
        {},
        {
            "parameters": [body_mass("torso", TruncatedNormal(3.5, 0.5, 2.5, 4.5))],
            "resample_every": None,
            "expose": "observation",
        },
    ),
}
#: What the vector twins take beyond their single wrapper's arguments.
VECTOR_EXTRA = {
    "VectorCountBonus": {"per_env": True, "beta": Linear(0.1, 0.0, 100)},
    "VectorPseudoCountBonus": {"per_episode": True, "per_env": True},
}


def build(name: str):
    env_id, env_kwargs, kwargs = BUILDS[name.removeprefix("Vector")]
    if env_id.startswith("ALE/") and ale_py is None:
        pytest.skip("ale-py is not installed (the atari extra)")
    if name in VECTOR:
        kwargs = {**kwargs, **VECTOR_EXTRA.get(name, {})}
        mode = "sync" if env_id == "rlx/GridCorridor-v0" else "vector_entry_point"
        env = gym.make_vec(env_id, num_envs=2, vectorization_mode=mode, **env_kwargs)
    else:
        env = gym.make(env_id, **env_kwargs)
    return env, WRAPPERS[name](env, **kwargs), kwargs


def test_the_enumeration_finds_the_wrappers():
    assert {"CountBonus", "CellObservation", "ShotBudget", "PhysicsRandomization"} <= set(SINGLE)
    assert {"VectorCountBonus", "VectorShotBudget", "VectorVisualRandomization"} <= set(VECTOR)
    assert set(BUILDS) == set(SINGLE), "give every single-env wrapper a row in BUILDS"


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_records_its_constructor_arguments(name):
    assert issubclass(WRAPPERS[name], RecordConstructorArgs)


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_class_docstring_has_an_example(name):
    # The class's own docstring: a subclass must not borrow its parent's example.
    doc = WRAPPERS[name].__dict__.get("__doc__") or ""
    assert ">>> " in doc, f"{name} has no runnable example in its docstring"


@pytest.mark.parametrize("name", SINGLE)
def test_single_wrappers_have_their_vector_twin(name):
    if name in WITHOUT_TWIN:
        assert f"Vector{name}" not in W.__all__, f"{name} has a twin now: drop it from WITHOUT_TWIN"
    else:
        assert f"Vector{name}" in VECTOR, f"{name} has no vector twin Vector{name}"


@pytest.mark.parametrize("name", VECTOR)
def test_vector_twins_have_their_single_wrapper(name):
    assert name.removeprefix("Vector") in SINGLE


def test_the_docs_name_only_wrappers_that_exist():
    named = set()
    for page in DOCS.glob("*.md"):
        named |= set(
            re.findall(r"`(\w+(?:Bonus|Budget|Randomization|Observation))\b", page.read_text())
        )
    assert named, "no wrapper names found in docs/wrappers"
    assert named <= set(WRAPPERS), f"docs/wrappers names unknown wrappers: {named - set(WRAPPERS)}"


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_the_recorded_arguments_rebuild_it(name):
    env, wrapper, kwargs = build(name)
    # Every argument given is recorded as given (the defaults of the others are recorded too).
    assert {key: wrapper._saved_kwargs.get(key) for key in kwargs} == kwargs
    rebuilt = type(wrapper)(env, **wrapper._saved_kwargs)
    assert type(rebuilt) is type(wrapper) and rebuilt._saved_kwargs == wrapper._saved_kwargs


@pytest.mark.parametrize("name", SINGLE)
def test_the_spec_rebuilds_it_through_gym_make(name):
    _, wrapper, kwargs = build(name)
    spec = wrapper.spec
    last = spec.additional_wrappers[-1]
    assert last.entry_point == f"{type(wrapper).__module__}:{name}"
    assert last.kwargs == wrapper._saved_kwargs
    rebuilt = gym.make(spec)
    assert type(rebuilt) is type(wrapper) and rebuilt._saved_kwargs == wrapper._saved_kwargs
    assert rebuilt.spec.additional_wrappers == spec.additional_wrappers
