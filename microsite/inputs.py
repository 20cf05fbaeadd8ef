"""The project's input files: walking content/, templates/, locales/ and static/ safely.

Every input must lie inside the project: a link that leads outside, into a hidden folder (.git), nowhere or round
in a loop is an error naming it, and so is a file name that is not UTF-8. Editor junk (swap and backup files) is
never an input. This module imports nothing heavy: the no-change build walks the inputs before loading Jinja.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, ContentError

INPUTS = ("content", "templates", "locales", "static")


def is_editor_junk(name: str) -> bool:
    """Files editors and systems leave beside real ones: swap, backup and lock files, .DS_Store, .git."""
    return (
        name.startswith((".#", "#"))
        or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp"))
        or name in (".DS_Store", "Thumbs.db", ".git")
    )


def file_stats(top: Path, skip_junk: bool) -> dict[str, tuple[int, int]]:
    """{relative path: (size, modification time)} of every file below a folder, links left out (one walk, shared
    by the build record and the preview's watcher)."""
    found: dict[str, tuple[int, int]] = {}
    if Path(top).is_dir():
        _walk(str(top), "", skip_junk, found)
    return found


def input_files(top: Path, project: Path) -> dict[str, tuple[int, int]]:
    """{relative path: (size, modification time)} of every input file below a folder of the project, editor junk
    left out; a link counts as the file or folder it leads to.

    Raises one BuildError naming every link that leads outside the project, into a hidden folder of it (.git),
    nowhere or round in a loop, and every file name that is not UTF-8: none of them may be read or published."""
    found: dict[str, tuple[int, int]] = {}
    walk = _Walk(os.path.realpath(project), _project_name(str(top), str(project)) + "/")
    problem = link_problem(Path(top), Path(project))
    if problem is not None:
        walk.problems.append(problem)
    elif Path(top).is_dir():
        with contextlib.suppress(_TooMany):
            _walk(str(top), "", True, found, walk)
    if walk.problems:
        raise BuildError(walk.problems)
    return found


MAX_FILES = 500_000  # links between folders could multiply the files without end; no real project comes near


@dataclass
class _Walk:
    """What following links needs: the project's real path, the walked folder's name in messages, the real
    folders being walked (a link to one of them is a loop), the problems found, the files counted."""

    project: str
    shown: str
    walking: list[str] = field(default_factory=list)
    problems: list[ContentError] = field(default_factory=list)
    count: int = 0


class _TooMany(Exception):
    """Stops a walk that lists more files than any project holds."""


def _walk(
    folder: str, prefix: str, skip_junk: bool, found: dict[str, tuple[int, int]], links: _Walk | None = None
) -> None:
    """Collect the files below one folder; with `links`, follow the links that stay inside the project."""
    follow = links is not None
    if links is not None:
        links.walking.append(os.path.realpath(folder))
    with os.scandir(folder) as entries:
        for entry in entries:
            if skip_junk and is_editor_junk(entry.name):
                continue
            if links is not None and not _readable(entry, links.shown + prefix + entry.name, links):
                continue
            if entry.is_dir(follow_symlinks=follow):
                _walk(entry.path, prefix + entry.name + "/", skip_junk, found, links)
            elif entry.is_file(follow_symlinks=follow):
                stat = entry.stat(follow_symlinks=follow)
                found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
                if links is not None:
                    _count(links, links.shown + prefix + entry.name)
    if links is not None:
        links.walking.pop()


def _count(walk: _Walk, shown: str) -> None:
    """Count one more file, stopping the walk when there are more than any project holds."""
    walk.count += 1
    if walk.count > MAX_FILES:
        walk.problems.append(
            ContentError(
                shown,
                None,
                None,
                f"more than {MAX_FILES} files below this folder",
                "look for links that lead into the same folders again and again",
            )
        )
        raise _TooMany


def _readable(entry: os.DirEntry[str], shown: str, walk: _Walk) -> bool:
    """True when an entry of an input folder may be read; otherwise say why in walk.problems."""
    problem = None
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        problem = bad_name_error(shown)
    if problem is None and entry.is_symlink():
        problem = _link_target_problem(entry.path, shown, walk.project)
        target = os.path.realpath(entry.path)
        if (
            problem is None
            and entry.is_dir()
            and any(folder == target or folder.startswith(target + os.sep) for folder in walk.walking)
        ):
            problem = ContentError(
                shown,
                None,
                None,
                f"a link to {_target_name(target, walk.project)}, a folder that holds the link itself (a loop)",
                "remove the link",
            )
    if problem is not None:
        walk.problems.append(problem)
    return problem is None


def bad_name_error(shown: str) -> ContentError:
    """The error for a file whose name is not UTF-8, its bad bytes shown escaped (caf\\xe9.md)."""
    escaped = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return ContentError(
        escaped,
        None,
        None,
        "the file name is not valid UTF-8",
        "rename the file, typing its name again (file names are used in addresses and messages)",
    )


def link_problem(path: Path, project: Path) -> ContentError | None:
    """Why a path of the project that is, or lies below, a symbolic link may not be read; None when it may (no
    link, or links that stay inside the project and out of its hidden folders such as .git)."""
    try:
        parts = Path(path).relative_to(project).parts
    except ValueError:
        return None  # not a path of the project: nothing to check it against
    real_project, current = os.path.realpath(project), str(project)
    for depth, part in enumerate(parts):
        current = os.path.join(current, part)
        if os.path.islink(current):
            problem = _link_target_problem(current, "/".join(parts[: depth + 1]), real_project)
            if problem is not None:
                return problem
    return None


def _link_target_problem(link: str, shown: str, real_project: str) -> ContentError | None:
    """Why the target of one link may not be read: missing, outside the project, or in a hidden folder of it."""
    target = os.path.realpath(link)
    name = _target_name(target, real_project)
    if not os.path.exists(target):
        return ContentError(shown, None, None, f"a link to {name}, which does not exist", "fix the link or remove it")
    if not _inside(target, real_project):
        return ContentError(
            shown,
            None,
            None,
            f"a link to {name}, outside the project",
            "copy it into the project instead: only the project's own files are read",
        )
    parts = name.split("/")
    hidden = next((part for i, part in enumerate(parts) if part == ".git" or (i == 0 and part.startswith("."))), None)
    if hidden:
        return ContentError(
            shown,
            None,
            None,
            f"a link to {name}, inside {hidden}/, which is never read or published",
            "copy what should be published into the project's folders instead, or remove the link",
        )
    return None


def _target_name(target: str, real_project: str) -> str:
    """A link's target as messages show it: relative to the project when inside it, else its full path."""
    if target == real_project:
        return "the project's own folder"
    return _project_name(target, real_project) if _inside(target, real_project) else target


def _inside(target: str, real_project: str) -> bool:
    """True when a real path is the project's folder or lies below it."""
    return target == real_project or target.startswith(real_project + os.sep)


def _project_name(path: str, project: str) -> str:
    """A path relative to the project, with forward slashes."""
    return os.path.relpath(path, project).replace(os.sep, "/")
