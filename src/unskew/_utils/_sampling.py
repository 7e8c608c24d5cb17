"""Which rows an over-sampler copies: the one draw shared by rooms that grow rare classes."""

from __future__ import annotations

import numpy as np


def draw_sources(y: np.ndarray, sampling_strategy: dict, rng) -> list[tuple]:
    """The source rows of each class's new rows, in whole shuffled passes over the class.

    Each row of a class is copied ``ceil(n_new / n_c)`` times at most, so no row is favoured
    by chance (a plain draw with replacement would copy some rows many times and others never).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    sampling_strategy : dict
        ``{class: number of new rows}``, as imbalanced-learn resolves it.
    rng : numpy.random.RandomState
        The resampler's generator (its state advances).

    Returns
    -------
    list of (class, members, sources)
        For each class that grows, in ``sampling_strategy`` order: its row positions and the
        positions its new rows copy.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 0, 1, 1])
    >>> [(c, s.size, set(s) <= {3, 4}) for c, _, s in
    ...  draw_sources(y, {0: 0, 1: 3}, np.random.RandomState(0))]
    [(1, 3, True)]
    """
    drawn = []
    for cls, n_new in sampling_strategy.items():
        if n_new == 0:
            continue
        members = np.flatnonzero(y == cls)
        passes = -(-n_new // members.size)
        sources = np.concatenate([rng.permutation(members) for _ in range(passes)])[:n_new]
        drawn.append((cls, members, sources))
    return drawn
