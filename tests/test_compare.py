"""Tests of unskew.compare, the model files it writes, and the compare/predict/show commands."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import unskew
from unskew.cli import main
from unskew.comparison import load_model
from unskew.comparison.strategies import REGISTRY, Strategy
from unskew.exceptions import DataError

FAST = ["none+lr", "weighted+lr", "smote+lr"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A small skewed table with numeric, categorical and missing values, as a CSV file."""
    rng = np.random.default_rng(0)
    n = 300
    y = np.where(rng.random(n) < 0.12, "fraud", "ok")
    df = pd.DataFrame({
        "amount": rng.normal(50, 10, n) + (y == "fraud") * 25,
        "age": rng.integers(18, 80, n).astype(float),
        "shop": rng.choice(["web", "store", "phone"], n),
        "label": y,
    })
    df.loc[::17, "age"] = np.nan
    path = tmp_path_factory.mktemp("data") / "tx.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def run(table, tmp_path_factory):
    """One compare run with outputs written to disk."""
    out = tmp_path_factory.mktemp("out")
    result = unskew.compare(table, target="label", strategies=FAST, folds=3, repeats=2,
                            out=out, progress=False, random_state=0)
    return result, out


def test_compare_ranks_every_strategy_with_intervals(run):
    """Check that the leaderboard ranks all strategies with CIs around their mean."""
    result, _ = run
    board = result.leaderboard
    assert sorted(board["strategy"]) == sorted(FAST)
    assert list(board["rank"]) == [1.0, 2.0, 3.0]
    assert (board["macro_f1_low"] <= board["macro_f1"]).all()
    assert (board["macro_f1"] <= board["macro_f1_high"]).all()
    assert board.iloc[0]["p_vs_best"] == 1.0
    assert result.best_ == board.iloc[0]["strategy"]
    assert board["macro_f1"].is_monotonic_decreasing


def test_compare_scores_are_paired_on_the_same_folds(run):
    """Check that each strategy has one score per (repeat, fold) of the same splits."""
    result, _ = run
    folds = result.fold_scores
    per = folds.groupby("strategy")[["repeat", "fold"]].apply(
        lambda g: sorted(map(tuple, g.to_numpy())))
    assert all(p == per.iloc[0] for p in per)
    assert len(per.iloc[0]) == 6


def test_compare_leaderboard_equals_fold_means(run):
    """Check that the leaderboard mean is the mean of the fold scores."""
    result, _ = run
    means = result.fold_scores.groupby("strategy")["macro_f1"].mean()
    for row in result.leaderboard.itertuples():
        assert row.macro_f1 == pytest.approx(means[row.strategy])


def test_compare_honest_estimate_is_on_holdout(run):
    """Check that the winner's honest score comes from the untouched hold-out rows."""
    result, _ = run
    assert result.honest["method"] == "holdout"
    assert result.honest["n_rows"] == result.settings["n_holdout_rows"] == 60
    assert result.honest["low"] <= result.honest["mean"] <= result.honest["high"]
    assert result.settings["n_selection_rows"] + result.honest["n_rows"] == 300


def test_compare_writes_outputs_and_a_loadable_model(run, table):
    """Check the output folder and that the saved model predicts like the refitted winner."""
    result, out = run
    for name in ("report.html", "leaderboard.csv", "result.json", "model.skops"):
        assert (out / name).is_file(), name
    saved = json.loads((out / "result.json").read_text())
    assert saved["best"] == result.best_
    model = load_model(out / "model.skops")
    assert model.metadata["strategy"] == result.best_
    assert model.metadata["feature_names"] == ["amount", "age", "shop"]
    X = pd.read_csv(table).drop(columns="label")
    np.testing.assert_array_equal(model.predict(X), result.best_estimator_.predict(X))


def test_model_schema_checks(run, table):
    """Check that a missing column is named, extra ones warned, unseen categories handled."""
    _, out = run
    model = load_model(out / "model.skops")
    X = pd.read_csv(table).drop(columns="label")
    with pytest.raises(DataError, match=r"lacks 1 column.*'shop'"):
        model.predict(X.drop(columns="shop"))
    with pytest.warns(UserWarning, match="ignoring 1 column.*'extra'"):
        model.predict(X.assign(extra=1))
    unseen = X.head(3).assign(shop="martian")
    assert len(model.predict(unseen)) == 3


