"""JAX batch figures for ``python -m rlx_envs perf --only jax``: env steps per second of
MiniMontezuma's JAX batch in ``lax.scan`` rollouts (observations and autoreset included), against
the numpy batch and, when installed, NAVIX's DoorKey-8x8 in the same run; compile time apart.

Random actions are drawn inside the scan from a JAX key, as a training loop on device would.
"""

from __future__ import annotations

import time

from rlx_envs.apps.perf.batched import batched_steps_per_second

#: Batch sizes (pixels up to 4,096: 16,384 frames are 630 MB per step).
SIZES = (1, 64, 1024, 4096, 16384)
ROLLOUT = 128


def _rollout(env, params, num_envs: int, steps: int):
    """A jitted function: ``steps`` random-action steps of ``num_envs`` envs from a key."""
    import jax
    import jax.numpy as jnp

    step = jax.vmap(env.step, in_axes=(None, 0, 0, None))

    def body(carry, _):
        key, state = carry
        key, draw = jax.random.split(key)
        actions = jax.random.randint(draw, (num_envs,), 0, env.num_actions)
        obs, state, reward, terminated, truncated, info = step(draw, state, actions, params)
        # Every observation byte is read, so that XLA cannot skip computing any of them.
        return (key, state), reward.sum() + obs.astype(jnp.float32).sum()

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
    """NAVIX DoorKey-8x8 steps/s under jit + vmap + scan (None if navix is absent)."""
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
            return jax.vmap(env.step)(timestep, actions), ()

        timestep, _ = jax.lax.scan(body, timestep, jax.random.split(key, steps))
        return timestep.reward.sum()

    _, seconds = _timed(jax.jit(run), jax.random.key(0))
    return num_envs * steps / seconds


def jax_table(env_id: str = "rlx/MiniMontezuma-v0") -> None:
    """Print the JAX batch's rates by batch size, with the numpy batch and NAVIX anchors."""
    try:
        import jax
    except ImportError:
        print('\njax not installed (pip install -e ".[jax]"); JAX section omitted')
        return
    platform = jax.devices()[0].platform
    print(f"\nrlx/MiniMontezuma-v0 on JAX {jax.__version__} ({platform}), lax.scan of {ROLLOUT} "
          "steps, random actions, observations and autoreset included")  # fmt: skip
    print("| num_envs | obs | JAX steps/s | compile (s) | numpy batch steps/s | JAX / numpy "
          "| NAVIX DoorKey-8x8 | JAX / NAVIX |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for num_envs in SIZES:
        navix = navix_steps_per_second(num_envs)
        for mode in ("ram", "pixels") if num_envs <= 4096 else ("ram",):
            rate, compile_s = jax_steps_per_second(mode, num_envs)
            steps = max(2, 20_000 // num_envs) if mode == "ram" else max(2, 2_000 // num_envs)
            numpy_rate = batched_steps_per_second(env_id, num_envs, mode, steps)
            navix_text = "-" if navix is None else f"{navix:,.0f}"
            vs_navix = "-" if navix is None else f"{rate / navix:.1f}x"
            print(f"| {num_envs} | {mode} | {rate:,.0f} | {compile_s:.1f} | {numpy_rate:,.0f} | "
                  f"{rate / numpy_rate:.1f}x | {navix_text} | {vs_navix} |")  # fmt: skip
