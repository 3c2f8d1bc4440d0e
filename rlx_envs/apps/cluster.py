"""Jobs on a Ray cluster: the executor's second backend (``run_jobs(..., backend="ray")``).

Each job is one Ray task (one CPU); at most ``workers`` are in flight, the longest first when the
executor orders them by cost. A job that raises, or whose worker dies, is retried once by Ray
and then reported with its traceback; leaving early (a failed job, Ctrl-C, any exception in the
caller) cancels every job still queued or running. The numbers cannot depend on the backend: a
job draws every random number from the seeds it carries.

``address`` is passed to ``ray.init``: None starts a local Ray instance, or joins the one that
``ray start --head`` runs on this machine (or the one named by ``RAY_ADDRESS``); ``"auto"`` or
``"host:6379"`` joins a running cluster (every node needs rlx-envs installed, as the head does).
When Ray is already initialised in this process, its instance is used as it is.

A job that keeps failing is run this many times before it is reported:

>>> 1 + RETRIES
2

With Ray installed (``pip install "rlx-envs[ray]"``):

>>> import ray  # doctest: +SKIP
>>> ray.init(num_cpus=2, include_dashboard=False)  # doctest: +SKIP
>>> from rlx_envs.apps.executor import run_jobs  # doctest: +SKIP
>>> run_jobs(abs, [-1, -2, 3], workers=2, backend="ray")  # doctest: +SKIP
[1, 2, 3]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Ray colours its tracebacks for terminals

#: How often Ray reruns a job that raised or whose worker died, before it is reported.
RETRIES = 1


def connect(address: str | None = None):
    """The ``ray`` module, initialised (a local instance or ``address``; an existing one as is).

    Raises:
        ModuleNotFoundError: Ray is not installed (``pip install "rlx-envs[ray]"``).
    """
    try:
        import ray
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'backend="ray" needs Ray: pip install "rlx-envs[ray]" (or use backend="local")'
        ) from error
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    return ray


def _attempt(function: Callable, job: Any, star: bool) -> Any:
    return function(*job) if star else function(job)


def outcomes(
    function: Callable,
    payloads: Sequence[tuple[int, Any]],
    *,
    star: bool,
    workers: int,
    address: str | None = None,
) -> Iterator[tuple[int, bool, Any]]:
    """Run ``function`` on every ``(index, job)`` payload as a Ray task; yield ``(index, True,
    result)`` or ``(index, False, report)`` as each finishes (in the order they finish).

    Closing the generator early (the caller raised, or stopped reading) cancels the jobs not yet
    finished.
    """
    ray = connect(address)
    task = ray.remote(num_cpus=1, max_retries=RETRIES, retry_exceptions=True)(_attempt)
    shared = ray.put(function)
    queue = list(payloads)[::-1]  # pop() from the end keeps the given order
    running: dict[Any, int] = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                index, job = queue.pop()
                running[task.remote(shared, job, star)] = index
            (ref,), _ = ray.wait(list(running), num_returns=1)
            index = running.pop(ref)
            try:
                value = ray.get(ref)
            except ray.exceptions.RayError as error:  # the job raised, or its worker died
                report = _COLOUR.sub("", str(error))
                attempts = 1 + RETRIES
                yield index, False, f"{type(error).__name__} after {attempts} attempts:\n{report}"
            else:
                yield index, True, value
    finally:
        for ref in running:
            ray.cancel(ref, force=True)


__all__ = ["RETRIES", "connect", "outcomes"]
