"""Tabular Bootstrapped Q-learning with randomized prior functions: deep exploration by
committing, for a whole episode, to one of K randomly initialised and bootstrapped Q-tables.

Osband, Blundell, Pritzel and Van Roy, "Deep Exploration via Bootstrapped DQN", NeurIPS 2016
(arXiv:1602.04621), Algorithm 1, in a table instead of a network:

* K Q-tables ("heads") share the experience, but each transition reaches head k only when its
  **bootstrap mask** m_k ~ Bernoulli(p) is 1 (section 3: the masks make each head learn from its
  own bootstrap sample of the data); the masks are drawn per transition, from the agent's seeded
  generator;
* at the start of every episode one head is drawn uniformly and followed greedily for the whole
  episode: the agent "commits to a randomized but internally consistent strategy for an entire
  episode" (section 1), a Thompson-sampling heuristic; that is what makes its exploration *deep*;
* head k learns by Q-learning on its own greedy bootstrap, r + gamma max_a Q_k(s', a).

**The priors.** In a table a head's value of a never-updated pair is whatever it starts at, so the
initial values are the heads' prior beliefs. Each head starts every Q(s, a) at an independent
Normal(0, ``PRIOR_SCALE``^2) draw, a function of the seed, the state, the head and the action
(:func:`rlx_envs.agents.keyed.normal`), made the first time state s is seen. The spread
should match the values to be learned (Osband et al. 2018 scale their
prior, beta, to the problem): with rewards of at most 1 a step and gamma = 0.99 the values lie
in [0, 100], hence ``PRIOR_SCALE = 30``. A prior far smaller than the learned values is never
overturned: on the chain, with a spread of 1, heads that have learned the shuttle between
s(N-1) and sN (worth about 50) never try staying at sN (worth 100). Before the first reward
the scale hardly matters (every target is then a discounted prior draw, up to the chain's
1/1000 reward and DeepSea's 0.01 / N move cost).

This is the tabular form of the *randomized prior functions* of Osband, Aslanides and Cassirer,
"Randomized Prior Functions for Deep Reinforcement Learning", NeurIPS 2018
(arXiv:1806.03335): there Q_k = f_k + beta p_k with p_k a fixed random network; in a table, f_k
starting at 0 with a fixed additive prior p_k is the same thing as Q_k starting at beta p_k. The
prior is what keeps the heads apart where there is no data (with deterministic rewards and
identical targets the bootstrap masks alone make every head converge to the same values), and
its maximum over actions makes unvisited states look valuable to about half the heads:
optimism without a bonus. Where the agent has learned, the updates wash the prior out.

**Greedy evaluation** (``act(obs, greedy=True)``) pools the heads: ``EVALUATION = "vote"`` takes
the action most heads call greedy (the ensemble vote Osband et al. 2016 use for evaluation),
ties broken by the heads' mean Q, then at random; ``"mean"`` takes the argmax of the mean Q.

**Episode boundaries.** The harness interface (``reset``, ``act``, ``observe``) has no
"episode start" call, so a new head is drawn in ``observe`` whenever ``terminated`` or
``truncated`` is True (and once in ``reset``; per seed in a batch): every episode fed
through ``observe`` is played by
one head from its first step to its last.

**Limits.** With deterministic rewards the only randomness is the prior's, and K is finite: a
pair whose prior lies below what the alternatives have learned in *every* head is never tried
(about 2^-K of the pairs at the frontier of the explored states), and the run stalls there for
good; without dithering nothing unsticks it. Osband et al. (2019, section 6) add noise to the
targets for such cases; this agent does not. In the deep-exploration claim this shows as the odd
run that never reaches the far reward (counted, censored at the cap).

Numpy only; every draw (priors, masks, heads, tie breaks) is counter-based, keyed by the seed
(:mod:`rlx_envs.agents.keyed`), so seed i of a batch (``reset_batch``, ``act_batch``,
``observe_batch``: one set of K tables per seed) is exactly the single agent seeded with i.

>>> import gymnasium as gym
>>> import rlx_envs
>>> from rlx_envs.agents.base import run_episode
>>> env = gym.make("rlx/Chain-v0", length=5)
>>> agent = BootstrappedQ()
>>> agent.reset(env.observation_space, env.action_space, seed=1)
>>> _ = [run_episode(env, agent) for _ in range(200)]
>>> run_episode(env, agent, learn=None, greedy=True)[0]   # always right: sN from step 3 on
12.0
"""

