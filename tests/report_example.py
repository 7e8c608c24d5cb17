"""A small hand-made :class:`~unskew.comparison.CompareResult` for the report's tests.

No model is fitted: the leaderboard, fold scores and out-of-fold probabilities are drawn from a
seeded generator, so building it takes milliseconds and the report renders deterministically.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from unskew.metrics import METRICS

#: What ``tiny_result(text=True)`` writes into its example texts, in this order first: markup
#: that must stay text, non-Latin scripts (one right to left), symbols, a text longer than the
#: report shows, and one long word with nowhere to break.
DANGEROUS_TEXT = '<script>alert(1)</script> & "quotes"'
EXAMPLE_TEXTS = (
    DANGEROUS_TEXT,
    "Возврат денег так и не пришёл, верните деньги",
    "注文した商品がまだ届きません。返金してください。",
    "لم يصل طلبي بعد، أريد استرداد المال",
    ">:-( :'( ¯\\_(ツ)_/¯",
    " ".join(["the parcel came late and the box was open and half of the order was missing"]
             * 6),
    "unbroken" * 50,
    "please cancel my order",
)


def tiny_result(*, n_classes: int = 2, n_samples: int = 240, failed_error: str | None = None,
                degenerate_error: str | None = None, dataset: dict | None = None,
                profile=None, text: bool = False, seed: int = 0):
    """Build a deterministic ``CompareResult`` of three strategies (more may fail or degenerate).

    Parameters
    ----------
    n_classes : int, default=2
        Number of classes: two at about 88:12, or more where class ``k`` has about half as
        many rows as class ``k - 1``.
    n_samples : int, default=240
        Rows of the (fake) selection data.
    failed_error : str, optional
        When given, a strategy ``broken+lr`` failed with this error message.
    degenerate_error : str, optional
        When given, a strategy ``majority+lr`` predicted one class (status "degenerate",
        this reason, scores far below the others), ranked after the three.
    dataset : dict, optional
        Extra keys of ``result.dataset`` (e.g. ``id_columns``, ``leakage``).
    profile : object, optional
        Stored as ``result.profile`` (anything with ``to_dict()``, or None).
    text : bool, default=False
        Make it a text-only table (one feature, ``message``, of type "text") whose
        ``examples`` are the winner's out-of-fold mistakes on the three rarest classes, most
        confident first, at most five per class (as compare keeps them), with the texts of
        :data:`EXAMPLE_TEXTS` in turn.
    seed : int, default=0
        Seed of the generator.

    Returns
    -------
    CompareResult

    Examples
    --------
    >>> from report_example import tiny_result
    >>> result = tiny_result(failed_error="boom")
    >>> result.best_, list(result.leaderboard["status"])
    ('smote+lr', ['ok', 'ok', 'ok', 'failed'])
    >>> list(tiny_result(degenerate_error="one class").leaderboard["status"])
    ['ok', 'ok', 'ok', 'degenerate']
    >>> texts = tiny_result(n_classes=5, text=True)
    >>> texts.dataset["feature_types"], len(texts.examples), texts.examples[0]["text"]
    ({'message': 'text'}, 14, '<script>alert(1)</script> & "quotes"')
    """
    from unskew.comparison import CompareResult

    rng = np.random.default_rng(seed)
    classes = ["negative", "positive"] if n_classes == 2 else [f"c{i}" for i in range(n_classes)]
    weights = np.array([0.88, 0.12]) if n_classes == 2 else 0.5 ** np.arange(n_classes)
    weights = weights / weights.sum()
    y = rng.choice(np.array(classes, dtype=object), size=n_samples, p=weights)
    names = ["smote+lr", "weighted+lr", "none+lr"]
    oof = {}
    for skill, name in zip((2.0, 1.6, 0.8), names, strict=True):
        logits = rng.normal(size=(n_samples, n_classes))
        logits[np.arange(n_samples), [classes.index(v) for v in y]] += skill
        proba = np.exp(logits)
        oof[name] = proba / proba.sum(axis=1, keepdims=True)
    metric = "macro_f1"
    rare = min(classes, key=lambda c: (np.sum(y == c), -classes.index(c)))
    rows, folds = [], []
    for rank, (name, mean) in enumerate(zip(names, (0.74, 0.71, 0.62), strict=True), start=1):
        row = {"rank": float(rank), "strategy": name, "p_vs_best": 1.0 if rank == 1 else
               0.2 / rank, "n_ok": 3, "n_tasks": 3, "status": "ok", "error": "",
               "fit_time": 0.01 * rank}
        for m in METRICS:
            value = mean if m == metric else float(rng.uniform(0.3, 0.9))
            row.update({m: value, f"{m}_low": value - 0.05, f"{m}_high": value + 0.05})
        hits = np.argmax(oof[name], axis=1)[y == rare] == classes.index(rare)
        row.update({"rare_recall": float(hits.mean()), "rare_recall_low": max(
            hits.mean() - 0.1, 0.0), "rare_recall_high": min(hits.mean() + 0.1, 1.0)})
        rows.append(row)
        for fold in range(3):
            folds.append({"strategy": name, "repeat": 0, "fold": fold, "status": "ok",
                          "error": "", "fit_time": 0.01 * rank * (1 + fold / 10), "time": 0.02,
                          metric: mean + 0.01 * (fold - 1)})
    if degenerate_error is not None:
        row = {"rank": 4.0, "strategy": "majority+lr", "p_vs_best": 0.001, "n_ok": 3,
               "n_tasks": 3, "status": "degenerate", "error": degenerate_error,
               "fit_time": 0.001, "rare_recall": 0.0, "rare_recall_low": 0.0,
               "rare_recall_high": 0.0}
        for m in METRICS:  # predicting the majority: far below the others, whatever the metric
            row.update({m: 0.1, f"{m}_low": -0.02, f"{m}_high": 0.22})
        rows.append(row)
        names = [*names, "majority+lr"]
        folds.extend({"strategy": "majority+lr", "repeat": 0, "fold": fold,
                      "status": "degenerate", "error": degenerate_error, "fit_time": 0.001,
                      "time": 0.002, metric: 0.1} for fold in range(3))
    if failed_error is not None:
        row = {"rank": np.nan, "strategy": "broken+lr", "p_vs_best": np.nan, "n_ok": 0,
               "n_tasks": 3, "status": "failed", "error": failed_error, "fit_time": np.nan}
        row.update({k: np.nan for m in METRICS for k in (m, f"{m}_low", f"{m}_high")})
        rows.append(row)
        folds.extend({"strategy": "broken+lr", "repeat": 0, "fold": fold, "status": "failed",
                      "error": failed_error, "fit_time": np.nan, "time": np.nan,
                      metric: np.nan} for fold in range(3))
    board = pd.DataFrame(rows)
    lead = ["rank", "strategy", metric, f"{metric}_low", f"{metric}_high", "p_vs_best"]
    board = board[lead + [c for c in board.columns if c not in lead]]
    values, counts = np.unique(y, return_counts=True)
    class_counts = dict(sorted(zip(values.tolist(), counts.tolist(), strict=True),
                               key=lambda kv: -kv[1]))
    feature_types = {f"x{i}": "numeric" for i in range(4)}
    examples = []
    if text:
        feature_types = {"message": "text"}
        examples = _mistakes(y, oof["smote+lr"], classes)
    return CompareResult(
        leaderboard=board, fold_scores=pd.DataFrame(folds), best_="smote+lr",
        best_estimator_=None,
        honest={"method": "holdout", "metric": metric, "mean": 0.70, "low": 0.61, "high": 0.78,
                "n_rows": 60, "note": "smote+lr refitted on the 240 selection rows and scored "
                "once on 60 held-out rows the selection never saw (95% stratified bootstrap "
                "interval)"},
        settings={"data": "tiny.csv", "target": "label", "drop": None, "text": None,
                  "sep": None, "decimal": None, "keep_ids": False,
                  "metric": metric, "folds": 3, "repeats": 1, "holdout": 0.2, "groups": None,
                  "time": None, "min_class_size": None, "seed": seed, "preset": None,
                  "strategies": names + (["broken+lr"] if failed_error is not None else []),
                  "n_jobs": 1, "time_budget": None, "task_timeout": None, "command": None,
                  "n_selection_rows": n_samples, "n_holdout_rows": 60},
        dataset={"name": "tiny", "source_hash": "0123456789abcdef", "n_samples": n_samples + 60,
                 "n_features": len(feature_types), "class_counts": class_counts,
                 "feature_types": feature_types,
                 "imbalance_ratio": max(counts) / min(counts), "rare_class": rare,
                 **(dataset or {})},
        classes=classes, y=y, oof=oof, profile=profile,
        warnings=["a note from the run"], versions={"unskew": "0.0.test", "numpy": np.__version__},
        timings={"total_s": 1.5}, examples=examples,
    )


def _mistakes(y, proba, classes, *, n_classes=3, per_class=5):
    """The misclassified rows of the rarest classes, most confident first, with a text each."""
    predicted = np.argmax(proba, axis=1)
    rarest = sorted(classes, key=lambda c: (np.sum(y == c), -classes.index(c)))[:n_classes]
    examples = []
    for label in rarest:
        wrong = np.flatnonzero((y == label) & (predicted != classes.index(label)))
        for i in wrong[np.argsort(-proba[wrong].max(axis=1), kind="stable")][:per_class]:
            examples.append({"row": int(i), "column": "message",
                             "text": EXAMPLE_TEXTS[len(examples) % len(EXAMPLE_TEXTS)],
                             "true": label, "predicted": classes[predicted[i]],
                             "confidence": float(proba[i].max())})
    return examples
