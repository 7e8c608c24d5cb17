"""The k-nearest-neighbour engine shared by every resampler and by ``diagnose``.

One service, two kinds of backend: exact (scikit-learn's chunked brute force or trees; never an
``n x n`` matrix) and approximate (hnswlib / pynndescent from the ``fast`` extra).
``algorithm="auto"`` picks by the size of the problem.
"""

from ._index import ALGORITHMS, NeighborIndex, kneighbors

__all__ = ["ALGORITHMS", "NeighborIndex", "kneighbors"]