def test_load_model_refuses_foreign_files(tmp_path):
    """Check that a corrupted or pickled file is refused without being unpickled."""
    import pickle

    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"definitely not a model")
    with pytest.raises(DataError, match="not a readable skops model file"):
        load_model(bad)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(DataError, match="never unpickles"):
        load_model(pickled)
    with pytest.raises(DataError, match="model file not found"):
        load_model(tmp_path / "missing.skops")


class Stranger:
    """A type from outside the libraries a model may contain."""

    def __init__(self):
        self.payload = "anything"


def test_load_model_refuses_untrusted_types(tmp_path):
    """Check that a skops file holding a type outside the trusted libraries is refused."""
    import skops.io as sio

    path = tmp_path / "odd.skops"
    path.write_bytes(sio.dumps({"estimator": Stranger(), "metadata_json": "{}"}))
    with pytest.raises(DataError, match="refusing to load"):
        load_model(path)


@pytest.fixture
def broken_strategy():
    """A registered strategy whose fit always fails (removed afterwards)."""
    from unskew.comparison.strategies._models import make_model

    def build(feature_types, random_state):
        model = make_model("lr", random_state)
        model.set_params(C=-1.0)  # invalid: fit raises InvalidParameterError
        return model

    REGISTRY["broken+lr"] = Strategy("broken+lr", "baseline", build, "always fails",
                                     presets=frozenset())
    yield "broken+lr"
    del REGISTRY["broken+lr"]


def test_compare_records_a_failing_strategy(table, broken_strategy):
    """Check that one failing strategy is reported with its error and does not stop the run."""
    result = unskew.compare(table, target="label", strategies=["none+lr", broken_strategy],
                            folds=3, repeats=1, progress=False, diagnose=False, holdout=0)
    row = result.leaderboard.set_index("strategy").loc[broken_strategy]
    assert row["status"] == "failed"
    assert "C" in row["error"]
    assert result.best_ == "none+lr"
    assert any("optimistic" in w for w in result.warnings)
    assert result.honest["method"] == "unavailable"


class _SlowClassifier(LogisticRegression):
    """Logistic regression that sleeps in fit (a stand-in for a strategy that takes too long)."""

    def fit(self, X, y, sample_weight=None):
        time.sleep(30)
        return super().fit(X, y, sample_weight)


@pytest.fixture
def slow_strategy():
    """A registered strategy whose fit takes 30 s (removed afterwards)."""
    REGISTRY["slow+lr"] = Strategy("slow+lr", "baseline", lambda ft, rs: _SlowClassifier(),
                                   "sleeps in fit", presets=frozenset())
    yield "slow+lr"
    del REGISTRY["slow+lr"]


def test_compare_task_timeout_records_and_goes_on(table, slow_strategy):
    """Check that a task past task_timeout is stopped, recorded as timed out, and not fatal."""
    started = time.perf_counter()
    result = unskew.compare(table, target="label", strategies=["none+lr", slow_strategy],
                            folds=2, repeats=1, progress=False, diagnose=False, holdout=0,
                            task_timeout=0.5)
    assert time.perf_counter() - started < 20  # two 30 s sleeps were cut short
    row = result.leaderboard.set_index("strategy").loc[slow_strategy]
    assert row["status"] == "failed"
    assert "timed out after 0.5s" in row["error"]
    folds = result.fold_scores[result.fold_scores["strategy"] == slow_strategy]
    assert (folds["status"] == "timeout").all()
    assert result.best_ == "none+lr"


def _sleep_under_deadline(seconds, limit):
    from unskew.comparison._engine import TaskTimeout, deadline

    try:
        with deadline(limit):
            time.sleep(seconds)
    except TaskTimeout as exc:
        return str(exc)
    return "finished"


