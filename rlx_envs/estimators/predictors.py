"""Prediction-error estimators: a forward model's error (Stadie et al. 2015) and RND (Burda 2018).

Both learn online, one transition at a time, and pay as bonus how badly they predicted a
transition *before* training on it: a state the model has fitted earns little, a novel one earns
much. The wrappers apply the papers' normalisation (Stadie's max-normalisation with decay, RND's
running std of the intrinsic return); these estimators return the raw squared error.

- :class:`ForwardModelError` (Stadie, Levine and Abbeel 2015, "Incentivizing exploration in
  reinforcement learning with deep predictive models"): an MLP predicts the encoding of s' from
  the encoding of s and the action.
- :class:`RND` (Burda, Edwards, Storkey and Klimov 2018, "Exploration by random network
  distillation"): an MLP predicts the output of a fixed random MLP on the (normalised) s'.

:class:`NeuralEstimator` holds what they share with :class:`rlx_envs.estimators.bnn.InfoGain`:
the observation and action checks, the lazily learned observation shape, the per-transition loop
that makes a batch of N equal N batches of one, and the state-dict plumbing.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces

from rlx_envs.core.running import RunningMeanVar
from rlx_envs.estimators.base import Batch, Estimator
from rlx_envs.estimators.networks import MLP, Adam

#: Raw observation and action values are clipped to +-this (keeps every square finite).
INPUT_CLIP = 1e6
#: Added to the running variance before the square root, where observations are normalised.
NORMALISE_EPS = 1e-8
#: Observation spaces whose samples flatten to a fixed-size numeric vector.
OBS_SPACES = (spaces.Box, spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)


def obs_scale(dtype) -> float:
    """Scale of raw observations: uint8 (pixels, RAM bytes) to [0, 1], anything else as is."""
    return 1.0 / 255.0 if np.dtype(dtype) == np.uint8 else 1.0


class ActionEncoder:
    """Actions as floats: one-hot for ``Discrete`` (or ``num_actions``), flattened for ``Box``."""

    def __init__(self, action_space=None, num_actions: int | None = None, owner: str = "") -> None:
        self.start, self.shape = 0, None
        if num_actions is not None and action_space is None:
            if int(num_actions) < 1:
                raise ValueError(f"{owner}: num_actions must be >= 1, got {num_actions}")
            self.size = int(num_actions)
        elif isinstance(action_space, spaces.Discrete):
            self.size, self.start = int(action_space.n), int(action_space.start)
        elif isinstance(action_space, spaces.Box):
            self.shape = tuple(action_space.shape)
            self.size = int(np.prod(self.shape, dtype=np.int64))
        else:
            got = "neither" if action_space is None else f"action_space={action_space}"
            raise ValueError(
                f"{owner} needs the actions: give action_space=Discrete(n) or Box(...), or "
                f"num_actions=n (one-hot); got {got}"
            )

    def check(self, actions: np.ndarray, n: int, owner: str) -> np.ndarray:
        """Validate a batch of ``n`` actions; return them as float64 (N, ...)."""
        a = np.asarray(actions)
        want = (n,) if self.shape is None else (n, *self.shape)
        if a.shape != want:
            raise ValueError(f"{owner}: actions have shape {a.shape}, expected {want}")
        if a.dtype.kind not in "biuf":
            raise ValueError(f"{owner}: actions must be numeric, got dtype {a.dtype}")
        a = a.astype(np.float64)
        if not np.isfinite(a).all():
            raise ValueError(f"{owner}: actions must be finite")
        if self.shape is None:
            bad = (a != np.round(a)) | (a < self.start) | (a >= self.start + self.size)
            if bad.any():
                raise ValueError(
                    f"{owner}: discrete actions must be integers in "
                    f"[{self.start}, {self.start + self.size}), got {a[bad][:5]}"
                )
        return a

    def encode(self, a: np.ndarray) -> np.ndarray:
        """One checked action (a row of :meth:`check`) as a vector of :attr:`size` floats."""
        if self.shape is None:
            v = np.zeros(self.size)
            v[int(a) - self.start] = 1.0
            return v
        return np.clip(a.reshape(-1), -INPUT_CLIP, INPUT_CLIP)


def normalise(stats: RunningMeanVar, x: np.ndarray, clip: float) -> np.ndarray:
    """``(x - mean) / sqrt(var + NORMALISE_EPS)`` of running statistics, clipped to
    ``[-clip, clip]``: RND's observation normalisation (call after at least one sample).

    >>> stats = RunningMeanVar(2)
    >>> for x in ([0.0, 1.0], [2.0, 1.0]):
    ...     stats.add(np.array(x))
    >>> normalise(stats, np.array([3.0, 1.0]), clip=5.0).round(6).tolist()
    [2.0, 0.0]
    """
    return np.clip((x - stats.mean) / stats.std(NORMALISE_EPS), -clip, clip)


class StateEncoder:
    """Fixed encoder: flatten, identity if ``dim <= features``, else a random projection.

    The projection has N(0, 1 / dim) entries drawn from ``rng``, so each feature has about the
    scale of the observation's root mean square (pixels in [0, 1] give features of order one).
    """

    def __init__(self, dim: int, features: int, rng: np.random.Generator) -> None:
        self.projection = None
        if dim > features:
            self.projection = rng.normal(0.0, 1.0 / np.sqrt(dim), (dim, features))
        self.size = dim if self.projection is None else features

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Encode one flat observation."""
        return x if self.projection is None else x @ self.projection


