"""What the incremental engine remembers of parsed files and converted Markdown, in memory and in the build cache.

The model reads files through a Reader and the renderer converts Markdown through a memo: the plain ones read
and convert every time; these remember, keyed by the files' bytes, and so make rebuilds cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..config import Config
from ..content import PageFile, relative
from ..errors import ContentError
from ..hashing import hash_file, hash_values
from ..model import Page, read_page
from .store import BuildCache

T = TypeVar("T")
_NOTHING = object()  # pair()'s "not kept": any result, even None, may be kept


def _problems(value: object) -> bool:
    """True for (anything, a list of problems): what every parser of MemoReader returns."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[1], list)
        and all(isinstance(problem, ContentError) for problem in value[1])
    )


def _loaded(value: object) -> bool:
    """True for what a data file's loader returns: ((raw, cleaned) or None, problems), or (records, problems)."""
    if not (_problems(value) and isinstance(value, tuple)):
        return False
    data = value[0]
    return (
        data is None
        or isinstance(data, dict)
        or (isinstance(data, tuple) and len(data) == 2 and all(isinstance(part, (dict, list)) for part in data))
    )


def _read(value: object) -> bool:
    """True for what read_page returns: (the parsed page file or None, a list of problems)."""
    return _problems(value) and isinstance(value, tuple) and (value[0] is None or isinstance(value[0], PageFile))


