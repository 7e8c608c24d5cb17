"""Concrete, actionable warnings drawn from the facts the checks found."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._utils._text import preview

# code -> what it is about; the one table the docs and tests read
WARNING_CODES = {
    "class_too_small_for_knn": "a class has too few rows for k-NN resamplers (SMOTE family)",
    "class_smaller_than_folds": "a class has fewer rows than cross-validation folds",
    "constant_columns": "columns with a single value",
    "missing_values": "columns with missing values",
    "high_imbalance": "imbalance ratio above 100",
    "high_overlap": "a class's neighbours mostly belong to other classes",
    "label_issues": "many rows look mislabelled",
    "conflicting_duplicates": "identical feature rows with different labels",
    "conflicting_texts": "identical or nearly identical texts with different labels",
    "id_like_columns": "columns that look like row identifiers",
    "label_leakage": "a column alone predicts the label almost perfectly",
}
HIGH_IMBALANCE_RATIO = 100.0
HIGH_OVERLAP = 0.5
LABEL_ISSUE_RATE = 0.01
LABEL_ISSUE_CLASS_RATE = 0.10


@dataclass(frozen=True)
class DiagnosisWarning:
    """One problem :func:`diagnose` found, with what to do about it.

    This is a record in :attr:`Profile.warnings`, not a Python warning: nothing is raised or
    emitted, so a profile can be inspected, filtered by ``code`` and saved as JSON.

    Attributes
    ----------
    code : str
        A stable identifier, one of ``"class_too_small_for_knn"``,
        ``"class_smaller_than_folds"``, ``"constant_columns"``, ``"missing_values"``,
        ``"high_imbalance"``, ``"high_overlap"``, ``"label_issues"``,
        ``"conflicting_duplicates"``, ``"conflicting_texts"``, ``"id_like_columns"``,
        ``"label_leakage"``.
    message : str
        One sentence naming the classes or columns, their numbers, and a fix.
    classes : tuple
        The classes concerned (empty when the warning is about columns or rows).
    columns : tuple of str
        The columns concerned.

    Examples
    --------
    >>> from unskew.diagnosis import diagnose
    >>> profile = diagnose("multiclass:ecoli", checks=(), random_state=0)
    >>> [w.code for w in profile.warnings][:2]
    ['class_too_small_for_knn', 'class_smaller_than_folds']
    >>> profile.warnings[0].classes
    ('omL', 'imL', 'imS')
    """

    code: str
    message: str
    classes: tuple = ()
    columns: tuple = ()

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _classes_with_counts(classes: list, counts: dict) -> str:
    return preview([f"{c!r} ({_rows(counts[c])})" for c in classes], 10)


def class_size_warnings(counts: dict, *, k_neighbors: int, cv: int) -> list[DiagnosisWarning]:
    """Classes too small for k-NN resamplers or for the number of folds."""
    found = []
    tiny = [c for c, n in counts.items() if n <= k_neighbors]
    if tiny:
        smallest = min(counts[c] for c in tiny)
        fix = (f"Pass k_neighbors={smallest - 1} or less" if smallest >= 2
               else "A single row cannot be interpolated: collect more rows")
        found.append(DiagnosisWarning(
            "class_too_small_for_knn",
            f"too few rows for SMOTE-family resamplers with k_neighbors={k_neighbors}, which "
            f"need k_neighbors + 1 rows of a class: {_classes_with_counts(tiny, counts)}. "
            f"{fix}, or use random over-sampling or class weights for such classes.",
            classes=tuple(tiny),
        ))
    small = [c for c, n in counts.items() if n < cv]
    if small:
        smallest = min(counts[c] for c in small)
        # suggest only what works: fewer folds needs two rows a class, dropping the small
        # classes needs two classes left
        fixes = [f"use --folds {smallest} (cv={smallest})"] if smallest >= 2 else []
        if sum(n >= cv for n in counts.values()) >= 2:
            fixes.append(f"drop classes below --min-class-size {cv}")
        fixes.append("merge rare classes or collect more rows")
        fix = ", ".join(fixes[:-1]) + (" or " if len(fixes) > 1 else "") + fixes[-1]
        hint = ""
        if max(counts.values()) == 1 or len(counts) >= 0.5 * sum(counts.values()):
            hint = (f" The target has {len(counts)} classes for {sum(counts.values())} rows: it "
                    "looks like an identifier or a continuous value, not a class label.")
        found.append(DiagnosisWarning(
            "class_smaller_than_folds",
            f"fewer rows than the {cv} cross-validation folds, so some test folds hold none of "
            f"them and their scores are unreliable: {_classes_with_counts(small, counts)}. "
            f"{fix[0].upper() + fix[1:]}.{hint}",
            classes=tuple(small),
        ))
    return found


def suspect_column_warnings(suspects) -> list[DiagnosisWarning]:
    """Row identifiers and columns that alone give the label away (see ``_columns``)."""
    found = []
    ids = [s for s in suspects if s.kind == "id"]
    if ids:
        found.append(DiagnosisWarning(
            "id_like_columns",
            "columns that look like row identifiers, which a model can memorise: "
            + preview([f"{s.column!r} ({s.reason})" for s in ids], 5)
            + ". `unskew compare` leaves them out unless kept with --keep-ids; drop them with "
            "--drop if they are ids.",
            columns=tuple(s.column for s in ids),
        ))
    leaks = [s for s in suspects if s.kind == "leak"]
    if leaks:
        found.append(DiagnosisWarning(
            "label_leakage",
            "columns that alone predict the label almost perfectly, out of fold: "
            + preview([f"{s.column!r} (balanced accuracy {s.score:.3f})" for s in leaks], 5)
            + ". Check that they are not derived from the label (recorded after the outcome); "
            "if they are, drop them (--drop), or scores will not hold on new data.",
            columns=tuple(s.column for s in leaks),
        ))
    return found


def column_warnings(X: pd.DataFrame) -> list[DiagnosisWarning]:
    """Constant columns and columns with missing values."""
    found = []
    n_missing = X.isna().sum()
    constant = [name for name in X.columns if _is_constant(X[name], int(n_missing[name]))]
    if constant:
        found.append(DiagnosisWarning(
            "constant_columns",
            f"constant columns (one value, no information): {preview([repr(c) for c in constant])}"
            "; drop them (load_table(..., drop=[...]) or --drop).",
            columns=tuple(constant),
        ))
    with_missing = [c for c in X.columns if n_missing[c] > 0 and c not in constant]
    if with_missing:
        ordered = sorted(with_missing, key=lambda c: -int(n_missing[c]))
        shares = [f"{c!r} ({n_missing[c] / len(X):.1%})" for c in ordered]
        found.append(DiagnosisWarning(
            "missing_values",
            f"columns with missing values: {preview(shares)}. Numeric columns are "
            "median-imputed and categorical ones get a '<missing>' level before modelling; add "
            "an indicator column if being missing is itself informative.",
            columns=tuple(ordered),
        ))
    return found


def _is_constant(values: pd.Series, n_missing: int) -> bool:
    """One distinct value, a missing value counting as a value (so all-missing is constant)."""
    if n_missing == len(values):
        return True
    if n_missing:
        return False
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
            values.dtype):
        return bool(values.min() == values.max())  # fast on a million rows
    return values.nunique(dropna=False) == 1


def imbalance_warning(counts: dict, ratio: float) -> list[DiagnosisWarning]:
    if ratio <= HIGH_IMBALANCE_RATIO:
        return []
    labels = list(counts)
    major, minor = labels[0], labels[-1]
    return [DiagnosisWarning(
        "high_imbalance",
        f"imbalance ratio {ratio:,.0f}:1, {major!r} ({_rows(counts[major])}) against {minor!r} "
        f"({_rows(counts[minor])}): accuracy says little here; judge models by balanced "
        "accuracy, macro-F1 or PR-AUC, and try class weights and threshold moving before "
        "resampling.",
        classes=(major, minor),
    )]


def overlap_warning(overlap: dict, counts: dict, n_neighbors: int) -> list[DiagnosisWarning]:
    # a class with at most n_neighbors rows cannot fill a neighbourhood with its own rows, so its
    # overlap is high by construction; class_too_small_for_knn already speaks for it
    high = [c for c, v in overlap.items() if v >= HIGH_OVERLAP and counts[c] > n_neighbors]
    if not high:
        return []
    shares = preview([f"{c!r} ({overlap[c]:.0%})" for c in high])
    return [DiagnosisWarning(
        "high_overlap",
        f"most of the {n_neighbors} nearest neighbours of the rows of {shares} belong to other "
        "classes: interpolating resamplers (SMOTE) would create rows inside other classes. "
        "Prefer class weights or threshold moving, or clean the boundary first (Tomek links, "
        "ENN).",
        classes=tuple(high),
    )]


def label_issue_warning(by_class: dict, checked: dict, n_issues: int,
                        n_checked: int) -> list[DiagnosisWarning]:
    rate = n_issues / n_checked if n_checked else 0.0
    heavy = [c for c, n in by_class.items()
             if n >= 2 and checked.get(c, 0) and n / checked[c] >= LABEL_ISSUE_CLASS_RATE]
    if n_issues == 0 or (rate < LABEL_ISSUE_RATE and not heavy):
        return []
    worst = sorted((c for c in by_class if by_class[c]), key=lambda c: -by_class[c])
    shares = preview([f"{c!r} ({by_class[c]:,} of {checked[c]:,})" for c in worst], 5)
    return [DiagnosisWarning(
        "label_issues",
        f"{n_issues:,} of {n_checked:,} checked rows ({rate:.1%}) look mislabelled to an "
        f"out-of-fold model, by given label: {shares}. Review profile.label_issues (most "
        "confident first) and fix the labels that are wrong before training; in classes that "
        "overlap, many are hard rows rather than wrong labels, so do not relabel rare rows as "
        "common wholesale.",
        classes=tuple(heavy or worst[:5]),
    )]


def duplicate_warning(n_groups: int, n_rows: int, examples: tuple) -> list[DiagnosisWarning]:
    if n_groups == 0:
        return []
    shown = "; ".join(", ".join(str(r) for r in group) for group in examples[:3])
    return [DiagnosisWarning(
        "conflicting_duplicates",
        f"{n_groups:,} group{'s' if n_groups > 1 else ''} of identical feature rows "
        f"({_rows(n_rows)}) carry different labels (e.g. rows {shown}); no model can separate "
        "them: check those labels, or keep one label per group.",
    )]


def text_conflict_warnings(reports: dict, classes: list) -> list[DiagnosisWarning]:
    """One warning per text column whose same or nearly the same texts carry different labels."""
    found = []
    for column, report in reports.items():
        exact, near = report.n_exact_groups or 0, report.n_near_groups or 0
        if not exact and not near:
            continue
        parts = []
        if exact:
            parts.append(f"{exact:,} group{'s' if exact > 1 else ''} of identical texts "
                         f"({_rows(report.n_exact_rows)}; compared lowercased, without "
                         "punctuation and extra spaces)")
        if near:
            parts.append(f"{near:,} group{'s' if near > 1 else ''} of nearly identical texts "
                         f"({_rows(report.n_near_rows)}; similarity >= "
                         f"{report.near_threshold:g})")
        groups = (report.exact[:1] + report.near[:1])[:2]
        shown = "; ".join(_conflict_example(g) for g in groups)
        involved = {c for g in (*report.exact, *report.near) for c in g.classes}
        found.append(DiagnosisWarning(
            "conflicting_texts",
            f"text column {column!r}: {' and '.join(parts)} carry different labels, e.g. "
            f"{shown}. The same request filed under two labels is the commonest label error "
            f"in intent data: review profile.text[{column!r}].exact and .near and give each "
            "group one label, or drop the copies.",
            classes=tuple(c for c in classes if c in involved),
            columns=(column,),
        ))
    return found


def _conflict_example(group) -> str:
    """Two rows of a conflict group with different labels: row, text (cut short) and label."""
    first = 0
    second = next((i for i, label in enumerate(group.labels) if label != group.labels[0]), 1)
    return " vs ".join(
        f"row {group.rows[i]} {_short(group.texts[i])} ({group.labels[i]!r})"
        for i in (first, second) if i < len(group.rows)
    )


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")
