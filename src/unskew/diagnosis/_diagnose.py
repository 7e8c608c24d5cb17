"""``diagnose``: read the data, run the checks, collect a :class:`Profile`."""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable
from functools import partial

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state

from .._detect import confident_issues, find_outliers, out_of_fold_probabilities
from .._preprocessing import make_preprocessor
from .._utils._text import did_you_mean, preview
from ..datasets import Dataset, as_dataset
from ..exceptions import DataError
from ..text import TextVectorizer
from . import _warnings
from ._columns import suspect_columns
from ._duplicates import find_duplicates
from ._label_issues import LabelIssue, LabelIssueReport
from ._outliers import OutlierReport
from ._overlap import class_overlap, neighbour_disagreement
from ._profile import CHECKS, Profile
from ._subsample import rows_by_class, stratified_sample
from ._text import MAX_TEXT_COLUMNS, text_report

MIN_MAX_ROWS = 100
_Z_THRESHOLD = 3.0
_MAX_LISTED_OUTLIERS = 100
_MAX_LISTED_LABEL_ISSUES = 1000
# the out-of-fold model on n-gram TF-IDF. Against 10% planted label flips (drug reviews' rating
# and 40-class condition, BBC news; two seeds each), C=4 found more flips than C=1 at about the
# same precision (F1 0.40-0.41 vs 0.37-0.40 on conditions, 0.83-0.85 vs 0.78-0.83 on BBC), and
# tol=1e-3 halved the time for the same rows flagged: a rough fit is enough to rank rows
_TEXT_MODEL = LogisticRegression(C=4.0, tol=1e-3, max_iter=500)
# a multinomial fit costs classes x non-zeros, and character n-grams give ~1,000 non-zeros a
# review: beyond this many classes the model reads the 100-component SVD view instead, the
# dense view compare gives trees (188 conditions of 972 reviews: 5 s instead of 300 s, and as
# many planted flips found on the 40-class set, F1 0.40-0.43; on 3-class sentiment the SVD
# view lost precision, so few classes stay sparse)
_MAX_CLASSES_SPARSE_TEXT = 10
_TEXT_COMPONENTS = 100


