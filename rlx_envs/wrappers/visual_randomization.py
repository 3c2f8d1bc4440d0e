"""Visual domain randomization for MiniMontezuma's pixel observations (Tobin et al. 2017).

Every reset draws a new appearance (palette, wall texture, background clutter, brightness and
contrast, camera shift) and hands it to the env's ``set_appearance`` hook, which folds it into the
sprite table the pixels are drawn from: a randomized step costs what a plain pixel step costs.
Dynamics, rewards and the ``"ram"`` and ``"symbolic"`` observations never change.
See ``docs/wrappers/visual_randomization.md``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode

from rlx_envs.core.arguments import integer, real
from rlx_envs.rules.minimontezuma import appearance

PIXEL_MODES = ("pixels", "dict")


def _check_env(env, where: str) -> None:
    base = env.unwrapped
    if not hasattr(base, "set_appearance"):
        raise ValueError(f"{where} needs a MiniMontezuma env (one with set_appearance); got "
                         f"{type(base).__name__}")  # fmt: skip
    if getattr(base, "obs_mode", None) not in PIXEL_MODES:
        raise ValueError(f"{where} randomizes pixels: make the env with obs_mode in "
                         f"{list(PIXEL_MODES)}, got obs_mode={base.obs_mode!r}")  # fmt: skip


def _check_options(theme, jitter, max_shift) -> None:
    if theme is not None and theme not in appearance.THEMES:
        raise ValueError(f"unknown theme {theme!r}; valid themes: {sorted(appearance.THEMES)}")
    real("jitter", jitter, minimum=0.0, maximum=1.0)  # refuses True, which Python calls 1
    integer("max_shift (pixels)", max_shift, minimum=0, maximum=appearance.TILE - 1)


class VisualRandomization(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """A new random appearance of the pixels every episode, or one fixed named ``theme``.

    Args:
        env: a MiniMontezuma env with ``obs_mode="pixels"`` or ``"dict"``.
        theme: ``None`` (random draws) or a name of
            :data:`rlx_envs.rules.minimontezuma.appearance.THEMES`
            (``"classic"``, ``"sim"``, ``"real"``, ``"night"``): one fixed appearance.
        textures: draw a wall texture (noise, stripes or checkers).
        clutter: draw a textured background (empty cells and sprite backgrounds).
        jitter: brightness and contrast vary by up to this fraction.
        max_shift: the camera moves by up to this many pixels along each axis.

    The draws come from a generator seeded by ``reset(seed=...)`` (unseeded resets continue it).

    Example:
        >>> import gymnasium as gym
        >>> import numpy as np
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VisualRandomization
        >>> env = VisualRandomization(gym.make("rlx/MiniMontezumaFirstRoom-v0", obs_mode="pixels"))
        >>> a, _ = env.reset(seed=1)
        >>> b, _ = env.reset(seed=2)
        >>> a.shape, bool((a != b).any())
        ((144, 192, 3), True)
    """

    def __init__(
        self,
        env: gym.Env,
        theme: str | None = None,
        textures: bool = True,
        clutter: bool = True,
        jitter: float = 0.2,
        max_shift: int = 2,
    ):
        _check_options(theme, jitter, max_shift)
        _check_env(env, "VisualRandomization")
        gym.utils.RecordConstructorArgs.__init__(
            self, theme=theme, textures=textures, clutter=clutter, jitter=jitter,
            max_shift=max_shift,
        )  # fmt: skip
        gym.Wrapper.__init__(self, env)
        self.theme, self.textures, self.clutter = theme, bool(textures), bool(clutter)
        self.jitter, self.max_shift = float(jitter), int(max_shift)
        self._rng: np.random.Generator | None = None
        self.appearance: tuple[np.ndarray, tuple[int, int]] | None = None
        if theme is not None:
            self.appearance = (appearance.theme_table(theme), (0, 0))
            env.unwrapped.set_appearance(*self.appearance)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Draw a new appearance (unless a theme is pinned), then reset the env."""
        if self.theme is None:
            if seed is not None:
                self._rng = np.random.default_rng(seed)
            elif self._rng is None:
                self._rng = np.random.default_rng()
            self.appearance = appearance.random_appearance(
                self._rng, self.textures, self.clutter, self.jitter, self.max_shift
            )
            self.env.unwrapped.set_appearance(*self.appearance)
        return self.env.reset(seed=seed, options=options)


