"""Root pytest configuration: what doctest collection must not import, and thread limits."""

import os

import pytest

collect_ignore = ["src/unskew/__main__.py"]


@pytest.fixture(scope="session", autouse=True)
def _one_thread_per_xdist_worker():
    """Under pytest-xdist every core already runs a worker; nested OpenMP/BLAS threads in
    gradient boosting would oversubscribe the machine and make timings erratic."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
