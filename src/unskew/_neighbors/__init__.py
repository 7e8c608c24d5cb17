"""The k-nearest-neighbour engine shared by every resampler and by ``diagnose``.

One service, two kinds of backend: exact (scikit-learn's chunked brute force or trees; never an
``n x n`` matrix) and approximate (hnswlib / pynndescent from the ``fast`` extra).
``algorithm="auto"`` picks by the size of the problem. :func:`pure_neighbourhoods` proves, without
an exact search, which rows have only rows of their own class among their nearest neighbours:
the pruning behind the fast cleaners; :func:`edited_neighbourhoods` decides edited nearest
neighbours' rule for most rows from searches among their own class and among the others.
"""

from ._index import ALGORITHMS, AUTO_APPROXIMATE_MIN_ROWS, NeighborIndex, kneighbors
from ._pruning import Segments, agrees, edited_neighbourhoods, pure_neighbourhoods

__all__ = ["ALGORITHMS", "AUTO_APPROXIMATE_MIN_ROWS", "NeighborIndex", "Segments", "agrees",
           "edited_neighbourhoods", "kneighbors", "pure_neighbourhoods"]
