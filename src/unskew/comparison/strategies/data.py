"""Data strategies: resample the training fold, then fit the model.

The resampler is a step of an imbalanced-learn Pipeline, so it runs in ``fit`` only: test folds
and new data are never resampled. It runs after preprocessing, so SMOTE and the other k-NN
methods interpolate standardised numbers and one-hot columns (the usual treatment of mixed
tables). ``smote-nc+*`` and ``smote-n+*`` are the exceptions: SMOTE-NC (numeric and categorical
tables) and SMOTE-N (all-categorical tables) run on the raw table and encoding follows, so new
rows hold real categories. Every k-NN resampler is wrapped in :class:`AdaptiveNeighbors`, which lowers ``k``
when a training fold has a class with ``k`` or fewer rows instead of failing.
"""

from __future__ import annotations

from functools import partial

from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer

from ...resampling import (
    ADASYN,
    SMOTE,
    SMOTEENN,
    SMOTEIPF,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    AdaptiveNeighbors,
    BorderlineSMOTE,
    EditedNearestNeighbours,
    KMeansSMOTE,
    LabelIssueFilter,
    MaskingOverSampler,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    OutlierRemoval,
    PolynomialFitSMOTE,
    ProWSyn,
    SMOTETomek,
    TomekLinks,
    WeightedSelection,
)
from ._models import build_pipeline, make_model, preprocessor_for
from ._spaces import MODEL_SPACES, merge

__all__ = ["RESAMPLERS", "build_resampled", "build_smote_n", "build_smote_nc", "entry",
           "make_resampler", "smote_n_unfit", "smote_nc_unfit"]


def _smote_tomek(random_state):
    return SMOTETomek(smote=SMOTE(k_neighbors=5, random_state=random_state),
                      random_state=random_state)


def _smote_enn(random_state):
    return SMOTEENN(smote=SMOTE(k_neighbors=5, random_state=random_state),
                    random_state=random_state)


