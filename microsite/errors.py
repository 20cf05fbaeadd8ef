"""The error types: what went wrong, where, and what the editor can do about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(unsafe_hash=True)
class ContentError(Exception):
    """One problem in one input file, located as precisely as we can."""

    path: str
    line: int | None
    column: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, int | None, int | None, str, str]]:
        """Pickle by fields, so errors cross process boundaries intact."""
        return (ContentError, (self.path, self.line, self.column, self.message, self.hint))


class BuildError(Exception):
    """A build refused: every content error found, reported together."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=_error_order)
        super().__init__("\n".join(str(e) for e in self.errors))


def _error_order(error: ContentError) -> tuple[str, int, int, str]:
    """Sort errors by file, then position, so reports are stable."""
    return (error.path, error.line or 0, error.column or 0, error.message)


class ErrorList:
    """Collects content errors during one stage, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def add(self, error: ContentError) -> None:
        """Remember one error."""
        self.errors.append(error)

    def extend(self, errors: Iterable[ContentError]) -> None:
        """Remember several errors."""
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        """End the stage with every error collected so far."""
        if self.errors:
            raise BuildError(self.errors)
