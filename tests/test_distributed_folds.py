"""Cross-validation over a Dask DataFrame: exact stratified folds, sampled training folds."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

import dask.dataframe as dd
from sklearn.linear_model import LogisticRegression

from unskew.distributed import sampled_fold_scores, stratified_folds, training_sample
from unskew.exceptions import DataError
from unskew.metrics import classification_summary


def _frame(n=1200, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.choice(3, size=n, p=[0.85, 0.1, 0.05])
    frame = pd.DataFrame(rng.normal(size=(n, 2)) + y[:, None], columns=["u", "v"])
    return frame.assign(y=y)


@pytest.mark.parametrize("n_folds", [2, 5, 7])
def test_stratified_folds_are_exact_and_partition_free(n_folds):
    """Check that each fold holds n // k or n // k + 1 rows of each class, on any cut."""
    frame = _frame()
    first = None
    for npartitions in (1, 3, 8):
        y = dd.from_pandas(frame["y"], npartitions=npartitions)
        folds = stratified_folds(y, n_folds, random_state=4).compute()
        table = pd.crosstab(folds, frame["y"])
        sizes = frame["y"].value_counts()
        for cls in sizes.index:
            assert set(table[cls]) <= {sizes[cls] // n_folds, sizes[cls] // n_folds + 1}
        if first is None:
            first = folds
        pd.testing.assert_series_equal(folds, first)


def test_stratified_folds_refuse_a_class_smaller_than_the_folds():
    """Check that a class with fewer rows than folds is a clear error."""
    y = dd.from_pandas(pd.Series([0] * 20 + [1] * 3), npartitions=2)
    with pytest.raises(DataError, match=r"at least n_folds=5 rows.*\{1: 3\}"):
        stratified_folds(y, 5)


def test_training_sample_keeps_every_minority_row_and_no_test_row():
    """Check that the sample has every small-class training row and about max_rows rows."""
    frame = _frame()
    df = dd.from_pandas(frame, npartitions=4)
    folds = stratified_folds(df["y"], 4, random_state=0)
    X_train, y_train, info = training_sample(df[["u", "v"]], df["y"], folds, 1, max_rows=400,
                                             random_state=0)
    fold = folds.compute()
    train = frame[fold != 1]
    assert set(X_train.index) <= set(train.index)
    for cls in (1, 2):
        assert (y_train == cls).sum() == (train["y"] == cls).sum()
        assert info["rows"][cls] == ((train["y"] == cls).sum(),) * 2
    assert abs(len(y_train) - 400) < 60  # the largest class is drawn at a keyed rate
    assert 0 < info["rate"] < 1


def test_sampled_fold_scores_equal_in_memory_folds_when_all_rows_fit():
    """Check that with room for every row the scores are those of plain in-memory folds."""
    frame = _frame()
    df = dd.from_pandas(frame, npartitions=3)
    records = sampled_fold_scores(lambda: LogisticRegression(max_iter=500), df[["u", "v"]],
                                  df["y"], n_folds=3, max_rows=10_000, random_state=1)
    folds = stratified_folds(df["y"], 3, random_state=1).compute()
    assert sum(r["test_rows"] for r in records) == len(frame)
    for record in records:
        train, test = frame[folds != record["fold"]], frame[folds == record["fold"]]
        model = LogisticRegression(max_iter=500).fit(train[["u", "v"]], train["y"])
        expected = classification_summary(test["y"].to_numpy(), model.predict(test[["u", "v"]]),
                                          y_proba=model.predict_proba(test[["u", "v"]]),
                                          labels=np.array([0, 1, 2]))
        assert record["scores"]["macro_f1"] == pytest.approx(expected["macro_f1"])
        assert record["scores"]["roc_auc"] == pytest.approx(expected["roc_auc"])
        assert record["info"]["rate"] == 1.0
