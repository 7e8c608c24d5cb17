"""compare over data read lazily (a Parquet directory, a Dask DataFrame), sampled per fold."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

import dask.dataframe as dd
from distributed import LocalCluster

import unskew
from unskew.cli import main
from unskew.comparison._engine import build_estimator
from unskew.distributed import FoldPlan, read_parquet_dir, split_target
from unskew.exceptions import DataError
from unskew.metrics import classification_summary

STRATEGIES = ["none+lr", "weighted+lr"]
RUN = dict(target="y", strategies=STRATEGIES, folds=3, sample_rows=1500, diagnose=False,
           progress=False, random_state=0)


def _table(n=6000, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.06).astype(np.int64)
    frame = pd.DataFrame({"a": rng.normal(size=n) + 1.5 * y, "b": rng.normal(size=n) - y,
                          "shop": rng.choice(["north", "south", "east"], size=n), "y": y})
    return frame


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The table as three Parquet files (three partitions)."""
    path = tmp_path_factory.mktemp("parquet")
    frame = _table()
    for i, start in enumerate(range(0, len(frame), 2000)):
        frame.iloc[start:start + 2000].to_parquet(path / f"part-{i}.parquet", index=False)
    return path


@pytest.fixture(scope="module")
def result(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return unskew.compare(str(folder), out=out, **RUN), out


def test_each_fold_trains_on_a_sample_and_scores_every_test_row(folder, result):
    """Check each fold's scores against a fit on the same sample scored on all test rows."""
    res, _ = result
    X, y = split_target(read_parquet_dir(folder), "y")
    plan = FoldPlan(X, y, 4, random_state=0)  # 3 folds + the hold-out part
    folds = plan.folds.compute().to_numpy()
    frame = _table()
    types = res.dataset["feature_types"]
    assert types == {"a": "numeric", "b": "numeric", "shop": "categorical"}
    rates = plan.rates((), max_rows=1500)  # one share of the majority for every fit
    assert rates[1] == 1.0
    for fold in range(3):
        X_train, y_train = plan.lazy_sample((fold, 3), rates=rates).compute()
        # every minority training row is kept; the majority at the final fit's share
        minority = int(((folds != fold) & (folds != 3) & (frame["y"] == 1)).sum())
        assert (y_train == 1).sum() == minority
        majority = int(((folds != fold) & (folds != 3) & (frame["y"] == 0)).sum())
        assert abs((y_train == 0).sum() - rates[0] * majority) < 4 * np.sqrt(majority)
        model = build_estimator("weighted+lr", types, 0).fit(X_train, y_train)
        test = frame[folds == fold]
        expected = classification_summary(
            test["y"].to_numpy(), model.predict(test[["a", "b", "shop"]]),
            y_proba=model.predict_proba(test[["a", "b", "shop"]]), labels=np.array([0, 1]))
        got = res.fold_scores.query("strategy == 'weighted+lr' and fold == @fold").iloc[0]
        assert got["macro_f1"] == pytest.approx(expected["macro_f1"])
        assert got["pr_auc"] == pytest.approx(expected["pr_auc"])
    assert res.settings["n_holdout_rows"] == int((folds == 3).sum())
    assert res.settings["n_selection_rows"] + res.settings["n_holdout_rows"] == len(frame)
    assert res.honest["method"] == "holdout"
    assert res.honest["n_rows"] == int((folds == 3).sum())


def test_the_result_and_report_say_how_folds_were_sampled(result):
    """Check the settings, warnings and written files of an out-of-core run."""
    res, out = result
    assert res.settings["sampled"]["max_rows"] == 1500
    final = res.settings["sampled"]["final_rows"]
    assert final[1] == (res.dataset["class_counts"][1],) * 2  # every minority row
    assert abs(final[0][0] + final[1][0] - 1500) < 100  # the largest fit fills the budget
    assert res.dataset["n_samples"] == 6000
    assert res.dataset["class_counts"][0] + res.dataset["class_counts"][1] == 6000
    assert any("the saved model on at most 1,500 rows" in w for w in res.warnings)
    assert list(res.leaderboard["rank"]) == [1.0, 2.0]
    html = (out / "report.html").read_text()
    assert "the saved model on at most 1,500 rows" in html
    assert (out / "model.skops").exists()
    loaded = unskew.load_model(out / "model.skops")
    frame = _table(200, seed=1)
    assert set(np.unique(loaded.predict(frame[["a", "b", "shop"]]))) <= {0, 1}


def test_a_rerun_resumes_from_the_cache(folder, result):
    """Check that a second run reads every (strategy, fold) from the cache."""
    res, out = result
    again = unskew.compare(str(folder), out=out, **RUN)
    # a task run again would have measured its own fit time; cached ones keep the first's
    pd.testing.assert_series_equal(again.fold_scores["fit_time"], res.fold_scores["fit_time"])


def test_a_dask_dataframe_gives_the_same_leaderboard(folder, result):
    """Check that a Dask DataFrame of other partitions gives the directory's leaderboard."""
    res, _ = result
    frame = dd.from_pandas(_table(), npartitions=5)
    board = unskew.compare(frame, **RUN).leaderboard
    pd.testing.assert_frame_equal(board.drop(columns="fit_time"),
                                  res.leaderboard.drop(columns="fit_time"))


def test_dask_executor_gives_the_local_leaderboard(folder, result):
    """Check that the folds on a 2-worker LocalCluster give the threads' leaderboard."""
    res, _ = result
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit="2GiB") as cluster:
        board = unskew.compare(str(folder), executor="dask", n_jobs=2,
                               scheduler=cluster.scheduler_address, **RUN).leaderboard
    pd.testing.assert_frame_equal(board.drop(columns="fit_time"),
                                  res.leaderboard.drop(columns="fit_time"))