class MemoReader:
    """Parsed page files kept between preview rebuilds: only files reported changed are read again."""

    def __init__(self, store: BuildCache | None = None, file_hashes: dict[str, str] | None = None) -> None:
        self.listing: list[tuple[Path, str, str]] | None = None
        self.entries: dict[Path, tuple[PageFile | None, list[ContentError]]] = {}
        self.data: dict[tuple[Path, tuple[str, ...]], Any] = {}  # (data file, what its checks depend on) -> parsed
        self.store = store  # a BuildCache: parsed pages kept between builds, keyed by the file's bytes
        self.file_hashes = file_hashes or {}  # hashes already taken of the files' bytes
        self.edited: set[Path] = set()  # files whose parsed bytes are not those file_hashes was taken of
        self.pairs: dict[Hashable, Any] = {}  # what pair() made in the previous build, by its key
        self.pairs_now: dict[Hashable, Any] = {}  # what pair() made or kept in this one

    def read(self, config: Config, files: list[tuple[Path, str, str]]) -> None:
        """Give every listed page file an entry: from memory, from the build cache, or by parsing it now.

        An entry is stored under the hash of the bytes it was parsed from, never under a hash taken earlier:
        a file edited during the build must not leave its edited parse under its old bytes' key."""
        # A new build: what pair() keeps is what the previous one paired (no more, whatever was deleted since).
        self.pairs, self.pairs_now = self.pairs_now or self.pairs, {}
        todo = [f for f in files if f[0] not in self.entries]
        if not todo:
            return
        templates = sorted(config.template_names)
        if self.store is not None:
            keys = {}
            for path, _, _ in todo:
                own = self.file_hashes.get(str(path)) or hash_file(path)
                if own:
                    keys[path] = self._page_key(config, path, own, templates)
            found = self.store.get_many("parsed", list(keys.values()), _read)
            for path, _, _ in todo:
                if keys.get(path) in found:
                    self.entries[path] = found[keys[path]]
        new = []
        for path, name, lang in todo:
            if path in self.entries:
                continue
            if self.store is None:
                self.entries[path] = read_page(config, path, name, lang)
                continue
            own, self.entries[path] = self._parsed(path, functools.partial(read_page, config, path, name, lang))
            if own:
                new.append((self._page_key(config, path, own, templates), self.entries[path]))
        if self.store is not None:
            self.store.put_many("parsed", new)

    @staticmethod
    def _page_key(config: Config, path: Path, own: str, templates: list[str]) -> str:
        """The build cache's key for a parsed page file: its name, its bytes' hash and what its checks use."""
        return hash_values(relative(path, config.project), own, config.languages, templates)

    def remember(self, path: Path, load: Callable[[], Any], depends: Iterable[str] = ()) -> Any:
        """The result of load() for a data file, loading it only when it is new or changed.

        With a build cache, a file whose bytes were seen before, checked against the same `depends` (the
        site's languages), is not parsed again (a large YAML file, such as the fingerprints of a thousand
        pages, costs more to parse than to unpickle)."""
        memo = (path, tuple(depends))
        if memo not in self.data:
            key = self._data_key(path, self.file_hashes.get(str(path)), depends)
            found = self.store.get_many("parsed", [key], _loaded) if key and self.store is not None else {}
            if key is not None and key in found:
                self.data[memo] = found[key]
            elif self.store is None:
                self.data[memo] = load()
            else:
                own, self.data[memo] = self._parsed(path, load)
                key = self._data_key(path, own, depends)
                if key:
                    self.store.put_many("parsed", [(key, self.data[memo])])
        return self.data[memo]

    def _parsed(self, path: Path, parse: Callable[[], T]) -> tuple[str | None, T]:
        """(hash of the bytes parsed, parse()): the file's hash taken before and after parsing, or None when the
        file changed meanwhile (the parse then belongs to no known bytes and must not be stored). A file whose
        bytes are not those hashed before the build is noted in `edited`."""
        before = hash_file(path)
        value = parse()
        own = before if before is not None and hash_file(path) == before else None
        if own is None or own != self.file_hashes.get(str(path), own):
            self.edited.add(path)
        return own, value

    def _data_key(self, path: Path, own: str | None, depends: Iterable[str]) -> str | None:
        """The build cache's key for a data file's parsed value: its name, its bytes' hash (when known) and
        what its checks depend on."""
        if self.store is None or not own:
            return None
        return hash_values("data", path.name, own, depends)

    def pair(self, key: Hashable, make: Callable[[], T]) -> T:
        """One page name's pages, kept from the previous build while every input in `key` is the same."""
        found = self.pairs.get(key, _NOTHING)
        self.pairs_now[key] = made = make() if found is _NOTHING else found
        return made

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop what is known of changed files; a page added or deleted also drops the listing."""
        paths = set(paths)
        self.data = {memo: value for memo, value in self.data.items() if memo[0] not in paths}
        for path in paths:
            if path.suffix == ".md" and (path not in self.entries or not path.exists()):
                self.listing = None
            self.entries.pop(path, None)


class MarkdownMemo:
    """Converted Markdown kept between renders: in memory between preview rebuilds, and with a store (the build
    cache) between builds. Emptied whenever any URL of the site changes, since links inside it would be wrong."""

    def __init__(self, store: BuildCache | None = None) -> None:
        self.store = store
        self.version: str | None = None
        self.entries: dict[str, str] = {}
        self.stored: set[str] = set()  # keys of entries that came from the store: never stored again

    def keep_if(self, version: str) -> None:
        """Forget every conversion made under another URL map."""
        if version != self.version:
            self.version, self.entries = version, {}

    def key(self, page: Page) -> str:
        """What a page's converted Markdown depends on: its text, its file, and the site's URL map."""
        return hash_values(self.version, page.path, page.lang, page.allow_scripts, page.body)

    def get(self, page: Page) -> str | None:
        """The page's Markdown as converted before, or None."""
        return self.entries.get(self.key(page))

    def put(self, page: Page, html: str) -> None:
        """Remember a conversion."""
        self.entries[self.key(page)] = html

    def fetch(self, pages: list[Page]) -> list[str]:
        """Load the stored conversions of some pages into memory; return their keys."""
        keys = [self.key(page) for page in pages]
        if self.store is not None:
            found = self.store.get_many("markdown", keys)
            self.entries.update(found)
            self.stored.update(found)
        return keys

    def made(self, key: str) -> Conversion:
        """What became of a key in this run: its conversion when it was made now (to be stored), else only the key."""
        html = self.entries.get(key)
        return Conversion(key, html if key not in self.stored else None)

    def drop(self, keys: list[str]) -> None:
        """Let go of some conversions (a build with a store keeps memory flat; the store holds them)."""
        if self.store is not None:
            for key in keys:
                self.entries.pop(key, None)
                self.stored.discard(key)

    def keep(self, conversions: list[Conversion]) -> None:
        """Store the conversions made now, and mark every key used (the store's pruning keeps what a build
        used; a worker process's reads are not seen by this process's store)."""
        if self.store is not None and conversions:
            self.store.used["markdown"].update(c.key for c in conversions)
            self.store.put_many("markdown", [(c.key, c.html) for c in conversions if c.html is not None])


class Conversion(NamedTuple):
    """A page's Markdown under its memo key, and its HTML when it was converted in this run."""

    key: str
    html: str | None
