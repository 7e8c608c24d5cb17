"""Tests of the shared validation module, unskew._utils._validation: the parameter template,
ParameterError, the constraints, check_number, and the data checks (finite X, folds)."""

import pickle
import subprocess
import sys
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError

from unskew._utils._discovery import all_estimators
from unskew._utils._validation import (
    SHORT_TEMPLATE,
    Described,
    HasMethods,
    Hidden,
    Interval,
    ParamsValidationMixin,
    StrOptions,
    check_2d,
    check_finite,
    check_folds,
    check_number,
    find_nonfinite,
    parameter_error,
    validate_params,
)
from unskew.exceptions import DataError, ParameterError, UnskewError

# the rooms whose estimators validate through the shared module
ROOMS = ("unskew.resampling", "unskew.threshold", "unskew.ensemble", "unskew.nn")


# -- ParameterError and the template -------------------------------------------------------------

@pytest.mark.parametrize("base", [ValueError, TypeError, InvalidParameterError, UnskewError],
                         ids=lambda b: b.__name__)
def test_parameter_error_is_caught_as_the_peers_errors(base):
    """Check that a ParameterError is caught by what scikit-learn's callers catch, and unskew's."""
    with pytest.raises(base):
        raise parameter_error("SMOTE", "k_neighbors", "an int >= 1", 0)


def test_parameter_error_is_not_a_data_error():
    """Check that bad parameters and bad data stay two kinds of error."""
    assert not issubclass(ParameterError, DataError)
    assert not issubclass(DataError, ParameterError)


def test_parameter_error_lives_in_unskew_exceptions():
    """Check that ParameterError is named by its public path and survives pickling (joblib)."""
    err = parameter_error("SMOTE", "k_neighbors", "an int >= 1", 0)
    assert type(err).__module__ == "unskew.exceptions"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ParameterError
    assert str(again) == str(err)


def test_exceptions_import_leaves_sklearn_unimported():
    """Check that importing unskew.exceptions (the CLI does, before any command) stays light."""
    code = "import sys, unskew.exceptions; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "The 'k' parameter of Smoother must be an int >= 1; got 0."),
        ({"hint": "; did you mean 1?"}, "The 'k' parameter of Smoother must be an int >= 1; got 0; "
                                        "did you mean 1?"),
        ({"template": SHORT_TEMPLATE}, "Smoother: k must be an int >= 1, got 0."),
        ({"template": SHORT_TEMPLATE, "type_error": True},
         "Smoother: k must be an int >= 1, got 0 of type int."),
    ],
    ids=["template", "hint", "short", "short-type"],
)
def test_parameter_error_wording(kwargs, expected):
    """Check that the message says which parameter, of what, what is allowed and what was given."""
    assert str(parameter_error("Smoother", "k", "an int >= 1", 0, **kwargs)) == expected


def test_parameter_error_quotes_numpy_scalars_as_python_values():
    """Check that a numpy value is quoted as the number the user typed."""
    assert str(parameter_error("f", "gamma", "a finite number >= 0", np.float64(-1.5))).endswith(
        "got -1.5.")


# -- constraints and validate_params ------------------------------------------------------------

@pytest.mark.parametrize(
    ("constraint", "text"),
    [
        (Interval(Integral, 1, None, closed="left"), "an int >= 1"),
        (Interval(Integral, 0, 10, closed="both"), "an int in [0, 10]"),
        (Interval(Real, 0, None, closed="neither"), "a finite number > 0"),
        (Interval(Real, 0, 1, closed="left"), "a finite number in [0, 1)"),
        (Interval(Real, None, 1, closed="right"), "a finite number <= 1"),
        (Interval(Real, 0, 1, closed="both", description="a float in [0, 1]"), "a float in [0, 1]"),
        (StrOptions(("none", "mean", "sum")), "one of 'none', 'mean', 'sum'"),
        (StrOptions({"b", "a"}), "one of 'a', 'b'"),
        (StrOptions(("auto",)), "'auto'"),
    ],
    ids=["int-low", "int-both", "real-open", "real-half", "real-high", "described", "options",
         "option-set", "one-option"],
)
def test_constraints_read_as_unskew_words(constraint, text):
    """Check how a message words each kind of interval and set of options."""
    assert str(constraint) == text


@pytest.mark.parametrize("value", [True, np.bool_(False), float("nan"), float("inf"), "1"],
                         ids=["bool", "numpy-bool", "nan", "inf", "str"])
