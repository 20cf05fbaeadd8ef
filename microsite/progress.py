"""Feedback during long builds: a progress bar on a terminal, a few plain lines in CI or when piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts rendered pages per language; says nothing for builds shorter than about a second."""

    def __init__(self, totals: dict[str, int], stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.totals = totals
        self.done = {lang: 0 for lang in totals}
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False

    def advance(self, lang: str) -> None:
        """Note one page done; redraw at most ten times a second (every few seconds without a terminal)."""
        self.done[lang] = self.done.get(lang, 0) + 1
        now = time.monotonic()
        if now - self.started < self.delay or now - self.last < (0.1 if self.tty else 3.0):
            return
        self.last = now
        self._show()

    def _show(self) -> None:
        """Draw the bar (terminal) or print a line (pipe)."""
        total, done = sum(self.totals.values()), sum(self.done.values())
        languages = ", ".join(f"{lang} {self.done[lang]}/{n}" for lang, n in self.totals.items())
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages ({languages})")
        else:
            self.stream.write(f"rendered {done}/{total} pages ({languages})\n")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """End the bar's line so the summary starts on a fresh one."""
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()