class VectorVisualRandomization(gym.vector.VectorWrapper, gym.utils.RecordConstructorArgs):
    """:class:`VisualRandomization` for the native batched MiniMontezuma env.

    Every env has its own appearance and generator: env ``i`` of ``reset(seed=s)`` is seeded
    with ``s + i``, so it sees exactly what ``VisualRandomization`` shows after ``reset(seed=s +
    i)``. An env draws a new appearance whenever it resets (``NEXT_STEP`` and ``SAME_STEP``
    autoreset, or ``reset(options={"reset_mask": ...})``); ``final_obs`` keeps the old one.

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> from rlx_envs.wrappers import VectorVisualRandomization
        >>> envs = VectorVisualRandomization(gym.make_vec(
        ...     "rlx/MiniMontezumaFirstRoom-v0", num_envs=4,
        ...     vectorization_mode="vector_entry_point", obs_mode="pixels"))
        >>> obs, _ = envs.reset(seed=0)
        >>> obs.shape, bool((obs[0] != obs[1]).any())
        ((4, 144, 192, 3), True)
    """

    def __init__(
        self,
        env: gym.vector.VectorEnv,
        theme: str | None = None,
        textures: bool = True,
        clutter: bool = True,
        jitter: float = 0.2,
        max_shift: int = 2,
    ):
        _check_options(theme, jitter, max_shift)
        _check_env(env, "VectorVisualRandomization")
        gym.utils.RecordConstructorArgs.__init__(
            self, theme=theme, textures=textures, clutter=clutter, jitter=jitter,
            max_shift=max_shift,
        )  # fmt: skip
        gym.vector.VectorWrapper.__init__(self, env)
        self.theme, self.textures, self.clutter = theme, bool(textures), bool(clutter)
        self.jitter, self.max_shift = float(jitter), int(max_shift)
        self._rngs: list[np.random.Generator] | None = None
        self._done = np.zeros(self.num_envs, bool)
        if theme is not None:
            table = appearance.theme_table(theme)
            env.unwrapped.set_appearance(np.repeat(table[None], self.num_envs, axis=0))

    def reset(self, *, seed=None, options: dict[str, Any] | None = None):
        """Draw new appearances for the envs that reset, then reset them."""
        mask = (options or {}).get("reset_mask")
        envs = np.arange(self.num_envs) if mask is None else np.flatnonzero(mask)
        if self.theme is None:
            if seed is not None:
                seeds = (np.arange(self.num_envs) + int(seed)
                         if isinstance(seed, (int, np.integer)) else list(seed))  # fmt: skip
                rngs = self._rngs or [None] * self.num_envs
                for i in envs.tolist():
                    rngs[i] = np.random.default_rng(int(seeds[i]))
                self._rngs = rngs
            elif self._rngs is None:
                self._rngs = [np.random.default_rng(s) for s in
                              np.random.SeedSequence().spawn(self.num_envs)]  # fmt: skip
            self._redraw(envs)
        obs, info = self.env.reset(seed=seed, options=options)
        self._done[envs] = False
        return obs, info

    def step(self, actions):
        """Step; envs that reset in this step show their new appearance."""
        mode = self.env.unwrapped.autoreset_mode
        if mode == AutoresetMode.NEXT_STEP and self._done.any():
            self._redraw(np.flatnonzero(self._done))
        obs, reward, terminated, truncated, info = self.env.step(actions)
        done = terminated | truncated
        if mode == AutoresetMode.SAME_STEP and done.any():
            envs = np.flatnonzero(done)
            if self._redraw(envs):
                pixels = self.env.unwrapped.draw_pixels(envs)
                (obs["pixels"] if isinstance(obs, dict) else obs)[envs] = pixels
        self._done = done
        return obs, reward, terminated, truncated, info

    def _redraw(self, envs: np.ndarray) -> bool:
        """New appearances for ``envs`` (False under a fixed theme: nothing changes)."""
        if self.theme is not None or not len(envs):
            return False
        looks = [appearance.random_appearance(self._rngs[i], self.textures, self.clutter,
                                              self.jitter, self.max_shift)
                 for i in envs.tolist()]  # fmt: skip
        self.env.unwrapped.set_appearance(
            np.stack([t for t, _ in looks]), np.array([s for _, s in looks]), envs
        )
        return True
