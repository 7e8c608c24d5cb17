"""Exceptions raised by unskew.

Every error unskew raises on bad input derives from :class:`UnskewError`. The ones about the
user's data (:class:`DataError`) also derive from :class:`ValueError`, and the ones about a
parameter (:class:`ParameterError`) from scikit-learn's ``InvalidParameterError``, so from both
:class:`ValueError` and :class:`TypeError`: ``except ValueError`` keeps working for code written
against scikit-learn and imbalanced-learn.
"""

# ParameterError is served by the module __getattr__ at the end
__all__ = ["DataError", "MissingExtraError", "ParameterError", "StructureError",  # noqa: F822
           "UnskewError"]


class UnskewError(Exception):
    """Base class of every error raised by unskew on purpose.

    Examples
    --------
    >>> from unskew.exceptions import DataError, UnskewError
    >>> issubclass(DataError, UnskewError)
    True
    """


class DataError(UnskewError, ValueError):
    """The data given to unskew cannot be used as it is; the message says why and how to fix it.

    Examples
    --------
    >>> from unskew.exceptions import DataError
    >>> try:
    ...     raise DataError("target column 'labl' not found; did you mean 'label'?")
    ... except ValueError as exc:
    ...     print(exc)
    target column 'labl' not found; did you mean 'label'?
    """


class StructureError(DataError, RuntimeError):
    """The data lack the structure a method relies on, though plainer methods would work.

    ADASYN needs rows with neighbours of another class, K-means SMOTE a cluster where a class is
    dense enough, SVM-SMOTE support vectors that are not all noise; when they find none, plain
    SMOTE still can. Catch this (rather than matching message text) to fall back.

    It is also a :class:`RuntimeError`, which imbalanced-learn raises in the first two cases, so
    ``except RuntimeError`` written against imbalanced-learn keeps working (and ``except
    ValueError``, which imbalanced-learn raises for SVM-SMOTE's all-noise case).

    Examples
    --------
    >>> from unskew.exceptions import DataError, StructureError
    >>> issubclass(StructureError, DataError), issubclass(StructureError, RuntimeError)
    (True, True)
    """


class MissingExtraError(UnskewError, ImportError):
    """An optional dependency is needed; the message names the ``pip install`` command.

    Examples
    --------
    >>> from unskew.exceptions import MissingExtraError
    >>> issubclass(MissingExtraError, ImportError)
    True
    """


def __getattr__(name):
    # ParameterError derives from scikit-learn's InvalidParameterError, so it is defined beside
    # the validation that raises it and loaded on first use: importing this module (the command
    # line does, before any command runs) stays free of scikit-learn.
    if name == "ParameterError":
        from ._utils._validation import ParameterError

        return ParameterError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
