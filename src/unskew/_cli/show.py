"""``unskew show``: what a saved model is and how it scored."""

from __future__ import annotations

import argparse

from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="a model.skops written by unskew compare")


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .._utils._text import preview
    from ..comparison import load_model

    meta = load_model(args.model).metadata
    names = meta.get("feature_names", [])
    table = Table(title=f"model {escape(args.model)}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    cv = meta.get("cv_score", {})
    honest = meta.get("honest", {})
    rows = [
        ("strategy", meta.get("strategy")),
        ("trained on", f"{meta.get('dataset')} (data hash {meta.get('data_hash')})"),
        ("target / classes", f"{meta.get('target')}: {meta.get('classes')}"),
        ("features", f"{len(names)}: {preview(names, limit=12)}"),
        ("metric", meta.get("metric")),
        ("cross-validated (selection)",
         f"{cv.get('mean', float('nan')):.3f} [{cv.get('low', float('nan')):.3f}, "
         f"{cv.get('high', float('nan')):.3f}]" if cv else "-"),
        ("honest estimate", honest.get("note", "-") if honest.get("mean") is None else
         f"{honest['mean']:.3f} [{honest['low']:.3f}, {honest['high']:.3f}] "
         f"({honest['method']}, {honest['n_rows']} rows)"),
        ("decision", meta.get("decision") or (
            f"positive class when its probability >= {meta['threshold']:.4f}"
            if meta.get("threshold") is not None else "argmax of probabilities")),
        ("versions", ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())),
        ("created", meta.get("created")),
    ]
    for field, value in rows:
        table.add_row(field, escape(str(value)))
    Console().print(table)
    return 0


COMMAND = Command(
    name="show",
    help="describe a saved model: strategy, schema, scores, versions",
    add_arguments=_add_arguments,
    run=_run,
)
