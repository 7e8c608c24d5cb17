"""Executors: where compare's (strategy x fold) tasks run. They only run tasks, never decide.

An executor is a context manager with one method, ``map_unordered(fn, items, *shared)``,
that yields ``fn(item, *shared)`` for every item in any order. ``shared`` (the table, the
labels) is sent to the workers once, not once per task. The engine keys every result by its
task, so the order results arrive in never changes the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..exceptions import DataError
from ._settings import EXECUTORS


class LocalExecutor:
    """Run tasks in ``n_jobs`` local processes (joblib's loky backend; 1: in this process).

    Examples
    --------
    >>> with LocalExecutor(n_jobs=1) as executor:
    ...     sorted(executor.map_unordered(pow, [1, 2, 3], 2))
    [1, 4, 9]
    """

    def __init__(self, n_jobs: int = 1):
        self.n_jobs = n_jobs
        self._parallel = None

    def __enter__(self) -> LocalExecutor:
        from joblib import Parallel

        # one task per batch, read from ``items`` as workers free up: racing decides while
        # the run goes on, so a task is not handed out long before it starts
        self._parallel = Parallel(n_jobs=self.n_jobs, return_as="generator_unordered",
                                  batch_size=1)
        self._parallel.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._parallel.__exit__(*exc)
        self._parallel = None

    @property
    def threads_per_task(self) -> int | None:
        """BLAS/OpenMP threads a task may use (None: all; parallel tasks already use every core)."""
        return None if self.n_jobs == 1 else 1

    def map_unordered(self, fn: Callable, items: Iterable, *shared) -> Iterator:
        """``fn(item, *shared)`` for every item, as each finishes; ``items`` may be a
        generator, read as workers free up (at most ``2 * n_jobs`` items ahead)."""
        from joblib import delayed

        return self._parallel(delayed(fn)(item, *shared) for item in items)


def make_executor(name: str = "local", *, n_jobs: int = 1, scheduler: str | None = None):
    """The executor called ``name``: ``"local"`` processes or ``"dask"`` (needs unskew[dask]).

    ``scheduler`` is the address of a running ``dask.distributed`` scheduler; without one a
    ``LocalCluster`` of ``n_jobs`` workers is started for the run and closed after it.
    """
    if name == "local":
        return LocalExecutor(n_jobs)
    if name == "dask":
        from ..distributed import DaskExecutor  # compare checked that it is installed

        return DaskExecutor(scheduler=scheduler, n_workers=n_jobs)
    raise DataError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
