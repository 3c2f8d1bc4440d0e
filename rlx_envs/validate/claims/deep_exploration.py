"""Claim: dithering needs exponentially many episodes to find a far reward, directed exploration
polynomially many (Osband et al. 2016; Osband et al. 2019/2020, bsuite's DeepSea).

On ``rlx/Chain-v0`` (Osband, Blundell, Pritzel and Van Roy, "Deep Exploration via Bootstrapped
DQN", NeurIPS 2016, section 5.1) and ``rlx/DeepSea-v0`` (Osband et al., "Behaviour Suite for
Reinforcement Learning", ICLR 2020, section 2.2; Osband, Van Roy, Russo and Wen, "Deep
Exploration via Randomized Value Functions", JMLR 2019), for several sizes N and seeds, three
tabular agents learn from scratch until the **far reward** (Chain's r = 1 at sN, DeepSea's
treasure) first comes, or until ``CAP`` episodes have passed:

* **epsilon-greedy**: Q-learning (:class:`~rlx_envs.agents.QLearning`), epsilon = ``EPSILON``,
  Q starting at 0 (ties broken at random);
* **bootstrapped**: :class:`~rlx_envs.agents.bootstrapped_q.BootstrappedQ` (K = 10 heads,
  Bernoulli(0.5) masks, Normal(0, 30^2) random priors: that module's defaults);
* **count-bonus**: the very same epsilon-greedy Q-learner, on the rewards of
  :class:`~rlx_envs.wrappers.CountBonus` (r + ``BETA`` / sqrt(N(s')), cells counted), so the bonus
  is the only difference.

The measure is the number of the episode in which the far reward first comes; a run that never
gets it is **censored at the cap** (counted as ``CAP`` episodes, never dropped: a censored
count is a lower bound of the true one). Growth is fitted by least squares over all seeds and
sizes: ln(episodes) against N (exponential growth: the slope is the growth rate per unit of N)
and ln(episodes) against ln N (polynomial growth: the slope is the exponent), each with a 95%
stratified bootstrap interval over seeds (:func:`rlx_envs.transfer.stats.bootstrap_ci`, every
size a stratum: the runs of different sizes are independent).

**The sizes.** A fixed cap bounds every measured episode count, so the fitted slope of a method
that hits the cap flattens to 0 wherever it is censored. The grids therefore start where
epsilon-greedy still finds the reward within the cap and end a little past where it no longer
does; the directed methods are also run on a few larger sizes (``EXTRA_SIZES``, outside the
rule) to fit their polynomial exponent over a wider range.

The rule (``RULE``) was written before the experiment ran; the sizes, caps and seeds were then
set from pilot runs on other base seeds (``settings.seed`` 1000 and 2000) to fit the quick budget
(about a minute on two cores). The full budget (``quick=False``: 32 seeds, caps of 50,000
episodes, larger grids) costs some 150 to 200 million env steps, of the order of 10 to 15
minutes on two cores (estimated from the quick runs, not timed).
"""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.agents import QLearning
from rlx_envs.agents.bootstrapped_q import BootstrappedQ
from rlx_envs.plotting import pyplot, save
from rlx_envs.transfer import stats
from rlx_envs.validate.base import Result, Settings
from rlx_envs.wrappers import CountBonus

NAME = "deep-exploration"
STATEMENT = (
    "On Chain and DeepSea, the number of episodes until the far reward is first reached grows "
    "exponentially with the size N for epsilon-greedy Q-learning and polynomially for "
    "bootstrapped Q and count-bonus Q (Osband et al. 2016; Osband et al. 2019/2020 bsuite "
    "DeepSea)."
)
RULE = (
    "on both Chain and DeepSea: (i) the 95% CI of epsilon-greedy's exponential growth rate "
    "(slope of ln episodes-to-first-far-reward against N, censored runs at the cap) lies "
    "entirely above the CIs of bootstrapped Q's and count-bonus Q's; (ii) at the largest N, "
    "bootstrapped Q and count-bonus Q each reach the far reward within the cap in more than "
    "half their seeds, epsilon-greedy in at most half"
)

