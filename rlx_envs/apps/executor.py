"""The one job executor of every sweep: validation claims, the transfer harness, benchmarks.

A sweep is a list of jobs, each a picklable argument for one top-level function; the executor
runs them in local processes (or in this process with ``workers=1``), or as tasks on a Ray
cluster (``backend="ray"``, :mod:`rlx_envs.apps.cluster`), and returns the results **in the
order of the jobs**, whatever order they finish in. A job must draw every random number from
seeds it carries, so the results are the same numbers on either backend and for any worker
count (tested).

>>> run_jobs(pow, [(2, 3), (3, 2)], star=True)
[8, 9]
>>> run_jobs(abs, [-1, -2, 3], workers=2, progress=None)
[1, 2, 3]
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rlx_envs.core.arguments import choice, integer

#: Where the jobs run: processes on this machine, or tasks on a Ray cluster.
BACKENDS = ("local", "ray")


class JobError(RuntimeError):
    """A job raised: the message names the job (its index and argument) and its traceback."""


class ProgressBar:
    """A one-line progress bar on standard error: ``[####......]  40% label``.

    Call it with (done, total); it redraws only when the shown percentage changes.
    """

    def __init__(self, label: str = "", stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self._shown: int | None = None

    def __call__(self, done: int, total: int) -> None:
        fraction = done / max(total, 1)
        percent = int(100 * fraction)
        if percent == self._shown:
            return
        self._shown = percent
        filled = int(self.width * fraction)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {percent:3d}% {self.label} ({done}/{total})")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _call(payload: tuple[Callable, Any, bool, int]) -> tuple[int, bool, Any]:
    function, job, star, index = payload
    try:
        return index, True, function(*job) if star else function(job)
    except BaseException:  # noqa: BLE001  (sent back and re-raised in the parent, with the job)
        return index, False, traceback.format_exc()


def run_jobs(
    function: Callable,
    jobs: Iterable[Any],
    *,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    star: bool = False,
    cost: Callable[[Any], float] | None = None,
    backend: str = "local",
    address: str | None = None,
) -> list:
    """Run ``function(job)`` (``function(*job)`` with ``star=True``) for every job; return the
    results in job order.

    Args:
        function: a top-level (picklable) function.
        jobs: its arguments, one per job.
        workers: local processes (1: run here, in order, no processes); on Ray, the most jobs
            in flight at once (give the cluster's CPU count to use all of it).
        progress: called with (jobs done, jobs in all) after each job (a :class:`ProgressBar`,
            or any callable); None: silent.
        star: unpack each job as positional arguments.
        cost: an estimate of a job's run time; the longest are started first (it balances the
            workers and changes no result).
        backend: ``"local"`` (processes on this machine) or ``"ray"`` (one Ray task per job; a
            job that raises or loses its worker is retried once).
        address: the Ray cluster to join (``"auto"``, ``"host:port"``); None starts or joins a
            local instance (:func:`rlx_envs.apps.cluster.connect`). Only with ``backend="ray"``.

    Raises:
        JobError: a job raised (on Ray: twice); its index, argument and traceback are in the
            message (the other jobs are cancelled, as they are on Ctrl-C).
    """
    jobs = list(jobs)
    workers = integer("workers", workers, minimum=1)
    backend = choice("backend", backend, BACKENDS)
    if address is not None and backend != "ray":
        raise ValueError(f"address {address!r} names a Ray cluster: it needs backend='ray'")
    order: Sequence[int] = range(len(jobs))
    if cost is not None:
        order = sorted(order, key=lambda i: -cost(jobs[i]))
    payloads = [(function, jobs[i], star, i) for i in order]
    results: list[Any] = [None] * len(jobs)
    done = 0
    if progress is not None:
        progress(0, len(jobs))

    def collect(outcomes) -> None:
        nonlocal done
        for index, ok, value in outcomes:
            if not ok:
                raise JobError(f"job {index} ({jobs[index]!r}) failed:\n{value}")
            results[index] = value
            done += 1
            if progress is not None:
                progress(done, len(jobs))

    if backend == "ray" and jobs:  # (no jobs: no cluster to join)
        from rlx_envs.apps.cluster import outcomes

        running = outcomes(function, [(p[3], p[1]) for p in payloads], star=star,
                           workers=workers, address=address)  # fmt: skip
        with contextlib.closing(running):  # leaving early cancels the jobs still running
            collect(running)
        return results
    if workers == 1 or len(jobs) <= 1:
        collect(map(_call, payloads))
        return results
    with _context().Pool(min(workers, len(jobs))) as pool:
        collect(pool.imap_unordered(_call, payloads, chunksize=1))
    return results


__all__ = ["BACKENDS", "JobError", "ProgressBar", "run_jobs"]


def _context():
    """Processes by fork where it is safe, the cheapest start; from a fresh server process once
    JAX or Ray is loaded (forking a process whose threads may hold locks can deadlock the child)."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    threaded = "jax" in sys.modules or "ray" in sys.modules
    return multiprocessing.get_context("forkserver" if threaded else "fork")
