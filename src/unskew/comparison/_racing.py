"""Racing: stop strategies that are clearly beaten, and spend the folds on the contenders.

Every strategy runs the same first rounds of folds (a round is one (repeat, fold) split for
every strategy still racing). After each later round, each strategy is compared with the
leader (the best mean so far) on the rounds both completed, by the one-sided corrected
resampled t-test of their paired differences (Nadeau & Bengio 2003; the same variance
correction as the leaderboard's intervals). A strategy whose upper confidence bound on
``score - leader`` is below zero is stopped. The level of each test is ``alpha`` divided by
the number of looks (a Bonferroni bound over the looks), so a strategy that is in truth as good
as the leader is stopped with probability at most ``alpha`` over the whole run, under the
corrected-t model. Decisions use only completed rounds, in plan order, so they never depend on
which task finished first: every executor gives the same leaderboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Racing:
    """The racing rule of one run.

    Parameters
    ----------
    metric : str, default="macro_f1"
        The selection metric, a key of each task's scores.
    greater_is_better : bool, default=True
        Direction of the metric.
    test_train_ratio : float, default=0.25
        ``n_test / n_train`` of one split (``1 / (K - 1)`` for K-fold).
    warmup : int, default=3
        Rounds every strategy runs before the first decision.
    alpha : float, default=0.05
        Chance, per strategy and run, of stopping one that is as good as the leader.

    Examples
    --------
    >>> rule = Racing(warmup=3)
    >>> scores = {"good": [0.80, 0.82, 0.79, 0.81], "bad": [0.50, 0.53, 0.49, 0.52],
    ...           "close": [0.79, 0.83, 0.78, 0.80]}
    >>> rule.stopped(scores, n_rounds=10)
    {'bad': 'dominated by good after 4 folds: behind it by at least 0.274 (one-sided 99.3% corrected-t bound)'}
    """

    metric: str = "macro_f1"
    greater_is_better: bool = True
    test_train_ratio: float = 0.25
    warmup: int = 3
    alpha: float = 0.05

    def looks(self, n_rounds: int) -> int:
        """How many decisions a run of ``n_rounds`` rounds takes (after each round from the
        warm-up on, but not after the last one)."""
        return max(n_rounds - self.warmup, 0)

    def stopped(self, scores: dict, *, n_rounds: int, contenders=None) -> dict:
        """The strategies to stop after the rounds in ``scores``, each with the reason.

        Parameters
        ----------
        scores : dict of str to sequence of float
            Each racing strategy's selection score per completed round (NaN where its task
            failed), all of the same length, in plan order.
        n_rounds : int
            Rounds in the whole run (sets the number of looks).
        contenders : iterable of str, optional
            The strategies that may lead (default: all); e.g. not one that predicts one class.

        Returns
        -------
        dict of str to str
            Empty before the warm-up ends or on the last round.
        """
        rounds = len(next(iter(scores.values()), ()))
        looks = self.looks(n_rounds)
        if rounds < self.warmup or rounds >= n_rounds or looks == 0 or len(scores) < 2:
            return {}
        sign = 1.0 if self.greater_is_better else -1.0
        table = {name: sign * np.asarray(s, dtype=np.float64) for name, s in scores.items()}
        allowed = set(table if contenders is None else contenders) & set(table)
        means = {n: float(np.mean(s)) for n, s in table.items()
                 if n in allowed and np.isfinite(s).all()}
        if not means:
            return {}
        leader = max(means, key=lambda n: (means[n], -sorted(table).index(n)))
        level = self.alpha / looks
        out = {}
        for name, s in table.items():
            if name == leader:
                continue
            d = s - table[leader]  # the strategy minus the leader, higher is better
            d = d[np.isfinite(d)]
            if d.size < self.warmup:
                continue
            upper = _upper_bound(d, test_train_ratio=self.test_train_ratio, level=level)
            if upper < 0:
                out[name] = (f"dominated by {leader} after {d.size} folds: behind it by at "
                             f"least {-upper:.3f} (one-sided {100 * (1 - level):.1f}% "
                             "corrected-t bound)")
        return out


def _upper_bound(d: np.ndarray, *, test_train_ratio: float, level: float) -> float:
    """One-sided ``1 - level`` upper bound of the mean of paired differences ``d``, with the
    Nadeau-Bengio corrected variance (a zero-variance difference is its own bound)."""
    mean = float(d.mean())
    var = float(d.var(ddof=1)) * (1.0 / d.size + test_train_ratio)
    if var <= 0:
        return mean
    return mean + float(stats.t.ppf(1.0 - level, df=d.size - 1)) * np.sqrt(var)
