"""Progress of a comparison."""

from __future__ import annotations

import sys
import time


class Progress:
    """A rich progress bar on a terminal, plain log lines otherwise (CI, pipes, notebooks)."""

    def __init__(self, total: int, enabled: bool | None):
        self.total, self.done = total, 0
        shown = enabled is not False  # None (auto) and True both report; False is silent
        self.tty = shown and sys.stderr.isatty()
        self.plain = shown and not self.tty
        self._bar = None
        self._start = time.perf_counter()
        if self.tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(TextColumn("[bold]compare"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                 TextColumn("{task.description}"),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=total)

    def advance(self, description: str) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=description)
        elif self.plain:
            elapsed = time.perf_counter() - self._start
            eta = elapsed / self.done * (self.total - self.done)
            print(f"[{self.done}/{self.total}] {description} (elapsed {elapsed:.0f}s, "
                  f"eta {eta:.0f}s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
