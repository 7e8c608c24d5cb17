"""The HTML report of ``unskew finetune``: one self-contained page drawn from a
:class:`~unskew.text.FinetuneResult` with the compare report's styles and SVG charts (per-class
scores, confusion matrix, loss and score curves per epoch, misclassified rare-class texts)."""

from __future__ import annotations

import datetime as _dt
import json
import shlex
from importlib import resources
from pathlib import Path

import numpy as np

from .._version import __version__
from ._plotdata import confusion
from ._render import fmt, shorten
from ._svg import PALETTE, Line, grouped_bar_chart, heatmap, line_chart

__all__ = ["finetune_context", "render_finetune_html", "write_finetune_report"]

_N_EXAMPLES = 12

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="unskew {{ version }}">
<title>unskew finetune report: {{ h.dataset }}</title>
<style>
{{ css }}
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
code { overflow-wrap: anywhere; }
</style>
</head>
<body>
<header class="page-header">
  <div class="wrap">
    <p class="kicker">unskew finetune report</p>
    <h1>{{ h.dataset }}</h1>
    <ul class="facts-inline" aria-label="run summary">
      <li><strong>{{ "{:,}".format(h.n_train) }}</strong> training rows</li>
      <li><strong>{{ "{:,}".format(h.n_val) }}</strong> validation rows</li>
      <li><strong>{{ h.n_classes }}</strong> classes</li>
      <li>imbalance ratio <strong>{{ h.imbalance_ratio }}:1</strong></li>
      <li>run took <strong class="total-time">{{ h.seconds }}</strong></li>
      <li>generated <time>{{ h.generated }}</time></li>
    </ul>
  </div>
</header>
<nav class="toc" aria-label="sections">
  <div class="wrap">
    <a href="#summary">Summary</a>
    <a href="#training">Training</a>
    <a href="#per-class">Per class</a>
    <a href="#confusion">Confusion</a>
    <a href="#text">Text</a>
    <a href="#reproduce">Reproduce</a>
  </div>
</nav>
<main class="wrap">
<section id="summary" aria-labelledby="summary-h">
  <h2 id="summary-h">Summary</h2>
  <div class="cards">
    <div class="card winner-card">
      <p class="card-label">model</p>
      <p class="card-value"><code>{{ s.loss }}</code>{% if s.sampler %} + <code>{{ s.sampler }}</code> sampler{% endif %}</p>
      <p class="muted">{{ s.model_name }}, best epoch {{ h.best_epoch }} of {{ h.epochs_run }} (up to {{ s.epochs }}, early stopping on validation macro-F1)</p>
    </div>
    <div class="card honest-card">
      <p class="card-label">validation macro-F1</p>
      <p class="card-value">{{ m.macro_f1 }}</p>
      <p class="muted">balanced accuracy {{ m.balanced_accuracy }}; argmax before the decision rule: macro-F1 {{ raw.macro_f1 }}, balanced accuracy {{ raw.balanced_accuracy }}</p>
    </div>
    <div class="card">
      <p class="card-label">decision rule</p>
      <p class="card-value"><code>{{ d.rule }}</code></p>
      <p class="muted">{{ d.text }}</p>
    </div>
  </div>
  {% if h.resumed_from %}<p class="callout info">Resumed from <code>{{ h.resumed_from }}</code>.</p>{% endif %}
  {% for n in notes %}<p class="callout info">{{ n }}</p>{% endfor %}
  <p class="muted">The validation split (stratified, {{ h.val_share }} of the rows) chose the best epoch and fitted the decision rule, so these scores are optimistic; judge the saved model on data it has not seen (<code>unskew predict {{ h.model_dir }} NEW.csv</code>).</p>
  <div class="table-wrap fit"><table class="data compact">
    <caption>Rows per class</caption>
    <thead><tr><th scope="col">class</th><th scope="col">training</th><th scope="col">validation</th></tr></thead>
    <tbody>
    {% for c in counts %}<tr><th scope="row">{{ c.name }}</th><td class="num">{{ c.train }}</td><td class="num">{{ c.val }}</td></tr>{% endfor %}
    </tbody>
  </table></div>
</section>

