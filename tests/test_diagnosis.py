"""Tests of unskew.diagnosis: known counts, brute-force references and planted problems."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from unskew.datasets import load_benchmark, load_table
from unskew.diagnosis import CHECKS, WARNING_CODES, DiagnosisWarning, Profile, diagnose
from unskew.diagnosis._label_issues import confident_issues
from unskew.diagnosis._subsample import sample_sizes, stratified_sample
from unskew.exceptions import DataError

FAST = ()  # no expensive check: counts, buckets and class/column warnings only


def _labels(counts: dict) -> list:
    return [label for label, n in counts.items() for _ in range(n)]


def _gaussian_table(counts: dict, *, centres: dict | None = None, n_features: int = 4,
                    seed: int = 0) -> pd.DataFrame:
    """Gaussian blobs with unit spread, one per class; all at the origin unless placed."""
    rng = np.random.default_rng(seed)
    centres = centres or {}
    parts = [rng.normal(size=(n, n_features)) + centres.get(c, 0.0) for c, n in counts.items()]
    frame = pd.DataFrame(np.vstack(parts), columns=[f"x{i}" for i in range(n_features)])
    frame["y"] = _labels(counts)
    return frame


# --- counts, ratio, buckets -------------------------------------------------------------------

def test_diagnose_counts_ratio_and_default_buckets():
    """Check that 150/50/10 rows give exact counts, ratio 15 and head/medium/tail buckets."""
    frame = pd.DataFrame({"x": np.arange(210.0), "y": _labels({"b": 50, "a": 150, "c": 10})})
    profile = diagnose(frame, target="y", checks=FAST)
    assert profile.class_counts == {"a": 150, "b": 50, "c": 10}
    assert list(profile.class_counts) == ["a", "b", "c"]  # most common first
    assert profile.imbalance_ratio == 15.0
    assert profile.buckets == {"a": "head", "b": "medium", "c": "tail"}
    assert (profile.head_min, profile.tail_max) == (100, 20)
    assert profile.n_samples == 210
    assert profile.n_features == 1
    assert profile.n_classes == 3


@pytest.mark.parametrize(
    ("head_min", "tail_max", "expected"),
    [
        (100, 20, ["head", "medium", "medium", "tail"]),  # 101 > 100; 20 is not < 20
        (40, 5, ["head", "head", "medium", "medium"]),
        (200, 101, ["medium", "tail", "tail", "tail"]),
        (100, 101, ["head", "tail", "tail", "tail"]),  # tail_max = head_min + 1: no medium
    ],
    ids=["defaults-at-the-edges", "low-cutoffs", "high-cutoffs", "no-medium"],
)
def test_diagnose_bucket_cutoffs(head_min, tail_max, expected):
    """Check that head is > head_min rows, tail < tail_max rows, exactly at the edges."""
    counts = {"a": 101, "b": 100, "c": 20, "d": 19}
    frame = pd.DataFrame({"x": np.arange(240.0), "y": _labels(counts)})
    profile = diagnose(frame, target="y", head_min=head_min, tail_max=tail_max, checks=FAST)
    assert list(profile.buckets.values()) == expected
    assert f"head > {head_min} rows, tail < {tail_max} rows" in profile.summary()


# --- overlap ----------------------------------------------------------------------------------

def _brute_force_overlap(X: np.ndarray, y: np.ndarray, k: int) -> tuple[dict, float]:
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    dist = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(dist, np.inf)
    neighbours = np.argsort(dist, axis=1)[:, :k]
    hardness = (y[neighbours] != y[:, None]).mean(axis=1)
    return {c: hardness[y == c].mean() for c in np.unique(y)}, hardness.mean()


@pytest.mark.parametrize("k", [1, 5, 7], ids=["k1", "k5", "k7"])
def test_diagnose_overlap_equals_brute_force(k):
    """Check that overlap equals a numpy brute-force share of other-class neighbours."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 3)) * [1.0, 5.0, 0.1]  # scaling matters: checked in scaled space
    y = rng.choice(np.array(["a", "b", "c"]), size=90, p=[0.5, 0.3, 0.2])
    X[y == "b"] += 0.8
    frame = pd.DataFrame(X, columns=["p", "q", "r"]).assign(y=y)
    profile = diagnose(frame, target="y", n_neighbors=k, checks=("overlap",))
    per_class, mean = _brute_force_overlap(X, y, k)
    assert profile.overlap == pytest.approx(per_class)
    assert profile.overlap_mean == pytest.approx(mean)


