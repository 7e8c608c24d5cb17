"""Tests of unskew.threshold.MultiLabelThresholdClassifier."""

import numpy as np
import pytest
import skops.io as sio
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multioutput import MultiOutputClassifier

from unskew.exceptions import DataError
from unskew.metrics import multilabel_f1
from unskew.threshold import MultiLabelThresholdClassifier


def _data():
    return make_multilabel_classification(n_samples=300, n_classes=5, n_labels=1,
                                          random_state=0)


@pytest.mark.parametrize(
    "estimator",
    [None, MultiOutputClassifier(LogisticRegression()),
     RandomForestClassifier(n_estimators=20, random_state=0)],
    ids=["ovr", "multioutput", "forest"],
)
def test_multilabel_thresholds_never_worse_on_oof(estimator):
    """Check that each label's tuned threshold scores at least 0.5 on the out-of-fold data."""
    X, Y = _data()
    clf = MultiLabelThresholdClassifier(estimator, cv=3, random_state=0).fit(X, Y)
    assert clf.thresholds_.shape == (5,)
    assert (clf.scores_after_ >= clf.scores_before_).all()
    assert clf.predict(X).shape == Y.shape


def test_multilabel_thresholds_match_oof_f1():
    """Check scores_after_ equals the per-label F1 of independent OOF probabilities."""
    X, Y = _data()
    clf = MultiLabelThresholdClassifier(cv=3, random_state=0).fit(X, Y)
    from sklearn.multiclass import OneVsRestClassifier

    oof = cross_val_predict(OneVsRestClassifier(LogisticRegression()), X, Y,
                            cv=KFold(3, shuffle=True, random_state=0), method="predict_proba")
    after = multilabel_f1(Y, (oof >= clf.thresholds_).astype(int), average=None)
    before = multilabel_f1(Y, (oof >= 0.5).astype(int), average=None)
    assert after == pytest.approx(clf.scores_after_)
    assert before == pytest.approx(clf.scores_before_)


def test_multilabel_bad_input():
    """Check errors for a non-indicator target and an unknown objective."""
    X, Y = _data()
    with pytest.raises(DataError, match=r"0/1 indicator matrix.*ClassOffsetClassifier"):
        MultiLabelThresholdClassifier().fit(X, Y.argmax(axis=1))
    with pytest.raises(ValueError, match=r"'objective' parameter.*'f1'"):
        MultiLabelThresholdClassifier(objective="f2").fit(X, Y)


def test_multilabel_skops_round_trip():
    """Check that per-label thresholds travel in the skops file (trusted types only)."""
    X, Y = _data()
    clf = MultiLabelThresholdClassifier(cv=3, random_state=0).fit(X, Y)
    blob = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.startswith(("unskew.", "sklearn.", "numpy.")) for t in untrusted)
    loaded = sio.loads(blob, trusted=untrusted)
    assert np.array_equal(loaded.predict(X), clf.predict(X))
