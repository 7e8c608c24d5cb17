"""The Dask executor: compare's (strategy x fold) tasks on ``dask.distributed`` workers.

It keeps the executor protocol of :mod:`unskew.comparison._executors` (a context manager with
``threads_per_task`` and ``map_unordered(fn, items, *shared)``), so the engine, its task cache
and its aggregation are the same whatever runs the tasks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator

from ..exceptions import DataError

# how long a scheduler address may stay silent before we say it does not answer
CONNECT_TIMEOUT = 5.0


class WorkerMemoryError(DataError, MemoryError):
    """A task went over the workers' ``memory_limit`` and Dask gave up on it.

    Examples
    --------
    >>> from unskew.distributed import WorkerMemoryError
    >>> issubclass(WorkerMemoryError, MemoryError)
    True
    """


class _MemoryKills(logging.Handler):
    """Remember the workers the nannies of our own cluster restarted for memory."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "memory" in message:
            self.messages.append(message)


class DaskExecutor:
    """Run tasks on ``dask.distributed`` workers: a running scheduler, or a local cluster.

    The shared arguments (the table, the labels) are scattered once to every worker
    (broadcast), and every task is submitted with ``retries``, so a task whose worker dies
    (killed, lost) runs again on another worker; results are yielded as they finish.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``"tcp://10.0.0.5:8786"``). Without one a
        ``LocalCluster`` of ``n_workers`` single-threaded worker processes is started on
        entering and closed on exit.
    n_workers : int, default=1
        Workers of the local cluster (ignored with ``scheduler``).
    memory_limit : str or int, default="auto"
        Memory of each local worker (Dask's ``memory_limit``: ``"1.5GiB"``, bytes, ``"auto"``
        for an equal share of this machine).
    retries : int, default=2
        How many times a task that raised is resubmitted (a task's own errors are caught by
        the engine, so these are failures of the worker around it).
    allowed_failures : int, default=2
        How many workers may die running one task before Dask gives up on it (the local
        cluster's ``distributed.scheduler.allowed-failures``; a running scheduler keeps its
        own setting). A task that kills every worker it lands on is over ``memory_limit``;
        it is reported as :class:`WorkerMemoryError` after this many deaths.
    connect_timeout : float, default=5
        Seconds to wait for ``scheduler`` to answer.

    Examples
    --------
    >>> from unskew.distributed import DaskExecutor
    >>> with DaskExecutor(n_workers=1, memory_limit="1GiB") as executor:  # doctest: +SKIP
    ...     sorted(executor.map_unordered(pow, [1, 2, 3], 2))
    [1, 4, 9]
    """

    def __init__(self, scheduler: str | None = None, *, n_workers: int = 1,
                 memory_limit="auto", retries: int = 2, allowed_failures: int = 2,
                 connect_timeout: float = CONNECT_TIMEOUT):
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.memory_limit = memory_limit
        self.retries = retries
        self.allowed_failures = allowed_failures
        self.connect_timeout = connect_timeout
        self._cluster = None
        self._client = None
        self._scattered: dict[int, tuple] = {}
        self._kills: _MemoryKills | None = None
        self._limits_at_entry: list[int] = []

    # -- context manager -------------------------------------------------------------------
    def __enter__(self) -> DaskExecutor:
        import dask
        from distributed import Client

        if self.scheduler is None:
            from distributed import LocalCluster

            self._kills = _MemoryKills()
            logging.getLogger("distributed.nanny.memory").addHandler(self._kills)
            with dask.config.set({"distributed.scheduler.allowed-failures":
                                  self.allowed_failures}):
                self._cluster = LocalCluster(
                    n_workers=self.n_workers, threads_per_worker=1, processes=True,
                    memory_limit=self.memory_limit, dashboard_address=":0",
                    silence_logs=logging.ERROR)
            self._client = Client(self._cluster, set_as_default=False)
        else:
            self._client = _connect(self.scheduler, self.connect_timeout)
        self._limits_at_entry = self.memory_limits()
        return self

    def __exit__(self, *exc) -> None:
        self._scattered.clear()
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._kills is not None:
            logging.getLogger("distributed.nanny.memory").removeHandler(self._kills)
        self._client = self._cluster = self._kills = None

    @property
    def client(self):
        """The ``distributed.Client`` while the executor is open."""
        if self._client is None:
            raise RuntimeError("the DaskExecutor is not open: use it in a `with` block")
        return self._client

    @property
    def threads_per_task(self) -> int | None:
        """BLAS/OpenMP threads a task may use: 1 (every worker thread already runs a task)."""
        return 1

    # -- the protocol ----------------------------------------------------------------------
    def map_unordered(self, fn: Callable, items: Iterable, *shared) -> Iterator:
        """``fn(item, *shared)`` for every item, as each finishes.

        ``shared`` is scattered to every worker once per executor (the same objects given
        again, as the engine does for each strategy, are not sent again).

        Examples
        --------
        >>> with DaskExecutor(n_workers=1) as executor:  # doctest: +SKIP
        ...     sorted(executor.map_unordered(divmod, [7, 9], 2))
        [(3, 1), (4, 1)]
        """
        from distributed import as_completed

        client = self.client
        handles = self._scatter(shared)
        futures = [client.submit(fn, item, *handles, pure=False, retries=self.retries)
                   for item in items]
        return self._results(as_completed(futures, loop=client.loop), futures)

    def _results(self, finished, futures) -> Iterator:
        from distributed.scheduler import KilledWorker

        try:
            for future in finished:
                try:
                    yield future.result()
                except KilledWorker as exc:
                    raise self._killed_error(exc) from None
                finally:
                    future.release()
        finally:
            for future in futures:
                future.cancel()

    def compute(self, *graphs):
        """``dask.compute(*graphs)`` on this executor's workers; a task that killed every
        worker it ran on is a :class:`WorkerMemoryError` naming ``memory_limit``."""
        import dask
        from distributed.scheduler import KilledWorker

        with self.client.as_current():
            try:
                return dask.compute(*graphs)
            except KilledWorker as exc:
                raise self._killed_error(exc) from None

    def _scatter(self, shared: tuple) -> list:
        """Futures of ``shared`` on every worker, scattered once per distinct object."""
        handles = []
        for value in shared:
            if value is None or isinstance(value, (bool, int, float, str)):
                handles.append(value)  # too small to be worth a round trip
                continue
            held = self._scattered.get(id(value))
            if held is None or held[0] is not value:
                future = self.client.scatter(value, broadcast=True, hash=False)
                held = self._scattered[id(value)] = (value, future)  # keeps `value` alive
            handles.append(held[1])
        return handles

    def _killed_error(self, exc) -> Exception:
        """A clear error for a task that killed ``allowed_failures`` workers."""
        limits = self.memory_limits()
        limit = f"memory_limit={_bytes(max(limits))} per worker" if limits else "memory_limit"
        evidence = self._memory_evidence()
        if evidence:
            return WorkerMemoryError(
                f"a task went over the workers' memory ({limit}): Dask restarted every worker "
                f"that ran it ({evidence}) and gave up. Give each worker more memory "
                "(DaskExecutor(memory_limit=...), `dask worker --memory-limit`), or fewer rows "
                "per task.")
        return WorkerMemoryError(
            f"every worker that ran a task died ({exc}). The usual cause is a task over "
            f"{limit}: give each worker more memory (DaskExecutor(memory_limit=...), "
            "`dask worker --memory-limit`) or fewer rows per task; otherwise read the "
            "workers' logs.")

    def memory_limits(self) -> list[int]:
        """Each worker's memory limit in bytes (as the scheduler knows them, or as at entry)."""
        try:
            workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
            limits = [w["memory_limit"] for w in workers if w.get("memory_limit")]
        except Exception:  # the scheduler is going away; the message can do without it
            limits = []
        return limits or self._limits_at_entry

    def _memory_evidence(self) -> str:
        """The nannies' own words on a memory restart, if any said so."""
        messages = list(self._kills.messages) if self._kills is not None else []
        if not messages:
            try:
                logs = self.client.get_worker_logs(nanny=True)
            except Exception:
                logs = {}
            messages = [m for entries in logs.values() for _, m in entries
                        if "memory budget" in m]
        said = [m for m in messages if "exceeded" in m]
        return said[-1] if said else ""


def _connect(address: str, timeout: float):
    """A client of the scheduler at ``address``, or a clear error within ``timeout`` seconds."""
    from distributed import Client

    result: dict = {}

    def attempt():
        try:
            result["client"] = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, ValueError for a bad address
            result["error"] = exc

    # Client's own timeout covers the connection; the thread bounds what it does not (DNS)
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if "client" in result:
        return result["client"]
    why = result.get("error")
    why = f"{type(why).__name__}: {why}" if why is not None else f"no answer in {timeout:g}s"
    raise DataError(
        f"the Dask scheduler at {address!r} does not answer ({why}). Check the address given "
        "to --scheduler (scheduler=), start it with `dask scheduler`, or leave --scheduler out "
        "to run a local cluster of --jobs workers.")


def _bytes(n: int) -> str:
    from dask.utils import format_bytes

    return format_bytes(n)
