"""Tests of what `unskew predict`, `show` and `benchmarks` tell a new user (issue 14)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import unskew
from unskew.cli import main
from unskew.comparison._engine import build_estimator
from unskew.comparison._model import training_categories
from unskew.datasets import list_benchmarks

N_NUMERIC = 14  # with "country", 15 features: `show` lists 12 of them


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"f{i}": rng.normal(size=n) for i in range(N_NUMERIC)})
    frame.insert(0, "customer_id", [f"c{seed}-{i:04d}" for i in range(n)])
    frame["country"] = rng.choice(["de", "fr", "it"], size=n)
    frame["label"] = np.where(frame["f0"] + rng.normal(scale=0.5, size=n) > 1.0, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A model trained with `country` as a category and `customer_id` dropped, plus new data."""
    root = tmp_path_factory.mktemp("run")
    unskew.compare(_table(240, 0), target="label", drop=["customer_id"], strategies=["none+lr"],
                   folds=2, repeats=1, diagnose=False, progress=False, out=root)
    new = _table(20, 1).drop(columns="label")
    new.loc[[2, 5], "country"] = "xx"
    new.loc[7, "country"] = "yy"
    new.to_csv(root / "new.csv", index=False)
    return root


def test_model_predict_warns_about_unseen_categories(saved):
    """Check that predict names the column, counts the rows and lists the unseen categories."""
    model = unskew.load_model(saved / "model.skops")
    new = pd.read_csv(saved / "new.csv").drop(columns="customer_id")
    message = ("column 'country' has 3 rows with categories never seen in training "
               "('xx', 'yy'); they are encoded as unknown")
    with pytest.warns(UserWarning, match=re.escape(message)):
        assert len(model.predict(new)) == 20


def test_model_predict_known_categories_and_missing_values_are_quiet(saved):
    """Check that training categories and missing values raise no unseen-category warning."""
    model = unskew.load_model(saved / "model.skops")
    new = pd.read_csv(saved / "new.csv").drop(columns="customer_id")
    new["country"] = ["de", "fr", "it", None] * 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(new)


def test_model_predict_unseen_category_message_singular(saved):
    """Check that one unseen row reads "1 row with a category ...; it is"."""
    model = unskew.load_model(saved / "model.skops")
    new = pd.read_csv(saved / "new.csv").drop(columns="customer_id").head(3)
    with pytest.warns(UserWarning, match=r"has 1 row with a category never seen in training "
                                         r"\('xx'\); it is encoded as unknown"):
        model.predict(new)


@pytest.mark.parametrize("strategy", ["none+lr", "none+hgb", "offsets+lr", "tuned-threshold+lr",
                                      "smote-nc+lr", "easy-ensemble+ada"])
def test_training_categories_found_in_every_estimator_shape(strategy):
    """Check that the encoder's categories are found inside pipelines and meta-estimators."""
    frame = _table(150, 2)
    X, y = frame.drop(columns=["label", "customer_id"]), frame["label"]
    types = {c: "categorical" if c == "country" else "numeric" for c in X.columns}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator = build_estimator(strategy, types, 0).fit(X, y)
    assert training_categories(estimator) == {"country": {"de", "fr", "it"}}


def test_cli_predict_prints_unseen_categories_once(saved, capsys):
    """Check that `unskew predict --proba` prints the unseen-category warning once."""
    out = saved / "preds.csv"
    assert main(["predict", str(saved / "model.skops"), str(saved / "new.csv"),
                 "--out", str(out), "--proba"]) == 0
    err = capsys.readouterr().err
    assert err.count("never seen in training") == 1
    assert "warning: column 'country' has 3 rows" in err


def test_cli_predict_keep_puts_columns_first_in_order(saved, capsys):
    """Check that --keep copies a non-feature id and a feature, first and in the given order."""
    out = saved / "kept.csv"
    assert main(["predict", str(saved / "model.skops"), str(saved / "new.csv"), "--out", str(out),
                 "--keep", "country", "customer_id"]) == 0
    preds = pd.read_csv(out)
    new = pd.read_csv(saved / "new.csv")
    assert list(preds.columns) == ["country", "customer_id", "predicted_label"]
    assert preds["customer_id"].tolist() == new["customer_id"].tolist()
    assert preds["country"].tolist() == new["country"].tolist()
    # the kept id is not reported as an extra column the model ignores
    assert "ignoring" not in capsys.readouterr().err


def test_cli_predict_keep_missing_column_suggests(saved, capsys):
    """Check that a --keep column absent from DATA is an error naming it, with a suggestion."""
    assert main(["predict", str(saved / "model.skops"), str(saved / "new.csv"),
                 "--out", str(saved / "never.csv"), "--keep", "customer_idd"]) == 1
    err = capsys.readouterr().err
    assert "--keep: DATA has no column 'customer_idd'; did you mean 'customer_id'?" in err
    assert not (saved / "never.csv").exists()


def test_cli_show_says_how_many_features_are_not_listed(saved, capsys):
    """Check that `unskew show` lists 12 features and says how many more there are."""
    assert main(["show", str(saved / "model.skops")]) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich may wrap the long cell
    assert "15: f0, f1," in out
    assert "(and 3 more)" in out


def test_cli_benchmarks_piped_prints_full_numbers(capsys, monkeypatch):
    """Check that piped `unskew benchmarks` prints every row's numbers in full, uncut."""
    monkeypatch.setenv("COLUMNS", "80")  # what a pipe in a CI job reports
    assert main(["benchmarks"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    lines = {line.split()[1]: line for line in out.splitlines() if ":" in line and "│" in line}
    for row in list_benchmarks().itertuples(index=False):
        cells = [c.strip() for c in lines[row.name].split("│")[2:-1]]
        assert cells == [f"{row.n_samples:,}", str(row.n_features), str(row.n_classes),
                         f"{row.imbalance_ratio:.1f}", str(row.n_minority)], row.name
