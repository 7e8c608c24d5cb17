"""Run independent blocks of numpy work on threads (internal helper).

numpy releases the GIL in GEMMs and in the elementwise passes over large blocks, so threads
scale; BLAS is held to one thread meanwhile, or the two kinds of threads would fight.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from joblib import effective_n_jobs
from threadpoolctl import threadpool_limits

__all__ = ["map_in_threads"]


def map_in_threads(fn, items, n_jobs=None) -> list:
    """``[fn(item) for item in items]`` on up to ``n_jobs`` threads (joblib's reading of n_jobs).

    Examples
    --------
    >>> from unskew._neighbors._threads import map_in_threads
    >>> map_in_threads(lambda x: x * x, [1, 2, 3], n_jobs=2)
    [1, 4, 9]
    """
    items = list(items)
    threads = min(effective_n_jobs(n_jobs), len(items))
    if threads <= 1:
        return [fn(item) for item in items]
    with threadpool_limits(1), ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))
