"""The build record: what the last good build read and wrote, and the no-change shortcut.

When no input, option or generator file changed since the last good build and site/ is as that build left it,
there is nothing to do. This module imports nothing heavy, so `python build.py` with nothing to do answers
before Jinja, Markdown and Babel are even loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from ..clock import build_date
from ..errors import BuildError, ContentError
from ..hashing import hash_bytes, hash_values
from ..inputs import INPUTS, file_stats, input_files
from ..result import BuildResult
from .salt import generator_salt

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time, and a no-change build loads this module: types only
    from typing import Any, BinaryIO


FILE_NAME = "last-build.json"


KEY_FILE = ".cache-key"  # at the project's root, never inside .cache/ (which may come from elsewhere)


KEY_VARIABLE = "MICROSITE_CACHE_KEY"


def signing_key(project: Path, create: bool = True) -> tuple[bytes | None, str | None]:
    """(the secret that signs the build cache and the build record, None) or (None, why there is none).

    The key is $MICROSITE_CACHE_KEY when set and not empty (CI passes a repository secret, so that a restored
    .cache/ can be trusted), else a random key kept in .cache-key at the project's root, made on first use.
    Anything under .cache/ may be forged; without this key no forger can sign what the build would believe.
    With create=False a missing key file is not made (a reader: without a key nothing can have been signed)."""
    variable = os.environ.get(KEY_VARIABLE, "").strip()
    if variable:
        return variable.encode("utf-8", "surrogateescape"), None
    path = Path(project) / KEY_FILE
    if os.path.islink(path):
        return (
            None,
            f"{KEY_FILE} is a symbolic link, never followed: building without the build cache "
            f"(delete the link; the build makes a new key)",
        )
    try:
        return _read_key(path) or (_make_key(path) if create else None), None
    except OSError as exc:
        return (
            None,
            f"{KEY_FILE}: the build cache's key cannot be read or made ({exc.strerror or exc}); "
            "building without the build cache (delete the file; the build makes a new one)",
        )


def _read_key(path: Path) -> bytes | None:
    """The key kept in a file, or None when there is no file; OSError when it is not a plain file of a key."""
    try:
        fp = open_plain(path)
    except FileNotFoundError:
        return None
    with fp:
        key = fp.read(4096).strip()
    if len(key) < 32:
        raise OSError("it holds no key")
    return key


def _make_key(path: Path) -> bytes:
    """Make a new random key file readable by its owner only; made whole (written aside, then linked into
    place), so another build never reads half a key; if another build made one first, that one is the key."""
    key = secrets.token_hex(32).encode()
    tmp = path.with_name(f"{KEY_FILE}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with open(fd, "wb") as fp:
            fp.write(key + b"\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            found = _read_key(path)
            if found is None:
                raise
            return found
    finally:
        os.unlink(tmp)
    return key


def open_plain(path: Path) -> BinaryIO:
    """A plain file opened for reading; OSError for a link (never followed), a folder, a pipe or a device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if not S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{Path(path).name} is not a plain file")
    return open(fd, "rb")


