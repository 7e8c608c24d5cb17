"""Tests of the `unskew` command line, run in-process through main(argv)."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from unskew import __version__
from unskew.cli import main


def test_cli_version(capsys):
    """Check that --version prints the package version."""
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"unskew {__version__}"


def test_cli_without_command_prints_help(capsys):
    """Check that a bare `unskew` lists the registered commands and exits 2."""
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "diagnose" in out
    assert "benchmarks" in out


def test_cli_console_script_runs():
    """Check that the installed console script answers --help."""
    out = subprocess.run([sys.executable, "-m", "unskew", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "usage: unskew" in out


def test_cli_benchmarks_lists_collections(capsys):
    """Check that `unskew benchmarks` lists both collections and filters by ratio."""
    assert main(["benchmarks", "--min-ratio", "100"]) == 0
    out = capsys.readouterr().out
    assert "binary:abalone19" in out
    assert "multiclass:fars" in out
    assert "binary:yeast4" not in out  # ratio 28


def test_cli_diagnose_benchmark_json(tmp_path, capsys):
    """Check that `unskew diagnose` prints a class table and writes the profile as JSON."""
    path = tmp_path / "profile.json"
    assert main(["diagnose", "binary:yeast4", "--json", str(path), "--seed", "0"]) == 0
    out = capsys.readouterr().out
    assert "positive" in out
    assert "negative" in out
    profile = json.loads(path.read_text())
    assert profile["n_samples"] == 1484


def test_cli_diagnose_table(tmp_path, capsys):
    """Check that a CSV file is diagnosed with --target."""
    df = pd.DataFrame({"x": range(60), "y": ["a"] * 50 + ["b"] * 10})
    df.to_csv(tmp_path / "t.csv", index=False)
    assert main(["diagnose", str(tmp_path / "t.csv"), "--target", "y", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["class_counts"] == {"a": 50, "b": 10}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diagnose", "binary:yeastt"], "did you mean one of 'binary:yeast"),
        (["diagnose", "data.csv"], "--target COL is required"),
        (["diagnose", "binary:yeast4", "--target", "x"], "--target is only for tables"),
    ],
    ids=["unknown-benchmark", "table-without-target", "benchmark-with-target"],
)
def test_cli_errors_are_one_line(tmp_path, monkeypatch, capsys, argv, message):
    """Check that bad input exits 1 with a one-line error, not a traceback."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"a": [1, 2], "y": [0, 1]}).to_csv("data.csv", index=False)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_strategies_lists_the_registry(capsys):
    """Check that `unskew strategies` lists every registered strategy of a preset."""
    from unskew.comparison.strategies import REGISTRY

    assert main(["strategies", "--preset", "fast"]) == 0
    out = capsys.readouterr().out
    fast = [s.name for s in REGISTRY.values() if "fast" in s.presets]
    assert all(name in out for name in fast)
    assert "tuned-threshold+lr" not in out