def diagnose(data, target: str | None = None, *, head_min: int = 100, tail_max: int = 20,
             n_neighbors: int = 5, cv: int = 5, k_neighbors: int = 5,
             max_rows: int = 100_000, random_state=None,
             checks: Iterable[str] = CHECKS) -> Profile:
    """Profile a labelled dataset for class-imbalanced learning.

    Counts the classes, puts them in head / medium / tail buckets, measures how much each class
    overlaps the others, finds outliers inside each class, suspected label errors and identical
    rows with conflicting labels, and turns what it found into concrete warnings (a class too
    small for SMOTE or for the number of folds, constant columns, missing values, ...). Each
    text column (the first five) also gets per-class length and vocabulary statistics and its
    identical and nearly identical texts with conflicting labels (:class:`TextReport`).

    Parameters
    ----------
    data : Dataset, str, path-like, pandas.DataFrame or polars.DataFrame
        A :class:`~unskew.datasets.Dataset`; a benchmark name such as ``"binary:yeast4"``; or
        anything :func:`~unskew.datasets.load_table` reads, in which case ``target`` is
        required. :func:`~unskew.datasets.as_dataset` tells them apart.
    target : str, optional
        The label column when ``data`` is a table.
    head_min : int, default=100
        A class with more than ``head_min`` rows is *head*.
    tail_max : int, default=20
        A class with fewer than ``tail_max`` rows is *tail*; the others are *medium*. The
        defaults are the many-shot / few-shot cut-offs of the long-tail literature (Liu et al.,
        "Large-Scale Long-Tailed Recognition in an Open World", CVPR 2019).
    n_neighbors : int, default=5
        Neighbours per row for the overlap check.
    cv : int, default=5
        Folds of the out-of-fold model behind the label-error check, and the fold count a
        class must reach to avoid the ``"class_smaller_than_folds"`` warning.
    k_neighbors : int, default=5
        The ``k_neighbors`` of the SMOTE-family resamplers you plan to use: a class with at
        most this many rows triggers ``"class_too_small_for_knn"``.
    max_rows : int, default=100_000
        The overlap and label-error checks, whose cost grows faster than the number of rows,
        run on at most this many rows: a stratified sample in which every class keeps
        ``min(its rows, max_rows // (2 * n_classes))`` rows and the rest of the budget is shared
        in proportion to class size. Neighbours then count with the inverse of their class's
        sampling rate, so overlap still estimates the full data's. ``Profile.n_rows_checked``
        says how many rows were used. Outliers and duplicates always use every row, except
        that near-duplicate texts are searched among the texts of those checked rows.
    random_state : int, numpy.random.RandomState or None, default=None
        Seeds the sample, the IsolationForests, the folds and the model.
    checks : iterable of str, default=("overlap", "outliers", "label_issues", "duplicates")
        The checks to run; leave out the expensive ones to go faster. Counts, buckets, the
        class-size and column warnings and the text statistics are always computed; the
        text columns' conflicting duplicates belong to ``"duplicates"``.

    Returns
    -------
    Profile
        Every number found, the warnings and the time each step took.

    Raises
    ------
    DataError
        If ``data`` cannot be read, a table comes without ``target``, or ``target`` is given
        with a :class:`Dataset` or a benchmark name.
    ValueError
        If a parameter is out of range or ``checks`` names an unknown check.

    Notes
    -----
    Every check works on the preprocessed feature matrix of
    :func:`unskew._preprocessing.make_preprocessor` (numeric columns median-imputed and
    standardised, categorical ones one-hot encoded, text as a 2,000-word TF-IDF), the encoding
    the tabular strategies of ``compare`` use; label issues on text tables read n-grams
    (below).

    - *Overlap* is the mean k-disagreeing-neighbours hardness (Smith, Martinez & Giraud-Carrier,
      "An instance level analysis of data complexity", Machine Learning 95, 2014): the share of a
      row's ``n_neighbors`` nearest rows (scikit-learn's
      :class:`~sklearn.neighbors.NearestNeighbors`) that carry another label.
    - *Outliers* are flagged per class by an :class:`~sklearn.ensemble.IsolationForest` and by a
      robust z-score (median / MAD) of the distance to the class's median point above 3; see
      :class:`OutlierReport`.
    - *Label issues* follow confident learning (Northcutt, Jiang & Chuang, "Confident Learning:
      Estimating Uncertainty in Dataset Labels", JAIR 2021), built on scikit-learn's
      :func:`~sklearn.model_selection.cross_val_predict` with a
      :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (about 100 trees per fit; a
      logistic regression for sparse text features or more than 10 classes); see
      :class:`LabelIssueReport`. On a table with text columns the model is a logistic
      regression (C=4) that reads each text column as :class:`unskew.text.TextVectorizer`
      features (word 1-2-grams and character 2-5-grams, the encoding of ``compare``'s
      linear text strategies), so misspelt, inflected and unspaced (CJK) texts are judged by
      their character n-grams; beyond 10 classes it reads their 100-component SVD view,
      since a multinomial fit on the sparse n-grams grows with classes times non-zeros.
      Overlap and outliers keep the 2,000-word TF-IDF: nearest neighbours in the
      150,000-column n-gram space took seven times longer on 20,000 reviews.
    - *Duplicates* hash every row with :func:`pandas.util.hash_pandas_object`. In a text
      column, texts are compared normalised (Unicode NFKC, case-folded, punctuation dropped,
      spaces collapsed) on every row, and nearly identical ones (difflib ratio >= 0.9) among
      the distinct texts of the checked rows: MinHash locality-sensitive hashing of
      character 3-grams (24 bands of 4 hashes) proposes candidate pairs with different
      labels, at most 480 per text, and :class:`difflib.SequenceMatcher` confirms them within
      a fixed budget; see :class:`TextReport`.

    On one million rows and 50 numeric features the whole profile takes well under two minutes
    on two CPU cores (see ``benchmarks/bench_diagnose.py``).

    Examples
    --------
    >>> from unskew.diagnosis import diagnose
    >>> profile = diagnose("multiclass:ecoli", random_state=0)
    >>> profile.class_counts
    {'cp': 143, 'im': 77, 'pp': 52, 'imU': 35, 'om': 20, 'omL': 5, 'imL': 2, 'imS': 2}
    >>> [c for c, b in profile.buckets.items() if b == "tail"]
    ['omL', 'imL', 'imS']
    >>> print(profile.warnings[0])  # doctest: +NORMALIZE_WHITESPACE
    [class_too_small_for_knn] too few rows for SMOTE-family resamplers with k_neighbors=5,
    which need k_neighbors + 1 rows of a class: 'omL' (5 rows), 'imL' (2 rows), 'imS' (2 rows).
    Pass k_neighbors=1 or less, or use random over-sampling or class weights for such classes.

    A table needs its label column:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": range(40), "fraud": [0] * 36 + [1] * 4})
    >>> diagnose(df, target="fraud", checks=("duplicates",)).buckets
    {0: 'medium', 1: 'tail'}
    """
    started = time.perf_counter()
    checks = _check_params(head_min=head_min, tail_max=tail_max, n_neighbors=n_neighbors, cv=cv,
                           k_neighbors=k_neighbors, max_rows=max_rows, checks=checks)
    dataset = _as_dataset(data, target)
    rng = check_random_state(random_state)
    # one seed each: the sample, the label-issue folds and model, each class's forest
    seeds = rng.randint(np.iinfo(np.int32).max, size=2 + dataset.n_classes)
    timings: dict[str, float] = {}
    text_columns = [c for c, kind in dataset.feature_types.items() if kind == "text"]

    classes = list(dataset.classes)
    codes = pd.Index(classes, tupleize_cols=False).get_indexer(dataset.y).astype(np.intp)
    counts = {c: int(n) for c, n in zip(classes, np.bincount(codes, minlength=len(classes)),
                                         strict=True)}
    sizes = np.fromiter(counts.values(), dtype=float)
    imbalance_ratio = float(sizes.max() / sizes.min())
    buckets = {c: _bucket(n, head_min, tail_max) for c, n in counts.items()}

    found = _warnings.class_size_warnings(counts, k_neighbors=k_neighbors, cv=cv)
    found += _warnings.imbalance_warning(counts, imbalance_ratio)
    tick = time.perf_counter()
    found += _warnings.column_warnings(dataset.X)
    found += _warnings.suspect_column_warnings(suspect_columns(
        dataset.X, dataset.y.to_numpy(), dataset.feature_types, random_state=int(seeds[1])))
    timings["columns"] = time.perf_counter() - tick

    results: dict = {}
    checked_rows, class_weights = stratified_sample(
        codes, len(classes), max_rows, np.random.RandomState(seeds[0]))
    needs_sample = bool({"overlap", "label_issues"} & set(checks))
    # label issues on a text table read their own n-gram view (_text_view)
    if "overlap" in checks or "outliers" in checks or ("label_issues" in checks
                                                         and not text_columns):
        tick = time.perf_counter()
        Z_all, Z = _encode(dataset, checked_rows, encode_all="outliers" in checks)
        timings["preprocess"] = time.perf_counter() - tick
    checked_codes = codes[checked_rows]
    checked_counts = np.bincount(checked_codes, minlength=len(classes))

    if "overlap" in checks:
        tick = time.perf_counter()
        weights = None if (class_weights == 1).all() else class_weights
        hardness = neighbour_disagreement(Z, checked_codes, n_neighbors, weights,
                                          random_state=int(seeds[0]))
        per_class, mean = class_overlap(hardness, checked_codes, len(classes), weights)
        results["overlap"] = dict(zip(classes, per_class.tolist(), strict=True))
        results["overlap_mean"] = mean
        found += _warnings.overlap_warning(results["overlap"], counts, n_neighbors)
        timings["overlap"] = time.perf_counter() - tick

    if "outliers" in checks:
        tick = time.perf_counter()
        results["outliers"] = _outlier_report(Z_all, codes, classes, seeds[2:])
        timings["outliers"] = time.perf_counter() - tick

    # out-of-fold probabilities need two folds, so a class with at least two rows
    if "label_issues" in checks and checked_counts.max() >= 2:
        tick = time.perf_counter()
        n_folds = min(cv, int(checked_counts.max()))
        if text_columns:
            Z_labels = _text_view(dataset, checked_rows, seed=int(seeds[1]),
                                  dense=len(classes) > _MAX_CLASSES_SPARSE_TEXT)
            model = _TEXT_MODEL
        else:
            Z_labels, model = Z, None
        report = _label_issue_report(Z_labels, checked_codes, checked_rows, classes, cv=n_folds,
                                     seed=int(seeds[1]), model=model)
        results["label_issues"] = report
        found += _warnings.label_issue_warning(
            report.by_class, dict(zip(classes, checked_counts.tolist(), strict=True)),
            report.n_issues, len(checked_rows))
        timings["label_issues"] = time.perf_counter() - tick

    if "duplicates" in checks:
        tick = time.perf_counter()
        dup = find_duplicates(dataset.X, codes)
        results["duplicates"] = dup
        found += _warnings.duplicate_warning(dup.n_conflict_groups, dup.n_conflict_rows,
                                             dup.examples)
        timings["duplicates"] = time.perf_counter() - tick

    if text_columns:
        tick = time.perf_counter()
        reports = {c: text_report(dataset.X[c].to_numpy(dtype=object), codes, classes,
                                  checked_rows, column=c, conflicts="duplicates" in checks)
                   for c in text_columns[:MAX_TEXT_COLUMNS]}
        results["text"] = reports
        found += _warnings.text_conflict_warnings(reports, classes)
        timings["text"] = time.perf_counter() - tick

    timings["total"] = time.perf_counter() - started
    return Profile(
        name=dataset.name,
        n_samples=dataset.n_samples,
        n_features=dataset.n_features,
        feature_types=dict(dataset.feature_types),
        class_counts=counts,
        imbalance_ratio=imbalance_ratio,
        buckets=buckets,
        head_min=head_min,
        tail_max=tail_max,
        n_rows_checked=len(checked_rows) if needs_sample else dataset.n_samples,
        warnings=tuple(found),
        timings=timings,
        settings={"n_neighbors": n_neighbors, "cv": cv, "k_neighbors": k_neighbors,
                  "max_rows": max_rows, "checks": list(checks),
                  "random_state": (int(random_state)
                                   if isinstance(random_state, numbers.Integral) else None)},
        **results,
    )


