"""Generic API checks over every unskew estimator (scikit-learn's, and imbalanced-learn's for resamplers).

New estimators join automatically when their package re-exports them in ``__all__``
(see ``unskew._utils._discovery``). Documented skips go in ``EXPECTED_FAILED_CHECKS``.
"""

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils.estimator_checks import parametrize_with_checks

from unskew._utils._discovery import all_estimators

# {estimator class name: {check name: why it cannot pass}}
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}

ESTIMATORS = [cls() for _, cls in all_estimators()]


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def test_all_estimators_found():
    """Check that discovery finds the estimators the package defines."""
    assert "DatetimeFeatures" in dict(all_estimators())


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    """Check each estimator against scikit-learn's estimator checks."""
    check(estimator)


RESAMPLERS = [est for est in ESTIMATORS if hasattr(est, "fit_resample")]
IMBLEARN_CHECKS = [(est, check) for est in RESAMPLERS
                   for check in estimator_checks_generator(est)]


@pytest.mark.parametrize(("resampler", "check"), IMBLEARN_CHECKS,
                         ids=[f"{type(e).__name__}-{c.func.__name__}" for e, c in IMBLEARN_CHECKS])
def test_imblearn_compatible_resampler(resampler, check):
    """Check each resampler against imbalanced-learn's own sampler checks."""
    check(resampler)
