"""The build, top to bottom: config -> content model -> rendered pages -> site/ (only when all succeeded)."""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, TypeVar

from . import publish, stamp
from .cache import BuildCache
from .config import Config, load_config
from .dependencies import (
    Versions,
    catalog_versions,
    digest,
    listing_key,
    page_keys,
    site_version,
    template_versions,
    url_version,
)
from .errors import BuildError, ContentError, ErrorList
from .model import Page, Site, SourceCache, load_site
from .output import atomic_site, check_output, fingerprinted_assets
from .progress import Progress
from .render import MarkdownCache, Rendered, SiteRenderer
from .stamp import BuildResult
from .urls import Urls, calendar_path, feed_path

T = TypeVar("T")
MarkdownResult = tuple[str, str | None]   # (Markdown key, newly converted Markdown or None)
PageResult = tuple[Page, str | None, list[ContentError], MarkdownResult]   # html or None, errors
ChunkResult = tuple[int, str | None, list[ContentError], MarkdownResult]   # the page's index in site.pages


def cache_dir(config: Config) -> Path:
    """Where the build cache lives: .cache/ beside site/."""
    return config.project / ".cache"


def build(project: Path, out: Path | None = None, base_url: str | None = None, strict: bool = False,
          use_cache: bool = True, jobs: int | None = None, progress: bool = False,
          parallel_threshold: int = 200, inputs: stamp.Inputs | None = None) -> BuildResult:
    """Build the site of `project` into `out` (default site/); raise BuildError listing every problem.

    `inputs` is the hash of the inputs already taken by the caller (read before anything else, so that an edit
    made during the build is seen by the next one)."""
    started = time.perf_counter()
    project = Path(project).resolve()
    if use_cache and inputs is None:
        inputs = stamp.read_inputs(project, base_url, strict)
    file_hashes = inputs.file_hashes if inputs else {}
    config = load_config(project, base_url)
    out = refuse_unsafe_output(Path(out) if out else config.project / "site", config)   # before anything is written
    cache = BuildCache(cache_dir(config), warn=_warn) if use_cache else None
    try:
        sources = SourceCache(store=cache, file_hashes=file_hashes)
        site = load_site(config, sources)
        if strict:
            from .translation_state import strict_problems  # only needed in strict mode
            problems = strict_problems(site)
            if problems:
                raise BuildError(problems)
        meter = Progress(_page_counts(site)) if progress else None
        summary: dict[str, Any] = {"pages": _page_counts(site), "warnings": list(site.warnings)}
        # An input edited since its hash was taken was built as it is now: the record would pair the site with
        # the older inputs, so there is none, and the next build builds.
        record = functools.partial(_record, project, out, inputs.digest, summary) if use_cache and inputs else None
        if sources.edited:
            record = functools.partial(_forget_record, project)
        cached, _keys = write_site(site, config, out, cache, jobs or os.cpu_count() or 1, meter, parallel_threshold,
                                  record)
        if cache is not None:
            cache.close(prune=True)
    finally:
        if cache is not None:
            cache.close()
    return BuildResult(out, summary["pages"], site.warnings, time.perf_counter() - started, cached)


def _record(project: Path, out: Path, digest: str, summary: dict[str, Any], keys: dict[str, str]) -> None:
    """Write the build record of the site just swapped in; if that fails the site stands, and the next build,
    finding no record of it, builds again."""
    try:
        stamp.save(project, out, digest, summary, keys)
    except OSError as exc:
        _warn(f"warning: .cache/{stamp.FILE_NAME}: the build record could not be written ({exc.strerror or exc}); "
              "the next build will build everything again")
        stamp.forget(project)


def _page_counts(site: Site) -> dict[str, int]:
    """How many pages each language has."""
    return {lang: len(site.pages_in(lang)) for lang in site.config.languages}


def _forget_record(project: Path, keys: dict[str, str]) -> None:
    """Leave no build record (the site just swapped in was built from inputs edited during the build)."""
    stamp.forget(project)


def refuse_unsafe_output(out: Path, config: Config) -> Path:
    """The real folder to write the site into; a ContentError when the build may not replace it (the output
    folder is swapped out whole, so only a folder the build made, or an empty one, may be)."""
    return check_output(out, config.project)


def _warn(message: str) -> None:
    """Print a cache warning on stderr."""
    print(message, file=sys.stderr)