from __future__ import annotations

import numpy as np

from rlx_envs.agents.base import check_unit_interval
from rlx_envs.agents.keyed import STREAMS, normal
from rlx_envs.agents.tabular import TIE, TabularAgent, argmax_ties
from rlx_envs.core.arguments import integer

# -- hyperparameters -----------------------------------------------------------------------------
#: K, the number of heads (Osband et al. 2016 use 10).
HEADS = 10
#: p, the probability that a transition reaches a head (the bootstrap mask's Bernoulli(p)).
MASK_PROBABILITY = 0.5
#: Standard deviation of the random prior Q_k(s, a) ~ Normal(0, PRIOR_SCALE^2): about the scale
#: of the values, up to 1 / (1 - GAMMA) = 100 for rewards of at most 1 a step.
PRIOR_SCALE = 30.0
#: Step size of every head's Q-learning update.
ALPHA = 0.5
#: Discount factor.
GAMMA = 0.99
#: How ``act(obs, greedy=True)`` pools the heads: "vote" (majority) or "mean" (mean Q).
EVALUATION = "vote"
EVALUATIONS = ("vote", "mean")
#: Streams of the keyed draws: the head of an episode, then one per head for the masks.
_HEAD, _MASK = 3, 4
MAX_HEADS = STREAMS - _MASK


