"""Tests of SMOTE-then-clean resamplers (unskew.resampling.SMOTETomek / SMOTEENN)."""

import numpy as np
import pandas as pd
import pytest
from imblearn import combine as imblearn_combine
from imblearn.over_sampling import SMOTE as ImblearnSMOTE
from sklearn.datasets import make_classification

from unskew.resampling import SMOTE, SMOTEENN, EditedNearestNeighbours, SMOTETomek, TomekLinks

PAIRS = [(SMOTETomek, imblearn_combine.SMOTETomek), (SMOTEENN, imblearn_combine.SMOTEENN)]


def _data(seed, n_classes=2):
    weights = [0.85, 0.15] if n_classes == 2 else [0.6, 0.25, 0.1, 0.05]
    return make_classification(n_samples=400, n_features=5, n_informative=3,
                               n_classes=n_classes, weights=weights, class_sep=0.6,
                               random_state=seed)


@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(6))
def test_combination_equals_imblearn_binary(ours, peer, seed):
    """Check that on binary data the rows equal imbalanced-learn's, seed for seed."""
    X, y = _data(seed)
    X_a, y_a = ours(random_state=seed).fit_resample(X, y)
    X_b, y_b = peer(random_state=seed).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(4))
def test_cleaning_half_equals_imblearn_multiclass(ours, peer, seed):
    """Check that with the same SMOTE (imblearn's) the cleaning half keeps imblearn's rows."""
    X, y = _data(seed, n_classes=4)
    smote = ImblearnSMOTE(random_state=seed)
    X_a, y_a = ours(smote=smote).fit_resample(X, y)
    X_b, y_b = peer(smote=smote).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(("cls", "cleaner"), [(SMOTETomek, TomekLinks),
                                               (SMOTEENN, EditedNearestNeighbours)],
                         ids=["tomek", "enn"])
def test_combination_carries_sample_weight(cls, cleaner):
    """Check that the weights follow SMOTE's rule, then the cleaner's kept rows."""
    X, y = _data(0)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    X_res, y_res, w_res = cls(random_state=0).fit_resample(X, y, sample_weight=w)
    X_s, y_s, w_s = SMOTE(random_state=0).fit_resample(X, y, sample_weight=w)
    X_c, y_c, w_c = cleaner(sampling_strategy="all").fit_resample(X_s, y_s, sample_weight=w_s)
    np.testing.assert_array_equal(X_res, X_c)
    np.testing.assert_array_equal(y_res, y_c)
    np.testing.assert_allclose(w_res, w_c)
    # originals that survive keep their own weight
    kept_originals = [i for i in range(len(y)) if (X_res == X[i]).all(axis=1).any()]
    assert kept_originals
    for i in kept_originals[:20]:
        assert w[i] in w_res


def test_combination_pandas_in_pandas_out():
    """Check that a DataFrame comes back with its column names."""
    X, y = _data(1)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    X_res, y_res = SMOTEENN(random_state=0).fit_resample(frame, pd.Series(y, name="label"))
    assert list(X_res.columns) == list(frame.columns)
    assert y_res.name == "label"


def test_combination_rejects_a_step_without_fit_resample():
    """Check that a cleaner without fit_resample is refused with its name."""
    X, y = _data(0)
    with pytest.raises(TypeError, match="tomek must have fit_resample, got str"):
        SMOTETomek(tomek="tomek").fit_resample(X, y)
