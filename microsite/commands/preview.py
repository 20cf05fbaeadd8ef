"""The preview server: the same build code as `build.py`, kept warm so one edit re-renders only what it affects.

A watcher polls the project's inputs; each change runs `Preview.rebuild`, and livereload tells the open tabs to
reload. A failed rebuild is shown in the browser instead of the site, and the next good save brings the site back.
"""

from __future__ import annotations

import errno
import html
import logging
import os
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

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from tornado import ioloop, web

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
from ..inputs import INPUTS, file_stats, input_files
from ..model import Site, load_site
from ..render import SiteRenderer, known_site_paths
from ..urls import Urls
from ..writer import MARKER, MARKER_TEXT, hashed_names
from . import workbench

POLL_MS = 100


@dataclass
class Report:
    """What one rebuild did, for the console line."""

    changed: list[str]
    rendered: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line: what changed, how many pages were re-rendered, how long it took."""
        what = ", ".join(self.changed[:3]) + (f" and {len(self.changed) - 3} more" if len(self.changed) > 3 else "")
        what = what or "start"
        if self.errors:
            return f"{what}: build failed ({len(self.errors)} error{'s' * (len(self.errors) != 1)}), " \
                   f"shown in the browser\n" + "\n".join(f"  error: {e}" for e in self.errors)
        return f"{what}: {self.rendered} page{'s' * (self.rendered != 1)} re-rendered in {self.seconds * 1000:.0f} ms"


class Preview:
    """The preview build of one project, written into a folder served under the site's base path."""

    def __init__(self, project: Path, root: Path, base_url: str | None = None):
        self.project = Path(project).resolve()
        self.base_url = base_url
        self.root = root
        self.sources = MemoReader()
        self.markdown = MarkdownMemo()
        self.keys: dict[str, PageKey] = {}    # output path -> the inputs it was last rendered from
        self.listing: tuple[Any, ...] = ()
        self.renderer: SiteRenderer | None = None
        self.site: Site | None = None
        self.error: list[str] | None = None
        self.versions = Versions()
        self.out: Path = root

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. /microsite/ (/ until a configuration has loaded)."""
        return "/" + self.out.relative_to(self.root).as_posix().strip(".") .strip("/") + "/" if self.out != self.root \
            else "/"

    def _folder_for(self, base_url: str) -> Path:
        """The folder the site is served from, which must lie inside the preview's temporary folder."""
        out = self.root / urlsplit(base_url).path.strip("/")
        # The base URL refuses '..' already; this guards the deletions of the preview against any other way out.
        if not Path(os.path.realpath(out)).is_relative_to(os.path.realpath(self.root)):
            raise ContentError("--base-url", None, None, f"the preview folder {out} for {base_url} leads outside "
                               f"{self.root}", "give a base URL with a plain path, like https://user.github.io/repo/")
        return out

    def rebuild(self, changed: set[Path]) -> Report:
        """Bring the served site up to date with the inputs; on failure keep the error for the browser."""
        started = time.perf_counter()
        report = Report(sorted(relative(p, self.project) for p in changed))
        try:
            pages_only = self.renderer is not None and self.error is None and changed and all(
                self._is_page(p) and p in self.sources.entries and p.exists() for p in changed)
            report.rendered = self._pages(changed) if pages_only else self._full(changed)
            self.error = None
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
        self.sources.entries = {} if settings in changed else {
            path: entry for path, entry in self.sources.entries.items() if not entry[1]}
        config = load_config(self.project, self.base_url)
        site = load_site(config, self.sources)
        assets = hashed_names(config.static_dir)
        renderer = SiteRenderer(site, Urls(config.base_url, assets), self.markdown)
        self.versions.site = site_version(config, assets)
        self.versions.catalogs = catalog_versions(config)
        self.versions.templates = template_versions(renderer.envs[config.default_language])
        self.site, self.renderer = site, renderer
        self.out = self._folder_for(config.base_url)
        self._note_urls(site, renderer)
        count = self._render(site, renderer, everything=True)
        self._sync_static(config, assets)
        _write_if_changed(self.out / MARKER, MARKER_TEXT)   # the same folder as a build makes
        return count

    def _pages(self, changed: set[Path]) -> int:
        """Only page files changed: re-read them and re-render the pages whose inputs differ."""
        self.sources.forget(changed)
        assert self.site is not None and self.renderer is not None   # rebuild() came here after a full build
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
        self.markdown.keep_if(self.versions.urls)   # every renderer of the preview shares self.markdown

    def _render(self, site: Site, renderer: SiteRenderer, everything: bool) -> int:
        """Render the pages whose key changed (all site-wide files when `everything`), write them, drop stale files."""
        wanted = page_keys(site, self.versions)
        todo = [p for p in site.pages if self.keys.get(p.output_path) != wanted[p.output_path]]
        # The sitemap and feeds list every page by address, title, summary and date.
        listing = listing_key(site)
        site_wide, self.listing = everything or listing != self.listing, listing
        errors = ErrorList()
        count = 0
        for rendered in render_site(renderer, errors, pages=todo, site_wide=site_wide):
            count += rendered.path in wanted
            _write_if_changed(self.out / rendered.path, rendered.content)
        errors.raise_if_any()
        for path in set(self.keys) - set(wanted):   # a page deleted or given another slug
            _remove_with_empty_parents(self.out / path, self.out)
        self.keys = wanted
        return count

    def _sync_static(self, config: Config, assets: dict[str, str]) -> None:
        """Copy new static files (under their hashed names) and remove those no page refers to any more."""
        wanted = set()
        for source, rel in static_files(config, assets):
            wanted.add(rel)
            target = self.out / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        static_out = self.out / "static"
        if static_out.is_dir():
            for path in static_out.rglob("*"):
                if path.is_file() and path.relative_to(self.out).as_posix() not in wanted:
                    path.unlink()