def test_deadline_works_in_worker_processes():
    """Check that the per-task deadline also fires inside joblib's worker processes."""
    from joblib import Parallel, delayed

    started = time.perf_counter()
    out = Parallel(n_jobs=2)(delayed(_sleep_under_deadline)(s, 0.3) for s in (30, 0.01))
    assert out == ["timed out after 0.3s (task_timeout)", "finished"]
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategies": ["smote+lgbm"]}, r"unknown strategy 'smote\+lgbm'.*available:"),
        ({"metric": "f1"}, "unknown metric 'f1'"),
        ({"folds": 1}, "folds must be at least 2"),
        ({"groups": "shopp"}, r"--groups column 'shopp'.*did you mean 'shop'"),
    ],
    ids=["unknown-strategy", "unknown-metric", "one-fold", "unknown-groups"],
)
def test_compare_bad_parameters(table, kwargs, match):
    """Check that bad settings are refused before any work with a specific message."""
    with pytest.raises(DataError, match=match):
        unskew.compare(table, target="label", **{"strategies": FAST, **kwargs},
                       progress=False, diagnose=False)


def test_compare_bad_data(tmp_path):
    """Check all-NaN columns, tiny classes and an unwritable output folder."""
    df = pd.DataFrame({"x": np.arange(40.0), "empty": np.nan,
                       "y": ["a"] * 37 + ["b"] * 3})
    with pytest.raises(DataError, match=r"'empty' are entirely missing.*--drop empty"):
        unskew.compare(df, target="y", strategies=FAST, progress=False, diagnose=False)
    df = df.drop(columns="empty")
    with pytest.raises(DataError, match=r"'b' \(3 rows\).*--min-class-size"):
        unskew.compare(df, target="y", strategies=FAST, progress=False, diagnose=False,
                       holdout=0)
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with pytest.raises(DataError, match="cannot write to the output folder"):
        unskew.compare(df, target="y", strategies=FAST, out=blocked / "sub", progress=False)


def test_compare_min_class_size_drops_tiny_classes():
    """Check that --min-class-size drops a tiny class and says so."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=80), "y": ["a"] * 50 + ["b"] * 27 + ["c"] * 3})
    result = unskew.compare(df, target="y", strategies=["none+lr"], folds=3, repeats=1,
                            min_class_size=5, progress=False, diagnose=False)
    assert result.classes == ["a", "b"]
    assert any("'c' (3 rows)" in w for w in result.warnings)


def test_cli_compare_predict_show(table, tmp_path, capsys):
    """Check the three commands end to end: compare, then predict with probabilities, then show."""
    out = tmp_path / "run"
    assert main(["compare", str(table), "--target", "label", "--strategies",
                 "none+lr,weighted+lr", "--folds", "3", "--repeats", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "report:" in printed
    assert str(out / "report.html") in printed.replace("\n", "")
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out / "model.skops"), str(table), "--out", str(preds),
                 "--proba"]) == 0
    frame = pd.read_csv(preds)
    assert list(frame.columns) == ["predicted_label", "proba_fraud", "proba_ok"]
    assert len(frame) == 300
    assert np.allclose(frame[["proba_fraud", "proba_ok"]].sum(axis=1), 1.0)
    assert "ignoring 1 column" in capsys.readouterr().err  # the label column is extra
    assert main(["show", str(out / "model.skops")]) == 0
    assert "honest estimate" in capsys.readouterr().out


def test_cli_compare_composite_strategy_prints_its_full_name(table, tmp_path, capsys):
    """Check that a composite strategy runs, and that its brackets are not eaten as markup."""
    out = tmp_path / "run"
    assert main(["compare", str(table), "--target", "label", "--strategies",
                 "none+lr,vote[none+lr|weighted+lr]", "--folds", "3", "--repeats", "1",
                 "--out", str(out)]) == 0
    assert "vote[none+lr|weighted+lr]" in capsys.readouterr().out
    board = pd.read_csv(out / "leaderboard.csv")
    assert set(board["strategy"]) == {"none+lr", "vote[none+lr|weighted+lr]"}
    assert (board["status"] == "ok").all()


def test_offsets_winner_carries_its_decision_into_predict(table, tmp_path, capsys):
    """Check that a class-offset winner's offsets decide `unskew predict` and `show` says so."""
    out = tmp_path / "run"
    result = unskew.compare(table, target="label", strategies=["offsets+lr"], folds=3,
                            repeats=1, progress=False, diagnose=False, out=out)
    fitted = result.best_estimator_
    frame = pd.read_csv(table)
    X = frame.drop(columns="label")
    # the offsets matter here: they change some predictions against the plain argmax
    inner = fitted.estimator_.predict_proba(X)
    shifted = np.log(np.clip(inner, 1e-300, None)) + fitted.offsets_
    expected = fitted.classes_[shifted.argmax(axis=1)]
    assert (expected != fitted.classes_[inner.argmax(axis=1)]).any()
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out / "model.skops"), str(table), "--out", str(preds)]) == 0
    assert (pd.read_csv(preds)["predicted_label"].to_numpy() == expected).all()
    assert load_model(out / "model.skops").metadata["decision"].startswith(
        "argmax of log-probabilities plus per-class offsets (fraud: ")
    capsys.readouterr()
    assert main(["show", str(out / "model.skops")]) == 0
    assert "argmax of log-probabilities" in capsys.readouterr().out


