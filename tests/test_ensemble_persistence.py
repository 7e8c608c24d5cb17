"""Tests that every unskew ensemble round-trips through skops with trusted types only."""

import numpy as np
import pytest
import skops.io as sio
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from unskew.ensemble import (
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    WeightedAverageClassifier,
)

TRUSTED_PREFIXES = ("unskew.", "sklearn.", "imblearn.", "numpy.")


@pytest.mark.parametrize("model", [
    SMOTEBoostClassifier(n_estimators=5, random_state=0),
    SMOTEBoostClassifier(n_estimators=3, resampler=SMOTE(k_neighbors=3), random_state=0),
    SMOTEBaggingClassifier(n_estimators=3, random_state=0),
    SelfPacedEnsembleClassifier(n_estimators=3, soft_resample=True, random_state=0),
    WeightedAverageClassifier([("smote_lr", make_pipeline(SMOTE(random_state=0),
                                                          LogisticRegression())),
                               ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))],
                              cv=3),
], ids=["smoteboost", "smoteboost-resampler", "smotebagging", "self-paced", "weighted-average"])
def test_ensemble_skops_round_trip(model):
    """Check that a fitted ensemble saves with skops, loads with trusted types only and predicts the same."""
    X, y = make_classification(n_samples=200, n_features=5, weights=[0.85], random_state=0)
    model.fit(X, y)
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    assert all(t.startswith(TRUSTED_PREFIXES) for t in untrusted), untrusted
    loaded = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