def write_site(site: Site, config: Config, out: Path, cache: BuildCache | None = None, jobs: int = 1,
               progress: Progress | None = None, parallel_threshold: int = 200,
               record: Callable[[dict[str, str]], None] | None = None) -> tuple[int, dict[str, str]]:
    """Render every page and write the whole site atomically, or nothing at all.

    Pages stream to disk as they are rendered, so memory does not grow with the site. `record` is given each
    page's input key right after the new site is swapped in. Returns how many pages were taken unchanged from
    the previous site, and each page's input key (for the next build)."""
    assets = fingerprinted_assets(config.static_dir)
    urls = Urls(config.base_url, assets)
    renderer = SiteRenderer(site, urls, MarkdownCache())
    keys = _page_cache_keys(site, config, renderer, cache) if cache is not None else {}
    # Pages the site on disk already holds with the same inputs are linked into the new site, not rewritten.
    on_disk = stamp.unchanged_outputs(config.project, out, keys) if cache is not None else set()
    errors = ErrorList()
    todo = [p for p in site.pages if p.output_path not in on_disk]
    pages = {p.output_path for p in site.pages}
    with atomic_site(out, functools.partial(record, keys) if record else None) as writer:
        for path in sorted(on_disk & pages):
            writer.link(out / path, path)
        if progress:
            for page in site.pages:
                if page.output_path in on_disk:
                    progress.advance(page.lang)
        fresh: list[tuple[Page, str, MarkdownResult]] = []
        for page, html, problems, markdown in render_pages(renderer, todo, jobs, parallel_threshold, cache):
            errors.extend(problems)
            if html is not None:
                writer.write_text(page.output_path, html)
                fresh.append((page, html, markdown))
            if progress:
                progress.advance(page.lang)
            if len(fresh) >= 256:
                _store(cache, fresh)
        _store(cache, fresh)
        if progress:
            progress.finish()
        for path in sorted(on_disk - pages):   # the sitemap, feeds... when nothing they show changed
            writer.link(out / path, path)
        for rendered in render_site(site, renderer, errors, pages=[], site_wide=True, skip=on_disk):
            writer.write_text(rendered.path, rendered.html)
        errors.raise_if_any()
        for source, rel in static_files(config, assets):
            writer.copy(source, rel)
    return len(site.pages) - len(todo), keys


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of a list."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _store(cache: BuildCache | None, fresh: list[tuple[Page, str, MarkdownResult]]) -> None:
    """Put new Markdown conversions into the cache, keep the reused ones, and let go of the rendered pages.

    Rendered pages themselves are not stored: the previous site/ holds them, and unchanged ones are linked."""
    if cache is not None and fresh:
        cache.used["markdown"].update(key for _, _, (key, _) in fresh)   # read by workers: kept by the pruning
        cache.put_many("markdown", [(key, markdown) for _, _, (key, markdown) in fresh if markdown is not None])
    fresh.clear()


def _page_cache_keys(site: Site, config: Config, renderer: SiteRenderer, cache: BuildCache) -> dict[str, str]:
    """A hash of every page's inputs (its dependency key), by output path."""
    versions = Versions(site=site_version(config, renderer.urls.assets),
                        urls=url_version(site, renderer.urls, renderer.known_paths),
                        catalogs=catalog_versions(config),
                        templates=template_versions(renderer.envs[config.default_language], cache))
    keys = {path: digest(key[:4], key[4].cache_identity(), key[5:]) for path, key in page_keys(site, versions).items()}
    # The files that are not pages list every page (sitemap, feeds) or speak every language (landing, 404).
    everything = digest(versions.site, versions.urls, sorted(versions.catalogs.items()),
                        sorted(versions.templates.items()), listing_key(site))
    keys.update((path, everything) for path, _ in site_wide_files(site, renderer))
    return keys


def render_pages(renderer: SiteRenderer, pages: list[Page], jobs: int = 1, parallel_threshold: int = 200,
                 cache: BuildCache | None = None) -> Iterator[PageResult]:
    """Yield (page, html or None, errors, (Markdown key, newly converted Markdown or None)) for each page, in
    order.

    In parallel when it pays; stored Markdown conversions are looked up a batch at a time."""
    if jobs > 1 and len(pages) >= max(parallel_threshold, 1) and "fork" in multiprocessing.get_all_start_methods():
        yield from _render_in_pool(renderer, pages, jobs, cache)
        return
    for batch in _batches(pages, 64):
        yield from _render_batch(renderer, batch, cache)


