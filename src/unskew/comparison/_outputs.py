"""Outputs: the model file, the leaderboard, result.json and the report, in one folder."""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .._version import __version__
from ..datasets import Dataset
from ..exceptions import DataError
from ._model import save_model
from ._result import CompareResult
from ._select import describe_decision, threshold_of


def prepare_out(out) -> Path | None:
    """Create the output folder and check it is writable, before any work is done."""
    if out is None:
        return None
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".unskew-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"cannot write to the output folder {str(out)!r}: {exc.strerror}; "
                        "choose another with --out") from exc
    return out


def versions() -> dict:
    """The versions that produced a result (recorded in the report and the model file)."""
    import imblearn
    import sklearn

    return {"unskew": __version__, "scikit-learn": sklearn.__version__,
            "imbalanced-learn": imblearn.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "python": platform.python_version()}


def write_outputs(result: CompareResult, dataset: Dataset, out: Path) -> None:
    """Write ``model.skops``, ``leaderboard.csv``, ``result.json`` and ``report.html``.

    Each file is complete or absent: the model is written atomically, the others are small.
    """
    board = result.leaderboard
    top = board.iloc[0]
    metric = result.settings["metric"]
    metadata = {
        "strategy": result.best_, "classes": result.classes,
        # the prepared dataset: group / time columns are already out of the features
        "feature_names": list(dataset.X.columns),
        "feature_types": dict(dataset.feature_types),
        "target": str(dataset.y.name), "metric": metric,
        "cv_score": {"mean": float(top[metric]), "low": float(top[f"{metric}_low"]),
                     "high": float(top[f"{metric}_high"])},
        "honest": result.honest, "threshold": threshold_of(result.best_estimator_),
        "decision": describe_decision(result.best_estimator_),
        "data_hash": dataset.source_hash, "dataset": dataset.name,
        "versions": result.versions, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    save_model(result.best_estimator_, out / "model.skops", metadata)
    board.to_csv(out / "leaderboard.csv", index=False)
    result.to_json(out / "result.json")
    result.to_html(out / "report.html")
