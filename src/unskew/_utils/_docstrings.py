"""One way to write long shared parameter docs once and put them into several docstrings."""

from __future__ import annotations

__all__ = ["fill_doc"]


def fill_doc(**fields: str):
    """Decorate a class or function: put shared text into the ``{name}`` fields of its docstring.

    Each ``{name}`` with a ``name`` in ``fields`` is replaced by its text; nothing else changes,
    so other braces in the docstring (``{class: n_samples}``, set literals) need no escaping,
    and a field the docstring does not use is ignored (one set of fields serves several
    classes). Write a field's first line without indentation (the ``{name}`` placeholder
    carries it) and its continuation lines indented as in the docstring. A docstring stripped
    by ``python -OO`` stays ``None``.

    Parameters
    ----------
    **fields : str
        ``{name: text}`` for each field to fill.

    Returns
    -------
    callable
        The decorator; it returns the object it decorates, its ``__doc__`` filled in.

    Examples
    --------
    >>> from unskew._utils._docstrings import fill_doc
    >>> SEED = '''random_state : int or None, default=None
    ...         Seed of the draws.'''
    >>> @fill_doc(random_state=SEED)
    ... class Sampler:
    ...     '''Draw rows; sampling_strategy is a {class: n_samples} dict.
    ...
    ...     Parameters
    ...     ----------
    ...     {random_state}
    ...     '''
    >>> print(Sampler.__doc__)
    Draw rows; sampling_strategy is a {class: n_samples} dict.
    <BLANKLINE>
        Parameters
        ----------
        random_state : int or None, default=None
            Seed of the draws.
    <BLANKLINE>
    """
    def decorate(obj):
        if obj.__doc__:
            text = obj.__doc__
            for name, value in fields.items():
                text = text.replace("{" + name + "}", value)
            obj.__doc__ = text
        return obj

    return decorate
