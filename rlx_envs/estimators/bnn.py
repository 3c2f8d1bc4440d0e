"""VIME: information gain about a Bayesian dynamics model (Houthooft et al. 2016).

Houthooft, Chen, Duan, Schulman, De Turck and Abbeel 2016, "VIME: Variational information
maximizing exploration", pays as bonus how much a transition (s, a, s') changes the agent's belief
about the dynamics: the KL divergence between the variational posterior after and before the
transition. The dynamics model is a Bayesian neural network p(s' | s, a, theta) with a fully
factorised Gaussian posterior q(theta | phi), phi = (mu, rho), sigma = softplus(rho) (Blundell,
Cornebise, Kavukcuoglu and Wierstra 2015, "Weight uncertainty in neural networks"), weights
sampled by reparameterisation ``theta = mu + sigma * eps`` and a Gaussian likelihood with fixed
output noise.

For each transition :class:`InfoGain` copies phi_old and takes ``updates`` steps on VIME's
per-transition objective::

    l(phi) = KL(q(phi) || q(phi_old)) - E_q(theta|phi)[log p(s' | s, a, theta)]

each step preconditioned by the inverse of the diagonal Hessian of the KL term at phi_old
(VIME's second-order step; that Hessian is 1 / sigma**2 for mu and 2 sigmoid(rho)**2 / sigma**2
for rho), so that the step, and the information gain, shrink as the posterior sharpens. The raw
bonus is the closed-form KL(q(phi_new) || q(phi_old)) between the diagonal Gaussians. Unlike
VIME, which throws the per-transition update away and trains on a replay pool, the updated
posterior is kept: the model learns online, as a streaming variational Bayes update. VIME divides
the bonus by the median of recent KLs; ``normalise="median"`` does that over a window of them.
"""

from __future__ import annotations

import numpy as np

from rlx_envs.estimators.networks import backward, check_activation, forward
from rlx_envs.estimators.predictors import NeuralEstimator, StateEncoder

