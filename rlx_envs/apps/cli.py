"""Command line: ``python -m rlx_envs {list,demo,play,perf,transfer,validate,baselines}``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _list(args) -> int:
    from rlx_envs.registration import TAGS, rows

    if args.tags:
        width = max(map(len, TAGS))
        for tag, meaning in TAGS.items():
            print(f"{tag:<{width}}  {meaning}")
        return 0
    try:
        selected = rows(args.tag)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    width = max(len(row.id) for row in selected)
    for row in selected:
        print(f"{row.id:<{width}}  {row.description}  [{', '.join(row.tags)}]")
    return 0


def _demo(args) -> int:
    """Solve a level with the checker, replay it, print it and save pictures."""
    import gymnasium as gym
    import numpy as np
    import pygame

    from rlx_envs.apps.demo import solved_frames

    env = gym.make(args.env_id, render_mode="rgb_array", sticky_action_prob=0.0).unwrapped
    env.reset(seed=args.seed)
    text_env = gym.make(args.env_id, render_mode="ansi", sticky_action_prob=0.0).unwrapped
    text_env.reset(seed=args.seed)
    print(text_env.render())
    frames, total, steps, reached_exit = solved_frames(env, every=1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    first = out / "start.png"
    _save_png(pygame, frames[0], first)
    # A contact sheet of every 8th frame of the solution.
    picks = frames[:: max(1, len(frames) // 24)][:24] + [frames[-1]]
    cols = 5
    rows = -(-len(picks) // cols)
    h, w, _ = picks[0].shape
    sheet = np.zeros((rows * (h + 2), cols * (w + 2), 3), np.uint8)
    for i, f in enumerate(picks):
        r, c = divmod(i, cols)
        sheet[r * (h + 2) : r * (h + 2) + h, c * (w + 2) : c * (w + 2) + w] = f
    _save_png(pygame, sheet, out / "solution.png")
    env.render_mode = "ansi"
    print(env.render())
    if reached_exit:
        print(f"{args.env_id}: solved in {steps} steps, return {total:g}")
    else:
        print(
            f"{args.env_id}: the replay lost a life after {steps} steps (return {total:g}); "
            "waiting could not dodge a skull or laser there"
        )
    saved = [first, out / "solution.png"]
    if env.level.num_rooms > 1:
        from rlx_envs.envs.minimontezuma.render import level_map

        _save_png(pygame, level_map(env.level), out / "map.png", scale=1)
        saved.append(out / "map.png")
    print("saved " + ", ".join(map(str, saved)))
    return 0


def _save_png(pygame, image, path: Path, scale: int = 3) -> None:
    surface = pygame.surfarray.make_surface(image.transpose(1, 0, 2).copy())
    pygame.image.save(pygame.transform.scale_by(surface, scale), str(path))


def _play(args) -> int:
    from rlx_envs.apps.play import play

    return play(args.env_id, seed=args.seed, sticky=args.sticky, max_frames=args.max_frames)


def _perf(args) -> int:
    from rlx_envs.apps.perf import main as perf_main

    return perf_main(args)


def _transfer(args) -> int:
    import json

    from rlx_envs.apps.transfer.harness import Config, run, write_rows
    from rlx_envs.apps.transfer.report import format_summary, plot, summarise
    from rlx_envs.pairs import pairs

    if args.list or not args.pair:
        for spec in pairs():
            print(f"{spec.name:<22} {spec.source} -> {spec.target}: {spec.difference}")
        return 0
    try:
        shots = tuple(int(k) for k in args.shots.split(","))
    except ValueError:
        raise SystemExit(f"--shots takes comma-separated integers, got {args.shots!r}") from None
    config = Config(
        args.pair,
        args.agent,
        json.loads(args.agent_kwargs),
        tuple(range(args.seeds)),
        shots,
        args.source_episodes,
        args.eval_episodes,
    )
    rows = run(config, workers=args.workers, **_backend(args))
    out = Path(args.out) / f"{args.pair}-{args.agent.replace(':', '.')}"
    out.mkdir(parents=True, exist_ok=True)
    write_rows(rows, out / f"rows.{args.format}", args.format)
    summary = summarise(rows)
    print(format_summary(summary))
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    saved = [out / f"rows.{args.format}", out / "summary.json"]
    if args.plots:
        saved += plot(rows, summary, out, f"{args.pair}, {args.agent}")
    print("saved " + ", ".join(map(str, saved)))
    return 0


def _validate(args) -> int:
    from rlx_envs.apps.validate.base import Settings
    from rlx_envs.apps.validate.runner import CLAIMS, comparisons_table, run_claims, table

    names = args.claims.split(",") if args.claims else list(CLAIMS)
    settings = Settings(
        quick=args.quick, seeds=args.seeds, workers=args.workers, out=Path(args.out),
        seed=args.seed, **_backend(args),
    )  # fmt: skip
    done = run_claims(names, settings)
    print(table(done))
    print()
    print(comparisons_table(done))
    plots = [p for _, _, result, _ in done for p in result.plots]
    where = (
        f"; plots under {args.out}/"
        if plots
        else ' (plots need matplotlib: pip install -e ".[plots]")'
    )
    print(f"saved {Path(args.out) / 'results.json'}{where}")
    failed = [name for name, _, result, _ in done if result.verdict == "FAIL"]
    return 1 if failed and args.strict else 0


def _baselines(args) -> int:
    from rlx_envs.apps.baselines.table import run

    levels = args.levels.split(",") if args.levels else None
    details = run(quick=args.quick, seeds=args.seeds, workers=args.workers, seed=args.seed,
                  levels=levels, out=args.out, **_backend(args))  # fmt: skip
    print((Path(args.out) / "baselines.md").read_text())
    print(f"{details['seconds']:.0f} s; saved {Path(args.out) / 'baselines.json'}"
          + (f" and {details['plots'][0]}" if details["plots"] else ""))  # fmt: skip
    return 0


def _sweep_options(parser) -> None:
    """--workers, --backend and --ray-address: how a sweep's jobs run (the one executor)."""
    parser.add_argument("--workers", type=int, default=2,
                        help="parallel processes (on Ray: jobs in flight; default 2)")  # fmt: skip
    from rlx_envs.apps.executor import BACKENDS

    parser.add_argument("--backend", choices=BACKENDS, default="local",
                        help="local processes (default) or a Ray cluster")  # fmt: skip
    parser.add_argument("--ray-address", default=None,
                        help="the Ray cluster to join (auto, host:port); default: start or join "
                        "a local instance")  # fmt: skip


