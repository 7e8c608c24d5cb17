"""Validation shared by every room: parameter constraints, the one error template, data checks.

Estimators declare their parameters scikit-learn style, in ``_parameter_constraints``
(:class:`Interval`, :class:`StrOptions`, :class:`Options`, :class:`HasMethods`, :class:`Hidden`,
``"boolean"``, ``"random_state"``, ``"array-like"``, ``"cv_object"``, a type, ``None``,
``callable``; :class:`Described` words any of them its own way), and check them once, at the
start of ``fit`` / ``fit_resample``, through :class:`ParamsValidationMixin` (imbalanced-learn's
``fit_resample`` calls the same ``_validate_params``). A bad parameter raises
:class:`~unskew.exceptions.ParameterError` worded by one template::

    The 'k_neighbors' parameter of MLSMOTE must be an int >= 1; got 0.

Functions check their arguments with :func:`validate_params` or, for one number,
:func:`check_number`, which build the same message. Bad data raise :class:`~unskew.exceptions.DataError` naming the row, column or class at fault
(:func:`check_2d`, :func:`check_finite`, :func:`check_folds`, :func:`check_sample_weight`,
:func:`check_multilabel`).

This is the one module of unskew that imports scikit-learn's private
``sklearn.utils._param_validation``: when scikit-learn moves it, only this file changes.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..exceptions import DataError, UnskewError
from ._text import did_you_mean

# scikit-learn based names, served by __getattr__ below (see "scikit-learn's constraints")
_SKLEARN_NAMES = ("HasMethods", "Hidden", "InvalidParameterError", "Interval", "Options",
                  "ParameterError", "StrOptions")

__all__ = [
    *_SKLEARN_NAMES,
    "SHORT_TEMPLATE",
    "TEMPLATE",
    "Described",
    "NonFinite",
    "ParamsValidationMixin",
    "as_python",
    "check_2d",
    "check_finite",
    "check_folds",
    "check_multilabel",
    "check_number",
    "check_sample_weight",
    "find_nonfinite",
    "format_labels",
    "is_real",
    "parameter_error",
    "validate_params",
]


# -- the message ---------------------------------------------------------------------------------

#: The one wording of a bad parameter: which parameter, of what, what is allowed, what was given.
TEMPLATE = "The {name!r} parameter of {owner} must be {allowed}; got {value!r}{end}"
#: The shorter wording of the SMOTE family, the ensembles and :mod:`unskew.weights`, whose tests
#: pin it (``"SMOTE: k_neighbors must be an int >= 1, got 0."``); a value of a type that no
#: constraint takes is followed by its type. New code uses :data:`TEMPLATE`.
SHORT_TEMPLATE = "{owner}: {name} must be {allowed}, got {value!r}{of_type}{end}"


def as_python(value):
    """Return a numpy scalar as the plain Python value, for messages and dict keys.

    Examples
    --------
    >>> import numpy as np
    >>> as_python(np.int64(3)), as_python("a")
    (3, 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def parameter_error(owner, name, allowed, value, *, hint="", template=TEMPLATE,
                    type_error=False):
    """Return the :class:`~unskew.exceptions.ParameterError` for a bad parameter.

    Parameters
    ----------
    owner : str
        The class or function whose parameter it is.
    name : str
        The parameter.
    allowed : str
        What the parameter may be, as it reads after "must be".
    value : object
        What was given.
    hint : str, default=""
        Appended after the value instead of the final period (``"; did you mean 'f1'?"``).
    template : str, default=TEMPLATE
        :data:`TEMPLATE`, or :data:`SHORT_TEMPLATE` for the owners that still use it.
    type_error : bool, default=False
        Whether the value's type is wrong (not only its value); :data:`SHORT_TEMPLATE` then
        names the type.

    Returns
    -------
    ParameterError

    Examples
    --------
    >>> parameter_error("geometric_mean", "correction", "a number in [0, 1]", 2)
    ParameterError("The 'correction' parameter of geometric_mean must be a number in [0, 1]; got 2.")
    >>> print(parameter_error("SMOTE", "k_neighbors", "an int >= 1", 2.5,
    ...                       template=SHORT_TEMPLATE, type_error=True))
    SMOTE: k_neighbors must be an int >= 1, got 2.5 of type float.
    """
    value = as_python(value)
    of_type = f" of type {type(value).__name__}" if type_error else ""
    message = template.format(owner=owner, name=name, allowed=allowed, value=value,
                              of_type=of_type, end=hint or ".")
    return _sklearn()["ParameterError"](message)


# -- scikit-learn's constraints, loaded on first use ---------------------------------------------
# The metrics import this module and stay numpy-only (tests/test_metrics.py), so scikit-learn is
# imported when a constraint or a ParameterError is first needed, not with the module. The names
# of _SKLEARN_NAMES are then attributes of this module like any other.


def __getattr__(name):
    if name in _SKLEARN_NAMES:
        value = _sklearn()[name]
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _sklearn() -> dict:
    """Import scikit-learn's validation tools and build unskew's on top of them, once."""
    # The one import of scikit-learn's private validation module (see the module docstring).
    from sklearn.utils._param_validation import (
        HasMethods,
        Hidden,
        InvalidParameterError,
        Options,
        make_constraint,
    )
    from sklearn.utils._param_validation import Interval as SklearnInterval
    from sklearn.utils._param_validation import StrOptions as SklearnStrOptions

    class ParameterError(UnskewError, InvalidParameterError):
        """A parameter has a type or value its owner does not accept; the message says which.

        It derives from scikit-learn's ``InvalidParameterError``, hence from both
        ``ValueError`` and ``TypeError``: code catching what scikit-learn or imbalanced-learn
        raise for a bad parameter catches it too. Bad *data* raise
        :class:`~unskew.exceptions.DataError` instead.

        Examples
        --------
        >>> from unskew.exceptions import ParameterError
        >>> issubclass(ParameterError, ValueError) and issubclass(ParameterError, TypeError)
        True
        """

    class Interval(SklearnInterval):
        """scikit-learn's ``Interval``, refusing bools and non-finite reals, in unskew's words.

        Parameters
        ----------
        type : {numbers.Integral, numbers.Real, RealNotInt}
            The numbers the interval holds.
        left, right : number or None
            The bounds; None is unbounded.
        closed : {"left", "right", "both", "neither"}
            Which bounds belong to the interval.
        description : str, optional
            How a message words the interval instead (e.g. ``"a float in [0, 1]"``).

        Examples
        --------
        >>> from numbers import Integral, Real
        >>> from unskew._utils._validation import Interval
        >>> str(Interval(Integral, 1, None, closed="left"))
        'an int >= 1'
        >>> str(Interval(Real, 0, 1, closed="left"))
        'a finite number in [0, 1)'
        >>> Interval(Integral, 1, None, closed="left").is_satisfied_by(True)
        False
        """

        def __init__(self, type, left, right, *, closed, description=None):
            super().__init__(type, left, right, closed=closed)
            self.description = description

        def is_satisfied_by(self, val):
            if isinstance(val, (bool, np.bool_)):
                return False
            if isinstance(val, numbers.Real) and not math.isfinite(val):
                return False
            return super().is_satisfied_by(val)

        def __str__(self):
            if self.description:
                return self.description
            kind = "an int" if self.type is numbers.Integral else "a finite number"
            left_closed = self.closed in ("left", "both")
            right_closed = self.closed in ("right", "both")
            if self.left is not None and self.right is not None:
                return (f"{kind} in {'[' if left_closed else '('}{self.left:g}, "
                        f"{self.right:g}{']' if right_closed else ')'}")
            if self.left is not None:
                return f"{kind} {'>=' if left_closed else '>'} {self.left:g}"
            if self.right is not None:
                return f"{kind} {'<=' if right_closed else '<'} {self.right:g}"
            return kind

    class StrOptions(SklearnStrOptions):
        """scikit-learn's ``StrOptions``, listing the options in the order they are given.

        Parameters
        ----------
        options : iterable of str
            The valid strings (a set is listed sorted).
        deprecated : set of str, optional
            Options marked as deprecated in messages.
        description : str, optional
            How a message words the options instead.

        Examples
        --------
        >>> from unskew._utils._validation import StrOptions
        >>> str(StrOptions(("none", "mean", "sum")))
        "one of 'none', 'mean', 'sum'"
        >>> str(StrOptions({"auto"}))
        "'auto'"
        """

        def __init__(self, options, *, deprecated=None, description=None):
            ordered = sorted(options) if isinstance(options, (set, frozenset)) else list(options)
            super().__init__(set(ordered), deprecated=deprecated)
            self.ordered = tuple(dict.fromkeys(ordered))
            self.description = description

        def __str__(self):
            if self.description:
                return self.description
            shown = ", ".join(self._mark_if_deprecated(o) for o in self.ordered)
            return shown if len(self.ordered) == 1 else f"one of {shown}"

    # built here, they live at module level: that is where pickle and the docs look for them
    for cls in (Interval, StrOptions):
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    # the public home of the exception (unskew.exceptions serves it from here)
    ParameterError.__module__, ParameterError.__qualname__ = "unskew.exceptions", "ParameterError"
    return {"HasMethods": HasMethods, "Hidden": Hidden,
            "InvalidParameterError": InvalidParameterError, "Interval": Interval,
            "Options": Options, "ParameterError": ParameterError, "StrOptions": StrOptions,
            "SklearnInterval": SklearnInterval, "SklearnStrOptions": SklearnStrOptions,
            "make_constraint": make_constraint}


# -- constraints ---------------------------------------------------------------------------------

class Described:
    """A constraint worded by a description of its own, e.g. ``"boolean"`` as "True or False".

    :class:`Interval` and :class:`StrOptions` take ``description=`` themselves; this serves the
    constraints scikit-learn names by a string or a type.

    Examples
    --------
    >>> validate_params("Ensemble", {"soft": "yes"}, {"soft": [Described("boolean", "True or False")]})
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'soft' parameter of Ensemble must be True or False; got 'yes'.
    """

    def __init__(self, constraint, description: str):
        self.constraint = constraint
        self.description = description
        self.hidden = False

    def made(self):
        """The wrapped constraint as scikit-learn's constraint object."""
        return _sklearn()["make_constraint"](self.constraint)

    def is_satisfied_by(self, value) -> bool:
        return self.made().is_satisfied_by(value)

    def __str__(self):
        return self.description


# How a message words the constraints scikit-learn names by a string (its own words are longer).
_NAMED = {
    "boolean": "a bool",
    "random_state": "an int, a RandomState instance or None",
    "array-like": "an array-like",
    "sparse matrix": "a sparse matrix",
    "cv_object": "an int >= 2, a splitter or an iterable of splits",
    "verbose": "an int or a bool",
}
_TYPE_NAMES = {numbers.Integral: "an int", numbers.Real: "a number", Mapping: "a dict"}


def _describe(constraint, made) -> str:
    if isinstance(constraint, Described):
        return constraint.description
    if isinstance(constraint, str) and constraint in _NAMED:
        return _NAMED[constraint]
    if constraint is None:
        return "None"
    if constraint is callable:
        return "a callable"
    if isinstance(constraint, type):
        if constraint in _TYPE_NAMES:
            return _TYPE_NAMES[constraint]
        name = constraint.__name__
        if constraint.__module__ == "builtins":
            return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
        return f"an instance of {constraint.__module__}.{constraint.__qualname__}"
    return str(made)


def _right_type(constraint, value) -> bool:
    """Whether ``value`` has the type a value-constraint wants (its value alone may be wrong)."""
    if isinstance(constraint, Described):
        return _right_type(constraint.made(), value)
    if hasattr(constraint, "_constraints"):  # a union such as "cv_object" or "random_state"
        return any(_right_type(c, value) for c in constraint._constraints)
    sk = _sklearn()
    if isinstance(constraint, sk["SklearnInterval"]):
        return isinstance(value, constraint.type) and not isinstance(value, (bool, np.bool_))
    if isinstance(constraint, sk["Options"]):
        return isinstance(value, constraint.type)
    return False


def _join(texts: list[str]) -> str:
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} or {texts[-1]}"


