"""Ensembles for imbalanced data: leakage-free fusion of pipelines and imbalance ensembles.

Fusion: scikit-learn's ``VotingClassifier`` and ``StackingClassifier`` already fit each member
(e.g. an imbalanced-learn ``Pipeline`` with its own resampler) inside their own ``fit``, and
stacking trains its meta-learner on out-of-fold predictions: use them as they are.
:class:`WeightedAverageClassifier` adds soft voting whose weights are fitted on out-of-fold
probabilities.

Imbalance ensembles that imbalanced-learn lacks (its ``BalancedBaggingClassifier``,
``BalancedRandomForestClassifier``, ``EasyEnsembleClassifier`` and ``RUSBoostClassifier`` are
used as they are):

=====================================  ==========================================================
class                                  each member sees
=====================================  ==========================================================
:class:`SMOTEBoostClassifier`          the boosting-weighted rows plus fresh SMOTE rows per round
                                       (Chawla et al. 2003)
:class:`SMOTEBaggingClassifier`        every class at the largest class's size: b% bootstrap
                                       copies and (100-b)% SMOTE rows, b varying by bag
                                       (Wang and Yao 2009)
:class:`SelfPacedEnsembleClassifier`   larger classes under-sampled by hardness bins, from hard
                                       rows towards even bins (Liu et al. 2020)
=====================================  ==========================================================

Examples
--------
>>> from sklearn.datasets import make_classification
>>> from unskew.ensemble import SelfPacedEnsembleClassifier
>>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
>>> SelfPacedEnsembleClassifier(n_estimators=3, random_state=0).fit(X, y).predict(X[:4]).shape
(4,)
"""

from ._averaging import WeightedAverageClassifier
from ._self_paced import SelfPacedEnsembleClassifier
from ._smotebagging import SMOTEBaggingClassifier
from ._smoteboost import SMOTEBoostClassifier

__all__ = [
    "SMOTEBaggingClassifier",
    "SMOTEBoostClassifier",
    "SelfPacedEnsembleClassifier",
    "WeightedAverageClassifier",
]
