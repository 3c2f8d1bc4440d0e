"""Tabular Q-learning (epsilon-greedy) and soft Q-learning (maximum entropy), over any state key.

The state key is the observation as a tuple of ints (or ``info``-free: the harness feeds
observations), so any discrete observation works: the gridworlds' (x, y), Chain's index,
DeepSea's (row, column), MiniMontezuma's RAM.

Hyperparameters at the top of each class; numpy only; every draw from the generator seeded in
``reset``.
"""

from __future__ import annotations

import math

import numpy as np
from gymnasium import spaces

from .base import check_unit_interval, greedy_argmax


def state_key(obs) -> tuple:
    """A hashable key of a discrete observation."""
    if isinstance(obs, (int, np.integer)):
        return (int(obs),)
    return tuple(np.asarray(obs).ravel().tolist())


class QLearning:
    """Watkins' Q-learning with epsilon-greedy exploration (Sutton and Barto 2018, 6.5).

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> from rlx_envs.agents import run_episode
    >>> env = gym.make("rlx/GridCorridor-v0")
    >>> agent = QLearning(epsilon=0.2)
    >>> agent.reset(env.observation_space, env.action_space, seed=0)
    >>> returns = [run_episode(env, agent, seed=i)[0] for i in range(30)]
    >>> run_episode(env, agent, seed=99, learn=None, greedy=True)
    (1.0, 6, True)
    """

    def __init__(
        self, alpha: float = 0.5, gamma: float = 0.99, epsilon: float = 0.1, initial_q: float = 0.0
    ):
        check_unit_interval(alpha=alpha, gamma=gamma, epsilon=epsilon)
        self.alpha, self.gamma, self.epsilon, self.initial_q = alpha, gamma, epsilon, initial_q

    def reset(self, observation_space, action_space, seed: int) -> None:
        if not isinstance(action_space, spaces.Discrete):
            raise ValueError(f"{type(self).__name__} needs Discrete actions, got {action_space}")
        self.n = int(action_space.n)
        self.q: dict[tuple, np.ndarray] = {}
        self.rng = np.random.default_rng(seed)

    def values(self, obs) -> np.ndarray:
        """Q(s, .) (a view into the table, created at ``initial_q``)."""
        key = state_key(obs)
        row = self.q.get(key)
        if row is None:
            row = self.q[key] = np.full(self.n, float(self.initial_q))
        return row

    def act(self, obs, greedy: bool = False) -> int:
        if not greedy and self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n))
        return greedy_argmax(self.values(obs), self.rng)

    def target(self, next_values: np.ndarray) -> float:
        """The bootstrap value of the next state."""
        return float(next_values.max())

    def observe(self, obs, action, reward, next_obs, terminated, truncated) -> None:
        row = self.values(obs)
        bootstrap = 0.0 if terminated else self.gamma * self.target(self.values(next_obs))
        row[action] += self.alpha * (reward + bootstrap - row[action])


class SoftQLearning(QLearning):
    """Soft (maximum-entropy) Q-learning: pi(a|s) proportional to exp(Q(s, a) / temperature), and
    the soft bootstrap temperature * log mean exp(Q(s', .) / temperature) (Haarnoja et al. 2017,
    with the uniform policy as the reference, as in Fox et al. 2016's G-learning).

    Pretrained in an open room, it keeps acting in every direction where the rewards allow, which
    is what makes it a better start for finetuning in a corridor than a greedy policy.
    """

    def __init__(
        self,
        alpha: float = 0.5,
        gamma: float = 0.99,
        temperature: float = 0.1,
        initial_q: float = 0.0,
    ):
        super().__init__(alpha, gamma, 0.0, initial_q)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature!r}")
        self.temperature = float(temperature)

    def policy(self, obs) -> np.ndarray:
        """pi(. | s), the Boltzmann distribution of Q(s, .) / temperature."""
        z = self.values(obs) / self.temperature
        p = np.exp(z - z.max())
        return p / p.sum()

    def act(self, obs, greedy: bool = False) -> int:
        """A draw from pi(. | s), also when ``greedy``: a maximum-entropy policy is stochastic by
        design (its exploration is the policy itself, not noise added to it)."""
        p = self.policy(obs)
        return int(np.searchsorted(np.cumsum(p), self.rng.random() * p.sum()).clip(0, self.n - 1))

    def target(self, next_values: np.ndarray) -> float:
        """The soft value T log mean_a exp(Q(s', a) / T): the entropy relative to the uniform
        policy. (With a sum instead of the mean every step would add T log |A|, which makes an
        episodic agent prefer loops that never end over a goal that ends the episode.)"""
        z = next_values / self.temperature
        top = z.max()
        return float(self.temperature * (top + math.log(np.exp(z - top).mean())))
