"""JAX batch figures for ``python -m rlx_envs perf --only jax``: env steps per second of
MiniMontezuma's JAX batch in ``lax.scan`` rollouts (observations and autoreset included), against
the numpy batch and, when installed, NAVIX's DoorKey-8x8 in the same run; compile time apart.

Random actions are drawn inside the scan from a JAX key, as a training loop on device would.
"""

from __future__ import annotations

import time

import numpy as np

from rlx_envs.apps.perf.batched import batched_steps_per_second

#: Batch sizes (pixels up to 4,096: 16,384 frames are 630 MB per step).
SIZES = (1, 64, 1024, 4096, 16384)
#: Added on an accelerator: the size of the GPU target (100M steps/s with ram).
ACCELERATOR_SIZES = (65_536,)
ROLLOUT = 128
#: Alternating rounds of the ram rows (medians reported).
ROUNDS = 3


def _read(reward, obs):
    """What a rollout step returns: every reward and observation byte read (so that XLA computes
    them all), the same reduction for MiniMontezuma and for NAVIX."""
    import jax.numpy as jnp

    return reward.sum() + obs.astype(jnp.float32).sum()


def _rollout(env, params, num_envs: int, steps: int):
    """A jitted function: ``steps`` random-action steps of ``num_envs`` envs from a key."""
    import jax

    step = jax.vmap(env.step, in_axes=(None, 0, 0, None))

    def body(carry, _):
        key, state = carry
        key, draw = jax.random.split(key)
        actions = jax.random.randint(draw, (num_envs,), 0, env.num_actions)
        obs, state, reward, terminated, truncated, info = step(draw, state, actions, params)
        return (key, state), _read(reward, obs)

    def run(key):
        keys = jax.random.split(key, num_envs)
        _, state = jax.vmap(env.reset, in_axes=(0, None))(keys, params)
        (_, state), rewards = jax.lax.scan(body, (key, state), None, length=steps)
        return rewards.sum()

    return jax.jit(run)


def _timed(run, key, repeats: int = 3) -> tuple[float, float]:
    """(compile seconds, best run seconds) of a jitted rollout."""
    start = time.perf_counter()
    run(key).block_until_ready()
    compile_s = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run(key).block_until_ready()
        best = min(best, time.perf_counter() - start)
    return compile_s, best


def jax_steps_per_second(obs_mode: str, num_envs: int, steps: int = ROLLOUT,
                         level: str = "pyramid") -> tuple[float, float]:  # fmt: skip
    """(steps/s, compile s) of the JAX batch's ``lax.scan`` rollout."""
    import jax

    from rlx_envs.envs.minimontezuma.jax_env import MiniMontezumaJax

    env = MiniMontezumaJax(level=level, obs_mode=obs_mode, max_episode_steps=20_000)
    run = _rollout(env, env.default_params, num_envs, steps)
    compile_s, seconds = _timed(run, jax.random.key(0))
    return num_envs * steps / seconds, compile_s


def navix_steps_per_second(num_envs: int, steps: int = ROLLOUT) -> float | None:
    """NAVIX DoorKey-8x8 steps/s under jit + vmap + scan, its rewards and observations read as
    MiniMontezuma's are (None if navix is absent)."""
    try:
        import jax
        import navix as nx
    except ImportError:
        return None
    env = nx.make("Navix-DoorKey-8x8-v0")

    def run(key):
        keys = jax.random.split(key, num_envs)
        timestep = jax.vmap(env.reset)(keys)

        def body(timestep, key):
            actions = jax.random.randint(key, (num_envs,), 0, env.action_space.n)
            timestep = jax.vmap(env.step)(timestep, actions)
            return timestep, _read(timestep.reward, timestep.observation)

        timestep, read = jax.lax.scan(body, timestep, jax.random.split(key, steps))
        return read.sum()

    _, seconds = _timed(jax.jit(run), jax.random.key(0))
    return num_envs * steps / seconds


def _numpy_steps(mode: str, num_envs: int) -> int:
    """Batch steps of the numpy anchor: the JAX rollout's own length from reset for ``ram``
    (both then play the same stretch of their episodes); pixel frames of a large batch are
    slow enough that fewer steps give a steady figure."""
    return ROLLOUT if mode == "ram" else max(8, min(ROLLOUT, 65_536 // num_envs))


def jax_table(env_id: str = "rlx/MiniMontezuma-v0") -> None:
    """Print the JAX batch's rates by batch size, with the numpy batch and NAVIX anchors.

    ``ram`` rows are the medians of ``ROUNDS`` rounds that alternate the JAX batch, the numpy
    batch and NAVIX (the ratios are the medians of each round's own ratio: a machine whose speed
    drifts moves all three together); ``pixels`` rows are one round."""
    try:
        import jax
    except ImportError:
        print('\njax not installed (pip install -e ".[jax]"); JAX section omitted')
        return
    platform = jax.devices()[0].platform
    print(f"\nrlx/MiniMontezuma-v0 on JAX {jax.__version__} ({platform}), lax.scan of {ROLLOUT} "
          "steps, random actions, observations and autoreset included; numpy batch over the same "
          f"{ROLLOUT} steps from reset (ram); ram rows: medians of {ROUNDS} alternating "
          "rounds")  # fmt: skip
    print("| num_envs | obs | JAX steps/s | compile (s) | numpy batch steps/s | JAX / numpy "
          "| NAVIX DoorKey-8x8 | JAX / NAVIX |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for num_envs in SIZES + (ACCELERATOR_SIZES if platform != "cpu" else ()):
        for mode in ("ram", "pixels") if num_envs <= 4096 else ("ram",):
            rounds = ROUNDS if mode == "ram" else 1
            rates, compiles, numpy_rates, navix_rates = [], [], [], []
            for _ in range(rounds):
                rate, compile_s = jax_steps_per_second(mode, num_envs)
                rates.append(rate)
                compiles.append(compile_s)
                steps = _numpy_steps(mode, num_envs)
                numpy_rates.append(batched_steps_per_second(env_id, num_envs, mode, steps))
                navix_rates.append(navix_steps_per_second(num_envs) if mode == "ram" else None)
            rate, numpy_rate = float(np.median(rates)), float(np.median(numpy_rates))
            vs_numpy = np.median(np.divide(rates, numpy_rates))
            navix_text = vs_navix = "-"
            if navix_rates[0] is not None:
                navix_text = f"{np.median(navix_rates):,.0f}"
                vs_navix = f"{np.median(np.divide(rates, navix_rates)):.1f}x"
            print(f"| {num_envs} | {mode} | {rate:,.0f} | {compiles[0]:.1f} | {numpy_rate:,.0f} | "
                  f"{vs_numpy:.1f}x | {navix_text} | {vs_navix} |")  # fmt: skip