def _remove_with_empty_parents(path: Path, top: Path) -> None:
    """Delete an output file and the folders it leaves empty."""
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == top or not parent.is_dir() or any(parent.iterdir()):
            break
        parent.rmdir()


def _write_if_changed(path: Path, content: str | bytes) -> None:
    """Replace a file whole (never half-written for a browser that reads it), only if its content changed."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class ProjectWatcher:
    """Polls every input of the site; livereload asks it what changed and reloads the tabs."""

    def __init__(self, preview: Preview, log: Callable[[str], None] = print) -> None:
        self.preview = preview
        self.log = log
        self._tasks = [INPUTS]      # livereload watches the working directory when this is empty
        self._changes: list[tuple[str | None, float | None]] = []  # livereload queues its start-up reload here
        self.filepath: str | None = None
        self.snapshot = self.scan()

    def scan(self) -> dict[Path, tuple[int, int]]:
        """(size, modification time) of every watched file."""
        found: dict[Path, tuple[int, int]] = {}
        for part in INPUTS:
            top = self.preview.project / part
            try:   # links inside the project count as the files they lead to, as in a build
                files = input_files(top, self.preview.project)
            except BuildError:   # a bad link: the rebuild reports it in the browser; watch the rest meanwhile
                files = file_stats(top, skip_junk=True)
            found.update((top / rel, stats) for rel, stats in files.items())
        return found

    def watch(self, *args: object, **kwargs: object) -> None:
        """livereload's API; what is watched is fixed: everything the site is built from."""

    def start(self, callback: Callable[[], None]) -> bool:
        """Poll often: livereload's own watcher waits 800 ms between looks."""
        ioloop.PeriodicCallback(callback, POLL_MS).start()
        return True

    def examine(self) -> tuple[str | None, float | None]:
        """Rebuild if anything changed; return (a changed path, no delay) so that livereload reloads the tabs."""
        if self._changes:
            return self._changes.pop()
        current = self.scan()
        changed = {p for p in current.keys() | self.snapshot.keys() if current.get(p) != self.snapshot.get(p)}
        if not changed:
            return None, None
        self.snapshot = current
        report = self.preview.rebuild(changed)
        self.log(time.strftime("%H:%M:%S ") + report.line())
        self.filepath = relative(sorted(changed)[0], self.preview.project)
        return self.filepath, None