def validate_params(owner: str, params: dict, constraints: dict, *, template=TEMPLATE) -> None:
    """Check ``params`` against their declared ``constraints``; raise on the first bad one.

    A parameter is valid when it satisfies one of its constraints (scikit-learn's rule);
    parameters without an entry, or declared ``"no_validation"``, are not checked.

    Parameters
    ----------
    owner : str
        The estimator's class name or the function's name, for the message.
    params : dict
        ``{name: value}``, e.g. ``estimator.get_params(deep=False)``.
    constraints : dict
        ``{name: [constraint, ...]}``, an estimator's ``_parameter_constraints``.
    template : str, default=TEMPLATE
        The wording of the message.

    Raises
    ------
    ParameterError
        Naming the parameter, the owner, what is allowed and what was given (with a
        "did you mean" suggestion for a misspelt option).

    Examples
    --------
    >>> from numbers import Integral
    >>> from unskew._utils._validation import Interval, StrOptions
    >>> constraints = {"k": [Interval(Integral, 1, None, closed="left")],
    ...                "kind": [StrOptions(("linear", "nearest"))]}
    >>> validate_params("Smoother", {"k": 3, "kind": "linear"}, constraints)
    >>> validate_params("Smoother", {"k": 0, "kind": "linear"}, constraints)
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'k' parameter of Smoother must be an int >= 1; got 0.
    >>> validate_params("Smoother", {"k": 3, "kind": "lienar"}, constraints)
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'kind' parameter of Smoother must be one of 'linear', 'nearest'; got 'lienar'; did you mean 'linear'?
    """
    sk = _sklearn()
    for name, value in params.items():
        allowed = constraints.get(name, "no_validation")
        if isinstance(allowed, str) and allowed == "no_validation":
            continue
        made = [c if isinstance(c, Described) else sk["make_constraint"](c) for c in allowed]
        if any(c.is_satisfied_by(value) for c in made):
            continue
        # a Hidden constraint is accepted but not offered (make_constraint marks it hidden)
        shown = [_describe(c, m) for c, m in zip(allowed, made, strict=True) if not m.hidden]
        options = [o for c in made if isinstance(c, sk["SklearnStrOptions"]) and not c.hidden
                   for o in getattr(c, "ordered", sorted(c.options))]
        hint = did_you_mean(value, options) if isinstance(value, str) and options else ""
        raise parameter_error(owner, name, _join(shown), value, hint=hint, template=template,
                              type_error=not any(_right_type(c, value) for c in made))


