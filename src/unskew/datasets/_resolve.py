"""One entry point for "data" arguments: a Dataset, a table, or a benchmark name."""

from __future__ import annotations

import os

from ..exceptions import DataError
from ._benchmarks import load_benchmark
from ._dataset import Dataset
from ._table import load_table


def as_dataset(data, target: str | None = None, *, drop=None, text=None, sep=None,
               decimal=None, categorical=None) -> Dataset:
    """Turn whatever the user passed as data into a :class:`Dataset`.

    Parameters
    ----------
    data : Dataset, str, path-like, pandas.DataFrame or polars.DataFrame
        A Dataset is returned as is. A string that is not an existing file and contains no
        path separator or extension is read as a benchmark name (``"binary:yeast4"``).
        Anything else goes to :func:`load_table`.
    target : str, optional
        The label column of a table; required for tables, refused for benchmarks.
    drop, text, categorical : iterable of str, optional
        As in :func:`load_table`.
    sep, decimal : str, optional
        As in :func:`load_table` (CSV files only).

    Examples
    --------
    >>> from unskew.datasets import as_dataset
    >>> as_dataset("binary:yeast4").name
    'yeast4'
    """
    if isinstance(data, Dataset):
        if target is not None and target != data.y.name:
            raise DataError(f"target={target!r} given with a Dataset whose target is "
                            f"{data.y.name!r}: a Dataset already carries its labels; pass the "
                            "Dataset alone")
        return data
    if isinstance(data, str) and not os.path.exists(data) and os.sep not in data \
            and not os.path.splitext(data)[1]:
        if target is not None:
            raise DataError(
                f"target={target!r} is only for tables: {data!r} is read as a bundled benchmark, "
                "whose target is known (target= is only for tables; pass a file path to read one)"
            )
        return load_benchmark(data)
    if target is None:
        raise DataError("target= is required for a table: name its label column")
    return load_table(data, target, drop=drop, text=text, sep=sep, decimal=decimal,
                      categorical=categorical)
