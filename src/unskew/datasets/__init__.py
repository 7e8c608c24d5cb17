"""Data in: a user's table or a bundled benchmark, as a :class:`Dataset`."""

from ._benchmarks import list_benchmarks, load_benchmark
from ._dataset import FEATURE_TYPES, Dataset
from ._resolve import as_dataset
from ._table import load_table, read_table

__all__ = ["FEATURE_TYPES", "Dataset", "as_dataset", "list_benchmarks", "load_benchmark", "load_table",
           "read_table"]
