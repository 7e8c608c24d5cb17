"""Reading a directory of Parquet files lazily for the Dask resamplers and compare."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from unskew.distributed import SMOTE, read_parquet_dir, split_target
from unskew.exceptions import DataError


@pytest.fixture
def folder(tmp_path):
    """Three files (one in a sub-folder) of 250, 300 and 130 rows in 100-row row groups."""
    rng = np.random.default_rng(0)
    frames = []
    for name, n in [("a.parquet", 250), ("b.parquet", 300), ("sub/c.parquet", 130)]:
        frame = pd.DataFrame(rng.normal(size=(n, 2)), columns=["u", "v"])
        frame["y"] = (rng.random(n) < 0.1).astype(np.int64)
        (tmp_path / name).parent.mkdir(exist_ok=True)
        frame.to_parquet(tmp_path / name, row_group_size=100, index=False)
        frames.append(frame)
    (tmp_path / "_metadata_note.parquet").write_text("not data")  # skipped: starts with _
    return tmp_path, pd.concat(frames, ignore_index=True)


def test_read_parquet_dir_numbers_rows_with_known_divisions(folder):
    """Check that the rows come in path order, indexed 0..n-1, in runs of whole row groups."""
    path, expected = folder
    df = read_parquet_dir(path, partition_rows=200)
    assert df.known_divisions
    assert df.divisions == (0, 200, 250, 450, 550, 680 - 1)
    pd.testing.assert_frame_equal(df.compute(), expected, check_index_type=False)


def test_read_parquet_dir_feeds_the_over_samplers(folder):
    """Check that SMOTE numbers its rows after a directory's (the divisions are known)."""
    path, expected = folder
    X, y = split_target(read_parquet_dir(path), "y")
    X_res, y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    counts = y_res.value_counts().compute()
    assert counts[0] == counts[1] == (expected["y"] == 0).sum()
    assert X_res.divisions[-1] == 2 * counts[0] - 1


def test_read_parquet_dir_columns(folder):
    """Check that `columns` reads those columns only."""
    path, expected = folder
    df = read_parquet_dir(path, columns=["v"])
    assert list(df.columns) == ["v"]
    np.testing.assert_array_equal(df["v"].compute().to_numpy(), expected["v"].to_numpy())


@pytest.mark.parametrize(("setup", "message"), [
    ("empty", "no .parquet files under"),
    ("missing", "no such file or directory"),
    ("schema", "every file of the directory must share one schema"),
    ("column", r"columns \['w'\] not in the Parquet files"),
], ids=str)
def test_read_parquet_dir_bad_input(folder, tmp_path_factory, setup, message):
    """Check that an empty, missing or inconsistent directory is a clear DataError."""
    path, _ = folder
    kwargs = {}
    if setup == "empty":
        path = tmp_path_factory.mktemp("empty")
    elif setup == "missing":
        path = path / "nope"
    elif setup == "schema":
        pd.DataFrame({"u": ["text"], "y": [1]}).to_parquet(path / "z.parquet")
    else:
        kwargs = {"columns": ["w"]}
    with pytest.raises(DataError, match=message):
        read_parquet_dir(path, **kwargs)


def test_split_target_suggests_a_close_column(folder):
    """Check that a misspelt target names the column meant."""
    with pytest.raises(DataError, match="did you mean 'y'"):
        split_target(read_parquet_dir(folder[0]), "Y")
