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


def test_parallel_run_gives_the_same_honest_score_and_final_model(run, table):
    """Check that with 2 jobs (the hold-out fit and the final refit side by side in worker
    processes) the honest score and the refitted winner equal the sequential run's."""
    result, _ = run
    parallel = unskew.compare(table, target="label", strategies=FAST, folds=3, repeats=2,
                              progress=False, random_state=0, n_jobs=2)
    assert parallel.best_ == result.best_
    assert parallel.honest == result.honest
    X = pd.read_csv(table).drop(columns="label")
    np.testing.assert_allclose(parallel.best_estimator_.predict_proba(X),
                               result.best_estimator_.predict_proba(X), atol=1e-12)


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
    # two classes: dropping 'b' would leave one, so only fewer folds is suggested
    with pytest.raises(DataError, match=r"class 'b' \(3 rows\) has .*Use fewer folds "
                                        r"\(--folds 3\)\.$"):
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
    before = {p.name: p.stat().st_mtime_ns for p in _cached(out)}
    assert 8 <= len(before) < 36
    assert not (out / "model.skops").exists()
    subprocess.run(argv, capture_output=True, text=True, check=True)
    # the finished tasks were read back, not recomputed and written again
    after = {p.name: p.stat().st_mtime_ns for p in _cached(out)}
    assert len(after) == 36
    assert all(after[name] == mtime for name, mtime in before.items())
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


# --- a new user's first runs (issue 14) -----------------------------------------------------

def test_compare_takes_a_comma_separated_strategy_string(table):
    """Check that strategies="a,b" is split like --strategies, not into characters."""
    result = unskew.compare(table, target="label", strategies="none+lr, weighted+lr",
                            folds=2, repeats=1, progress=False, diagnose=False)
    assert sorted(result.leaderboard["strategy"]) == ["none+lr", "weighted+lr"]


