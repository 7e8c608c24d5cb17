"""Tests of unskew.datasets: tables, type inference, benchmarks and their errors."""

import json

import numpy as np
import pandas as pd
import pytest

from unskew.datasets import Dataset, list_benchmarks, load_benchmark, load_table
from unskew.datasets._benchmarks import benchmark_names, catalog_row
from unskew.exceptions import DataError


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame({
        "amount": rng.normal(100, 10, n),
        "count": rng.integers(0, 5, n),
        "country": rng.choice(["fr", "de", "us"], n),
        "note": [f"customer wrote a long complaint about order number {i}" for i in range(n)],
        "when": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "flag": rng.random(n) > 0.5,
        "label": ["fraud" if i % 8 == 0 else "ok" for i in range(n)],
    })


def test_load_table_infers_feature_types(frame):
    """Check that numeric, categorical, text, datetime and boolean columns are typed."""
    ds = load_table(frame, target="label")
    assert ds.feature_types == {
        "amount": "numeric", "count": "numeric", "country": "categorical", "note": "text",
        "when": "datetime", "flag": "categorical",
    }
    assert pd.api.types.is_datetime64_any_dtype(ds.X["when"])
    assert list(ds.X.columns) == list(ds.feature_types)


def test_load_table_keeps_original_labels_sorted_by_frequency(frame):
    """Check that labels stay as written and classes go most common first."""
    ds = load_table(frame, target="label")
    assert ds.classes == ("ok", "fraud")
    assert ds.class_counts == {"ok": 35, "fraud": 5}
    assert ds.imbalance_ratio == 7.0
    assert set(ds.y) == {"ok", "fraud"}
    assert "label" not in ds.X.columns


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "csv.gz"])
def test_load_table_reads_files_like_frames(frame, tmp_path, fmt):
    """Check that CSV, TSV, gzipped CSV and Parquet files give the same Dataset as the frame."""
    path = tmp_path / f"data.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False, sep="\t" if fmt == "tsv" else ",")
    from_file = load_table(path, target="label")
    from_frame = load_table(frame, target="label")
    assert from_file.feature_types == from_frame.feature_types
    assert from_file.name == "data"
    pd.testing.assert_series_equal(from_file.y, from_frame.y)
    assert from_file.X["amount"].to_numpy() == pytest.approx(from_frame.X["amount"].to_numpy())


def test_load_table_polars(frame):
    """Check that a polars DataFrame loads like its pandas twin."""
    pl = pytest.importorskip("polars")
    ds = load_table(pl.from_pandas(frame), target="label")
    assert ds.class_counts == {"ok": 35, "fraud": 5}
    assert ds.feature_types["country"] == "categorical"


def test_load_table_nullable_and_pyarrow_dtypes():
    """Check that pandas nullable and pyarrow dtypes become numpy dtypes with NaN for NA."""
    df = pd.DataFrame({
        "i": pd.array([1, None, 3, 4], dtype="Int64"),
        "f": pd.array([1.5, 2.5, None, 4.0], dtype="Float64"),
        "b": pd.array([True, False, None, True], dtype="boolean"),
        "s": pd.array(["x", "y", None, "x"], dtype="string"),
        "a": pd.array([1, 2, 3, 4], dtype="int64[pyarrow]"),
        "t": pd.array(["u", "v", "u", "v"], dtype="string[pyarrow]"),
        "y": pd.array([0, 0, 0, 1], dtype="Int64"),
    })
    ds = load_table(df, target="y")
    assert ds.feature_types == {"i": "numeric", "f": "numeric", "b": "categorical",
                                "s": "categorical", "a": "numeric", "t": "categorical"}
    assert ds.X["i"].dtype == np.float64
    assert np.isnan(ds.X["i"][1])
    assert ds.X["a"].dtype == np.int64
    assert ds.y.dtype == np.int64
    assert ds.classes == (0, 1)


def test_load_table_text_override(frame):
    """Check that text= forces a column to be text."""
    ds = load_table(frame, target="label", text=["country"], drop=["note"])
    assert ds.feature_types["country"] == "text"
    assert "note" not in ds.X.columns


