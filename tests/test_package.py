"""Tests of the package surface: lazy imports, optional extras, public names."""

import json
import subprocess
import sys

import pytest

import unskew

HEAVY = ("torch", "transformers", "dask", "distributed")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_unskew_loads_no_heavy_dependency():
    """Check that `import unskew` imports neither extras nor numpy/pandas/sklearn."""
    loaded = _modules_after("import unskew")
    assert not {m.split(".")[0] for m in loaded} & {*HEAVY, "numpy", "pandas", "sklearn"}


def test_cli_help_loads_only_the_standard_library():
    """Check that building the CLI parser (what --help does) imports no scientific stack."""
    loaded = _modules_after("from unskew.cli import build_parser; build_parser()")
    assert not {m.split(".")[0] for m in loaded} & {*HEAVY, "numpy", "pandas", "sklearn", "rich"}


def test_using_the_core_never_imports_extras():
    """Check that loading data, weighting and metrics leave torch/transformers/dask unimported."""
    loaded = _modules_after(
        "import unskew; ds = unskew.load_benchmark('binary:yeast4'); "
        "unskew.class_weights(ds.y); import unskew.metrics"
    )
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


@pytest.mark.parametrize("name", sorted(unskew._LAZY))
def test_lazy_names_resolve(name):
    """Check that every lazily exported name resolves to an object with a docstring."""
    obj = getattr(unskew, name)
    assert obj.__doc__, f"{name} has no docstring"


def test_unknown_attribute_raises_attribute_error():
    """Check that a typo gives AttributeError, not a confusing import error."""
    with pytest.raises(AttributeError, match="no attribute 'comapre'"):
        unskew.comapre  # noqa: B018


def test_dir_lists_public_names():
    """Check that dir(unskew) shows the lazy names for tab completion."""
    assert {"load_table", "diagnose", "class_weights", "metrics"} <= set(dir(unskew))


def test_diagnose_is_a_function_after_importing_its_package():
    """Check that importing unskew.diagnosis does not shadow the unskew.diagnose function."""
    import unskew.diagnosis

    assert callable(unskew.diagnose)
