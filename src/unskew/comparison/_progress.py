"""Report the progress of a comparison: a bar on a terminal or in a notebook, few lines in a log.

Where the output goes decides the form:

- a terminal: a rich progress bar on stderr, erased when the comparison ends;
- a Jupyter notebook: one HTML progress bar, updated in place;
- anything else (CI logs, pipes, files): plain lines on stderr, throttled to the first task,
  every 10% of the tasks or every 30 seconds (whichever comes first) and the last task, each
  with the elapsed time and an estimate of the time left.
"""

from __future__ import annotations

import html
import math
import sys
import time
from collections.abc import Callable

__all__ = ["Progress"]


def format_duration(seconds: float) -> str:
    """Format a duration for a log line: ``"42s"``, ``"3m05s"``, ``"1h02m"``.

    Examples
    --------
    >>> format_duration(42.4), format_duration(185), format_duration(3720)
    ('42s', '3m05s', '1h02m')
    """
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (rich's detection) with IPython's display."""
    from importlib.util import find_spec

    from rich.console import Console

    return Console().is_jupyter and find_spec("IPython") is not None


def _choose_mode(enabled: bool | None, stream) -> str:
    """``"off"``, ``"notebook"``, ``"bar"`` (a terminal) or ``"log"``; see :class:`Progress`."""
    if enabled is False:
        return "off"
    if stream is None and _in_notebook():
        return "notebook"
    return "bar" if (sys.stderr if stream is None else stream).isatty() else "log"


class _Status:
    """One state of the bar, as HTML for a notebook and as text for anything else."""

    def __init__(self, text: str, done: int, total: int):
        self.text, self.done, self.total = text, done, total

    def _repr_html_(self) -> str:
        return (f'<progress value="{self.done}" max="{max(self.total, 1)}" '
                f'style="width: 24em; vertical-align: middle"></progress> '
                f"<code>{html.escape(self.text)}</code>")

    def __repr__(self) -> str:
        return self.text


class Progress:
    """Report how many of a comparison's tasks are done, and how long the rest should take.

    Parameters
    ----------
    total : int
        Number of tasks.
    enabled : bool or None
        ``False`` reports nothing; ``None`` (auto) and ``True`` report in the form that suits
        the output (see the module docstring).
    clock : callable, default=time.monotonic
        Returns the current time in seconds; tests pass a fake one.
    stream : file-like, optional
        Where log lines go (default: ``sys.stderr``). A stream that is not a terminal always
        gets log lines.
    every : float, default=0.1
        Fraction of the tasks between two log lines.
    interval : float, default=30.0
        Seconds after which the next task prints a log line even before ``every`` is reached.

    Examples
    --------
    >>> import io
    >>> log, now = io.StringIO(), iter(range(1000))  # a fake clock: 1 s a task
    >>> progress = Progress(240, True, clock=lambda: next(now), stream=log)
    >>> for i in range(240):
    ...     progress.advance(f"smote+lr split {i}")
    >>> progress.close()
    >>> print(log.getvalue(), end="")
    [1/240 0%] smote+lr split 0 (elapsed 1s, eta 3m59s)
    [24/240 10%] smote+lr split 23 (elapsed 24s, eta 3m36s)
    [48/240 20%] smote+lr split 47 (elapsed 48s, eta 3m12s)
    [72/240 30%] smote+lr split 71 (elapsed 1m12s, eta 2m48s)
    [96/240 40%] smote+lr split 95 (elapsed 1m36s, eta 2m24s)
    [120/240 50%] smote+lr split 119 (elapsed 2m00s, eta 2m00s)
    [144/240 60%] smote+lr split 143 (elapsed 2m24s, eta 1m36s)
    [168/240 70%] smote+lr split 167 (elapsed 2m48s, eta 1m12s)
    [192/240 80%] smote+lr split 191 (elapsed 3m12s, eta 48s)
    [216/240 90%] smote+lr split 215 (elapsed 3m36s, eta 24s)
    [240/240 100%] smote+lr split 239 (elapsed 4m00s, eta 0s)
    """

    def __init__(self, total: int, enabled: bool | None, *,
                 clock: Callable[[], float] = time.monotonic, stream=None,
                 every: float = 0.1, interval: float = 30.0):
        self.total, self.done = total, 0
        self._clock, self._interval = clock, interval
        self._stream = sys.stderr if stream is None else stream
        self._step = max(1, math.ceil(every * total))  # tasks between two log lines
        self._start = self._last_shown = clock()
        self._shown_done = 0  # tasks done at the last line or notebook update
        self._description = ""
        self._bar = self._cell = None
        self.mode = _choose_mode(enabled, stream)
        if self.mode == "bar":
            self._start_bar()
        elif self.mode == "notebook":
            from IPython.display import display

            self._cell = display(_Status(self._line(self._start), 0, total), display_id=True)

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(TextColumn("[bold]compare"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                 TextColumn("{task.description}"),
                                 console=Console(file=self._stream), transient=True,
                                 get_time=self._clock)
        self._bar.start()
        self._task = self._bar.add_task("", total=self.total)

    def _line(self, now: float) -> str:
        elapsed = now - self._start
        left = (format_duration(elapsed / self.done * (self.total - self.done))
                if self.done else "?")
        percent = 100 * self.done // max(self.total, 1)
        task = f" {self._description}" if self._description else ""
        return (f"[{self.done}/{self.total} {percent}%]{task} "
                f"(elapsed {format_duration(elapsed)}, eta {left})")

    def _show(self, now: float) -> None:
        self._last_shown, self._shown_done = now, self.done
        if self.mode == "log":
            print(self._line(now), file=self._stream, flush=True)
        else:
            self._cell.update(_Status(self._line(now), self.done, self.total))

    def advance(self, description: str) -> None:
        """Record one more task done; ``description`` says which."""
        self.done += 1
        self._description = description
        if self.mode == "bar":
            self._bar.update(self._task, advance=1, description=description)
            return
        if self.mode == "off":
            return
        now = self._clock()
        if self.done == self.total:
            due = True
        elif self.mode == "log":
            due = (self.done == 1 or self.done % self._step == 0
                   or now - self._last_shown >= self._interval)
        else:  # a notebook cell can change often, but not for every fast task
            due = now - self._last_shown >= 0.2
        if due:
            self._show(now)

    def close(self) -> None:
        """Stop the bar; a log or notebook cell gets the final count if it does not show it."""
        if self._bar is not None:
            self._bar.stop()
        elif self.mode in ("log", "notebook") and self.done != self._shown_done:
            self._show(self._clock())
