"""The persistent build cache in .cache/: parsed page files and converted Markdown, keyed by their inputs.

Every entry is keyed by a hash of everything its output depends on (see keys.py) salted with the
generator's own source code, so a stale entry can never be found. A cache that is corrupt, or was written by
another version of the generator, is detected, reported and replaced, never trusted.

The cache may come from elsewhere (CI restores .cache/ from a shared store), so anything in it may be forged.
Every stored value is signed with an HMAC-SHA-256 under the project's secret key (record.signing_key, which is
never inside .cache/) over its table, its key and its bytes, and a value whose signature does not match is never
unpickled. A cache signed with another key is discarded whole. What is unpickled still goes through an
unpickler that knows only plain data types and the few records of this package that are stored, a value larger
than MAX_VALUE is never read, and a value of the wrong type for its use is a miss.
"""

from __future__ import annotations

import datetime
import hmac
import io
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

from ..content import LocatedDict, LocatedList, PageFile
from ..errors import ContentError
from ..text import FallbackText
from .record import cache_folder_problem, delete, sign, signing_key
from .salt import generator_salt

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time, and a no-change build loads this module: types only
    from typing import Any

FILE_NAME = "build.sqlite3"
MAX_VALUE = 32 * 2**20  # bytes: no parsed page or converted Markdown comes near; a forged giant is not read
MAC_SIZE = 32


def _pack(key: bytes, table: str, name: str, value: object) -> bytes:
    """A value as stored: its pickle behind its signature, which binds it to its table and key (so a signed
    value cannot be moved to another key either); not compressed (that cost more time than the disk saved)."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return sign(key, table.encode(), name.encode(), data) + data


def _unpack(key: bytes, table: str, name: str, blob: object) -> Any:
    """A stored value, or ValueError / UnpicklingError when its bytes are not the ones this project signed."""
    if not isinstance(blob, bytes) or len(blob) <= MAC_SIZE or len(blob) > MAX_VALUE + MAC_SIZE:
        raise ValueError("not a stored value")
    mac, data = blob[:MAC_SIZE], blob[MAC_SIZE:]
    if not hmac.compare_digest(mac, sign(key, table.encode(), name.encode(), data)):
        raise ValueError("signature mismatch")
    return _PlainUnpickler(io.BytesIO(data)).load()


def _markdown_value(value: object) -> bool:
    """True for what the markdown table holds: the HTML of a converted Markdown text."""
    return isinstance(value, str)


def _meta_mac(key: bytes, salt: str) -> str:
    """What the meta table holds to show which key signed the cache."""
    return sign(key, b"build cache", salt.encode()).hex()


@cache
def _stored_types() -> dict[tuple[str, str], type]:
    """The only classes a stored value may be made of (a pickle can name any callable; these merely hold data)."""
    types = [
        LocatedDict,
        LocatedList,
        PageFile,
        ContentError,
        FallbackText,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        datetime.timezone,
        set,
        frozenset,
        bytearray,
        complex,
    ]
    return {(t.__module__, t.__qualname__): t for t in types}


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain data and the package's own records, and refuses every other class or function."""

    def find_class(self, module: str, name: str) -> type:
        allowed = _stored_types()
        if (module, name) not in allowed:
            raise pickle.UnpicklingError(f"the stored value names {module}.{name}, which is not plain data")
        return allowed[(module, name)]


