"""RLlib's PPO with two env runners on MiniMontezuma's first room, with a count bonus.

:func:`rlx_envs.integrations.rllib.register` makes every ``rlx/`` id known to RLlib's env runners;
``env_config`` puts the bonus on (each env counts its own visits: the counts are not shared
between runners) and seeds each runner's envs apart. A callback sums the extrinsic and intrinsic
rewards that the bonus wrapper keeps in ``info``, and each iteration prints both returns.

Needs ``pip install "rlx-envs[rllib]"``. ``python examples/rllib_ppo_count_bonus.py`` trains 20
iterations of 4,000 steps (a few minutes on 2 cores); ``--smoke`` runs 2 small ones.
"""

import sys

import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.rllib.callbacks.callbacks import RLlibCallback

from rlx_envs.integrations import rllib

SMOKE = "--smoke" in sys.argv
ITERATIONS, BATCH = (2, 400) if SMOKE else (20, 4_000)
ENV = "rlx/MiniMontezumaFirstRoom-v0"


class SplitReturns(RLlibCallback):
    """Logs each episode's extrinsic and intrinsic returns (from the bonus wrapper's info)."""

    def on_episode_end(self, *, episode, metrics_logger, **kwargs):
        infos = episode.get_infos()[1:]  # the first is the reset's
        for part in ("extrinsic", "intrinsic"):
            total = sum(info[f"{part}_reward"] for info in infos)
            metrics_logger.log_value(f"{part}_return", total, reduce="mean")


def main() -> None:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    rllib.register()
    config = (
        PPOConfig()
        .environment(
            ENV,
            env_config={
                "env_kwargs": {"obs_mode": "ram", "reward_scale": 0.01},
                "bonus": "count",
                "bonus_kwargs": {"beta": 0.1},
                "observation_dtype": "float32",
                "seed": 0,
            },
        )
        .env_runners(
            num_env_runners=2, num_envs_per_env_runner=1, rollout_fragment_length=BATCH // 2
        )  # fmt: skip
        .training(
            train_batch_size_per_learner=BATCH,
            minibatch_size=min(BATCH, 500),
            num_epochs=4 if SMOKE else 8,
            lr=3e-4,
        )  # fmt: skip
        .callbacks(SplitReturns)
        .debugging(seed=0)
    )
    algo = config.build_algo()
    for iteration in range(1, ITERATIONS + 1):
        runners = algo.train()["env_runners"]
        extrinsic = runners.get("extrinsic_return", float("nan"))
        intrinsic = runners.get("intrinsic_return", float("nan"))
        steps, episodes = (int(runners.get(k, 0)) for k in
                           ("num_env_steps_sampled_lifetime", "num_episodes_lifetime"))  # fmt: skip
        print(f"iteration {iteration:2d}: {steps:>7,} steps, {episodes:>4} episodes, extrinsic "
              f"return {extrinsic:.3f}, intrinsic return {intrinsic:.3f}")  # fmt: skip
    algo.stop()
    ray.shutdown()


if __name__ == "__main__":
    main()
