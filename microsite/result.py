"""What a build did: the record behind its one-line summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the one-line summary."""

    out: Path
    pages: dict[str, int]  # language -> number of pages
    warnings: tuple[str, ...]
    seconds: float
    linked: int = 0  # pages linked unchanged from the previous site
    unchanged: bool = False  # nothing to do: the last build's site stands

    def summary(self) -> str:
        """One line: pages per language, warnings, pages linked unchanged from the previous site, time."""
        counts = ", ".join(f"{n} {lang}" for lang, n in self.pages.items())
        warned = f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        if self.unchanged:
            return (
                f"Up to date: {sum(self.pages.values())} pages ({counts}), {warned}; nothing changed since the "
                f"last build (checked in {self.seconds:.2f} s) -> {self.out}"
            )
        return (
            f"Built {sum(self.pages.values())} pages ({counts}), {warned}, "
            f"{self.linked} linked unchanged from the previous site, in {self.seconds:.2f} s -> {self.out}"
        )
