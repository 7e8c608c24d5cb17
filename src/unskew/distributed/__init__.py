"""Dask: compare's tasks on a cluster, and resampling of data that does not fit one machine.

- :class:`DaskExecutor` runs compare's (strategy x fold) tasks on ``dask.distributed`` workers;
- :class:`RandomUnderSampler`, :class:`RandomOverSampler`, :class:`SMOTE`,
  :class:`TomekLinks`, :class:`EditedNearestNeighbours` resample Dask collections partition
  by partition (exact global counts, the same rows whatever the partitioning);
- :func:`read_parquet_dir` reads a directory of Parquet files lazily, rows numbered;
- :class:`FoldPlan` (exact stratified folds, stratified training samples, test predictions
  partition by partition) is what ``unskew.compare`` runs on such data.

Needs the ``dask`` extra (``pip install "unskew[dask]"``); ``import unskew`` never imports
dask, this room does.

Examples
--------
>>> from unskew.distributed import DaskExecutor
>>> DaskExecutor(n_workers=2).threads_per_task
1
"""

from .._utils._optional import require

require("dask", "unskew.distributed")
require("distributed", "unskew.distributed")

from ._cleaning import EditedNearestNeighbours, TomekLinks  # noqa: E402
from ._executor import DaskExecutor, WorkerMemoryError  # noqa: E402
from ._folds import (  # noqa: E402
    FoldPlan,
    fold_predictions,
    rows_for_memory,
    sampled_fold_scores,
    stratified_folds,
    training_sample,
)
from ._parquet import parquet_files, read_parquet_dir, split_target  # noqa: E402
from ._random import RandomOverSampler, RandomUnderSampler  # noqa: E402
from ._smote import SMOTE  # noqa: E402

__all__ = ["SMOTE", "DaskExecutor", "EditedNearestNeighbours", "FoldPlan", "RandomOverSampler",
           "RandomUnderSampler", "TomekLinks", "WorkerMemoryError", "fold_predictions",
           "parquet_files", "read_parquet_dir", "rows_for_memory", "sampled_fold_scores", "split_target",
           "stratified_folds", "training_sample"]
