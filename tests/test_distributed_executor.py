"""The Dask executor runs compare's tasks on a real LocalCluster (no mocks)."""

import os
import signal
import socket
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

import cloudpickle
from distributed import Client, LocalCluster

import unskew
from unskew.cli import main
from unskew.distributed import DaskExecutor, WorkerMemoryError
from unskew.exceptions import DataError

# the workers cannot import this test module: send its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

STRATEGIES = ["none+lr", "weighted+lr", "smote+lr"]
COMPARE = dict(strategies=STRATEGIES, folds=3, repeats=1, diagnose=False, progress=False,
               n_jobs=2, random_state=0)
TIMES = {"fit_time", "time"}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes for the module's tests."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit="2GiB") as local:
        yield local


@pytest.fixture(scope="module")
def local_board():
    """The local executor's leaderboard, the reference the Dask runs must equal."""
    return unskew.compare("binary:yeast4", executor="local", **COMPARE).leaderboard


def _without_times(board: pd.DataFrame) -> pd.DataFrame:
    return board.drop(columns=[c for c in board.columns if c in TIMES])


def _slow_square(x, pause):
    time.sleep(pause)
    return x * x


def _worker_pids(address) -> dict:
    with Client(address, set_as_default=False) as client:
        return client.run(os.getpid)


def _kill_a_busy_worker(address, killed: list):
    """SIGKILL the process of the first worker seen running a task (then stop)."""
    with Client(address, set_as_default=False) as client:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.01)


def _wait_for_workers(cluster, n=2):
    with Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=30)


def test_dask_executor_maps_every_item_once(cluster):
    """Check that map_unordered yields fn(item, *shared) once per item, shared scattered once."""
    shared = np.arange(5.0)
    with DaskExecutor(cluster.scheduler_address) as executor:
        got = sorted(executor.map_unordered(np.dot, [shared, 2 * shared], shared))
        again = list(executor.map_unordered(np.dot, [shared], shared))
        assert len(executor._scattered) == 1  # the same array given twice is sent once
    assert got == [30.0, 60.0]
    assert again == [30.0]
    assert executor.threads_per_task == 1


def test_dask_executor_leaderboard_equals_local(cluster, local_board):
    """Check that compare on Dask workers gives the local executor's leaderboard."""
    result = unskew.compare("binary:yeast4", executor="dask",
                            scheduler=cluster.scheduler_address, **COMPARE)
    pd.testing.assert_frame_equal(_without_times(result.leaderboard),
                                  _without_times(local_board))


def test_dask_executor_survives_a_killed_worker(cluster):
    """Check that a worker killed mid-task leaves no task lost or run twice in the results."""
    _wait_for_workers(cluster)
    before = set(_worker_pids(cluster.scheduler_address).values())
    killed: list = []
    with DaskExecutor(cluster.scheduler_address) as executor:
        killer = threading.Thread(target=_kill_a_busy_worker,
                                  args=(cluster.scheduler_address, killed))
        killer.start()
        got = list(executor.map_unordered(_slow_square, range(6), 0.5))
        killer.join()
    assert killed
    assert killed[0] in before
    assert sorted(got) == [x * x for x in range(6)]
    _wait_for_workers(cluster)  # the nanny brings the killed worker back
    assert killed[0] not in _worker_pids(cluster.scheduler_address).values()


def test_compare_with_a_killed_worker_resumes_from_cache(cluster, local_board, tmp_path):
    """Check that compare survives a killed worker and a rerun serves every task from cache."""
    _wait_for_workers(cluster)
    out = tmp_path / "run"
    killed: list = []
    killer = threading.Thread(target=_kill_a_busy_worker,
                              args=(cluster.scheduler_address, killed))
    killer.start()
    first = unskew.compare("binary:yeast4", executor="dask", scheduler=cluster.scheduler_address,
                           out=out, **COMPARE)
    killer.join()
    assert killed, "no worker was seen running a task"
    cached = sorted(p.name for p in (out / "cache").glob("*.npz"))
    assert len(cached) == len(STRATEGIES) * 3  # every (strategy, fold) once, none lost
    pd.testing.assert_frame_equal(_without_times(first.leaderboard), _without_times(local_board))
    # a rerun of the same job finds every task in the cache: the fold times come back as saved
    _wait_for_workers(cluster)
    second = unskew.compare("binary:yeast4", executor="dask",
                            scheduler=cluster.scheduler_address, out=out, **COMPARE)
    assert sorted(p.name for p in (out / "cache").glob("*.npz")) == cached
    pd.testing.assert_frame_equal(second.fold_scores, first.fold_scores)