# -- hyperparameters -----------------------------------------------------------------------------
#: Exploration rate of epsilon-greedy, and of the count-bonus agent (the same Q-learner).
EPSILON = 0.1
#: Q-learning step size and discount (both Q-learners; BootstrappedQ has its own, the same).
ALPHA, GAMMA = 0.5, 0.99
#: Count bonus scale: r+ = r + BETA / sqrt(N(s')).
BETA = 0.1
#: BootstrappedQ's settings (its module's defaults: Osband et al. 2016 use K = 10, p = 0.5).
BOOTSTRAPPED = {"heads": 10, "mask_probability": 0.5, "prior_scale": 30.0}
#: The envs: name -> (Gymnasium id, the size keyword).
ENVS = {"chain": ("rlx/Chain-v0", "length"), "deep-sea": ("rlx/DeepSea-v0", "size")}
METHODS = ("epsilon-greedy", "bootstrapped", "count-bonus")
DIRECTED = ("bootstrapped", "count-bonus")
#: An extrinsic reward above this is the far one (Chain: 1 at sN; DeepSea: 1 - 0.01 / N).
FAR_REWARD = 0.5
#: Sizes every method runs (the rule's grid), by budget (quick: True).
SIZES = {
    True: {"chain": (4, 5, 6, 7, 8, 9, 10), "deep-sea": (2, 3, 4, 5, 6)},
    False: {"chain": (4, 5, 6, 7, 8, 9, 10, 11, 12), "deep-sea": (2, 3, 4, 5, 6, 7)},
}
#: Larger sizes only the directed methods run (reported, outside the rule).
EXTRA_SIZES = {
    True: {"chain": (12, 16, 20), "deep-sea": (9, 12, 15)},
    False: {"chain": (16, 20, 25, 30), "deep-sea": (10, 15, 20, 25)},
}
#: Episodes before a run is censored, by budget and env.
CAP = {True: {"chain": 10_000, "deep-sea": 10_000}, False: {"chain": 50_000, "deep-sea": 50_000}}
#: Seeds per (env, method, size), by budget.
SEEDS = {True: 16, False: 32}
#: Bootstrap resamples per interval.
BOOTSTRAP_REPS = 2000


# -- one run -------------------------------------------------------------------------------------
def make(env_name: str, size: int, method: str) -> tuple[gym.Env, object]:
    """The env (with its count bonus for "count-bonus") and a fresh agent of ``method``."""
    env_id, keyword = ENVS[env_name]
    # The bare env (it ends its own episodes): the registry's wrappers would cost ~15% per step.
    env = gym.make(env_id, **{keyword: size}).unwrapped
    if method == "count-bonus":
        env = CountBonus(env, beta=BETA)
    if method == "bootstrapped":
        return env, BootstrappedQ(alpha=ALPHA, gamma=GAMMA, **BOOTSTRAPPED)
    if method in ("epsilon-greedy", "count-bonus"):
        return env, QLearning(ALPHA, GAMMA, EPSILON, initial_q=0.0)
    raise ValueError(f"unknown method {method!r}; valid methods: {list(METHODS)}")


def first_far_reward(
    env_name: str, size: int, method: str, env_seed: int, agent_seed: int, cap: int
) -> tuple[int | None, int]:
    """Learn from scratch for at most ``cap`` episodes; return (the number, from 1, of the
    episode in which the far reward first came, or None if it never did; env steps taken).

    The env is reset with ``env_seed`` once (DeepSea's action mapping: one seed, one MDP), then
    without a seed; the agent is seeded with ``agent_seed``. The far reward is an *extrinsic*
    reward above ``FAR_REWARD`` (the count bonus is not counted).
    """
    env, agent = make(env_name, size, method)
    agent.reset(env.observation_space, env.action_space, agent_seed)
    act, observe, step = agent.act, agent.observe, env.step
    steps = 0
    obs, _ = env.reset(seed=int(env_seed))
    for episode in range(1, cap + 1):
        if episode > 1:
            obs, _ = env.reset()
        found = False
        while True:
            action = act(obs)
            next_obs, reward, terminated, truncated, info = step(action)
            observe(obs, action, reward, next_obs, terminated, truncated)
            steps += 1
            if info.get("extrinsic_reward", reward) > FAR_REWARD:
                found = True
            if terminated or truncated:
                break
            obs = next_obs
        if found:
            env.close()
            return episode, steps
    env.close()
    return None, steps


def censored(first: int | None, cap: int) -> int:
    """Episodes to the first far reward, a run that never got it counted at the cap.

    >>> censored(37, 1000), censored(None, 1000)
    (37, 1000)
    """
    if first is None:
        return int(cap)
    if not 1 <= first <= cap:
        raise ValueError(f"first must lie in [1, cap = {cap}] or be None, got {first!r}")
    return int(first)


# -- growth fits ---------------------------------------------------------------------------------
SCALES = ("exponential", "polynomial")