<section id="training" aria-labelledby="training-h">
  <h2 id="training-h">Training per epoch</h2>
  <div class="grid-2">
    <figure>{{ loss_chart }}</figure>
    <figure>{{ score_chart }}</figure>
  </div>
  <div class="table-wrap fit"><table class="data compact">
    <caption>Per epoch</caption>
    <thead><tr><th scope="col">epoch</th><th scope="col">training loss</th><th scope="col">validation loss</th><th scope="col">macro-F1</th><th scope="col">balanced accuracy</th></tr></thead>
    <tbody>
    {% for e in epochs %}<tr{% if e.best %} class="best"{% endif %}><th scope="row">{{ e.epoch }}{% if e.best %} (best){% endif %}</th><td class="num">{{ e.train_loss }}</td><td class="num">{{ e.eval_loss }}</td><td class="num">{{ e.macro_f1 }}</td><td class="num">{{ e.balanced_accuracy }}</td></tr>{% endfor %}
    </tbody>
  </table></div>
</section>

<section id="per-class" aria-labelledby="per-class-h">
  <h2 id="per-class-h">Per-class scores (validation)</h2>
  <figure>{{ recall_chart }}</figure>
  <div class="table-wrap fit"><table class="data compact">
    <thead><tr><th scope="col">class</th><th scope="col">precision</th><th scope="col">recall</th><th scope="col">F1</th><th scope="col">recall, argmax</th><th scope="col">support</th></tr></thead>
    <tbody>
    {% for c in per_class %}<tr><th scope="row">{{ c.name }}</th><td class="num">{{ c.precision }}</td><td class="num">{{ c.recall }}</td><td class="num">{{ c.f1 }}</td><td class="num">{{ c.recall_raw }}</td><td class="num">{{ c.support }}</td></tr>{% endfor %}
    </tbody>
  </table></div>
</section>

<section id="confusion" aria-labelledby="confusion-h">
  <h2 id="confusion-h">Confusion matrix (validation, with the decision rule)</h2>
  <figure>{{ confusion_chart }}</figure>
</section>

<section id="text" aria-labelledby="text-h">
  <h2 id="text-h">Misclassified texts of the rare classes</h2>
  {% if examples %}
  <p class="muted">Validation texts of the {{ rare|length }} rarest class{{ "" if rare|length == 1 else "es" }} ({{ rare|join(", ") }}) that the model got wrong, most confident mistake first. Confident mistakes are often label errors.</p>
  <div class="table-wrap"><table class="data examples">
    <thead><tr><th scope="col">true</th><th scope="col">predicted</th><th scope="col">confidence</th><th scope="col">text</th></tr></thead>
    <tbody>
    {% for x in examples %}<tr><td>{{ x.true }}</td><td>{{ x.pred }}</td><td>{{ x.confidence }}</td><td dir="auto" title="{{ x.full }}">{% if x.cut %}<details><summary>{{ x.short }}</summary>{{ x.full }}</details>{% else %}{{ x.short }}{% endif %}</td></tr>{% endfor %}
    </tbody>
  </table></div>
  {% else %}<p>No validation text of the rare classes was misclassified.</p>{% endif %}
</section>

<section id="reproduce" aria-labelledby="reproduce-h">
  <h2 id="reproduce-h">Reproduce</h2>
  <pre><code>{{ command }}</code></pre>
  <p class="muted">The saved model directory <code>{{ h.model_dir }}</code> holds the weights (safetensors), the tokenizer and, in <code>config.json</code> under <code>unskew_decision</code>, the decision rule{% if d.folded %}, already folded into the classification head's bias: the stock <code>transformers.pipeline("text-classification", model=...)</code> applies it{% endif %}.</p>
  <details><summary>Settings</summary><pre><code>{{ settings_json }}</code></pre></details>
