"""Augmented Random Search (ARS V2-t) with linear policies, numpy only.

Mania, Guy and Recht (2018), "Simple random search provides a competitive approach to
reinforcement learning" (NeurIPS), Algorithm 2, version V2-t: a linear policy
``a = M diag(std)^-1 (x - mean)`` on observations normalised by the running mean and standard
deviation of every state seen so far; each iteration perturbs ``M`` along ``N`` Gaussian
directions, rolls out ``M + nu * delta`` and ``M - nu * delta``, keeps the ``b`` directions with
the best ``max(r+, r-)``, and steps ``M`` by ``alpha / (b * sigma_R) * sum (r+ - r-) delta``,
``sigma_R`` the standard deviation of the ``2b`` returns used.

Choices beyond the paper, all documented where they live: the two rollouts of a direction share
one env reset seed (common random numbers; with ``rlx/...Random-v0`` envs that also means the
same physics); actions are clipped to the action space; the normaliser is frozen during an
iteration and updated with all its states at the end (as the authors' code syncs its filters
between iterations).

Hyperparameters at the top of the class; every draw comes from the generator seeded in
:meth:`ARS.reset` (directions and env reset seeds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import gymnasium as gym
import numpy as np

from rlx_envs.core.running import RunningMeanVar

#: Env reset seeds are drawn in [0, SEED_RANGE).
SEED_RANGE = 2**31 - 1


def filter_std(stats: RunningMeanVar) -> np.ndarray:
    """The observation filter's standard deviation: ones until two states are seen, and ``inf``
    for constant coordinates, so that the policy ignores them.

    >>> stats = RunningMeanVar(2)
    >>> stats.add_batch([[0.0, 5.0], [2.0, 5.0]])
    >>> filter_std(stats).tolist()
    [1.0, inf]
    """
    if stats.count < 2:
        return np.ones_like(stats.mean)
    std = stats.std()
    return np.where(std < 1e-8, np.inf, std)


def stack_pairs(pairs: list[tuple]) -> tuple[np.ndarray, np.ndarray, list]:
    """(returns (N, 2), lengths (N, 2), states) from :meth:`ARS.rollout_pair` results."""
    returns = np.array([[plus[0], minus[0]] for plus, minus in pairs], dtype=np.float64)
    lengths = np.array([[plus[1], minus[1]] for plus, minus in pairs], dtype=np.float64)
    return returns, lengths, [side[2] for pair in pairs for side in pair]


@dataclasses.dataclass
class ARS:
    """ARS V2-t (Mania, Guy and Recht 2018): random search over linear policies.

    Train with :meth:`train`; it also speaks the harness's agent interface (:meth:`reset`,
    :meth:`act`, :meth:`observe`) so that a trained policy can be evaluated there. ARS learns
    from whole rollouts only, inside :meth:`train`: :meth:`observe` does nothing, so the
    harness's finetuning arm leaves an ARS policy as it is (a zero-shot evaluation).

    >>> import gymnasium as gym
    >>> agent = ARS(n_directions=4, top_directions=2, horizon=50)
    >>> curve = agent.train(gym.make("Pendulum-v1"), iterations=2, seed=0)
    >>> len(curve["returns"]), curve["steps"][-1]
    (2, 800)
    """

    #: N: directions sampled per iteration (each rolled out at +nu and at -nu).
    n_directions: int = 8
    #: b: directions used in the update, the best by max(r+, r-) (b = N is ARS V2).
    top_directions: int = 4
    #: alpha: step size of the update.
    step_size: float = 0.02
    #: nu: standard deviation of the exploration noise added to the policy's weights.
    noise: float = 0.03
    #: H: rollout length cap in training (None: the env's own limit).
    horizon: int | None = None
    #: Subtracted from every training reward (the ARS code's ``shift``: Mania et al. remove the
    #: survival bonus, 1 on the Hopper, so that standing still is not a local optimum). Training
    #: only: the learning curve and every evaluation report the env's own returns.
    reward_shift: float = 0.0

    def __post_init__(self):
        if not 1 <= self.top_directions <= self.n_directions:
            raise ValueError(
                f"need 1 <= top_directions <= n_directions, got {self.top_directions} and "
                f"{self.n_directions}"
            )
        if self.step_size <= 0 or self.noise <= 0:
            raise ValueError("step_size and noise must be positive")
        if self.horizon is not None and self.horizon < 1:
            raise ValueError(f"horizon must be a positive int or None, got {self.horizon!r}")

    # -- agent interface ----------------------------------------------------------------------
    def reset(self, observation_space: gym.Space, action_space: gym.Space, seed: int) -> None:
        """Zero policy, empty normaliser, generator seeded with ``seed``."""
        if not isinstance(action_space, gym.spaces.Box):
            raise ValueError(f"ARS needs Box actions, got {action_space}")
        obs_dim = int(np.prod(observation_space.shape))
        self.weights = np.zeros((int(np.prod(action_space.shape)), obs_dim))
        self.stats = RunningMeanVar(obs_dim)  # the filter: every state seen, batch by batch
        self.mean, self.std = np.zeros(obs_dim), np.ones(obs_dim)
        self.low, self.high, self.shape = action_space.low, action_space.high, action_space.shape
        self.rng = np.random.default_rng(seed)
        self.iteration, self.steps = 0, 0

    def act(self, obs, greedy: bool = False) -> np.ndarray:
        """The linear policy's action (ARS explores in weight space, so ``greedy`` is moot)."""
        return self.policy(obs)

    def observe(self, obs, action, reward, next_obs, terminated, truncated) -> None:
        """Nothing: ARS learns from whole rollouts, in :meth:`train`."""

    def policy(self, obs, weights: np.ndarray | None = None) -> np.ndarray:
        """``clip(M (obs - mean) / std)``, with ``M`` the current weights unless given."""
        x = (np.asarray(obs, dtype=np.float64).ravel() - self.mean) / self.std
        action = (self.weights if weights is None else weights) @ x
        return np.clip(action.reshape(self.shape), self.low, self.high)

    # -- training -----------------------------------------------------------------------------
    def train(
        self,
        env: gym.Env | Callable[[], gym.Env],
        iterations: int,
        *,
        seed: int | None = None,
        callback: Callable[[int, float], None] | None = None,
    ) -> dict[str, list]:
        """Run ``iterations`` ARS iterations on ``env`` (or ``env()``); return the learning curve.

        ``seed`` resets the agent first (required unless :meth:`reset` was called). The curve
        holds, per iteration, the env steps so far and the mean (unshifted) return of the
        iteration's ``2N`` rollouts; ``callback(iteration, mean_return)`` is called after each.
        """
        env = env if isinstance(env, gym.Env) else env()
        if seed is not None:
            self.reset(env.observation_space, env.action_space, seed)
        elif not hasattr(self, "rng"):
            raise ValueError("pass seed= (or call reset) before the first train()")
        curve: dict[str, list] = {"steps": [], "returns": []}
        for _ in range(iterations):
            mean_return = self.iterate(env)
            curve["steps"].append(self.steps)
            curve["returns"].append(mean_return)
            if callback is not None:
                callback(self.iteration, mean_return)
        return curve

    def pretrain(self, env: gym.Env, episodes: int, seed: int) -> list[float]:
        """The transfer harness's source phase: as many iterations as ``episodes`` rollouts
        allow (``2N`` per iteration, at least one); returns each iteration's mean return."""
        iterations = max(1, episodes // (2 * self.n_directions))
        return self.train(env, iterations, seed=seed)["returns"]

    def iterate(self, env: gym.Env) -> float:
        """One ARS iteration: draw, roll out, update weights, then the normaliser."""
        deltas = self.rng.standard_normal((self.n_directions, *self.weights.shape))
        seeds = self.rng.integers(0, SEED_RANGE, size=self.n_directions)
        returns, lengths, states = self.collect(env, deltas, seeds)
        self.weights = self.update(deltas, returns, lengths)
        self.stats.add_batch(np.concatenate(states))
        self.mean, self.std = self.stats.mean.copy(), filter_std(self.stats)
        self.iteration += 1
        return float(returns.mean())

    def collect(self, env, deltas, seeds) -> tuple[np.ndarray, np.ndarray, list]:
        """Returns and lengths shaped (N, 2) (column 0: +nu, 1: -nu), and the states visited."""
        pairs = [self.rollout_pair(env, d, int(s)) for d, s in zip(deltas, seeds, strict=True)]
        return stack_pairs(pairs)

    def rollout_pair(self, env, delta: np.ndarray, seed: int) -> tuple:
        """Roll out ``M + nu delta`` then ``M - nu delta``, both from ``reset(seed=seed)``."""
        plus = self.rollout(env, self.weights + self.noise * delta, seed)
        minus = self.rollout(env, self.weights - self.noise * delta, seed)
        return plus, minus

    def rollout(self, env, weights, seed: int) -> tuple[float, int, np.ndarray]:
        """One episode with ``weights`` from ``reset(seed=seed)``: (return, length, states)."""
        obs, _ = env.reset(seed=seed)
        total, visited = 0.0, [np.asarray(obs, dtype=np.float64).ravel()]
        while True:
            obs, reward, terminated, truncated, _ = env.step(self.policy(obs, weights))
            total += float(reward)
            if terminated or truncated or len(visited) == self.horizon:
                break
            visited.append(np.asarray(obs, dtype=np.float64).ravel())
        self.steps += len(visited)
        return total, len(visited), np.array(visited)

    def select(self, returns: np.ndarray, shifted: np.ndarray | None = None) -> np.ndarray:
        """Indices of the directions used in the update: the top b by ``max(r+, r-)`` of the
        ``shifted`` returns (the unshifted ``returns`` when None)."""
        best = (returns if shifted is None else shifted).max(axis=1)
        return np.argsort(-best, kind="stable")[: self.top_directions]

    def update(
        self, deltas: np.ndarray, returns: np.ndarray, lengths: np.ndarray | None = None
    ) -> np.ndarray:
        """The new weights: ``M + alpha / (b sigma_R) sum_k (r+_k - r-_k) delta_k`` over
        the selected directions (Algorithm 2, line 7).

        ``returns`` are the rollouts' own (unshifted) returns, shaped (N, 2); with ``lengths``
        the update runs on ``returns - reward_shift * lengths`` (the survival-bonus shift), while
        :meth:`select` also sees the unshifted returns (EPOpt ranks its models by them).
        """
        shifted = returns if lengths is None else returns - self.reward_shift * lengths
        used = self.select(returns, shifted)
        sigma = shifted[used].std()
        sigma = sigma if sigma > 1e-8 else 1.0
        diffs = shifted[used, 0] - shifted[used, 1]
        step = np.tensordot(diffs, deltas[used], axes=1)
        return self.weights + self.step_size / (len(used) * sigma) * step
