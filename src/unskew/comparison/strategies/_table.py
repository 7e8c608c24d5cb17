"""The strategy table: one row per registered strategy, in registry order.

A row says which family builds the strategy, its method and model (its name is
``<method>+<model>``) and the smallest preset that runs it (presets nest: ``fast`` within
``default`` within ``thorough``). The family module's ``entry(method, model)`` supplies the rest
(factory, description, search space, and where they apply: binary targets only, column types,
the extra it needs). Registering a strategy means adding a row here, and teaching its family a
new method if it has one.
"""

from __future__ import annotations

from . import baseline, data, decisions, ensembles, torch, weights
from ._strategy import Strategy, presets_from

__all__ = ["TABLE", "TEXT_PRESETS", "table_strategies"]

_FAMILY_MODULES = {"baseline": baseline, "weights": weights, "data": data,
                   "ensembles": ensembles, "decisions": decisions, "torch": torch}

# The fast preset is six cheap strategies; default adds what usually pays for its cost; thorough
# adds the costlier or more specialised methods, the SMOTE ensembles (they fit on the grown data,
# 4-20x the under-sampling ones) and the MLPs (slow on a CPU).
TABLE: tuple[tuple[str, str, str, str], ...] = (
    # family      method                model    smallest preset
    ("baseline",  "none",               "lr",    "fast"),
    ("baseline",  "none",               "hgb",   "default"),
    ("baseline",  "none",               "rf",    "default"),
    ("weights",   "weighted",           "lr",    "fast"),
    ("weights",   "weighted",           "hgb",   "fast"),
    ("weights",   "weighted",           "rf",    "default"),
    ("weights",   "weighted",           "svm",   "thorough"),
    ("baseline",  "none",               "cnb",   "thorough"),
    ("data",      "augment",            "lr",    "thorough"),
    ("data",      "smote-nc",           "lr",    "thorough"),
    ("data",      "smote-n",            "lr",    "thorough"),
    ("data",      "smote-nc",           "hgb",   "thorough"),
    ("data",      "smote-n",            "hgb",   "thorough"),
    ("data",      "ros",                "lr",    "fast"),
    ("data",      "rus",                "lr",    "fast"),
    ("data",      "smote",              "lr",    "fast"),
    ("data",      "smote",              "hgb",   "default"),
    ("data",      "borderline-smote",   "lr",    "default"),
    ("data",      "adasyn",             "lr",    "default"),
    ("data",      "smote-tomek",        "lr",    "default"),
    ("data",      "smote-enn",          "lr",    "default"),
    ("data",      "rus",                "hgb",   "default"),
    ("data",      "tomek",              "lr",    "default"),
    ("data",      "enn",                "lr",    "default"),
    ("data",      "svm-smote",          "lr",    "thorough"),
    ("data",      "kmeans-smote",       "lr",    "thorough"),
    ("data",      "polyfit-smote",      "lr",    "thorough"),
    ("data",      "prowsyn",            "lr",    "thorough"),
    ("data",      "smote-ipf",          "lr",    "thorough"),
    ("data",      "oss",                "lr",    "thorough"),
    ("data",      "ncr",                "lr",    "thorough"),
    ("data",      "tomek",              "hgb",   "thorough"),
    ("data",      "enn",                "hgb",   "thorough"),
    ("data",      "masking",            "lr",    "thorough"),
    ("data",      "masking",            "hgb",   "thorough"),
    ("data",      "weighted-selection", "lr",    "thorough"),
    ("data",      "outlier-removal",    "lr",    "thorough"),
    ("data",      "label-filter",       "lr",    "thorough"),
    ("data",      "label-filter",       "hgb",   "thorough"),
    ("ensembles", "balanced-rf",        "trees", "default"),
    ("ensembles", "easy-ensemble",      "ada",   "default"),
    ("ensembles", "rusboost",           "trees", "default"),
    ("ensembles", "smoteboost",         "trees", "thorough"),
    ("ensembles", "smotebagging",       "trees", "thorough"),
    ("ensembles", "self-paced",         "trees", "default"),
    ("decisions", "tuned-threshold",    "lr",    "default"),
    ("decisions", "tuned-threshold",    "hgb",   "default"),
    ("decisions", "offsets",            "lr",    "default"),
    ("decisions", "offsets",            "hgb",   "thorough"),
    ("decisions", "logit-adjusted",     "lr",    "default"),
    ("decisions", "logit-adjusted",     "hgb",   "default"),
    ("torch",     "none",               "mlp",   "thorough"),
    ("torch",     "focal",              "mlp",   "thorough"),
    ("torch",     "cb-focal",           "mlp",   "thorough"),
    ("torch",     "ldam-drw",           "mlp",   "thorough"),
    ("torch",     "la-loss",            "mlp",   "thorough"),
    ("torch",     "balanced-softmax",   "mlp",   "thorough"),
    ("torch",     "logit-adjusted",     "mlp",   "thorough"),
)


# On a table whose features are all text, a preset runs these instead (in this order): the
# strategies that suit sparse n-gram features and skewed text classes.
TEXT_PRESETS: dict[str, tuple[str, ...]] = {
    "fast": ("none+lr", "weighted+lr", "weighted+svm", "none+cnb", "ros+lr",
             "logit-adjusted+lr"),
}
TEXT_PRESETS["default"] = (*TEXT_PRESETS["fast"], "offsets+lr", "smote+lr", "augment+lr",
                           "tuned-threshold+lr")


def table_strategies() -> list[Strategy]:
    """The :class:`Strategy` of every row of :data:`TABLE`, in order.

    Examples
    --------
    >>> strategies = table_strategies()
    >>> strategies[0].name, sorted(strategies[0].presets)
    ('none+lr', ['default', 'fast', 'thorough'])
    >>> len(strategies) == len(TABLE)
    True
    """
    return [Strategy(name=f"{method}+{model}", family=family, presets=presets_from(preset),
                     **_FAMILY_MODULES[family].entry(method, model))
            for family, method, model, preset in TABLE]
