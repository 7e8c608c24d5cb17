"""The README's examples run as written, print what their comments say, and use current flags."""

import ast
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from unskew.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXPECTED = re.compile(r"#\s*->\s*(.+?)\s*$")  # `print(...)  # -> what it prints`


def _blocks(language: str) -> list[tuple[int, str]]:
    """``(first line number, code)`` of each fenced block of ``language`` in the README."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(2)) + 1, m.group(2))
            for m in FENCE.finditer(text) if m.group(1) == language]


PYTHON_BLOCKS = _blocks("python")
CLI_LINES = [(start + i, line.strip()) for start, code in _blocks("bash")
             for i, line in enumerate(code.splitlines()) if line.strip().startswith("unskew ")]


def test_readme_has_examples():
    """Check that the README still has the Python and CLI examples these tests run."""
    assert len(PYTHON_BLOCKS) >= 3
    assert any(line.startswith("unskew compare") for _, line in CLI_LINES)
    assert any("# ->" in code for _, code in PYTHON_BLOCKS)


@pytest.mark.parametrize(("start", "code"), PYTHON_BLOCKS,
                         ids=[f"line{start}" for start, _ in PYTHON_BLOCKS])
def test_readme_python_block_runs_and_prints_its_comments(start, code, tmp_path, monkeypatch):
    """Check that a README block runs alone, and each `# -> value` line prints that value."""
    if re.search(r"^import torch|^from torch", code, re.MULTILINE):
        pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    lines = code.splitlines()
    namespace: dict = {"__name__": "__readme__"}
    for statement in ast.parse(code).body:
        source = ast.get_source_segment(code, statement)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(ast.Module([statement], type_ignores=[]),
                         f"README.md:{start + statement.lineno - 1}", "exec"), namespace)
        expected = EXPECTED.search(lines[statement.end_lineno - 1])
        if expected:
            where = f"README.md line {start + statement.end_lineno - 1}: {source}"
            assert printed.getvalue().strip() == expected.group(1), where


@pytest.mark.parametrize(("number", "line"), CLI_LINES, ids=[f"line{n}" for n, _ in CLI_LINES])
def test_readme_cli_line_parses(number, line):
    """Check that a README command line uses only flags and values the parser accepts."""
    argv = shlex.split(line, comments=True)[1:]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"README.md line {number} does not parse: {line}")
    assert args.command == argv[0]