def _backend(args) -> dict:
    if args.ray_address is not None and args.backend != "ray":
        raise SystemExit("--ray-address names a Ray cluster: add --backend ray")
    return {"backend": args.backend, "address": args.ray_address}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m rlx_envs`` and the ``rlx-envs`` script."""
    parser = argparse.ArgumentParser(prog="python -m rlx_envs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="list the registered environments")
    listing.add_argument("--tag", default=None, help="only the envs with this tag (see --tags)")
    listing.add_argument("--tags", action="store_true", help="list the tags and what they mean")
    listing.set_defaults(run=_list)

    demo = sub.add_parser("demo", help="watch a level solved; print it and save pictures")
    demo.add_argument("env_id", nargs="?", default="rlx/MiniMontezumaFirstRoom-v0")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--out", default="out", help="folder for the pictures (default: out/)")
    demo.set_defaults(run=_demo)

    play = sub.add_parser("play", help="play an environment with the keyboard")
    play.add_argument("env_id", nargs="?", default="rlx/MiniMontezuma-v0")
    play.add_argument("--seed", type=int, default=None)
    play.add_argument("--sticky", type=float, default=0.0, help="sticky_action_prob (default 0)")
    play.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    play.set_defaults(run=_play)

    perf = sub.add_parser("perf", help="measure speed against MiniGrid in the same run")
    perf.add_argument("--steps", type=int, default=20_000, help="steps per single-env figure")
    perf.add_argument("--env", default="rlx/MiniMontezuma-v0")
    perf.add_argument(
        "--only",
        action="append",
        choices=["grid", "batched", "physics", "bonus", "visual", "agents", "explore", "jax"],
        help="run only this section (repeatable; default: all)",
    )
    perf.set_defaults(run=_perf)

    transfer = sub.add_parser("transfer", help="benchmark transfer on a source/target pair")
    transfer.add_argument("pair", nargs="?", help="a pair name (omit with --list)")
    transfer.add_argument("--list", action="store_true", help="list the pairs and exit")
    transfer.add_argument(
        "--agent", default="q", help="random, q, soft-q, or package.module:Class (default q)"
    )
    transfer.add_argument("--agent-kwargs", default="{}", help="JSON keyword arguments")
    transfer.add_argument("--seeds", type=int, default=5, help="training seeds 0..N-1")
    transfer.add_argument("--shots", default="0,1,5,20", help="shot counts, comma-separated")
    transfer.add_argument("--source-episodes", type=int, default=200)
    transfer.add_argument("--eval-episodes", type=int, default=10)
    _sweep_options(transfer)
    transfer.add_argument("--out", default="results/transfer", help="results folder")
    transfer.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    transfer.add_argument("--plots", action="store_true", help="save plots (needs matplotlib)")
    transfer.set_defaults(run=_transfer)

    validate = sub.add_parser("validate", help="check known effects from the literature")
    validate.add_argument("--quick", action="store_true", help="small budgets (minutes)")
    validate.add_argument(
        "--claims", default=None, help="comma-separated claim names (default: all)"
    )
    validate.add_argument("--seeds", type=int, default=None, help="seeds per configuration")
    _sweep_options(validate)
    validate.add_argument("--out", default="results/validate", help="results folder")
    validate.add_argument(
        "--seed", type=int, default=0,
        help="base seed (default 0, the recorded evaluation seed; each claim names its pilots)",
    )  # fmt: skip
    validate.add_argument("--strict", action="store_true", help="exit 1 if a claim FAILs")
    validate.set_defaults(run=_validate)

    baselines = sub.add_parser("baselines", help="the table of reference results (Go-Explore ...)")
    baselines.add_argument("--quick", action="store_true", help="small budgets (under 10 min)")
    baselines.add_argument("--seeds", type=int, default=10, help="seeds per method and level")
    baselines.add_argument("--levels", default=None, help="comma-separated levels (default all)")
    _sweep_options(baselines)
    baselines.add_argument("--out", default="results/baselines", help="results folder")
    baselines.add_argument("--seed", type=int, default=0, help="base seed (0: the recorded one)")
    baselines.set_defaults(run=_baselines)

    args = parser.parse_args(argv)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import rlx_envs  # noqa: F401  (registers the envs)

    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