def _bucket(n: int, head_min: int, tail_max: int) -> str:
    if n > head_min:
        return "head"
    if n < tail_max:
        return "tail"
    return "medium"


def _check_params(*, checks, **ints) -> tuple[str, ...]:
    minimum = {"head_min": 0, "tail_max": 0, "n_neighbors": 1, "cv": 2, "k_neighbors": 1,
               "max_rows": MIN_MAX_ROWS}
    for name, value in ints.items():
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) \
                or value < minimum[name]:
            raise ValueError(
                f"diagnose: parameter {name!r} must be an int >= {minimum[name]}, got {value!r}"
            )
    if ints["tail_max"] > ints["head_min"] + 1:
        raise ValueError(
            f"diagnose: tail_max={ints['tail_max']} must not exceed head_min + 1 = "
            f"{ints['head_min'] + 1} (head is > head_min rows, tail is < tail_max rows)"
        )
    if isinstance(checks, str):
        checks = (checks,)
    checks = tuple(checks)
    for name in checks:
        if name not in CHECKS:
            raise ValueError(
                f"diagnose: unknown check {name!r}; expected any of "
                f"{', '.join(repr(c) for c in CHECKS)}{did_you_mean(str(name), CHECKS)}"
            )
    return tuple(c for c in CHECKS if c in checks)


