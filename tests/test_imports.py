"""The import rules of the package layout (ARCHITECTURE.md), read from the source with ``ast``.

- A package's ``_private`` modules and ``_private`` names are its own: another package imports
  only its public names, except from the shared private rooms below everything.
- Arrows point down: the command line (``cli.py``, ``_cli/``) is imported by nothing else;
  ``comparison/`` and ``report/`` by nothing below them; and ``report/`` takes from
  ``comparison`` only the result and its settings.

Imports inside functions count as much as those at the top of a module.
"""

import ast
from pathlib import Path

import pytest

import unskew

SRC = Path(unskew.__file__).parent
# private rooms every package may import: they sit below all of them and import none of them
SHARED_PRIVATE = {"_utils", "_neighbors", "_detect", "_preprocessing", "_version"}
# the layers above the method rooms: the command line, then the main job and its report
COMMAND_LINE = {"cli"}
MAIN_JOB = {"comparison", "report"}
# what the report renders, the only names it takes from comparison: the result object and the
# settings it was run with (the reproduce line and flag table render from them)
REPORT_FROM_COMPARISON = {"CompareResult", "CompareSettings"}


def _module_name(path: Path) -> str:
    parts = ["unskew", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str:
    """The top-level subpackage (or module) of ``unskew`` that ``module`` belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return ""  # the package root
    # cli.py is the public face of _cli/, and `python -m unskew` runs it
    return {"_cli": "cli", "__main__": "cli"}.get(parts[1], parts[1])


def _imports(module: str, is_package: bool, source: str):
    """Yield ``(line, name)`` for each thing of unskew that ``source`` imports, by full name.

    ``from ..datasets import load_table`` in ``unskew.resampling._x`` imports
    ``unskew.datasets.load_table``; ``from .. import report`` imports ``unskew.report``.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target if alias.name == "*" else f"{target}.{alias.name}"
                     for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "unskew":
                yield node.lineno, name


def _violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """What the import rules say about the module ``module`` with this ``source``."""
    room = _room(module)
    found = []
    for line, name in _imports(module, is_package, source):
        where = f"{module}:{line}"
        target_room = _room(name)
        if target_room in (room, ""):
            continue
        if target_room not in SHARED_PRIVATE and any(
                part.startswith("_") for part in name.split(".")[2:]):
            found.append(f"{where}: imports {name}, private to {target_room}/")
        if target_room in COMMAND_LINE and room:
            found.append(f"{where}: imports {name}, from the command line")
        if target_room in MAIN_JOB and room not in COMMAND_LINE | MAIN_JOB | {""}:
            found.append(f"{where}: imports {name}, from {target_room}/ above {room}/")
        if room == "report" and target_room == "comparison" and name not in {
                f"unskew.comparison.{allowed}" for allowed in REPORT_FROM_COMPARISON}:
            found.append(f"{where}: imports {name}; report/ takes from comparison only "
                         f"{', '.join(sorted(REPORT_FROM_COMPARISON))}")
    return found


MODULES = sorted(SRC.rglob("*.py"))


def test_import_rules_cover_every_module():
    """Check that the rules read every module of the package, the rooms included."""
    rooms = {_room(_module_name(p)) for p in MODULES}
    assert {"comparison", "report", "cli", "resampling", "_detect", "datasets"} <= rooms


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("unskew.resampling._planted",
     "from .._detect import find_outliers\n"       # a shared private room
     "from ..datasets import load_table\n"          # another room's public name
     "from ._smote import SMOTE\n"                  # its own room's private module
     "from ..diagnosis import diagnose\n",          # a room beside it
     []),
    ("unskew.resampling._planted",
     "from ..metrics._validation import check_multilabel\n"
     "import unskew.datasets._table\n"
     "from ..datasets import _read\n",
     ["imports unskew.metrics._validation.check_multilabel, private to metrics/",
      "imports unskew.datasets._table, private to datasets/",
      "imports unskew.datasets._read, private to datasets/"]),
    ("unskew.threshold._planted",
     "def later():\n    from ..comparison import compare\n    from .. import report\n",
     ["imports unskew.comparison.compare, from comparison/ above threshold/",
      "imports unskew.report, from report/ above threshold/"]),
    ("unskew.report._planted",
     "from ..comparison import CompareResult, CompareSettings\n"
     "from ..comparison.strategies import REGISTRY\n"
     "from .._cli._render import print_table\n",
     ["imports unskew.comparison.strategies.REGISTRY; report/ takes from comparison only "
      "CompareResult, CompareSettings",
      "imports unskew._cli._render.print_table, private to cli/",
      "imports unskew._cli._render.print_table, from the command line"]),
    ("unskew.cli", "from ._cli._registry import COMMANDS\n", []),
    ("unskew.comparison", "from ._settings import OPTIONS\nfrom .. import report\n", []),
], ids=["allowed", "private", "upward-in-a-function", "report", "cli-and-_cli", "package-init"])
def test_import_rules_on_planted_code(module, source, expected):
    """Check what the rules flag, and what they let through, on planted modules."""
    # unskew.comparison is a package (its __init__.py); the others are plain modules
    is_package = module == "unskew.comparison"
    found = [f.split(": ", 1)[1] for f in _violations(module, source, is_package=is_package)]
    assert found == expected


def test_no_module_breaks_the_import_rules():
    """Check that no module imports another package's private code or a room above its own."""
    found = [v for path in MODULES
             for v in _violations(_module_name(path), path.read_text(encoding="utf-8"),
                                  is_package=path.name == "__init__.py")]
    if found:
        pytest.fail(f"{len(found)} imports break the layout rules:\n" + "\n".join(found))
