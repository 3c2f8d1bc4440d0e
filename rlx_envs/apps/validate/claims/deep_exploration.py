"""Claim: dithering needs exponentially many episodes to find a far reward; directed exploration
needs far fewer, and finds it where chance does not (Osband et al. 2016; Osband et al. 2019/2020,
bsuite's DeepSea).

On ``rlx/Chain-v0`` (Osband, Blundell, Pritzel and Van Roy, "Deep Exploration via Bootstrapped
DQN", NeurIPS 2016, section 5.1) and ``rlx/DeepSea-v0`` (Osband et al., "Behaviour Suite for
Reinforcement Learning", ICLR 2020, section 2.2; Osband, Van Roy, Russo and Wen, "Deep
Exploration via Randomized Value Functions", JMLR 2019), for sizes N and seeds, four arms learn
from scratch until the **far reward** (Chain's r = 1 at sN, DeepSea's treasure) first comes, or
until ``CAP`` episodes have passed:

* **random** (the control): uniform random actions (Q-learning with epsilon = 1);
* **epsilon-greedy**: Q-learning, epsilon = ``EPSILON``, Q starting at 0 (ties at random);
* **bootstrapped**: :class:`~rlx_envs.agents.bootstrapped_q.BootstrappedQ` (K = 10 heads,
  Bernoulli(0.5) masks, Normal(0, 30^2) random priors: that module's defaults);
* **count-bonus**: the same epsilon-greedy Q-learner on the rewards of
  :class:`~rlx_envs.wrappers.VectorCountBonus` with one count table per seed (r + ``BETA`` /
  sqrt(N(s'))), starting optimistic at Q0 = ``BETA / (1 - GAMMA)`` (the value of the largest
  bonus forever), as MBIE-EB's analysis assumes (Strehl and Littman 2008);
* **optimistic** (reported, not judged): the same learner, optimistic start, no bonus (the
  ablation of the bonus).

Every arm runs all its seeds at once, one seed per env of the env's native vector twin (seed i
of the batch is exactly the single-env agent with seed i); each (env, arm, size) is one job of
:func:`rlx_envs.apps.executor.run_jobs`.

**The measure.** Per (env, arm, size), the per-episode probability p of the first far reward,
estimated from censored data: a seed that finds it in episode e contributes e episodes and one
success, a seed that never does within the cap contributes ``CAP`` episodes and no success
(censored, never dropped); the censored-geometric maximum likelihood is p = successes /
episodes, and the expected episodes to the far reward 1 / p. (With no success at all the
estimate is made with half a success, an upper bound of p: disclosed in ``details``.)
ln(1 / p) against N is fitted by least squares: its slope is the exponential **growth rate**;
against ln N, the polynomial exponent. Intervals are stratified bootstraps over seeds (every
size a stratum).

**Comparisons** (all must have their 95% CI above 0 to PASS):

1. on each env's small grid (``SMALL_SIZES``, where epsilon-greedy still finds the reward),
   epsilon-greedy's growth rate minus each directed method's (4 comparisons);
2. at each env's largest N (``LARGEST``: Chain 50, DeepSea 30), each directed method's fraction
   of seeds reaching the far reward within the cap minus the random control's (Newcombe's
   interval; 4 comparisons).

Reported, not judged: the growth rate of the random control on the small grid (epsilon-greedy
dithers like chance), the directed methods' ln(1/p) over all their sizes with both fits and
their R^2 (which growth shape fits better), and every arm's reached fraction per size.

**Pre-registration.** The arms, sizes and rule were written first; the budget was then fixed
on pilot base seed 1000 (:data:`PILOT_SEEDS`), before the evaluation seed 0 ran. The pilot
(12 seeds, a cap of 2,000 episodes everywhere) showed: tabular bootstrapped Q's choice of
action is invariant to the prior's scale before any reward (prior scales 1, 3 and 30 gave the
same first-success episodes on DeepSea 10), so its scale was left at 30; bootstrapped Q
reached Chain 50 and DeepSea 30 in 0 of 12 seeds and DeepSea 20 in 1 of 12; the count-bonus
learner with Q0 = 0 needed 350 to 1,200 episodes on DeepSea 10, with the optimistic start
(MBIE-EB's) 30 to 80, so the count-bonus arm starts optimistic and the optimistic start alone
is reported as its ablation; count-bonus needed at most 111 episodes on Chain 50 and 1,100 on
DeepSea 30. The quick cap was then cut to 500 episodes on Chain (2,000 on DeepSea) to fit the
time budget: the pilot took about 30 minutes on a 2-core machine shared with other jobs.
``docs/validation.md`` records any change made after the evaluation run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import rlx_envs  # noqa: F401  (registers the envs)
from rlx_envs.agents import QLearning
from rlx_envs.agents.base import run_batch
from rlx_envs.agents.bootstrapped_q import BootstrappedQ
from rlx_envs.analysis.intervals import proportion_difference_ci
from rlx_envs.analysis.plotting import pyplot, save
from rlx_envs.apps.executor import run_jobs
from rlx_envs.apps.validate.base import Result, Settings
from rlx_envs.apps.validate.verdict import Comparison
from rlx_envs.wrappers import VectorCountBonus

NAME = "deep-exploration"
STATEMENT = (
    "On Chain and DeepSea, the episodes until the far reward is first reached grow faster with "
    "the size N for epsilon-greedy Q-learning than for bootstrapped Q and count-bonus Q, and at "
    "the largest N the directed methods reach it where a random policy does not (Osband et al. "
    "2016; Osband et al. 2019/2020 bsuite DeepSea)."
)
RULE = (
    "on both Chain and DeepSea, the 95% CI lies above 0 for: (1) epsilon-greedy's growth rate "
    "(slope of ln expected-episodes-to-first-far-reward, censored-geometric MLE, against N on the "
    "small grid) minus bootstrapped Q's, and minus count-bonus Q's; (2) at the largest N, the "
    "fraction of seeds reaching the far reward within the cap, bootstrapped Q minus random and "
    "count-bonus Q minus random (Newcombe)"
)
#: Base seeds of the pilot runs that fixed the sizes, caps and seeds (never the evaluation seed).
PILOT_SEEDS = (1000, 2000)

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
METHODS = ("random", "epsilon-greedy", "optimistic", "bootstrapped", "count-bonus")
DIRECTED = ("bootstrapped", "count-bonus")
#: Q0 of the optimistic learners: the value of a bonus of BETA forever.
OPTIMISTIC_Q = BETA / (1 - GAMMA)
#: An extrinsic reward above this is the far one (Chain: 1 at sN; DeepSea: 1 - 0.01 / N).
FAR_REWARD = 0.5
#: The grid every arm runs (the growth comparisons).
SMALL_SIZES = {"chain": (4, 5, 6, 7, 8, 9, 10), "deep-sea": (2, 3, 4, 5, 6, 7)}
#: Larger sizes the directed methods run; the last is where they meet the random control.
LARGE_SIZES = {"chain": (20, 30, 50), "deep-sea": (10, 20, 30)}
LARGEST = {env: sizes[-1] for env, sizes in LARGE_SIZES.items()}
#: Episodes before a run is censored, by budget (quick: True) and env.
CAP = {True: {"chain": 500, "deep-sea": 2_000}, False: {"chain": 2_000, "deep-sea": 10_000}}
#: Seeds per (env, arm, size), by budget.
SEEDS = {True: 12, False: 30}
#: Bootstrap resamples per interval.
BOOTSTRAP_REPS = 2000
#: How the vector envs are made (the native twins; "sync" steps single envs, the same numbers).
VECTORIZATION = "vector_entry_point"


# -- one job: all seeds of one (env, arm, size) --------------------------------------------------
def make_agent(method: str):
    """A fresh agent of ``method`` (the count bonus lives in the env, see :func:`make_envs`)."""
    if method == "random":
        return QLearning(ALPHA, GAMMA, epsilon=1.0)
    if method == "epsilon-greedy":
        return QLearning(ALPHA, GAMMA, EPSILON, initial_q=0.0)
    if method in ("optimistic", "count-bonus"):
        return QLearning(ALPHA, GAMMA, EPSILON, initial_q=OPTIMISTIC_Q)
    if method == "bootstrapped":
        return BootstrappedQ(alpha=ALPHA, gamma=GAMMA, **BOOTSTRAPPED)
    raise ValueError(f"unknown method {method!r}; valid methods: {list(METHODS)}")


def make_envs(env_name: str, size: int, method: str, num_envs: int):
    """The vector env of ``num_envs`` seeds, with a per-seed count bonus for "count-bonus"."""
    env_id, keyword = ENVS[env_name]
    envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode=VECTORIZATION,
                        **{keyword: size})  # fmt: skip
    if method == "count-bonus":
        envs = VectorCountBonus(envs, beta=BETA, per_env=True)
    return envs


def first_far_reward(
    env_name: str, size: int, method: str, env_seeds, agent_seeds, cap: int
) -> tuple[list[int | None], int]:
    """Learn from scratch, one seed per env, until every seed has met the far reward or ``cap``
    episodes; return (per seed: the number, from 1, of the episode in which the far reward first
    came, or None; env steps taken by the seeds still searching).

    Env i is reset once with ``env_seeds[i]`` (DeepSea's action mapping: one seed, one MDP),
    then autoresets unseeded; agent i is seeded with ``agent_seeds[i]``. The far reward is an
    *extrinsic* reward above ``FAR_REWARD`` (the count bonus is not counted).
    """
    n = len(env_seeds)
    envs = make_envs(env_name, size, method, n)
    agent = make_agent(method)
    agent.reset_batch(envs.single_observation_space, envs.single_action_space, agent_seeds)
    first = np.full(n, -1, np.int64)
    episode = np.zeros(n, np.int64)
    steps = np.zeros(n, np.int64)

    def on_step(t, active, rewards, terminated, truncated, infos) -> bool:
        searching = active & (first < 0) & (episode < cap)
        steps[searching] += 1
        far = np.asarray(infos.get("extrinsic_reward", rewards)) > FAR_REWARD
        found = far & searching
        first[found] = episode[found] + 1
        episode[(terminated | truncated) & active] += 1
        return bool(np.all((first >= 0) | (episode >= cap)))

    horizon = size + 9 if env_name == "chain" else size
    run_batch(envs, agent, (horizon + 1) * cap + 1, seed=[int(s) for s in env_seeds],
              on_step=on_step)  # fmt: skip
    envs.close()
    return [int(f) if f > 0 else None for f in first], int(steps.sum())


def run_seeds(base: int, env: str, size: int, seeds: int) -> tuple[list[int], list[int]]:
    """(env seeds, agent seeds) of one (env, size): the same for every arm (they meet the same
    MDPs), independent across sizes and seed indices, as the stratified bootstrap assumes."""
    pairs = [
        np.random.SeedSequence([base, list(ENVS).index(env), size, i]).generate_state(2)
        for i in range(seeds)
    ]
    return [int(p[0]) for p in pairs], [int(p[1]) for p in pairs]


def _job(job: dict) -> dict:
    start = time.perf_counter()
    env_seeds, agent_seeds = run_seeds(job["base"], job["env"], job["size"], job["seeds"])
    first, steps = first_far_reward(
        job["env"], job["size"], job["method"], env_seeds, agent_seeds, job["cap"]
    )
    return {**job, "first": first, "steps": steps, "seconds": time.perf_counter() - start}


def _cost(job: dict) -> float:
    """A guess of a job's run time (longest first balances the workers)."""
    horizon = job["size"] + 9 if job["env"] == "chain" else job["size"]
    slow = job["method"] in ("random", "epsilon-greedy") or job["size"] >= 20
    return horizon * (job["cap"] if slow else 50 * job["size"])


# -- statistics --------------------------------------------------------------------------------
def censored(first: int | None, cap: int) -> int:
    """Episodes a seed contributes: its first-success episode, or the cap if it never succeeded.

    >>> censored(37, 1000), censored(None, 1000)
    (37, 1000)
    """
    if first is None:
        return int(cap)
    if not 1 <= first <= cap:
        raise ValueError(f"first must lie in [1, cap = {cap}] or be None, got {first!r}")
    return int(first)


def success_probability(episodes, successes) -> float:
    """Censored-geometric maximum likelihood of the per-episode success probability:
    successes / episodes, with half a success when there is none (then an upper bound).

    >>> success_probability([10, 30, 20], [1, 1, 1]), success_probability([100, 100], [0, 0])
    (0.05, 0.0025)
    """
    episodes = np.asarray(episodes, dtype=np.float64)
    successes = np.asarray(successes, dtype=np.float64)
    if episodes.shape != successes.shape or np.any(episodes < 1):
        raise ValueError("episodes (>= 1) and successes must have the same shape")
    if np.any((successes != 0) & (successes != 1)):
        raise ValueError("successes must be 0 or 1 per seed")
    return float(max(successes.sum(), 0.5) / episodes.sum())


def _log_expected(episodes: np.ndarray, successes: np.ndarray) -> np.ndarray:
    """ln(1 / p) per size of (seeds, sizes) arrays (vectorised over a leading resample axis)."""
    k = np.maximum(successes.sum(axis=-2), 0.5)
    return np.log(episodes.sum(axis=-2) / k)


SCALES = ("exponential", "polynomial")


def _slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    dx = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ dx / (dx @ dx)


def _design(sizes, scale: str) -> np.ndarray:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    x = np.asarray(sizes, dtype=np.float64)
    if x.ndim != 1 or np.unique(x).size < 2 or np.any(x <= 0):
        raise ValueError(f"sizes must be at least two distinct positive numbers, got {sizes!r}")
    return x if scale == "exponential" else np.log(x)


def fit_growth(sizes, episodes, successes, scale: str = "exponential") -> float:
    """Least-squares slope of ln(1 / p) (p: :func:`success_probability` at each size) against N
    ("exponential": the growth rate per unit N) or against ln N ("polynomial": the exponent).
    ``episodes`` and ``successes`` are (seeds, sizes).

    >>> n = np.array([2, 4, 8])
    >>> episodes = np.round(3 * np.exp(0.5 * n))[None, :]   # one seed per size, each a success
    >>> round(fit_growth(n, episodes, np.ones_like(episodes)), 2)
    0.5
    """
    x = _design(sizes, scale)
    y = _log_expected(np.asarray(episodes, float), np.asarray(successes, float))
    return float(_slope(x, y))


def fit_r2(sizes, episodes, successes, scale: str = "exponential") -> float:
    """R^2 of :func:`fit_growth`'s line through ln(1 / p) per size."""
    x = _design(sizes, scale)
    y = _log_expected(np.asarray(episodes, float), np.asarray(successes, float))
    slope = float(_slope(x, y))
    residual = y - y.mean() - slope * (x - x.mean())
    total = float(((y - y.mean()) ** 2).sum())
    return 1.0 if total == 0 else float(1.0 - (residual**2).sum() / total)


def _resample(rng: np.random.Generator, table: np.ndarray, reps: int) -> np.ndarray:
    """Stratified bootstrap of a (seeds, sizes) table: (reps, seeds, sizes)."""
    seeds, sizes = table.shape[-2:]
    rows = rng.integers(0, seeds, size=(reps, seeds, sizes))
    return table[rows, np.arange(sizes)]


def growth_samples(sizes, episodes, successes, *, reps: int, seed: int) -> np.ndarray:
    """Bootstrap distribution (reps,) of the exponential growth rate."""
    rng = np.random.default_rng(seed)
    stacked = np.stack([np.asarray(episodes, float), np.asarray(successes, float)])
    seeds, n_sizes = stacked.shape[1:]
    rows = rng.integers(0, seeds, size=(reps, seeds, n_sizes))
    e = stacked[0][rows, np.arange(n_sizes)]
    s = stacked[1][rows, np.arange(n_sizes)]
    return _slope(_design(sizes, "exponential"), _log_expected(e, s))


def _interval(samples: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(samples, [0.025, 0.975])
    return float(low), float(high)


# -- the experiment ------------------------------------------------------------------------------
def jobs_for(settings: Settings, small=None, large=None, cap=None) -> list[dict]:
    small = small or SMALL_SIZES
    large = LARGE_SIZES if large is None else large
    caps = CAP[settings.quick] if cap is None else {env: cap for env in ENVS}
    seeds = settings.seeds or SEEDS[settings.quick]
    jobs = []
    for env in ENVS:
        for method in METHODS:
            sizes = list(small[env])
            if method in DIRECTED:
                sizes += list(large[env])
            elif method in ("random", "optimistic") and large[env]:
                sizes.append(large[env][-1])
            for size in sizes:
                jobs.append({"env": env, "method": method, "size": int(size), "seeds": seeds,
                             "cap": int(caps[env]), "base": settings.seed})  # fmt: skip
    return jobs


def _tables(runs: list[dict], env: str, method: str, sizes) -> tuple[np.ndarray, np.ndarray]:
    by = {r["size"]: r for r in runs if r["env"] == env and r["method"] == method}
    episodes = np.array([[censored(f, by[s]["cap"]) for f in by[s]["first"]] for s in sizes]).T
    successes = np.array([[f is not None for f in by[s]["first"]] for s in sizes], float).T
    return episodes.astype(float), successes


def run(
    settings: Settings,
    *,
    small_sizes: dict | None = None,
    large_sizes: dict | None = None,
    cap: int | None = None,
) -> Result:
    """The experiment, its arms and its comparisons. ``small_sizes``, ``large_sizes`` (env name
    -> sizes) and ``cap`` override the budget's (the tests run a tiny one)."""
    started = time.perf_counter()
    small = small_sizes or SMALL_SIZES
    large = LARGE_SIZES if large_sizes is None else large_sizes
    jobs = jobs_for(settings, small, large, cap)
    runs = run_jobs(_job, jobs, **settings.executor(), progress=settings.jobs_progress(),
                    cost=_cost)  # fmt: skip
    comparisons, per_env, arms = [], {}, {}
    for e, env in enumerate(ENVS):
        grid = tuple(small[env])
        env_details: dict = {"small_sizes": list(grid), "large_sizes": list(large[env])}
        samples = {}
        for m, method in enumerate(METHODS):
            method_runs = [r for r in runs if r["env"] == env and r["method"] == method]
            sizes = sorted({r["size"] for r in method_runs})
            episodes, successes = _tables(runs, env, method, sizes)
            small_e, small_s = _tables(runs, env, method, grid)
            samples[method] = growth_samples(grid, small_e, small_s, reps=BOOTSTRAP_REPS,
                                             seed=settings.seed + 10 * e + m)  # fmt: skip
            fits = {}
            if len(sizes) > 1:
                for scale in SCALES:
                    fits[scale] = {
                        "slope": fit_growth(sizes, episodes, successes, scale),
                        "r2": fit_r2(sizes, episodes, successes, scale),
                    }
            env_details[method] = {
                "sizes": sizes,
                "first": {str(r["size"]): r["first"] for r in method_runs},
                "reached_fraction": successes.mean(axis=0).tolist(),
                "expected_episodes": np.exp(_log_expected(episodes, successes)).tolist(),
                "no_success_sizes": [
                    s for s, k in zip(sizes, successes.sum(0), strict=True) if k == 0
                ],  # fmt: skip
                "growth_rate_small_grid": fit_growth(grid, small_e, small_s),
                "growth_rate_ci": list(_interval(samples[method])),
                "fits_all_sizes": fits,
            }
        for d in DIRECTED:
            gap = samples["epsilon-greedy"] - samples[d]
            value = (env_details["epsilon-greedy"]["growth_rate_small_grid"]
                     - env_details[d]["growth_rate_small_grid"])  # fmt: skip
            comparisons.append(Comparison(
                f"{env}: growth rate, epsilon-greedy minus {d}", value, _interval(gap),
                "stratified bootstrap", ("epsilon-greedy", d),
            ))  # fmt: skip
        top = LARGEST.get(env) if large_sizes is None else (large[env][-1] if large[env] else None)
        if top is not None:
            reached = {}
            for method in ("random", "optimistic", *DIRECTED):
                first = next(
                    r["first"]
                    for r in runs
                    if r["env"] == env and r["method"] == method and r["size"] == top
                )
                reached[method] = (sum(f is not None for f in first), len(first))
            for d in DIRECTED:
                (ka, na), (kb, nb) = reached[d], reached["random"]
                comparisons.append(Comparison(
                    f"{env} N={top}: reached fraction, {d} minus random", ka / na - kb / nb,
                    proportion_difference_ci(ka, na, kb, nb), "newcombe", (d, "random"),
                ))  # fmt: skip
            env_details["reached_at_largest"] = {m: list(v) for m, v in reached.items()}
        per_env[env] = env_details
    for method in METHODS:
        parts = []
        for env in ENVS:
            d = per_env[env][method]
            low, high = d["growth_rate_ci"]
            text = f"{env} rate {d['growth_rate_small_grid']:.2f} [{low:.2f}, {high:.2f}]"
            at_largest = per_env[env].get("reached_at_largest", {})
            if method in at_largest:
                k, n = at_largest[method]
                text += f", N={d['sizes'][-1]}: {k}/{n}"
            parts.append(text)
        arms[method] = "; ".join(parts)
    details = {
        "statement": STATEMENT,
        "rule": RULE,
        "pilot_seeds": list(PILOT_SEEDS),
        "base_seed": settings.seed,
        "cap": {env: next(j["cap"] for j in jobs if j["env"] == env) for env in ENVS},
        "seeds": jobs[0]["seeds"],
        "hyperparameters": {
            "epsilon": EPSILON,
            "alpha": ALPHA,
            "gamma": GAMMA,
            "beta": BETA,
            "optimistic_q": OPTIMISTIC_Q,
            "bootstrapped": BOOTSTRAPPED,
        },  # fmt: skip
        "envs": {env: ENVS[env][0] for env in ENVS},
        "per_env": per_env,
        "comparisons": [c.to_dict() for c in comparisons],
        "seconds": time.perf_counter() - started,
        "env_steps": int(sum(r["steps"] for r in runs)),
        "jobs": [{k: r[k] for k in ("env", "method", "size", "seconds", "steps")} for r in runs],
    }
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "details.json").write_text(json.dumps(details, indent=1))
    plots = _plot(per_env, out)
    return Result(arms, comparisons, details, plots)


def _plot(per_env: dict, out: Path) -> list[Path]:
    """Expected episodes to the first far reward (1 / p) against N, log scale, per env."""
    plt = pyplot()
    if plt is None:
        return []
    colours = {"random": "tab:gray", "epsilon-greedy": "tab:red", "optimistic": "tab:orange",
               "bootstrapped": "tab:blue", "count-bonus": "tab:green"}  # fmt: skip
    fig, axes = plt.subplots(1, len(per_env), figsize=(5.5 * len(per_env), 4.2))
    for ax, (env, d) in zip(np.atleast_1d(axes), per_env.items(), strict=True):
        for method in METHODS:
            m = d[method]
            low, high = m["growth_rate_ci"]
            label = f"{method}: rate {m['growth_rate_small_grid']:.2f} [{low:.2f}, {high:.2f}]"
            ax.plot(m["sizes"], m["expected_episodes"], "o-", color=colours[method], label=label)
            none = [s for s in m["sizes"] if s in m["no_success_sizes"]]
            ys = [m["expected_episodes"][m["sizes"].index(s)] for s in none]
            ax.scatter(none, ys, marker="x", s=60, color=colours[method])
        ax.axvline(d["small_sizes"][-1] + 0.5, color="grey", linestyle=":", linewidth=1)
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel("expected episodes to the far reward (1 / p)")
        ax.set_title(f"{env}: censored-geometric MLE; growth rate per unit N on the small grid",
                     fontsize=9)  # fmt: skip
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle("x: no seed reached it within the cap (a lower bound); dotted: end of the small "
                 "grid", fontsize=9)  # fmt: skip
    path = out / "deep_exploration.png"
    save(fig, path)
    return [path]


__all__ = [
    "CAP",
    "METHODS",
    "NAME",
    "PILOT_SEEDS",
    "RULE",
    "STATEMENT",
    "censored",
    "first_far_reward",
    "fit_growth",
    "fit_r2",
    "growth_samples",
    "run",
    "success_probability",
]