def test_tuned_threshold_winner_carries_its_threshold_into_predict(table, tmp_path, capsys):
    """Check that a tuned-threshold winner's cut-off decides `unskew predict` and `show` says so."""
    out = tmp_path / "run"
    result = unskew.compare(table, target="label", strategies=["tuned-threshold+lr"], folds=3,
                            repeats=1, progress=False, diagnose=False, out=out)
    fitted = result.best_estimator_
    X = pd.read_csv(table).drop(columns="label")
    fraud = list(fitted.classes_).index("fraud")
    expected = np.where(fitted.predict_proba(X)[:, fraud] >= fitted.threshold_, "fraud", "ok")
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out / "model.skops"), str(table), "--out", str(preds)]) == 0
    assert (pd.read_csv(preds)["predicted_label"].to_numpy() == expected).all()
    decision = load_model(out / "model.skops").metadata["decision"]
    assert decision == f"class 'fraud' when its probability >= {fitted.threshold_:.4f}"
    capsys.readouterr()
    assert main(["show", str(out / "model.skops")]) == 0
    assert f"{fitted.threshold_:.4f}" in capsys.readouterr().out


def test_compare_torch_strategy_saves_and_reloads(table, tmp_path):
    """Check that an MLP-loss winner is saved with skops (trusted types only) and predicts the same."""
    out = tmp_path / "run"
    result = unskew.compare(table, target="label", strategies=["balanced-softmax+mlp"], folds=2,
                            repeats=1, progress=False, diagnose=False, out=out)
    X = pd.read_csv(table).drop(columns="label")
    model = load_model(out / "model.skops")
    np.testing.assert_array_equal(model.predict(X), result.best_estimator_.predict(X))
    np.testing.assert_allclose(model.predict_proba(X), result.best_estimator_.predict_proba(X))


def test_cli_predict_refuses_a_bad_model(tmp_path, table, capsys):
    """Check that predict with a foreign file fails with one clear line."""
    bad = tmp_path / "model.skops"
    bad.write_bytes(b"\x80\x04junk")
    assert main(["predict", str(bad), str(table)]) == 1
    assert "not a readable skops model file" in capsys.readouterr().err


def _cached(out):
    return list((out / "cache").glob("*.npz")) if (out / "cache").exists() else []


