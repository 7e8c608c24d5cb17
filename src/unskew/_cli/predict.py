"""``unskew predict``: apply a saved model to a table."""

from __future__ import annotations

import argparse

from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="a model.skops written by unskew compare, "
                        "or a model directory written by unskew finetune")
    parser.add_argument("data", metavar="DATA", help="a CSV/Parquet file with the same columns")
    parser.add_argument("--out", "-o", default="predictions.csv", metavar="PATH",
                        help="where to write predictions (default: predictions.csv)")
    parser.add_argument("--proba", action="store_true",
                        help="also write one probability column per class")
    parser.add_argument("--keep", metavar="COL", nargs="+", default=None,
                        help="columns of DATA to copy into the predictions, first and in this "
                        "order (e.g. an id column)")


def _kept_columns(frame, keep: list[str] | None) -> list[str]:
    """The ``--keep`` columns, checked against DATA's columns (duplicates dropped)."""
    from .._utils._text import did_you_mean
    from ..exceptions import DataError

    keep = list(dict.fromkeys(keep or []))
    for column in keep:
        if column not in frame.columns:
            raise DataError(f"--keep: DATA has no column {column!r}"
                            f"{did_you_mean(column, frame.columns)}")
    return keep


def _run(args: argparse.Namespace) -> int:
    import warnings
    from pathlib import Path

    if Path(args.model).is_dir():  # a model directory of unskew finetune
        from ._finetune import predict_with_model_dir

        return predict_with_model_dir(args)

    from rich.console import Console
    from rich.markup import escape

    from ..comparison import SchemaWarning, load_model
    from ..datasets import read_table
    from ..exceptions import DataError

    model = load_model(args.model)
    frame = read_table(args.data)
    frame.columns = [str(c) for c in frame.columns]
    keep = _kept_columns(frame, args.keep)
    # a kept id that is not a feature is asked for, not an extra column to warn about
    features = frame.drop(columns=[c for c in keep
                                   if c not in model.metadata.get("feature_names", [])])
    console = Console(stderr=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        labels = model.predict(features)
        proba = model.predict_proba(features) if args.proba else None
    # predict_proba checks the schema again: print each message once
    for message in dict.fromkeys(str(w.message) for w in caught
                                 if issubclass(w.category, SchemaWarning)):
        console.print(f"[yellow]warning:[/] {escape(message)}")
    target = model.metadata.get("target", "prediction")
    predicted = {f"predicted_{target}": labels}
    if proba is not None:
        predicted.update({f"proba_{c}": proba[:, j] for j, c in enumerate(model.classes_)})
    clash = [c for c in keep if c in predicted]
    if clash:
        raise DataError(f"--keep: column {clash[0]!r} has the name of a prediction column; "
                        "rename it in DATA")
    out = frame[keep].reset_index(drop=True).assign(**predicted)
    out.to_csv(args.out, index=False)
    console.print(f"wrote {len(out)} predictions to {escape(args.out)}")
    return 0


COMMAND = Command(
    name="predict",
    help="apply a saved model to a CSV/Parquet table",
    description="Check the table's columns against the model's training schema, apply its "
    "decision rule (including any tuned threshold) and write predictions.",
    add_arguments=_add_arguments,
    run=_run,
)