def test_cli_compare_reads_a_parquet_directory(folder, tmp_path):
    """Check `unskew compare DIR --target y --sample-rows N`."""
    out = tmp_path / "cli"
    assert main(["compare", str(folder), "--target", "y", "--strategies", "weighted+lr",
                 "--folds", "3", "--sample-rows", "1500", "--out", str(out)]) == 0
    board = pd.read_csv(out / "leaderboard.csv")
    assert board["strategy"].tolist() == ["weighted+lr"]
    assert "sample_rows=1500" in (out / "report.html").read_text()  # the reproduce line


@pytest.mark.parametrize(("given", "message"), [
    ({"groups": "shop"}, r"--groups \(groups=\) is not supported on data read lazily"),
    ({"target": "label"}, r"target column 'label' not found"),
    ({"sample_rows": 200}, r"more than the 200 that fit a worker"),
    ({"drop": ["shops"]}, r"drop= names column 'shops'.*'shop'"),
])
def test_bad_input_is_named(folder, given, message):
    """Check clear errors for what the lazy road cannot do or cannot find."""
    with pytest.raises(DataError, match=message):
        unskew.compare(str(folder), **{**RUN, **given})


def test_string_labels_missing_values_and_a_mixed_schema(tmp_path):
    """Check three string classes and a numeric column with a gap in one file; files whose
    columns differ in type are refused by name."""
    rng = np.random.default_rng(3)
    n = 3000
    y = rng.choice(np.array(["ok", "late", "fraud"], dtype=object), size=n, p=[0.8, 0.15, 0.05])
    frame = pd.DataFrame({"amount": (rng.integers(0, 100, n) + 40 * (y == "fraud")).astype(float),
                          "channel": rng.choice(["web", "app", "shop"], size=n), "label": y})
    frame.loc[1005, "amount"] = np.nan
    for i in range(3):
        frame.iloc[1000 * i:1000 * (i + 1)].to_parquet(tmp_path / f"{i}.parquet", index=False)
    result = unskew.compare(str(tmp_path), target="label", strategies=["weighted+lr"],
                            folds=3, diagnose=False, progress=False)
    assert result.classes == ["fraud", "late", "ok"]
    assert result.dataset["feature_types"] == {"amount": "numeric", "channel": "categorical"}
    assert result.leaderboard.loc[0, "status"] == "ok"
    assert result.dataset["class_counts"] == frame["label"].value_counts().to_dict()
    frame.iloc[:1000].astype({"amount": "int64"}, errors="ignore").fillna(0).astype(
        {"amount": "int64"}).to_parquet(tmp_path / "0.parquet", index=False)
    with pytest.raises(DataError, match="every file of the directory must share one schema"):
        unskew.compare(str(tmp_path), target="label", strategies=["weighted+lr"], folds=3,
                       diagnose=False, progress=False)