def test_compare_resumes_after_kill(table, tmp_path):
    """Check that a run killed with SIGKILL resumes from its cache and ends like a fresh run."""
    out = tmp_path / "killed"
    argv = [sys.executable, "-m", "unskew", "compare", str(table), "--target", "label",
            "--strategies", "none+lr,weighted+lr,smote+lr,ros+lr", "--folds", "3",
            "--repeats", "3", "--out", str(out)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while len(_cached(out)) < 8 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(_cached(out))
    assert 8 <= done_before < 36
    assert not (out / "model.skops").exists()
    resumed = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert resumed.stderr.count("(cached)") >= done_before
    fresh = tmp_path / "fresh"
    subprocess.run([*argv[:-1], str(fresh)], capture_output=True, text=True, check=True)
    a = pd.read_csv(out / "leaderboard.csv")
    b = pd.read_csv(fresh / "leaderboard.csv")
    pd.testing.assert_frame_equal(a.drop(columns=["fit_time"]), b.drop(columns=["fit_time"]))


def test_compare_skips_binary_only_strategies_on_multiclass():
    """Check that binary-only strategies are skipped, with a note, on a 3-class target."""
    rng = np.random.default_rng(2)
    y = np.repeat(["a", "b", "c"], [60, 25, 15])
    df = pd.DataFrame({"x": rng.normal(size=100) + (y == "b") * 2 + (y == "c") * 4, "y": y})
    result = unskew.compare(df, target="y", strategies=["none+lr", "tuned-threshold+lr"],
                            folds=3, repeats=1, progress=False, diagnose=False)
    assert list(result.leaderboard["strategy"]) == ["none+lr"]
    assert any("tuned-threshold+lr skipped" in w for w in result.warnings)
    assert result.oof["none+lr"].shape == (result.settings["n_selection_rows"], 3)
    with pytest.raises(DataError, match=r"tuned-threshold\+lr: it only applies to binary "
                                        r"targets, and this one has 3 classes"):
        unskew.compare(df, target="y", strategies=["tuned-threshold+lr"], folds=3, repeats=1,
                       progress=False, diagnose=False)


def test_compare_skips_strategies_that_do_not_fit_the_table():
    """Check that SMOTE-NC is skipped with a reason on an all-numeric table, or refused alone."""
    rng = np.random.default_rng(2)
    y = np.repeat(["a", "b"], [80, 20])
    df = pd.DataFrame({"x": rng.normal(size=100) + (y == "b") * 2, "y": y})
    result = unskew.compare(df, target="y", strategies=["none+lr", "smote-nc+lr"],
                            folds=3, repeats=1, progress=False, diagnose=False)
    assert list(result.leaderboard["strategy"]) == ["none+lr"]
    assert any("smote-nc+lr skipped: the table has no categorical column" in w
               for w in result.warnings)
    with pytest.raises(DataError, match=r"no chosen strategy applies to this data: "
                                        r"smote-nc\+hgb: the table has no categorical"):
        unskew.compare(df, target="y", strategies=["smote-nc+hgb"], folds=3, repeats=1,
                       progress=False, diagnose=False)


def test_compare_runs_smote_n_on_an_all_categorical_table():
    """Check that on an all-categorical table SMOTE-N runs and SMOTE-NC is skipped, and that
    the saved winner predicts from categories alone."""
    rng = np.random.default_rng(3)
    y = np.repeat(["ok", "fraud"], [90, 30])
    df = pd.DataFrame({
        "shop": np.where(y == "fraud", rng.choice(["web", "app"], 120),
                         rng.choice(["web", "store", "app"], 120)),
        "card": np.where(y == "fraud", rng.choice(["new", "old"], 120, p=[0.8, 0.2]),
                         rng.choice(["new", "old"], 120, p=[0.2, 0.8])),
        "y": y,
    })
    result = unskew.compare(df, target="y", strategies=["none+lr", "smote-n+lr", "smote-nc+lr"],
                            folds=3, repeats=1, progress=False, diagnose=False)
    assert set(result.leaderboard["strategy"]) == {"none+lr", "smote-n+lr"}
    assert any("smote-nc+lr skipped: the table has no numeric column" in w
               for w in result.warnings)
    assert result.oof["smote-n+lr"].shape[1] == 2
    pred = result.best_estimator_.predict(df.drop(columns="y"))
    assert set(pred) <= {"ok", "fraud"}


def test_compare_tune_nests_successive_halving(table):
    """Check that tuning wraps the winner in a halving search refitted on the best params."""
    from sklearn.model_selection import HalvingGridSearchCV

    result = unskew.compare(table, target="label", strategies=["none+lr"], folds=3,
                            repeats=1, tune=True, progress=False, diagnose=False)
    assert isinstance(result.best_estimator_, HalvingGridSearchCV)
    assert "model__C" in result.best_estimator_.best_params_
    assert result.settings["tune"] is True


def test_compare_groups_keep_a_customer_in_one_fold(table):
    """Check that --groups splits by group and removes the group column from the features."""
    frame = pd.read_csv(table)
    frame["customer"] = np.arange(len(frame)) // 3
    result = unskew.compare(frame, target="label", strategies=["none+lr"], folds=3, repeats=1,
                            groups="customer", holdout=0, progress=False, diagnose=False)
    assert result.settings["groups"] == "customer"
    assert "customer" not in result.best_estimator_.feature_names_in_
    assert any("'customer' is used for splitting" in w for w in result.warnings)
