"""Tests of the comparison's progress report: throttled log lines, a notebook bar, silence."""

import io
import sys
import types

import pytest

from unskew.comparison import _engine, _progress
from unskew.comparison._progress import Progress, format_duration


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(total: int, seconds_per_task: float = 1.0, stop: int | None = None, **options):
    clock, log = FakeClock(), io.StringIO()
    progress = Progress(total, True, clock=clock, stream=log, **options)
    for i in range(total if stop is None else stop):
        clock.now += seconds_per_task
        progress.advance(f"task {i}")
    progress.close()
    return log.getvalue().splitlines()


def test_engine_uses_this_progress():
    """Check that the engine reports through this module's Progress."""
    assert _engine._Progress is Progress


def test_progress_log_lines_throttled_to_about_ten():
    """Check that 240 tasks outside a terminal print the first, every 10% and the last."""
    lines = _run(240)
    assert len(lines) <= 12
    assert lines[0].startswith("[1/240 0%] task 0 (elapsed 1s, eta 3m59s)")
    assert lines[1].startswith("[24/240 10%]")
    assert lines[-1] == "[240/240 100%] task 239 (elapsed 4m00s, eta 0s)"


def test_progress_prints_when_30_seconds_have_passed():
    """Check that a slow run prints a line once 30 s have passed, before the next 10%."""
    clock, log = FakeClock(), io.StringIO()
    progress = Progress(1000, True, clock=clock, stream=log)
    progress.advance("first")
    clock.now = 29.0
    progress.advance("too soon")
    assert len(log.getvalue().splitlines()) == 1
    clock.now = 30.0
    progress.advance("slow")
    assert log.getvalue().splitlines()[-1] == "[3/1000 0%] slow (elapsed 30s, eta 2h46m)"


def test_progress_slow_tasks_print_every_interval():
    """Check that with 40 s tasks every task is due by time, and only once."""
    lines = _run(100, seconds_per_task=40.0)
    assert len(lines) == 100


def test_progress_close_shows_where_an_early_stop_left_off():
    """Check that a run stopped early (time budget, Ctrl-C) ends with its last count."""
    lines = _run(240, stop=30)
    assert lines[-1].startswith("[30/240 12%] task 29")
    assert sum(line.startswith("[30/240") for line in lines) == 1


@pytest.mark.parametrize("enabled", [None, True], ids=["auto", "on"])
def test_progress_auto_and_on_log_to_stderr_outside_a_terminal(enabled, capsys):
    """Check that None and True both report, on stderr, when it is not a terminal."""
    progress = Progress(3, enabled)
    for name in ("a", "b", "c"):
        progress.advance(name)
    progress.close()
    captured = capsys.readouterr()
    assert progress.mode == "log"
    assert captured.out == ""
    assert [line.split("]")[0] for line in captured.err.splitlines()] == [
        "[1/3 33%", "[2/3 66%", "[3/3 100%"]


def test_progress_disabled_is_silent(capsys):
    """Check that enabled=False prints nothing anywhere."""
    log = io.StringIO()
    progress = Progress(5, False, stream=log)
    for _ in range(5):
        progress.advance("x")
    progress.close()
    assert log.getvalue() == ""
    assert capsys.readouterr() == ("", "")


def test_progress_terminal_gets_a_bar_not_lines():
    """Check that a terminal stream gets the rich bar, which leaves no log lines behind."""
    tty = FakeTTY()
    progress = Progress(4, None, stream=tty)
    for i in range(4):
        progress.advance(f"task {i}")
    progress.close()
    assert progress.mode == "bar"
    assert "[1/4" not in tty.getvalue()


def test_progress_notebook_updates_one_cell(monkeypatch, capsys):
    """Check that in Jupyter one display is created and updated, ending at 240/240."""
    cells = []

    class Handle:
        def __init__(self, obj):
            self.states = [obj]

        def update(self, obj):
            self.states.append(obj)

    def display(obj, display_id=False):
        assert display_id is True
        cells.append(Handle(obj))
        return cells[-1]

    ipython = types.ModuleType("IPython")
    ipython.display = types.ModuleType("IPython.display")
    ipython.display.display = display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython.display)
    monkeypatch.setattr(_progress, "_in_notebook", lambda: True)
    clock = FakeClock()
    progress = Progress(240, None, clock=clock)
    for i in range(240):
        clock.now += 0.125  # fast tasks: the cell changes at most every 0.2 s
        progress.advance(f"task {i}")
    progress.close()
    assert progress.mode == "notebook"
    assert len(cells) == 1
    assert len(cells[0].states) == 1 + 120  # the empty bar, then every second task
    last = cells[0].states[-1]
    assert '<progress value="240" max="240"' in last._repr_html_()
    assert repr(last).startswith("[240/240 100%] task 239")
    assert capsys.readouterr().err == ""  # no log lines in the notebook's stderr


@pytest.mark.parametrize(("seconds", "text"), [(0.4, "0s"), (59.6, "1m00s"), (61, "1m01s"),
                                               (3599, "59m59s"), (7322, "2h02m")])
def test_format_duration(seconds, text):
    """Check that durations read as seconds, minutes or hours."""
    assert format_duration(seconds) == text
