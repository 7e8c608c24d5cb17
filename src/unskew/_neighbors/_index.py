"""``NeighborIndex``: a scikit-learn ``NearestNeighbors``-compatible front over the backends."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.validation import check_is_fitted

ALGORITHMS = ("auto", "exact")


class NeighborIndex(BaseEstimator):
    """Euclidean k-nearest neighbours through one interface, exact or approximate.

    It has the public surface of :class:`sklearn.neighbors.NearestNeighbors` that resamplers use
    (``n_neighbors``, ``fit``, ``kneighbors``), so it can be passed wherever imbalanced-learn
    accepts a neighbours object.

    Parameters
    ----------
    n_neighbors : int, default=5
        Neighbours returned by ``kneighbors`` when it is not told otherwise.
    algorithm : {"auto", "exact"}, default="auto"
        Backend. ``"exact"`` gives the same neighbours as scikit-learn.
    n_jobs : int or None, default=None
        Threads for the search.

    Attributes
    ----------
    n_samples_fit_ : int
        Rows indexed.
    backend_ : str
        The backend ``"auto"`` chose.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors import NeighborIndex
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> NeighborIndex(n_neighbors=1).fit(X).kneighbors(return_distance=False).ravel().tolist()
    [1, 0, 1]
    """

    def __init__(self, n_neighbors=5, *, algorithm="auto", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Index the rows of ``X``."""
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"NeighborIndex: algorithm must be one of {ALGORITHMS}, "
                             f"got {self.algorithm!r}.")
        self.backend_ = "exact"
        self._nn = NearestNeighbors(n_neighbors=self.n_neighbors, n_jobs=self.n_jobs).fit(X)
        self.n_samples_fit_ = self._nn.n_samples_fit_
        return self

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Neighbours of ``X`` (of the indexed rows themselves, excluding each row, when None)."""
        check_is_fitted(self, "backend_")
        return self._nn.kneighbors(X, n_neighbors=n_neighbors, return_distance=return_distance)


def kneighbors(X, n_neighbors, *, query=None, algorithm="auto", n_jobs=None,
               return_distance=False):
    """Indices (and distances) of the ``n_neighbors`` nearest rows of ``X``.

    With ``query=None`` each row of ``X`` is its own query and is excluded from its neighbours.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors import kneighbors
    >>> kneighbors(np.array([[0.0], [1.0], [3.0]]), 1).ravel().tolist()
    [1, 0, 1]
    """
    index = NeighborIndex(n_neighbors, algorithm=algorithm, n_jobs=n_jobs).fit(X)
    result = index.kneighbors(query, return_distance=return_distance)
    return result if return_distance else np.asarray(result)