class NeuralEstimator(Estimator):
    """Shared machinery of the learned estimators (RND, forward model, VIME).

    Subclasses set :attr:`uses_actions`, build their networks in :meth:`_build` (from
    ``np.random.default_rng(self.seed)`` only), score and learn one transition in
    :meth:`_observe_one`, and list their state in :meth:`_state` / :meth:`_load`. The
    observation shape comes from ``observation_space`` or else from the first batch; the networks
    are built then, so ``reset`` (which rebuilds from the seed) and saving work as usual.
    """

    figure = "prediction_error"
    needs = frozenset({"obs"})
    #: Whether transitions need actions (then the constructor needs the action space).
    uses_actions = False

    def __init__(
        self,
        observation_space=None,
        action_space=None,
        num_actions: int | None = None,
        seed: int = 0,
    ) -> None:
        self.seed = int(seed)
        self.actions = None
        if self.uses_actions:
            self.actions = ActionEncoder(action_space, num_actions, type(self).__name__)
        self.obs_shape: tuple[int, ...] | None = None
        self.obs_scale = 1.0
        if observation_space is not None:
            self.check_space(observation_space)
            self._set_obs(tuple(observation_space.shape), observation_space.dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(features={self.features}, hidden={self.hidden})"

    # -- subclass hooks ---------------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _observe_one(self, prev_obs, action, obs) -> tuple[float, float]:
        raise NotImplementedError

    def _state(self) -> dict:
        raise NotImplementedError

    def _load(self, state: dict) -> None:
        raise NotImplementedError

    # -- shared -----------------------------------------------------------------------------------
    @property
    def obs_dim(self) -> int:
        """Length of a flattened observation."""
        return int(np.prod(self.obs_shape, dtype=np.int64))

    def _set_obs(self, shape: tuple[int, ...], dtype) -> None:
        self.obs_shape, self.obs_scale = tuple(int(s) for s in shape), obs_scale(dtype)
        self._build()

    def flat(self, obs: np.ndarray) -> np.ndarray:
        """One observation as a flat float64 vector: scaled, clipped to +-:data:`INPUT_CLIP`."""
        return np.clip(obs.reshape(-1) * self.obs_scale, -INPUT_CLIP, INPUT_CLIP)

    def check_space(self, space) -> None:
        """Refuse spaces that do not flatten to a fixed numeric vector, or of the wrong shape."""
        name = type(self).__name__
        if not isinstance(space, OBS_SPACES):
            raise ValueError(
                f"{name} takes Box, Discrete, MultiDiscrete or MultiBinary observations (flattened "
                f"to a float vector), not {space}; flatten Dict/Tuple observations first "
                "(gymnasium.wrappers.FlattenObservation)"
            )
        if self.obs_shape is not None and tuple(space.shape) != self.obs_shape:
            raise ValueError(
                f"{name} was built for observations of shape {self.obs_shape}, not {space.shape}"
            )

    def _checked_obs(self, x, field: str, n: int) -> np.ndarray:
        name = type(self).__name__
        if x is None:
            raise ValueError(f"{name} needs batch fields {sorted(self.needs)}; {field} is None")
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise ValueError(f"{name}: {field} must be numeric, got dtype {x.dtype}")
        if x.ndim == 0 or len(x) != n:
            raise ValueError(f"{name}: {field} has shape {x.shape}, expected ({n}, ...)")
        if self.obs_shape is None:
            self._set_obs(x.shape[1:], x.dtype)
        if x.shape[1:] != self.obs_shape:
            raise ValueError(
                f"{name}: {field} has shape {x.shape}, expected ({n}, *{self.obs_shape})"
            )
        x = x.astype(np.float64)
        if not np.isfinite(x).all():
            raise ValueError(f"{name}: {field} must be finite (no NaN or inf)")
        return x

    def observe(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Score and learn each transition in turn; see :meth:`Estimator.observe`."""
        n = len(np.asarray(batch.obs)) if np.ndim(batch.obs) else -1
        obs = self._checked_obs(batch.obs, "obs", n)
        prev = actions = None
        if "prev_obs" in self.needs:
            prev = self._checked_obs(batch.prev_obs, "prev_obs", n)
        if self.uses_actions:
            if batch.actions is None:
                raise ValueError(f"{type(self).__name__} needs batch.actions; it is None")
            actions = self.actions.check(batch.actions, n, type(self).__name__)
        figure, bonus = np.empty(n), np.empty(n)
        for i in range(n):
            figure[i], bonus[i] = self._observe_one(
                None if prev is None else prev[i], None if actions is None else actions[i], obs[i]
            )
        return figure, bonus

    def reset(self) -> None:
        """Re-initialise everything from the seed (keeps the observation shape once known)."""
        if self.obs_shape is not None:
            self._build()

    def state_dict(self) -> dict:
        """Observation shape and scale plus the subclass's networks, optimiser and statistics."""
        shape = None if self.obs_shape is None else list(self.obs_shape)
        state = {"seed": self.seed, "obs_shape": shape, "obs_scale": self.obs_scale}
        if self.obs_shape is not None:
            state.update(self._state())
        return state

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly from :meth:`state_dict` (the estimator must be built the same way).

        The saved seed is adopted too: a state saved before any observation rebuilds from it.
        """
        self.seed = int(state["seed"])
        if state["obs_shape"] is None:
            self.obs_shape = None
            return
        self.obs_shape = tuple(int(s) for s in state["obs_shape"])
        self.obs_scale = float(state["obs_scale"])
        self._build()
        self._load(state)


class RND(NeuralEstimator):
    """Random network distillation (Burda et al. 2018): novelty as a distillation error.

    A fixed, randomly initialised target MLP embeds the observation; a predictor MLP is trained
    to match it. The observation is first normalised by running per-feature mean and std and
    clipped to ``[-obs_clip, obs_clip]``, as in the paper (statistics updated with s' before it is
    normalised). The raw bonus of a transition is ``mean((predictor(s') - target(s'))**2)``
    computed *before* the ``updates`` Adam steps on that same error.

    Example:
        >>> import numpy as np
        >>> from gymnasium import spaces
        >>> from rlx_envs.estimators.base import Batch
        >>> rnd = RND(spaces.Box(0.0, 1.0, (4,)), features=8, hidden=(8,), seed=0)
        >>> figures, bonuses = rnd.observe(Batch(obs=np.eye(4)))
        >>> figures.shape, bool(np.all(bonuses >= 0))
        ((4,), True)
    """

    figure = "prediction_error"
    needs = frozenset({"obs"})
    uses_actions = False

    def __init__(
        self,
        observation_space=None,
        *,
        hidden: tuple[int, ...] = (64, 64),
        features: int = 64,
        activation: str = "relu",
        lr: float = 1e-3,
        updates: int = 1,
        obs_clip: float = 5.0,
        seed: int = 0,
    ) -> None:
        self.hidden, self.features, self.activation = tuple(hidden), int(features), activation
        self.lr, self.updates, self.obs_clip = float(lr), int(updates), float(obs_clip)
        if self.updates < 0:
            raise ValueError(f"RND: updates must be >= 0, got {updates}")
        super().__init__(observation_space, seed=seed)

    def _build(self) -> None:
        rng = np.random.default_rng(self.seed)
        sizes = [self.obs_dim, *self.hidden, self.features]
        self.target = MLP(sizes, self.activation, seed=rng)
        self.predictor = MLP(sizes, self.activation, seed=rng)
        self.optimizer = Adam(self.predictor.params, lr=self.lr)
        self.obs_rms = RunningMeanVar(self.obs_dim)

    def _observe_one(self, prev_obs, action, obs) -> tuple[float, float]:
        x = self.flat(obs)
        self.obs_rms.add(x)
        z = normalise(self.obs_rms, x, self.obs_clip)
        target = self.target(z)
        pred, cache = self.predictor.forward(z)
        error = float(np.mean((pred - target) ** 2))
        for k in range(self.updates):
            if k:
                pred, cache = self.predictor.forward(z)
            grads, _ = self.predictor.backward(cache, (2.0 / self.features) * (pred - target))
            self.optimizer.step(self.predictor.params, grads)
        return error, error

    def _state(self) -> dict:
        return {
            "target": self.target.state_dict(),
            "predictor": self.predictor.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "obs_rms": self.obs_rms.state_dict(),
        }

    def _load(self, state: dict) -> None:
        self.target.load_state_dict(state["target"])
        self.predictor.load_state_dict(state["predictor"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.obs_rms.load_state_dict(state["obs_rms"])


class ForwardModelError(NeuralEstimator):
    """A forward dynamics model's squared error (Stadie, Levine and Abbeel 2015).

    States are encoded by a fixed encoder (flattened floats, uint8 scaled to [0, 1], a fixed
    random projection to ``features`` dims when larger: the paper used an autoencoder's code); an
    MLP maps (encoded s, one-hot or raw action) to encoded s'. The raw bonus is the paper's
    ``||sigma(s') - M(sigma(s), a)||**2`` computed *before* the ``updates`` Adam steps on it.
    """

    figure = "prediction_error"
    needs = frozenset({"prev_obs", "actions", "obs"})
    uses_actions = True

    def __init__(
        self,
        observation_space=None,
        action_space=None,
        *,
        num_actions: int | None = None,
        features: int = 64,
        hidden: tuple[int, ...] = (64, 64),
        activation: str = "relu",
        lr: float = 1e-3,
        updates: int = 1,
        seed: int = 0,
    ) -> None:
        self.features, self.hidden, self.activation = int(features), tuple(hidden), activation
        self.lr, self.updates = float(lr), int(updates)
        if self.updates < 0:
            raise ValueError(f"ForwardModelError: updates must be >= 0, got {updates}")
        super().__init__(observation_space, action_space, num_actions, seed)

    def _build(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.encoder = StateEncoder(self.obs_dim, self.features, rng)
        sizes = [self.encoder.size + self.actions.size, *self.hidden, self.encoder.size]
        self.model = MLP(sizes, self.activation, seed=rng)
        self.optimizer = Adam(self.model.params, lr=self.lr)

    def _observe_one(self, prev_obs, action, obs) -> tuple[float, float]:
        x = np.concatenate([self.encoder(self.flat(prev_obs)), self.actions.encode(action)])
        y = self.encoder(self.flat(obs))
        pred, cache = self.model.forward(x)
        error = float(np.sum((pred - y) ** 2))
        for k in range(self.updates):
            if k:
                pred, cache = self.model.forward(x)
            grads, _ = self.model.backward(cache, 2.0 * (pred - y))
            self.optimizer.step(self.model.params, grads)
        return error, error

    def _state(self) -> dict:
        projection = self.encoder.projection
        return {
            "projection": None if projection is None else projection.copy(),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
        }

    def _load(self, state: dict) -> None:
        if state["projection"] is not None:
            self.encoder.projection = np.array(state["projection"], dtype=np.float64)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
