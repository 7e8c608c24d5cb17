"""On-disk cache of finished tasks, so an interrupted run resumes where it stopped.

One file per (strategy, split) task, keyed by everything that determines its result. Files are
written to a temporary name and renamed, so a run killed mid-write (even ``kill -9``) leaves
either a complete entry or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from .._version import __version__


def task_key(**parts) -> str:
    """Hash the parts that determine a task's result (data hash, strategy, params, split...)."""
    blob = json.dumps({**parts, "unskew": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class TaskCache:
    """A folder of finished task results; ``None`` folder disables caching."""

    def __init__(self, folder: str | os.PathLike | None):
        self.folder = None if folder is None else Path(folder)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str) -> dict | None:
        """The stored result, or None (also for an unreadable entry, which is recomputed)."""
        if self.folder is None or not self._path(key).exists():
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as data:
                record = json.loads(str(data["record"]))
                if "proba" in data.files:
                    record["proba"] = data["proba"]
            return record
        except (OSError, ValueError, KeyError):
            return None

    def put(self, key: str, record: dict) -> None:
        """Store a result atomically."""
        if self.folder is None:
            return
        arrays = {}
        record = dict(record)
        if record.get("proba") is not None:
            arrays["proba"] = np.asarray(record.pop("proba"), dtype=np.float64)
        else:
            record.pop("proba", None)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        os.close(fd)
        try:
            with open(tmp, "wb") as fh:
                np.savez(fh, record=np.array(json.dumps(record)), **arrays)
            os.replace(tmp, self._path(key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
