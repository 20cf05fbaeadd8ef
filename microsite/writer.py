"""Writing the site atomically: everything goes to a temporary folder that replaces site/ only on success.

The output folder is replaced whole, so the build replaces only a folder it made: the project's default site/,
an empty folder, or one holding the marker file that every build writes into its output.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from .errors import ContentError
from .hashing import hash_bytes
from .inputs import INPUTS, input_files

try:
    import fcntl
except ImportError:  # Windows: builds racing on one output are not serialised there
    fcntl = None  # type: ignore[assignment]

MARKER = ".microsite-output"
MARKER_TEXT = (
    "This folder was written by the microsite generator (python build.py), which replaces it whole on "
    "every build.\nDelete this file to keep the generator from ever replacing the folder.\n"
)


def hashed_names(static_dir: Path, project: Path | None = None) -> dict[str, str]:
    """Map each static file to its hashed name, which carries a hash of its bytes: style.css -> style.3f2a9c1e.css.

    A link inside the project is published as the file it leads to; any other link fails the build."""
    assets = {}
    for rel in sorted(input_files(static_dir, project or static_dir.parent), key=lambda rel: rel.split("/")):
        short = hash_bytes((static_dir / rel).read_bytes(), 10)
        stem, dot, ext = rel.rpartition(".")
        assets[rel] = f"{stem}.{short}.{ext}" if dot and "/" not in ext else f"{rel}.{short}"
    return assets


class SiteWriter:
    """Collects the files of one build in a temporary folder beside the output."""

    def __init__(self, out: Path):
        self.out = out
        self.tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        self.written: set[str] = {MARKER}

    def write(self, rel: str, content: str | bytes) -> None:
        """Write one file (text as UTF-8); writing the same path twice is a bug in the caller."""
        path = self._claim(rel)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")

    def link(self, source: Path, rel: str) -> None:
        """Take a file of the previous site as it is (a hard link; a copy where links are not possible)."""
        target = self._claim(rel)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)

    def copy(self, source: Path, rel: str) -> None:
        """Copy a static file in."""
        shutil.copyfile(source, self._claim(rel))

    def _claim(self, rel: str) -> Path:
        """Reserve an output path, refusing a second writer of it."""
        if rel in self.written:
            raise RuntimeError(f"two outputs claim site/{rel}")
        self.written.add(rel)
        path = self.tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def check_output(out: Path, project: Path, action: str = "write the site there") -> Path:
    """The real folder a build may replace for `out`, or a ContentError saying why not (nothing is touched).

    `clean` asks the same question before deleting site/, with its own `action` in the message."""
    try:
        return _check_output(out, project)
    except OSError as exc:
        _refuse(str(out), f"it cannot be examined ({exc.strerror or exc})", "choose a folder you can read and write")
    except ContentError as exc:
        if action != "write the site there":  # clean: the hints about choosing an output do not apply
            exc.message = exc.message.replace("write the site there", action, 1)
            exc.hint = "move what you want to keep out of it, or delete the folder yourself"
        raise


def _check_output(out: Path, project: Path) -> Path:
    """check_output() itself; file system errors go up to it."""
    shown = str(out)
    real = Path(os.path.realpath(out))
    project = Path(os.path.realpath(project))
    package = Path(os.path.realpath(Path(__file__).parent))
    ancestor = next(p for p in [real, *real.parents] if os.path.lexists(p))
    if not ancestor.is_dir():
        _refuse(shown, f"{ancestor} is not a folder", "choose a folder for the output, such as site/")
    if project.is_relative_to(real):
        _refuse(shown, "it holds the project itself", "choose an output folder of its own, such as site/ (the default)")
    if real.is_relative_to(package) or package.is_relative_to(real):
        _refuse(shown, "it holds the generator's own code", "choose an output folder of its own, such as site/")
    for part in (*INPUTS, ".git", ".cache"):
        if real.is_relative_to(project / part) or real.is_relative_to(os.path.realpath(project / part)):
            _refuse(shown, f"it lies in the project's {part}/", "choose an output folder of its own, such as site/")
    if ".git" in real.parts:
        _refuse(shown, "it lies in a git repository's own folder", "choose an output folder of its own, such as site/")
    if real.is_dir() and not real.is_symlink():
        deep = _find_git(real, shown)
        if deep is not None:
            _refuse(
                shown,
                f"it holds a git repository ({deep}), which replacing the folder would delete",
                "choose an output folder of its own, such as site/",
            )
    if real.exists() and not _replaceable(real, project):
        _refuse(
            shown,
            f"the folder is not empty and was not made by this generator (it has no {MARKER} file)",
            "choose an empty or new folder, or empty this one yourself",
        )
    if real.is_dir() and real != project / "site" and _tracked(real, project):
        _refuse(
            shown,
            "it holds files tracked by git, which replacing the folder would delete",
            "choose an output folder of its own, such as site/",
        )
    return real


# How many entries the guard looks at for a .git below the output before it gives up (a site has far fewer).
_WALK_LIMIT = 200_000


def _find_git(folder: Path, shown: str) -> str | None:
    """The path of a .git (folder, file or link) at any depth below `folder`, links not followed; None if none."""
    seen = 0
    for top, dirs, files in os.walk(folder, onerror=_raise, followlinks=False):
        if ".git" in dirs or ".git" in files:
            return os.path.relpath(os.path.join(top, ".git"), folder)
        seen += len(dirs) + len(files)
        if seen > _WALK_LIMIT:
            _refuse(
                shown,
                f"it holds more than {_WALK_LIMIT} files, too many to check for a .git",
                "choose an empty or new folder for the output",
            )
    return None


def _raise(exc: OSError) -> NoReturn:
    """Stop the walk at a folder it cannot read: a .git may hide there."""
    raise exc


def _tracked(folder: Path, project: Path) -> bool:
    """True when git tracks a file in `folder` in the project's repository (False without git or a repository).

    A planted marker must not make a folder of the sources (tests/, .github/) replaceable."""
    try:
        done = subprocess.run(
            ["git", "-C", str(project), "ls-files", "-z", "--", str(folder)],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False  # no git: the other rules stand alone
    return done.returncode == 0 and bool(done.stdout)


def _replaceable(folder: Path, project: Path) -> bool:
    """True for a folder the build made (its marker, or the project's own site/) or an empty one."""
    if not folder.is_dir():
        return False
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return True
    default = project / "site"
    if folder == default and not default.is_symlink():
        return True
    return not any(os.scandir(folder))


def _refuse(shown: str, why: str, hint: str) -> NoReturn:
    """Stop before anything is written: the output folder is replaced whole."""
    raise ContentError(shown, None, None, f"refusing to write the site there: {why}", hint)


def _make_world_readable(root: Path) -> None:
    """Let web servers and link checkers running as another user read the site (needed under a strict umask)."""
    mask = os.umask(0)
    os.umask(mask)
    if not mask & 0o044:
        return  # files and folders were created readable by all already
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)