def _design(sizes, scale: str) -> np.ndarray:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    x = np.asarray(sizes, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or np.unique(x).size < 2 or np.any(x <= 0):
        raise ValueError(f"sizes must be at least two distinct positive numbers, got {sizes!r}")
    return x if scale == "exponential" else np.log(x)


def _log_episodes(episodes, n_sizes: int) -> np.ndarray:
    y = np.asarray(episodes, dtype=np.float64)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != n_sizes:
        raise ValueError(f"episodes must be shaped (seeds, {n_sizes}), got {np.shape(episodes)}")
    if not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("episodes must be finite and positive")
    return np.log(y)


def fit_growth(sizes, episodes, scale: str = "exponential") -> float:
    """Least-squares slope of ln(episodes) against N ("exponential": the growth rate per unit
    of N, episodes ~ a exp(b N)) or against ln N ("polynomial": the exponent, episodes ~ a N^b).

    ``episodes`` is (seeds, sizes), every seed run at every size (a 1-D array is one seed);
    the fit pools all points, which, with the same number of seeds per size, is the fit to the
    per-size means of ln(episodes).

    >>> n = np.array([2, 4, 8])
    >>> exponential, power = 3 * np.exp(0.5 * n), 7 * n**2.0
    >>> round(fit_growth(n, exponential), 12), round(fit_growth(n, power, "polynomial"), 12)
    (0.5, 2.0)
    """
    x = _design(sizes, scale)
    y = _log_episodes(episodes, x.size).mean(axis=0)
    dx = x - x.mean()
    return float(dx @ (y - y.mean()) / (dx @ dx))


def fit_r2(sizes, episodes, scale: str = "exponential") -> float:
    """R^2 of :func:`fit_growth`'s line through the per-size means of ln(episodes) (1: the
    means lie exactly on an exponential, or on a power law)."""
    x = _design(sizes, scale)
    y = _log_episodes(episodes, x.size).mean(axis=0)
    slope = fit_growth(sizes, episodes, scale)
    residual = y - y.mean() - slope * (x - x.mean())
    total = float(((y - y.mean()) ** 2).sum())
    return 1.0 if total == 0 else float(1.0 - (residual**2).sum() / total)


def growth_ci(
    sizes, episodes, scale: str = "exponential", *, reps: int = BOOTSTRAP_REPS, seed: int = 0
) -> tuple[float, float]:
    """95% percentile bootstrap interval of :func:`fit_growth`: seeds resampled with replacement
    within each size (a stratified bootstrap, Agarwal et al. 2021), ``reps`` times."""
    return stats.bootstrap_ci(
        np.asarray(episodes, dtype=np.float64),
        lambda sample: fit_growth(sizes, sample, scale),
        reps=reps,
        seed=seed,
    )


# -- the experiment ------------------------------------------------------------------------------
def _job(job: dict) -> dict:
    start = time.perf_counter()
    first, steps = first_far_reward(
        job["env"], job["size"], job["method"], job["env_seed"], job["agent_seed"], job["cap"]
    )
    return {**job, "first": first, "steps": steps, "seconds": time.perf_counter() - start}


def run_seeds(base: int, env: str, size: int, i: int) -> tuple[int, int]:
    """(env seed, agent seed) of seed index ``i`` at one (env, size): the same for the three
    methods (they meet the same MDP with the same generator), independent across sizes and
    seed indices, as the bootstrap, which resamples the seeds of each size on their own,
    assumes."""
    entropy = [base, list(ENVS).index(env), size, i]
    env_seed, agent_seed = np.random.SeedSequence(entropy).generate_state(2)
    return int(env_seed), int(agent_seed)


def _cost(job: dict) -> float:
    """A guess of a job's run time (longest first balances the workers)."""
    length = job["size"] + 9 if job["env"] == "chain" else job["size"]
    return length * (job["cap"] if job["method"] == "epsilon-greedy" else 100 * job["size"])


def _matrix(runs: list[dict], env: str, method: str, sizes, cap: int, seeds: int) -> np.ndarray:
    """(seeds, sizes) episodes to the first far reward, censored at the cap."""
    table = np.zeros((seeds, len(sizes)))
    index = {s: j for j, s in enumerate(sizes)}
    for r in runs:
        if r["env"] == env and r["method"] == method and r["size"] in index:
            table[r["seed_index"], index[r["size"]]] = censored(r["first"], cap)
    return table


def _fits(sizes, table: np.ndarray, seed: int) -> dict:
    out = {}
    for k, scale in enumerate(SCALES):
        low, high = growth_ci(sizes, table, scale, seed=seed + k)
        out[scale] = {
            "slope": fit_growth(sizes, table, scale),
            "ci": [low, high],
            "r2": fit_r2(sizes, table, scale),
        }
    return out


def run(
    settings: Settings,
    *,
    sizes: dict[str, tuple[int, ...]] | None = None,
    extra_sizes: dict[str, tuple[int, ...]] | None = None,
    cap: int | dict[str, int] | None = None,
) -> Result:
    """The experiment and its verdict. ``sizes``, ``extra_sizes`` (env name -> sizes) and ``cap``
    (episodes: one for both envs, or env name -> episodes) override the budget's (the tests run a
    tiny one)."""
    started = time.perf_counter()
    sizes = sizes or SIZES[settings.quick]
    extra = EXTRA_SIZES[settings.quick] if extra_sizes is None else extra_sizes
    cap = cap or CAP[settings.quick]
    caps = {env: int(cap[env] if isinstance(cap, dict) else cap) for env in ENVS}
    n_seeds = settings.seeds or SEEDS[settings.quick]
    jobs = []
    for env in ENVS:
        for method in METHODS:
            grid = tuple(sizes[env]) + (tuple(extra.get(env, ())) if method in DIRECTED else ())
            for size in grid:
                for i in range(n_seeds):
                    env_seed, agent_seed = run_seeds(settings.seed, env, size, i)
                    jobs.append(
                        {
                            "env": env,
                            "method": method,
                            "size": int(size),
                            "seed_index": i,
                            "env_seed": env_seed,
                            "agent_seed": agent_seed,
                            "cap": caps[env],
                        }
                    )
    jobs.sort(key=_cost, reverse=True)
    runs = []
    if settings.workers > 1:
        with multiprocessing.get_context("fork").Pool(settings.workers) as pool:
            for row in pool.imap_unordered(_job, jobs):
                runs.append(row)
                settings.progress(len(runs) / len(jobs))
    else:
        for job in jobs:
            runs.append(_job(job))
            settings.progress(len(runs) / len(jobs))
    runs.sort(key=lambda r: (r["env"], r["method"], r["size"], r["seed_index"]))

    per_env, checks, columns = {}, {}, []
    for e, env in enumerate(ENVS):
        grid = tuple(sizes[env])
        env_details: dict = {"sizes": list(grid), "extra_sizes": list(extra.get(env, ()))}
        slopes = {}
        for m, method in enumerate(METHODS):
            table = _matrix(runs, env, method, grid, caps[env], n_seeds)
            columns.append(table)
            method_runs = [r for r in runs if r["env"] == env and r["method"] == method]
            all_sizes = sorted({r["size"] for r in method_runs})
            full = _matrix(runs, env, method, all_sizes, caps[env], n_seeds)
            reached = {
                s: float(np.mean([r["first"] is not None for r in method_runs if r["size"] == s]))
                for s in all_sizes
            }
            fits = _fits(grid, table, settings.seed + 10 * (3 * e + m))
            slopes[method] = fits["exponential"]
            env_details[method] = {
                "fits": fits,
                "fits_all_sizes": (
                    _fits(all_sizes, full, settings.seed + 100 + 10 * (3 * e + m))
                    if len(all_sizes) > len(grid)
                    else fits
                ),
                "sizes": all_sizes,
                "episodes": full.astype(int).tolist(),
                "geometric_mean": np.exp(np.log(full).mean(axis=0)).tolist(),
                "median": np.median(full, axis=0).tolist(),
                "reached_fraction": [reached[s] for s in all_sizes],
            }
        eps = slopes["epsilon-greedy"]
        above = all(eps["ci"][0] > slopes[d]["ci"][1] for d in DIRECTED)
        largest = grid[-1]
        at_largest = {
            method: env_details[method]["reached_fraction"][
                env_details[method]["sizes"].index(largest)
            ]
            for method in METHODS
        }
        reach = all(at_largest[d] > 0.5 for d in DIRECTED) and at_largest["epsilon-greedy"] <= 0.5
        checks[env] = {
            "epsilon_slope_ci_above_directed": bool(above),
            "reached_at_largest_n": at_largest,
            "directed_reach_epsilon_does_not": bool(reach),
        }
        env_details["gap"] = eps["slope"] - min(slopes[d]["slope"] for d in DIRECTED)
        per_env[env] = env_details

    # The headline: min over envs of (epsilon-greedy's slope - the smaller directed slope), with
    # a joint stratified bootstrap over every (env, method, size) column.
    widths = [len(sizes[env]) for env in ENVS for _ in METHODS]
    bounds = np.cumsum([0, *widths])
    stacked = np.concatenate(columns, axis=1)

    def headline(sample: np.ndarray) -> float:
        gaps = []
        for e, env in enumerate(ENVS):
            fit = [
                fit_growth(sizes[env], sample[:, bounds[3 * e + m] : bounds[3 * e + m + 1]])
                for m in range(len(METHODS))
            ]
            gaps.append(fit[0] - min(fit[1:]))
        return min(gaps)

    value = headline(stacked)
    low, high = stats.bootstrap_ci(stacked, headline, reps=BOOTSTRAP_REPS, seed=settings.seed)
    passed = all(c["epsilon_slope_ci_above_directed"] for c in checks.values()) and all(
        c["directed_reach_epsilon_does_not"] for c in checks.values()
    )
    seconds = time.perf_counter() - started
    details = {
        "statement": STATEMENT,
        "rule": RULE,
        "cap": caps,
        "seeds": n_seeds,
        "base_seed": settings.seed,
        "hyperparameters": {
            "epsilon": EPSILON,
            "alpha": ALPHA,
            "gamma": GAMMA,
            "beta": BETA,
            "bootstrapped": BOOTSTRAPPED,
        },
        "envs": {env: ENVS[env][0] for env in ENVS},
        "checks": checks,
        "per_env": per_env,
        "headline": {"value": value, "ci": [low, high]},
        "seconds": seconds,
        "env_steps": int(sum(r["steps"] for r in runs)),
        "runs": [
            {k: r[k] for k in ("env", "method", "size", "seed_index", "first", "steps")}
            for r in runs
        ],
    }
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "details.json").write_text(json.dumps(details, indent=1))
    plots = _plot(per_env, caps, out)
    return Result(
        "growth rate per unit N of ln(episodes to the first far reward): epsilon-greedy minus "
        "the best directed method (the smaller of Chain's and DeepSea's)",
        float(value),
        (float(low), float(high)),
        bool(passed),
        details,
        plots,
    )


