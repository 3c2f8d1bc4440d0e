"""The agent interface of the transfer harness, a random agent, and the episode loop.

An agent needs three methods, and nothing else:

* ``reset(observation_space, action_space, seed)``: forget everything; all later random draws
  come from a generator seeded with ``seed``;
* ``act(obs, greedy)``: an action (``greedy=True`` for evaluation: no exploration);
* ``observe(obs, action, reward, next_obs, terminated, truncated)``: learn from one transition
  (an agent that does not learn does nothing).

An agent may also define ``adapt(...)`` with the arguments of ``observe``: the harness then runs
an extra "adapted" arm that learns on the target through it (a special adaptation rule, e.g.
meta-learning), beside the plain finetuning arm that uses ``observe``. An agent that learns from
whole batches of rollouts rather than transitions (ARS) may define
``pretrain(env, episodes, seed) -> returns``: the harness then calls it for the source phase.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import gymnasium as gym
import numpy as np


@runtime_checkable
class Agent(Protocol):
    """What the transfer harness needs of an agent."""

    def reset(self, observation_space: gym.Space, action_space: gym.Space, seed: int) -> None: ...

    def act(self, obs: Any, greedy: bool = False) -> Any: ...

    def observe(
        self, obs, action, reward: float, next_obs, terminated: bool, truncated: bool
    ) -> None: ...


class RandomAgent:
    """Uniformly random actions, learns nothing: the floor of every comparison.

    >>> import gymnasium as gym
    >>> import rlx_envs
    >>> env = gym.make("rlx/GridRoom-v0")
    >>> agent = RandomAgent()
    >>> agent.reset(env.observation_space, env.action_space, seed=0)
    >>> env.action_space.contains(agent.act(env.reset(seed=0)[0]))
    True
    """

    def reset(self, observation_space, action_space, seed: int) -> None:
        self.action_space = action_space
        self.action_space.seed(int(seed))

    def act(self, obs, greedy: bool = False):
        return self.action_space.sample()

    def observe(self, obs, action, reward, next_obs, terminated, truncated) -> None:
        pass


def run_episode(
    env: gym.Env,
    agent,
    *,
    seed: int | None = None,
    learn: str | None = "observe",
    greedy: bool = False,
) -> tuple[float, int, bool]:
    """Play one episode; return (return, length, success).

    ``learn`` names the agent method fed every transition ("observe", "adapt" or None).
    Success is ``info["success"]`` (or ``"is_success"``) at the last step, else a positive return
    at termination.
    """
    obs, _ = env.reset(seed=seed)
    update = getattr(agent, learn) if learn else None
    total, length, info, terminated = 0.0, 0, {}, False
    while True:
        action = agent.act(obs, greedy)
        next_obs, reward, terminated, truncated, info = env.step(action)
        if update is not None:
            update(obs, action, float(reward), next_obs, terminated, truncated)
        total += float(reward)
        length += 1
        obs = next_obs
        if terminated or truncated:
            break
    success = info.get("success", info.get("is_success"))
    return total, length, bool(success if success is not None else terminated and total > 0)


def check_unit_interval(**values: float) -> None:
    """Raise a ValueError naming the first hyperparameter outside [0, 1] (rates, probabilities)."""
    for name, value in values.items():
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {value!r}")


def run_batch(envs, agent, steps: int, *, seed=None, on_step=None, greedy: bool = False,
              learn: bool = True, reward=None) -> int:  # fmt: skip
    """Run a batched agent (one seed per env) on a vector env for at most ``steps`` steps.

    Handles Gymnasium's default NEXT_STEP autoreset: the step after an env's episode ended only
    resets it, so that env is *inactive* there (its action is not drawn, nothing is learnt):
    each seed sees exactly the transitions a single env would give it. ``seed`` is passed to
    ``envs.reset`` (an int, or one int per env). ``on_step(t, active, rewards, terminated,
    truncated, infos)`` is called after every step; returning True stops the run. ``reward(
    rewards, infos)``, when given, is the reward the agent learns from (say, the env's reward
    plus a per-seed multiple of a bonus reported in ``infos``). Returns the number of steps.
    """
    obs, _ = envs.reset(seed=seed)
    resetting = np.zeros(envs.num_envs, bool)
    for t in range(steps):
        active = ~resetting
        actions = agent.act_batch(obs, greedy, active=active)
        next_obs, rewards, terminated, truncated, infos = envs.step(actions)
        if learn:
            learnt = rewards if reward is None else reward(rewards, infos)
            agent.observe_batch(obs, actions, learnt, next_obs, terminated, truncated, active)
        if on_step is not None and on_step(t, active, rewards, terminated, truncated, infos):
            return t + 1
        obs, resetting = next_obs, terminated | truncated
    return steps