class ParamsValidationMixin:
    """``_validate_params`` with unskew's template, for every estimator of unskew.

    scikit-learn's ``BaseEstimator._validate_params`` checks ``_parameter_constraints`` with
    scikit-learn's wording; this one checks the same table with :data:`TEMPLATE` (or the class's
    ``_parameter_template``) and raises :class:`~unskew.exceptions.ParameterError`. Put it first
    among the bases. imbalanced-learn's ``fit`` / ``fit_resample`` call it; other estimators call
    ``self._validate_params()`` first thing in ``fit``.

    Examples
    --------
    >>> from numbers import Integral
    >>> from sklearn.base import BaseEstimator
    >>> from unskew._utils._validation import Interval
    >>> class Smoother(ParamsValidationMixin, BaseEstimator):
    ...     _parameter_constraints = {"k": [Interval(Integral, 1, None, closed="left")]}
    ...     def __init__(self, k=3):
    ...         self.k = k
    >>> Smoother(k=0)._validate_params()
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'k' parameter of Smoother must be an int >= 1; got 0.
    """

    _parameter_template = TEMPLATE

    def _validate_params(self):
        validate_params(type(self).__name__, self.get_params(deep=False),
                        self._parameter_constraints, template=self._parameter_template)


def _plain_scalar(value):
    """A 0-d tensor or array as the Python number it holds (``float(value)`` would accept more)."""
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item") \
            and not isinstance(value, np.generic):
        item = value.item()
        if isinstance(item, numbers.Real) and not isinstance(item, bool):
            return item
    return value


