"""A Dask DataFrame or Array with its labels, cut into aligned partitions, and put back.

Every resampler here works partition by partition on ``(X part, y part, global start)``:
``global start`` is the position of the partition's first row in the whole table, so a row's
random draws depend on its place in the table, not on how the table is cut.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import dask
import numpy as np
import pandas as pd

from ..exceptions import DataError


@dataclass
class Partitioned:
    """``X`` and ``y`` as aligned lists of delayed partitions, plus what rebuilds them."""

    kind: str  # "frame" or "array"
    X: object
    y: object
    x_parts: list
    y_parts: list

    @property
    def n_partitions(self) -> int:
        return len(self.y_parts)

    @property
    def known_divisions(self) -> bool:
        return self.kind == "frame" and bool(self.X.known_divisions)


def partitioned(X, y, who: str) -> Partitioned:
    """Check ``X`` / ``y`` (Dask, aligned) and cut them into delayed partitions."""
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        if not isinstance(y, dd.Series):
            raise DataError(f"{who}: X is a Dask DataFrame, so y must be a Dask Series of the "
                            f"same partitions (e.g. y = frame['target']); got {type(y).__name__}")
        if X.npartitions != y.npartitions:
            raise DataError(f"{who}: X has {X.npartitions} partitions and y {y.npartitions}; "
                            "take both from one frame (X = df.drop(columns='y'), y = df['y'])")
        if X.known_divisions and y.known_divisions and \
                tuple(X.divisions) != tuple(y.divisions):
            raise DataError(f"{who}: X and y have different divisions; take both from one "
                            "frame (X = df.drop(columns='y'), y = df['y'])")
        return Partitioned("frame", X, y, list(X.to_delayed()), list(y.to_delayed()))
    if isinstance(X, da.Array):
        if not isinstance(y, da.Array) or y.ndim != 1:
            raise DataError(f"{who}: X is a Dask Array, so y must be a 1-D Dask Array; got "
                            f"{type(y).__name__}")
        if X.ndim != 2:
            raise DataError(f"{who}: X must be 2-D (rows x features); got {X.ndim}-D")
        if any(np.isnan(c) for c in X.chunks[0]) or any(np.isnan(c) for c in y.chunks[0]):
            raise DataError(f"{who}: X or y has unknown chunk sizes; call "
                            "X.compute_chunk_sizes() and y.compute_chunk_sizes() first")
        if X.chunks[0] != y.chunks[0]:
            y = y.rechunk((X.chunks[0],))
        X = X.rechunk({1: -1})
        return Partitioned("array", X, y, list(X.to_delayed()[:, 0]), list(y.to_delayed()))
    raise DataError(f"{who} resamples a Dask DataFrame or Array; got {type(X).__name__} "
                    "(for data in memory use unskew.resampling)")


def part_counts(y_part) -> tuple[int, dict]:
    values, counts = np.unique(np.asarray(y_part), return_counts=True)
    return len(y_part), dict(zip(values.tolist(), counts.tolist(), strict=True))


def count_classes(parts: Partitioned) -> tuple[np.ndarray, list[dict]]:
    """First pass: each partition's length and class counts (only ``y`` is read)."""
    results = dask.compute(*[dask.delayed(part_counts)(p) for p in parts.y_parts])
    lengths = np.array([n for n, _ in results], dtype=np.int64)
    return lengths, [c for _, c in results]


def totals(counts: list[dict]) -> dict:
    """``{class: rows}`` over every partition."""
    out: dict = {}
    for part in counts:
        for cls, n in part.items():
            out[cls] = out.get(cls, 0) + n
    try:
        return dict(sorted(out.items()))
    except TypeError:  # labels of mixed types: the caller says so, with the classes
        return dict(sorted(out.items(), key=lambda kv: (type(kv[0]).__name__, str(kv[0]))))


def starts_of(lengths: np.ndarray) -> np.ndarray:
    """Global position of each partition's first row."""
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def share(value, name: str):
    """``value`` for every task: scattered to all workers when a distributed client runs."""
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return dask.delayed(value, name=f"unskew-{name}-{uuid.uuid4().hex}")
    return client.scatter(value, broadcast=True, hash=False)


def first_new_index(parts: Partitioned, who: str) -> int:
    """The index value new rows start from: one past the input's last (divisions known)."""
    if parts.kind != "frame":
        return 0
    if not parts.X.known_divisions:
        raise DataError(
            f"{who}: X has unknown divisions, so the new rows cannot be given index values "
            "after the input's. Give X a sorted integer index with known divisions, e.g. "
            "X = X.reset_index().set_index('index', sorted=True), or read the data with "
            "unskew.distributed.read_parquet_dir, which numbers the rows")
    last = parts.X.divisions[-1]
    if not pd.api.types.is_integer_dtype(parts.X.index.dtype) or \
            not isinstance(last, (int, np.integer)):
        raise DataError(f"{who}: new rows get index values after the input's, which needs an "
                        f"integer index; X's index is {parts.X.index.dtype}: use "
                        "X = X.reset_index() first, or read_parquet_dir")
    return int(last) + 1


def append_rows(parts: Partitioned, new_x: list, new_y: list, sizes: list[int],
                first_index: int, meta_x, meta_y):
    """``X`` and ``y`` followed by the new partitions (``sizes`` rows each, numbered on)."""
    import dask.array as da
    import dask.dataframe as dd

    keep = [i for i, n in enumerate(sizes) if n > 0]
    if not keep:
        return parts.X, parts.y
    if parts.kind == "array":
        width = parts.X.shape[1]
        xs = [da.from_delayed(new_x[i], shape=(sizes[i], width), dtype=parts.X.dtype)
              for i in keep]
        ys = [da.from_delayed(new_y[i], shape=(sizes[i],), dtype=parts.y.dtype) for i in keep]
        return da.concatenate([parts.X, *xs]), da.concatenate([parts.y, *ys])
    bounds = np.concatenate([[0], np.cumsum([sizes[i] for i in keep])]) + first_index
    divisions = [*(int(b) for b in bounds[:-1]), int(bounds[-1]) - 1]
    x_new = dd.from_delayed([new_x[i] for i in keep], meta=meta_x, divisions=divisions,
                            verify_meta=False)
    y_new = dd.from_delayed([new_y[i] for i in keep], meta=meta_y, divisions=divisions,
                            verify_meta=False)
    return (dd.concat([parts.X, x_new], interleave_partitions=False),
            dd.concat([parts.y, y_new], interleave_partitions=False))


def rebuild(parts: Partitioned, x_list: list, y_list: list, sizes: list[int] | None):
    """New ``X`` / ``y`` from delayed partitions in place of the old (same divisions)."""
    import dask.array as da
    import dask.dataframe as dd

    if parts.kind == "array":
        width = parts.X.shape[1]
        xs = [da.from_delayed(x, shape=(n, width), dtype=parts.X.dtype)
              for x, n in zip(x_list, sizes, strict=True)]
        ys = [da.from_delayed(v, shape=(n,), dtype=parts.y.dtype) for v, n in zip(y_list, sizes, strict=True)]
        return da.concatenate(xs), da.concatenate(ys)
    divisions = parts.X.divisions
    return (dd.from_delayed(x_list, meta=parts.X._meta, divisions=divisions, verify_meta=False),
            dd.from_delayed(y_list, meta=parts.y._meta, divisions=divisions, verify_meta=False))
