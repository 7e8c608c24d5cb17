"""Generic API checks over every unskew estimator (scikit-learn's, and imbalanced-learn's for resamplers).

New estimators join automatically when their package re-exports them in ``__all__``
(see ``unskew._utils._discovery``). Documented skips go in ``EXPECTED_FAILED_CHECKS``.
"""

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils.estimator_checks import parametrize_with_checks

from unskew._utils._discovery import all_estimators
from unskew.resampling import SMOTE

# {estimator class name: {check name: why it cannot pass}}
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    "SMOTENC": {"check_samplers_string": "its one-column string X is all-categorical: SMOTE-NC "
                                         "needs numeric columns (SMOTEN serves it)"},
    "BinaryThresholdClassifier": {
        "check_classifiers_train": "the tuned threshold moves predict away from the argmax of "
                                   "predict_proba (as scikit-learn's TunedThresholdClassifierCV)",
    },
    "MultiLabelThresholdClassifier": {
        "check_classifier_data_not_an_array":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_classifier_multioutput":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_classifiers_classes":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_classifiers_train":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_dict_unchanged":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_dont_overwrite_parameters":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_dtype_object":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimator_sparse_array":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimator_sparse_matrix":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimator_sparse_tag":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimators_dtypes":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimators_fit_returns_self":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_estimators_overwrite_params":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_f_contiguous_array_estimator":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_fit2d_1feature":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_fit2d_1sample":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_fit2d_predict1d":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_fit_score_takes_y":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_methods_sample_order_invariance":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_methods_subset_invariance":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_n_features_in_after_fitting":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_positive_only_tag_during_fit":
            "multi-label only: the check fits a 1-D or non-0/1 target",
        "check_readonly_memmap_input":
            "multi-label only: the check fits a 1-D or non-0/1 target",
    },
    "TorchMLPClassifier": {
        "check_sample_weight_equivalence_on_dense_data": "minibatch SGD with early stopping: a "
                                "weight of 2 is not the same run as a repeated row",
    },
    "SMOTEIPF": {
        "check_samplers_fit_resample": "its IPF filter removes noisy rows after SMOTE, so classes "
                                       "end below the requested count (by design, Saez 2015)",
        "check_samplers_sampling_strategy_fit_resample": "its IPF filter cleans every class, "
                                                         "also those SMOTE left alone",
    },
    "SMOTEBaggingClassifier": {
        "check_fit2d_1feature": "its 10-row data has classes of 1-3 rows, too few for SMOTE "
                                "(k_neighbors=5): fit raises a DataError naming the class",
    },
    "SMOTEBoostClassifier": {
        "check_fit2d_1feature": "its 10-row data has classes of 1-3 rows, too few for SMOTE "
                                "(k_neighbors=5): fit raises a DataError naming the class",
        "check_sample_weight_equivalence_on_dense_data": "repeating a row changes SMOTE's "
                                "neighbours and synthetic counts; a weight cannot mimic that",
    },
}

# constructor arguments an estimator cannot guess from the checks' data
INIT_PARAMS: dict[str, dict] = {
    # a wrapper's randomness is its resampler's: seed it, as the checks compare two fits
    "AdaptiveNeighbors": {"resampler": SMOTE(random_state=0)},
    "KMeansSMOTE": {"kmeans_estimator": 12},
    "SMOTENC": {"categorical_features": [0]},
}


def _instance(name, cls):
    est = cls(**INIT_PARAMS.get(name, {}))
    if "random_state" in est.get_params():
        est.set_params(random_state=0)  # checks compare two fits of the same estimator
    return est


ESTIMATORS = [_instance(name, cls) for name, cls in all_estimators()]


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def test_all_estimators_found():
    """Check that discovery finds the estimators the package defines."""
    assert "DatetimeFeatures" in dict(all_estimators())


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    """Check each estimator against scikit-learn's estimator checks."""
    check(estimator)


def _check_name(check) -> str:
    while hasattr(check, "__wrapped__"):
        check = check.__wrapped__
    return getattr(check, "func", check).__name__


RESAMPLERS = [est for est in ESTIMATORS if hasattr(est, "fit_resample")]
IMBLEARN_CHECKS = [
    pair for est in RESAMPLERS
    for pair in estimator_checks_generator(
        est, expected_failed_checks=_expected_failed_checks(est), mark="xfail")
]  # expected failures come back as pytest.param(estimator, check, marks=xfail)


@pytest.mark.parametrize(
    ("resampler", "check"), IMBLEARN_CHECKS,
    ids=[f"{type(est).__name__}-{_check_name(check)}"
         for est, check in (getattr(p, "values", p) for p in IMBLEARN_CHECKS)])
def test_imblearn_compatible_resampler(resampler, check):
    """Check each resampler against imbalanced-learn's own sampler checks."""
    check(resampler)


def _imblearn_namesake(resampler):
    import imblearn.combine
    import imblearn.over_sampling
    import imblearn.under_sampling

    name = type(resampler).__name__
    for module in (imblearn.over_sampling, imblearn.under_sampling, imblearn.combine):
        if hasattr(module, name):
            return getattr(module, name)
    return None


DROP_INS = [r for r in RESAMPLERS if _imblearn_namesake(r) is not None]


@pytest.mark.parametrize("resampler", DROP_INS, ids=lambda r: type(r).__name__)
def test_drop_in_accepts_every_imblearn_parameter(resampler):
    """Check that each resampler named like an imbalanced-learn one takes all its parameters."""
    name = type(resampler).__name__
    theirs = _imblearn_namesake(resampler)(**INIT_PARAMS.get(name, {})).get_params(deep=False)
    ours = resampler.get_params(deep=False)
    assert set(theirs) <= set(ours), sorted(set(theirs) - set(ours))
    # the same defaults, except where ours documents a different one
    differing = {p for p in theirs
                 if p != "random_state" and repr(theirs[p]) != repr(ours[p])}
    assert not differing, differing