# method -> (what it does, factory(random_state), within-class neighbour parameters that
# AdaptiveNeighbors caps on small classes (empty: no wrapper), whether it measures distances
# (then it gets scaled one-hot features whatever the model))
RESAMPLERS = {
    "ros": ("Random over-sampling of each minority class up to the majority count",
            lambda rs: RandomOverSampler(random_state=rs), (), False),
    "rus": ("Random under-sampling of each class down to the minority count",
            lambda rs: RandomUnderSampler(random_state=rs), (), False),
    "smote": ("SMOTE (k=5) synthetic minority rows",
              lambda rs: SMOTE(k_neighbors=5, random_state=rs), ("k_neighbors",), True),
    "borderline-smote": ("Borderline-SMOTE (k=5, m=10) synthetic rows from minority rows near "
                         "the class border",
                         lambda rs: BorderlineSMOTE(k_neighbors=5, m_neighbors=10,
                                                    random_state=rs),
                         ("k_neighbors", "m_neighbors"), True),
    "adasyn": ("ADASYN (k=5) synthetic rows, more where the minority is hard to learn",
               lambda rs: ADASYN(n_neighbors=5, random_state=rs), ("n_neighbors",), True),
    "svm-smote": ("SVM-SMOTE (k=5, m=10) synthetic rows around the support vectors of an SVM",
                  lambda rs: SVMSMOTE(k_neighbors=5, m_neighbors=10, random_state=rs),
                  ("k_neighbors", "m_neighbors"), True),
    "kmeans-smote": ("K-means SMOTE synthetic rows inside k-means clusters where the minority "
                     "is dense",
                     lambda rs: KMeansSMOTE(random_state=rs), ("k_neighbors",), True),
    "polyfit-smote": ("Polynomial-fit SMOTE (star topology: rows between each minority row and "
                      "the class mean; Gazzah and Amara 2008)",
                      lambda rs: PolynomialFitSMOTE(topology="star", random_state=rs), (), True),
    "prowsyn": ("ProWSyn: synthetic rows weighted towards minority rows near the majority "
                "(proximity levels; Barua et al. 2013)",
                lambda rs: ProWSyn(random_state=rs), (), True),
    "smote-ipf": ("SMOTE, then the iterative-partitioning filter removes rows that trees on "
                  "other parts misclassify (Saez et al. 2015)",
                  lambda rs: SMOTEIPF(random_state=rs), ("k_neighbors",), True),
    "smote-tomek": ("SMOTE (k=5) then Tomek-link removal", _smote_tomek,
                    ("smote__k_neighbors",), True),
    "smote-enn": ("SMOTE (k=5) then Edited Nearest Neighbours cleaning", _smote_enn,
                  ("smote__k_neighbors",), True),
    "tomek": ("Removal of the majority end of every Tomek link", lambda rs: TomekLinks(), (),
              True),
    "enn": ("Edited Nearest Neighbours (k=3): removal of majority rows whose neighbours "
            "disagree with them", lambda rs: EditedNearestNeighbours(), (), True),
    "oss": ("One-sided selection: a condensed nearest-neighbour subset of the majority, "
            "then Tomek-link removal", lambda rs: OneSidedSelection(random_state=rs), (), True),
    "ncr": ("Neighbourhood cleaning rule: ENN plus removal of majority rows that mislead the "
            "minority's neighbours", lambda rs: NeighbourhoodCleaningRule(), (), True),
    "masking": ("Masking augmentation: copies of minority rows with 15% of their features "
                "replaced by values of other rows of the same class",
                lambda rs: MaskingOverSampler(random_state=rs), (), False),
    "weighted-selection": ("Weighted selection: rows drawn with probability from balanced "
                           "class weights",
                           lambda rs: WeightedSelection(random_state=rs), (), False),
    "outlier-removal": ("Outlier removal per class (isolation forest and robust centroid "
                        "distance)",
                        lambda rs: OutlierRemoval(random_state=rs), (), True),
    "label-filter": ("Removal of suspected label errors found by out-of-fold confidence",
                     lambda rs: LabelIssueFilter(random_state=rs), (), False),
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
    if method not in RESAMPLERS:
        raise ValueError(f"unknown resampling method {method!r}; expected one of "
                         f"{', '.join(RESAMPLERS)}")
    _, factory, neighbor_params, _ = RESAMPLERS[method]
    resampler = factory(random_state)
    if not neighbor_params:
        return resampler
    return AdaptiveNeighbors(resampler, neighbor_params=neighbor_params)


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
    interpolates = RESAMPLERS[method][3]
    pre = preprocessor_for(model, feature_types, interpolates=interpolates)
    return build_pipeline(pre, make_model(model, random_state),
                          make_resampler(method, random_state))


def _space(method: str, model: str) -> dict[str, list]:
    space = merge(MODEL_SPACES[model])
    neighbor_params = RESAMPLERS[method][2]
    if neighbor_params:
        space[f"resample__resampler__{neighbor_params[0]}"] = [3, 5]
    return space


def _description(method: str, model: str) -> str:
    text, _, neighbor_params, _ = RESAMPLERS[method]
    note = ("; neighbours are found on scaled, one-hot encoded features, with k lowered for "
            "classes too small for it" if neighbor_params else "")
    return f"{text} on the training fold, then {_MODEL_NAMES[model]}{note}."


def smote_nc_unfit(feature_types: dict[str, str]) -> str | None:
    """Why SMOTE-NC does not apply to a table (None when it does).

    Examples
    --------
    >>> smote_nc_unfit({"x": "numeric"})
    'the table has no categorical column (smote+* covers all-numeric tables)'
    >>> smote_nc_unfit({"x": "numeric", "c": "categorical"}) is None
    True
    """
    kinds = set(feature_types.values())
    if "categorical" not in kinds:
        return "the table has no categorical column (smote+* covers all-numeric tables)"
    if "numeric" not in kinds:
        return "the table has no numeric column (SMOTE-NC interpolates numbers)"
    if kinds - {"numeric", "categorical"}:
        return "SMOTE-NC takes numeric and categorical columns only, not text or datetime"
    return None


def build_smote_nc(model: str, feature_types: dict[str, str],
                   random_state: int | None = None) -> Pipeline:
    """Build ``impute numbers -> SMOTE-NC on the raw table -> preprocess -> model``.

    SMOTE-NC interpolates the numeric columns and gives each synthetic row the most common
    category among its neighbours, on the table as it is, so new rows only hold real category
    values; the one-hot or ordinal encoding comes after. Missing numbers are imputed (median)
    first, because SMOTE-NC needs finite numbers; a missing category is a category of its own.

    Examples
    --------
    >>> pipe = build_smote_nc("lr", {"x": "numeric", "c": "categorical"}, 0)
    >>> list(pipe.named_steps)
    ['impute', 'resample', 'preprocess', 'model']
    """
    numeric = [c for c, kind in feature_types.items() if kind == "numeric"]
    categorical = [c for c, kind in feature_types.items() if kind == "categorical"]
    impute = ColumnTransformer([("numeric", SimpleImputer(strategy="median"), numeric)],
                               remainder="passthrough", verbose_feature_names_out=False)
    resample = AdaptiveNeighbors(SMOTENC(categorical_features=categorical, k_neighbors=5,
                                         random_state=random_state))
    return Pipeline([("impute", impute.set_output(transform="pandas")),
                     ("resample", resample),
                     ("preprocess", preprocessor_for(model, feature_types)),
                     ("model", make_model(model, random_state))])


def smote_n_unfit(feature_types: dict[str, str]) -> str | None:
    """Why SMOTE-N does not apply to a table (None when it does).

    Examples
    --------
    >>> smote_n_unfit({"x": "numeric", "c": "categorical"})
    'the table has non-categorical columns (x); SMOTE-N needs every column categorical'
    >>> smote_n_unfit({"c": "categorical", "d": "categorical"}) is None
    True
    """
    other = [c for c, kind in feature_types.items() if kind != "categorical"]
    if other:
        shown = ", ".join(other[:5]) + (", ..." if len(other) > 5 else "")
        return (f"the table has non-categorical columns ({shown}); SMOTE-N needs every column "
                "categorical")
    return None


def build_smote_n(model: str, feature_types: dict[str, str],
                  random_state: int | None = None) -> Pipeline:
    """Build ``SMOTE-N on the raw all-categorical table -> preprocess -> model``.

    SMOTE-N finds neighbours with the value difference metric and gives each synthetic row,
    column by column, the most common category among the seed row's neighbours, so new rows
    only hold categories seen in training (a missing value is a category of its own).

    Examples
    --------
    >>> pipe = build_smote_n("lr", {"c": "categorical"}, 0)
    >>> list(pipe.named_steps)
    ['resample', 'preprocess', 'model']
    """
    resample = AdaptiveNeighbors(SMOTEN(k_neighbors=5, random_state=random_state))
    return Pipeline([("resample", resample),
                     ("preprocess", preprocessor_for(model, feature_types)),
                     ("model", make_model(model, random_state))])


def text_unfit(feature_types: dict[str, str]) -> str | None:
    """Why text augmentation does not apply to a table (None when it has a text column).

    Examples
    --------
    >>> text_unfit({"x": "numeric"})
    'the table has no text column; text augmentation needs one'
    """
    if "text" not in feature_types.values():
        return "the table has no text column; text augmentation needs one"
    return None


def build_augment(model: str, feature_types: dict[str, str],
                  random_state: int | None = None) -> Pipeline:
    """Build ``text augmentation of the rare classes on the raw table -> preprocess -> model``.

    The rare classes of the table's first text column grow with token masking, deletion,
    swaps and span cut-outs of their own texts (labels are never touched), on the training
    fold only; the other columns of a synthetic row are its source row's.

    Examples
    --------
    >>> pipe = build_augment("lr", {"review": "text", "x": "numeric"}, 0)
    >>> list(pipe.named_steps), pipe.named_steps["resample"].text_column
    (['resample', 'preprocess', 'model'], 'review')
    """
    from ...text import TextAugmenter

    column = next(c for c, kind in feature_types.items() if kind == "text")
    return Pipeline([("resample", TextAugmenter(text_column=column, random_state=random_state)),
                     ("preprocess", preprocessor_for(model, feature_types)),
                     ("model", make_model(model, random_state))])


_MODEL_NAMES = {"lr": "logistic regression", "hgb": "histogram gradient boosting",
                "svm": "a linear SVM", "cnb": "complement naive Bayes"}
# the raw-table SMOTE variants: (factory, description, why a table does not suit it)
_RAW_TABLE = {
    "smote-nc": (build_smote_nc,
                 "SMOTE-NC (k=5) on the raw table: numbers interpolated, each category taken from "
                 "the neighbours' most common, then {model}; tables with both numeric and "
                 "categorical columns only.",
                 smote_nc_unfit),
    "smote-n": (build_smote_n,
                "SMOTE-N (k=5) on the raw table: neighbours by the value difference metric, each "
                "category taken from the neighbours' most common, then {model}; all-categorical "
                "tables only.",
                smote_n_unfit),
    "augment": (build_augment,
                "Text augmentation of the rare classes (token masking, deletion, swaps and span "
                "cut-outs of their own texts, labels untouched) on the raw table, then {model}; "
                "tables with a text column only.",
                text_unfit),
}


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``<method>+<model>`` (a row of the strategy table).

    ``method`` is one of ``RESAMPLERS`` (``preprocess -> resample -> model``) or a raw-table
    variant, ``"smote-nc"`` or ``"smote-n"`` (``resample -> preprocess -> model``).

    Examples
    --------
    >>> entry("smote", "lr")["search_space"]
    {'model__C': [0.1, 1.0, 10.0], 'resample__resampler__k_neighbors': [3, 5]}
    >>> entry("smote-n", "lr")["applies"]({"x": "numeric"})
    'the table has non-categorical columns (x); SMOTE-N needs every column categorical'
    """
    if method in _RAW_TABLE:
        build, text, unfit = _RAW_TABLE[method]
        return {"build": partial(build, model),
                "description": text.format(model=_MODEL_NAMES[model]),
                "search_space": merge(MODEL_SPACES[model], {} if method == "augment" else
                                      {"resample__resampler__k_neighbors": [3, 5]}),
                "applies": unfit}
    return {"build": partial(build_resampled, method, model),
            "description": _description(method, model), "search_space": _space(method, model)}
