"""Creating new pages: one file per language with a front-matter stub."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import load_config
from ..errors import ContentError
from ..inputs import link_problem
from ..text import MAX_SLUG_LENGTH

_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)*$")


def create_page(project: Path, name: str) -> list[str]:
    """Create content/pages/<name>.<lang>.md for every language; refuse if any already exists."""
    config = load_config(project)
    if not _NAME.match(name):
        raise ContentError("content/pages", None, None, f"invalid page name {name!r}",
                           "use lowercase letters, digits, hyphens and / for folders, e.g. talks/lyon")
    if len(name) > MAX_SLUG_LENGTH:
        raise ContentError("content/pages", None, None, f"the page name is {len(name)} characters long; "
                           f"the limit is {MAX_SLUG_LENGTH}", "choose a shorter name")
    pages = config.content_dir / "pages"
    for folder in [pages, *(pages / parent for parent in reversed(Path(name).parents) if parent != Path("."))]:
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():   # a file, or a broken link
            raise ContentError(folder.relative_to(config.project).as_posix(), None, None,
                               "a file stands where the page's folder would go; nothing was written",
                               "rename or move that file, or choose another page name")
    paths = [pages / f"{name}.{lang}.md" for lang in config.languages]
    for path in paths:   # the rule the build reads pages by: never create a file through a link leading out
        link = link_problem(path, config.project)
        if link is not None:
            raise ContentError(link.path, None, None, f"{link.message}; nothing was written",
                               "replace the link with a real folder of the project, or choose another page name")
    existing = [p for p in paths if p.exists()]
    if existing:
        rel = existing[0].relative_to(config.project).as_posix()
        raise ContentError(rel, None, None, "this page already exists; nothing was written",
                           "edit it, or choose another name")
    created = []
    for path, lang in zip(paths, config.languages, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        source = " (translation of the " + config.default_language + " page)" if lang != config.default_language else ""
        path.write_text(f"---\ntitle: \"\"  # the page's title in {lang}{source}\nsummary: \"\"\n---\n\n",
                        encoding="utf-8")
        created.append(path.relative_to(config.project).as_posix())
    return created