@pytest.mark.parametrize(
    ("distance", "low", "high"),
    [(20.0, 0.0, 0.0), (0.0, 0.6, 0.9)],
    ids=["separated-blobs", "identical-distributions"],
)
def test_diagnose_overlap_of_minority_class(distance, low, high):
    """Check that far-apart blobs have no overlap and identical ones a high one."""
    frame = _gaussian_table({"major": 300, "minor": 100}, centres={"minor": distance})
    profile = diagnose(frame, target="y", checks=("overlap",), random_state=0)
    # identical distributions: ~75% of a minority row's neighbours are majority rows
    assert low <= profile.overlap["minor"] <= high


def test_diagnose_overlap_is_reweighted_on_a_sample():
    """Check that overlap on a stratified sample still estimates the full data's overlap."""
    frame = _gaussian_table({"major": 2700, "minor": 300}, seed=3)
    full = diagnose(frame, target="y", checks=("overlap",), random_state=0)
    sampled = diagnose(frame, target="y", checks=("overlap",), max_rows=1000, random_state=0)
    assert sampled.n_rows_checked == 1000
    assert full.overlap["minor"] == pytest.approx(0.9, abs=0.03)  # 90% of rows are major
    assert sampled.overlap["minor"] == pytest.approx(full.overlap["minor"], abs=0.04)
    assert sampled.overlap_mean == pytest.approx(full.overlap_mean, abs=0.04)


# --- outliers ---------------------------------------------------------------------------------

def test_diagnose_finds_planted_outliers_with_both_detectors():
    """Check that rows placed far from their class are flagged by both detectors."""
    frame = _gaussian_table({"a": 300, "b": 80}, centres={"b": 6.0}, seed=2)
    planted = {"a": [5, 17, 250], "b": [310, 350]}
    frame.loc[planted["a"], ["x0", "x1"]] = [[15.0, -15.0], [-14.0, 12.0], [0.0, 16.0]]
    frame.loc[planted["b"], ["x2", "x3"]] = [[-12.0, 20.0], [22.0, -9.0]]
    report = diagnose(frame, target="y", checks=("outliers",), random_state=0).outliers
    for c, rows in planted.items():
        assert set(rows) <= set(report.rows[c])
        assert report.isolation_forest[c] >= len(rows)
        assert report.centroid[c] >= len(rows)
        assert report.both[c] <= len(rows) + 3  # few false positives
    # farthest from the centre first
    assert report.rows["b"][0] == 310


def test_diagnose_outliers_skip_tiny_classes():
    """Check that a class under 10 rows is not judged (None), and the table shows a dash."""
    frame = _gaussian_table({"a": 100, "b": 9})
    profile = diagnose(frame, target="y", checks=("outliers",), random_state=0)
    assert profile.outliers.both["b"] is None
    assert profile.outliers.rows["b"] == ()
    assert profile.outliers.both["a"] is not None
    [line] = [row for row in profile.summary().splitlines() if row.startswith("b ")]
    assert line.split()[-1] == "-"


# --- label issues -----------------------------------------------------------------------------

def _confident_issues_by_the_definition(proba, codes):
    """Northcutt et al. 2021, written out row by row."""
    n_classes = proba.shape[1]
    t = [proba[codes == j, j].mean() for j in range(n_classes)]
    flagged, suggested = [], []
    for p, i in zip(proba, codes, strict=True):
        confident = [j for j in range(n_classes) if p[j] >= t[j]]
        if not confident:
            flagged.append(False)
            suggested.append(None)
            continue
        s = max(confident, key=lambda j: p[j])
        flagged.append(s != i and p[s] > p[i])
        suggested.append(s)
    return np.array(flagged), suggested, np.array(t)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_classes=st.integers(2, 5))