</section>
</main>
<footer class="wrap muted"><p>unskew {{ version }}</p></footer>
</body>
</html>
"""


def _decision_text(d: dict) -> str:
    rule = d.get("rule")
    if rule == "logit-adjustment":
        return (f"logits - tau * log(training prior) with tau = {d.get('tau')} chosen on the "
                f"validation split ({d.get('metric')} {fmt(d.get('score_before'))} -> "
                f"{fmt(d.get('score_after'))}); folded into the head's bias")
    if rule == "offsets":
        return (f"per-class offsets on the logits learned for {d.get('metric')} "
                f"({fmt(d.get('score_before'))} -> {fmt(d.get('score_after'))}); folded into "
                "the head's bias")
    if rule == "thresholds":
        return "per-label probability thresholds"
    return "argmax of the logits (the loss or sampler already corrects for the prior)"


def _command(settings: dict, dataset: str, out: str) -> str:
    parts = ["unskew", "finetune", dataset, "--text", settings["text"], "--target",
             settings["target"], "--model", settings["model"], "--loss", settings["loss"]]
    if settings.get("sampler"):
        parts += ["--sampler", settings["sampler"]]
    parts += ["--epochs", str(settings["epochs"]), "--out", out]
    defaults = {"max_length": 128, "batch_size": 16, "learning_rate": 5e-5, "val_size": 0.2,
                "patience": 2, "seed": 0}
    for key, default in defaults.items():
        if settings.get(key) != default:
            parts += [f"--{key.replace('_', '-')}", str(settings[key])]
    return " ".join(shlex.quote(str(p)) for p in parts)


def finetune_context(result, *, dataset: str = "data", out: str = "unskew-finetune",
                     generated: str = "") -> dict:
    """The numbers and charts of the page (pure data; testable without a browser)."""
    classes = list(result.classes)
    y_true = np.asarray(result.val_true)
    pred = np.asarray(result.val_pred)
    pred_raw = np.asarray(result.val_pred_raw)
    names = np.asarray(classes, dtype=object)
    from ..metrics import per_class_report

    report = per_class_report(y_true, pred, labels=list(range(len(classes))))
    raw = per_class_report(y_true, pred_raw, labels=list(range(len(classes))))
    per_class = [{"name": c, "precision": fmt(report.precision[j]), "recall": fmt(report.recall[j]),
                  "f1": fmt(report.f1[j]), "recall_raw": fmt(raw.recall[j]),
                  "support": int(report.support[j])} for j, c in enumerate(classes)]
    history = result.history
    best = result.best_epoch
    epochs = [{"epoch": e["epoch"], "train_loss": fmt(e.get("train_loss"), 4),
               "eval_loss": fmt(e.get("eval_loss"), 4), "macro_f1": fmt(e.get("macro_f1")),
               "balanced_accuracy": fmt(e.get("balanced_accuracy")),
               "best": e["epoch"] == best} for e in history]
    xs = [e["epoch"] for e in history]
    x_domain = (0.0, float(max(xs, default=1)))
    losses = [v for e in history for v in (e.get("train_loss"), e.get("eval_loss"))
              if v is not None]
    top = max(losses, default=1.0) * 1.1 or 1.0
    lines = []
    for key, name, color in (("train_loss", "training loss", PALETTE[0]),
                             ("eval_loss", "validation loss", PALETTE[1])):
        pts = [(e["epoch"], e[key]) for e in history if e.get(key) is not None]
        if pts:
            lines.append(Line(name, [p[0] for p in pts], [p[1] for p in pts], color=color,
                              markers=True))
    loss_chart = line_chart(lines, uid="loss", title="Loss per epoch", x_label="epoch",
                            y_label="loss", x_domain=x_domain, y_domain=(0.0, top),
                            desc="training and validation loss after each epoch")
    score_lines = []
    for key, name, color in (("macro_f1", "macro-F1", PALETTE[2]),
                             ("balanced_accuracy", "balanced accuracy", PALETTE[3])):
        pts = [(e["epoch"], e[key]) for e in history if e.get(key) is not None]
        if pts:
            score_lines.append(Line(name, [p[0] for p in pts], [p[1] for p in pts], color=color,
                                    markers=True))
    vlines = [(best, "best", "#7a7a7a")] if best is not None else []
    score_chart = line_chart(score_lines, uid="scores", title="Validation scores per epoch",
                             x_label="epoch", y_label="score", x_domain=x_domain,
                             vlines=vlines, desc="validation macro-F1 and balanced accuracy")
    recall_chart = grouped_bar_chart(
        classes, {"recall, argmax": raw.recall.tolist(), "recall, decision": report.recall.tolist(),
                  "F1, decision": report.f1.tolist()},
        uid="perclass", title="Recall and F1 per class", value_label="score",
        desc="per-class recall before and after the decision rule, and F1 after")
    matrix = confusion(names[y_true], names[pred], classes)
    confusion_chart = heatmap(classes, classes, matrix.to_numpy(), uid="confusion",
                              title="Confusion matrix", x_label="predicted", y_label="true",
                              desc="validation rows of each true class by predicted class")
    # misclassified texts of the rarest classes, most confident first
    logits = np.asarray(result.val_logits, dtype=float)
    rare = classes[-min(3, max(1, len(classes) - 1)):][::-1]
    examples = []
    if logits.size:
        z = logits - logits.max(1, keepdims=True)
        proba = np.exp(z) / np.exp(z).sum(1, keepdims=True)
        rare_idx = [classes.index(c) for c in rare]
        wrong = np.flatnonzero(np.isin(y_true, rare_idx) & (pred != y_true))
        conf = proba[wrong, pred[wrong]]
        for i in wrong[np.argsort(-conf, kind="stable")][:_N_EXAMPLES]:
            short, cut = shorten(result.val_texts[i])
            examples.append({"true": classes[y_true[i]], "pred": classes[pred[i]],
                             "confidence": fmt(proba[i, pred[i]]), "short": short, "cut": cut,
                             "full": " ".join(str(result.val_texts[i]).split())})
    counts = result.train_counts
    d = dict(result.decision)
    settings = dict(result.settings)
    seconds = result.seconds
    return {
        "version": __version__,
        "h": {"dataset": dataset, "n_train": int(sum(counts)), "n_val": int(sum(result.val_counts)),
              "n_classes": len(classes),
              "imbalance_ratio": f"{max(counts) / max(1, min(counts)):.1f}",
              "seconds": f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min",
              "generated": generated, "best_epoch": best if best is not None else "–",
              "epochs_run": len(history), "resumed_from": result.resumed_from,
              "model_dir": result.model_dir,
              "val_share": f"{settings.get('val_size', 0.2):.0%}"},
        "s": {**settings, "model_name": Path(settings.get("model", "")).name},
        "m": {k: fmt(result.metrics.get(k)) for k in ("macro_f1", "balanced_accuracy")},
        "raw": {k: fmt(result.metrics_raw.get(k)) for k in ("macro_f1", "balanced_accuracy")},
        "d": {**d, "text": _decision_text(d)},
        "counts": [{"name": c, "train": counts[j], "val": result.val_counts[j]}
                   for j, c in enumerate(classes)],
        "per_class": per_class, "epochs": epochs, "rare": rare, "examples": examples,
        "notes": list(result.notes or []),
        "loss_chart": loss_chart, "score_chart": score_chart, "recall_chart": recall_chart,
        "confusion_chart": confusion_chart,
        "command": _command(settings, dataset, out),
        "settings_json": json.dumps(settings, indent=1, default=str),
    }


def render_finetune_html(result, *, dataset: str = "data", out: str = "unskew-finetune",
                         generated=None) -> str:
    """Render a :class:`~unskew.text.FinetuneResult` as one self-contained HTML page.

    No script, no network: styles and SVG charts are inline and a Content-Security-Policy
    forbids any request. Texts are escaped.

    Parameters
    ----------
    result : FinetuneResult
    dataset : str
        The DATA argument, for the title and the reproduce line.
    out : str
        The output folder, for the reproduce line.
    generated : datetime.datetime or str, optional
        Timestamp in the header; by default now (UTC).

    Returns
    -------
    str
    """
    from jinja2 import Environment, StrictUndefined

    if generated is None:
        generated = _dt.datetime.now(_dt.UTC)
    if isinstance(generated, _dt.datetime):
        generated = generated.strftime("%Y-%m-%d %H:%M %Z").strip()
    css = resources.files("unskew.report").joinpath("templates/report.css").read_text("utf-8")
    env = Environment(autoescape=True, undefined=StrictUndefined)
    from markupsafe import Markup

    context = finetune_context(result, dataset=dataset, out=out, generated=str(generated))
    return env.from_string(_TEMPLATE).render(css=Markup(css), **context)


def write_finetune_report(result, path, **kwargs) -> Path:
    """Write :func:`render_finetune_html` of ``result`` to ``path`` (UTF-8); return the path."""
    path = Path(path)
    path.write_text(render_finetune_html(result, **kwargs), encoding="utf-8")
    return path
