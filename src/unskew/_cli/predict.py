"""``unskew predict``: apply a saved model to a table."""

from __future__ import annotations

import argparse

from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="a model.skops written by unskew compare")
    parser.add_argument("data", metavar="DATA", help="a CSV/Parquet file with the same columns")
    parser.add_argument("--out", "-o", default="predictions.csv", metavar="PATH",
                        help="where to write predictions (default: predictions.csv)")
    parser.add_argument("--proba", action="store_true",
                        help="also write one probability column per class")


def _run(args: argparse.Namespace) -> int:
    import warnings

    import pandas as pd
    from rich.console import Console
    from rich.markup import escape

    from ..comparison import load_model
    from ..datasets._table import _read_source

    model = load_model(args.model)
    frame, _ = _read_source(args.data)
    frame.columns = [str(c) for c in frame.columns]
    console = Console(stderr=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        labels = model.predict(frame)
        proba = model.predict_proba(frame) if args.proba else None
    for w in caught:
        if issubclass(w.category, UserWarning) and "ignoring" in str(w.message):
            console.print(f"[yellow]warning:[/] {escape(str(w.message))}")
    target = model.metadata.get("target", "prediction")
    out = pd.DataFrame({f"predicted_{target}": labels})
    if proba is not None:
        for j, c in enumerate(model.classes_):
            out[f"proba_{c}"] = proba[:, j]
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