class BootstrappedQ(TabularAgent):
    """K bootstrapped Q-tables with random priors; one head, drawn per episode, acts.

    Osband et al. (2016), "Deep Exploration via Bootstrapped DQN", Algorithm 1, tabular, with the
    randomized prior functions of Osband et al. (2018) as the heads' initial values (see the
    module docstring for what each choice means).

    Args:
        heads: K, the number of Q-tables (1 to 60).
        mask_probability: p of the per-head Bernoulli(p) bootstrap mask of every transition
            (1.0: every head sees every transition; they then differ only by their priors).
        prior_scale: standard deviation of the Normal(0, prior_scale^2) initial Q-values
            (0: every head starts at 0 and only the masks tell them apart).
        alpha: step size; gamma: discount.
        evaluation: "vote" or "mean", how ``act(obs, greedy=True)`` pools the heads.

    Attributes (after ``reset``/``reset_batch``): ``heads_acting`` (N,) the head of each seed's
    current episode; ``masks`` (N, K) the masks of the last transition observed; ``episode_ends``
    (N,) the episode ends observed. With one seed, ``head``, ``last_mask`` and ``episodes`` are
    the same for it.

    >>> from gymnasium import spaces
    >>> agent = BootstrappedQ(heads=3)
    >>> agent.reset(spaces.Discrete(4), spaces.Discrete(2), seed=0)
    >>> agent.head_values(0).shape   # Q_k(s, .) for the three heads
    (3, 2)
    """

    def __init__(
        self,
        heads: int = HEADS,
        mask_probability: float = MASK_PROBABILITY,
        prior_scale: float = PRIOR_SCALE,
        alpha: float = ALPHA,
        gamma: float = GAMMA,
        evaluation: str = EVALUATION,
    ):
        heads = integer("heads", heads, minimum=1, maximum=MAX_HEADS)
        check_unit_interval(mask_probability=mask_probability, alpha=alpha, gamma=gamma)
        if not prior_scale >= 0:
            raise ValueError(f"prior_scale must be >= 0, got {prior_scale!r}")
        if evaluation not in EVALUATIONS:
            raise ValueError(f"evaluation must be one of {EVALUATIONS}, got {evaluation!r}")
        self.heads, self.mask_probability = int(heads), float(mask_probability)
        self.prior_scale, self.alpha, self.gamma = float(prior_scale), float(alpha), float(gamma)
        self.evaluation = evaluation

    # -- the table ----------------------------------------------------------------------------
    def fields(self) -> dict:
        return {"q": ((self.heads, self.n), 0.0)}

    def initialise(self, rows, envs, states) -> None:
        """Each new state's prior: Normal(0, prior_scale^2) per (head, action), keyed by the
        seed and the state (the same whenever and wherever the state is first met)."""
        if self.prior_scale == 0:
            self.table["q"][rows] = 0.0
            return
        index = np.arange(self.heads * self.n)[None, :]
        draws = normal(self.keys[envs][:, None], states[:, None], index)
        self.table["q"][rows] = self.prior_scale * draws.reshape(len(rows), self.heads, self.n)

    def start(self) -> None:
        self.heads_acting = self._draw_heads()
        self.masks = np.zeros((self.num_seeds, self.heads), dtype=bool)
        self.episode_ends = np.zeros(self.num_seeds, np.int64)

    def _draw_heads(self) -> np.ndarray:
        u = self.uniform(_HEAD)
        return np.minimum((u * self.heads).astype(np.int64), self.heads - 1)

    # -- one seed -------------------------------------------------------------------------------
    def head_values(self, obs) -> np.ndarray:
        """Q_k(s, .) of every head for one observation, (K, actions) (a copy)."""
        self._check_single()
        return self.table["q"][self.rows(np.asarray(obs)[None])[0]].copy()

    @property
    def head(self) -> int:
        self._check_single()
        return int(self.heads_acting[0])

    @property
    def last_mask(self) -> np.ndarray:
        self._check_single()
        return self.masks[0].copy()

    @property
    def episodes(self) -> int:
        self._check_single()
        return int(self.episode_ends[0])

    # -- acting and learning ----------------------------------------------------------------
    def choose(self, rows: np.ndarray, greedy: bool) -> np.ndarray:
        """The acting head's greedy action; with ``greedy=True`` the heads' vote (or mean)."""
        values = self.table["q"][rows]  # (N, K, A)
        u = self.uniform(TIE)
        if not greedy:
            return argmax_ties(values[np.arange(len(rows)), self.heads_acting], u)
        mean = values.mean(axis=1)
        if self.evaluation == "mean":
            return argmax_ties(mean, u)
        best = values == values.max(axis=2, keepdims=True)
        votes = (best / best.sum(axis=2, keepdims=True)).sum(axis=1)  # a tied head splits
        tied = votes >= votes.max(axis=1, keepdims=True) - 1e-9
        return argmax_ties(np.where(tied, mean, -np.inf), u)

    def learn(self, rows, actions, rewards, next_rows, terminated, truncated, active) -> None:
        """Update the heads the bootstrap mask selects; draw a new head at an episode's end."""
        q = self.table["q"]
        heads = np.arange(self.heads)[None, :]
        u = self.uniforms(_MASK + self.heads)  # one call: the head stream, then the masks
        mask = u[:, _MASK:] < self.mask_probability  # (N, K)
        bootstrap = np.where(terminated[:, None], 0.0, self.gamma * q[next_rows].max(axis=2))
        current = q[rows[:, None], heads, actions[:, None]]
        updated = current + self.alpha * (rewards[:, None] + bootstrap - current)
        q[rows[:, None], heads, actions[:, None]] = np.where(
            mask & active[:, None], updated, current
        )
        self.masks = np.where(active[:, None], mask, self.masks)
        ends = (terminated | truncated) & active
        self.episode_ends += ends
        new_heads = np.minimum((u[:, _HEAD] * self.heads).astype(np.int64), self.heads - 1)
        self.heads_acting = np.where(ends, new_heads, self.heads_acting)


__all__ = ["BootstrappedQ"]