def test_confident_issues_equals_the_definition(seed, n_classes):
    """Check that the vectorised rule equals a row-by-row transcription of the paper's rule."""
    rng = np.random.default_rng(seed)
    codes = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, 60)])
    proba = rng.dirichlet(np.ones(n_classes) * 0.7, size=codes.size)
    flagged, suggested, thresholds = confident_issues(proba, codes)
    ref_flagged, ref_suggested, ref_thresholds = _confident_issues_by_the_definition(proba, codes)
    np.testing.assert_allclose(thresholds, ref_thresholds)
    np.testing.assert_array_equal(flagged, ref_flagged)
    assert [int(s) for s in suggested[flagged]] == [ref_suggested[i]
                                                    for i in np.flatnonzero(flagged)]


def test_diagnose_finds_planted_label_flips():
    """Check that flipped labels of clearly separable rows are found with the right suggestion."""
    frame = _gaussian_table({"cat": 300, "dog": 120}, centres={"dog": 5.0}, seed=4)
    flipped = {3: "dog", 40: "dog", 77: "dog", 150: "dog", 350: "cat", 400: "cat"}
    original = frame.loc[list(flipped), "y"].to_dict()
    frame.loc[list(flipped), "y"] = list(flipped.values())
    profile = diagnose(frame, target="y", checks=("label_issues",), random_state=0)
    report = profile.label_issues
    found = {issue.row: issue for issue in report.issues}
    assert set(flipped) <= set(found)
    for row in flipped:
        assert found[row].label == flipped[row]
        assert found[row].suggested == original[row]
        assert found[row].confidence > found[row].label_probability
    assert report.n_issues - len(flipped) <= 3  # few false positives
    assert report.by_class["dog"] >= 4
    assert report.by_class["cat"] >= 2
    confidences = [issue.confidence for issue in report.issues]
    assert confidences == sorted(confidences, reverse=True)
    [warning] = [w for w in profile.warnings if w.code == "label_issues"]  # 6 of 420 > 1%
    assert f"{report.n_issues} of 420 checked rows" in warning.message


# --- duplicates -------------------------------------------------------------------------------