@contextmanager
def atomic_site(out: Path, after_swap: Callable[[], None] | None = None) -> Iterator[SiteWriter]:
    """Yield a SiteWriter; swap its folder in for `out` only if the block finishes without an exception.

    `out` is a folder check_output() accepted. `after_swap` runs right after the swap, while no other build can
    swap (it writes the build record, which must describe the site on disk); it must not fail, since the new
    site is in place by then."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _swap_lock(out.parent):
            recover(out)
        writer = SiteWriter(out)
        writer.tmp.mkdir()
        (writer.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # first, so a leftover is known as ours
    except OSError as exc:
        raise _write_error(exc, out) from exc
    try:
        yield writer
        _make_world_readable(writer.tmp)
        with _swap_lock(out.parent):
            _swap(writer.tmp, out)
            if after_swap is not None:
                after_swap()
    except OSError as exc:
        raise _write_error(exc, out) from exc
    finally:
        _remove(writer.tmp, out)


def _swap(tmp: Path, out: Path) -> None:
    """Put the new site in place of the old one, which is deleted; a build killed in between is recovered by
    the next one."""
    aside = out.parent / f".{out.name}.old-{os.getpid()}"
    old: Path | None = aside
    try:
        os.rename(out, aside)
    except FileNotFoundError:
        old = None
    try:
        os.rename(tmp, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        _remove(old, out)


def shown(path: Path) -> str:
    """A path as the reader typed it: relative to the working folder when inside it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _write_error(exc: OSError, out: Path) -> ContentError:
    """One line for a failed write: where, what went wrong, and that the site was left as it was."""
    if exc.errno == errno.ENOSPC:
        return ContentError(
            shown(out),
            None,
            None,
            "the disk is full; the site was left as it was",
            "free some disk space and build again",
        )
    where = Path(exc.filename2 or exc.filename or out)  # a copy names its target second
    if any(part.startswith(f".{out.name}.") for part in where.parts):
        where = out  # the build's temporary folder means nothing to the reader: name the output
    return ContentError(
        shown(where),
        None,
        None,
        f"cannot write the site ({exc.strerror or exc}); the site was left as it was",
        "check the folder's permissions and free space, then build again",
    )


@contextmanager
def _swap_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output's parent folder: two builds never swap or recover at once (where the
    file system has no locks, builds go unserialised, as before)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        fd = None
    try:
        if fd is not None and fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def recover(out: Path) -> None:
    """Put back a site that a build killed between its two renames had moved aside; drop stale leftovers.

    Only folders this generator made (its marker inside, or empty, or renamed by it for removal) are touched,
    and never one of a build that still runs."""
    for kind in ("old", "tmp", "trash"):
        for leftover in sorted(out.parent.glob(f".{out.name}.{kind}-*")):
            pid = leftover.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if kind == "trash":
                if leftover.is_dir() and not leftover.is_symlink():
                    _remove(leftover, out)  # a removal cut short: its marker may be gone, its name says ours
            elif not _ours(leftover):
                continue
            elif kind == "old" and not os.path.lexists(out):
                os.rename(leftover, out)
            else:
                _remove(leftover, out)


def _ours(folder: Path) -> bool:
    """True for a real folder holding the generator's marker, or an empty one."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(os.scandir(folder))


def _remove(folder: Path, out: Path) -> None:
    """Delete a folder of ours if it is there (a leftover that cannot go now goes with the next build).

    It is renamed to .NAME.trash-PID first and its marker goes last, so a build killed halfway leaves a folder
    that the next build still knows as its own, and never a half-deleted site that could be put back."""
    trash = out.parent / f".{out.name}.trash-{os.getpid()}"
    if folder != trash:
        if os.path.lexists(trash):
            _delete(trash)  # an earlier removal of this build that could not finish
        try:
            os.rename(folder, trash)
        except OSError:
            trash = folder  # gone already, or cannot be moved: delete it where it is
    _delete(trash)


def _delete(folder: Path) -> None:
    """Delete a real folder, its marker last (links inside are removed, never followed); errors are ignored."""
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name != MARKER]
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.unlink(folder / MARKER)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def _alive(pid: int) -> bool:
    """True when a process with that id still runs (another build writing its own folder)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