def test_compare_one_row_per_class_names_a_few_and_suggests_nothing_false():
    """Check that 214 singleton classes give a short message with no fix that fails."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"RI": rng.normal(size=214), "type": [f"t{i:03d}" for i in range(214)]})
    with pytest.raises(DataError) as info:
        unskew.compare(df, target="type", strategies="none+lr", progress=False)
    message = str(info.value)
    assert "and 209 more" in message
    assert len(message) < 600
    assert "--folds" not in message
    assert "--min-class-size" not in message
    assert "214 classes for 214 rows" in message
    with pytest.raises(DataError, match=r"--min-class-size 5 leaves fewer than two classes: no "
                                        r"class has at least 5 rows \(the largest has 1\)"):
        unskew.compare(df, target="type", strategies="none+lr", progress=False,
                       min_class_size=5)


def test_compare_min_class_size_leaving_one_class_names_it():
    """Check that --min-class-size that leaves one class says which one."""
    df = pd.DataFrame({"x": np.arange(40.0) % 7, "y": ["a"] * 30 + ["b"] * 4 + ["c"] * 6})
    with pytest.raises(DataError, match=r"only class 'a' has at least 10 rows"):
        unskew.compare(df, target="y", strategies="none+lr", min_class_size=10,
                       progress=False)


def _leaky_table(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = np.sort(np.where(rng.random(n) < 0.2, "rare", "common"))  # a table sorted by label
    return pd.DataFrame({
        "sample_id": np.arange(n),                              # so its row counter leaks
        "code": [f"S{i:05d}" for i in rng.permutation(n)],      # an id that does not
        "x1": rng.normal(size=n) + (y == "rare"), "x2": rng.normal(size=n),
        "y": y,
    })


def test_compare_leaves_id_columns_out_and_says_so():
    """Check that identifier columns are left out with a note, and kept when asked."""
    df = _leaky_table()
    result = unskew.compare(df, target="y", strategies="none+lr", folds=3, repeats=1,
                            progress=False, diagnose=False)
    assert result.dataset["feature_types"] == {"x1": "numeric", "x2": "numeric"}
    assert [c["column"] for c in result.dataset["id_columns"]] == ["sample_id", "code"]
    assert not any(c["kept"] for c in result.dataset["id_columns"])
    assert any("'sample_id' looks like a row identifier" in n and "--keep-ids sample_id" in n
               for n in result.warnings)
    kept = unskew.compare(df, target="y", strategies="none+lr", folds=3, repeats=1,
                          progress=False, diagnose=False, keep_ids=["sample_id"])
    assert set(kept.dataset["feature_types"]) == {"sample_id", "x1", "x2"}
    # the counter in label order gives the label away: that is what leaving it out prevents
    assert kept.leaderboard.iloc[0]["macro_f1"] > result.leaderboard.iloc[0]["macro_f1"] + 0.1
    with pytest.raises(DataError, match=r"keep_ids names column 'sampel_id'.*'sample_id'"):
        unskew.compare(df, target="y", strategies="none+lr", progress=False,
                       keep_ids=["sampel_id"])


def test_compare_warns_about_a_column_that_gives_the_label_away(tmp_path, capsys):
    """Check that a label-derived column is warned about in notes, result and terminal."""
    df = _leaky_table().drop(columns=["sample_id", "code"])
    df["status"] = np.where(df["y"] == "rare", "chargeback", "settled")
    path = tmp_path / "leak.csv"
    df.to_csv(path, index=False)
    assert main(["compare", str(path), "--target", "y", "--strategies", "none+lr",
                 "--folds", "2", "--repeats", "1", "--out", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "warning:" in printed
    assert "'status' alone" in printed
    result = json.loads((tmp_path / "o" / "result.json").read_text())
    [leak] = result["dataset"]["leakage"]
    assert leak["column"] == "status"
    assert leak["score"] == 1.0


def test_compare_perfect_holdout_gets_an_honest_interval():
    """Check that a hold-out scored without error does not get a zero-width interval."""
    rng = np.random.default_rng(0)
    n = 400
    y = np.where(np.arange(n) % 10 == 0, "rare", "common")
    df = pd.DataFrame({"x": np.where(y == "rare", 5.0, 0.0) + rng.normal(0, 0.1, n),
                       "z": rng.normal(size=n), "y": y})
    result = unskew.compare(df, target="y", strategies="none+lr", folds=3, repeats=1,
                            progress=False, diagnose=False)
    honest = result.honest
    assert honest["mean"] == 1.0
    assert honest["high"] == 1.0
    # 8 rare rows of 80 held out: recall >= (0.025 / 2) ** (1 / 8) = 0.578 at worst
    assert 0.6 < honest["low"] < 0.95
    assert "all 80 held-out rows correct" in honest["note"]
    assert "at least 0.578" in honest["note"]


@pytest.fixture
def constant_strategy():
    """A registered strategy that always predicts the most common class."""
    from sklearn.dummy import DummyClassifier

    REGISTRY["constant+dummy"] = Strategy(
        "constant+dummy", "baseline", lambda ft, rs: DummyClassifier(strategy="most_frequent"),
        "predicts the majority", presets=frozenset())
    yield "constant+dummy"
    del REGISTRY["constant+dummy"]


def test_compare_marks_a_single_class_predictor_degenerate(table, constant_strategy):
    """Check that a strategy predicting one class is marked degenerate, ranked last and never
    the winner, even when its accuracy is the highest."""
    result = unskew.compare(table, target="label", strategies=["none+lr", constant_strategy],
                            metric="accuracy", folds=3, repeats=1, progress=False,
                            diagnose=False)
    board = result.leaderboard.set_index("strategy")
    row = board.loc[constant_strategy]
    assert row["status"] == "degenerate"
    assert row["error"] == "predicts only class 'ok' in 3 of 3 folds"
    assert row["rank"] == 2
    assert result.best_ == "none+lr"
    assert row["balanced_accuracy"] == pytest.approx(0.5)
    assert row["rare_recall"] == 0.0


def test_compare_rare_recall_is_the_smallest_class_recall(run):
    """Check that rare_recall is the fold recall of the least frequent class, recomputed here
    from the out-of-fold probabilities of the first repeat."""
    from unskew.comparison._splits import make_splits

    result, _ = run
    assert result.dataset["rare_class"] == "fraud"
    y = np.asarray(result.y)
    splits = [s for s in make_splits(y, folds=3, repeats=2, random_state=0) if s.repeat == 0]
    proba = result.oof["none+lr"]  # plain LR predicts the most probable class
    pred = np.asarray(result.classes)[proba.argmax(axis=1)]
    expected = [np.mean(pred[s.test][y[s.test] == "fraud"] == "fraud") for s in splits]
    folds = result.fold_scores
    mine = folds[(folds["strategy"] == "none+lr") & (folds["repeat"] == 0)]
    np.testing.assert_allclose(mine.sort_values("fold")["rare_recall"], expected)
    for name, group in folds.groupby("strategy"):
        row = result.leaderboard.set_index("strategy").loc[name]
        assert row["rare_recall"] == pytest.approx(group["rare_recall"].mean())
        assert 0.0 <= row["rare_recall_low"] <= row["rare_recall"] <= row["rare_recall_high"]


def test_compare_records_data_source_and_total_time_before_the_report(run, table):
    """Check that settings say where the data came from and the report has the total time."""
    result, out = run
    assert result.settings["data"] == str(table)
    assert result.settings["target"] == "label"
    assert result.timings["total_s"] > 0
    written = json.loads((out / "result.json").read_text())
    assert written["timings"]["total_s"] > 0


def test_a_large_selection_runs_its_folds_once_unless_repeats_are_asked():
    """Check the default repeats: 2 below 100,000 selection rows, 1 from there (with a note)."""
    from unskew.comparison._prepare import LARGE_SELECTION, _repeats

    notes = []
    assert _repeats(None, LARGE_SELECTION - 1, notes) == 2
    assert _repeats(3, 10 * LARGE_SELECTION, notes) == 3
    assert notes == []
    rng = np.random.default_rng(0)
    n = int(LARGE_SELECTION / 0.8) + 10  # the hold-out takes a fifth
    y = (rng.random(n) < 0.05).astype(int)
    frame = pd.DataFrame({"a": rng.normal(size=n) + y, "b": rng.normal(size=n), "y": y})
    result = unskew.compare(frame, target="y", strategies=["none+lr"], folds=2,
                            diagnose=False, progress=False)
    assert result.settings["repeats"] == 1
    assert set(result.fold_scores["repeat"]) == {0}
    assert any("its folds run once (repeats=1)" in w for w in result.warnings)