def _as_dataset(data, target) -> Dataset:
    """``data`` as a Dataset, by the one rule of :func:`unskew.datasets.as_dataset`."""
    if target is None and isinstance(data, pd.DataFrame):
        # a frame is a table whatever else holds: show the columns the target could be
        raise DataError(
            "diagnose needs target= naming the label column when data is a table (the table's "
            f"columns are {preview(data.columns, 20)}); pass a Dataset or a benchmark name such "
            "as 'binary:yeast4' otherwise"
        )
    return as_dataset(data, target)


def _encode(dataset: Dataset, rows: np.ndarray, *, encode_all: bool):
    """Fit the shared preprocessor on the checked rows; encode them (and all rows if asked)."""
    sample = dataset.X if rows.size == dataset.n_samples else dataset.X.iloc[rows]
    encoder = make_preprocessor(_usable_types(dataset.feature_types, sample),
                                scale=True).fit(sample)

    def encode(frame):
        out = encoder.transform(frame)
        if sp.issparse(out):
            return sp.csr_matrix(out, dtype=np.float32)
        return np.ascontiguousarray(out, dtype=np.float32)

    if not encode_all:
        return None, encode(sample)
    Z_all = encode(dataset.X)
    return Z_all, Z_all if rows.size == dataset.n_samples else Z_all[rows]


