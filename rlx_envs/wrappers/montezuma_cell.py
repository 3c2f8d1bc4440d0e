"""The real Montezuma's Revenge with a Go-Explore cell in ``info``, read from the console RAM.

:class:`MontezumaCell` wraps an Arcade Learning Environment Montezuma's Revenge (any wrapper
stack over ``ale_py``'s env) and adds, after every reset and step, the domain-knowledge cell of
Go-Explore (Ecoffet et al. 2019, 2021: the level, the room, the keys held and the agent's
position, coarsened) as ``info["cell"]``, so that :class:`~rlx_envs.wrappers.CountBonus` and the
tabular agents count the real game's states as they count MiniMontezuma's. The bytes are those
that AtariARI (Anand et al. 2019, "Unsupervised state representation learning in Atari") labels
for the game: room 3, x 42, y 43, level 57, lives 58, inventory 65.

``info["cell"]`` is int64 ``(level, room, x // cell_size, y // cell_size, inventory)``, the
inventory byte a bit per item held (keys among them). ``info`` also carries the raw ``level``,
``room``, ``x``, ``y``, ``lives`` and ``inventory``, and ``life_lost`` (the step cost a life).
``get_state()``/``set_state()`` save and restore the game (for Go-Explore's returns).

Copies keep the episode: pickling or deep-copying the wrapper carries the emulator's state (its
random generator included, for sticky actions) through ALE's ``cloneState``/``restoreState``, so
the copy continues exactly like the original; ale-py alone would restart the game.

``gym.make("rlx/MontezumaRevenge-v0")`` (the ``atari`` extra) builds the game with the standard
preprocessing and this wrapper (:func:`rlx_envs.presets.montezuma_revenge`).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from rlx_envs.core.arguments import integer

#: Console RAM addresses of Montezuma's Revenge (AtariARI, Anand et al. 2019).
RAM_ADDRESSES = {"room": 3, "x": 42, "y": 43, "level": 57, "lives": 58, "inventory": 65}


def ram_fields(ram: np.ndarray) -> dict[str, int]:
    """The labelled bytes of one RAM snapshot (128 bytes) as ints.

    >>> ram = np.zeros(128, np.uint8); ram[3] = 1; ram[42] = 77
    >>> ram_fields(ram)["room"], ram_fields(ram)["x"]
    (1, 77)
    """
    ram = np.asarray(ram)
    if ram.shape != (128,):
        raise ValueError(f"the Atari 2600 RAM has 128 bytes, got an array of shape {ram.shape}")
    return {name: int(ram[address]) for name, address in RAM_ADDRESSES.items()}


def cell_of(fields: dict[str, int], cell_size: int) -> np.ndarray:
    """The Go-Explore cell ``(level, room, x // cell_size, y // cell_size, inventory)``."""
    return np.array(
        [fields["level"], fields["room"], fields["x"] // cell_size, fields["y"] // cell_size,
         fields["inventory"]], dtype=np.int64,
    )  # fmt: skip


class MontezumaCell(gym.Wrapper, RecordConstructorArgs):
    """Adds the Go-Explore cell of the real Montezuma's Revenge to ``info`` (see the module).

    Args:
        env: an ALE Montezuma's Revenge, possibly wrapped (``env.unwrapped.ale`` is read).
        cell_size: RAM position units per cell side, >= 1 (16: about ten cells across a room).

    Example:
        >>> import gymnasium as gym
        >>> import rlx_envs
        >>> env = gym.make("rlx/MontezumaRevenge-v0", sticky_action_prob=0.0)
        >>> obs, info = env.reset(seed=0)
        >>> obs.shape, info["cell"].tolist()  # 4 stacked 84x84 frames; level 0, room 1, start
        ((4, 84, 84), [0, 1, 4, 14, 0])
        >>> info["x"], info["y"], info["lives"]
        (77, 235, 5)
    """

    #: The env gives ``info["cell"]``: count bonuses count it.
    provides_cell = True

    def __init__(self, env: gym.Env, cell_size: int = 16):
        self.cell_size = integer("cell_size", cell_size, minimum=1)
        ale = getattr(env.unwrapped, "ale", None)
        if ale is None or "montezuma" not in str(getattr(env.unwrapped, "_game", "")).lower():
            raise ValueError(
                f"MontezumaCell reads Montezuma's Revenge's RAM; {env.unwrapped} is not that game "
                "on the Arcade Learning Environment (gym.make('rlx/MontezumaRevenge-v0'))"
            )
        RecordConstructorArgs.__init__(self, cell_size=cell_size)
        gym.Wrapper.__init__(self, env)
        self._lives: int | None = None

    def _with_cell(self, info: dict, lives_before: int | None) -> dict:
        fields = ram_fields(self.unwrapped.ale.getRAM())
        info = dict(info)
        info.update(fields)
        info["cell"] = cell_of(fields, self.cell_size)
        info["life_lost"] = lives_before is not None and fields["lives"] < lives_before
        self._lives = fields["lives"]
        return info

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Reset the game; ``info`` gains the cell of the first state."""
        obs, info = self.env.reset(seed=seed, options=options)
        return obs, self._with_cell(info, None)

    def step(self, action):
        """Step the game; ``info`` gains the cell of the state reached (and ``life_lost``)."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward, terminated, truncated, self._with_cell(info, self._lives)

    def get_state(self) -> tuple:
        """The game now: the emulator's state with its generator (sticky actions replay) and
        the lives count. Wrappers above (a frame stack) keep their own frames: the next
        observations are the game's, the stacked past is not part of it."""
        return (self.unwrapped.ale.cloneState(include_rng=True), self._lives)

    def set_state(self, saved: tuple) -> None:
        """Continue from :meth:`get_state`'s ``saved`` game (ALE's ``restoreState``)."""
        ale_state, self._lives = saved
        self.unwrapped.ale.restoreState(ale_state)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_ale_state"] = self.unwrapped.ale.cloneState(include_rng=True)
        return state

    def __setstate__(self, state: dict) -> None:
        ale_state = state.pop("_ale_state")
        self.__dict__.update(state)
        # The game was rebuilt fresh from its constructor arguments; put the episode back.
        self.unwrapped.ale.restoreState(ale_state)
