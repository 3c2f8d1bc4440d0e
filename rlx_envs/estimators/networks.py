"""A tiny numpy multilayer perceptron with hand-written backprop, and Adam.

The prediction-error estimators (:mod:`rlx_envs.estimators.predictors`) need a small trainable
function approximator, and the package may not depend on a deep-learning framework. This is the
smallest thing that does the job, in the spirit of CleanRL: dense layers, a ReLU or tanh hidden
activation, a linear output, a manual forward and backward pass, and Adam (Kingma and Ba 2015,
"Adam: A method for stochastic optimization"). Every parameter and optimiser moment is a plain
float64 numpy array, so a state dict is a list of arrays and round-trips exactly.

Example:

>>> import numpy as np
>>> net = MLP([4, 32, 2], seed=0)
>>> opt = Adam(net.params, lr=1e-3)
>>> x, target = np.ones(4), np.zeros(2)
>>> y, cache = net.forward(x)
>>> grads, _ = net.backward(cache, 2 * (y - target))
>>> opt.step(net.params, grads)
>>> [g.shape for g in grads]
[(4, 32), (32,), (32, 2), (2,)]
"""

from __future__ import annotations

import numpy as np

#: Hidden activations: name -> (function, derivative expressed through the activation's output).
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda h: (h > 0.0).astype(np.float64)),
    "tanh": (np.tanh, lambda h: 1.0 - h * h),
}


def check_activation(name: str) -> None:
    """Raise ``ValueError`` unless ``name`` is one of :data:`ACTIVATIONS`."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, not {name!r}")


def _copy_arrays(arrays) -> list[np.ndarray]:
    return [np.array(a, dtype=np.float64, copy=True) for a in arrays]


def forward(
    params: list[np.ndarray], x: np.ndarray, activation: str = "relu"
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Dense layers ``params = [W0, b0, W1, b1, ...]`` on ``x``, ``activation`` between them.

    Returns the (linear) output and a cache of every layer's input, for :func:`backward`. A
    function of the parameters rather than a method so that sampled weights (the Bayesian network
    of :mod:`rlx_envs.estimators.bnn`) go through the same code.
    """
    act, _ = ACTIVATIONS[activation]
    cache = [x]
    h = x
    last = len(params) - 2
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i < last:
            h = act(h)
            cache.append(h)
    return h, cache


def backward(
    params: list[np.ndarray],
    cache: list[np.ndarray],
    grad_out: np.ndarray,
    activation: str = "relu",
) -> tuple[list[np.ndarray], np.ndarray]:
    """Backpropagate ``grad_out`` (dLoss/dOutput, the output's shape) through :func:`forward`.

    Returns the gradients with respect to ``params`` (same order and shapes) and to the input.
    For a batch the parameter gradients are summed over the batch.
    """
    _, dact = ACTIVATIONS[activation]
    grads: list[np.ndarray] = [np.empty(0)] * len(params)
    g = grad_out
    for i in range(len(params) - 2, -1, -2):
        h_in = cache[i // 2]
        if g.ndim == 1:
            grads[i] = np.outer(h_in, g)
            grads[i + 1] = g.copy()
        else:
            grads[i] = h_in.T @ g
            grads[i + 1] = g.sum(axis=0)
        g = g @ params[i].T
        if i > 0:
            g = g * dact(h_in)
    return grads, g


class MLP:
    """Dense layers ``sizes[0] -> ... -> sizes[-1]``, ``activation`` between them, linear output.

    Weights are drawn from ``np.random.default_rng(seed)`` (``seed`` an int, or a Generator to
    draw from) with He scaling (``sqrt(2 / fan_in)``) for ReLU and LeCun scaling
    (``sqrt(1 / fan_in)``) for tanh, times ``gain``; biases start at zero. Parameters live in
    :attr:`params` as ``[W0, b0, W1, b1, ...]``, ``W`` of shape ``(fan_in, fan_out)``. Inputs are
    one sample ``(sizes[0],)`` or a batch ``(n, sizes[0])``.
    """

    def __init__(self, sizes, activation: str = "relu", seed: int = 0, gain: float = 1.0) -> None:
        check_activation(activation)
        self.sizes = [int(s) for s in sizes]
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes needs at least two positive layer widths, got {sizes!r}")
        self.activation = activation
        rng = np.random.default_rng(seed)
        scale = 2.0 if activation == "relu" else 1.0
        self.params: list[np.ndarray] = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            std = gain * np.sqrt(scale / fan_in)
            self.params.append(rng.normal(0.0, std, (fan_in, fan_out)))
            self.params.append(np.zeros(fan_out))

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Return the output and a cache of every layer's input (for :meth:`backward`)."""
        return forward(self.params, x, self.activation)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The output only."""
        return forward(self.params, x, self.activation)[0]

    def backward(
        self, cache: list[np.ndarray], grad_out: np.ndarray
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """Gradients of the loss for :attr:`params` and the input; see :func:`backward`."""
        return backward(self.params, cache, grad_out, self.activation)

    def state_dict(self) -> dict:
        """The parameters, copied."""
        return {"params": _copy_arrays(self.params)}

    def load_state_dict(self, state: dict) -> None:
        """Take the parameters of :meth:`state_dict` (shapes must match)."""
        params = _copy_arrays(state["params"])
        shapes = [p.shape for p in self.params]
        if [p.shape for p in params] != shapes:
            raise ValueError(f"parameter shapes {[p.shape for p in params]} != {shapes}")
        self.params = params


class Adam:
    """Adam over a list of arrays, updated in place (Kingma and Ba 2015).

    The optimiser holds only its moments and step count; the arrays to update are passed to
    :meth:`step`, so loading a network's state never leaves the optimiser pointing at stale arrays.
    """

    def __init__(
        self,
        params: list[np.ndarray],
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        self.lr, self.beta1, self.beta2, self.eps = float(lr), float(beta1), float(beta2), eps
        self.m = [np.zeros_like(p, dtype=np.float64) for p in params]
        self.v = [np.zeros_like(p, dtype=np.float64) for p in params]
        self.t = 0

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """One bias-corrected Adam step on ``params`` in place, given their gradients."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = self.lr * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            p -= step * m / (np.sqrt(v) + self.eps)

    def state_dict(self) -> dict:
        """Moments and step count, copied."""
        return {"m": _copy_arrays(self.m), "v": _copy_arrays(self.v), "t": self.t}

    def load_state_dict(self, state: dict) -> None:
        """Take the moments and step count of :meth:`state_dict`."""
        self.m, self.v, self.t = _copy_arrays(state["m"]), _copy_arrays(state["v"]), int(state["t"])