def test_diagnose_counts_conflicting_duplicates_exactly():
    """Check the exact number of repeated rows, conflicting groups and their rows."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"num": rng.normal(size=60), "cat": rng.choice(["u", "v"], 60),
                          "y": ["a"] * 45 + ["b"] * 15})
    frame.loc[3, "num"] = np.nan  # missing equals missing
    copies = pd.DataFrame([
        {**frame.loc[3, ["num", "cat"]], "y": "b"},   # group 1: rows 3, 60, 61 -> conflict
        {**frame.loc[3, ["num", "cat"]], "y": "a"},
        {**frame.loc[10, ["num", "cat"]], "y": "a"},  # group 2: rows 10, 62 -> same label
        {**frame.loc[50, ["num", "cat"]], "y": "a"},  # group 3: rows 50, 63 -> conflict
    ])
    frame = pd.concat([frame, copies], ignore_index=True)
    profile = diagnose(frame, target="y", checks=("duplicates",))
    dup = profile.duplicates
    assert (dup.n_duplicate_rows, dup.n_conflict_groups, dup.n_conflict_rows) == (4, 2, 5)
    assert {frozenset(g) for g in dup.examples} == {frozenset({3, 60, 61}), frozenset({50, 63})}
    [warning] = [w for w in profile.warnings if w.code == "conflicting_duplicates"]
    assert "2 groups" in warning.message
    assert "5 rows" in warning.message


def test_diagnose_no_duplicates():
    """Check that distinct rows give an all-zero duplicate report and no warning."""
    frame = _gaussian_table({"a": 50, "b": 20})
    profile = diagnose(frame, target="y", checks=("duplicates",))
    dup = profile.duplicates
    assert (dup.n_duplicate_rows, dup.n_conflict_groups, dup.n_conflict_rows) == (0, 0, 0)
    assert dup.examples == ()
    assert not any(w.code == "conflicting_duplicates" for w in profile.warnings)


# --- warnings ---------------------------------------------------------------------------------

def _rare_table(n_rare: int) -> pd.DataFrame:
    return _gaussian_table({"common": 60, "rare": n_rare}, n_features=2)


def _with_constant(frame):
    return frame.assign(const=7.0)


def _with_missing(frame):
    frame = frame.copy()
    frame.loc[frame.index[::4], "x1"] = np.nan
    return frame


@pytest.mark.parametrize(
    ("frame", "kwargs", "code", "fragments", "field", "names"),
    [
        (_rare_table(3), {"k_neighbors": 5}, "class_too_small_for_knn",
         ["'rare' (3 rows)", "k_neighbors=5", "k_neighbors=2"], "classes", ("rare",)),
        (_rare_table(4), {"cv": 5}, "class_smaller_than_folds",
         ["'rare' (4 rows)", "5 cross-validation folds", "--folds 4"],
         "classes", ("rare",)),
        (_rare_table(1), {"cv": 5}, "class_smaller_than_folds",
         ["'rare' (1 row)", "Merge rare classes or collect more rows"], "classes", ("rare",)),
        (_with_constant(_rare_table(30)), {}, "constant_columns", ["'const'"], "columns",
         ("const",)),
        (_with_missing(_rare_table(30)), {}, "missing_values", ["'x1' (25.6%)"], "columns",
         ("x1",)),
        (_gaussian_table({"lots": 202, "few": 2}), {}, "high_imbalance",
         ["101:1", "'lots' (202 rows)", "'few' (2 rows)"], "classes", ("lots", "few")),
    ],
    ids=["tiny-for-smote", "smaller-than-folds", "single-row-class", "constant-column",
         "missing-values", "high-imbalance"],
)
def test_diagnose_warnings_name_the_class_or_column(frame, kwargs, code, fragments, field,
                                                     names):
    """Check that each warning fires with the class or column, its numbers and a fix."""
    profile = diagnose(frame, target="y", checks=FAST, **kwargs)
    [warning] = [w for w in profile.warnings if w.code == code]
    assert code in WARNING_CODES
    for fragment in fragments:
        assert fragment in warning.message
    assert getattr(warning, field) == names
    assert str(warning).startswith(f"[{code}] ")


def test_diagnose_clean_data_has_no_warnings():
    """Check that well-separated, mid-sized classes with clean columns raise no warning."""
    # 3 units apart on each of 4 columns: 6 apart in all, but no single column separates
    # them (one that did would be flagged as a possible leak)
    frame = _gaussian_table({"a": 120, "b": 40}, centres={"b": 3.0})
    profile = diagnose(frame, target="y", random_state=0, checks=("overlap", "duplicates"))
    assert profile.warnings == ()
    assert "warnings: none" in profile.summary()


def test_diagnose_warns_about_high_overlap():
    """Check that a minority class buried in the majority gets a high_overlap warning."""
    frame = _gaussian_table({"a": 300, "b": 60}, centres={"b": 0.3}, seed=6)
    profile = diagnose(frame, target="y", random_state=0, checks=("overlap",))
    [overlap] = [w for w in profile.warnings if w.code == "high_overlap"]
    assert overlap.classes == ("b",)
    assert "'b' (" in overlap.message


# --- real data, mixed columns, labels ---------------------------------------------------------

@pytest.mark.parametrize("name", ["binary:yeast4", "multiclass:ecoli"])
def test_diagnose_real_benchmark(name):
    """Check that a bundled benchmark gets a complete, consistent profile."""
    dataset = load_benchmark(name)
    profile = diagnose(dataset, random_state=0)
    assert profile.class_counts == dataset.class_counts
    assert profile.n_rows_checked == dataset.n_samples
    assert not profile.subsampled
    assert all(0.0 <= v <= 1.0 for v in profile.overlap.values())
    assert profile.label_issues.n_issues == sum(profile.label_issues.by_class.values())
    assert profile.label_issues.rate == pytest.approx(
        profile.label_issues.n_issues / dataset.n_samples)
    assert set(profile.timings) >= {*CHECKS, "preprocess", "total"}
    json.dumps(profile.to_dict())
    # a benchmark name reads the same data
    assert diagnose(name, checks=FAST).class_counts == profile.class_counts


def test_diagnose_categorical_numeric_and_string_labels():
    """Check that categorical + numeric columns and string labels go through every check."""
    rng = np.random.default_rng(7)
    n = 240
    y = np.where(rng.random(n) < 0.15, "churn", "stay")
    frame = pd.DataFrame({
        "tenure": rng.normal(size=n) + (y == "churn") * 2.0,
        "plan": np.where(y == "churn", rng.choice(["basic", "pro"], n, p=[0.8, 0.2]),
                         rng.choice(["basic", "pro", "max"], n)),
        "region": rng.choice(["north", "south"], n),
        "label": y,
    })
    dataset = load_table(frame, target="label")
    assert dataset.feature_types["plan"] == "categorical"
    profile = diagnose(dataset, random_state=0)
    assert set(profile.class_counts) == {"stay", "churn"}
    assert set(profile.overlap) == set(profile.outliers.both) == set(profile.label_issues.by_class)
    assert {i.suggested for i in profile.label_issues.issues} <= {"stay", "churn"}


def test_diagnose_text_column_uses_sparse_features():
    """Check that a free-text column (sparse TF-IDF) works for every check."""
    rng = np.random.default_rng(8)
    vocabulary = np.array([f"word{i}" for i in range(300)])  # wide TF-IDF: a sparse matrix
    y = np.array(["complaint"] * 40 + ["praise"] * 80)
    notes = [" ".join(rng.choice(vocabulary[:150] if label == "complaint" else vocabulary[150:],
                                 8)) for label in y]
    frame = pd.DataFrame({"note": notes, "stars": rng.integers(1, 6, y.size), "y": y})
    dataset = load_table(frame, target="y", text=["note"])
    profile = diagnose(dataset, random_state=0)
    assert profile.label_issues.model == "LogisticRegression"
    assert profile.overlap["complaint"] < 0.2
    assert profile.outliers.both["praise"] is not None


def test_diagnose_integer_labels_and_single_row_class():
    """Check that int labels stay ints and a class with one row does not break any check."""
    frame = _gaussian_table({0: 80, 1: 25, 2: 1})
    profile = diagnose(frame, target="y", random_state=0)
    assert profile.class_counts == {0: 80, 1: 25, 2: 1}
    assert profile.overlap[2] == 1.0  # its neighbours can only be other classes
    assert profile.outliers.both[2] is None
    record = profile.to_dict()["classes"][2]
    assert record["label"] == 2
    assert isinstance(record["label"], int)


# --- results: dict, JSON, text, rich ----------------------------------------------------------

def test_profile_to_dict_is_json_and_round_trips(tmp_path):
    """Check that to_json is valid JSON whose key numbers equal the profile's."""
    frame = _gaussian_table({0: 120, 1: 30}, centres={1: 1.5})
    frame.loc[0, "x0"] = np.nan
    profile = diagnose(frame, target="y", random_state=0)
    path = tmp_path / "profile.json"
    text = profile.to_json(path)
    assert json.loads(path.read_text()) == json.loads(text)
    d = json.loads(text)
    assert d["n_samples"] == 150
    assert d["n_rows_checked"] == 150
    assert d["class_counts"] == {"0": 120, "1": 30}  # JSON keys are strings ...
    assert [c["label"] for c in d["classes"]] == [0, 1]  # ... the records keep the ints
    assert d["imbalance_ratio"] == profile.imbalance_ratio == 4.0
    assert [c["overlap"] for c in d["classes"]] == pytest.approx(list(profile.overlap.values()))
    assert d["overlap_mean"] == pytest.approx(profile.overlap_mean)
    assert d["label_issues"]["n_issues"] == profile.label_issues.n_issues
    assert len(d["label_issues"]["issues"]) == len(profile.label_issues.issues)
    assert [c["outliers_both"] for c in d["classes"]] == list(profile.outliers.both.values())
    assert [w["code"] for w in d["warnings"]] == [w.code for w in profile.warnings]
    assert "missing_values" in [w["code"] for w in d["warnings"]]