def test_interval_refuses_bools_and_non_finite_numbers(value):
    """Check that an interval of numbers takes neither a bool nor NaN nor infinity."""
    assert not Interval(Real, None, None, closed="neither").is_satisfied_by(value)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"k": 0}, r"^The 'k' parameter of Smoother must be an int >= 1; got 0\.$"),
        ({"kind": "lienar"}, r"must be one of 'linear', 'nearest'; got 'lienar'; "
                             r"did you mean 'linear'\?$"),
        ({"cv": "x"}, r"'cv' parameter of Smoother must be an int >= 2, a splitter or an "
                      r"iterable of splits; got 'x'\."),
        ({"soft": 1}, r"'soft' parameter of Smoother must be True or False; got 1\."),
        ({"model": "tree"}, r"must be None or an object implementing 'fit'; got 'tree'\."),
        ({"classes": 3}, r"must be one of all, minority or a list; got 3\."),
    ],
    ids=["interval", "typo", "cv-object", "described", "has-methods", "hidden"],
)
def test_validate_params_names_parameter_owner_allowed_and_value(params, match):
    """Check that each kind of constraint is checked and worded in the one template."""
    constraints = {
        "k": [Interval(Integral, 1, None, closed="left")],
        "kind": [StrOptions(("linear", "nearest"))],
        "cv": ["cv_object"],
        "soft": [Described("boolean", "True or False")],
        "model": [None, HasMethods(["fit"])],
        "classes": [StrOptions(("all", "minority"), description="one of all, minority"),
                    Hidden(tuple), list],
    }
    valid = {"k": 3, "kind": "linear", "cv": 5, "soft": True, "model": None, "classes": (1, 2)}
    validate_params("Smoother", valid, constraints)
    with pytest.raises(ParameterError, match=match):
        validate_params("Smoother", {**valid, **params}, constraints)


def test_validate_params_skips_undeclared_and_no_validation():
    """Check that parameters without a constraint, or declared "no_validation", pass as they are."""
    validate_params("Smoother", {"a": object(), "b": object()}, {"b": "no_validation"})


def test_params_validation_mixin_checks_the_declared_table():
    """Check that an estimator's _validate_params reads _parameter_constraints in its wording."""
    class Smoother(ParamsValidationMixin, BaseEstimator):
        _parameter_constraints: ClassVar[dict] = {"k": [Interval(Integral, 1, None,
                                                                 closed="left")]}

        def __init__(self, k=3):
            self.k = k

    Smoother()._validate_params()
    with pytest.raises(ParameterError, match="The 'k' parameter of Smoother must be an int"):
        Smoother(k=0)._validate_params()
    Smoother._parameter_template = SHORT_TEMPLATE
    with pytest.raises(ParameterError, match=r"^Smoother: k must be an int >= 1, got 2.5 of type "
                                             r"float\.$"):
        Smoother(k=2.5)._validate_params()


# -- check_number --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (2, {"low": 0}, 2.0),
        (0, {"low": 0}, 0.0),
        (np.float32(0.5), {"low": 0, "high": 1}, 0.5),
        (np.array(0.25), {"low": 0, "high": 1}, 0.25),
        (1, {"low": 0, "high": 1}, 1.0),
        (3, {"kind": "int", "low": 1}, 3),
        (np.int64(7), {"kind": "int", "low": 1, "high": 7}, 7),
    ],
    ids=["real", "low-bound", "numpy", "0-d-array", "high-bound", "int", "numpy-int"],
)
def test_check_number_returns_python_numbers_within_bounds(value, kwargs, expected):
    """Check that an accepted value comes back as a Python float (or int)."""
    got = check_number(value, "x", "f", **kwargs)
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("value", "kwargs", "allowed"),
    [
        (-1, {"low": 0}, "a finite number >= 0"),
        (0, {"low": 0, "low_open": True}, "a finite number > 0"),
        (1.0, {"low": 0, "high": 1, "high_open": True}, r"a finite number in \[0, 1\)"),
        (0.0, {"low": 0, "high": 1, "low_open": True, "high_open": True},
         r"a finite number in \(0, 1\)"),
        (2, {"high": 1}, "a finite number <= 1"),
        (float("nan"), {}, "a finite number"),
        (True, {"low": 0}, "a finite number >= 0"),
        ("1", {"low": 0}, "a finite number >= 0"),
        (2.5, {"kind": "int", "low": 1}, "an int >= 1"),
        (0, {"kind": "int", "low": 1}, "an int >= 1"),
        (11, {"kind": "int", "low": 1, "high": 10}, r"an int in \[1, 10\]"),
    ],
    ids=["below", "open-low", "open-high", "open-both", "above", "nan", "bool", "str",
         "float-for-int", "int-below", "int-above"],
)
def test_check_number_refuses_values_outside_the_bounds(value, kwargs, allowed):
    """Check each bound and type rule, and that the message states the allowed range."""
    with pytest.raises(ParameterError, match=rf"The 'x' parameter of f must be {allowed}; got "):
        check_number(value, "x", "f", **kwargs)


