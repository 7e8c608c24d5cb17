"""Exceptions raised by unskew.

Every error unskew raises on bad input derives from :class:`UnskewError`, and the ones about the
user's data also derive from :class:`ValueError`, so ``except ValueError`` keeps working for code
written against scikit-learn.
"""

__all__ = ["DataError", "MissingExtraError", "StructureError", "UnskewError"]


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


class StructureError(DataError):
    """The data lack the structure a method relies on, though plainer methods would work.

    ADASYN needs rows with neighbours of another class, K-means SMOTE a cluster where a class is
    dense enough; when they find none, plain SMOTE still can. Catch this (rather than matching
    message text) to fall back.

    Examples
    --------
    >>> from unskew.exceptions import DataError, StructureError
    >>> issubclass(StructureError, DataError)
    True
    """


class MissingExtraError(UnskewError, ImportError):
    """An optional dependency is needed; the message names the ``pip install`` command.

    Examples
    --------
    >>> from unskew.exceptions import MissingExtraError
    >>> issubclass(MissingExtraError, ImportError)
    True
    """