def test_profile_is_frozen_and_to_frame_has_one_row_per_class():
    """Check that a Profile cannot be changed and its table lists every class."""
    profile = diagnose("binary:yeast4", random_state=0)
    with pytest.raises(AttributeError, match="cannot assign"):
        profile.name = "other"
    table = profile.to_frame()
    assert list(table.index) == ["negative", "positive"]
    assert table["count"].sum() == 1484
    assert table["share"].sum() == pytest.approx(1.0)
    assert isinstance(profile, Profile)
    assert all(isinstance(w, DiagnosisWarning) for w in profile.warnings)


def test_profile_summary_and_rich_show_classes_and_warnings():
    """Check that text and rich output list every class, each warning code and the cut-offs."""
    profile = diagnose("multiclass:ecoli", random_state=0)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(profile.to_rich())
    for text in (profile.summary(), str(profile), console.export_text()):
        for label in profile.class_counts:
            assert label in text
        for warning in profile.warnings:
            assert f"[{warning.code}]" in text
        assert "head > 100 rows, tail < 20 rows" in text


def test_diagnose_is_reproducible_with_random_state():
    """Check that the same random_state gives the same profile (timings aside)."""
    frame = _gaussian_table({"a": 400, "b": 60}, centres={"b": 1.0})
    first, second = (diagnose(frame, target="y", max_rows=200, random_state=3).to_dict()
                     for _ in range(2))
    first.pop("timings"), second.pop("timings")
    assert first == second


