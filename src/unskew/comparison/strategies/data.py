"""Data strategies: resample the training fold, then fit the model.

The resampler is a step of an imbalanced-learn Pipeline, so it runs in ``fit`` only: test folds
and new data are never resampled. It runs after preprocessing, so SMOTE and the other k-NN
methods interpolate standardised numbers and one-hot columns (the usual treatment of mixed
tables). Every k-NN resampler is wrapped in :class:`AdaptiveNeighbors`, which lowers ``k`` when
a training fold has a class with ``k`` or fewer rows instead of failing.
"""

from __future__ import annotations

from functools import partial

from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks

from ._adaptive import AdaptiveNeighbors
from ._models import build_pipeline, make_model, preprocessor_for
from ._registry import Strategy, register
from ._spaces import MODEL_SPACES, merge

__all__ = ["RESAMPLERS", "build_resampled", "make_resampler"]

# method -> (what it does, whether it interpolates between neighbours)
RESAMPLERS = {
    "ros": ("Random over-sampling of each minority class up to the majority count", False),
    "rus": ("Random under-sampling of each class down to the minority count", False),
    "smote": ("SMOTE (k=5) synthetic minority rows", True),
    "borderline-smote": ("Borderline-SMOTE (k=5, m=10) synthetic rows from minority rows near "
                         "the class border", True),
    "adasyn": ("ADASYN (k=5) synthetic rows, more where the minority is hard to learn", True),
    "smote-tomek": ("SMOTE (k=5) then Tomek-link removal", True),
    "smote-enn": ("SMOTE (k=5) then Edited Nearest Neighbours cleaning", True),
}

# where each method's within-class neighbour count sits, relative to the resampler it builds
_NEIGHBOR_PARAM = {
    "smote": "k_neighbors",
    "borderline-smote": "k_neighbors",
    "adasyn": "n_neighbors",
    "smote-tomek": "smote__k_neighbors",
    "smote-enn": "smote__k_neighbors",
}


def make_resampler(method: str, random_state: int | None = None):
    """Return the unfitted resampler for ``method`` (k-NN ones wrapped in AdaptiveNeighbors).

    Parameters
    ----------
    method : str
        One of ``RESAMPLERS``.
    random_state : int or None, default=None
        Seed of the resampling.

    Returns
    -------
    object with ``fit_resample``

    Examples
    --------
    >>> make_resampler("rus", 0)
    RandomUnderSampler(random_state=0)
    >>> type(make_resampler("smote", 0)).__name__
    'AdaptiveNeighbors'
    """
    if method == "ros":
        return RandomOverSampler(random_state=random_state)
    if method == "rus":
        return RandomUnderSampler(random_state=random_state)
    if method == "smote":
        inner = SMOTE(k_neighbors=5, random_state=random_state)
    elif method == "borderline-smote":
        inner = BorderlineSMOTE(k_neighbors=5, m_neighbors=10, random_state=random_state)
    elif method == "adasyn":
        inner = ADASYN(n_neighbors=5, random_state=random_state)
    elif method == "smote-tomek":
        inner = SMOTETomek(smote=SMOTE(k_neighbors=5, random_state=random_state),
                           tomek=TomekLinks(), random_state=random_state)
    elif method == "smote-enn":
        inner = SMOTEENN(smote=SMOTE(k_neighbors=5, random_state=random_state),
                         enn=EditedNearestNeighbours(), random_state=random_state)
    else:
        raise ValueError(f"unknown resampling method {method!r}; expected one of "
                         f"{', '.join(RESAMPLERS)}")
    return AdaptiveNeighbors(inner, neighbor_params=(_NEIGHBOR_PARAM[method],))


def build_resampled(method: str, model: str, feature_types: dict[str, str],
                    random_state: int | None = None):
    """Build ``preprocess -> resample -> model``.

    Interpolating resamplers always get scaled one-hot features (distances must mean something),
    whatever the model; random over/under-sampling with a tree model keeps the tree encoding.

    Parameters
    ----------
    method : str
        One of ``RESAMPLERS``.
    model : {"lr", "hgb", "rf"}
        The base model.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the resampler and of the model.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> pipe = build_resampled("smote", "lr", {"x": "numeric"}, 0)
    >>> list(pipe.named_steps)
    ['preprocess', 'resample', 'model']
    """
    interpolates = RESAMPLERS[method][1]
    pre = preprocessor_for(model, feature_types, interpolates=interpolates)
    return build_pipeline(pre, make_model(model, random_state),
                          make_resampler(method, random_state))


def _space(method: str, model: str) -> dict[str, list]:
    space = merge(MODEL_SPACES[model])
    if method in _NEIGHBOR_PARAM:
        space[f"resample__resampler__{_NEIGHBOR_PARAM[method]}"] = [3, 5]
    return space


def _description(method: str, model: str) -> str:
    text, interpolates = RESAMPLERS[method]
    note = ("; neighbours are found on scaled, one-hot encoded features, with k lowered for "
            "classes too small for it" if interpolates else "")
    return f"{text} on the training fold, then {_MODEL_NAMES[model]}{note}."


_MODEL_NAMES = {"lr": "logistic regression", "hgb": "histogram gradient boosting"}
_FAST = {("ros", "lr"), ("rus", "lr"), ("smote", "lr")}

for _method, _model in [
    ("ros", "lr"), ("rus", "lr"), ("smote", "lr"), ("smote", "hgb"),
    ("borderline-smote", "lr"), ("adasyn", "lr"), ("smote-tomek", "lr"), ("smote-enn", "lr"),
    ("rus", "hgb"),
]:
    register(Strategy(
        name=f"{_method}+{_model}",
        family="data",
        build=partial(build_resampled, _method, _model),
        description=_description(_method, _model),
        presets=frozenset({"fast", "default", "thorough"} if (_method, _model) in _FAST
                          else {"default", "thorough"}),
        search_space=_space(_method, _model),
    ))