def _plot(per_env: dict, caps: dict[str, int], out: Path) -> list[Path]:
    """Episodes to the first far reward against N, log scale, one panel per env."""
    plt = pyplot()
    if plt is None:
        return []
    colours = {"epsilon-greedy": "tab:red", "bootstrapped": "tab:blue", "count-bonus": "tab:green"}
    fig, axes = plt.subplots(1, len(per_env), figsize=(5.5 * len(per_env), 4.2))
    for ax, (env, d) in zip(np.atleast_1d(axes), per_env.items(), strict=True):
        for k, method in enumerate(METHODS):
            sizes = np.array(d[method]["sizes"], dtype=float)
            episodes = np.array(d[method]["episodes"], dtype=float)
            slope = d[method]["fits"]["exponential"]
            label = f"{method}: {slope['slope']:.2f} [{slope['ci'][0]:.2f}, {slope['ci'][1]:.2f}]"
            ax.plot(sizes, d[method]["geometric_mean"], "o-", color=colours[method], label=label)
            jitter = (k - 1) * 0.08
            for j, n in enumerate(sizes):
                hit = episodes[:, j] < caps[env]
                ax.scatter(
                    np.full(hit.sum(), n + jitter), episodes[hit, j], s=8, alpha=0.35,
                    color=colours[method],
                )  # fmt: skip
                ax.scatter(
                    np.full((~hit).sum(), n + jitter), episodes[~hit, j], s=18, marker="x",
                    color=colours[method],
                )  # fmt: skip
        ax.axhline(caps[env], color="grey", linestyle="--", linewidth=1)
        ax.axvline(d["sizes"][-1] + 0.5, color="grey", linestyle=":", linewidth=1)
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel("episodes to the first far reward")
        ax.set_title(
            f"{env} (cap {caps[env]} episodes): growth of ln episodes per unit N [95% CI]",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("x: censored at the cap (dashed); lines: geometric means; dotted: end of the "
                 "rule's grid (directed methods only beyond)", fontsize=9)  # fmt: skip
    path = out / "deep_exploration.png"
    save(fig, path)
    return [path]


__all__ = [
    "CAP",
    "METHODS",
    "NAME",
    "RULE",
    "SIZES",
    "STATEMENT",
    "censored",
    "first_far_reward",
    "fit_growth",
    "fit_r2",
    "growth_ci",
    "make",
    "run",
]
