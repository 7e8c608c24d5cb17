"""Tests of unskew.threshold.PriorCorrection: probabilities after resampling or class weights."""

import numpy as np
import pytest
import skops.io as sio
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from unskew.metrics import brier_score, log_loss
from unskew.threshold import PriorCorrection, effective_class_counts


def _task(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    n_pos = n // 20
    X = np.r_[rng.normal(0, 1, (n - n_pos, 3)), rng.normal(0.8, 1, (n_pos, 3))]
    y = np.r_[np.zeros(n - n_pos, int), np.ones(n_pos, int)]
    return X, y


def test_prior_correction_improves_brier_and_log_loss_after_oversampling():
    """Check that correcting an oversampled model lowers held-out Brier score and log loss."""
    X, y = _task(seed=0)
    X_test, y_test = _task(seed=1)
    model = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    raw = model.fit(X, y).predict_proba(X_test)
    fixed = PriorCorrection(model).fit(X, y).predict_proba(X_test)
    assert brier_score(y_test, fixed[:, 1]) < 0.7 * brier_score(y_test, raw[:, 1])
    assert log_loss(y_test, fixed) < 0.7 * log_loss(y_test, raw)


def test_prior_correction_exact_for_naive_bayes_priors():
    """Check that correcting GaussianNB(priors=[.5, .5]) gives GaussianNB with the true priors."""
    X, y = _task(n=600)
    corrected = PriorCorrection(GaussianNB(priors=[0.5, 0.5]), train_priors=[0.5, 0.5]).fit(X, y)
    reference = GaussianNB().fit(X, y)  # empirical priors 0.95 / 0.05
    assert np.allclose(corrected.predict_proba(X), reference.predict_proba(X), atol=1e-10)


def test_prior_correction_formula_by_hand():
    """Check p_true(c|x) = p(c|x) w_c / sum_k p(k|x) w_k with w = true / train priors."""
    X, y = _task(n=600)
    clf = PriorCorrection(train_priors={0: 0.5, 1: 0.5}, true_priors=[0.8, 0.2]).fit(X, y)
    p = LogisticRegression().fit(X, y).predict_proba(X)
    w = np.array([0.8 / 0.5, 0.2 / 0.5])
    expected = p * w / (p * w).sum(axis=1, keepdims=True)
    assert np.allclose(clf.predict_proba(X), expected)
    assert np.array_equal(clf.predict(X), np.argmax(expected, axis=1))


@pytest.mark.parametrize(
    ("model", "expected", "source"),
    [
        pytest.param(make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression()),
                     [0.5, 0.5], "resampled by RandomUnderSampler", id="undersampler"),
        pytest.param(LogisticRegression(class_weight="balanced"), [0.5, 0.5],
                     "class_weight='balanced'", id="balanced"),
        pytest.param(LogisticRegression(class_weight={0: 1, 1: 4}), [570 / 690, 120 / 690],
                     "class_weight dict", id="dict"),
        pytest.param(LogisticRegression(), [0.95, 0.05], "training counts", id="plain"),
    ],
)
def test_prior_correction_auto_train_priors(model, expected, source):
    """Check that 'auto' finds the shares the final classifier saw (resampled, n_c * w_c)."""
    X, y = _task(n=600)  # 570 / 30
    clf = PriorCorrection(model).fit(X, y)
    assert clf.train_priors_ == pytest.approx(expected)
    assert clf.train_priors_source_ == source


def test_effective_class_counts_oversampler_counts():
    """Check that a replayed RandomOverSampler gives the majority count for every class."""
    X, y = _task(n=600)
    model = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression()).fit(X, y)
    counts, _ = effective_class_counts(model, X, y)
    assert counts.tolist() == [570.0, 570.0]


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        pytest.param({"train_priors": "balanced"}, ValueError, "'train_priors' parameter",
                     id="bad-string"),
        pytest.param({"train_priors": [1.0]}, ValueError, r"must have shape \(2,\)", id="shape"),
        pytest.param({"true_priors": [0.5, 0.0]}, ValueError, "must be finite and > 0",
                     id="zero"),
        pytest.param({"true_priors": {0: 1.0}}, ValueError, r"lack classes \[1\]",
                     id="missing"),
    ],
)
def test_prior_correction_bad_priors(params, error, match):
    """Check that bad priors raise an error naming the parameter."""
    X, y = _task(n=200)
    with pytest.raises(error, match=match):
        PriorCorrection(**params).fit(X, y)


def test_prior_correction_needs_predict_proba():
    """Check that an estimator without predict_proba is refused by name."""
    from sklearn.svm import LinearSVC

    X, y = _task(n=200)
    with pytest.raises(TypeError, match="LinearSVC has no predict_proba"):
        PriorCorrection(LinearSVC()).fit(X, y)


def test_prior_correction_skops_round_trip():
    """Check that a corrected pipeline survives skops with trusted types only."""
    X, y = _task(n=600)
    clf = PriorCorrection(make_pipeline(RandomOverSampler(random_state=0),
                                        LogisticRegression())).fit(X, y)
    blob = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.startswith(("unskew.", "sklearn.", "numpy.", "imblearn.")) for t in untrusted)
    loaded = sio.loads(blob, trusted=untrusted)
    assert np.allclose(loaded.predict_proba(X), clf.predict_proba(X))
