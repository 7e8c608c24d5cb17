"""The k-nearest-neighbour engine shared by every resampler and by ``diagnose``.

One service, two kinds of backend: exact (scikit-learn's chunked brute force or trees; never an
``n x n`` matrix) and approximate (hnswlib / pynndescent from the ``fast`` extra).
``algorithm="auto"`` picks by the size of the problem. :func:`pure_neighbourhoods` proves, without
an exact search, which rows have only rows of their own class among their nearest neighbours:
the pruning behind the fast cleaners; :func:`edited_neighbourhoods` also proves rows impure,
from a search among their own class only (edited nearest neighbours).
"""

from ._index import ALGORITHMS, AUTO_APPROXIMATE_MIN_ROWS, NeighborIndex, kneighbors
from ._pruning import Segments, edited_neighbourhoods, pure_neighbourhoods

__all__ = ["ALGORITHMS", "AUTO_APPROXIMATE_MIN_ROWS", "NeighborIndex", "Segments",
           "edited_neighbourhoods", "kneighbors", "pure_neighbourhoods"]