def test_check_number_description_and_short_template():
    """Check that a caller may word the range itself, in the short wording."""
    with pytest.raises(ParameterError, match=r"^class_weights: beta must be in \[0, 1\) for "
                                             r"method='effective_number', got 1\.0\.$"):
        check_number(1.0, "beta", "class_weights", low=0, high=1, high_open=True,
                     description="in [0, 1) for method='effective_number'",
                     template=SHORT_TEMPLATE)


# -- data checks ---------------------------------------------------------------------------------

def test_check_2d_refuses_a_vector():
    """Check that 1-D X is a DataError that says how to pass one feature."""
    with pytest.raises(DataError, match=r"X must be 2-D .* 1-D array of 3 values.*reshape"):
        check_2d(np.ones(3), "SMOTE")
    check_2d(np.ones((3, 1)), "SMOTE")


def _with_bad_cells():
    X = np.zeros((6, 4))
    X[4, 2] = np.nan
    X[1, 3] = np.inf
    X[5, 2] = -np.inf
    return X


@pytest.mark.parametrize("kind", ["array", "frame", "sparse", "list"])
def test_find_nonfinite_locates_the_first_bad_column(kind):
    """Check that every input form reports the first column with NaN/inf, its count and row."""
    X = _with_bad_cells()
    data = {"array": X, "frame": pd.DataFrame(X, columns=list("abcd")),
            "sparse": sp.csr_matrix(X), "list": X.tolist()}[kind]
    found = find_nonfinite(data)
    assert found.column == ("c" if kind == "frame" else 2)
    assert (found.in_column, found.row, found.n_nan, found.n_inf) == (2, 4, 1, 2)


def test_find_nonfinite_ignores_what_is_not_numeric():
    """Check that strings, objects and finite numbers report nothing."""
    frame = pd.DataFrame({"city": ["a", None], "n": [1.0, 2.0]})
    assert find_nonfinite(frame) is None
    assert find_nonfinite(np.array([["a", "b"]], dtype=object)) is None
    assert find_nonfinite(np.ones((2, 2))) is None
    assert find_nonfinite(None) is None


def test_check_finite_names_column_and_row():
    """Check that the DataError names the column, its count, the first row and the totals."""
    frame = pd.DataFrame(_with_bad_cells(), columns=list("abcd"))
    with pytest.raises(DataError, match=r"^SMOTE: X has 1 NaN and 2 infinite values; column 'c' "
                                        r"has 2 \(first at row 4\)\. Impute"):
        check_finite(frame, "SMOTE")
    check_finite(np.ones((2, 2)), "SMOTE")


@pytest.mark.parametrize(
    ("y", "n_splits", "expected"),
    [(["a"] * 8 + ["b"] * 5, 5, 5), (["a"] * 8 + ["b"] * 3, 5, 3), ([0, 0, 1, 1], 5, 2)],
    ids=["enough", "lowered", "two-each"],
)
def test_check_folds_lowers_the_folds_to_the_smallest_class(y, n_splits, expected):
    """Check that the folds never exceed the rows of the smallest class."""
    assert check_folds(y, n_splits, "ClassOffsetClassifier") == expected


def test_check_folds_names_the_class_and_its_rows():
    """Check that a class of one row is a DataError naming it, its count and the parameter."""
    y = ["a"] * 8 + ["rare"] + ["b"] * 4
    with pytest.raises(DataError, match=r"^BinaryThresholdClassifier learns from out-of-fold "
                                        r"predictions \(folds=3 folds\).*classes \['rare'\] "
                                        r"have 1 row\. Drop or merge"):
        check_folds(y, 3, "BinaryThresholdClassifier", param="folds")


# -- every estimator of the rooms ---------------------------------------------------------------

ESTIMATORS = [(name, cls) for name, cls in all_estimators() if cls.__module__.startswith(ROOMS)]


@pytest.mark.parametrize(("name", "cls"), ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_estimator_declares_a_constraint_per_parameter(name, cls):
    """Check that every parameter has a declared constraint, checked by the shared validator."""
    if not issubclass(cls, ParamsValidationMixin):
        pytest.skip(f"{name} validates by hand")
    params = set(cls().get_params(deep=False))
    assert set(cls._parameter_constraints) == params


@pytest.mark.parametrize(("name", "cls"), ESTIMATORS, ids=[name for name, _ in ESTIMATORS])
def test_estimator_refuses_a_value_of_no_allowed_type(name, cls):
    """Check that a value no constraint takes raises a ParameterError naming the parameter."""
    if not issubclass(cls, ParamsValidationMixin):
        pytest.skip(f"{name} validates by hand")
    bad = type("BadType", (), {})()
    for param, constraints in cls._parameter_constraints.items():
        if isinstance(constraints, str) and constraints == "no_validation":
            continue
        with pytest.raises(ParameterError, match=rf"\b{param}\b.* got "):
            cls(**{param: bad})._validate_params()
