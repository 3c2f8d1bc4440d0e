"""CellObservation and its vector twin: the observation is info["cell"]."""

import gymnasium as gym
import numpy as np
import pytest

import rlx_envs  # noqa: F401
from rlx_envs.wrappers import CellObservation, VectorCellObservation


@pytest.mark.parametrize(
    "env_id, width",
    [("rlx/MiniMontezumaFirstRoom-v0", 5), ("rlx/DeepSea-v0", 2), ("rlx/Chain-v0", 1)],
)
def test_single_and_vector_observe_the_cell(env_id, width):
    env = CellObservation(gym.make(env_id))
    envs = VectorCellObservation(
        gym.make_vec(env_id, num_envs=3, vectorization_mode="vector_entry_point")
    )
    assert env.observation_space.shape == (width,)
    assert envs.observation_space.shape == (3, width)
    obs, info = env.reset(seed=4)
    assert obs.tolist() == list(info["cell"]) and env.observation_space.contains(obs)
    batch, infos = envs.reset(seed=4)
    np.testing.assert_array_equal(batch[0], obs)  # env 0 of reset(seed=4) is the single env
    for _ in range(20):
        obs, _, terminated, truncated, info = env.step(1)
        assert obs.tolist() == list(info["cell"])
        if terminated or truncated:
            env.reset()
        batch, _, _, _, infos = envs.step(np.ones(3, np.int64))
        np.testing.assert_array_equal(batch, infos["cell"])
    assert env.spec.additional_wrappers[-1].name == "CellObservation"  # RecordConstructorArgs


def test_an_env_without_cells_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="provides_cell"):
        CellObservation(gym.make("CartPole-v1"))