#: rho is kept in [RHO_MIN, RHO_MAX] (sigma in about [2e-9, 10]) so every log and ratio is finite.
RHO_MIN, RHO_MAX = -20.0, 10.0


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))``, stably."""
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, stably (the derivative of :func:`softplus`)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def softplus_inverse(y: float) -> float:
    """The rho with ``softplus(rho) == y`` (y > 0)."""
    return float(y + np.log(-np.expm1(-y)))


def gaussian_kl(mu_new, sigma_new, mu_old, sigma_old) -> float:
    """KL(N(mu_new, sigma_new**2) || N(mu_old, sigma_old**2)), summed over lists of arrays.

    Exactly 0 when the arguments are equal; clipped at 0 against rounding.
    """
    total = 0.0
    for m1, s1, m0, s0 in zip(mu_new, sigma_new, mu_old, sigma_old, strict=True):
        ratio = (s1 / s0) ** 2
        total += 0.5 * float(np.sum(ratio + ((m1 - m0) / s0) ** 2 - 1.0 - np.log(ratio)))
    return max(total, 0.0)


class BayesianMLP:
    """A Bayes-by-backprop MLP: every weight and bias has a Gaussian (mu, softplus(rho)).

    Means start like :class:`rlx_envs.estimators.networks.MLP` (He / LeCun scaling, zero
    biases), all sigmas at ``init_std``. The likelihood of a target ``y`` is N(output,
    ``noise_std**2``) per dimension.
    """

    def __init__(
        self,
        sizes,
        activation: str = "relu",
        init_std: float = 0.05,
        noise_std: float = 0.1,
        seed: int | np.random.Generator = 0,
    ) -> None:
        check_activation(activation)
        if init_std <= 0 or noise_std <= 0:
            raise ValueError(f"init_std and noise_std must be > 0, got {init_std}, {noise_std}")
        self.sizes, self.activation = [int(s) for s in sizes], activation
        self.noise_std = float(noise_std)
        rng = np.random.default_rng(seed)
        scale = 2.0 if activation == "relu" else 1.0
        self.mu: list[np.ndarray] = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            self.mu.append(rng.normal(0.0, np.sqrt(scale / fan_in), (fan_in, fan_out)))
            self.mu.append(np.zeros(fan_out))
        rho0 = float(np.clip(softplus_inverse(init_std), RHO_MIN, RHO_MAX))
        self.rho = [np.full_like(m, rho0) for m in self.mu]

    def sigma(self) -> list[np.ndarray]:
        """The posterior standard deviations, softplus(rho)."""
        return [softplus(r) for r in self.rho]

    def sample_noise(self, rng: np.random.Generator) -> list[np.ndarray]:
        """Standard normal noise eps, one array per parameter (theta = mu + sigma * eps)."""
        return [rng.standard_normal(m.shape) for m in self.mu]

    def nll(self, x: np.ndarray, y: np.ndarray, eps: list[np.ndarray], sigma=None):
        """Gaussian negative log-likelihood of ``y`` at the weights ``mu + sigma * eps``, and its
        gradient with respect to those weights (``sigma``: :meth:`sigma`, if already at hand)."""
        sigma = self.sigma() if sigma is None else sigma
        weights = [m + s * e for m, s, e in zip(self.mu, sigma, eps, strict=True)]
        out, cache = forward(weights, x, self.activation)
        resid = (out - y) / self.noise_std
        nll = 0.5 * float(resid @ resid) + len(y) * np.log(self.noise_std * np.sqrt(2.0 * np.pi))
        grads, _ = backward(weights, cache, resid / self.noise_std, self.activation)
        return nll, grads

    def objective(
        self,
        x: np.ndarray,
        y: np.ndarray,
        noise: list[list[np.ndarray]],
        mu_old: list[np.ndarray],
        sigma_old: list[np.ndarray],
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """VIME's per-transition loss and its gradients with respect to mu and rho.

        ``l = mean over the noise samples of NLL(y | x, mu + sigma * eps) + KL(q || q_old)``.
        """
        sigma = self.sigma()
        loss = gaussian_kl(self.mu, sigma, mu_old, sigma_old)
        g_mu = [(m - m0) / s0**2 for m, m0, s0 in zip(self.mu, mu_old, sigma_old, strict=True)]
        g_sigma = [s / s0**2 - 1.0 / s for s, s0 in zip(sigma, sigma_old, strict=True)]
        for eps in noise:
            nll, g_w = self.nll(x, y, eps, sigma)
            loss += nll / len(noise)
            for i, (g, e) in enumerate(zip(g_w, eps, strict=True)):
                g_mu[i] = g_mu[i] + g / len(noise)
                g_sigma[i] = g_sigma[i] + g * e / len(noise)
        g_rho = [g * sigmoid(r) for g, r in zip(g_sigma, self.rho, strict=True)]
        return loss, g_mu, g_rho

    def state_dict(self) -> dict:
        """Posterior means and rhos, copied."""
        return {"mu": [m.copy() for m in self.mu], "rho": [r.copy() for r in self.rho]}

    def load_state_dict(self, state: dict) -> None:
        """Take the posterior of :meth:`state_dict`."""
        self.mu = [np.array(m, dtype=np.float64) for m in state["mu"]]
        self.rho = [np.array(r, dtype=np.float64) for r in state["rho"]]


class InfoGain(NeuralEstimator):
    """VIME's information gain (Houthooft et al. 2016) as a bonus; see the module docstring.

    States are encoded as in :class:`rlx_envs.estimators.predictors.ForwardModelError` (flat
    floats, uint8 to [0, 1], a fixed random projection to ``features`` dims when larger); the BNN
    maps (encoded s, one-hot or raw action) to encoded s'. ``lr`` scales VIME's
    Hessian-preconditioned step; a step longer than ``max_step`` (Euclidean norm over all of
    phi) is shortened to it, so huge inputs cannot blow the posterior up. ``samples`` noise draws
    estimate the expected log-likelihood at each step. The figure is the raw KL; the bonus is the
    KL divided by the median of the last ``window`` KLs (this one included) when
    ``normalise="median"``, with the median floored at ``median_eps``, else the raw KL.

    Example:
        >>> import numpy as np
        >>> from gymnasium import spaces
        >>> from rlx_envs.estimators.base import Batch
        >>> vime = InfoGain(spaces.Box(0.0, 1.0, (3,)), spaces.Discrete(2), hidden=(8,), seed=0)
        >>> obs = np.eye(3)
        >>> batch = Batch(obs=obs, prev_obs=obs[::-1], actions=np.array([0, 1, 0]))
        >>> kl, bonus = vime.observe(batch)
        >>> bool(np.all(kl > 0)), bonus.shape
        (True, (3,))
    """

    figure = "info_gain"
    needs = frozenset({"prev_obs", "actions", "obs"})
    uses_actions = True

    def __init__(
        self,
        observation_space=None,
        action_space=None,
        *,
        num_actions: int | None = None,
        features: int = 64,
        hidden: tuple[int, ...] = (32,),
        activation: str = "relu",
        init_std: float = 0.05,
        noise_std: float = 0.1,
        lr: float = 0.1,
        updates: int = 1,
        samples: int = 1,
        max_step: float = 1.0,
        normalise: str | None = "median",
        window: int = 1000,
        median_eps: float = 1e-8,
        seed: int = 0,
    ) -> None:
        self.features, self.hidden, self.activation = int(features), tuple(hidden), activation
        self.init_std, self.noise_std = float(init_std), float(noise_std)
        self.lr, self.updates, self.samples = float(lr), int(updates), int(samples)
        self.max_step, self.window, self.median_eps = float(max_step), int(window), median_eps
        if normalise not in ("median", None):
            raise ValueError(f"InfoGain: normalise must be 'median' or None, not {normalise!r}")
        self.normalise = normalise
        if self.updates < 0 or self.samples < 1 or self.window < 1 or self.lr < 0:
            raise ValueError("InfoGain: need updates >= 0, samples >= 1, window >= 1, lr >= 0")
        super().__init__(observation_space, action_space, num_actions, seed)

    def _build(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.encoder = StateEncoder(self.obs_dim, self.features, rng)
        sizes = [self.encoder.size + self.actions.size, *self.hidden, self.encoder.size]
        self.model = BayesianMLP(sizes, self.activation, self.init_std, self.noise_std, seed=rng)
        self.rng = np.random.default_rng(rng.integers(2**63))
        self.recent = np.zeros(self.window)
        self.seen = 0

    def _step(self, x: np.ndarray, y: np.ndarray, old: tuple) -> None:
        """One step on VIME's objective, preconditioned by H^-1 of the KL at phi_old."""
        mu_old, sigma_old, step_mu, step_rho = old
        noise = [self.model.sample_noise(self.rng) for _ in range(self.samples)]
        _, g_mu, g_rho = self.model.objective(x, y, noise, mu_old, sigma_old)
        d_mu = [k * g for k, g in zip(step_mu, g_mu, strict=True)]
        d_rho = [k * g for k, g in zip(step_rho, g_rho, strict=True)]
        norm = np.sqrt(sum(float(np.vdot(d, d)) for d in d_mu + d_rho))
        shrink = self.max_step / norm if norm > self.max_step else 1.0
        for m, d in zip(self.model.mu, d_mu, strict=True):
            m -= shrink * d
        for r, d in zip(self.model.rho, d_rho, strict=True):
            r -= shrink * d
            np.clip(r, RHO_MIN, RHO_MAX, out=r)

    def _normalised(self, kl: float) -> float:
        self.recent[self.seen % self.window] = kl
        self.seen += 1
        if self.normalise is None:
            return kl
        median = float(np.median(self.recent[: min(self.seen, self.window)]))
        return kl / max(median, self.median_eps)

    def _observe_one(self, prev_obs, action, obs) -> tuple[float, float]:
        x = np.concatenate([self.encoder(self.flat(prev_obs)), self.actions.encode(action)])
        y = self.encoder(self.flat(obs))
        mu_old = [m.copy() for m in self.model.mu]
        sigma_old = self.model.sigma()
        # Inverse diagonal Hessian of KL(q || q_old) at phi_old: sigma**2 for mu,
        # sigma**2 / (2 sigmoid(rho)**2) for rho (VIME's second-order step), times the step size.
        step_mu = [self.lr * s0**2 for s0 in sigma_old]
        step_rho = [
            self.lr * s0**2 / (2.0 * sigmoid(r) ** 2)
            for s0, r in zip(sigma_old, self.model.rho, strict=True)
        ]
        for _ in range(self.updates):
            self._step(x, y, (mu_old, sigma_old, step_mu, step_rho))
        kl = gaussian_kl(self.model.mu, self.model.sigma(), mu_old, sigma_old)
        return kl, self._normalised(kl)

    def _state(self) -> dict:
        projection = self.encoder.projection
        return {
            "projection": None if projection is None else projection.copy(),
            "model": self.model.state_dict(),
            "rng": self.rng.bit_generator.state,
            "recent": self.recent.copy(),
            "seen": self.seen,
        }

    def _load(self, state: dict) -> None:
        if state["projection"] is not None:
            self.encoder.projection = np.array(state["projection"], dtype=np.float64)
        self.model.load_state_dict(state["model"])
        self.rng.bit_generator.state = state["rng"]
        self.recent = np.array(state["recent"], dtype=np.float64)
        self.seen = int(state["seen"])