def test_diagnose_checks_can_be_turned_off():
    """Check that checks left out are None and untimed, while counts and warnings remain."""
    frame = _rare_table(3)
    profile = diagnose(frame, target="y", checks=("duplicates",))
    assert profile.overlap is profile.outliers is profile.label_issues is None
    assert profile.duplicates is not None
    assert not {"overlap", "outliers", "label_issues", "preprocess"} & set(profile.timings)
    assert any(w.code == "class_too_small_for_knn" for w in profile.warnings)
    assert list(profile.to_frame().columns) == ["count", "share", "bucket"]


# --- subsampling ------------------------------------------------------------------------------

def test_diagnose_subsample_keeps_small_classes():
    """Check that max_rows caps the checked rows and that small classes are kept whole."""
    frame = _gaussian_table({"a": 2800, "b": 150, "c": 50}, seed=9)
    profile = diagnose(frame, target="y", max_rows=500, random_state=0,
                       checks=("overlap", "label_issues"))
    assert profile.n_rows_checked == 500
    assert profile.subsampled
    assert "stratified sample of 500 of 3,000 rows" in profile.summary()
    # label-issue thresholds exist for every class, so every class was in the sample
    assert set(profile.label_issues.thresholds) == {"a", "b", "c"}
    assert np.isfinite(list(profile.label_issues.thresholds.values())).all()


def test_stratified_sample_rows_and_weights():
    """Check that the sample holds distinct sorted rows, small classes whole, and count/kept weights."""
    codes = np.repeat([0, 1, 2], [2800, 150, 50])
    rows, weights = stratified_sample(codes, 3, 500, np.random.RandomState(0))
    kept = np.bincount(codes[rows], minlength=3)
    assert rows.size == 500
    assert (np.diff(rows) > 0).all()
    assert kept[2] == 50  # 50 <= 500 // 6: kept whole
    assert kept[1] >= 83
    np.testing.assert_allclose(weights, [2800, 150, 50] / kept)


@settings(max_examples=200, deadline=None)
@given(counts=st.lists(st.integers(1, 5000), min_size=2, max_size=8),
       max_rows=st.integers(100, 6000))
def test_sample_sizes_keep_small_classes_and_meet_the_budget(counts, max_rows):
    """Check that sample sizes add up to min(N, max_rows) and keep min(count, floor) per class."""
    counts = np.array(counts)
    sizes = sample_sizes(counts, max_rows)
    floor = max_rows // (2 * counts.size)
    assert sizes.sum() == min(counts.sum(), max_rows)
    assert (sizes <= counts).all()
    assert (sizes >= np.minimum(counts, floor)).all()


# --- bad input --------------------------------------------------------------------------------

def test_diagnose_table_without_target_is_a_data_error():
    """Check that a DataFrame without target= says which parameter is missing."""
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": [0, 0, 1]})
    with pytest.raises(DataError, match=r"diagnose needs target=.*columns are x, label"):
        diagnose(frame)


@pytest.mark.parametrize(
    ("data", "target", "message"),
    [
        ("binary:yeast4", "Class", "target='Class' is only for tables"),
        (load_benchmark("binary:yeast4"), "Class", "a Dataset already carries its labels"),
        ("binary:yeastt", None, "did you mean"),
    ],
    ids=["benchmark-with-target", "dataset-with-target", "unknown-benchmark"],
)
def test_diagnose_bad_data_is_a_data_error(data, target, message):
    """Check that data/target mix-ups raise a DataError that says what was meant."""
    with pytest.raises(DataError, match=message):
        diagnose(data, target=target)