def _render_batch(renderer: SiteRenderer, pages: list[Page], cache: BuildCache | None) -> list[PageResult]:
    """Render some pages, reusing stored Markdown conversions; forget them afterwards to keep memory flat.

    Each result is (page, html or None, errors, (Markdown key, newly converted Markdown or None))."""
    assert renderer.markdown_cache is not None   # every renderer of a build or a preview has one
    memory = renderer.markdown_cache.entries
    keys = [renderer.markdown_key(page) for page in pages]
    stored = cache.get_many("markdown", keys) if cache is not None else {}
    memory.update(stored)
    results: list[PageResult] = []
    for page, key in zip(pages, keys, strict=True):
        html: str | None
        problems: list[ContentError]
        try:
            html, problems = renderer.render_page(page).html, []
        except BuildError as several:
            html, problems = None, several.errors
        except ContentError as exc:
            html, problems = None, [exc]
        results.append((page, html, problems, (key, memory.get(key) if key not in stored else None)))
    if cache is not None:
        for key in keys:
            memory.pop(key, None)
    return results


# Set in each worker process by _start_worker; forked workers inherit the site instead of unpickling it.
_WORKER: tuple[SiteRenderer, BuildCache | None] | None = None


def _start_worker(renderer: SiteRenderer, cache_folder: Path | None) -> None:
    """Set up a forked worker: the parent's renderer (a copy, with its compiled templates), its own cache
    connection (an SQLite connection must not cross a fork)."""
    global _WORKER
    # The parent turns SIGTERM into KeyboardInterrupt and handles Ctrl-C; a worker just stops when told to.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = (renderer, BuildCache(cache_folder, warn=_warn, read_only=True) if cache_folder else None)


def _render_chunk(indices: list[int]) -> list[ChunkResult]:
    """Render some pages in a worker: (index, html, errors, markdown) each."""
    assert _WORKER is not None   # set by _start_worker
    renderer, cache = _WORKER
    pages = renderer.site.pages
    results = _render_batch(renderer, [pages[i] for i in indices], cache)
    return [(i, html, problems, markdown) for i, (_, html, problems, markdown) in zip(indices, results, strict=True)]


def _render_in_pool(renderer: SiteRenderer, pages: list[Page], jobs: int, cache: BuildCache | None
                    ) -> Iterator[PageResult]:
    """Render pages in a pool of forked processes, yielding results in the pages' order."""
    site = renderer.site
    index = {id(page): i for i, page in enumerate(site.pages)}
    positions = [index[id(page)] for page in pages]
    chunks = list(_batches(positions, max(8, min(64, len(positions) // (jobs * 8) or 1))))
    if cache is not None:
        cache.release()   # workers read it through their own connections; none may inherit this one
    renderer.load_templates()
    context = multiprocessing.get_context("fork")
    try:
        pool = context.Pool(jobs, initializer=_start_worker,
                            initargs=(renderer, cache.path.parent if cache else None))
    finally:
        if cache is not None:
            cache.reopen()
    finished = False
    try:
        for results in pool.imap(_render_chunk, chunks):
            for i, html, problems, markdown in results:
                yield site.pages[i], html, problems, markdown
        finished = True
    finally:
        # Let idle workers exit on their own; only an interrupted build kills them.
        pool.close() if finished else pool.terminate()
        pool.join()


def render_site(site: Site, renderer: SiteRenderer, errors: ErrorList, pages: list[Page], site_wide: bool,
                skip: Collection[str] = frozenset()) -> Iterator[Rendered]:
    """Yield the text files of `pages`, then (when `site_wide`) the files that are not pages except those in
    `skip`, collecting errors."""
    for page, html, problems, _ in _render_batch(renderer, pages, None):
        errors.extend(problems)
        if html is not None:
            yield Rendered(page.output_path, html)
    if not site_wide:
        return
    for path, make in site_wide_files(site, renderer):
        if path in skip:
            continue
        try:
            yield Rendered(path, make())
        except ContentError as exc:
            errors.add(exc)


def site_wide_files(site: Site, renderer: SiteRenderer) -> list[tuple[str, Callable[[], str]]]:
    """Every file that is not a page: where it goes under site/, and how to make its text."""
    urls = renderer.urls
    files = [("index.html", lambda: renderer.render_landing().html),
             ("404.html", lambda: renderer.render_not_found().html),
             ("sitemap.xml", lambda: publish.sitemap(site, urls)),
             ("robots.txt", lambda: publish.robots(urls))]
    for lang in site.config.languages:
        files.append((feed_path(lang), functools.partial(publish.atom_feed, site, urls, lang)))
        files.append((calendar_path(lang), functools.partial(publish.calendar, site, urls, lang)))
    files.append((".nojekyll", lambda: ""))   # GitHub Pages must not run Jekyll, which drops folders starting with _
    cname = site.config.cname
    if cname:
        files.append(("CNAME", lambda: cname + "\n"))
    return files


def static_files(config: Config, assets: dict[str, str]) -> list[tuple[Path, str]]:
    """Each static file and where its fingerprinted copy goes under site/."""
    return [(config.static_dir / name, f"static/{hashed}") for name, hashed in assets.items()]
