"""Run imbalanced-learn's own tests of the resamplers unskew replaces, against unskew's classes.

Copies the test files below into a temporary directory, rewrites their imports so that every
class ``unskew.resampling`` provides comes from there (``from imblearn.over_sampling import
SMOTE, RandomOverSampler`` becomes ``from unskew.resampling import SMOTE`` plus, for a class
unskew lacks, the original import), runs pytest on each file and prints pass/fail counts per
file. Classes unskew does not provide keep imbalanced-learn's import, so the count of tests that
really ran against unskew is the number of rewritten files' tests.

Usage::

    .venv/bin/python tools/imblearn_suite.py                 # the installed imblearn's tests
    .venv/bin/python tools/imblearn_suite.py --failures      # also list the failing test ids
    .venv/bin/python tools/imblearn_suite.py --source DIR    # the tests of an imblearn checkout
    .venv/bin/python tools/imblearn_suite.py --keep          # keep (and print) the temp dir

``--source`` is an ``imblearn`` package directory, e.g. a ``git archive`` of
scikit-learn-contrib/imbalanced-learn extracted somewhere (its ``imblearn/`` folder). The
installed wheel ships its tests, so the default needs no network. The results and the
differences that remain are in ``benchmarks/results/imblearn_suite.md``.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

# the test files of the resamplers unskew replaces, relative to the imblearn package
TEST_FILES = (
    "over_sampling/_smote/tests/test_smote.py",
    "over_sampling/_smote/tests/test_borderline_smote.py",
    "over_sampling/_smote/tests/test_svm_smote.py",
    "over_sampling/_smote/tests/test_kmeans_smote.py",
    "over_sampling/_smote/tests/test_smote_nc.py",
    "over_sampling/_smote/tests/test_smoten.py",
    "over_sampling/tests/test_adasyn.py",
    "over_sampling/tests/test_common.py",
    "over_sampling/tests/test_random_over_sampler.py",
    "under_sampling/_prototype_selection/tests/test_random_under_sampler.py",
    "under_sampling/_prototype_selection/tests/test_tomek_links.py",
    "under_sampling/_prototype_selection/tests/test_edited_nearest_neighbours.py",
    "under_sampling/_prototype_selection/tests/test_one_sided_selection.py",
    "under_sampling/_prototype_selection/tests/test_neighbourhood_cleaning_rule.py",
    "combine/tests/test_smote_enn.py",
    "combine/tests/test_smote_tomek.py",
)

# modules whose resampler imports are switched (imblearn's public import paths)
SWITCHED_MODULES = ("imblearn.over_sampling", "imblearn.under_sampling", "imblearn.combine")

PYTEST_INI = """[pytest]
addopts = -p no:cacheprovider -p no:xdist --import-mode=importlib
"""


def installed_imblearn() -> Path:
    import imblearn

    return Path(imblearn.__file__).resolve().parent


def unskew_names() -> set[str]:
    import unskew.resampling

    return set(unskew.resampling.__all__)


def rewrite_imports(source: str, provided: set[str]) -> tuple[str, list[str]]:
    """``source`` with the switched imports of classes in ``provided`` taken from unskew.

    Returns the new text and the names switched. Every ``from imblearn.<switched> import ...``
    statement (at any depth) is replaced in place, keeping its indentation.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []  # (first line, last line, replacement text)
    switched: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module not in SWITCHED_MODULES:
            continue
        ours = [a for a in node.names if a.name in provided]
        if not ours:
            continue
        theirs = [a for a in node.names if a.name not in provided]
        indent = " " * node.col_offset

        def spell(aliases):
            return ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}"
                             for a in aliases)

        text = f"{indent}from unskew.resampling import {spell(ours)}\n"
        if theirs:
            text += f"{indent}from {node.module} import {spell(theirs)}\n"
        edits.append((node.lineno - 1, node.end_lineno, text))
        switched.extend(a.name for a in ours)
    for first, last, text in sorted(edits, reverse=True):
        lines[first:last] = [text]
    return "".join(lines), sorted(set(switched))


def count(junit: Path) -> dict[str, object]:
    """Passed / failed / errors / skipped counts and the ids of the failing tests."""
    root = ET.parse(junit).getroot()
    out = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failing": []}
    for case in root.iter("testcase"):
        name = f"{case.get('name')}"
        kinds = {child.tag for child in case}
        if "failure" in kinds:
            out["failed"] += 1
            out["failing"].append(name)
        elif "error" in kinds:
            out["errors"] += 1
            out["failing"].append(name)
        elif "skipped" in kinds:
            out["skipped"] += 1
        else:
            out["passed"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None,
                        help="an imblearn package directory (default: the installed one)")
    parser.add_argument("--failures", action="store_true", help="list the failing test ids")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-k", default=None, help="passed to pytest -k")
    args = parser.parse_args(argv)

    source = (args.source or installed_imblearn()).resolve()
    provided = unskew_names()
    work = Path(tempfile.mkdtemp(prefix="imblearn_suite_"))
    (work / "pytest.ini").write_text(PYTEST_INI)
    rows = []
    try:
        for rel in TEST_FILES:
            origin = source / rel
            if not origin.exists():
                print(f"{rel}: not in {source}, skipped", file=sys.stderr)
                continue
            # flat names (two files are called test_common.py)
            target = work / rel.replace("/", "__")
            text, switched = rewrite_imports(origin.read_text(), provided)
            target.write_text(text)
            junit = work / (target.stem + ".xml")
            cmd = [sys.executable, "-m", "pytest", "-q", "-c", str(work / "pytest.ini"),
                   "--rootdir", str(work), f"--junitxml={junit}", str(target)]
            if args.k:
                cmd += ["-k", args.k]
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            result = count(junit) if junit.exists() else {
                "passed": 0, "failed": 0, "errors": 1, "skipped": 0,
                "failing": ["<collection failed>"]}
            rows.append((rel, switched, result))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    width = max(len(rel) for rel, _, _ in rows)
    print(f"{'file':<{width}}  passed  failed  errors  skipped  against unskew")
    totals = dict.fromkeys(("passed", "failed", "errors", "skipped"), 0)
    for rel, switched, result in rows:
        for key in totals:
            totals[key] += result[key]
        print(f"{rel:<{width}}  {result['passed']:>6}  {result['failed']:>6}  "
              f"{result['errors']:>6}  {result['skipped']:>7}  {', '.join(switched) or '-'}")
    print(f"{'total':<{width}}  {totals['passed']:>6}  {totals['failed']:>6}  "
          f"{totals['errors']:>6}  {totals['skipped']:>7}")
    if args.failures:
        for rel, _, result in rows:
            for name in result["failing"]:
                print(f"FAIL {rel}::{name}")
    return 0 if totals["failed"] == totals["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
