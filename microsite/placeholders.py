"""Placeholder text: what `init` writes for the editors to replace, marked [TODO: …] wherever it stands.

A build reports each placeholder left in content/ as a warning naming its file and line; --strict refuses them,
since they would be published as they are."""

from __future__ import annotations

import re
from pathlib import Path

from .content import read_text, relative
from .errors import ContentError
from .inputs import input_files

MARK = "[TODO:"
_UNTRANSLATED = re.compile(r"\A---[ \t]*\n(?:.*\n)*?untranslated:[ \t]*true\b", re.MULTILINE)


def placeholder(what: str) -> str:
    """The placeholder `init` writes for a text the editors must write: [TODO: what]."""
    return f"{MARK} {what}]"


def find(content_dir: Path, project: Path) -> list[ContentError]:
    """Every placeholder left in the content's YAML and Markdown files, located (a file that cannot be read is
    left to the build, which names it)."""
    found = []
    for rel in sorted(input_files(content_dir, project)):
        if not rel.endswith((".yaml", ".yml", ".md")):
            continue
        path = content_dir / rel
        try:
            text = read_text(path, project)
        except ContentError:
            continue
        if _UNTRANSLATED.search(text):
            continue  # a translation not written yet is reported as missing, placeholders and all
        for number, line in enumerate(text.splitlines(), 1):
            column = line.find(MARK)
            if column >= 0:
                end = line.find("]", column)
                shown = line[column : end + 1] if end > 0 else line[column:]
                found.append(
                    ContentError(
                        relative(path, project),
                        number,
                        column + 1,
                        f"placeholder text left to replace: {shown}",
                        "write the real text in its place",
                    )
                )
    return found
