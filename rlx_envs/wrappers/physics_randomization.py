"""``PhysicsRandomization``: redraw the physics of any MuJoCo env at reset (domain randomization).

Change history: 0.1.0, first version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rlx_envs.core.arguments import finite_action, integer
from rlx_envs.rules.physics import sim_state
from rlx_envs.rules.physics.parameters import Binding, Parameter, is_mujoco_env

#: Salt of the physics stream: ``reset(seed=s)`` seeds it with ``[s, PHYSICS_STREAM]``, apart
#: from the env's own generator, so the physics and the env's reset noise are both fixed by s.
PHYSICS_STREAM = 0x5EED_F1E1D
EXPOSE = ("info", "observation")


class PhysicsRandomization(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Draw physical parameters of a MuJoCo env from distributions, at reset, in place.

    Works on any env whose ``unwrapped`` has a compiled ``model`` (``MjModel``) and ``data``
    (every Gymnasium MuJoCo env). Parameters are declared by name (see
    :mod:`rlx_envs.rules.physics`); each reset restores the nominal model, writes the new draw and
    recomputes MuJoCo's derived constants (``mj_setConst``) where needed. The XML is never
    recompiled. The values in force are in ``info["physics"]`` at every reset and step.

    Args:
        env: a MuJoCo env.
        parameters: the randomized quantities (:class:`~rlx_envs.rules.physics.Parameter`).
        ensemble: optional finite list of draws (dicts naming every parameter): each reset picks
            one of them uniformly instead of drawing from the distributions (EPOpt's ensemble).
        resample_every: draw new physics every this many episodes (1: every reset); ``None``
            draws once, at the first reset, and again only at a seeded reset, so that
            ``reset(seed=s)`` alone always fixes the physics.
        expose: ``"info"`` (default), or ``"observation"`` to also append the values to the
            observation (explicit system identification; the env's space must be a 1-D Box).
        unmodeled: parameters applied on top, outside the training distribution (a tilted
            floor, a heavier foot); reported in ``info["unmodeled"]``, never in the observation.

    Example:
        >>> import gymnasium as gym
        >>> from rlx_envs.rules.physics import TruncatedNormal, body_mass
        >>> from rlx_envs.wrappers import PhysicsRandomization
        >>> env = PhysicsRandomization(
        ...     gym.make("Hopper-v5"), [body_mass("torso", TruncatedNormal(6.0, 1.5, 3.0, 9.0))]
        ... )
        >>> obs, info = env.reset(seed=0)
        >>> 3.0 <= info["physics"]["torso_body_mass"] <= 9.0
        True
    """

    def __init__(
        self,
        env: gym.Env,
        parameters: Sequence[Parameter],
        *,
        ensemble: Sequence[Mapping[str, float]] | None = None,
        resample_every: int | None = 1,
        expose: str = "info",
        unmodeled: Sequence[Parameter] = (),
    ):
        gym.utils.RecordConstructorArgs.__init__(
            self,
            parameters=parameters,
            ensemble=ensemble,
            resample_every=resample_every,
            expose=expose,
            unmodeled=unmodeled,
        )
        gym.Wrapper.__init__(self, env)
        if not is_mujoco_env(env):
            raise TypeError(
                "PhysicsRandomization needs a MuJoCo env: env.unwrapped must have a compiled "
                f"mujoco.MjModel `model` and mujoco.MjData `data`; got {env.unwrapped!r}"
            )
        if expose not in EXPOSE:
            raise ValueError(f"unknown expose {expose!r}; valid choices: {list(EXPOSE)}")
        if resample_every is not None:
            resample_every = integer("resample_every (or None)", resample_every, minimum=1)
        parameters, unmodeled = list(parameters), list(unmodeled)
        if not parameters:
            raise ValueError("PhysicsRandomization needs at least one parameter")
        for p in parameters + unmodeled:
            if not isinstance(p, Parameter):
                raise TypeError(f"parameters must be rlx_envs.rules.physics.Parameter, got {p!r}")
        model = env.unwrapped.model
        # One binding over both lists, so that no slot is edited twice.
        self._binding = Binding(model, parameters + unmodeled)
        self._n_train = len(parameters)
        self.expose = expose
        self.resample_every = None if resample_every is None else int(resample_every)
        names = self._binding.names
        self._train_names, self._unmodeled_names = names[: self._n_train], names[self._n_train :]
        self.ensemble = None
        if ensemble is not None:
            if len(ensemble) == 0:
                raise ValueError("ensemble must hold at least one draw")
            unmodeled_nominal = {n: 0.0 for n in self._unmodeled_names}
            self.ensemble = tuple(
                {
                    n: v
                    for n, v in self._check({**member, **unmodeled_nominal}).items()
                    if n in self._train_names
                }
                for member in ensemble
            )
        self._bounds = self._value_bounds(parameters)
        if expose == "observation":
            self.observation_space = _extended_space(env.observation_space, *self._bounds)
        self._rng: np.random.Generator | None = None
        self._values: dict[str, float] | None = None
        self._unmodeled_values: dict[str, float] = {}
        self._pinned: dict[str, float] | None = None
        self._episodes_since_draw = 0

    # -- public API ----------------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The randomized parameters (without the unmodeled ones)."""
        return self._binding.parameters[: self._n_train]

    @property
    def values(self) -> dict[str, float] | None:
        """The parameter values in force (None before the first reset)."""
        return None if self._values is None else dict(self._values)

    @property
    def nominal_values(self) -> dict[str, float]:
        """Values that reproduce the unedited model (1.0 for scaled parameters)."""
        nominal = self._binding.nominal_values()
        return {n: nominal[n] for n in self._train_names}

    def sample_parameters(self, rng: np.random.Generator | None = None) -> dict[str, float]:
        """A draw from the distributions (or the ensemble), without applying it.

        Uses the wrapper's seeded generator unless ``rng`` is given; for EPOpt-style algorithms
        that choose which physics to train on and then call :meth:`set_parameters`.
        """
        return self._draw(rng if rng is not None else self._generator())[0]

    def set_parameters(self, values: Mapping[str, float] | None) -> None:
        """Pin the physics to ``values`` (naming every parameter) from now on, or unpin (None).

        Pinned values apply at once and at every reset until unpinned; then draws resume at the
        next reset. With ``expose="observation"`` they must lie within the distributions'
        bounds, so that observations stay in the observation space.
        """
        if values is None:
            self._pinned = None
            self._episodes_since_draw = self.resample_every or 0
            return
        checked = self._check({**dict(values), **self._unmodeled_values_or_nominal()})
        pinned = {n: checked[n] for n in self._train_names}
        if self.expose == "observation":
            low, high = self._bounds
            for i, name in enumerate(self._train_names):
                if not low[i] <= pinned[name] <= high[i]:
                    raise ValueError(
                        f"{name}={pinned[name]} lies outside [{low[i]}, {high[i]}], the bounds "
                        "of the exposed observation; widen the distribution or expose='info'"
                    )
        self._pinned = pinned
        self._values = dict(pinned)
        self._unmodeled_values = self._unmodeled_values_or_nominal()
        self._apply()

    def restore_nominal(self) -> None:
        """Put the wrapped env's nominal model back, exactly (the values saved when the wrapper
        was built, not a draw of ones), and keep it: the physics stay nominal at every reset
        until :meth:`set_parameters` pins other values or unpins (None), when draws resume.

        >>> import gymnasium as gym
        >>> from rlx_envs.rules.physics import Uniform, body_mass
        >>> env = PhysicsRandomization(gym.make("Hopper-v5"), [body_mass("torso", Uniform(0.5, 2))])
        >>> nominal = float(env.unwrapped.model.body_mass[1])
        >>> _ = env.reset(seed=0)
        >>> env.restore_nominal()
        >>> float(env.unwrapped.model.body_mass[1]) == nominal, env.values == env.nominal_values
        (True, True)
        """
        inner = self.env.unwrapped
        self._binding.restore(inner.model, inner.data)
        self._pinned = self.nominal_values
        self._values = dict(self._pinned)
        self._unmodeled_values = {}
        self._vector = np.array([self._values[n] for n in self._train_names])

    # -- Gymnasium API -------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Draw (when due) and apply the physics, then reset the env."""
        if seed is not None:
            self._rng = np.random.default_rng([int(seed), PHYSICS_STREAM])
        due = (
            seed is not None
            or self._values is None
            or (
                self.resample_every is not None and self._episodes_since_draw >= self.resample_every
            )
        )
        if due:
            self._values, self._unmodeled_values = self._draw(self._generator())
            self._episodes_since_draw = 0
        if self._pinned is not None:
            self._values = dict(self._pinned)
        self._apply()
        self._episodes_since_draw += 1
        obs, info = self.env.reset(seed=seed, options=options)
        return self._observe(obs), self._add_info(info)

    def step(self, action):
        """Step the env; add the physics in force to ``info`` (and the observation).

        A non-finite action is refused with a ``ValueError`` before it reaches MuJoCo.
        """
        finite_action(action)
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self._observe(obs), reward, terminated, truncated, self._add_info(info)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_simulation"] = sim_state.capture(self.env.unwrapped)
        return state

    def __setstate__(self, state):
        # Gymnasium's MuJoCo envs unpickle by rebuilding from their constructor arguments, with
        # a fresh nominal model and simulation: write the physics in force into it again, then
        # the simulation and generator state, so that the copy continues the episode.
        state = dict(state)
        simulation = state.pop("_simulation", None)
        self.__dict__.update(state)
        if self._values is not None:
            self._apply()
        if simulation is not None:
            sim_state.restore(self.env.unwrapped, simulation)

    # -- internals -----------------------------------------------------------------------------
    def _generator(self) -> np.random.Generator:
        if self._rng is None:  # unseeded, as Gymnasium does: fresh entropy
            self._rng = np.random.default_rng()
        return self._rng

    def _draw(self, rng: np.random.Generator) -> tuple[dict[str, float], dict[str, float]]:
        params = self._binding.parameters
        u = rng.random(len(params))
        if self.ensemble is not None:
            n = len(self.ensemble)
            train = dict(self.ensemble[min(int(u[0] * n), n - 1)])
        else:
            train = {
                p.name: p.distribution.ppf(float(u[i]))
                for i, p in enumerate(params[: self._n_train])
            }
        unmodeled = {
            p.name: p.distribution.ppf(float(u[self._n_train + i]))
            for i, p in enumerate(params[self._n_train :])
        }
        return train, unmodeled

    def _unmodeled_values_or_nominal(self) -> dict[str, float]:
        if self._unmodeled_values or not self._unmodeled_names:
            return dict(self._unmodeled_values)
        nominal = self._binding.nominal_values()
        return {n: nominal[n] for n in self._unmodeled_names}

    def _check(self, values: Mapping[str, float]) -> dict[str, float]:
        return self._binding.check_values(values)

    def _apply(self) -> None:
        inner = self.env.unwrapped
        values = {**self._values, **self._unmodeled_values_or_nominal()}
        self._binding.apply(inner.model, inner.data, values)
        self._vector = np.array([self._values[n] for n in self._train_names])

    def _value_bounds(self, parameters) -> tuple[np.ndarray, np.ndarray]:
        if self.ensemble is not None:
            table = np.array([[m[n] for n in self._train_names] for m in self.ensemble])
            return table.min(axis=0), table.max(axis=0)
        low = np.array([p.distribution.low for p in parameters])
        high = np.array([p.distribution.high for p in parameters])
        return low, high

    def _observe(self, obs):
        if self.expose != "observation":
            return obs
        return np.concatenate([obs, self._vector.astype(obs.dtype)])

    def _add_info(self, info: dict) -> dict:
        info["physics"] = dict(self._values)
        if self._unmodeled_names:
            info["unmodeled"] = dict(self._unmodeled_values)
        return info


def _extended_space(space: gym.Space, low: np.ndarray, high: np.ndarray) -> spaces.Box:
    if not isinstance(space, spaces.Box) or len(space.shape) != 1:
        raise ValueError(
            "expose='observation' needs a 1-D Box observation space to extend; got "
            f"{space}. Use expose='info' and read info['physics']"
        )
    dtype = space.dtype
    return spaces.Box(
        np.concatenate([space.low, low.astype(dtype)]),
        np.concatenate([space.high, high.astype(dtype)]),
        dtype=dtype,
    )