def test_diagnose_reads_a_file(tmp_path):
    """Check that a CSV path with target= is read through load_table."""
    path = tmp_path / "table.csv"
    _gaussian_table({"a": 40, "b": 12}).to_csv(path, index=False)
    profile = diagnose(path, target="y", checks=FAST)
    assert profile.name == "table"
    assert profile.class_counts == {"a": 40, "b": 12}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"checks": ("overlp",)}, r"unknown check 'overlp'; expected any of 'overlap', "
                                  r"'outliers', 'label_issues', 'duplicates'; did you mean"),
        ({"checks": "label-issues"}, "unknown check 'label-issues'"),
        ({"cv": 1}, r"parameter 'cv' must be an int >= 2, got 1"),
        ({"n_neighbors": 0}, r"parameter 'n_neighbors' must be an int >= 1, got 0"),
        ({"max_rows": 50}, r"parameter 'max_rows' must be an int >= 100, got 50"),
        ({"k_neighbors": 2.5}, r"parameter 'k_neighbors' must be an int >= 1, got 2.5"),
        ({"head_min": 10, "tail_max": 50}, r"tail_max=50 must not exceed head_min \+ 1 = 11"),
    ],
    ids=["unknown-check", "unknown-check-string", "cv", "n_neighbors", "max_rows",
         "k_neighbors-float", "cutoffs-crossed"],
)
def test_diagnose_bad_parameters_are_value_errors(kwargs, message):
    """Check that each bad parameter raises a ValueError naming it and what is allowed."""
    with pytest.raises(ValueError, match=message):
        diagnose("binary:yeast4", **kwargs)


def test_diagnose_label_issues_on_larger_data_emit_no_warnings(recwarn):
    """Check that the parallel out-of-fold pass (>= 10,000 rows) runs quietly with a 3-row class."""
    frame = _gaussian_table({"a": 10_000, "b": 300, "c": 3}, n_features=3, centres={"b": 3.0})
    profile = diagnose(frame, target="y", checks=("label_issues",), random_state=0)
    assert profile.label_issues.n_folds == 5
    assert set(profile.label_issues.by_class) == {"a", "b", "c"}
    assert [str(w.message) for w in recwarn] == []


@pytest.mark.parametrize(
    ("counts", "suggested", "not_suggested"),
    [
        ({"a": 60, "b": 4}, ["--folds 4"], ["--min-class-size"]),
        ({"a": 60, "b": 30, "c": 4}, ["--folds 4", "--min-class-size 5"], []),
        ({"a": 60, "b": 1}, ["Merge rare classes"], ["--folds", "--min-class-size"]),
    ],
    ids=["binary", "three-classes", "single-row"],
)
def test_diagnose_class_size_fixes_are_ones_that_work(counts, suggested, not_suggested):
    """Check that only fixes that would succeed are suggested for classes below the folds."""
    frame = _gaussian_table(counts, centres={"b": 1.0})
    profile = diagnose(frame, target="y", random_state=0, checks=())
    [warning] = [w for w in profile.warnings if w.code == "class_smaller_than_folds"]
    for fragment in suggested:
        assert fragment in warning.message
    for fragment in not_suggested:
        assert fragment not in warning.message


def test_diagnose_every_class_a_single_row():
    """Check that a target with one row per class is profiled (no traceback) and named."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=30), "z": rng.normal(size=30),
                          "y": [f"c{i}" for i in range(30)]})
    profile = diagnose(frame, target="y", random_state=0)
    assert profile.label_issues is None
    [warning] = [w for w in profile.warnings if w.code == "class_smaller_than_folds"]
    assert "30 classes for 30 rows" in warning.message
    assert "and 20 more" in warning.message


def test_diagnose_flags_identifier_and_leaking_columns():
    """Check that a row counter and a column copied from the label are flagged by name."""
    rng = np.random.default_rng(0)
    y = np.array(["ok"] * 170 + ["fraud"] * 30)
    frame = pd.DataFrame({"row_id": np.arange(200), "x": rng.normal(size=200),
                          "status": np.where(y == "fraud", "chargeback", "settled"), "y": y})
    frame = frame.sample(frac=1, random_state=0).reset_index(drop=True)
    profile = diagnose(frame, target="y", random_state=0, checks=())
    codes = {w.code: w for w in profile.warnings}
    assert codes["id_like_columns"].columns == ("row_id",)
    assert "distinct on all 200 rows" in codes["id_like_columns"].message
    assert codes["label_leakage"].columns == ("status",)
    assert "balanced accuracy 1.000" in codes["label_leakage"].message