def _usable_types(feature_types: dict, sample: pd.DataFrame) -> dict:
    """``feature_types`` without the text columns that are empty on every checked row.

    A TF-IDF cannot learn a vocabulary from them (it raises), and they carry nothing.
    """
    return {c: kind for c, kind in feature_types.items()
            if kind != "text" or sample[c].astype("string").fillna("").str.strip().ne("").any()}


def _text_view(dataset: Dataset, rows: np.ndarray, *, dense: bool, seed: int):
    """The checked rows with every text column as word + character n-gram TF-IDF.

    Numeric, categorical and datetime columns are encoded as in :func:`_encode`. With
    ``dense``, each text column is the TF-IDF's SVD view (``_TEXT_COMPONENTS`` components),
    fitted without labels, so no fold sees another's labels.
    """
    sample = dataset.X if rows.size == dataset.n_samples else dataset.X.iloc[rows]
    types = _usable_types(dataset.feature_types, sample)
    text = partial(TextVectorizer, dtype=np.float32)
    if dense:
        text = partial(text, n_components=_TEXT_COMPONENTS, random_state=seed)
    encoder = make_preprocessor(types, scale=True, text_encoder=text)
    out = encoder.fit_transform(sample)
    if sp.issparse(out):
        return sp.csr_matrix(out, dtype=np.float32)
    return np.ascontiguousarray(out, dtype=np.float32)


def _outlier_report(Z, codes, classes, seeds) -> OutlierReport:
    found = find_outliers(Z, rows_by_class(codes, len(classes)), z_threshold=_Z_THRESHOLD,
                          max_listed=_MAX_LISTED_OUTLIERS, seeds=seeds)
    per_check = ({}, {}, {}, {})
    for c, result in zip(classes, found, strict=True):
        values = (None, None, None, ()) if result is None else result
        for store, value in zip(per_check, values, strict=True):
            store[c] = value
    per_check[3].update({c: tuple(int(r) for r in rows) for c, rows in per_check[3].items()})
    return OutlierReport(isolation_forest=per_check[0], centroid=per_check[1],
                         both=per_check[2], rows=per_check[3], z_threshold=_Z_THRESHOLD,
                         max_listed=_MAX_LISTED_OUTLIERS)


def _label_issue_report(Z, codes, rows, classes, *, cv: int, seed: int,
                        model=None) -> LabelIssueReport:
    proba, model = out_of_fold_probabilities(Z, codes, len(classes), cv=cv, seed=seed,
                                             model=model)
    flagged, suggested, thresholds = confident_issues(proba, codes)
    hits = np.flatnonzero(flagged)
    confidence = proba[hits, suggested[hits]]
    given = proba[hits, codes[hits]]
    order = np.lexsort((given, -confidence))  # most confident first, then least likely label
    issues = tuple(
        LabelIssue(row=int(rows[i]), label=classes[codes[i]], suggested=classes[suggested[i]],
                   confidence=float(proba[i, suggested[i]]),
                   label_probability=float(proba[i, codes[i]]))
        for i in hits[order][:_MAX_LISTED_LABEL_ISSUES]
    )
    by_class = np.bincount(codes[hits], minlength=len(classes))
    return LabelIssueReport(
        issues=issues,
        n_issues=int(hits.size),
        by_class=dict(zip(classes, by_class.tolist(), strict=True)),
        rate=float(hits.size / len(codes)),
        thresholds=dict(zip(classes, thresholds.tolist(), strict=True)),
        n_folds=cv,
        model=type(model).__name__,
        max_listed=_MAX_LISTED_LABEL_ISSUES,
    )
