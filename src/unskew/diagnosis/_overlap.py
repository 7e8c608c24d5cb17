"""Class overlap as k-disagreeing neighbours (kDN, Smith, Martinez & Giraud-Carrier 2014)."""

from __future__ import annotations

import numpy as np

from .._neighbors import NeighborIndex


def neighbour_disagreement(Z, codes: np.ndarray, n_neighbors: int,
                           class_weights: np.ndarray | None = None,
                           random_state=None) -> np.ndarray:
    """Share of each row's ``n_neighbors`` nearest other rows that carry a different label.

    Parameters
    ----------
    Z : ndarray or sparse matrix of shape (n_rows, n_features)
        Preprocessed, scaled features.
    codes : ndarray of int, shape (n_rows,)
        Encoded labels.
    n_neighbors : int
        Neighbours per row; a row is never its own neighbour.
    class_weights : ndarray of float, shape (n_classes,), optional
        Rows each kept row of a class stands for when ``Z`` is a stratified sample; a neighbour
        counts with its class's weight, so a thinned-out majority class is not under-counted.
    random_state : int or None, optional
        Seed of the approximate neighbour search that the shared engine picks from 100k rows
        (exact below that).

    Returns
    -------
    ndarray of float, shape (n_rows,)
        Values in [0, 1] (the per-row "kDN" instance hardness).
    """
    n_neighbors = min(n_neighbors, Z.shape[0] - 1)
    if n_neighbors < 1:
        return np.zeros(Z.shape[0])
    index = NeighborIndex(n_neighbors, random_state=random_state).fit(Z)
    neighbours = index.kneighbors(return_distance=False)  # X=None: a row is not its own neighbour
    labels = codes[neighbours]
    other = labels != codes[:, None]
    if class_weights is None:
        return other.mean(axis=1)
    weight = class_weights[labels]
    return (weight * other).sum(axis=1) / weight.sum(axis=1)


def class_overlap(hardness: np.ndarray, codes: np.ndarray, n_classes: int,
                  class_weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Mean neighbour disagreement per class, and over all rows of the full data.

    The overall mean weights each class by its share of the full data (``class_weights`` times
    its checked rows), so on a stratified sample it still estimates the mean over every row.
    """
    checked = np.bincount(codes, minlength=n_classes)
    sums = np.bincount(codes, weights=hardness, minlength=n_classes)
    per_class = np.divide(sums, checked, out=np.zeros(n_classes), where=checked > 0)
    rows = checked * (class_weights if class_weights is not None else 1.0)
    return per_class, float((per_class * rows).sum() / rows.sum())
