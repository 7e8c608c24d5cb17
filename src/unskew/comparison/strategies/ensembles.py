"""Imbalance ensembles: each member sees a rebalanced draw of the training fold.

imbalanced-learn's (balanced random forest, EasyEnsemble, RUSBoost) and unskew's
(:mod:`unskew.ensemble`: SMOTEBoost, SMOTEBagging, self-paced ensemble) rebalance inside their
own ``fit`` (per tree or per boosting round), so, like every strategy, they never touch the test
fold. Under-sampling ensembles use the tree encoding (unscaled numbers, ordinal-coded
categories); the SMOTE-based ones get scaled one-hot features, since SMOTE measures distances.
"""

from __future__ import annotations

from functools import partial

from imblearn.ensemble import (
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    RUSBoostClassifier,
)
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from ...ensemble import (
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
)
from ._models import build_pipeline, preprocessor

__all__ = ["ENSEMBLES", "build_ensemble", "entry", "make_ensemble"]

ENSEMBLES = ("balanced-rf", "easy-ensemble", "rusboost", "smoteboost", "smotebagging",
             "self-paced")
# these interpolate between neighbours, so they get scaled one-hot features
_INTERPOLATING = {"smoteboost", "smotebagging"}


def make_ensemble(method: str, random_state: int | None = None):
    """Return the unfitted imbalance ensemble for ``method``.

    Parameters
    ----------
    method : str
        One of ``ENSEMBLES``. ``"balanced-rf"``: BalancedRandomForestClassifier (200 trees, each on a bootstrap
        under-sampled to balance; ``sampling_strategy="all", replacement=True,
        bootstrap=False``, the settings of Chen et al. 2004 and of imbalanced-learn >= 0.13);
        ``"easy-ensemble"``: EasyEnsembleClassifier, 10 AdaBoost learners each on a balanced
        random under-sample (Liu et al. 2009); ``"rusboost"``: RUSBoostClassifier, 100
        boosting rounds of fully grown trees (as the C4.5 trees of Seiffert et al. 2010) with
        random under-sampling at each round and a learning rate of 0.1: with shallow trees or
        a rate of 1, imbalanced-learn's SAMME boosting usually stops after a few rounds, once
        a member is "worse than random" on the reweighted data. ``"smoteboost"``: 50 SAMME
        rounds of depth-3 trees with SMOTE rows added at each round (Chawla et al. 2003);
        ``"smotebagging"``: 10 trees (leaves of >= 5 rows), each bag every class at the largest
        class's size from b% bootstrap copies and SMOTE rows (Wang and Yao 2009);
        ``"self-paced"``: 10 trees on hardness-harmonised under-samples (Liu et al. 2020).
    random_state : int or None, default=None
        Seed.

    Returns
    -------
    classifier
        Unfitted.

    Examples
    --------
    >>> make_ensemble("easy-ensemble", 0).n_estimators
    10
    """
    if method == "balanced-rf":
        return BalancedRandomForestClassifier(
            n_estimators=200, sampling_strategy="all", replacement=True, bootstrap=False,
            n_jobs=1, random_state=random_state,
        )
    if method == "easy-ensemble":
        return EasyEnsembleClassifier(
            n_estimators=10, estimator=AdaBoostClassifier(n_estimators=50), n_jobs=1,
            random_state=random_state,
        )
    if method == "rusboost":
        return RUSBoostClassifier(
            estimator=DecisionTreeClassifier(), n_estimators=100, learning_rate=0.1,
            random_state=random_state,
        )
    if method == "smoteboost":
        return SMOTEBoostClassifier(
            DecisionTreeClassifier(max_depth=3), n_estimators=50, learning_rate=0.5,
            random_state=random_state,
        )
    if method == "smotebagging":
        # unpruned trees on SMOTE bags overfit the rare class's synthetic rows
        return SMOTEBaggingClassifier(
            DecisionTreeClassifier(min_samples_leaf=5), n_estimators=10, n_jobs=1,
            random_state=random_state,
        )
    if method == "self-paced":
        return SelfPacedEnsembleClassifier(n_estimators=10, random_state=random_state)
    raise ValueError(f"unknown ensemble {method!r}; expected one of {', '.join(ENSEMBLES)}")


def build_ensemble(method: str, feature_types: dict[str, str], random_state: int | None = None):
    """Build ``preprocess -> ensemble``.

    Parameters
    ----------
    method : str
        See :func:`make_ensemble`.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> type(build_ensemble("rusboost", {"x": "numeric"}, 0)[-1]).__name__
    'RUSBoostClassifier'
    """
    encoding = "onehot" if method in _INTERPOLATING else "ordinal"
    pre = preprocessor(feature_types, encoding=encoding, dense=method in _INTERPOLATING)
    return build_pipeline(pre, make_ensemble(method, random_state))


# method -> (description, search space)
_ENTRIES = {
    "balanced-rf": (
        "Balanced random forest: 200 trees, each grown on a class-balanced random "
        "under-sample of the training fold.",
        {"model__max_features": ["sqrt", 0.5], "model__min_samples_leaf": [1, 3]},
    ),
    "easy-ensemble": (
        "EasyEnsemble: 10 AdaBoost models, each trained on a balanced random under-sample.",
        {"model__n_estimators": [10, 20], "model__estimator__learning_rate": [0.5, 1.0]},
    ),
    "rusboost": (
        "RUSBoost: 100 rounds of boosted decision trees (learning rate 0.1), with a random "
        "under-sample to balance at every round.",
        {"model__learning_rate": [0.1, 0.3], "model__estimator__max_depth": [None, 8]},
    ),
    "smoteboost": (
        "SMOTEBoost: 50 boosting rounds of depth-3 trees, with fresh SMOTE rows of the rarer "
        "classes at every round (Chawla et al. 2003).",
        {"model__learning_rate": [0.5, 1.0], "model__estimator__max_depth": [3, 6]},
    ),
    "smotebagging": (
        "SMOTEBagging: 10 trees, each on a bag with every class at the majority's size from "
        "bootstrap copies and SMOTE rows (Wang and Yao 2009).",
        {"model__n_estimators": [10, 20], "model__estimator__min_samples_leaf": [1, 5]},
    ),
    "self-paced": (
        "Self-paced ensemble: 10 trees on under-samples of the larger classes chosen by "
        "hardness, from hard rows towards even hardness bins (Liu et al. 2020).",
        {"model__n_estimators": [10, 20], "model__k_bins": [5, 10]},
    ),
}


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``<method>+<model>`` (a row of the strategy table).

    ``method`` is one of ``ENSEMBLES``; ``model`` names its members (``"trees"``, ``"ada"``).

    Examples
    --------
    >>> sorted(entry("rusboost", "trees")["search_space"])
    ['model__estimator__max_depth', 'model__learning_rate']
    """
    description, space = _ENTRIES[method]
    return {"build": partial(build_ensemble, method), "description": description,
            "search_space": space}