def test_dask_executor_names_a_scheduler_that_does_not_answer():
    """Check that a silent scheduler address is a clear error naming it, within seconds."""
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    start = time.monotonic()
    says = rf"scheduler at '{address}' does not answer.*--scheduler"
    with pytest.raises(DataError, match=says), DaskExecutor(address, connect_timeout=2):
        pass
    assert time.monotonic() - start < 15


def test_compare_names_a_scheduler_that_does_not_answer():
    """Check that compare(executor='dask', scheduler=<silent>) fails fast with the address."""
    start = time.monotonic()
    with pytest.raises(DataError, match=r"tcp://127.0.0.1:9.*--scheduler"):
        unskew.compare("binary:yeast4", executor="dask", scheduler="tcp://127.0.0.1:9",
                       **COMPARE)
    assert time.monotonic() - start < 20


def _hog(_, megabytes):
    """Hold ``megabytes`` of memory, slowly enough for the nanny to notice."""
    held = []
    for _ in range(megabytes // 25):
        held.append(np.ones(25 * 2**20 // 8))
        time.sleep(0.01)
    return len(held)


def test_dask_executor_names_memory_limit_for_a_task_over_it():
    """Check that a task over the workers' memory is a WorkerMemoryError naming memory_limit."""
    start = time.monotonic()
    small = DaskExecutor(n_workers=1, memory_limit="350MiB", allowed_failures=1)
    with pytest.raises(WorkerMemoryError, match=r"memory_limit=.*MiB per worker") as caught, \
            small as executor:
        list(executor.map_unordered(_hog, [0], 2000))
    assert time.monotonic() - start < 60
    assert "KilledWorker" not in type(caught.value).__name__
    assert "exceeded 95% memory budget" in str(caught.value)


def test_cli_compare_with_the_dask_executor(cluster, local_board, tmp_path, capsys):
    """Check that `unskew compare --executor dask --scheduler ADDRESS` runs on the cluster."""
    out = tmp_path / "cli"
    assert main(["compare", "binary:yeast4", "--strategies", ",".join(STRATEGIES),
                 "--folds", "3", "--repeats", "1", "--jobs", "2",
                 "--executor", "dask", "--scheduler", cluster.scheduler_address,
                 "--out", str(out)]) == 0
    board = pd.read_csv(out / "leaderboard.csv")
    assert board["strategy"].tolist() == local_board["strategy"].tolist()
    np.testing.assert_allclose(board["macro_f1"], local_board["macro_f1"])


def test_lazy_compare_with_a_killed_worker_gives_the_same_leaderboard(cluster, tmp_path):
    """Check that compare over a Parquet directory survives a killed worker: Dask recomputes
    what the worker held, and every (strategy, fold) is cached once, as without the kill."""
    rng = np.random.default_rng(1)
    n = 24_000
    y = (rng.random(n) < 0.05).astype(int)
    table = pd.DataFrame(rng.normal(size=(n, 6)) + y[:, None], columns=list("abcdef"))
    for i in range(6):
        table.iloc[4000 * i:4000 * (i + 1)].assign(y=y[4000 * i:4000 * (i + 1)]).to_parquet(
            tmp_path / f"{i}.parquet", index=False)
    run = dict(target="y", strategies=STRATEGIES, folds=3, sample_rows=6000, diagnose=False,
               progress=False, random_state=0)
    reference = unskew.compare(str(tmp_path), **run).leaderboard  # threads, no cluster
    _wait_for_workers(cluster)
    killed: list = []
    killer = threading.Thread(target=_kill_a_busy_worker,
                              args=(cluster.scheduler_address, killed))
    killer.start()
    out = tmp_path / "run"
    board = unskew.compare(str(tmp_path), executor="dask", scheduler=cluster.scheduler_address,
                           n_jobs=2, out=out, **run).leaderboard
    killer.join()
    assert killed, "no worker was seen running a task"
    assert len(list((out / "cache").glob("*.npz"))) == len(STRATEGIES) * 3
    pd.testing.assert_frame_equal(_without_times(board), _without_times(reference))
    _wait_for_workers(cluster)
