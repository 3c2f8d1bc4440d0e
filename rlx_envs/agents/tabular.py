"""Tabular Q-learning (epsilon-greedy, optionally optimistic) and soft Q-learning (maximum
entropy), for one seed on a single env or for many seeds at once on a vector env.

Every agent here has two faces over one implementation:

* **batch**: ``reset_batch(observation_space, action_space, seeds)``, then
  ``act_batch(obs)`` and ``observe_batch(obs, actions, rewards, next_obs, terminated,
  truncated)`` on arrays whose first axis is the seed (env i of a vector env runs seed i); one
  Q-table per seed, updated with array operations;
* **single** (the harness's agent interface): ``reset(observation_space, action_space, seed)``,
  ``act(obs)``, ``observe(...)``: the batch of one.

Random draws are counter-based (:mod:`rlx_envs.agents.keyed`): seed i's d-th draw depends only
on (i, d), so seed i of a batch reproduces the single agent seeded with i exactly, trajectory
and table. The state is the observation (hashed; any integer observation, or floats by value).

Hyperparameters at the top of each class; numpy only.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces

from rlx_envs.agents.base import check_unit_interval
from rlx_envs.agents.keyed import seed_keys, uniform
from rlx_envs.agents.table import StateRows, observation_hashes
from rlx_envs.core.arguments import integer

#: Streams of the counter-based draws (see :mod:`rlx_envs.agents.keyed`).
EXPLORE, ACTION, TIE = 0, 1, 2


def _per_seed(name: str, value) -> np.ndarray:
    """A hyperparameter as a float64 array: 0-d for one number, 1-d for one per seed."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim > 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite number or one per seed, got {value!r}")
    return array


