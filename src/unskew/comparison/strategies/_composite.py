"""Composite strategies named by their members: ``stack[smote+lr|weighted+hgb]``, ``vote[...]``,
``avg[...]``.

They are not rows of the table (there is one per combination); :func:`lookup` builds them
from their name, so the engine's worker processes can rebuild them by name like any other.
Each member is the member strategy's full pipeline, so its resampler runs inside that member's
own ``fit``: scikit-learn's stacking fits members on the training fold and trains the
meta-learner on their out-of-fold predictions, so nothing leaks through it.
"""

from __future__ import annotations

import re
from functools import partial

from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from ._strategy import Strategy, presets_from

__all__ = ["COMBINERS", "build_composite", "parse_composite"]

# combiner -> description
COMBINERS = {
    "stack": "Stacking: a class-weighted logistic regression trained on the members' "
             "out-of-fold probabilities (5-fold) of {members}.",
    "vote": "Soft voting: the average of the predicted probabilities of {members}.",
    "avg": "Weighted average of the probabilities of {members}, the weights fitted on their "
           "out-of-fold predictions (5-fold) to maximise macro-F1.",
}
_PATTERN = re.compile(r"^(?P<combiner>[a-z]+)\[(?P<members>[^\[\]]+)\]$")


def parse_composite(name: str) -> tuple[str, list[str]] | None:
    """Split ``"stack[a+b|c+d]"`` into ``("stack", ["a+b", "c+d"])``; None if not composite.

    Examples
    --------
    >>> parse_composite("stack[smote+lr|weighted+hgb]")
    ('stack', ['smote+lr', 'weighted+hgb'])
    >>> parse_composite("smote+lr") is None
    True
    """
    match = _PATTERN.match(name.strip())
    if match is None:
        return None
    return match["combiner"], [m.strip() for m in match["members"].split("|")]


def build_composite(combiner: str, members: list[Strategy], feature_types: dict,
                    random_state=None):
    """Build the stacking or voting classifier over the members' pipelines.

    The stacking meta-learner is class-weighted: it is trained on the natural class
    distribution, so an unweighted one would undo the members' rebalancing.

    Examples
    --------
    >>> from unskew.comparison.strategies import lookup
    >>> est = lookup("vote[none+lr|weighted+lr]").build({"x": "numeric"}, 0)
    >>> [name for name, _ in est.estimators]
    ['none+lr', 'weighted+lr']
    """
    estimators = [(m.name, m.build(feature_types, random_state)) for m in members]
    if combiner == "stack":
        return StackingClassifier(
            estimators, final_estimator=LogisticRegression(class_weight="balanced", max_iter=1000),
            cv=StratifiedKFold(5, shuffle=True, random_state=random_state),
            stack_method="predict_proba", n_jobs=1,
        )
    if combiner == "avg":
        from ...ensemble import WeightedAverageClassifier

        return WeightedAverageClassifier(
            estimators, objective="macro_f1",
            cv=StratifiedKFold(5, shuffle=True, random_state=random_state))
    return VotingClassifier(estimators, voting="soft", n_jobs=1)


def composite_strategy(name: str, combiner: str, members: list[Strategy]) -> Strategy:
    """The :class:`Strategy` for a parsed composite name."""
    requires = next((m.requires for m in members if m.requires), None)
    return Strategy(
        name=name,
        family="ensembles",
        build=partial(build_composite, combiner, members),
        description=COMBINERS[combiner].format(members=", ".join(m.name for m in members)),
        presets=presets_from(None),
        requires=requires,
        binary_only=any(m.binary_only for m in members),
        applies=partial(_first_reason, members),
    )


def _first_reason(members: list[Strategy], feature_types: dict[str, str]) -> str | None:
    return next((f"{m.name}: {why}" for m in members
                 if (why := m.unfit_for(feature_types)) is not None), None)