def check_number(value, name: str, owner: str, *, kind: str = "real", low=None, high=None,
                 low_open: bool = False, high_open: bool = False, description: str | None = None,
                 template: str = TEMPLATE):
    """Return ``value`` as a Python float (or int) if it is a finite number within the bounds.

    The check of one numeric argument of a function, worded like :func:`validate_params`.

    Parameters
    ----------
    value : object
        The argument (a Python or numpy number, or a 0-d tensor).
    name : str
        Its name.
    owner : str
        The function (or class) it belongs to.
    kind : {"real", "int"}, default="real"
        ``"int"`` takes integers only, ``"real"`` any real number; never bools.
    low, high : number, optional
        Bounds; each is inclusive unless ``low_open`` / ``high_open``.
    low_open, high_open : bool, default=False
        Exclude the bound itself.
    description : str, optional
        How the message words the allowed values instead of ``"a finite number >= 0"``.
    template : str, default=TEMPLATE
        The wording of the message.

    Returns
    -------
    float or int

    Raises
    ------
    ParameterError
        If ``value`` is not such a number.

    Examples
    --------
    >>> check_number(2, "gamma", "focal_loss", low=0)
    2.0
    >>> check_number(1.0, "beta", "class_balanced_loss", low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'beta' parameter of class_balanced_loss must be a finite number in [0, 1); got 1.0.
    >>> check_number(0, "n_estimators", "SMOTEBoostClassifier", kind="int", low=1)
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'n_estimators' parameter of SMOTEBoostClassifier must be an int >= 1; got 0.
    """
    if kind not in ("real", "int"):
        raise ValueError(f"kind must be 'real' or 'int', got {kind!r}")
    integral = kind == "int"
    left_closed = low is not None and not low_open
    right_closed = high is not None and not high_open
    closed = {(True, True): "both", (True, False): "left", (False, True): "right",
              (False, False): "neither"}[left_closed, right_closed]
    interval = _sklearn()["Interval"](numbers.Integral if integral else numbers.Real, low, high,
                                      closed=closed, description=description)
    value = _plain_scalar(value)
    validate_params(owner, {name: value}, {name: [interval]}, template=template)
    return int(value) if integral else float(value)


