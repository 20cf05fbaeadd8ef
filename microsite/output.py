"""Writing the site atomically: everything goes to a temporary folder that replaces site/ only on success."""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .stamp import input_files


def fingerprinted_assets(static_dir: Path, project: Path | None = None) -> dict[str, str]:
    """Map each static file to a name carrying its content hash: style.css -> style.3f2a9c1e.css.

    A link inside the project is published as the file it leads to; any other link fails the build."""
    assets = {}
    for rel in sorted(input_files(static_dir, project or static_dir.parent), key=lambda rel: rel.split("/")):
        digest = hashlib.sha256((static_dir / rel).read_bytes()).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        assets[rel] = f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{rel}.{digest}"
    return assets


class SiteWriter:
    """Collects the files of one build in a temporary folder beside the output."""

    def __init__(self, out: Path):
        self.out = out
        self.tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        self.written: set[str] = set()

    def write_text(self, rel: str, text: str) -> None:
        """Write one file; writing the same path twice is a bug in the caller."""
        self._claim(rel).write_text(text, encoding="utf-8", newline="\n")

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


def _make_world_readable(root: Path) -> None:
    """Let web servers and link checkers running as another user read the site (needed under a strict umask)."""
    mask = os.umask(0)
    os.umask(mask)
    if not mask & 0o044:
        return   # files and folders were created readable by all already
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)


@contextmanager
def atomic_site(out: Path):
    """Yield a SiteWriter; swap its folder in for `out` only if the block finishes without an exception."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    writer = SiteWriter(out)
    shutil.rmtree(writer.tmp, ignore_errors=True)
    writer.tmp.mkdir(parents=True)
    try:
        yield writer
    except BaseException:
        shutil.rmtree(writer.tmp, ignore_errors=True)
        raise
    _make_world_readable(writer.tmp)
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    writer.tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def recover(out: Path) -> None:
    """Put back a site that a build killed between its two renames had moved aside; drop stale leftovers."""
    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        if not out.exists():
            leftover.rename(out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


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
