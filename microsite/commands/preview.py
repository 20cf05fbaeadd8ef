"""The preview server: the same build code as `build.py`, kept warm so one edit re-renders only what it affects.

The kernel tells a watcher (watchfiles: inotify on Linux) which inputs changed; after a burst of saves goes quiet,
`Preview.rebuild` brings the served folder up to date and livereload tells the open tabs: a stylesheet edit restyles
them in place (livereload.js itself); any other edit makes each tab fetch its page and, through the preview's
livereload.js plugin (preview_swap.js), put the new content in place without a reload, or leave the tab alone when
its page did not change; a page that loads another stylesheet or script is loaded anew. A failed rebuild is shown
in the browser instead of the site, and the next good save brings the site back.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import queue
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import ioloop, web
from watchfiles import Change, watch

from ..builder import render_site, static_files
from ..config import Config, load_config
from ..content import relative
from ..errors import BuildError, ContentError, ErrorList
from ..incremental.engine import (
    MarkdownMemo,
    MemoReader,
    PageKey,
    Versions,
    catalog_versions,
    listing_key,
    page_keys,
    site_version,
    template_versions,
    url_version,
)
from ..inputs import INPUTS, file_stats, is_editor_junk
from ..model import Site, load_site
from ..outputs import site_files
from ..render import SiteRenderer, known_site_paths
from ..urls import Urls
from ..writer import MARKER, MARKER_TEXT, hashed_names
from . import workbench

# watchfiles hands over the events it gathered once a step of WATCH_STEP_MS brought no new path. That step is also
# its wake-up period while idle (it looks at its event queue every step). Measured with 1,000 pages per language on
# a 2-core machine: 20 ms costs 0.3 % of a core and hands an edit over 38 ms after the save (median), 10 ms costs
# 0.45 % and takes 13 ms, 5 ms costs 0.75 % and takes 10 ms. Writes to a path it has already listed are not "new",
# so a burst of saves to one file (several writes, a temporary file renamed over it) comes in several lots: the
# rebuild waits until neither a lot came nor a changed file's size or modification time moved for QUIET_MS, and at
# most BURST_MAX_MS. The quiet is counted from the last write the files' modification times show, not from when
# watchfiles told of it (by then it has usually lasted a step): a save shows about 10 ms sooner.
WATCH_STEP_MS = 10
QUIET_MS = 12
BURST_MAX_MS = 1000
# The resolution of the clock file systems take modification times from (Linux: CLOCK_REALTIME_COARSE, one tick).
MTIME_TICK = time.clock_getres(5) if sys.platform == "linux" else 0.01
FETCH_WAIT_MS = 300  # how long rendering pauses for open tabs to ask for what they were told changed
IDLE_CHECK_MS = 1000  # an idle watcher looks this often whether a missing input folder appeared, or it must stop
# The livereload.js plugin every served page carries (see preview_swap.js): a page edit shows without a reload.
SWAP_SCRIPT = (
    b"<script data-microsite-preview>" + Path(__file__).with_name("preview_swap.js").read_bytes() + b"</script>"
)


@dataclass
class Report:
    """What one rebuild did, for the console line."""

    changed: list[str]
    rendered: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # output paths written or removed, relative to the site
    recovered: bool = False  # the rebuild before this one failed: the site is back

    def line(self) -> str:
        """One line: what changed, how many pages were re-rendered, how long it took."""
        what = ", ".join(self.changed[:3]) + (f" and {len(self.changed) - 3} more" if len(self.changed) > 3 else "")
        what = what or "start"
        if self.errors:
            return (
                f"{what}: build failed ({len(self.errors)} error{'s' * (len(self.errors) != 1)}), "
                f"shown in the browser\n" + "\n".join(f"  error: {e}" for e in self.errors)
            )
        back = "; the error is fixed and the site is back" if self.recovered else ""
        return (
            f"{what}: {self.rendered} page{'s' * (self.rendered != 1)} re-rendered in "
            f"{self.seconds * 1000:.0f} ms{back}"
        )


class Preview:
    """The preview build of one project, written into a folder served under the site's base path."""

    def __init__(self, project: Path, root: Path, base_url: str | None = None):
        self.project = Path(project).resolve()
        self.base_url = base_url
        self.root = root
        self.sources = MemoReader()
        self.markdown = MarkdownMemo()
        self.keys: dict[str, PageKey] = {}  # output path -> the inputs it was last rendered from
        self.listing: tuple[Any, ...] = ()
        self.renderer: SiteRenderer | None = None
        self.site: Site | None = None
        self.error: list[str] | None = None
        self.versions = Versions()
        self.out: Path = root
        self.assets: dict[str, str] = {}  # static file -> its hashed name, as the served pages link it
        # A hashed name replaced by an edit -> its static file. An open tab still links the old name: asked for it
        # again (livereload restyling in place), the preview answers with the file's current version, never a 404.
        self.renamed: dict[str, str] = {}
        self.written: list[str] = []
        self.compiled = CompiledTemplates()
        self.report = Report([])
        self.notify: Callable[[str], None] | None = None
        # Pages the browser asked for (output path -> when): the pages open tabs show are among them. Written by
        # the server's thread, read (copied) by the rebuilding one.
        self.viewed: dict[str, float] = {}
        self.fetched = threading.Event()  # set when a tab asked for a page or a former stylesheet name
        self.templates_changed = True

    @property
    def languages(self) -> tuple[str, ...]:
        """The site's languages, for the error page: the last good build's, else site.yaml's when it reads."""
        if self.site is not None:
            return self.site.config.languages
        try:
            return load_config(self.project, self.base_url).languages
        except (BuildError, ContentError, ValueError, OSError):
            return ()

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. /microsite/ (/ until a configuration has loaded)."""
        return (
            "/" + self.out.relative_to(self.root).as_posix().strip(".").strip("/") + "/"
            if self.out != self.root
            else "/"
        )

    def _folder_for(self, base_url: str) -> Path:
        """The folder the site is served from, which must lie inside the preview's temporary folder."""
        out = self.root / urlsplit(base_url).path.strip("/")
        # The base URL refuses '..' already; this guards the deletions of the preview against any other way out.
        if not Path(os.path.realpath(out)).is_relative_to(os.path.realpath(self.root)):
            raise ContentError(
                "--base-url",
                None,
                None,
                f"the preview folder {out} for {base_url} leads outside {self.root}",
                "give a base URL with a plain path, like https://user.github.io/repo/",
            )
        return out

    def rebuild(self, changed: set[Path], notify: Callable[[str], None] | None = None) -> Report:
        """Bring the served site up to date with the inputs; on failure keep the error for the browser.

        With `notify`, the pages open tabs show are rendered first, and notify(path) is called as soon as they
        are written when other pages remain to be rendered."""
        started = time.perf_counter()
        report = Report(sorted(relative(p, self.project) for p in changed))
        self.written, self.report, self.notify = report.written, report, notify
        try:
            pages_only = (
                self.renderer is not None
                and self.error is None
                and changed
                and all(self._is_page(p) and p in self.sources.entries and p.exists() for p in changed)
            )
            report.rendered = self._pages(changed) if pages_only else self._full(changed)
            report.recovered, self.error = self.error is not None, None
        except BuildError as exc:
            self.error = report.errors = [str(e) for e in exc.errors]
        except (ContentError, ValueError) as exc:
            self.error = report.errors = [str(exc)]
        except Exception:  # a bug must not kill the server: show it like any other error
            self.error = report.errors = ["internal error:\n" + traceback.format_exc()]
        report.seconds = time.perf_counter() - started
        return report

    def _is_page(self, path: Path) -> bool:
        """True for a Markdown page under content/pages/."""
        return path.suffix == ".md" and (self.project / "content" / "pages") in path.parents

    def _full(self, changed: set[Path]) -> int:
        """Reload config, data, templates and catalogs; re-render every page whose inputs changed."""
        self.sources.forget(changed)
        # A parsed page depends on the site's languages and on which templates exist: re-check the pages that
        # were refused (a missing template may exist now), and all of them when the settings changed.
        settings = self.project / "content" / "site.yaml"
        self.sources.entries = (
            {} if settings in changed else {path: entry for path, entry in self.sources.entries.items() if not entry[1]}
        )
        config = load_config(self.project, self.base_url)
        site = load_site(config, self.sources)
        assets = hashed_names(config.static_dir)
        renderer = SiteRenderer(site, Urls(config.base_url, assets), self.markdown)
        for env in renderer.envs.values():  # a data, catalog or stylesheet edit need not compile every template
            env.bytecode_cache = self.compiled
        self.versions.site = site_version(config, assets)
        self.versions.catalogs = catalog_versions(config)
        # Parsing every template for its references costs most of a data or stylesheet edit's rebuild: only
        # when a template (or the settings) changed, and again until that has succeeded once.
        self.templates_changed |= (
            not self.versions.templates
            or settings in changed
            or any(config.templates_dir in p.parents for p in changed)
        )
        if self.templates_changed:
            self.versions.templates = template_versions(renderer.envs[config.default_language])
            self.templates_changed = False
        self.site, self.renderer = site, renderer
        self.out = self._folder_for(config.base_url)
        self._note_urls(site, renderer)
        # Static files first: a tab told early (see _render) finds the files the new pages link; an older page
        # asking for a replaced name gets the new file (current_name).
        self._sync_static(config, assets)
        count = self._render(site, renderer, everything=True)
        _write_if_changed(self.out / MARKER, MARKER_TEXT)  # the same folder as a build makes
        return count

    def _pages(self, changed: set[Path]) -> int:
        """Only page files changed: re-read them and re-render the pages whose inputs differ."""
        self.sources.forget(changed)
        assert self.site is not None and self.renderer is not None  # rebuild() came here after a full build
        site = load_site(self.site.config, self.sources)
        self.renderer.site = site
        if not self._same_urls(site):
            self.renderer.known_paths = frozenset(known_site_paths(site, self.renderer.urls.assets))
            self._note_urls(site, self.renderer)
        self.site = site
        return self._render(site, self.renderer, everything=False)

    def _same_urls(self, site: Site) -> bool:
        """True when no page's address changed since the last rebuild."""
        assert self.site is not None
        return {(p.name, p.lang, p.slug) for p in site.pages} == {(p.name, p.lang, p.slug) for p in self.site.pages}

    def _note_urls(self, site: Site, renderer: SiteRenderer) -> None:
        """Follow the URL map: every page's links and switcher depend on it."""
        self.versions.urls = url_version(site, renderer.urls, renderer.known_paths)
        self.markdown.keep_if(self.versions.urls)  # every renderer of the preview shares self.markdown

    def _render(self, site: Site, renderer: SiteRenderer, everything: bool) -> int:
        """Render the pages whose key changed (all site-wide files when `everything`), write them, drop stale files."""
        wanted = page_keys(site, self.versions)
        viewed = dict(self.viewed)
        todo = [p for p in site.pages if self.keys.get(p.output_path) != wanted[p.output_path]]
        # The sitemap and feeds list every page by address, title, summary and date.
        listing = listing_key(site)
        site_wide, self.listing = everything or listing != self.listing, listing
        # The pages tabs show first (the home page and the 404 page among them), then the tabs are told, then
        # the rest follows.
        first = [p for p in todo if p.output_path in viewed]
        early = [(f.path, f.make) for f in site_files(site) if f.path in viewed] if site_wide else []
        errors = ErrorList()
        count = 0
        for rendered in render_site(renderer, errors, pages=first, site_wide=False):
            count += 1
            self._write(rendered.path, rendered.content)
        for path, make in early:
            try:
                self._write(path, make(renderer))
            except ContentError as exc:
                errors.add(exc)
        rest = [p for p in todo if p.output_path not in viewed]
        if (first or early) and (rest or site_wide) and not errors.errors:
            self._notify_early()
        for rendered in render_site(
            renderer, errors, pages=rest, site_wide=site_wide, skip={path for path, _ in early}
        ):
            count += rendered.path in wanted
            self._write(rendered.path, rendered.content)
        errors.raise_if_any()
        for path in set(self.keys) - set(wanted):  # a page deleted or given another slug
            _remove_with_empty_parents(self.out / path, self.out)
            self.written.append(path)
        self.keys = wanted
        return count

    def _write(self, rel: str, content: str | bytes) -> None:
        """Write one output file of the site if its content changed, and note it."""
        if _write_if_changed(self.out / rel, content):
            self.written.append(rel)

    def _notify_early(self) -> None:
        """Tell the tabs that their pages are written, and let them load before rendering goes on (rendering
        holds Python's lock: a request answered meanwhile would wait for it at every step)."""
        pages = [p for p in self.written if p.endswith(".html")]
        if self.notify is None or not pages:
            return
        self.fetched.clear()
        self.notify(self.base_path + pages[0])
        self.fetched.wait(FETCH_WAIT_MS / 1000)

    def _sync_static(self, config: Config, assets: dict[str, str]) -> None:
        """Copy new static files (under their hashed names) and remove those no page refers to any more."""
        wanted = set()
        for source, rel in static_files(config, assets):
            wanted.add(rel)
            target = self.out / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                self.written.append(rel)
        static_out = self.out / "static"
        if static_out.is_dir():
            for path in static_out.rglob("*"):
                if path.is_file() and path.relative_to(self.out).as_posix() not in wanted:
                    path.unlink()
                    self.written.append(path.relative_to(self.out).as_posix())
        self._note_renamed(assets)

    def _note_renamed(self, assets: dict[str, str]) -> None:
        """Remember the former hashed names of static files whose content changed; serve the new ones from now."""
        for name, hashed in self.assets.items():
            if name in assets and assets[name] != hashed:
                self.renamed[f"static/{hashed}"] = name
        self.assets = assets

    def restyle(self, changed: set[Path]) -> str | None:
        """Publish edited stylesheets before the pages that link them are rendered again; the former hashed name
        of one of them (the name open tabs link), or None when `changed` is not only stylesheets of a good site.

        The pages must be rendered again (each links the stylesheet by its new hashed name): thousands of them
        take seconds, while an open tab needs only the stylesheet, answered under its former name."""
        if self.error is not None or self.site is None or not changed:
            return None
        static = self.site.config.static_dir
        if not all(p.suffix == ".css" and static in p.parents and p.is_file() for p in changed):
            return None
        try:
            assets = hashed_names(static)
        except (BuildError, OSError):
            return None  # the rebuild reports it
        names = {p.relative_to(static).as_posix() for p in changed}
        former = [
            f"static/{self.assets[n]}"
            for n in sorted(names)
            if n in self.assets and n in assets and assets[n] != self.assets[n]
        ]
        if not former:
            return None
        for name in names:
            target = self.out / "static" / assets[name]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(static / name, target)
        self._note_renamed({**self.assets, **{n: assets[n] for n in names if n in assets}})
        return self.base_path + former[0]

    def asked_for(self, rel: str) -> str:
        """Note that a tab asked for `rel` (relative to the site); return the output path to answer with."""
        current = self.current_name(rel)
        page = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        page = page if page.endswith(".html") or "." in page.rsplit("/", 1)[-1] else page + "/index.html"
        if page.endswith(".html"):
            self.viewed[page] = time.monotonic()
        if page.endswith(".html") or current != rel:
            self.fetched.set()
        return current

    def current_name(self, rel: str) -> str:
        """The output path (relative to the site) to answer a request for `rel` with: a static file's current
        hashed name when `rel` is one of its former names, else `rel` itself."""
        name = self.renamed.get(rel)
        return f"static/{self.assets[name]}" if name is not None and name in self.assets else rel

    def reload_path(self, report: Report, failed_before: bool) -> str | None:
        """What to tell the open tabs after a rebuild, as the path of livereload's reload message; None: nothing.

        livereload's protocol names one path, and livereload.js (2.2.1, vendored by livereload 2.7) compares only a
        .css or image path with what the page links. Any other path goes to the preview's plugin, which fetches
        the page each tab shows and compares it itself (preview_swap.js). Told apart here: an edit that changed
        no output at all (a template comment, a file saved unchanged): no message; and a stylesheet edit (see
        `restyle`)."""
        if report.errors or failed_before:
            return self.base_path + "index.html"  # the error page appears, or gives way to the site
        if not report.written:
            return None
        pages = [p for p in report.written if p.endswith(".html")]
        return self.base_path + (pages[0] if pages else report.written[0])


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory between rebuilds, each under its source's checksum (Jinja compiles
    a template again when its source changed); never written to disk, where code from elsewhere could be loaded."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code kept for its template, if any (Jinja checks it against the source)."""
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a template's newly compiled code."""
        self.code[bucket.key] = bucket.bytecode_to_string()