# -- data ----------------------------------------------------------------------------------------

def is_real(value):
    """True for an int or float (numpy included), False for bools and anything else.

    Examples
    --------
    >>> import numpy as np
    >>> is_real(0.5), is_real(np.int64(2)), is_real(True), is_real("1")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def format_labels(labels, limit=10):
    """Return ``labels`` as a short, readable list for an error message.

    Examples
    --------
    >>> import numpy as np
    >>> format_labels(np.array(["a", "b"]))
    "['a', 'b']"
    >>> format_labels(range(12), limit=3)
    '[0, 1, 2, ... (12 in all)]'
    """
    items = [as_python(x) for x in labels]
    if len(items) > limit:
        return "[" + ", ".join(repr(x) for x in items[:limit]) + f", ... ({len(items)} in all)]"
    return "[" + ", ".join(repr(x) for x in items) + "]"


def check_sample_weight(sample_weight, n_samples: int, owner: str) -> np.ndarray | None:
    """Validate ``sample_weight`` for ``n_samples`` rows; None stays None.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative finite weights.
    n_samples : int
        Rows of X.
    owner : str
        The estimator's class name, for the message.

    Returns
    -------
    ndarray of float64 or None

    Examples
    --------
    >>> check_sample_weight([1, 2], 2, "SMOTE").tolist()
    [1.0, 2.0]
    >>> check_sample_weight([1, -2], 2, "SMOTE")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: SMOTE: sample_weight must be finite and >= 0; row 1 has -2.0
    """
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise DataError(f"{owner}: sample_weight must have shape ({n_samples},) like y, "
                        f"got {w.shape}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise DataError(f"{owner}: sample_weight must be finite and >= 0; row {bad[0]} has "
                        f"{w[bad[0]]}")
    return w


def check_2d(X, owner: str) -> None:
    """Raise a :class:`~unskew.exceptions.DataError` unless ``X`` is 2-D.

    Examples
    --------
    >>> check_2d([1.0, 2.0, 3.0], "OutlierRemoval")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: OutlierRemoval: X must be 2-D (n_samples, n_features); got a 1-D array of 3 values. For a single feature pass X.reshape(-1, 1) (or a one-column DataFrame).
    """
    shape = np.shape(X) if not hasattr(X, "shape") else X.shape
    if len(shape) == 1:
        raise DataError(f"{owner}: X must be 2-D (n_samples, n_features); got a 1-D array of "
                        f"{shape[0]} values. For a single feature pass X.reshape(-1, 1) (or a "
                        "one-column DataFrame).")
    if len(shape) != 2:
        raise DataError(f"{owner}: X must be 2-D (n_samples, n_features); got shape {shape}.")


@dataclass(frozen=True)
class NonFinite:
    """Where X holds NaN or infinity: the first such column, and the totals.

    Attributes
    ----------
    column : object
        The column's name (a DataFrame's, or ``columns=``), else its position.
    in_column : int
        NaN and infinite values in that column.
    row : int
        Position of the first row holding one in that column.
    n_nan, n_inf : int
        NaN and infinite values in all of X (stored values only, for sparse X).
    """

    column: object
    in_column: int
    row: int
    n_nan: int
    n_inf: int

    @property
    def label(self) -> str:
        """The column as a message names it: ``'age'`` for a name, ``2`` for a position."""
        return repr(self.column) if isinstance(self.column, str) else str(self.column)


def find_nonfinite(X, *, columns=None) -> NonFinite | None:
    """Locate NaN and infinite values of the numeric part of ``X``; None when there are none.

    Only numbers are looked at: a DataFrame's non-numeric columns and arrays of strings or
    objects are left to the validation that reads them.

    Parameters
    ----------
    X : ndarray, sparse matrix, DataFrame, array-like or None
        Features.
    columns : sequence, optional
        Column names of ``X`` (a DataFrame's own by default).

    Returns
    -------
    NonFinite or None

    Examples
    --------
    >>> import numpy as np
    >>> find_nonfinite(np.array([[0.0, 1.0], [np.inf, np.nan]]))
    NonFinite(column=0, in_column=1, row=1, n_nan=1, n_inf=1)
    >>> find_nonfinite(np.ones((2, 2))) is None
    True
    """
    if X is None:
        return None
    if hasattr(X, "columns") and hasattr(X, "dtypes"):  # a DataFrame (pandas is not imported)
        names = list(X.columns) if columns is None else list(columns)
        keep = [j for j, t in enumerate(X.dtypes) if getattr(t, "kind", "O") in "biufc"]
        if not keep:
            return None
        found = find_nonfinite(X.iloc[:, keep].to_numpy(dtype=np.float64, na_value=np.nan))
        if found is None:
            return None
        return NonFinite(names[keep[found.column]], found.in_column, found.row, found.n_nan,
                         found.n_inf)
    if hasattr(X, "tocsc") and hasattr(X, "nnz"):  # scipy sparse
        X = X.tocsc()
        if X.dtype.kind not in "fc":
            return None
        bad = ~np.isfinite(X.data)
        if not bad.any():
            return None
        col_of = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
        first = int(col_of[bad].min())
        in_col = bad & (col_of == first)
        row = int(X.indices[in_col].min())
        n_nan = int(np.isnan(X.data[bad]).sum())
        col = first if columns is None else list(columns)[first]
        return NonFinite(col, int(in_col.sum()), row, n_nan, int(bad.sum()) - n_nan)
    arr = np.asarray(X)
    if arr.dtype.kind not in "fc" or arr.ndim != 2:
        return None
    bad = ~np.isfinite(arr)
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad.any(axis=0))[0])
    n_nan = int(np.isnan(arr).sum())
    col = first if columns is None else list(columns)[first]
    return NonFinite(col, int(bad[:, first].sum()), int(np.argmax(bad[:, first])), n_nan,
                     int(bad.sum()) - n_nan)


def check_finite(X, owner: str, *, columns=None) -> None:
    """Raise a :class:`~unskew.exceptions.DataError` naming the first column with NaN or infinity.

    Parameters
    ----------
    X : ndarray, sparse matrix, DataFrame or None
        Numeric features (None checks nothing).
    owner : str
        The estimator's class name, for the message.
    columns : sequence, optional
        Column names of ``X`` (taken from a DataFrame when not given).

    Examples
    --------
    >>> import pandas as pd
    >>> check_finite(pd.DataFrame({"age": [30.0, None], "income": [1.0, 2.0]}), "SMOTE")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: SMOTE: X has 1 NaN and 0 infinite values; column 'age' has 1 (first at row 1). Impute them first (e.g. sklearn.impute.SimpleImputer in the pipeline before SMOTE) or drop those rows.
    """
    found = find_nonfinite(X, columns=columns)
    if found is None:
        return
    raise DataError(
        f"{owner}: X has {found.n_nan} NaN and {found.n_inf} infinite values; column "
        f"{found.label} has {found.in_column} (first at row {found.row}). Impute them first "
        f"(e.g. sklearn.impute.SimpleImputer in the pipeline before {owner}) or drop those rows."
    )


def check_folds(y, n_splits: int, owner: str, param: str = "cv") -> int:
    """Return the stratified folds to use on ``y``: ``n_splits``, lowered to the smallest class.

    A class with ``n`` rows lands in every training fold of a stratified ``k``-fold split when
    ``n >= k``; a class of a single row cannot be in both a training and a test fold, so it is
    refused, naming the class and its row count.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    n_splits : int
        The folds asked for.
    owner : str
        The estimator's class name, for the message.
    param : str, default="cv"
        The parameter that asked for them.

    Returns
    -------
    int
        ``min(n_splits, rows of the smallest class)``.

    Examples
    --------
    >>> check_folds(["a"] * 8 + ["b"] * 3, 5, "ClassOffsetClassifier")
    3
    >>> check_folds(["a"] * 8 + ["b"], 5, "ClassOffsetClassifier")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: ClassOffsetClassifier learns from out-of-fold predictions (cv=5 folds), so every class needs at least 2 rows (one for a training fold, one for a test fold); classes ['b'] have 1 row. Drop or merge those classes, or collect more rows.
    """
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    single = classes[counts < 2]
    if single.size:
        raise DataError(
            f"{owner} learns from out-of-fold predictions ({param}={n_splits} folds), so every "
            "class needs at least 2 rows (one for a training fold, one for a test fold); classes "
            f"{format_labels(single)} have 1 row. Drop or merge those classes, or collect more "
            "rows."
        )
    return min(int(n_splits), int(counts.min()))


def check_multilabel(y, name):
    """Validate a 2-D 0/1 indicator matrix; return it as a boolean array.

    Examples
    --------
    >>> check_multilabel([[1, 0], [0, 1]], "y_true").dtype
    dtype('bool')
    >>> check_multilabel([[2, 0]], "y_true")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: y_true must be a 0/1 indicator matrix; found values [2].
    """
    if hasattr(y, "toarray"):
        y = y.toarray()
    arr = np.asarray(y)
    if arr.ndim != 2:
        raise DataError(
            f"{name} must be a 2-D (n_samples, n_labels) 0/1 indicator matrix; "
            f"got an array of shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise DataError(f"{name} is empty (shape {arr.shape}); metrics need at least one sample.")
    if arr.dtype.kind not in "biuf":
        raise DataError(f"{name} must hold 0/1 numbers or booleans; got dtype {arr.dtype}.")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise DataError(f"{name} contains NaN at {int(np.isnan(arr).sum())} position(s).")
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise DataError(
            f"{name} must be a 0/1 indicator matrix; found values {format_labels(np.unique(arr[bad]))}."
        )
    return arr.astype(bool)