def test_load_table_hash_depends_on_content(frame):
    """Check that source_hash is stable for equal content and changes with one value."""
    a = load_table(frame, target="label")
    b = load_table(frame.copy(), target="label")
    changed = frame.copy()
    changed.loc[3, "amount"] += 1
    c = load_table(changed, target="label")
    assert a.source_hash == b.source_hash != c.source_hash


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target": "labl"}, r"target column 'labl' not found .*did you mean 'label'"),
        ({"target": "label", "drop": ["amout"]}, r"drop= names column 'amout'.*did you mean .*'amount'"),
        ({"target": "label", "drop": ["label"]}, "cannot also be in drop="),
        ({"target": 3}, "target must be a column name"),
    ],
    ids=["missing-target", "unknown-drop", "drop-target", "non-string-target"],
)
def test_load_table_bad_columns(frame, kwargs, match):
    """Check that a wrong column name is named in the error with a suggestion."""
    with pytest.raises(DataError, match=match):
        load_table(frame, **kwargs)


def test_load_table_missing_labels_are_counted(frame):
    """Check that NaN and empty labels are counted and their first rows listed."""
    frame.loc[[2, 5], "label"] = np.nan
    frame.loc[7, "label"] = "  "
    with pytest.raises(DataError, match=r"3 missing or empty labels .*index labels 2, 5, 7"):
        load_table(frame, target="label")


def test_load_table_single_class(frame):
    """Check that a one-class target is refused with the class named."""
    frame["label"] = "ok"
    with pytest.raises(DataError, match=r"single class \('ok', 40 rows\)"):
        load_table(frame, target="label")


def test_load_table_file_errors(tmp_path):
    """Check that missing, unreadable and unknown-format files give clear errors."""
    (tmp_path / "data.csv").write_text("a,label\n1,x\n2,y\n")
    with pytest.raises(DataError, match=r"file not found: .*did you mean 'data.csv'"):
        load_table(tmp_path / "dta.csv", target="label")
    (tmp_path / "data.xlsx").write_text("not really")
    with pytest.raises(DataError, match="cannot tell the format"):
        load_table(tmp_path / "data.xlsx", target="label")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"could not read .*broken\.parquet.* as PARQUET"):
        load_table(tmp_path / "broken.parquet", target="label")
    (tmp_path / "empty.csv").write_text("a,label\n")
    with pytest.raises(DataError, match="has no data rows"):
        load_table(tmp_path / "empty.csv", target="label")
    with pytest.raises(DataError, match="is a directory"):
        load_table(tmp_path, target="label")


def test_load_table_duplicate_columns():
    """Check that duplicate column names are refused by name."""
    df = pd.DataFrame([[1, 2, 0], [3, 4, 1]], columns=["a", "a", "y"])
    with pytest.raises(DataError, match="duplicate column names: a"):
        load_table(df, target="y")


@pytest.mark.parametrize(
    ("name", "n_samples", "n_classes", "counts"),
    [
        ("binary:yeast4", 1484, 2, {"negative": 1433, "positive": 51}),
        ("yeast4", 1484, 2, {"negative": 1433, "positive": 51}),
        ("binary:abalone-17_vs_7-8-9-10", 2338, 2, None),
        ("multiclass:yeast", 1484, 10, None),
        ("multiclass:ecoli", 336, 8, None),
        ("binary:german", 1000, 2, {1: 700, 2: 300}),
    ],
    ids=["yeast4", "bare-name", "keel-spelling", "mc-yeast", "mc-ecoli", "german-fixed"],
)
def test_load_benchmark_real_data(name, n_samples, n_classes, counts):
    """Check that benchmarks load offline with their known sizes and labels."""
    ds = load_benchmark(name)
    assert isinstance(ds, Dataset)
    assert ds.n_samples == n_samples
    assert ds.n_classes == n_classes
    if counts is not None:
        assert ds.class_counts == counts
    assert not ds.y.isna().any()


def test_load_benchmark_keeps_categorical_features():
    """Check that a KEEL set with nominal attributes keeps them as strings, unencoded."""
    ds = load_benchmark("binary:abalone19")
    assert ds.feature_types["Sex"] == "categorical"
    assert set(ds.X["Sex"]) == {"M", "F", "I"}


