"""Tests of the metric registry and the scikit-learn scorers of unskew.metrics."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score, cross_validate
from sklearn.svm import LinearSVC

from unskew.metrics import (
    METRICS,
    MetricSpec,
    average_precision,
    get_scorer,
    make_scorers,
)
from unskew.metrics._scorers import RESPONSE_METHODS


def _problem(kind):
    """A small imbalanced problem: binary (int or str labels) or 3-class."""
    if kind.startswith("binary"):
        X, y = make_classification(
            n_samples=300, n_features=6, weights=[0.85], flip_y=0.05, random_state=0
        )
        if kind == "binary-str":
            y = np.array(["neg", "pos"])[y]
        return X, y
    X, y = make_classification(
        n_samples=300,
        n_features=8,
        n_informative=5,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        flip_y=0.05,
        random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y] if kind == "multiclass-str" else y


def _by_hand(model, X, y, cv, name):
    """Score each fold by fitting the model and calling the metric function directly."""
    spec = METRICS[name]
    scores = []
    for train, test in cv.split(X, y):
        fitted = clone(model).fit(X[train], y[train])
        if spec.kind == "label":
            y_hat = fitted.predict(X[test])
        else:
            y_hat = fitted.predict_proba(X[test])
            if y_hat.shape[1] == 2:
                y_hat = y_hat[:, 1]  # what scikit-learn passes for a binary classifier
        value = spec.function(y[test], y_hat)
        scores.append(value if spec.greater_is_better else -value)
    return np.array(scores)


@pytest.mark.parametrize("problem", ["binary", "binary-str", "multiclass", "multiclass-str"])
@pytest.mark.parametrize("name", list(METRICS))
def test_scorer_in_cross_val_score_equals_direct_metric(name, problem):
    """Check that each scorer in cross_val_score equals the metric on the same predictions."""
    X, y = _problem(problem)
    model = LogisticRegression(max_iter=500)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(model, X, y, cv=cv, scoring=get_scorer(name), error_score="raise")
    np.testing.assert_allclose(scores, _by_hand(model, X, y, cv, name), rtol=1e-10)


@pytest.mark.parametrize("name", ["brier", "log_loss"])
def test_loss_scorers_return_negated_loss(name):
    """Check that loss scorers follow scikit-learn's convention: greater (less negative) is better."""
    X, y = _problem("binary")
    scores = cross_val_score(LogisticRegression(), X, y, cv=3, scoring=get_scorer(name))
    assert (scores < 0).all()


def test_score_scorer_falls_back_to_decision_function():
    """Check that pr_auc scores a model without predict_proba through decision_function."""
    X, y = _problem("binary")
    model = LinearSVC().fit(X, y)
    assert get_scorer("pr_auc")(model, X, y) == pytest.approx(
        average_precision(y, model.decision_function(X))
    )


def test_make_scorers_in_cross_validate():
    """Check that make_scorers feeds cross_validate with one result per metric."""
    X, y = _problem("multiclass")
    result = cross_validate(
        LogisticRegression(max_iter=500), X, y, cv=3, scoring=make_scorers(["macro_f1", "mcc"])
    )
    assert {"test_macro_f1", "test_mcc"} <= set(result)


def test_make_scorers_default_is_label_metrics():
    """Check that make_scorers() returns the label metrics, which every classifier supports."""
    expected = [name for name, spec in METRICS.items() if spec.kind == "label"]
    assert list(make_scorers()) == expected
    assert list(make_scorers("mcc")) == ["mcc"]


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("gmean", "did you mean 'g_mean'"),
        ("macro-f1", "did you mean 'macro_f1'"),
        ("Balanced_Accuracy", "did you mean 'balanced_accuracy'"),
        ("kappa", r"expected one of accuracy, balanced_accuracy, .*log_loss$"),
        (None, "unknown metric None"),
    ],
    ids=["typo", "dash", "case", "unknown", "none"],
)
def test_get_scorer_rejects_unknown_name(name, match):
    """Check that an unknown name raises a ValueError listing the names, with a suggestion."""
    with pytest.raises(ValueError, match=match):
        get_scorer(name)


def test_make_scorers_rejects_unknown_name():
    """Check that make_scorers checks every name."""
    with pytest.raises(ValueError, match="unknown metric 'f2'"):
        make_scorers(["macro_f1", "f2"])


def test_metrics_registry_is_consistent_and_read_only():
    """Check every registry entry's kind and response method, and that the table is read-only."""
    for name, spec in METRICS.items():
        assert isinstance(spec, MetricSpec), name
        assert spec.kind in RESPONSE_METHODS
        assert callable(spec.function)
        assert spec.description
    assert METRICS["macro_f1"].response_method == "predict"
    assert METRICS["roc_auc"].response_method == ("predict_proba", "decision_function")
    assert not METRICS["log_loss"].greater_is_better
    with pytest.raises(TypeError):
        METRICS["mine"] = METRICS["mcc"]
