"""The executor's Ray backend on a real local Ray instance (2 CPUs, no dashboard): the same
numbers as the local backend, retries, failures reported, Ctrl-C cancelling the remote jobs."""

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rlx_envs.apps import cluster
from rlx_envs.apps.baselines import methods, table
from rlx_envs.apps.cli import main
from rlx_envs.apps.executor import JobError, run_jobs
from rlx_envs.apps.transfer.harness import Config
from rlx_envs.apps.transfer.harness import run as run_transfer

# One Ray instance per test process: every test that starts Ray runs on the same xdist worker.
pytestmark = pytest.mark.xdist_group("ray")


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason='optional: pip install "rlx-envs[ray]"')
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    # Ray's workers cannot import this test module: its jobs travel by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield ray
    ray.shutdown()


def _square_with_seed(seed: int) -> float:
    return float(np.random.default_rng(seed).normal()) ** 2


def _attempts(folder: str, job: int) -> int:
    """Append one line to the job's file per attempt; return how many attempts so far."""
    path = Path(folder) / f"job{job}"
    with path.open("a") as f:
        f.write("x\n")
    return len(path.read_text().splitlines())


def _fails_first_time(folder: str, job: int) -> int:
    if _attempts(folder, job) == 1:
        raise RuntimeError(f"first attempt of job {job}")
    return job


def _always_fails(folder: str, job: int) -> int:
    _attempts(folder, job)
    if job == 2:
        raise RuntimeError("boom")
    return job


def _sleep_then_mark(folder: str, seconds: float) -> float:
    time.sleep(seconds)
    (Path(folder) / f"done{seconds}").write_text("done")
    return seconds


def test_ray_gives_the_same_numbers_in_job_order_for_any_worker_count(ray_local):
    jobs = list(range(9))
    local = run_jobs(_square_with_seed, jobs)
    for workers in (1, 2, 5):
        assert run_jobs(_square_with_seed, jobs, workers=workers, backend="ray",
                        cost=lambda j: j % 3) == local  # fmt: skip
    seen = []
    run_jobs(abs, [-1, 2, -3], workers=2, backend="ray", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_real_sweeps_match_the_local_backend(ray_local, tmp_path, monkeypatch):
    config = Config("grid-room-corridor", agent="q", seeds=(0, 1, 2), shots=(0, 2),
                    source_episodes=30, eval_episodes=3)  # fmt: skip
    assert run_transfer(config, workers=2, backend="ray") == run_transfer(config, workers=1)
    monkeypatch.setitem(table.BUDGET, True, {level: 300 for level in methods.LEVELS})
    runs = [table.run(quick=True, seeds=2, workers=w, levels=["lesson_climb"], backend=b,
                      out=tmp_path / b, progress=False)
            for b, w in (("local", 1), ("ray", 2))]  # fmt: skip
    assert runs[0]["records"] == runs[1]["records"] and runs[0]["rows"] == runs[1]["rows"]
    assert runs[1]["machine"].endswith("2 workers, ray")


def test_the_cli_runs_a_sweep_on_ray_with_the_same_table(ray_local, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(table.BUDGET, True, {level: 200 for level in methods.LEVELS})
    printed = []
    for backend in ("local", "ray"):
        argv = ["baselines", "--quick", "--levels", "lesson_keys", "--seeds", "2", "--workers",
                "2", "--backend", backend, "--out", str(tmp_path / backend)]  # fmt: skip
        assert main(argv) == 0
        printed.append(capsys.readouterr().out.splitlines()[:-1])  # the last line: time, paths
    assert printed[0] == printed[1] and "| lesson_keys | go-explore |" in "\n".join(printed[1])


def test_a_failing_job_is_retried_once(ray_local, tmp_path):
    folder = str(tmp_path)
    assert run_jobs(_fails_first_time, [(folder, j) for j in range(3)], star=True, workers=2,
                    backend="ray") == [0, 1, 2]  # fmt: skip
    assert all(len((tmp_path / f"job{j}").read_text().splitlines()) == 2 for j in range(3))
    with pytest.raises(JobError, match="first attempt of job 7"):  # locally: no retry
        run_jobs(_fails_first_time, [(str(tmp_path), 7)], star=True)


def test_a_job_that_fails_twice_is_reported_with_its_argument_and_traceback(ray_local, tmp_path):
    folder = str(tmp_path)
    jobs = [(folder, j) for j in range(4)]
    with pytest.raises(JobError) as caught:
        run_jobs(_always_fails, jobs, star=True, workers=2, backend="ray")
    message = str(caught.value)
    assert message.startswith(f"job 2 (({folder!r}, 2)) failed:")
    assert "after 2 attempts" in message and "RuntimeError: boom" in message
    assert "_always_fails" in message and "\x1b[" not in message  # the traceback, uncoloured
    assert len((tmp_path / "job2").read_text().splitlines()) == 2


def test_ctrl_c_cancels_the_remote_jobs(ray_local, tmp_path):
    def interrupt(done, total):
        if done >= 1:
            raise KeyboardInterrupt

    folder = str(tmp_path)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_jobs(_sleep_then_mark, [(folder, 0.0), (folder, 6.0), (folder, 6.5)], star=True,
                 workers=2, backend="ray", progress=interrupt)  # fmt: skip
    assert time.perf_counter() - started < 5.0  # it did not wait for the running job
    time.sleep(max(0.0, started + 8.0 - time.perf_counter()))  # past when it would have ended
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done0.0"]  # the others never finished
    assert run_jobs(abs, [-4], backend="ray") == [4]  # the cluster still takes jobs


def test_bad_backends_and_addresses_are_refused():
    with pytest.raises(ValueError, match=r"unknown backend 'dask'; valid choices: 'local', 'ray'"):
        run_jobs(abs, [1], backend="dask")
    with pytest.raises(ValueError, match="needs backend='ray'"):
        run_jobs(abs, [1], address="auto")
    with pytest.raises(SystemExit, match="add --backend ray"):
        main(["validate", "--quick", "--ray-address", "auto"])


def test_a_missing_ray_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "rlx-envs\[ray\]"'):
        cluster.connect()
