"""The one guard for optional dependencies: import them, or say exactly what to install."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from ..exceptions import MissingExtraError

# module -> the extra that provides it
EXTRA_OF = {
    "torch": "torch",
    "transformers": "text",
    "sentence_transformers": "text",
    "dask": "dask",
    "distributed": "dask",
    "hnswlib": "fast",
    "pynndescent": "fast",
}


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the ``pip install`` to run.

    Parameters
    ----------
    module : str
        Top-level module name, e.g. ``"torch"``.
    purpose : str
        What needs it, for the message (``"unskew.losses"``).

    Examples
    --------
    >>> from unskew._utils._optional import require
    >>> require("json", "the example").__name__
    'json'
    >>> require("no_such_module_xyz", "the example")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unskew.exceptions.MissingExtraError: the example needs no_such_module_xyz...
    """
    try:
        return import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module.split(".")[0]:
            raise
        extra = EXTRA_OF.get(module.split(".")[0])
        how = f'pip install "unskew[{extra}]"' if extra else f"pip install {module}"
        raise MissingExtraError(f"{purpose} needs {module}, which is not installed: {how}") from exc