def sign(key: bytes, *parts: bytes) -> bytes:
    """The HMAC-SHA-256 of some parts under the key (each part's length is included: no two splits match)."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big") + part)
    return mac.digest()


def _record_mac(key: bytes, record: dict[str, Any]) -> str:
    """The signature of a build record (over its canonical JSON)."""
    return sign(key, b"build record", json.dumps(record, sort_keys=True).encode()).hex()


def cache_folder_problem(project: Path) -> str | None:
    """Why .cache/ may not be used (a symbolic link is never followed, wherever it leads), or None."""
    if os.path.islink(Path(project) / ".cache"):
        return (
            ".cache is a symbolic link, never followed: building without the build cache "
            "(delete the link; the build makes a folder of its own)"
        )
    return None


def inputs_hash(project: Path, options: dict[str, Any], file_hashes: dict[str, str] | None = None) -> str:
    """A hash of every input file's path and bytes, of the build options and of the generator's code.

    Pass a dict as file_hashes to receive each input file's own hash, by path as a string (the build cache keys
    parsed pages by it). A link is hashed by its target's bytes, so that an edit of the target is a change."""
    parts: list[object] = [json.dumps(options, sort_keys=True, default=str), generator_salt()]
    base = str(project) + os.sep
    listings: list[tuple[Path, dict[str, tuple[int, int]]]] = []
    problems: list[ContentError] = []
    for folder in [project / part for part in INPUTS]:  # the generator's own code is in the salt
        try:
            listings.append((folder, input_files(folder, project)))
        except BuildError as exc:  # every bad link and file name of every folder, reported together
            problems.extend(exc.errors)
    if problems:
        raise BuildError(problems)
    for folder, files in listings:
        for name in sorted(os.path.join(folder, rel) for rel in files):
            with open(name, "rb") as fp:
                own = hash_bytes(fp.read())
            if file_hashes is not None:
                file_hashes[name] = own
            parts += [name[len(base) :], own]
    return hash_values(*parts, length=64)


def site_listing(out: Path) -> list[Any] | None:
    """What site/ looks like on disk: its folder's identity and every file's size and modification time."""
    if not out.is_dir():
        return None
    files = sorted([path, size, mtime] for path, (size, mtime) in file_stats(out, skip_junk=False).items())
    return [os.stat(out).st_ino, files]


MAX_RECORD = 64 * 2**20  # a record lists every file of the site; far larger means it is not ours


def load(cache: Path) -> dict[str, Any]:
    """The record of the last good build, or nothing when it is missing, too large, not signed with the
    project's key, or not of the shape this generator writes (the record is only a hint: without it, the build
    builds everything). A .cache that is a link is never followed."""
    project = Path(cache).parent
    key = signing_key(project, create=False)[0]
    if key is None or cache_folder_problem(project):
        return {}
    try:
        with open_plain(Path(cache) / FILE_NAME) as fp:
            text = fp.read(MAX_RECORD + 1)
        if len(text) > MAX_RECORD:
            return {}
        record = json.loads(text.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(record, dict) or not isinstance(record.get("mac"), str):
        return {}
    mac = record.pop("mac")
    if not hmac.compare_digest(mac, _record_mac(key, record)):
        return {}
    return record if _well_formed(record) else {}


def _well_formed(record: Any) -> bool:
    """True when a loaded record has the shape save() writes."""
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("out"), str)
        or not isinstance(record.get("inputs"), str)
    ):
        return False
    site, summary, keys = record.get("site"), record.get("summary"), record.get("keys")
    if site is not None and not (
        isinstance(site, list)
        and len(site) == 2
        and _is_int(site[0])
        and isinstance(site[1], list)
        and all(
            isinstance(f, list) and len(f) == 3 and isinstance(f[0], str) and _is_int(f[1]) and _is_int(f[2])
            for f in site[1]
        )
    ):
        return False
    if not (
        isinstance(summary, dict)
        and isinstance(summary.get("pages"), dict)
        and all(isinstance(k, str) and _is_int(n) for k, n in summary["pages"].items())
        and isinstance(summary.get("warnings"), list)
        and all(isinstance(w, str) for w in summary["warnings"])
    ):
        return False
    return isinstance(keys, dict) and all(isinstance(v, str) for v in keys.values())


def _is_int(value: Any) -> bool:
    """True for an int that is not a bool (JSON's true would pass isinstance(value, int))."""
    return isinstance(value, int) and not isinstance(value, bool)


def build_options(base_url: str | None, strict: bool) -> dict[str, Any]:
    """The options that change a build's output, and the day it counts as today (a passed event stops offering
    its calendar)."""
    today = build_date().isoformat()
    return {"base_url": base_url, "strict": strict, "today": today}


