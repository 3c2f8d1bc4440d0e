"""The shared machinery of the exploration-bonus wrappers: r+ = r + beta(t) * B(s).

:class:`BonusWrapper` (one env) and :class:`VectorBonusWrapper` (a vector env, with ONE
estimator shared by every env of the batch, or with ``per_env=True`` one independent estimate per
env, kept as arrays) feed an :class:`~rlx_envs.estimators.base.Estimator` the transitions they
see, and add what every bonus has in common: the beta schedule, optional
running normalisation, the reward mix (or report-only with ``mix=False``), per-episode or global
estimates, a pluggable state key, ``info`` entries, and exact saving (``state_dict``, pickling).
The concrete bonuses (``CountBonus``, ``HashCountBonus``, ...) live in ``bonuses.py``.

Every step's ``info`` carries ``extrinsic_reward``, ``intrinsic_reward`` (beta(t) times the
normalised bonus) and the estimator's figure under its name (``count``, ``pseudo_count``,
``prediction_error``, ``info_gain``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorWrapper

from rlx_envs.estimators.base import Batch, Estimator
from rlx_envs.estimators.keys import hash_rows, integer_key, key_hash
from rlx_envs.estimators.schedules import Constant, Identity, as_schedule, make_normaliser
from rlx_envs.wrappers.batch_rows import batch_row, final_rows, set_rows, take_rows
from rlx_envs.wrappers.cell_observation import provides_cell
from rlx_envs.wrappers.observation_views import ObservationView, view_of

INTEGER_SPACES = (spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)


def _check_keyable(space: spaces.Space, provides_cell: bool) -> None:
    """Refuse, at construction, observations that cannot be counted without a key function."""
    if provides_cell or isinstance(space, INTEGER_SPACES):
        return
    if isinstance(space, spaces.Box) and space.dtype.kind in "iub":
        return
    raise ValueError(
        f"cannot count observations of {space}: exact counts need integer states. Use "
        "HashCountBonus (counts of SimHash codes, which group nearby continuous states; Tang et "
        "al. 2017), or pass key=... (a function of (obs, info) returning ints, e.g. a "
        "discretiser)"
    )


def _check_inputs(estimator: Estimator, obs_space, action_space, env, key) -> None:
    """Refuse, at construction, observations or actions the estimator cannot take."""
    if "keys" in estimator.needs and key is None:
        _check_keyable(obs_space, provides_cell(env))
    if estimator.needs & {"obs", "prev_obs"}:
        estimator.check_space(obs_space)
    if hasattr(estimator, "check_actions"):
        estimator.check_actions(action_space)


class _Core:
    """Schedule, normaliser, estimators and step count: the state both wrappers share.

    ``make_estimator(envs=None)`` builds one estimator: shared by every transition, or, given
    ``envs=N``, a per-env estimator with N independent estimates. With ``per_env=True`` every
    env is an independent run: its own estimate, its own schedule position (``env_t``, the env
    steps of that env alone) and its own normaliser state.
    """

    def __init__(
        self,
        make_estimator: Callable[..., Estimator],
        beta,
        normalize: str,
        mix: bool,
        per_episode: bool,
        streams: int,
        per_env: bool = False,
    ):
        if not all(isinstance(flag, bool) for flag in (mix, per_episode, per_env)):
            raise TypeError("mix, per_episode and per_env must be True or False")
        self.schedule = as_schedule(beta)
        self.normaliser = make_normaliser(normalize, envs=streams if per_env else None)
        self.mix, self.per_episode, self.per_env = mix, per_episode, per_env
        if per_episode:  # one estimator per env, each reset with its env's episodes
            self.estimators = [make_estimator() for _ in range(streams)]
        else:
            self.estimators = [make_estimator(envs=streams) if per_env else make_estimator()]
        self.t = 0  # env steps, summed over the envs
        self.env_t = np.zeros(streams if per_env else 0, dtype=np.int64)  # per_env: each env's

    def state_dict(self) -> dict:
        return {
            "t": self.t,
            "env_t": self.env_t.copy(),
            "normaliser": self.normaliser.state_dict(),
            "estimators": [e.state_dict() for e in self.estimators],
            "per_env": self.per_env,
        }

    def load_state_dict(self, state: dict) -> None:
        if bool(state.get("per_env", False)) != self.per_env:
            raise ValueError(
                f"state was saved with per_env={bool(state.get('per_env', False))}, this "
                f"wrapper has per_env={self.per_env}: build it with the same per_env"
            )
        if len(state["estimators"]) != len(self.estimators):
            raise ValueError(
                f"state has {len(state['estimators'])} estimators, this wrapper "
                f"{len(self.estimators)} (per_episode and num_envs must match)"
            )
        self.t = int(state["t"])
        if self.per_env:
            self.env_t = np.asarray(state["env_t"], dtype=np.int64).copy()
        self.normaliser.load_state_dict(dict(state["normaliser"]))
        for estimator, saved in zip(self.estimators, state["estimators"], strict=True):
            estimator.load_state_dict(saved)


class BonusWrapper(gym.Wrapper):
    """Base of the single-env bonus wrappers (see the module docstring)."""

    #: Normalisation used when ``normalize`` is not given.
    default_normalize = "none"

    def __init__(
        self,
        env: gym.Env,
        make_estimator: Callable[[], Estimator],
        beta=0.1,
        *,
        normalize: str | None = None,
        mix: bool = True,
        per_episode: bool = False,
        key: Callable[[Any, dict], Any] | None = None,
        view: ObservationView | None = None,
    ):
        gym.Wrapper.__init__(self, env)
        self.view = view or view_of(env.observation_space)
        self._core = _Core(
            make_estimator, beta, normalize or self.default_normalize, mix, per_episode, 1
        )
        self.estimator = self._core.estimators[0]
        needs = self.estimator.needs
        _check_inputs(self.estimator, self.view.space, env.action_space, env, key)
        self._key = key
        self._flattens = self.view.flattens
        # Shortcuts of the single-env hot path (a step of MiniMontezuma takes about 10 us).
        self._fast = hasattr(self.estimator, "observe_one")
        self._needs_keys = "keys" in needs
        schedule = self._core.schedule
        self._constant_beta = schedule.value if isinstance(schedule, Constant) else None
        self._identity = isinstance(self._core.normaliser, Identity)
        self._prev = None

    @property
    def beta(self) -> float:
        """The bonus scale at the current step."""
        return self._core.schedule(self._core.t)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({_describe(self.estimator, self.view)}), {self.env}>"

    __str__ = __repr__  # gymnasium.Wrapper's str would leave the estimator out

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Reset the env (and, with ``per_episode=True``, the estimate)."""
        obs, info = self.env.reset(seed=seed, options=options)
        if self._core.per_episode:
            self.estimator.reset()
        self._prev = self.view.one(obs) if self._flattens else obs
        return obs, info

    def step(self, action):
        """Step, then add beta(t) times the bonus of the state reached (unless ``mix=False``)."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        estimator, core = self.estimator, self._core
        needs = estimator.needs
        seen = self.view.one(obs) if self._flattens else obs
        if self._fast:
            key = None
            if self._needs_keys:
                raw = self._state_key(obs, seen, info)
                key = hash(raw) if type(raw) is tuple else key_hash(integer_key(raw))
            figure, bonus = estimator.observe_one(seen, self._prev, action, key)
        else:
            batch = Batch(
                obs=np.asarray(seen)[None],
                prev_obs=np.asarray(self._prev)[None] if "prev_obs" in needs else None,
                actions=np.asarray(action)[None] if "actions" in needs else None,
                keys=(
                    np.array([key_hash(integer_key(self._state_key(obs, seen, info)))], np.int64)
                    if "keys" in needs
                    else None
                ),
            )
            figures, bonuses = estimator.observe(batch)
            figure, bonus = float(figures[0]), float(bonuses[0])
        beta = self._constant_beta if self._constant_beta is not None else core.schedule(core.t)
        intrinsic = beta * (bonus if self._identity else core.normaliser.one(bonus))
        core.t += 1
        info["extrinsic_reward"] = reward
        info["intrinsic_reward"] = intrinsic
        info[estimator.figure] = figure
        self._prev = seen
        return obs, (reward + intrinsic if core.mix else reward), terminated, truncated, info

    def _state_key(self, obs, seen, info):
        """The key to count: ``key(obs, info)``, else ``info["cell"]``, else the observation
        as the estimator sees it."""
        if self._key is not None:
            return self._key(obs, info)
        return info["cell"] if "cell" in info else seen

    def state_dict(self) -> dict:
        """The estimate, schedule position and normaliser, to continue exactly elsewhere."""
        return self._core.state_dict()

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` (of a wrapper built with the same arguments)."""
        self._core.load_state_dict(state)


