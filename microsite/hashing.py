"""One way to hash: SHA-256, written as hex, shortened to what each use needs.

A page's translation fingerprint, a static file's hashed name, an input file's hash and the incremental
engine's keys all come from here."""

from __future__ import annotations

import hashlib
from pathlib import Path


def hash_bytes(data: bytes, length: int = 64) -> str:
    """The SHA-256 of some bytes as hex, its first `length` characters."""
    return hashlib.sha256(data).hexdigest()[:length]


def hash_text(text: str, length: int = 64) -> str:
    """The hash of a text's UTF-8 bytes, its first `length` characters."""
    return hash_bytes(text.encode("utf-8"), length)


def hash_file(path: Path) -> str | None:
    """The hash of a file's bytes, or None when it cannot be read."""
    try:
        return hash_bytes(Path(path).read_bytes())
    except OSError:
        return None


def hash_values(*parts: object, length: int = 32) -> str:
    """A short hash of some values: bytes as they are, anything else by its repr (each part closed by a NUL)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        sha.update(b"\0")
    return sha.hexdigest()[:length]