class BuildCache:
    """Key-value tables in one SQLite file; writes are batched and committed by `close()`."""

    TABLES = ("parsed", "markdown")

    def __init__(self, folder: Path, warn: Callable[[str], None] = print, read_only: bool = False) -> None:
        self.path = Path(folder) / FILE_NAME
        self.salt = generator_salt()
        self.warn = warn
        self.used: dict[str, set[str]] = {table: set() for table in self.TABLES}
        self._released = False  # closed around a fork, to be reopened
        self._warned_damage = False
        self.read_only = read_only
        self.key, problem = signing_key(self.path.parent.parent)
        problem = problem or cache_folder_problem(self.path.parent.parent)
        if problem or self.key is None:
            if not read_only:
                self.warn(f"warning: {problem}")
            self.db: sqlite3.Connection | None = None
        else:
            self.db = self._open_read_only() if read_only else self._open()

    def _signed_by_us(self, db: sqlite3.Connection) -> bool:
        """True when the cache was written by this generator and signed with this project's key."""
        assert self.key is not None  # no connection is made without one
        rows = dict(db.execute("SELECT name, value FROM meta WHERE name IN ('salt', 'signed')").fetchall())
        return rows.get("salt") == self.salt and hmac.compare_digest(
            str(rows.get("signed")), _meta_mac(self.key, self.salt)
        )

    def _open_read_only(self) -> sqlite3.Connection | None:
        """A reader for a worker process: the cache as the main process left it, or nothing."""
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            return db if self._signed_by_us(db) else None
        except sqlite3.DatabaseError:
            return None

    def _open(self) -> sqlite3.Connection | None:
        """Open the cache, or start a new one when the old is unreadable, foreign, signed with another key or
        not a plain file."""
        try:
            self._prepare_folder()
        except OSError as exc:
            self.warn(
                f"warning: {self.path.parent.name}/: the build cache cannot be kept there "
                f"({exc.strerror or exc}); building without it"
            )
            return None
        try:
            db = self._connect()
            row = db.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()
            if row is None or not self._signed_by_us(db):
                db.close()
                if row is None:
                    self._reset(None)
                elif row[0] != self.salt:
                    self._reset("it was written by another version of the generator")
                else:
                    self.warn("warning: the build cache was signed with another key; it was discarded")
                    self._reset(None)
                db = self._connect()
            return db
        except (sqlite3.DatabaseError, OSError) as exc:
            self.warn(
                f"warning: {self.path.parent.name}/{FILE_NAME}: the build cache is unreadable ({exc}); "
                "it was discarded and will be rebuilt"
            )
            try:
                self._reset(None)
                return self._connect()
            except (sqlite3.DatabaseError, OSError):
                return None

    def _prepare_folder(self) -> None:
        """Make .cache/ a folder holding only plain files of ours: a file or link in its place, a folder or link
        in a file's place, and the compiled templates of older versions (which would run as code) go."""
        folder = self.path.parent
        if cache_folder_problem(folder.parent):  # checked on opening; a link made since is not followed either
            raise OSError(f"{folder.name} is a symbolic link")
        if os.path.lexists(folder) and not folder.is_dir():
            self.warn(f"warning: {folder.name} was not a folder; it was replaced by the build cache")
            folder.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        delete(folder / "jinja")
        for suffix in ("", "-wal", "-shm"):
            path = Path(str(self.path) + suffix)
            if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
                self.warn(f"warning: {folder.name}/{path.name} was not a file; it was discarded")
                delete(path)

    def _connect(self) -> sqlite3.Connection:
        """Connect and make sure the tables exist."""
        db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        for table in self.TABLES:
            db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB)")
        if db.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0:
            assert self.key is not None  # no connection is made without one
            db.execute("INSERT INTO meta VALUES ('salt', ?)", (self.salt,))
            db.execute("INSERT INTO meta VALUES ('signed', ?)", (_meta_mac(self.key, self.salt),))
            db.commit()
        db.execute("PRAGMA quick_check").fetchone()
        return db

    def _reset(self, why: str | None) -> None:
        """Delete the cache file (and its journal) so a new one can start."""
        if why:
            self.warn(f"note: the build cache was discarded: {why}")
        for suffix in ("", "-wal", "-shm"):
            delete(Path(str(self.path) + suffix))

    def get_many(self, table: str, keys: list[str], valid: Callable[[object], bool] | None = None) -> dict[str, Any]:
        """The stored values of those keys that are present; a value that is unreadable, unsigned, too large or
        not `valid` (by default: what the table holds) counts as absent."""
        found: dict[str, Any] = {}
        damaged: list[str] = []
        self.used[table].update(keys)
        if self.db is None or self.key is None or not keys:
            return found
        valid = valid or (_markdown_value if table == "markdown" else None)
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                # A value over the limit is not even fetched: a forged giant would take the memory first.
                query = (
                    f"SELECT key, CASE WHEN length(value) <= {MAX_VALUE + MAC_SIZE} THEN value END "
                    f"FROM {table} WHERE key IN ({marks})"
                )
                for key, blob in self.db.execute(query, chunk):
                    try:
                        value = _unpack(self.key, table, key, blob)
                    except Exception:  # a damaged entry: rebuild that one, trust nothing from it
                        damaged.append(key)
                        continue
                    if valid is None or valid(value):
                        found[key] = value
                    else:
                        damaged.append(key)
            self._drop(table, damaged)
        except sqlite3.DatabaseError as exc:
            self.warn(f"warning: the build cache could not be read ({exc}); building without it")
            self.db = None
        return found

    def _drop(self, table: str, keys: list[str]) -> None:
        """Delete damaged entries, so that the next build neither finds them nor warns again; warn once a build."""
        if not keys:
            return
        if not self._warned_damage:
            self.warn(
                f"warning: a damaged build cache entry was ignored ({table}); damaged entries are dropped and rebuilt"
            )
            self._warned_damage = True
        if self.read_only or self.db is None:
            return  # a worker: the main process rewrites what it renders
        self.db.executemany(f"DELETE FROM {table} WHERE key = ?", ((key,) for key in keys))

    def _prune(self, db: sqlite3.Connection) -> None:
        """Delete the entries of each table that this build neither read nor wrote."""
        for table, keys in self.used.items():
            db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM keep")
            db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keys))
            db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM keep)")

    def put_many(self, table: str, items: Iterable[tuple[str, object]]) -> None:
        """Store values (written for good by close())."""
        if self.db is None or self.key is None:
            return
        used, secret = self.used[table], self.key

        def rows() -> Iterator[tuple[str, bytes]]:
            """Pack the values one at a time: thousands of pickles need not sit in memory together (a value
            too large to be read back is not stored)."""
            for key, value in items:
                used.add(key)
                blob = _pack(secret, table, key, value)
                if len(blob) <= MAX_VALUE + MAC_SIZE:
                    yield key, blob

        try:
            self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows())
        except sqlite3.DatabaseError as exc:
            self.warn(f"warning: the build cache could not be written ({exc})")
            self.db = None

    def release(self) -> None:
        """Commit and close the connection, so that no forked process inherits it (SQLite forbids using one)."""
        self.commit()
        if self.db is not None:
            self.db.close()
            self.db = None
            self._released = True

    def reopen(self) -> None:
        """Connect again after release()."""
        if self._released:
            self._released = False
            try:
                self.db = self._connect()
            except sqlite3.DatabaseError as exc:
                self.warn(f"warning: the build cache could not be reopened ({exc})")

    def commit(self) -> None:
        """Make what was stored so far visible to other connections."""
        if self.db is not None:
            try:
                self.db.commit()
            except sqlite3.DatabaseError as exc:
                self.warn(f"warning: the build cache could not be written ({exc})")
                self.db = None

    def close(self, prune: bool = False) -> None:
        """Commit what this build stored; after a whole build, drop entries it did not use (old versions)."""
        if self.db is not None:
            try:
                if prune:
                    self._prune(self.db)
                self.db.commit()
                self.db.close()
            except sqlite3.DatabaseError as exc:
                self.warn(f"warning: the build cache could not be saved ({exc})")
            self.db = None