class VectorBonusWrapper(VectorWrapper):
    """Base of the vector bonus wrappers: one estimator for the whole batch (or one per env).

    The transitions of a step are fed to the estimator in env order, as one batch; a step that
    only resets an env (Gymnasium's NEXT_STEP autoreset) is not a transition and earns nothing
    (its ``info`` masks say so). Under SAME_STEP autoreset the state reached is the episode's
    final observation (``info["final_obs"]``), not the new episode's first one. A custom ``key``
    gets the batch: ``key(obs, infos)`` returns an (N, D) int array.

    Whose estimate: by default ONE estimate is shared by every env (env i's visits count for env
    j). With ``per_env=True`` env i has its own estimate, for the whole run: the bonus env i gets
    is exactly what the single-env wrapper gives on env i's own stream of transitions (for
    independent seeds run side by side). The estimates are arrays indexed by env (a count table
    keyed by (env, state), N stacked density models), not N estimator objects; the bonuses that
    have such an estimator accept it (exact and SimHash counts; pseudo-counts and prediction gain
    with ``model="cts"``), the others raise ``ValueError``. With ``per_episode=True`` each env
    keeps its own estimate, reset with its episodes (a loop over the envs, for every bonus).

    ``per_env=True`` makes each env an independent run in everything, so that the equality above
    holds for any options: env i's own estimate, its own position in the beta schedule (its own
    env steps, not the batch's sum; :attr:`beta` is then an array) and its own normaliser.
    With ``per_episode=True`` as well, the estimates are the per-episode ones (any bonus).
    """

    default_normalize = "none"

    def __init__(
        self,
        env: gym.vector.VectorEnv,
        make_estimator: Callable[..., Estimator],
        beta=0.1,
        *,
        normalize: str | None = None,
        mix: bool = True,
        per_episode: bool = False,
        per_env: bool = False,
        key: Callable[[Any, dict], Any] | None = None,
        view: ObservationView | None = None,
    ):
        VectorWrapper.__init__(self, env)
        self.view = view or view_of(env.single_observation_space)
        self._core = _Core(
            make_estimator,
            beta,
            normalize or self.default_normalize,
            mix,
            per_episode,
            env.num_envs,
            per_env,
        )
        self.per_env = per_env
        # Per-env estimators read each transition's env index (per_episode has its own loop).
        self._stream_envs = per_env and not per_episode
        self.estimator = self._core.estimators[0]
        _check_inputs(self.estimator, self.view.space, env.single_action_space, env, key)
        mode = env.metadata.get("autoreset_mode", AutoresetMode.NEXT_STEP)
        self._autoreset_mode = AutoresetMode(mode)
        self._key = key
        self._prev = None
        self._resetting = np.zeros(env.num_envs, bool)

    @property
    def beta(self) -> float | np.ndarray:
        """The bonus scale at the current step (with ``per_env=True``, each env's, an array)."""
        core = self._core
        return core.schedule.many(core.env_t) if core.per_env else core.schedule(core.t)

    def __repr__(self) -> str:
        described = _describe(self.estimator, self.view)
        return f"<{type(self).__name__}(per_env={self.per_env}, {described}), {self.env}>"

    def reset(self, *, seed=None, options: dict | None = None):
        """Reset the envs (all, or ``options["reset_mask"]``)."""
        mask = (options or {}).get("reset_mask")  # read first: vector envs pop it
        obs, infos = self.env.reset(seed=seed, options=options)
        envs = np.flatnonzero(mask) if mask is not None else np.arange(self.num_envs)
        seen = self.view.rows(obs, self.num_envs)
        if self._prev is None or mask is None:
            self._prev = seen
        else:
            self._prev = set_rows(self._prev, envs, seen)
        self._resetting[envs] = False
        if self._core.per_episode:
            for i in envs:
                self._core.estimators[i].reset()
        return obs, infos

    def step(self, actions):
        """Step every env; add the bonus of each state reached (shared or per-env estimate)."""
        obs, rewards, terminated, truncated, infos = self.env.step(actions)
        core = self._core
        reached, reached_infos = obs, infos
        seen = seen_reached = self.view.rows(obs, self.num_envs)  # as the estimator sees them
        done = terminated | truncated
        if self._autoreset_mode == AutoresetMode.SAME_STEP and done.any():
            reached, reached_infos = final_rows(obs, infos, np.flatnonzero(done))
            seen_reached = self.view.rows(reached, self.num_envs)
        real = ~self._resetting
        envs = np.flatnonzero(real)
        batch = self._batch(reached, seen_reached, reached_infos, actions, envs)
        if not len(envs):  # every env only reset this step: nothing to observe
            figures, bonuses = np.zeros(0), np.zeros(0)
        elif core.per_episode:
            figures, bonuses = np.zeros(len(envs)), np.zeros(len(envs))
            for j, i in enumerate(envs.tolist()):
                f, b = core.estimators[i].observe(batch_row(batch, j))
                figures[j], bonuses[j] = f[0], b[0]
        else:
            figures, bonuses = self.estimator.observe(batch)
        intrinsic = np.zeros(self.num_envs)
        if core.per_env:  # each env at its own step of the schedule, its own normaliser
            betas = core.schedule.many(core.env_t[envs])
            core.env_t[envs] += 1
            intrinsic[envs] = betas * core.normaliser.many(bonuses, envs)
        else:
            betas = core.schedule.many(core.t + np.arange(len(envs)))
            intrinsic[envs] = betas * core.normaliser.many(bonuses)
        core.t += len(envs)
        figure = np.zeros(self.num_envs)
        figure[envs] = figures
        infos = dict(infos)
        for name, value in (
            ("extrinsic_reward", np.asarray(rewards, dtype=np.float64)),
            ("intrinsic_reward", intrinsic),
            (self.estimator.figure, figure),
        ):
            infos[name], infos[f"_{name}"] = value, real.copy()
        if core.mix:
            rewards = rewards + intrinsic
        self._after_step(seen, done)
        return obs, rewards, terminated, truncated, infos

    def _after_step(self, seen, done: np.ndarray) -> None:
        self._prev = seen
        if self._core.per_episode:  # an env that finished starts its next episode afresh
            for i in np.flatnonzero(done).tolist():
                self._core.estimators[i].reset()
        if self._autoreset_mode == AutoresetMode.NEXT_STEP:
            self._resetting = done.copy()  # their next step only resets them

    def _batch(self, reached, seen, infos: dict, actions, envs: np.ndarray) -> Batch:
        """The transitions of envs ``envs``: ``reached`` as the env gives them (for a ``key``
        function), ``seen`` as the estimator sees them."""
        needs = self.estimator.needs
        keys = None
        if "keys" in needs:
            if self._key is not None:
                rows = np.asarray(self._key(reached, infos))
            else:
                rows = infos["cell"] if "cell" in infos else seen
            rows = np.asarray(rows)
            if rows.dtype.kind not in "iub":
                raise TypeError(f"state keys must be integers, got dtype {rows.dtype}")
            keys = hash_rows(rows.reshape(len(rows), -1)[envs])
        return Batch(
            obs=take_rows(seen, envs) if "obs" in needs else None,
            prev_obs=take_rows(self._prev, envs) if "prev_obs" in needs else None,
            actions=np.asarray(actions)[envs] if "actions" in needs else None,
            keys=keys,
            envs=envs if self._stream_envs else None,
        )

    def state_dict(self) -> dict:
        """The estimate (shared, or every env's), schedule position and normaliser."""
        return self._core.state_dict()

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` (of a wrapper built with the same arguments)."""
        self._core.load_state_dict(state)


def _describe(estimator: Estimator, view: ObservationView) -> str:
    """The estimator and how it sees the observations, for a wrapper's ``repr``."""
    seen = "" if not view.flattens else f", observations={view.describe()!r}"
    return f"estimator={estimator!r}{seen}"
