"""Subcommands of the ``unskew`` command line; each module registers itself in :mod:`._registry`.

Modules here import only the standard library at import time, so ``unskew --help`` stays fast;
the library is imported inside each command's ``run``.
"""
