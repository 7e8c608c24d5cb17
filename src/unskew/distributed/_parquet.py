"""A directory of Parquet files as one lazy Dask DataFrame, its rows numbered.

Only the files' footers are read to plan the partitions: each is a run of row groups of one
file, indexed by the rows' positions in the whole directory, so the frame has known divisions
(what the over-samplers need to number their new rows) without a pass over the data, and a
selection of columns reads only those columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataError


def _read_piece(piece: tuple, columns=None) -> pd.DataFrame:
    """One partition: row groups of one file, indexed from the piece's first row."""
    import pyarrow.parquet as pq

    path, groups, first = piece
    table = pq.ParquetFile(path).read_row_groups(list(groups), columns=columns)
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(first, first + len(frame))
    return frame


def parquet_files(path) -> list[Path]:
    """The Parquet files under ``path`` (a file, or a directory searched recursively)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(f"no such file or directory: {str(path)!r}")
    files = sorted(p for p in path.rglob("*.parquet")
                   if not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))
    if not files:
        raise DataError(f"no .parquet files under {str(path)!r}")
    return files


def read_parquet_dir(path, *, columns=None, partition_rows: int = 1_000_000):
    """Read a directory of Parquet files lazily, rows numbered 0..n-1 with known divisions.

    Parameters
    ----------
    path : str or Path
        A directory (searched recursively for ``*.parquet``, in sorted path order, skipping
        names starting with ``.`` or ``_``) or one Parquet file.
    columns : list of str, optional
        Columns to read (default: all).
    partition_rows : int, default=1_000_000
        The most rows of one partition (whole row groups of one file, so a row group larger
        than this is a partition of its own).

    Returns
    -------
    dask.dataframe.DataFrame
        Indexed by each row's position in the directory (int64), with known divisions.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(3):
    ...     pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]}).to_parquet(f"{folder}/part{i}.parquet")
    >>> df = read_parquet_dir(folder)
    >>> df.npartitions, df.divisions
    (3, (0, 2, 4, 5))
    >>> df["y"].sum().compute()
    np.int64(3)
    """
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    if not isinstance(partition_rows, (int, np.integer)) or partition_rows < 1:
        raise DataError(f"partition_rows must be a positive int; got {partition_rows!r}")
    files = parquet_files(path)
    schema = None
    pieces, first = [], 0
    for file in files:
        handle = pq.ParquetFile(file)
        if schema is None:
            schema = handle.schema_arrow
        elif not handle.schema_arrow.equals(schema, check_metadata=False):
            raise DataError(f"{str(file)!r} has other columns or types than {str(files[0])!r}:"
                            " every file of the directory must share one schema")
        groups, rows = [], 0
        for g in range(handle.metadata.num_row_groups):
            n = handle.metadata.row_group(g).num_rows
            if groups and rows + n > partition_rows:
                pieces.append((str(file), tuple(groups), first))
                first += rows
                groups, rows = [], 0
            groups.append(g)
            rows += n
        if rows:
            pieces.append((str(file), tuple(groups), first))
            first += rows
    if not pieces:
        raise DataError(f"the Parquet files under {str(path)!r} hold no rows")
    meta = schema.empty_table().to_pandas()
    meta.index = pd.RangeIndex(0, 0)
    meta = meta.reset_index(drop=True)
    meta.index = meta.index.astype(np.int64)
    if columns is not None:
        missing = [c for c in columns if c not in meta.columns]
        if missing:
            raise DataError(f"columns {missing} not in the Parquet files; they have "
                            f"{list(meta.columns)}")
        meta = meta[list(columns)]
    divisions = [p[2] for p in pieces] + [first - 1]
    frame = dd.from_map(_read_piece, pieces, meta=meta, divisions=divisions,
                        label="read-parquet-dir", enforce_metadata=False)
    return frame if columns is None else frame[list(columns)]


def split_target(frame, target: str):
    """``(X, y)``: every column but ``target``, and ``target``, of a Dask DataFrame.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> df = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]}), npartitions=1)
    >>> X, y = split_target(df, "y")
    >>> list(X.columns), y.name
    (['x'], 'y')
    """
    if target not in frame.columns:
        import difflib

        names = [str(c) for c in frame.columns]
        close = [c for c in names if c.lower() == target.lower()] or \
            difflib.get_close_matches(target, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; columns: {list(frame.columns)}"
        raise DataError(f"target column {target!r} not found{hint}")
    return frame.drop(columns=[target]), frame[target]
