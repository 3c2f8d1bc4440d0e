"""``ShotBudget``: count attempts (shots) in a target domain, and stop when they are spent.

A shot is an episode of the target domain, counted when it ENDS (terminated or truncated), never
by counting ``reset()`` calls: under Gymnasium's vector autoreset modes a reset is not an attempt
(NEXT_STEP resets on the step after an episode ends, SAME_STEP on the same step, DISABLED when
the user says), and an episode abandoned by an early ``reset()`` was no attempt either.
Adaptation shots and evaluation episodes are counted apart, as Meta-World keeps them apart.

Change history: 0.1.0, first version.
"""

from __future__ import annotations

import contextlib
import dataclasses

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs
from gymnasium.vector import AutoresetMode, VectorWrapper

from rlx_envs.core.arguments import integer

ADAPTATION, EVALUATION = "adaptation", "evaluation"


class ShotBudgetExhausted(RuntimeError):
    """Raised by :meth:`ShotBudget.reset` once every adaptation shot is used.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import ShotBudget, ShotBudgetExhausted
        >>> env = ShotBudget(gym.make("rlx/GridCorridor-v0"), max_shots=0)
        >>> try:
        ...     env.reset(seed=0)
        ... except ShotBudgetExhausted as error:
        ...     print(error)
        all 0 adaptation shots are used; evaluate inside `with env.evaluation():`
    """


@dataclasses.dataclass(frozen=True)
class Shot:
    """One finished episode of the target domain.

    Example:
        >>> shot = Shot(index=0, kind="adaptation", episode_return=1.0, length=6, success=True)
        >>> shot  # doctest: +ELLIPSIS
        Shot(index=0, kind='adaptation', ..., env=0, over_budget=False)
    """

    #: Position among the episodes of its kind (0, 1, ...).
    index: int
    #: "adaptation" or "evaluation".
    kind: str
    #: Sum of rewards and number of steps.
    episode_return: float
    length: int
    #: ``info["success"]`` (or ``"is_success"``) at the last step, or None if the env gives none.
    success: bool | None
    #: The env of a vector env it ran in (0 for a single env).
    env: int = 0
    #: Vector envs only: it ended in the same step as others that spent the last shots.
    over_budget: bool = False