def up_to_date(project: Path, out: Path, inputs: str) -> dict[str, Any] | None:
    """The last build's summary if rebuilding would change nothing, else None."""
    record = load(project / ".cache")
    if not record or record.get("out") != str(out.resolve()) or record.get("inputs") != inputs:
        return None
    site = site_listing(out)
    if site is None or record.get("site") is None:  # no site to stand: there is always something to do
        return None
    if record.get("site") != json.loads(json.dumps(site)):
        return None
    return record.get("summary")


def save(project: Path, out: Path, inputs: str, summary: dict[str, Any], keys: dict[str, str] | None = None) -> None:
    """Remember a good build: the hash of its inputs (taken before it read them), the site it wrote, and the
    input key of each page, signed with the project's key. Whatever lies in the record's place (a folder, a link)
    is replaced, never followed; with a .cache that is a link, or no key, nothing is written."""
    cache = project / ".cache"
    key = signing_key(project)[0]
    if key is None or cache_folder_problem(project):
        return  # the build cache said so once already
    _make_folder(cache)
    record: dict[str, Any] = {
        "out": str(out.resolve()),
        "inputs": inputs,
        "site": site_listing(out),
        "summary": summary,
        "keys": keys or {},
    }
    record["mac"] = _record_mac(key, record)
    tmp = cache / f"{FILE_NAME}.tmp-{os.getpid()}"  # builds of other outputs may write theirs meanwhile
    delete(tmp)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with open(fd, "w", encoding="utf-8") as fp:
            json.dump(record, fp)
        if (cache / FILE_NAME).is_dir() and not (cache / FILE_NAME).is_symlink():
            delete(cache / FILE_NAME)  # a file or a link is replaced by the rename itself
        os.replace(tmp, cache / FILE_NAME)
    except BaseException:
        delete(tmp)
        raise


def forget(project: Path) -> None:
    """Delete the build record, so that the next build builds everything (best effort)."""
    if cache_folder_problem(project):
        return  # never through a link
    with contextlib.suppress(OSError):
        delete(project / ".cache" / FILE_NAME)


def _make_folder(folder: Path) -> None:
    """Make the cache folder, replacing a file or a dangling link found in its place."""
    if os.path.lexists(folder) and not folder.is_dir():
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def delete(path: Path) -> None:
    """Delete a file, a link (never what it points to) or a folder, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def unchanged_outputs(project: Path, out: Path, keys: dict[str, str]) -> set[str]:
    """The pages that site/ holds exactly as the last build wrote them, built from the same inputs as now."""
    record = load(project / ".cache")
    if record.get("out") != str(out.resolve()) or not record.get("site"):
        return set()
    inode, files = record["site"]
    try:
        if os.stat(out).st_ino != inode:
            return set()
    except OSError:
        return set()
    written = {path: (size, mtime) for path, size, mtime in files}
    previous = record.get("keys", {})
    same = set()
    for path, key in keys.items():
        if previous.get(path) == key and path in written:
            try:
                stat = os.stat(out / path)
            except OSError:
                continue
            if (stat.st_size, stat.st_mtime_ns) == tuple(written[path]):
                same.add(path)
    return same


@dataclass(frozen=True)
class Inputs:
    """The hash of a project's inputs as they are now, and each input file's own hash (read once per run)."""

    hash: str
    file_hashes: dict[str, str]


def read_inputs(project: Path, base_url: str | None, strict: bool) -> Inputs:
    """Hash every input file, the build options and the generator."""
    file_hashes: dict[str, str] = {}
    return Inputs(inputs_hash(Path(project).resolve(), build_options(base_url, strict), file_hashes), file_hashes)


def unchanged(project: Path, out: Path | None, inputs: Inputs) -> BuildResult | None:
    """The result of the last build when nothing changed since (inputs, options, generator, site/)."""
    started = time.perf_counter()
    project = Path(project).resolve()
    out = Path(out) if out else project / "site"
    summary = up_to_date(project, out, inputs.hash)
    if summary is None:
        return None
    pages = summary["pages"]
    return BuildResult(
        out, pages, tuple(summary["warnings"]), time.perf_counter() - started, sum(pages.values()), unchanged=True
    )