def test_load_benchmark_returns_independent_copies():
    """Check that mutating a loaded benchmark does not leak into the next load."""
    a = load_benchmark("binary:yeast4")
    a.X.iloc[0, 0] = -999.0
    assert load_benchmark("binary:yeast4").X.iloc[0, 0] != -999.0


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("binary:yeastt", r"unknown benchmark 'binary:yeastt'; did you mean one of 'binary:yeast"),
        ("multiclass:ecol", r"did you mean 'multiclass:ecoli'"),
        ("regression:boston", "unknown benchmark collection 'regression'"),
        ("qqqqqq", r"unknown benchmark 'qqqqqq' \(run `unskew benchmarks`"),
    ],
    ids=["typo", "multiclass-typo", "bad-collection", "no-match"],
)
def test_load_benchmark_unknown_names(name, match):
    """Check that unknown benchmark names suggest close names."""
    with pytest.raises(DataError, match=match):
        load_benchmark(name)


def test_list_benchmarks_covers_every_loader():
    """Check that the catalogue lists every binary and multi-class set of the package."""
    table = list_benchmarks()
    assert sorted(table["name"]) == sorted(benchmark_names())
    assert len(list_benchmarks("binary")) == 119
    assert len(list_benchmarks("multiclass")) == 26
    assert list(table.columns) == ["name", "n_samples", "n_features", "n_classes",
                                   "imbalance_ratio", "n_minority"]


@pytest.mark.parametrize(
    "name", ["binary:yeast4", "binary:abalone19", "binary:sylva", "multiclass:ecoli",
             "multiclass:page_blocks", "multiclass:nursery"],
)
def test_list_benchmarks_matches_the_data(name):
    """Check that catalogue rows equal the statistics computed from the data files."""
    row = list_benchmarks().set_index("name").loc[name]
    fresh = catalog_row(name)
    for key in ("n_samples", "n_features", "n_classes", "n_minority"):
        assert int(row[key]) == fresh[key], key
    assert row["imbalance_ratio"] == pytest.approx(fresh["imbalance_ratio"], rel=1e-6)


@pytest.mark.slow
def test_list_benchmarks_matches_the_data_everywhere():
    """Check every catalogue row against its data (all 145 sets)."""
    table = list_benchmarks().set_index("name")
    for name in table.index:
        fresh = catalog_row(name)
        assert int(table.loc[name, "n_samples"]) == fresh["n_samples"], name
        assert table.loc[name, "imbalance_ratio"] == pytest.approx(fresh["imbalance_ratio"]), name


def test_dataset_repr_and_json_friendly():
    """Check that the repr summarises and class counts serialise to JSON."""
    ds = load_benchmark("binary:yeast4")
    assert repr(ds).startswith("Dataset(name='yeast4', n_samples=1484")
    json.dumps({str(k): v for k, v in ds.class_counts.items()})


# --- label types, CSV dialects, where bad rows are ------------------------------------------

@pytest.mark.parametrize(
    "labels",
    [[5, 7, "x"], [1.5, "b", 2.0], [True, "no", False]],
    ids=["int-str", "float-str", "bool-str"],
)
def test_load_table_refuses_labels_mixing_strings_and_numbers(labels):
    """Check that a target mixing numbers and strings is refused, naming both kinds."""
    y = pd.Series((labels * 10)[:30], dtype=object)
    df = pd.DataFrame({"a": np.arange(30.0) % 7, "y": y})
    with pytest.raises(DataError, match=r"the target 'y' mixes label types: numbers .* and "
                                        r"strings .*astype\(str\)"):
        load_table(df, target="y")


def test_load_table_accepts_ints_and_floats_together():
    """Check that numeric labels of mixed int / float type stay one kind (no error)."""
    df = pd.DataFrame({"a": np.arange(6.0), "y": pd.Series([1, 1, 2.0, 2.0, 1, 2], dtype=object)})
    assert load_table(df, target="y").n_classes == 2


def test_compare_and_diagnose_share_the_label_rule():
    """Check that compare and diagnose refuse mixed labels with the same DataError."""
    import unskew

    df = pd.DataFrame({"a": np.arange(60.0) % 9, "y": pd.Series([5] * 30 + [7] * 20 + ["x"] * 10,
                                                                 dtype=object)})
    for run in (lambda: unskew.diagnose(df, target="y"),
                lambda: unskew.compare(df, target="y", strategies="none+lr", progress=False)):
        with pytest.raises(DataError, match="mixes label types"):
            run()