def _remove_with_empty_parents(path: Path, top: Path) -> None:
    """Delete an output file and the folders it leaves empty."""
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == top or not parent.is_dir() or any(parent.iterdir()):
            break
        parent.rmdir()


def _write_if_changed(path: Path, content: str | bytes) -> bool:
    """Replace a file whole (never half-written for a browser that reads it), only if its content changed; True
    if it did."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


class EventWatcher(Watcher):  # type: ignore[misc]  # livereload ships no types
    """livereload's watcher, told by the kernel which inputs changed instead of looking at every file.

    What of livereload this uses is its public interface: `Server(watcher=...)` takes a watcher object, calls its
    `watch(path, func)` for each `Server.watch`, and its `start(callback)` once, polling `examine()` only when
    start returns False. `start` here returns True and starts two threads: one waits on watchfiles, the other
    gathers each burst and runs the watched folder's `func(changed paths)`, so the server goes on answering the
    browser during a long rebuild. `notify(path)` tells the open tabs, on the server's IOLoop
    (`IOLoop.add_callback`, tornado's thread-safe way in), through `LiveReloadHandler.reload_waiters(path)`, the
    class method behind livereload's own /forcereload endpoint; not through livereload's `poll_tasks`, which
    drops a reload within 3 s of the previous one unless its class constant is patched. Nothing private is read
    or set here: livereload itself touches its `Watcher` base's attributes (`_tasks`, `_changes`, `filepath`),
    which exist because this is a subclass.

    Events come from watchfiles (its Rust `notify` core: inotify on Linux, FSEvents on macOS). Where the file
    system gives no events (some network and container mounts), `notify` falls back to polling by itself when it
    cannot set up its event watcher, and WATCHFILES_FORCE_POLLING=1 forces polling (every 300 ms; set
    WATCHFILES_POLL_DELAY_MS to change it) for mounts that accept watches but never report changes.
    """

    def __init__(
        self, project: Path, log: Callable[[str], None] = print, baseline: dict[Path, tuple[int, int]] | None = None
    ) -> None:
        super().__init__()
        self.project = Path(project)
        # The inputs as the first build read them: an edit made before the events' watch was set up (the server
        # answers before that) is found by comparing, once the watch runs.
        self.baseline = baseline
        self.log = log
        self.actions: dict[Path, Callable[[set[Path]], None]] = {}
        self.loop: ioloop.IOLoop | None = None
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        # Lots of (changed input paths, those among them made in the lot); None asks the rebuilding thread to stop.
        self.lots: queue.Queue[tuple[set[Path], set[Path]] | None] = queue.Queue()

    def watch(
        self, path: str, func: Callable[[set[Path]], None] | None = None, delay: object = None, ignore: object = None
    ) -> None:
        """Watch a folder (it may not exist yet); `func(changed paths)` rebuilds and calls `notify`."""
        super().watch(path, func, delay, ignore)
        if func is not None:
            self.actions[Path(path)] = func

    def start(self, callback: Callable[[], None]) -> bool:
        """Start waiting for events; True tells livereload not to poll."""
        self.loop = ioloop.IOLoop.current()
        self.threads = [
            threading.Thread(target=self._wait, name="preview-watcher", daemon=True),
            threading.Thread(target=self._rebuild, name="preview-rebuilder", daemon=True),
        ]
        for thread in self.threads:
            thread.start()
        return True

    def examine(self) -> tuple[str | None, float | None]:
        """livereload's polling entry: nothing to report, changes arrive as events."""
        return None, None

    def notify(self, path: str) -> None:
        """Send livereload's reload message for `path` to every open tab (from any thread)."""
        assert self.loop is not None  # start() has run: the server is up
        self.loop.add_callback(LiveReloadHandler.reload_waiters, path)

    def stop(self) -> None:
        """Stop both threads (the watching one within IDLE_CHECK_MS, the other after its rebuild)."""
        self.stopping.set()
        self.lots.put(None)
        for thread in self.threads:
            thread.join()

    def _rebuild(self) -> None:
        """Take the lots of changes as they come: wait for the end of each burst, then run the actions."""
        handled: dict[Path, tuple[int, int, int] | None] = {}
        while (lot := self.lots.get()) is not None:
            # watchfiles reports a write up to two steps late: a lot may name only files as the last rebuild
            # found them, already settled and read.
            fresh = {p for p in lot[0] if p not in handled or _stats({p})[p] != handled[p]}
            if not fresh:
                continue
            changed, made = self._settle(fresh, lot[1])
            # A file made and gone within the burst (an editor's temporary file) changed nothing.
            changed = {p for p in changed if p not in made or os.path.lexists(p)}
            handled.update(_stats(changed))
            if changed:
                self._run(changed)
            if self.stopping.is_set():
                return

    def _settle(self, changed: set[Path], made: set[Path]) -> tuple[set[Path], set[Path]]:
        """Gather a burst: until no lot came and no changed file moved for QUIET_MS (at most BURST_MAX_MS)."""
        started = time.monotonic()
        stats = _stats(changed)
        last = _last_write(stats, started)
        while time.monotonic() - last < QUIET_MS / 1000 and time.monotonic() - started < BURST_MAX_MS / 1000:
            try:
                lot = self.lots.get(timeout=QUIET_MS / 4000)
            except queue.Empty:
                lot = (set(), set())
            if lot is None:
                self.lots.put(None)  # stop after this rebuild
                break
            changed, made = changed | lot[0], made | lot[1]
            now = _stats(changed)
            if lot[0] or now != stats:
                stats, last = now, time.monotonic()
        return changed, made

    def _wait(self) -> None:
        """Wait for events and queue them; start over when what must be watched changed."""
        while not self.stopping.is_set():
            folders = [f for f in self.actions if f.is_dir()]
            links = _links(folders)
            roots = sorted({str(f) for f in folders} | set(links))
            if not roots:
                self.stopping.wait(IDLE_CHECK_MS / 1000)
                continue
            # No stop_event: watchfiles would call it every step (about 0.3 % of a core more while idle); the
            # thread looks at `stopping` when the watch yields, at the latest every IDLE_CHECK_MS.
            try:
                self._bursts(roots, folders, links)
            except OSError as exc:  # a watched folder vanished while the watch was being set up: look again
                self.log(f"watching {exc.filename or 'the inputs'} failed ({exc.strerror or exc}); trying again")
                self.stopping.wait(IDLE_CHECK_MS / 1000)

    def _bursts(self, roots: list[str], folders: list[Path], links: dict[str, list[Path]]) -> None:
        """Queue each lot of events below `roots` for the rebuilding thread, until what must be watched changes."""
        for batch in watch(
            *roots,
            watch_filter=None,
            debounce=BURST_MAX_MS,
            step=WATCH_STEP_MS,
            rust_timeout=IDLE_CHECK_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if self.stopping.is_set():
                return
            if self.baseline is not None:  # the watch is up (its first answer): what changed before it?
                missed = {path for path, stat in input_stats(self.project).items() if self.baseline.get(path) != stat}
                missed |= set(self.baseline) - set(input_stats(self.project))
                self.baseline = None
                if missed:
                    self.lots.put((missed, set()))
            appeared = {f for f in self.actions if f.is_dir() and f not in folders}
            changed = self._inputs(batch, links) | appeared
            if changed:
                made = self._inputs({(c, raw) for c, raw in batch if c == Change.added}, links)
                self.lots.put((changed, made))
            if appeared or _moved_links(batch, links) or not all(f.is_dir() for f in folders):
                return  # an input folder made or removed, a link made or removed: watch what is there now

    def _inputs(self, batch: set[tuple[Change, str]], links: dict[str, list[Path]]) -> set[Path]:
        """The input paths a lot of events changed, editor junk left out, a link's target reported as the link."""
        changed: set[Path] = set()
        for _, raw in batch:
            if is_editor_junk(os.path.basename(raw)):
                continue
            for target, sources in links.items():
                if raw == target or raw.startswith(target + os.sep):
                    changed.update(link / os.path.relpath(raw, target) if raw != target else link for link in sources)
            path = Path(raw)
            if any(folder == path or folder in path.parents for folder in self.actions):
                changed.add(path)
        return changed

    def _run(self, changed: set[Path]) -> None:
        """Run, once, the action of each watched folder a burst of changes touched."""
        funcs = {
            func
            for folder, func in self.actions.items()
            if any(folder == path or folder in path.parents for path in changed)
        }
        for func in funcs:
            func(changed)


def input_stats(project: Path) -> dict[Path, tuple[int, int]]:
    """(size, modification time) of every input file of a project, by path (links not followed: one walk)."""
    return {
        project / part / rel: stat
        for part in INPUTS
        for rel, stat in file_stats(project / part, skip_junk=True).items()
    }


def _last_write(stats: dict[Path, tuple[int, int, int] | None], now: float) -> float:
    """When (on the monotonic clock) the latest of these files was last written, by their modification times;
    `now` when none is left or a time is ahead of the clock."""
    times = [stat[2] for stat in stats.values() if stat is not None]
    if not times:
        return now
    # A modification time may lag the write by one tick of the kernel's coarse clock: count it as that much later.
    age = time.time() - max(times) / 1e9 - MTIME_TICK
    return now - age if age > 0 else now


def _stats(paths: set[Path]) -> dict[Path, tuple[int, int, int] | None]:
    """(inode, size, modification time) of each path, None for one that is gone."""
    found: dict[Path, tuple[int, int, int] | None] = {}
    for path in paths:
        try:
            stat = path.stat()
            found[path] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            found[path] = None
    return found


def _links(folders: list[Path]) -> dict[str, list[Path]]:
    """{real path of a link's target: the links below `folders` that lead to it}; a change to a file a link leads
    to is reported under the target's name (inotify watches folders, not the links in them)."""
    found: dict[str, list[Path]] = {}
    seen: set[str] = set()
    todo = [str(f) for f in folders]
    while todo:
        top = todo.pop()
        if os.path.realpath(top) in seen:
            continue  # a loop of links: the build reports it
        seen.add(os.path.realpath(top))
        for folder, dirs, files in os.walk(top):
            for name in dirs + files:
                path = os.path.join(folder, name)
                if os.path.islink(path) and os.path.exists(path):
                    found.setdefault(os.path.realpath(path), []).append(Path(path))
                    if os.path.isdir(path):
                        todo.append(path)
    return found


def _moved_links(batch: set[tuple[Change, str]], links: dict[str, list[Path]]) -> bool:
    """True when a burst made a link, or removed one the watcher follows."""
    known = {str(link) for sources in links.values() for link in sources}
    return any(
        (change == Change.added and os.path.islink(raw)) or (change == Change.deleted and raw in known)
        for change, raw in batch
    )


class PreviewHandler(StaticFileHandler):  # type: ignore[misc]  # livereload ships no types
    """Serves the preview folder: 404 for anything outside it, the site's 404 page, the error page on failure."""

    def initialize(self, path: str, default_filename: str | None = None, preview: Preview | None = None) -> None:
        super().initialize(path=path, default_filename=default_filename)
        assert preview is not None  # get_web_handlers passes it
        self.preview = preview

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        """A URL that is not UTF-8 once decoded (%ff) names no file: 404 like any other missing page, not 400."""
        try:
            decoded: str = super().decode_argument(value, name)
            return decoded
        except web.HTTPError:
            raise web.HTTPError(404) from None

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\0" in path:  # %00 names no file, and the file system functions refuse it with a ValueError
            raise web.HTTPError(404)
        if self.preview.error is not None and _is_page_request(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(with_swap(error_page(self.preview.error, self.preview.languages).encode("utf-8")))
            return
        prefix = self.preview.base_path.lstrip("/")
        # A static file's name carries its content's hash: a reloaded tab may keep it (a render-blocking request
        # less), as it may from GitHub Pages. An in-place restyle asks with a query of its own, never cached.
        hashed = path.startswith(prefix + "static/") and not _is_page_request(path)
        self.set_header("Cache-Control", "max-age=31536000, immutable" if hashed else "no-store")
        if path.startswith(prefix):
            path = prefix + self.preview.asked_for(path[len(prefix) :])
        try:
            await super().get(path, include_body)
        except web.HTTPError as exc:
            # Outside the served folder (../, %2e%2e): a plain 404 that tells nothing, never a 403 or a listing.
            if exc.status_code == 403:
                raise web.HTTPError(404) from None
            raise

    def get_content_size(self) -> int:
        """A page's size as served, with the swap plugin."""
        assert self.absolute_path is not None  # tornado's get() set it
        if self.absolute_path.endswith(".html"):
            return len(self.get_content(self.absolute_path))
        size: int = super().get_content_size()
        return size

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> Any:
        """A page with the swap plugin (read whole: pages are small); any other file as tornado serves it."""
        if abspath.endswith(".html"):
            return with_swap(Path(abspath).read_bytes())[start:end]
        return super().get_content(abspath, start, end)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer a missing page with the site's own 404.html, as GitHub Pages does."""
        page = self.preview.out / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(with_swap(page.read_bytes()))
        else:
            super().write_error(status_code, **kwargs)


def with_swap(page: bytes) -> bytes:
    """A page as the preview serves it: the swap plugin before </head>, where livereload puts its own script."""
    return page.replace(b"</head>", SWAP_SCRIPT + b"</head>", 1)


def _is_page_request(path: str) -> bool:
    """True for a URL that shows a page (not a stylesheet or an image)."""
    last = path.rsplit("/", 1)[-1]
    return not last or last.endswith(".html") or "." not in last


# The error page's words in the languages it knows; a site in any other language gets them in English.
ERROR_WORDS = {
    "en": ("Build failed", "The build failed", "Fix the error below and save the file: the page reloads by itself."),
    "vi": ("Lỗi khi dựng trang", "Không dựng được trang", "Hãy sửa lỗi dưới đây và lưu tệp; trang sẽ tự tải lại."),
    "fr": (
        "Erreur de construction",
        "La construction du site a échoué",
        "Corrigez l’erreur ci-dessous et enregistrez le fichier\u202f: la page se rechargera d’elle-même.",
    ),
}


def error_page(errors: list[str], languages: tuple[str, ...] = ()) -> str:
    """The page shown instead of the site while the build fails: every error, in the site's languages (those
    ERROR_WORDS knows, and English when one is unknown or none is known yet), no assets."""
    bases = list(dict.fromkeys(code.split("-")[0] for code in languages))
    shown = [lang for lang in bases if lang in ERROR_WORDS]
    if len(shown) < len(bases) or not shown:
        shown = list(dict.fromkeys([*shown, "en"]))
    title = " · ".join(html.escape(ERROR_WORDS[lang][0]) for lang in shown)
    intro = "\n".join(
        f'<h1 lang="{lang}">{html.escape(ERROR_WORDS[lang][1])}</h1>\n'
        f'<p lang="{lang}">{html.escape(ERROR_WORDS[lang][2])}</p>'
        for lang in shown
    )
    items = "\n".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in errors)
    return f"""<!DOCTYPE html>
<html lang="{shown[0]}" data-microsite-error>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; padding: 2rem; background: #fff4f2; color: #2b0b07; }}
h1 {{ font-size: 1.4rem; margin: 0 0 .25rem; }}
p {{ margin: .25rem 0; }}
ul {{ padding: 0; list-style: none; }}
li {{ background: #fff; border: 1px solid #e9b3aa; border-left: 6px solid #b3261e; border-radius: 8px;
      margin: 1rem 0; padding: .75rem 1rem; }}
pre {{ margin: 0; white-space: pre-wrap; font-size: .95rem; }}
</style>
</head>
<body>
<main>
{intro}
<ul class="build-errors">
{items}
</ul>
</main>
</body>
</html>
"""


class PreviewServer(Server):  # type: ignore[misc]  # livereload ships no types
    """livereload's server with our handler, our watcher and quiet logs."""

    def __init__(
        self, preview: Preview, watcher: EventWatcher, on_listening: Callable[[str], None] = lambda url: None
    ) -> None:
        super().__init__(watcher=watcher)
        self.preview = preview
        self.on_listening = on_listening

    def application(self, port: int, host: str, **options: Any) -> None:
        """Listen; a busy port or a host that is not this machine is one line naming the option, not a traceback."""
        try:
            super().application(port, host, **options)
        except OSError as exc:
            raise listen_error(exc, host, port) from exc
        except UnicodeError as exc:  # the idna codec refuses an empty label or one over 63 characters
            named = host if len(host) <= 40 else host[:40] + "…"
            raise ContentError(
                f"--host {named}",
                None,
                None,
                "not a valid host name (a part between dots is empty or longer than 63 characters)",
                "use an address of this machine, e.g. --host 127.0.0.1",
            ) from exc
        shown = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL
        self.on_listening(f"http://{shown}:{port}{self.preview.base_path}")

    def get_web_handlers(self, script: object) -> list[tuple[str, type, dict[str, object]]]:
        site = [
            (
                r"/(.*)",
                PreviewHandler,
                {"path": str(self.preview.root), "default_filename": "index.html", "preview": self.preview},
            )
        ]
        return workbench.handlers(self.preview) + site  # the workbench's routes first: site's route takes all


def _warnings_only(record: logging.LogRecord) -> bool:
    """A logging filter: livereload's INFO lines (every connection and reload) would drown the rebuild lines."""
    return record.levelno >= logging.WARNING


def quiet_logs() -> None:
    """Keep livereload's and tornado's routine lines off the console, through the standard loggers by name.

    A filter rather than a level: livereload's Server.serve sets its logger's level to INFO when it starts."""
    logging.getLogger("livereload").addFilter(_warnings_only)
    # No request log at all: a 404 is the site's answer, and a 500 is the error page, whose errors the console
    # printed once when the build failed (tornado would log every request for it again).
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL + 1)


def watch_project(preview: Preview, server: Server, watcher: EventWatcher, log: Callable[[str], None]) -> None:
    """Watch every input folder of the project; each burst of changes rebuilds and tells the open tabs."""

    def changed(paths: set[Path]) -> None:
        """Rebuild after a burst of changes; tell the tabs (a stylesheet first, in place) what to show."""
        failed_before = preview.error is not None
        restyled = preview.restyle(paths)
        if restyled is not None:  # livereload.js swaps the stylesheet in place (live_css=True)
            preview.fetched.clear()
            watcher.notify(restyled)
            preview.fetched.wait(FETCH_WAIT_MS / 1000)  # let the tabs load it before the pages are rendered
        report = preview.rebuild(paths, notify=None if restyled else watcher.notify)
        log(time.strftime("%H:%M:%S ") + report.line() + (" (restyled in place)" if restyled else ""))
        path = preview.reload_path(report, failed_before)
        if path is not None:
            # Even after an early message or a restyle: now every page is written, and every page removed (a tab
            # may show one no tab had asked for since the server started, or one whose address just changed).
            # Each tab fetches its page and shows it only if it changed (preview_swap.js).
            watcher.notify(path)

    for part in INPUTS:
        server.watch(str(preview.project / part), changed)


def serve(
    project: Path, host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None, open_browser: bool = False
) -> int:
    """Build, serve and watch until Ctrl-C; the output lives in a temporary folder, never in site/."""
    root = Path(tempfile.mkdtemp(prefix="microsite-preview-"))
    try:
        preview = Preview(project, root, base_url)
        baseline = input_stats(preview.project)
        first = preview.rebuild(set())
        print(first.line(), flush=True)
        log: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731
        watcher = EventWatcher(preview.project, log=log, baseline=baseline)
        server = PreviewServer(preview, watcher, on_listening=lambda url: _announce(url, open_browser))
        watch_project(preview, server, watcher, log)
        quiet_logs()
        server.serve(port=port, host=host, root=str(root), live_css=True, restart_delay=0)
        watcher.stop()
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _announce(url: str, open_browser: bool) -> None:
    """Say where the preview is, once the port is ours (never before: it may be taken)."""
    print(
        f"Serving {url} — edits to content/, templates/, locales/ and static/ reload the page. Ctrl-C stops.",
        flush=True,
    )
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()


def listen_error(exc: OSError, host: str, port: int) -> ContentError:
    """Why the preview cannot listen on host:port, located at the option to change."""
    if exc.errno == errno.EADDRINUSE:
        return ContentError(
            f"--port {port}",
            None,
            None,
            f"port {port} on {host} is already in use",
            "stop the program that uses it, or choose another port with --port, e.g. --port 8001",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ContentError(
            f"--port {port}",
            None,
            None,
            f"this user may not listen on port {port}",
            "choose a port above 1023 with --port, e.g. --port 8000",
        )
    if isinstance(exc, socket.gaierror):
        return ContentError(
            f"--host {host}",
            None,
            None,
            f"cannot find the address of {host!r} ({exc.strerror})",
            "use an address of this machine, e.g. --host 127.0.0.1",
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return ContentError(
            f"--host {host}",
            None,
            None,
            f"{host} is not an address of this machine",
            "use an address of this machine, e.g. --host 127.0.0.1",
        )
    return ContentError(
        f"--host {host} --port {port}",
        None,
        None,
        f"cannot listen there ({exc.strerror or exc})",
        "choose another address with --host or another port with --port",
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve(Path.cwd()))
