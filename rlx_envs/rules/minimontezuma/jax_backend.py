"""The third backend of MiniMontezuma's rules: JAX arrays, in JAX's default 32-bit mode.

:data:`JAX` is one more :class:`~rlx_envs.rules.minimontezuma.rules.Backend`: ``jnp.where``,
``jnp.logical_not`` and mask operations on two uint32 words. :func:`rules.step` runs on it
unchanged, traced by ``jax.jit`` and ``jax.vmap``. The masks of used objects and visited rooms
(62 bits each) are ``uint32[..., 2]`` (low word, high word); the generator key and the step
counter are ``uint32`` (the counter-based generator is 32-bit arithmetic, which uint32 wraps
exactly as the other backends mask it); every other field is ``int32``. Nothing here changes a
global JAX flag.

>>> import jax.numpy as jnp
>>> mask = JAX.with_bit(JAX.empty_mask(jnp.int32(0)), jnp.int32(40), True)
>>> mask.tolist(), int(JAX.bit(mask, 40)), int(JAX.bit(mask, 8))
([0, 256], 1, 0)
>>> mask_to_int(mask)
1099511627776
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from rlx_envs.rules.minimontezuma import rules
from rlx_envs.rules.minimontezuma.ram import RAM_LAYOUT, RAM_SIZE


def _bit(mask, index):
    index = jnp.asarray(index, jnp.int32)
    word = jnp.where(index < 32, mask[..., 0], mask[..., 1])
    return ((word >> (index & 31).astype(jnp.uint32)) & 1).astype(jnp.int32)


def _with_bit(mask, index, condition):
    index = jnp.asarray(index, jnp.int32)
    one = jnp.left_shift(jnp.uint32(1), (index & 31).astype(jnp.uint32))
    condition = jnp.asarray(condition, bool)
    low = mask[..., 0] | jnp.where(condition & (index < 32), one, jnp.uint32(0))
    high = mask[..., 1] | jnp.where(condition & (index >= 32), one, jnp.uint32(0))
    return jnp.stack([low, high], axis=-1)


def _empty_mask(zero):
    return jnp.zeros((*jnp.shape(zero), 2), jnp.uint32)


#: The JAX backend: the rules on traced JAX arrays, masks as two uint32 words.
JAX = rules.Backend(
    where=jnp.where,
    lnot=jnp.logical_not,
    with_bit=_with_bit,
    bit=_bit,
    empty_mask=_empty_mask,
    mask32=np.uint32(0xFFFFFFFF),
)


def jax_tables(tables: rules.Tables) -> rules.Tables:
    """A copy of ``tables`` whose tables are int32 JAX arrays (every entry fits 32 bits)."""
    copy = object.__new__(rules.Tables)
    copy.__dict__.update(tables.__dict__)
    for name in rules._TABLE_NAMES:
        values = np.asarray(getattr(tables, name), dtype=np.int64)
        if values.size and (values.min() < -(2**31) or values.max() >= 2**31):
            raise ValueError(f"table {name} does not fit int32")
        setattr(copy, name, jnp.asarray(values, jnp.int32))
    return copy


def mask_to_int(mask) -> int:
    """A two-word mask as the Python int the single env keeps (for one env's mask)."""
    low, high = (int(word) for word in np.asarray(mask).reshape(2))
    return low | high << 32


def masks_to_int64(masks) -> np.ndarray:
    """(..., 2) uint32 masks as the int64 masks of the numpy batch (bits 0..62)."""
    words = np.asarray(masks).astype(np.int64)
    return words[..., 0] | (words[..., 1] << 32)


def _byte_plan():
    """Per RAM byte: (field, value index, mask word or -1, shift, bias), from RAM_LAYOUT."""
    plan = []
    for row in RAM_LAYOUT:
        for index in range(row.count):
            for byte in range(row.width):
                word = byte // 4 if row.width == 8 else -1  # a mask: bytes 0-3 low word, 4-7 high
                plan.append((row.name, index, word, 8 * (byte % 4 if word >= 0 else byte), row.bias,
                             row.relative))  # fmt: skip
    return plan


_PLAN = _byte_plan()
_SHIFTS = np.array([shift for *_, shift, _, _ in _PLAN], np.uint32)
_BIASES = np.array([bias for *_, bias, _ in _PLAN], np.int32)
_RELATIVE = np.array([relative for *_, relative in _PLAN], bool)


def encode_ram(state: rules.State, rooms_per_level: int):
    """The ``"ram"`` observation of a JAX ``state``: uint8[..., 128], byte for byte what
    :func:`rlx_envs.rules.minimontezuma.ram.encode_ram` writes, from the same
    :data:`~rlx_envs.rules.minimontezuma.ram.RAM_LAYOUT` (little-endian values plus bias;
    masks byte by byte from their two words). One stack of source values, then one vectorised
    shift: XLA fuses it into a single pass over the batch."""
    sources = []
    for name, index, word, _, _, _ in _PLAN:
        value = getattr(state, name)
        value = value[index] if isinstance(value, list) else value
        sources.append((value[..., word] if word >= 0 else value).astype(jnp.uint32))
    values = jnp.stack(sources, axis=-1)
    local = (state.slot * rooms_per_level).astype(jnp.uint32)[..., None]
    values = jnp.where(_RELATIVE, values - local, values)
    ram = ((values >> _SHIFTS) + _BIASES.astype(jnp.uint32)) & 0xFF
    ram = ram.astype(jnp.uint8)
    pad = jnp.zeros((*ram.shape[:-1], RAM_SIZE - ram.shape[-1]), jnp.uint8)
    return jnp.concatenate([ram, pad], axis=-1)