def test_load_table_sniffs_semicolons_and_decimal_commas(tmp_path):
    """Check that a ';'-separated CSV with decimal commas is read as numbers and said so."""
    path = tmp_path / "glass.csv"
    path.write_text("RI;Na;Type\n1,52101;13,64;a\n1,51761;13,89;a\n1,5;-12,5;b\n1,52;1e3;b\n")
    ds = load_table(path, target="Type")
    assert ds.feature_types == {"RI": "numeric", "Na": "numeric"}
    np.testing.assert_allclose(ds.X["RI"], [1.52101, 1.51761, 1.5, 1.52])
    np.testing.assert_allclose(ds.X["Na"], [13.64, 13.89, -12.5, 1000.0])
    assert any("semicolon-separated" in n for n in ds.notes)
    assert any("',' as the decimal mark" in n for n in ds.notes)


@pytest.mark.parametrize(
    ("text", "sep"),
    [("a,b,y\n1,2,x\n3,4,z\n", ","), ("a\tb\ty\n1\t2\tx\n", "\t"), ("a|b|y\n1|2|x\n", "|"),
     ('a;b;y\n"1;2";3;x\n4;5;z\n', ";"), ('a,b,y\n1,"x;y;z",p\n2,"w",q\n', ",")],
    ids=["comma", "tab", "pipe", "quoted-semicolon", "semicolons-in-text"],
)
def test_sniff_separator_finds_the_consistent_one(text, sep):
    """Check that the detected separator splits every record alike, quotes respected."""
    from unskew.datasets._table import sniff_separator

    assert sniff_separator(text) == sep


def test_load_table_sep_and_decimal_override_the_sniffer(tmp_path):
    """Check that sep= / decimal= are honoured, with no note, and bad values are refused."""
    path = tmp_path / "t.txt"
    path.write_text("a;b;y\n1,5;2;x\n2,5;3;z\n")
    ds = load_table(path, target="y", sep=";", decimal=",")
    assert ds.notes == ()
    np.testing.assert_allclose(ds.X["a"], [1.5, 2.5])
    with pytest.raises(DataError, match="sep must be a single character"):
        load_table(path, target="y", sep=";;")
    with pytest.raises(DataError, match="sep and decimal are both ','"):
        load_table(path, target="y", sep=",", decimal=",")


def test_cli_sep_and_decimal_flags(tmp_path, capsys):
    """Check that --sep / --decimal reach the reader from the command line."""
    from unskew.cli import main

    path = tmp_path / "t.csv"
    rows = [f"{i % 5},5|{'a' if i % 3 else 'b'}" for i in range(60)]
    path.write_text("x|y\n" + "\n".join(rows) + "\n")
    assert main(["diagnose", str(path), "--target", "y", "--sep", "|", "--decimal", ","]) == 0
    assert "x" in capsys.readouterr().out


def test_load_table_missing_labels_point_at_file_lines(tmp_path):
    """Check that NaN labels are located by file line (header is line 1; blank lines and
    quoted multi-line fields counted as an editor counts them)."""
    path = tmp_path / "t.csv"
    path.write_text('a,y\n1,x\n2,\n\n3,"multi\nline"\n4,\n5,x\n')
    with pytest.raises(DataError, match=r"2 missing or empty labels .*file lines 3, 7 of t\.csv "
                                        r"\(line 1 is the header\)"):
        load_table(path, target="y")


def test_load_table_missing_labels_in_parquet_count_from_one(tmp_path):
    """Check that a Parquet file's missing labels are given as rows counted from 1."""
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": ["x", None, "z"]}).to_parquet(path)
    with pytest.raises(DataError, match=r"rows 2 \(counting from 1\)"):
        load_table(path, target="y")


def test_dataset_records_where_it_came_from(tmp_path):
    """Check that Dataset.source is the file path or the benchmark name (None in memory)."""
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,x\n2,z\n")
    assert load_table(path, target="y").source == str(path)
    assert load_benchmark("binary:yeast4").source == "binary:yeast4"
    assert load_table(pd.DataFrame({"a": [1, 2], "y": ["x", "z"]}), target="y").source is None