def _check_budget(name: str, value, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    return integer(name, value, minimum=0)


def _success(info: dict, i: int | None = None):
    for key in ("success", "is_success"):
        if key in info:
            value = info[key] if i is None else info[key][i]
            return bool(value)
    return None


class _Counter:
    """The bookkeeping both wrappers share: records per kind, the mode, the budgets."""

    def __init__(self, max_shots, max_eval_episodes):
        self.max_shots = _check_budget("max_shots", max_shots)
        self.max_eval_episodes = _check_budget("max_eval_episodes", max_eval_episodes, True)
        self.records: dict[str, list[Shot]] = {ADAPTATION: [], EVALUATION: []}
        #: Episodes within budget per kind, kept as a count: every step reports it.
        self.counted = {ADAPTATION: 0, EVALUATION: 0}
        self.kind = ADAPTATION

    def limit(self, kind: str) -> int | None:
        return self.max_shots if kind == ADAPTATION else self.max_eval_episodes

    def used(self, kind: str = ADAPTATION) -> int:
        return self.counted[kind]

    def exhausted(self, kind: str = ADAPTATION) -> bool:
        limit = self.limit(kind)
        return limit is not None and self.used(kind) >= limit

    def record(self, kind: str, episode_return: float, length: int, success, env: int = 0):
        over = self.exhausted(kind)
        shot = Shot(
            len(self.records[kind]), kind, float(episode_return), int(length), success, env, over
        )
        self.records[kind].append(shot)
        self.counted[kind] += not over
        return shot

    def info(self) -> dict:
        used = self.used(ADAPTATION)
        return {
            "shots_used": used,
            "shots_left": max(self.max_shots - used, 0),
            "budget_exhausted": self.exhausted(ADAPTATION),
            "eval_episodes": self.used(EVALUATION),
        }


class _Budgeted:
    """Properties and the evaluation switch, shared by both wrappers."""

    _counter: _Counter

    @property
    def max_shots(self) -> int:
        """The adaptation budget."""
        return self._counter.max_shots

    @property
    def shots_used(self) -> int:
        """Adaptation shots used so far."""
        return self._counter.used(ADAPTATION)

    @property
    def shots_left(self) -> int:
        """Adaptation shots left."""
        return max(self._counter.max_shots - self.shots_used, 0)

    @property
    def budget_exhausted(self) -> bool:
        """Whether every adaptation shot is used."""
        return self._counter.exhausted(ADAPTATION)

    @property
    def shots(self) -> list[Shot]:
        """The finished adaptation shots, in order."""
        return list(self._counter.records[ADAPTATION])

    @property
    def evaluations(self) -> list[Shot]:
        """The finished evaluation episodes, in order."""
        return list(self._counter.records[EVALUATION])

    @contextlib.contextmanager
    def evaluation(self):
        """Episodes *started* inside this block count as evaluation episodes, not shots."""
        previous, self._counter.kind = self._counter.kind, EVALUATION
        try:
            yield self
        finally:
            self._counter.kind = previous


class ShotBudget(_Budgeted, gym.Wrapper, RecordConstructorArgs):
    """Count the episodes of a target env as shots; refuse to start one past ``max_shots``.

    Each step's ``info`` carries ``shots_used``, ``shots_left``, ``budget_exhausted`` and
    ``eval_episodes``; the step that ends an episode also carries ``shot`` (its :class:`Shot`).
    ``reset()`` raises :class:`ShotBudgetExhausted` once every shot is used, unless inside
    ``with env.evaluation():`` (evaluation episodes have their own, optional, budget).

    Args:
        env: the target env.
        max_shots: adaptation episodes allowed (0: zero-shot, evaluation only).
        max_eval_episodes: evaluation episodes allowed (None: no limit).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import ShotBudget
        >>> env = ShotBudget(gym.make("rlx/GridCorridor-v0"), max_shots=1)
        >>> _ = env.reset(seed=0)
        >>> for _ in range(6):
        ...     info = env.step(1)[4]
        >>> info["shots_used"], info["budget_exhausted"], env.shots[0].episode_return
        (1, True, 1.0)
        >>> with env.evaluation():
        ...     _ = env.reset()
    """

    def __init__(self, env: gym.Env, max_shots: int, *, max_eval_episodes: int | None = None):
        RecordConstructorArgs.__init__(
            self, max_shots=max_shots, max_eval_episodes=max_eval_episodes
        )
        gym.Wrapper.__init__(self, env)
        self._counter = _Counter(max_shots, max_eval_episodes)
        self._episode_kind, self._return, self._length = None, 0.0, 0

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode, unless its kind's budget is spent (then raise)."""
        kind = self._counter.kind
        if self._counter.exhausted(kind):
            raise ShotBudgetExhausted(
                f"all {self._counter.limit(kind)} {kind} "
                f"{'shots' if kind == ADAPTATION else 'episodes'} are used; "
                + (
                    "evaluate inside `with env.evaluation():`"
                    if kind == ADAPTATION
                    else "raise max_eval_episodes"
                )
            )
        self._episode_kind, self._return, self._length = kind, 0.0, 0
        obs, info = self.env.reset(seed=seed, options=options)
        return obs, {**info, **self._counter.info()}

    def step(self, action):
        """Step; at the end of an episode, record the shot."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._return += float(reward)
        self._length += 1
        if (terminated or truncated) and self._episode_kind is not None:
            info["shot"] = self._counter.record(
                self._episode_kind, self._return, self._length, _success(info)
            )
            self._episode_kind = None
        info.update(self._counter.info())
        return obs, reward, terminated, truncated, info


class VectorShotBudget(_Budgeted, VectorWrapper, RecordConstructorArgs):
    """:class:`ShotBudget` for a vector env: one budget for all envs, counted in env order.

    Works under every autoreset mode: NEXT_STEP's reset steps and SAME_STEP's same-step resets
    are not shots; under DISABLED the user resets finished envs with ``options["reset_mask"]``.
    It never raises inside ``step``: when the budget is spent, ``info["budget_exhausted"]`` says
    so, and episodes that end in the same step as the last shot are recorded with
    ``over_budget=True`` (parallel attempts cannot be taken back). ``info["shot_return"]``,
    ``["shot_length"]`` are set (with their ``_`` masks) for the envs whose episode ended.

    Args:
        env: the target vector env (any autoreset mode).
        max_shots: adaptation episodes allowed, summed over the envs.
        max_eval_episodes: evaluation episodes allowed (None: no limit).

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorShotBudget
        >>> envs = VectorShotBudget(
        ...     gym.make_vec("rlx/GridCorridor-v0", num_envs=2, vectorization_mode="sync"),
        ...     max_shots=3,
        ... )
        >>> _ = envs.reset(seed=0)
        >>> for _ in range(6):  # east, six times: both episodes end in the same step
        ...     info = envs.step(np.array([1, 1]))[4]
        >>> info["shot_return"], envs.shots_used, envs.shots_left, [s.env for s in envs.shots]
        (array([1., 1.]), 2, 1, [0, 1])
    """

    def __init__(self, env, max_shots: int, *, max_eval_episodes: int | None = None):
        RecordConstructorArgs.__init__(
            self, max_shots=max_shots, max_eval_episodes=max_eval_episodes
        )
        VectorWrapper.__init__(self, env)
        self._counter = _Counter(max_shots, max_eval_episodes)
        mode = env.metadata.get("autoreset_mode", AutoresetMode.NEXT_STEP)
        self._autoreset_mode = AutoresetMode(mode)
        n = env.num_envs
        self._return, self._length = np.zeros(n), np.zeros(n, np.int64)
        self._kind = np.array([ADAPTATION] * n, dtype=object)
        self._resetting = np.zeros(n, bool)

    def reset(self, *, seed=None, options: dict | None = None):
        """Reset the envs (all, or ``options["reset_mask"]``); never counts a shot."""
        mask = (options or {}).get("reset_mask")  # read first: vector envs pop it
        obs, infos = self.env.reset(seed=seed, options=options)
        envs = np.flatnonzero(mask) if mask is not None else np.arange(self.num_envs)
        self._start(envs)
        return obs, self._add_info(infos, np.zeros(self.num_envs, bool), None, None)

    def step(self, actions):
        """Step every env; record the shots of the episodes that ended."""
        obs, rewards, terminated, truncated, infos = self.env.step(actions)
        playing = ~self._resetting
        self._return[playing] += rewards[playing]
        self._length[playing] += 1
        if self._resetting.any():  # NEXT_STEP: these envs only reset, starting new episodes
            self._start(np.flatnonzero(self._resetting))
        done = (terminated | truncated) & playing
        returns, lengths = self._return.copy(), self._length.copy()
        final_info = infos.get("final_info", infos)
        for i in np.flatnonzero(done).tolist():
            self._counter.record(self._kind[i], returns[i], lengths[i], _success(final_info, i), i)
        if self._autoreset_mode == AutoresetMode.NEXT_STEP:
            self._resetting = done.copy()
        elif self._autoreset_mode == AutoresetMode.SAME_STEP:
            self._start(np.flatnonzero(done))
        return obs, rewards, terminated, truncated, self._add_info(infos, done, returns, lengths)

    def _start(self, envs: np.ndarray) -> None:
        self._return[envs], self._length[envs] = 0.0, 0
        self._kind[envs] = self._counter.kind
        self._resetting[envs] = False

    def _add_info(self, infos: dict, done: np.ndarray, returns, lengths) -> dict:
        infos = dict(infos)
        every = np.ones(self.num_envs, bool)
        for key, value in self._counter.info().items():
            infos[key], infos[f"_{key}"] = np.full(self.num_envs, value), every
        if returns is not None:
            infos["shot_return"], infos["_shot_return"] = returns, done.copy()
            infos["shot_length"], infos["_shot_length"] = lengths, done.copy()
        return infos