class PreviewHandler(StaticFileHandler):  # type: ignore[misc]  # livereload ships no types
    """Serves the preview folder: 404 for anything outside it, the site's 404 page, the error page on failure."""

    def initialize(self, path: str, default_filename: str | None = None,
                   preview: Preview | None = None) -> None:
        super().initialize(path=path, default_filename=default_filename)
        assert preview is not None   # get_web_handlers passes it
        self.preview = preview

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        """A URL that is not UTF-8 once decoded (%ff) names no file: 404 like any other missing page, not 400."""
        try:
            decoded: str = super().decode_argument(value, name)
            return decoded
        except web.HTTPError:
            raise web.HTTPError(404) from None

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\0" in path:   # %00 names no file, and the file system functions refuse it with a ValueError
            raise web.HTTPError(404)
        if self.preview.error is not None and _is_page_request(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(error_page(self.preview.error))
            return
        self.set_header("Cache-Control", "no-store")
        try:
            await super().get(path, include_body)
        except web.HTTPError as exc:
            # Outside the served folder (../, %2e%2e): a plain 404 that tells nothing, never a 403 or a listing.
            if exc.status_code == 403:
                raise web.HTTPError(404) from None
            raise

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer a missing page with the site's own 404.html, as GitHub Pages does."""
        page = self.preview.out / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def _is_page_request(path: str) -> bool:
    """True for a URL that shows a page (not a stylesheet or an image)."""
    last = path.rsplit("/", 1)[-1]
    return not last or last.endswith(".html") or "." not in last


def error_page(errors: list[str]) -> str:
    """The page shown instead of the site while the build fails: both languages, every error, no assets."""
    items = "\n".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in errors)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · Lỗi khi dựng trang · Erreur de construction</title>
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
<h1 lang="vi">Không dựng được trang</h1>
<p lang="vi">Hãy sửa lỗi dưới đây và lưu tệp; trang sẽ tự tải lại.</p>
<h1 lang="fr">La construction du site a échoué</h1>
<p lang="fr">Corrigez l’erreur ci-dessous et enregistrez le fichier&#8239;: la page se rechargera d’elle-même.</p>
<ul class="build-errors">
{items}
</ul>
</main>
</body>
</html>
"""


class PreviewServer(Server):  # type: ignore[misc]  # livereload ships no types
    """livereload's server with our handler, our watcher and quiet logs."""

    def __init__(self, preview: Preview, watcher: ProjectWatcher,
                 on_listening: Callable[[str], None] = lambda url: None) -> None:
        super().__init__(watcher=watcher)
        self.preview = preview
        self.on_listening = on_listening

    def application(self, port: int, host: str, **options: Any) -> None:
        """Listen; a busy port or a host that is not this machine is one line naming the option, not a traceback."""
        try:
            super().application(port, host, **options)
        except OSError as exc:
            raise listen_error(exc, host, port) from exc
        except UnicodeError as exc:   # the idna codec refuses an empty label or one over 63 characters
            named = host if len(host) <= 40 else host[:40] + "…"
            raise ContentError(f"--host {named}", None, None,
                               "not a valid host name (a part between dots is empty or longer than 63 characters)",
                               "use an address of this machine, e.g. --host 127.0.0.1") from exc
        shown = f"[{host}]" if ":" in host else host   # an IPv6 address is bracketed in a URL
        self.on_listening(f"http://{shown}:{port}{self.preview.base_path}")

    def get_web_handlers(self, script: object) -> list[tuple[str, type, dict[str, object]]]:
        site = [(r"/(.*)", PreviewHandler, {"path": str(self.preview.root), "default_filename": "index.html",
                                            "preview": self.preview})]
        return workbench.handlers(self.preview) + site   # the workbench's routes first: site's route takes all

    def _setup_logging(self) -> None:
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)


def serve(project: Path, host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None,
          open_browser: bool = False) -> int:
    """Build, serve and watch until Ctrl-C; the output lives in a temporary folder, never in site/."""
    root = Path(tempfile.mkdtemp(prefix="microsite-preview-"))
    try:
        preview = Preview(project, root, base_url)
        first = preview.rebuild(set())
        print(first.line(), flush=True)
        # livereload drops a reload that comes within 3 s of the previous one: editors save more often than that.
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        server = PreviewServer(preview, ProjectWatcher(preview, log=lambda line: print(line, flush=True)),
                               on_listening=lambda url: _announce(url, open_browser))
        server.serve(port=port, host=host, root=str(root), live_css=False, restart_delay=0)
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _announce(url: str, open_browser: bool) -> None:
    """Say where the preview is, once the port is ours (never before: it may be taken)."""
    print(f"Serving {url} — edits to content/, templates/, locales/ and static/ reload the page. "
          "Ctrl-C stops.", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()


def listen_error(exc: OSError, host: str, port: int) -> ContentError:
    """Why the preview cannot listen on host:port, located at the option to change."""
    if exc.errno == errno.EADDRINUSE:
        return ContentError(f"--port {port}", None, None, f"port {port} on {host} is already in use",
                            "stop the program that uses it, or choose another port with --port, e.g. --port 8001")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ContentError(f"--port {port}", None, None, f"this user may not listen on port {port}",
                            "choose a port above 1023 with --port, e.g. --port 8000")
    if isinstance(exc, socket.gaierror):
        return ContentError(f"--host {host}", None, None, f"cannot find the address of {host!r} ({exc.strerror})",
                            "use an address of this machine, e.g. --host 127.0.0.1")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ContentError(f"--host {host}", None, None, f"{host} is not an address of this machine",
                            "use an address of this machine, e.g. --host 127.0.0.1")
    return ContentError(f"--host {host} --port {port}", None, None, f"cannot listen there ({exc.strerror or exc})",
                        "choose another address with --host or another port with --port")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve(Path.cwd()))