def argmax_ties(values: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the index of the largest value; ties broken by the uniform ``u`` (one per row).

    >>> argmax_ties(np.array([[1.0, 3.0, 3.0], [0.0, 0.0, -1.0]]), np.array([0.9, 0.1])).tolist()
    [2, 0]
    """
    best = values == values.max(axis=1, keepdims=True)
    count = best.sum(axis=1)
    k = np.minimum((u * count).astype(np.int64), count - 1)
    return np.argmax(np.cumsum(best, axis=1) > k[:, None], axis=1)


class TabularAgent:
    """What the tabular agents share: seeds and keys, the per-seed table, the two interfaces.

    Subclasses define ``fields()`` (the table's per-row arrays), ``initialise(rows, envs,
    states)``, ``choose(values, greedy)`` and ``learn(rows, actions, rewards, next_rows,
    terminated, truncated, active)``.
    """

    # -- batch interface ------------------------------------------------------------------
    def reset_batch(self, observation_space, action_space, seeds) -> None:
        """Forget everything; one independent agent per seed in ``seeds``."""
        if not isinstance(action_space, spaces.Discrete):
            raise ValueError(f"{type(self).__name__} needs Discrete actions, got {action_space}")
        self.n = int(action_space.n)
        self.seeds = np.asarray(seeds, dtype=np.int64).ravel()
        self.keys = seed_keys(self.seeds)
        self.num_seeds = len(self.seeds)
        #: Draws made so far, per seed (the counter of the keyed generator).
        self.draws = np.zeros(self.num_seeds, np.int64)
        self.table = StateRows(self.fields(), self.initialise)
        self._envs = np.arange(self.num_seeds)
        self._cache: tuple[np.ndarray, np.ndarray] | None = None
        self.start()

    def act_batch(self, obs, greedy: bool = False, active=None) -> np.ndarray:
        """(N,) actions for a batch of observations; ``active`` (N bools) marks the seeds whose
        step counts (the others' draws are not used up: NEXT_STEP autoreset steps)."""
        rows = self.rows(obs)
        actions = self.choose(rows, greedy)
        self._tick(active)
        return actions

    def observe_batch(
        self, obs, actions, rewards, next_obs, terminated, truncated, active=None
    ) -> None:
        """Learn from one transition per seed (only the ``active`` seeds, when given)."""
        rows = self.rows(obs)
        next_rows = self.rows(next_obs)
        active = np.ones(self.num_seeds, bool) if active is None else np.asarray(active, bool)
        self.learn(
            rows, np.asarray(actions, np.int64), np.asarray(rewards, np.float64), next_rows,
            np.asarray(terminated, bool), np.asarray(truncated, bool), active,
        )  # fmt: skip
        self._tick(active)

    def rows(self, obs) -> np.ndarray:
        """Table rows of a batch of observations (made, at their initial values, when new)."""
        obs = np.asarray(obs)
        cached = self._cache
        if cached is not None and cached[0].shape == obs.shape and np.array_equal(cached[0], obs):
            return cached[1]  # the last lookup's observations (act, then observe, then act)
        rows = self.table.lookup(self._envs, observation_hashes(obs, self.num_seeds))
        self._cache = (obs.copy(), rows)
        return rows

    def uniform(self, stream: int) -> np.ndarray:
        """(N,) uniforms of ``stream`` at each seed's current draw counter."""
        return uniform(self.keys, self.draws, stream)

    def uniforms(self, streams: int) -> np.ndarray:
        """(N, streams) uniforms of streams 0 .. streams - 1 at each seed's draw counter."""
        return uniform(self.keys[:, None], self.draws[:, None], np.arange(streams))

    def _tick(self, active) -> None:
        self.draws += 1 if active is None else np.asarray(active, np.int64)

    # -- single interface -----------------------------------------------------------------
    def reset(self, observation_space, action_space, seed: int) -> None:
        """Forget everything; all later draws come from ``seed`` (one agent)."""
        self.reset_batch(observation_space, action_space, [integer("seed", seed, minimum=0)])

    def act(self, obs, greedy: bool = False) -> int:
        """An action (``greedy=True`` for evaluation: no exploration)."""
        self._check_single()
        return int(self.act_batch(np.asarray(obs)[None], greedy)[0])

    def observe(self, obs, action, reward, next_obs, terminated, truncated) -> None:
        """Learn from one transition."""
        self._check_single()
        self.observe_batch(
            np.asarray(obs)[None], np.array([action]), np.array([reward], np.float64),
            np.asarray(next_obs)[None], np.array([terminated]), np.array([truncated]),
        )  # fmt: skip

    def _check_single(self) -> None:
        if getattr(self, "num_seeds", None) != 1:
            raise ValueError(
                "act/observe are the one-seed interface: call reset(..., seed) first, or use "
                "act_batch/observe_batch after reset_batch"
            )

    # -- hooks ------------------------------------------------------------------------------
    def start(self) -> None:
        """Called at the end of :meth:`reset_batch`."""


class QLearning(TabularAgent):
    """Watkins' Q-learning with epsilon-greedy exploration (Sutton and Barto 2018, 6.5); with
    ``initial_q`` > 0, optimistic initial values (Sutton and Barto 2018, 2.6).

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> from rlx_envs.agents import run_episode
    >>> env = gym.make("rlx/GridCorridor-v0")
    >>> agent = QLearning(epsilon=0.2)
    >>> agent.reset(env.observation_space, env.action_space, seed=0)
    >>> returns = [run_episode(env, agent, seed=i)[0] for i in range(30)]
    >>> run_episode(env, agent, seed=99, learn=None, greedy=True)
    (1.0, 6, True)

    Many seeds at once (seed i of the batch is exactly the agent above with seed i):

    >>> agent.reset_batch(env.observation_space, env.action_space, seeds=[0, 1, 2])
    >>> agent.act_batch(np.array([[7, 7], [7, 7], [7, 7]])).shape
    (3,)
    """

    def __init__(self, alpha: float = 0.5, gamma: float = 0.99, epsilon=0.1, initial_q=0.0):
        check_unit_interval(alpha=alpha, gamma=gamma)
        self.alpha, self.gamma = float(alpha), float(gamma)
        #: epsilon and initial_q: one number, or one per seed of the batch (arms of a sweep
        #: that differ only in them then run as one batch).
        self.epsilon = _per_seed("epsilon", epsilon)
        self.initial_q = _per_seed("initial_q", initial_q)
        if np.any((self.epsilon < 0) | (self.epsilon > 1)):
            raise ValueError(f"epsilon must lie in [0, 1], got {epsilon!r}")

    def start(self) -> None:
        for name in ("epsilon", "initial_q"):
            value = getattr(self, name)
            if value.ndim and len(value) != self.num_seeds:
                raise ValueError(
                    f"{name} has one value per seed ({len(value)}) but the batch has "
                    f"{self.num_seeds} seeds: pass one number, or one per seed"
                )
        super().start()

    def fields(self) -> dict:
        return {"q": ((self.n,), 0.0)}

    def initialise(self, rows, envs, states) -> None:
        q0 = self.initial_q
        self.table["q"][rows] = q0[envs][:, None] if q0.ndim else q0

    def values_of(self, env: int, obs) -> np.ndarray:
        """Q(s, .) of seed ``env`` (its index in the batch) at one observation (a copy)."""
        states = observation_hashes(np.asarray(obs)[None], 1)
        return self.table["q"][self.table.lookup(np.array([env]), states)[0]].copy()

    def values(self, obs) -> np.ndarray:
        """Q(s, .) of one observation (single interface; a copy)."""
        self._check_single()
        return self.table["q"][self.rows(np.asarray(obs)[None])[0]].copy()

    def choose(self, rows: np.ndarray, greedy: bool) -> np.ndarray:
        values = self.table["q"][rows]
        u = self.uniforms(3)  # EXPLORE, ACTION, TIE
        actions = argmax_ties(values, u[:, TIE])
        if greedy or not np.any(self.epsilon):
            return actions
        explore = u[:, EXPLORE] < self.epsilon
        random = np.minimum((u[:, ACTION] * self.n).astype(np.int64), self.n - 1)
        return np.where(explore, random, actions)

    def target(self, next_values: np.ndarray) -> np.ndarray:
        """The bootstrap value of each next state, (N, A) -> (N,)."""
        return next_values.max(axis=1)

    def learn(self, rows, actions, rewards, next_rows, terminated, truncated, active) -> None:
        q = self.table["q"]
        bootstrap = np.where(terminated, 0.0, self.gamma * self.target(q[next_rows]))
        current = q[rows, actions]
        updated = current + self.alpha * (rewards + bootstrap - current)
        q[rows, actions] = np.where(active, updated, current)


class SoftQLearning(QLearning):
    """Soft (maximum-entropy) Q-learning: pi(a|s) proportional to exp(Q(s, a) / temperature), and
    the soft bootstrap temperature * log mean exp(Q(s', .) / temperature) (Haarnoja et al. 2017,
    with the uniform policy as the reference, as in Fox et al. 2016's G-learning).

    Pretrained in an open room, it keeps acting in every direction where the rewards allow, which
    is what makes it a better start for finetuning in a corridor than a greedy policy.

    ``act(obs)`` samples pi (its exploration is the policy itself); ``act(obs, greedy=True)``
    takes the most probable action, as Q-learning's greedy evaluation does, so that the two
    agents can be evaluated the same way (greedy, or each sampling its own behaviour policy).

    >>> agent = SoftQLearning(temperature=0.5)
    >>> agent.reset(spaces.Discrete(3), spaces.Discrete(2), seed=0)
    >>> agent.policy(0).tolist()   # a new state: uniform
    [0.5, 0.5]
    """

    def __init__(
        self,
        alpha: float = 0.5,
        gamma: float = 0.99,
        temperature: float = 0.1,
        initial_q: float = 0.0,
    ):
        super().__init__(alpha, gamma, 0.0, initial_q)
        if not np.isfinite(temperature) or not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature!r}")
        self.temperature = float(temperature)

    def probabilities(self, values: np.ndarray) -> np.ndarray:
        """pi(. | s) per row of Q-values, the Boltzmann distribution of Q / temperature."""
        z = values / self.temperature
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def policy(self, obs) -> np.ndarray:
        """pi(. | s) of one observation (single interface)."""
        return self.probabilities(self.values(obs)[None])[0]

    def choose(self, rows: np.ndarray, greedy: bool) -> np.ndarray:
        values = self.table["q"][rows]
        if greedy:
            return argmax_ties(values, self.uniform(TIE))
        cumulative = np.cumsum(self.probabilities(values), axis=1)
        u = self.uniform(ACTION)[:, None] * cumulative[:, -1:]
        return np.minimum(np.argmax(cumulative > u, axis=1), self.n - 1)

    def target(self, next_values: np.ndarray) -> np.ndarray:
        """The soft value T log mean_a exp(Q(s', a) / T): the entropy relative to the uniform
        policy. (With a sum instead of the mean every step would add T log |A|, which makes an
        episodic agent prefer loops that never end over a goal that ends the episode.)"""
        z = next_values / self.temperature
        top = z.max(axis=1)
        return self.temperature * (top + np.log(np.exp(z - top[:, None]).mean(axis=1)))


__all__ = ["QLearning", "SoftQLearning", "TabularAgent", "argmax_ties"]
