"""EPOpt-epsilon on top of ARS: train on the worst epsilon-fraction of a model ensemble.

Rajeswaran, Ghotra, Ravindran and Levine (2017), "EPOpt: learning robust neural network
policies using model ensembles" (ICLR), Algorithm 1: at each iteration, sample ``N`` models from
the source distribution, roll the current policy out once on each, and update the policy with
only the trajectories whose return lies below the epsilon-percentile (a CVaR objective); for the
first iterations epsilon is 1 (the warm start: plain expected return over the ensemble).

Here the policy search is ARS V2-t (:class:`~rlx_envs.agents.ars.ARS`) instead of TRPO, and
ARS's unit is a *pair* of rollouts (``M + nu delta`` and ``M - nu delta``), so EPOpt's rule is
applied to pairs:

1. each direction ``k`` gets one physics draw ``p_k`` (the env wrapper's
   ``sample_parameters(rng)``, pinned with ``set_parameters``), and both rollouts of the pair run
   on ``p_k`` with the same reset seed;
2. the pair's score is the MEAN of its two returns, which estimates the return of the current
   policy ``M`` on ``p_k`` (the antithetic mean is ``J(M; p_k) + O(nu^2)``): this is the
   quantity EPOpt ranks trajectories by;
3. the ``ceil(epsilon N)`` directions with the lowest scores are kept (the worst models), the
   others dropped whole (both rollouts);
4. ARS's update runs on the kept directions: its top-``b`` rule picks the best
   ``min(b, kept)`` of them by ``max(r+, r-)``, and ``sigma_R`` is the standard deviation of
   their returns.

With ARS's ``reward_shift`` (the survival bonus removed in training), step 3 ranks the models
by the env's own (unshifted) returns, EPOpt's objective: a fall is what makes a model one of the
worst, and the shifted return (roughly the distance covered) would not see it; steps 4 and the
update use the shifted returns, as ARS does.

With ``epsilon = 1`` every direction is kept and the update is exactly ARS's on the same draws
(the physics come from a separate generator, so the ARS stream of directions and reset seeds is
unchanged).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rlx_envs.agents.ars import ARS, stack_pairs

#: Salt of the physics generator: ``reset(seed=s)`` seeds it with ``[s, PHYSICS_SALT]``.
PHYSICS_SALT = 0xE9_0E7


@dataclasses.dataclass
class EPOpt(ARS):
    """EPOpt-epsilon (Rajeswaran et al. 2017) with ARS V2-t (Mania et al. 2018) as the learner.

    The training env must be a :class:`~rlx_envs.wrappers.PhysicsRandomization` env (any
    ``rlx/...Random-v0`` id), or any env whose wrappers offer ``sample_parameters(rng)`` and
    ``set_parameters(values | None)``. The physics are unpinned again after every iteration.

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> agent = EPOpt(n_directions=4, top_directions=2, epsilon=0.5, horizon=20)
    >>> curve = agent.train(gym.make("rlx/HalfCheetahRandom-v0"), iterations=1, seed=0)
    >>> len(agent.draws), agent.kept.size  # four models drawn, the worst two pairs kept
    (4, 2)
    """

    #: epsilon: fraction of the directions (worst models first) kept for the update.
    epsilon: float = 0.25
    #: Iterations at the start with epsilon = 1 (EPOpt's warm start).
    warm_start_iterations: int = 0

    def __post_init__(self):
        super().__post_init__()
        if not 0.0 < self.epsilon <= 1.0:
            raise ValueError(f"epsilon must lie in (0, 1], got {self.epsilon!r}")
        if self.warm_start_iterations < 0:
            raise ValueError("warm_start_iterations must be >= 0")

    def reset(self, observation_space, action_space, seed: int) -> None:
        """ARS's reset, plus the physics generator seeded with ``[seed, PHYSICS_SALT]``."""
        super().reset(observation_space, action_space, seed)
        self.physics_rng = np.random.default_rng([int(seed), PHYSICS_SALT])
        self.draws: list[dict[str, float]] = []
        self.kept = np.arange(0)

    def current_epsilon(self) -> float:
        """1 during the warm start, then ``epsilon``."""
        return 1.0 if self.iteration < self.warm_start_iterations else self.epsilon

    def collect(self, env, deltas, seeds):
        """ARS's rollouts, with each pair pinned to its own physics draw."""
        sample = env.get_wrapper_attr("sample_parameters")
        pin = env.get_wrapper_attr("set_parameters")
        self.draws = [sample(self.physics_rng) for _ in range(len(deltas))]
        pairs = []
        try:
            for draw, delta, seed in zip(self.draws, deltas, seeds, strict=True):
                pin(draw)
                pairs.append(self.rollout_pair(env, delta, int(seed)))
        finally:
            pin(None)
        return stack_pairs(pairs)

    def worst(self, returns: np.ndarray) -> np.ndarray:
        """Indices of the ``ceil(epsilon N)`` pairs with the lowest mean return (the CVaR set)."""
        count = max(1, math.ceil(self.current_epsilon() * len(returns) - 1e-9))
        return np.sort(np.argsort(returns.mean(axis=1), kind="stable")[:count])

    def select(self, returns: np.ndarray, shifted: np.ndarray | None = None) -> np.ndarray:
        """The worst pairs by their unshifted ``returns``, then among them the best
        ``min(b, kept)`` by ``max(r+, r-)`` of the ``shifted`` returns (ARS's own rule)."""
        self.kept = self.worst(returns)
        best = (returns if shifted is None else shifted)[self.kept].max(axis=1)
        return self.kept[np.argsort(-best, kind="stable")[: self.top_directions]]
